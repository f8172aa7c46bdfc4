import { describe, expect, it } from 'vitest';
import { emptyBundle, type Node1Bundle } from '../../../../../extension/background/bundle.js';
import { holdsShares, planRefresh, sharesByKeyId } from '../../../../../extension/background/flows/share-refresh.js';

const CUSTOMER = '00000000-0000-4000-8000-0000000000c1';
const SESSION = 'ab'.repeat(32);
const frostShare = { role: 'client' } as never;

/** Shapes only: the shares themselves are checked by the protocol when the refresh starts. */
function bundle(): Node1Bundle {
  return {
    v: 1,
    ecdsa: { evm: { role: 'client', keyId: `ecdsa:evm:${CUSTOMER}` } as never },
    ed25519: {
      exportKeyPart: '00'.repeat(32),
      accounts: [{ chain: 'solana', index: 0, keyShare: frostShare } as never],
      sealedMnemonic: {} as never,
    },
    taproot: { keyShare: frostShare, chainCode: 'cd'.repeat(32) },
  };
}

const all = [
  { protocol: 'ecdsa2p/refresh', keyId: `ecdsa:evm:${CUSTOMER}`, sessionId: SESSION },
  { protocol: 'frost/refresh', keyId: `ed25519:solana:0:${CUSTOMER}`, sessionId: SESSION, ceremonyId: 'cer_1:a' },
  { protocol: 'frost/refresh', keyId: `frost:bip340:${CUSTOMER}`, sessionId: SESSION, ceremonyId: 'cer_1:b' },
];

describe('which shares a bundle holds', () => {
  it('has none after onboarding', () => {
    expect(holdsShares(emptyBundle())).toBe(false);
  });

  it('names each share by the relay key id', () => {
    expect(holdsShares(bundle())).toBe(true);
    expect([...sharesByKeyId(bundle(), CUSTOMER).keys()]).toEqual(all.map((a) => a.keyId));
  });
});

describe("checking the relay's refresh announcement", () => {
  it('pairs every announced key with its share', () => {
    expect(planRefresh(all, bundle(), CUSTOMER).map((p) => p.slot.kind)).toEqual(['ecdsa', 'ed25519', 'taproot']);
  });

  it('refuses an empty announcement', () => {
    expect(() => planRefresh([], bundle(), CUSTOMER)).toThrow(/no keys to refresh/);
  });

  it('refuses an entry without a session id', () => {
    expect(() => planRefresh([{ ...all[0], sessionId: 'x' }, ...all.slice(1)], bundle(), CUSTOMER)).toThrow(
      /without a key id or session id/,
    );
  });

  it('refuses a key announced twice', () => {
    expect(() => planRefresh([...all, all[0]], bundle(), CUSTOMER)).toThrow(/twice/);
  });

  it('refuses a key this bundle does not hold', () => {
    expect(() =>
      planRefresh(
        [...all, { protocol: 'ecdsa2p/refresh', keyId: `ecdsa:bitcoin:${CUSTOMER}`, sessionId: SESSION }],
        bundle(),
        CUSTOMER,
      ),
    ).toThrow(/holds a key \(ecdsa:bitcoin\) that this copy of your wallet does not/);
  });

  it('refuses the wrong protocol for a key', () => {
    expect(() => planRefresh([{ ...all[0], protocol: 'frost/refresh' }, ...all.slice(1)], bundle(), CUSTOMER)).toThrow(
      /with frost\/refresh/,
    );
  });

  it('refuses a FROST refresh without its ceremony id', () => {
    const { ceremonyId: _, ...bare } = all[1] as (typeof all)[1];
    expect(() => planRefresh([all[0], bare, all[2]], bundle(), CUSTOMER)).toThrow(/without a ceremony id/);
  });

  it('refuses an announcement that leaves one of our shares out', () => {
    expect(() => planRefresh(all.slice(0, 2), bundle(), CUSTOMER)).toThrow(
      /did not announce a refresh for 1 of your keys/,
    );
  });
});
