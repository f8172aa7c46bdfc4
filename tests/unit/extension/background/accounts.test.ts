import { describe, expect, it } from 'vitest';
import { ACCOUNTS_KEY, createAccountStore, parseAccount } from '../../../../extension/background/accounts.js';
import { FakeStorageArea } from '../fakes.js';

const EVM = { chain: 'evm', address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', label: 'Account 1' } as const;
const BTC = {
  chain: 'bitcoin',
  address: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4',
  label: 'Native SegWit',
} as const;
const SOL = { chain: 'solana', address: '7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV', label: 'Account 1' } as const;
const NEAR = { chain: 'near', address: 'a'.repeat(64), label: 'Implicit account' } as const;

describe('account store', () => {
  it('lists nothing on a fresh profile', async () => {
    expect(await createAccountStore({ storage: new FakeStorageArea() }).list()).toEqual([]);
  });

  it('adds accounts of every chain once, keeping order', async () => {
    const store = createAccountStore({ storage: new FakeStorageArea() });
    await store.add([EVM, BTC]);
    await store.add([EVM, SOL, NEAR]);
    expect(await store.list()).toEqual([EVM, BTC, SOL, NEAR]);
  });

  it('refuses an address that does not fit its chain', async () => {
    const store = createAccountStore({ storage: new FakeStorageArea() });
    await expect(store.add([{ ...EVM, address: '0x1234' }])).rejects.toThrow(/invalid evm account/);
    await expect(store.add([{ ...SOL, chain: 'bitcoin' } as any])).rejects.toThrow(/invalid bitcoin/);
  });

  it('drops malformed stored rows and keeps the valid ones', async () => {
    const storage = new FakeStorageArea();
    await storage.set({
      [ACCOUNTS_KEY]: { v: 1, accounts: [EVM, { ...BTC, secret: 'x' }, { ...SOL, label: '' }, 'junk', NEAR] },
    });
    expect(await createAccountStore({ storage }).list()).toEqual([EVM, NEAR]);
  });

  it('accepts named NEAR accounts and refuses malformed ones', () => {
    expect(parseAccount({ ...NEAR, address: 'alice.near' })).toBeDefined();
    expect(parseAccount({ ...NEAR, address: 'Alice.near' })).toBeUndefined();
    expect(parseAccount({ ...NEAR, address: 'a' })).toBeUndefined();
  });
});
