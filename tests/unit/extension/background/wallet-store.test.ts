import { describe, expect, it } from 'vitest';
import { createWalletStore, WALLETS_KEY, type WalletRecord } from '../../../../extension/background/wallet-store.js';
import { createArgon2Params, DEFAULT_ARGON2_COST } from '../../../../protocol/pin/argon2.js';
import { deriveGuardKeyPair } from '../../../../protocol/pin/oprf.js';
import { wrapBundle } from '../../../../protocol/pin/wrap.js';
import { createSeededRng } from '../../../../protocol/rng.js';
import { FakeStorageArea } from '../fakes.js';

const RELAY = 'http://127.0.0.1:8787';
const CUSTOMER = '0c0c0c0c-0c0c-4c0c-8c0c-0c0c0c0c0c0c';

async function record(customerId = CUSTOMER, method: 'pin' | 'kit' = 'pin'): Promise<WalletRecord> {
  const rng = createSeededRng('wallet-store-test');
  const kdf =
    method === 'pin'
      ? {
          kind: 'argon2id+poprf' as const,
          argon2: createArgon2Params(rng, DEFAULT_ARGON2_COST),
          guard: deriveGuardKeyPair(rng(32)).guard,
          epoch: 1,
        }
      : { kind: 'recovery-kit' as const, saltHex: 'ab'.repeat(16) };
  const wrapped = await wrapBundle({ shares: [] }, rng(32), { method, customerId, kdf }, rng);
  return { relayOrigin: RELAY, customerId, wrapped, updatedAt: 1 };
}

describe('wallet store (storage.local)', () => {
  it('keeps the PIN-wrapped bundle per relay and customer, and replaces it on save', async () => {
    const store = createWalletStore({ local: new FakeStorageArea() });
    const first = await record();
    await store.save(first);
    expect(await store.get(RELAY, CUSTOMER)).toEqual(first);
    await store.save({ ...first, updatedAt: 2 });
    expect((await store.list()).map((r) => r.updatedAt)).toEqual([2]);
    await store.remove(RELAY, CUSTOMER);
    expect(await store.list()).toEqual([]);
  });

  it('refuses anything but a PIN copy for the same customer (never clear text)', async () => {
    const store = createWalletStore({ local: new FakeStorageArea() });
    const good = await record();
    await expect(store.save({ ...good, wrapped: { shares: ['aa'] } as any })).rejects.toThrow(TypeError);
    await expect(store.save(await record(CUSTOMER, 'kit'))).rejects.toThrow(TypeError);
    await expect(store.save({ ...good, customerId: '0d0d0d0d-0d0d-4d0d-8d0d-0d0d0d0d0d0d' })).rejects.toThrow(
      TypeError,
    );
    await expect(store.save({ ...good, relayOrigin: 'http://127.0.0.1:8787/x' })).rejects.toThrow(TypeError);
  });

  it('drops a stored record whose copy was tampered with or downgraded', async () => {
    const local = new FakeStorageArea();
    const good = await record();
    const kdf = good.wrapped.kdf as Extract<WalletRecord['wrapped']['kdf'], { kind: 'argon2id+poprf' }>;
    const downgraded = {
      ...good,
      wrapped: { ...good.wrapped, kdf: { ...kdf, argon2: { ...kdf.argon2, memoryKiB: 64 } } },
    };
    await local.set({ [WALLETS_KEY]: { v: 1, wallets: [downgraded, 'junk', good] } });
    expect(await createWalletStore({ local }).list()).toEqual([good]);
  });
});
