/** Migrations 30–49: transactions built, signed, broadcast and tracked by relay/chains. */
import type { Migration } from '../migrate.js';

export const CHAINS_MIGRATIONS: Migration[] = [
  {
    id: 30,
    name: 'transactions',
    sql: `
      -- One row per on-chain transaction a customer approved. status moves
      -- pending (built, awaiting the 2-of-2 signature) -> signed -> broadcast -> confirmed | failed.
      -- unsigned_tx is the exact JSON both signers derived the digest from; raw_tx the signed bytes,
      -- kept so a relay that stops between signing and broadcasting broadcasts it after restart.
      CREATE TABLE transactions (
        id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        customer_id uuid NOT NULL REFERENCES customers(id),
        wallet_id uuid NOT NULL REFERENCES wallets(id),
        challenge_id uuid,
        blockchain text NOT NULL,
        operation text NOT NULL CHECK (operation IN ('transfer', 'contract-execution')),
        status text NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'signed', 'broadcast', 'confirmed', 'failed')),
        source_address text NOT NULL,
        destination_address text NOT NULL,
        contract_address text,
        token_address text,
        token_id text,
        amount text NOT NULL,
        symbol text NOT NULL,
        fee_level text NOT NULL CHECK (fee_level IN ('low', 'medium', 'high')),
        network_fee text NOT NULL,
        abi_function_signature text,
        ref_id text,
        unsigned_tx jsonb NOT NULL,
        raw_tx text,
        tx_hash text,
        block_number bigint,
        error_reason text,
        check_attempts integer NOT NULL DEFAULT 0,
        next_check_at timestamptz,
        signed_at timestamptz,
        broadcast_at timestamptz,
        confirmed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX transactions_org_created ON transactions (organisation_id, created_at, id);
      CREATE INDEX transactions_wallet ON transactions (wallet_id, created_at);
      CREATE INDEX transactions_hash ON transactions (tx_hash);
      CREATE UNIQUE INDEX transactions_challenge ON transactions (challenge_id) WHERE challenge_id IS NOT NULL;
      CREATE INDEX transactions_tracking ON transactions (next_check_at) WHERE status IN ('signed', 'broadcast');
    `,
  },
];
