/**
 * The PIN guard's own schema. It lives in the relay database when the guard runs in-process and in
 * the guard's own PGlite when it runs alone; the id range (1_000_000+) keeps it apart from the
 * relay's migrations in the shared `schema_migrations` table. Times are epoch milliseconds from
 * the injected clock; bytes are hex text (identical on PGlite and node-postgres).
 */
import type { Migration } from '../db/migrate.js';

export const PIN_GUARD_MIGRATIONS: Migration[] = [
  {
    id: 1_000_001,
    name: 'pin guard: guarded secrets, nonces, resets',
    sql: `
      CREATE TABLE pin_guard_secrets (
        customer_id text NOT NULL,
        purpose text NOT NULL CHECK (purpose IN ('pin', 'questions')),
        -- current enrolment epoch (0 = never enrolled) and the next one to hand out
        epoch integer NOT NULL DEFAULT 0,
        next_epoch integer NOT NULL DEFAULT 1,
        -- Ed25519 public key V derived from K; never a hash of the PIN
        verifier_hex text,
        -- evaluations not (yet) followed by a valid proof
        failures integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
        locked_at_ms bigint,
        enrolment_open_until_ms bigint,
        enrol_evaluations integer NOT NULL DEFAULT 0,
        PRIMARY KEY (customer_id, purpose)
      );
      CREATE TABLE pin_guard_nonces (
        nonce_hex text PRIMARY KEY,
        customer_id text NOT NULL,
        purpose text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('unlock', 'enrol')),
        epoch integer NOT NULL,
        expires_at_ms bigint NOT NULL
      );
      CREATE INDEX pin_guard_nonces_owner ON pin_guard_nonces (customer_id, purpose);
      CREATE TABLE pin_guard_resets (
        customer_id text NOT NULL,
        purpose text NOT NULL,
        at_ms bigint NOT NULL
      );
      CREATE INDEX pin_guard_resets_owner ON pin_guard_resets (customer_id, purpose, at_ms);
    `,
  },
];
