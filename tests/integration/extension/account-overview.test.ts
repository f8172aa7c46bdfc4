/**
 * The background's account overview (extension/background/account-overview.ts) against a real relay:
 * the device key registered at onboarding authenticates the connection, the relay answers for that
 * customer; the popup's two questions share one connection, which closes when idle; a relay refusal
 * or an unreachable relay becomes an OverviewUnavailableError with words for the popup.
 */
import { webcrypto } from 'node:crypto';
import { Keypair } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  type AccountOverview,
  createAccountOverview,
  OverviewUnavailableError,
} from '../../../extension/background/account-overview.js';
import { createDeviceKey, type DeviceKey } from '../../../extension/background/device-key.js';
import {
  connectRelay,
  connectRelayWithRetry,
  queryRelay,
  type RelayConnection,
  RelayQueryError,
  type SocketLike,
} from '../../../extension/background/relay-client.js';
import { createSettingsStore } from '../../../extension/background/settings.js';
import { createWalletStore, type WalletStore } from '../../../extension/background/wallet-store.js';
import { createArgon2Params, DEFAULT_ARGON2_COST } from '../../../protocol/pin/argon2.js';
import { deriveGuardKeyPair } from '../../../protocol/pin/oprf.js';
import { wrapBundle } from '../../../protocol/pin/wrap.js';
import { secureRng } from '../../../protocol/rng.js';
import { insertWallet } from '../../../relay/wallets/store.js';
import { freePort } from '../../helpers/chains/anvil.js';
import { type LiteSvmRpc, startLiteSvmRpc } from '../../helpers/chains/litesvm-rpc.js';
import { createTestChallenge, createTestCustomer, type MpcTestRelay, startMpcTestRelay } from '../../helpers/node1.js';
import { FakeStorageArea } from '../../unit/extension/fakes.js';

const PER_MINUTE = 6;
let relay: MpcTestRelay;
let svm: LiteSvmRpc;
let closedPort: number;

beforeAll(async () => {
  svm = await startLiteSvmRpc();
  closedPort = await freePort();
  process.env.TANDEM_RPC_SOL_LOCAL = svm.url;
  process.env.TANDEM_RPC_BTC_REGTEST = `http://127.0.0.1:${closedPort}`;
  relay = await startMpcTestRelay({ mpcLimits: { accountQueriesPerMinute: PER_MINUTE } });
}, 60_000);

afterAll(async () => {
  await relay?.stop();
  await svm?.stop();
  delete process.env.TANDEM_RPC_SOL_LOCAL;
  delete process.env.TANDEM_RPC_BTC_REGTEST;
});

function memoryDeviceKey(): DeviceKey {
  let pair: CryptoKeyPair | undefined;
  return createDeviceKey({
    store: {
      get: async () => pair,
      add: async (p) => {
        if (pair) return false;
        pair = p;
        return true;
      },
    },
    subtle: webcrypto.subtle as unknown as SubtleCrypto,
  });
}

const openSocket = (url: string) => new WebSocket(url) as unknown as SocketLike;

/** What onboarding leaves on a device: a registered device key and the PIN copy for (relay, customer). */
async function onboardedProfile(relayOrigin = relay.url) {
  const customerId = await createTestCustomer(relay);
  const challengeId = await createTestChallenge(relay, customerId, 'initialize');
  const deviceKey = memoryDeviceKey();
  const registering = await connectRelay(
    { relayOrigin: relay.url, openSocket, deviceKey },
    { mode: 'register', customerId, challengeId },
  );
  registering.close();
  const wallets = createWalletStore({ local: new FakeStorageArea() });
  const kdf = {
    kind: 'argon2id+poprf' as const,
    argon2: createArgon2Params(secureRng, DEFAULT_ARGON2_COST),
    guard: deriveGuardKeyPair(secureRng(32)).guard,
    epoch: 1,
  };
  const wrapped = await wrapBundle({ shares: [] }, secureRng(32), { method: 'pin', customerId, kdf }, secureRng);
  await wallets.save({ relayOrigin, customerId, wrapped, updatedAt: 1 });
  const settings = createSettingsStore({ storage: new FakeStorageArea() });
  await settings.update({ relayUrl: relayOrigin });
  return { customerId, deviceKey, wallets, settings };
}

function overviewFor(
  profile: { deviceKey: DeviceKey; wallets: WalletStore; settings: ReturnType<typeof createSettingsStore> },
  options: { idleCloseMs?: number } = {},
): { overview: AccountOverview; connects: () => number } {
  let connects = 0;
  let n = 0;
  const overview = createAccountOverview({
    settings: profile.settings,
    wallets: profile.wallets,
    newId: () => `t${++n}`,
    idleCloseMs: options.idleCloseMs ?? 5_000,
    connect: (relayOrigin, identity) => {
      connects++;
      return connectRelayWithRetry({ relayOrigin, openSocket, deviceKey: profile.deviceKey }, identity, {
        backoffMs: [],
      });
    },
  });
  return { overview, connects: () => connects };
}

async function addWallet(customerId: string, blockchain: string, address: string, keyFamily: 'solana' | 'bitcoin') {
  const row = await relay.db.transaction((tx) =>
    insertWallet(tx, {
      organisationId: relay.organisationId,
      customerId,
      blockchain,
      address,
      publicKey: '11'.repeat(32),
      derivationPath: "m/44'/501'/0'/0'",
      keyFamily,
    }),
  );
  return row.id;
}

