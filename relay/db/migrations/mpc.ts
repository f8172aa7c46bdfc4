/** Migrations 50–69: Node 2's devices and sealed server key material. */
import type { Migration } from '../migrate.js';

export const MPC_MIGRATIONS: Migration[] = [
  {
    id: 50,
    name: 'mpc devices and sealed server key shares',
    sql: `
      -- Device keys (a non-extractable WebCrypto P-256 key per extension install), registered at
      -- onboarding under an initialize/recovery challenge. The id is derived from the key, so one
      -- key can never be registered under two ids. Revoked devices cannot authenticate.
      CREATE TABLE mpc_devices (
        id text PRIMARY KEY,
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        customer_id uuid NOT NULL REFERENCES customers(id),
        public_key bytea NOT NULL,
        registered_challenge_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz,
        revoked_at timestamptz,
        revoked_reason text
      );
      CREATE INDEX mpc_devices_customer ON mpc_devices (customer_id);

      -- Node 2's secret key material: one row per key (ECDSA root per family, FROST root, ed25519
      -- account share, the export key part k_S). sealed = XChaCha20-Poly1305 under the master key
      -- (relay/crypto/seal.ts) with AAD binding table, row id, customer and purpose; master_key_id
      -- tells a rotation what is still sealed under an old key. public_data holds only public values.
      CREATE TABLE mpc_key_shares (
        id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        customer_id uuid NOT NULL REFERENCES customers(id),
        key_id text NOT NULL,
        purpose text NOT NULL,
        epoch integer NOT NULL DEFAULT 0,
        public_key text NOT NULL,
        public_data jsonb NOT NULL DEFAULT '{}'::jsonb,
        master_key_id text NOT NULL,
        sealed bytea NOT NULL,
        challenge_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (customer_id, key_id)
      );
      CREATE INDEX mpc_key_shares_master_key ON mpc_key_shares (master_key_id);
    `,
  },
];
