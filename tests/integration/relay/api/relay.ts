/**
 * A relay for the business-API tests, with API settings overridden (rate limits, webhook timing), plus
 * helpers to put a customer in a given state and give it wallets (as the MPC code would).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiSettingsOverrides } from '../../../../relay/api/settings.js';
import { loadConfig } from '../../../../relay/config.js';
import { type RunningRelay, startRelay } from '../../../../relay/server.js';
import { insertWallet, type Wallet, type WalletKeyFamily } from '../../../../relay/wallets/store.js';
import { type ApiCall, createApiCaller } from '../../../helpers/api-caller.js';
import { createTestDatabase, type TestDatabase } from '../../../helpers/database.js';

export interface ApiTestRelay extends RunningRelay {
  apiKey: string;
  dataDir: string;
  database: TestDatabase;
  call: ApiCall;
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export async function startApiRelay(
  options: { api?: ApiSettingsOverrides; dataDir?: string; apiKey?: string; database?: TestDatabase } = {},
): Promise<ApiTestRelay> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tandem-api-'));
  const apiKey = options.apiKey ?? `tdm_test_${crypto.randomUUID().replaceAll('-', '')}`;
  const database = options.database ?? (await createTestDatabase());
  const config = {
    ...loadConfig({ PORT: '0', TANDEM_DATA_DIR: dataDir, TANDEM_API_KEY: apiKey, DATABASE_URL: database.url }),
    api: {
      ...options.api,
      challenges: { sweepIntervalMs: 60_000, ...options.api?.challenges },
      webhooks: { pollIntervalMs: 50, baseDelayMs: 100, timeoutMs: 2000, ...options.api?.webhooks },
    },
  };
  const relay = await startRelay(config, () => undefined);
  return {
    ...relay,
    apiKey,
    dataDir,
    database,
    call: createApiCaller(relay.url, apiKey),
    async stop(stopOptions = {}) {
      await relay.close();
      if (stopOptions.keepData) return;
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function createCustomer(relay: ApiTestRelay, apiKey = relay.apiKey): Promise<string> {
  const r = await relay.call(
    'POST',
    '/v2/customers',
    { name: 'Ada', refId: `ref-${crypto.randomUUID()}` },
    { 'X-API-Key': apiKey },
  );
  if (r.status !== 201) throw new Error(`customer creation failed: ${JSON.stringify(r.json)}`);
  return r.json.data.id;
}

/** Sets the flags the PIN and recovery flows would set. */
export async function setCustomerState(
  relay: ApiTestRelay,
  customerId: string,
  flags: { hasPin?: boolean; hasRecovery?: boolean; locked?: boolean },
) {
  await relay.db.query(
    `UPDATE customers SET has_pin = COALESCE($2, has_pin), has_recovery = COALESCE($3, has_recovery),
       locked = COALESCE($4, locked) WHERE id = $1`,
    [customerId, flags.hasPin ?? null, flags.hasRecovery ?? null, flags.locked ?? null],
  );
}

export async function organisationOf(relay: ApiTestRelay, customerId: string): Promise<string> {
  const r = await relay.db.query<{ organisation_id: string }>('SELECT organisation_id FROM customers WHERE id = $1', [
    customerId,
  ]);
  return r.rows[0]?.organisation_id as string;
}

const SAMPLE_ADDRESSES: Record<WalletKeyFamily, () => string> = {
  evm: () => `0x${Buffer.from(crypto.getRandomValues(new Uint8Array(20))).toString('hex')}`,
  bitcoin: () => `tb1q${crypto.randomUUID().replaceAll('-', '').slice(0, 30)}`,
  solana: () => `So1${crypto.randomUUID().replaceAll('-', '')}`,
  near: () => crypto.randomUUID().replaceAll('-', '').padEnd(64, '0'),
};

/** Inserts a wallet row as the MPC code does at the end of a wallet-create ceremony. */
export async function giveWallet(
  relay: ApiTestRelay,
  customerId: string,
  blockchain: string,
  keyFamily: WalletKeyFamily,
): Promise<Wallet> {
  const organisationId = await organisationOf(relay, customerId);
  return relay.db.transaction((tx) =>
    insertWallet(tx, {
      organisationId,
      customerId,
      blockchain,
      keyFamily,
      address: SAMPLE_ADDRESSES[keyFamily](),
      publicKey: `02${'ab'.repeat(32)}`,
      derivationPath: 'm/0/0',
    }),
  );
}
