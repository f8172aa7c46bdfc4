/**
 * Migrations 10–29: wallets, challenges, idempotency keys, webhook endpoints and their outbox, audit log.
 */
import type { Migration } from '../migrate.js';

export const API_MIGRATIONS: Migration[] = [
  {
    id: 10,
    name: 'wallets, challenges, idempotency keys, webhooks, audit log',
    sql: `
      -- A customer's addresses. Rows are written by the MPC code when a wallet-create ceremony finishes
      -- (insertWallet), in the same transaction as the key material, so a wallet never exists without keys.
      CREATE TABLE wallets (
        id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        customer_id uuid NOT NULL REFERENCES customers(id),
        blockchain text NOT NULL,
        address text NOT NULL,
        public_key text NOT NULL,
        derivation_path text NOT NULL,
        key_family text NOT NULL CHECK (key_family IN ('evm', 'bitcoin', 'solana', 'near')),
        account_type text NOT NULL DEFAULT 'eoa',
        name text,
        ref_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (blockchain, address)
      );
      CREATE INDEX wallets_org_created ON wallets (organisation_id, created_at, id);
      CREATE INDEX wallets_customer ON wallets (customer_id, created_at);

      -- Challenges: the one path for every action a customer approves (DESIGN.md §5). status is stored as
      -- pending | in_progress | verified | failed | expired; a pending row past expires_at reads as expired
      -- even before the sweeper rewrites it. payload/result/return_url are erased when pruned.
      CREATE TABLE challenges (
        id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        customer_id uuid NOT NULL REFERENCES customers(id),
        kind text NOT NULL,
        status text NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'in_progress', 'verified', 'failed', 'expired')),
        payload jsonb,
        return_url text,
        result jsonb,
        failure_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        claimed_at timestamptz,
        completed_at timestamptz,
        pruned_at timestamptz
      );
      CREATE INDEX challenges_customer_created ON challenges (customer_id, created_at, id);
      CREATE INDEX challenges_open_expiry ON challenges (expires_at) WHERE status IN ('pending', 'in_progress');
      CREATE INDEX challenges_unpruned_expiry ON challenges (expires_at) WHERE pruned_at IS NULL;

      -- Idempotency: the first response to (organisation, key) is kept and replayed. status_code is NULL
      -- while the first request is still running.
      CREATE TABLE idempotency_keys (
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        key text NOT NULL,
        method text NOT NULL,
        path text NOT NULL,
        request_hash text NOT NULL,
        status_code integer,
        response_body text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organisation_id, key)
      );
      CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

      -- The HMAC secret must be usable to sign, so it is stored as given (see docs/security/relay-api.md).
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        url text NOT NULL,
        description text,
        events text[] NOT NULL,
        secret text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      );
      CREATE INDEX webhook_endpoints_org ON webhook_endpoints (organisation_id) WHERE deleted_at IS NULL;

      -- One row per (event, endpoint). body is the exact JSON that is signed and sent, so retries send
      -- the same bytes. next_attempt_at doubles as the lease while a worker is sending.
      CREATE TABLE webhook_outbox (
        id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id),
        event text NOT NULL,
        event_id uuid NOT NULL,
        body text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_status_code integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz
      );
      CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX webhook_outbox_endpoint ON webhook_outbox (endpoint_id, created_at);

      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        organisation_id uuid,
        customer_id uuid,
        actor text NOT NULL,
        action text NOT NULL,
        target text,
        details jsonb,
        ip text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX audit_log_org ON audit_log (organisation_id, id);
      -- Append-only: rows can be purged by age (retention) but never rewritten.
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_log rows are append-only'; END
      $$;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
    `,
  },
];
