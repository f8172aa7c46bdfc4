/** Migrations 1–9: organisations, API keys, customers. */
import type { Migration } from '../migrate.js';

export const FOUNDATION_MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'organisations, api keys, customers',
    sql: `
      CREATE TABLE organisations (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      -- API keys are high-entropy random strings, so a plain SHA-256 is enough to make a copied
      -- database useless for calling the API; only the prefix is kept for display.
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        name text NOT NULL,
        key_prefix text NOT NULL,
        key_hash bytea NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      );
      CREATE TABLE customers (
        id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        name text NOT NULL,
        ref_id text NOT NULL,
        has_pin boolean NOT NULL DEFAULT false,
        has_recovery boolean NOT NULL DEFAULT false,
        locked boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (organisation_id, ref_id)
      );
      CREATE INDEX customers_org_created ON customers (organisation_id, created_at, id);
    `,
  },
];
