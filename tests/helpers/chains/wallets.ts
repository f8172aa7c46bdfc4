/**
 * Test set-up for chain tests: a customer created through the real API, and a wallet row for a
 * key the test holds (standing in for the MPC key: the MPC engine is tested elsewhere).
 */
import { insertWallet, type WalletKeyFamily } from '../../../relay/wallets/store.js';
import type { TestRelay } from '../relay.js';

export interface SeededWallet {
  organisationId: string;
  customerId: string;
  walletId: string;
}

export async function seedWallet(
  relay: TestRelay,
  wallet: {
    blockchain: string;
    address: string;
    publicKey: string;
    derivationPath: string;
    keyFamily: WalletKeyFamily;
  },
): Promise<SeededWallet> {
  const created = await relay.call('POST', '/v2/customers', {
    name: 'Chain Tester',
    refId: `chain-${crypto.randomUUID()}`,
  });
  if (created.status !== 201) throw new Error(`customer creation failed: ${JSON.stringify(created.json)}`);
  const customerId = created.json.data.id as string;
  const org = await relay.db.query<{ organisation_id: string }>('SELECT organisation_id FROM customers WHERE id = $1', [
    customerId,
  ]);
  const organisationId = org.rows[0]?.organisation_id as string;
  const row = await relay.db.transaction((tx) => insertWallet(tx, { organisationId, customerId, ...wallet }));
  return { organisationId, customerId, walletId: row.id };
}

/** Polls GET /v2/transactions/:id until `status` (or a terminal status), within `timeoutMs`. */
export async function waitForStatus(
  relay: TestRelay,
  id: string,
  status: string,
  timeoutMs = 15_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    const r = await relay.call('GET', `/v2/transactions/${id}`);
    last = r.json.data ?? r.json;
    if (last.status === status || last.status === 'failed' || last.status === 'confirmed') return last;
    await new Promise((res) => setTimeout(res, 100));
  }
  return last;
}
