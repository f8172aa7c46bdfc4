/** Migrations 70–89: the Node 1 bundle's wrapped copies and email recovery (DESIGN.md §2, §4). */
import type { Migration } from '../migrate.js';

export const RECOVERY_MIGRATIONS: Migration[] = [
  {
    id: 70,
    name: 'wrapped bundle copies and email recovery',
    sql: `
      -- One wrapped copy of the Node 1 bundle per method: 'pin' is the wrappedSecret used to restore on a
      -- new device; the others are recovery copies. All are opaque ciphertexts to the relay, except the
      -- email copy, whose key part the relay holds (email-key-parts below): that method trusts the operator.
      CREATE TABLE wrapped_copies (
        customer_id uuid NOT NULL REFERENCES customers(id),
        method text NOT NULL CHECK (method IN ('pin', 'questions', 'email', 'kit')),
        wrapped jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (customer_id, method)
      );
      CREATE TABLE email_recovery (
        customer_id uuid PRIMARY KEY REFERENCES customers(id),
        email text NOT NULL,
        -- The relay-held key part R, sealed under the relay master key (AAD binds the customer).
        key_part_sealed bytea NOT NULL,
        verified_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      -- Outstanding 6-digit codes, one per challenge and purpose; only a digest of the code is stored.
      CREATE TABLE email_codes (
        challenge_id uuid NOT NULL,
        purpose text NOT NULL CHECK (purpose IN ('setup', 'recover')),
        customer_id uuid NOT NULL REFERENCES customers(id),
        email text NOT NULL,
        record jsonb NOT NULL,
        sends integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (challenge_id, purpose)
      );
    `,
  },
  {
    id: 71,
    name: 'recovery kit proof of possession',
    sql: `
      -- The public half of a key derived from the recovery kit code: a reset through the kit proves
      -- possession of the code by signing a fresh nonce, so the relay can open PIN re-enrolment.
      CREATE TABLE recovery_kit_keys (
        customer_id uuid PRIMARY KEY REFERENCES customers(id),
        public_key bytea NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE recovery_kit_nonces (
        challenge_id uuid PRIMARY KEY,
        nonce bytea NOT NULL,
        expires_at timestamptz NOT NULL
      );
    `,
  },
];