describe('account overview', () => {
  it('answers "no customer" without connecting when this device is not onboarded on the configured relay', async () => {
    const settings = createSettingsStore({ storage: new FakeStorageArea() });
    await settings.update({ relayUrl: relay.url });
    const { overview, connects } = overviewFor({
      deviceKey: memoryDeviceKey(),
      wallets: createWalletStore({ local: new FakeStorageArea() }),
      settings,
    });
    expect(await overview.balances()).toEqual({ relayOrigin: relay.url, customerId: null });
    expect(await overview.activity()).toEqual({ relayOrigin: relay.url, customerId: null });
    expect(connects()).toBe(0);
  });

  it("gets the customer's balances (and a per-wallet error) and activity over one connection", async () => {
    const profile = await onboardedProfile();
    const sol = Keypair.generate().publicKey.toBase58();
    svm.airdrop(sol, 2_000_000_000n);
    const solId = await addWallet(profile.customerId, 'SOL-LOCAL', sol, 'solana');
    const btcId = await addWallet(
      profile.customerId,
      'BTC-REGTEST',
      'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080',
      'bitcoin',
    );
    const { overview, connects } = overviewFor(profile);
    const [balances, activity] = await Promise.all([overview.balances(), overview.activity()]);
    expect(balances).toEqual({
      relayOrigin: relay.url,
      customerId: profile.customerId,
      wallets: [
        {
          walletId: solId,
          blockchain: 'SOL-LOCAL',
          address: sol,
          addressType: null,
          balances: [{ symbol: 'SOL', amount: '2000000000', decimals: 9 }],
        },
        {
          walletId: btcId,
          blockchain: 'BTC-REGTEST',
          address: 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080',
          addressType: 'p2wpkh',
          error: 'the BTC-REGTEST node could not be reached',
        },
      ],
    });
    expect(activity.customerId).toBe(profile.customerId);
    expect('entries' in activity && activity.entries.map((e) => e.kind)).toEqual(['initialize']);
    expect(connects()).toBe(1);
    overview.close();
  });

  it('closes the connection when idle and opens a new one for the next question', async () => {
    const profile = await onboardedProfile();
    const { overview, connects } = overviewFor(profile, { idleCloseMs: 100 });
    await overview.activity();
    await new Promise((r) => setTimeout(r, 300));
    await overview.activity();
    expect(connects()).toBe(2);
    overview.close();
  });

  it("says the relay asks to wait once the device's queries per minute are spent", async () => {
    const profile = await onboardedProfile();
    const { overview } = overviewFor(profile);
    for (let i = 0; i < PER_MINUTE; i++) await overview.activity();
    const refused = await overview.balances().catch((e) => e);
    expect(refused).toBeInstanceOf(OverviewUnavailableError);
    expect(refused.message).toMatch(/^The relay asks to wait a little: at most 6 account queries a minute/);
    overview.close();
  });

  it('says the relay cannot be reached when nothing listens at the configured address', async () => {
    const origin = `http://127.0.0.1:${closedPort}`;
    const profile = await onboardedProfile(origin);
    const { overview } = overviewFor(profile);
    const refused = await overview.balances().catch((e) => e);
    expect(refused).toBeInstanceOf(OverviewUnavailableError);
    expect(refused.message).toContain(`Cannot reach the relay at ${origin}`);
  });
});

describe('account overview refusals', () => {
  it('says the relay did not accept this device when its key is not the one registered for the customer', async () => {
    const profile = await onboardedProfile();
    const { overview } = overviewFor({ ...profile, deviceKey: memoryDeviceKey() });
    const refused = await overview.activity().catch((e) => e);
    expect(refused).toBeInstanceOf(OverviewUnavailableError);
    expect(refused.message).toMatch(new RegExp(`^The relay at ${relay.url} did not accept this device: `));
  });
});

describe('queryRelay', () => {
  async function connected(): Promise<RelayConnection> {
    const profile = await onboardedProfile();
    return connectRelay(
      { relayOrigin: relay.url, openSocket, deviceKey: profile.deviceKey },
      { mode: 'authenticate', customerId: profile.customerId },
    );
  }

  it('matches the answer by requestId when two questions are in flight', async () => {
    const connection = await connected();
    const [a, b] = await Promise.all([
      queryRelay(connection, { type: 'account.activity', requestId: 'first' }),
      queryRelay(connection, { type: 'account.balances', requestId: 'second' }),
    ]);
    expect([a.type, a.requestId]).toEqual(['account.activity.result', 'first']);
    expect([b.type, b.requestId]).toEqual(['account.balances.result', 'second']);
    connection.close();
  });

  it("rejects with the relay's error code when it refuses", async () => {
    const connection = await connected();
    for (let i = 0; i < PER_MINUTE; i++) await queryRelay(connection, { type: 'account.activity', requestId: `r${i}` });
    const refused = await queryRelay(connection, { type: 'account.activity', requestId: 'over' }).catch((e) => e);
    expect(refused).toBeInstanceOf(RelayQueryError);
    expect(refused.code).toBe('rate-limited');
    connection.close();
  });

  it('rejects when the connection ends before the answer', async () => {
    const connection = await connected();
    const pending = queryRelay(connection, { type: 'account.activity', requestId: 'late' });
    connection.close();
    await expect(pending).rejects.toMatchObject({ name: 'RelayConnectionError', code: 'closed' });
  });

  it('rejects after the timeout when no answer comes', async () => {
    const connection = await connected();
    // A timeout of 0 ms passes before any answer can arrive over the socket.
    await expect(queryRelay(connection, { type: 'account.activity', requestId: 'slow' }, 0)).rejects.toMatchObject({
      code: 'timeout',
    });
    connection.close();
  });
});
