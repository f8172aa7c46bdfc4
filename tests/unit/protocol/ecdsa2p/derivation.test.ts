import { HDKey } from '@scure/bip32';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../../protocol/bytes.js';
import {
  DERIVED_CACHE_ENTRIES,
  deriveNonHardened,
  formatDerivationPath,
  HARDENED_OFFSET,
  MAX_DERIVATION_DEPTH,
  parseDerivationPath,
} from '../../../../protocol/ecdsa2p/derivation.js';
import { Fn, G } from '../../../../protocol/ecdsa2p/group.js';
import { InvalidArgumentError } from '../../../../protocol/errors.js';
import { createSeededRng } from '../../../../protocol/rng.js';

const rng = createSeededRng('tandem/tests/ecdsa2p/derivation');
const randomScalar = () => Fn.create(BigInt(`0x${toHex(rng(48))}`));

/** Additive shares of a root key, as after the DKG, and the reconstructed root for reference. */
function shares() {
  const clientShare = randomScalar();
  const serverShare = randomScalar();
  const chainCode = rng(32);
  const root = Fn.add(clientShare, serverShare);
  return { clientShare, serverShare, chainCode, root, publicKey: G.multiply(root) };
}

describe('parseDerivationPath', () => {
  it('parses the root and non-hardened paths', () => {
    expect(parseDerivationPath('m')).toEqual([]);
    expect(parseDerivationPath('m/0/5')).toEqual([0, 5]);
    expect(parseDerivationPath(`m/${HARDENED_OFFSET - 1}`)).toEqual([HARDENED_OFFSET - 1]);
    expect(formatDerivationPath([44, 0, 7])).toBe('m/44/0/7');
  });

  const rejected: [string, string, RegExp][] = [
    ['a hardened step with an apostrophe', "m/44'/0", /non-hardened indices only.*level 1 is hardened/],
    ['a hardened step with h', 'm/0/1h', /non-hardened indices only.*level 2 is hardened/],
    ['a hardened step with H', 'm/0H', /non-hardened indices only/],
    ['an index of 2^31', `m/${HARDENED_OFFSET}`, /non-hardened index below 2\^31/],
    ['an index beyond 32 bits', 'm/99999999999', /decimal index|non-hardened index/],
    ['a path not starting with m', '0/5', /starting with "m"/],
    ['an empty level', 'm//5', /decimal index at level 1/],
    ['a trailing slash', 'm/5/', /decimal index at level 2/],
    ['a negative index', 'm/-1', /decimal index/],
    ['a leading zero', 'm/05', /decimal index/],
    ['a non-decimal index', 'm/0x10', /decimal index/],
    ['more than 255 levels', `m${'/0'.repeat(MAX_DERIVATION_DEPTH + 1)}`, /at most 255 levels/],
  ];
  for (const [name, path, message] of rejected) {
    it(`rejects ${name}`, () => {
      expect(() => parseDerivationPath(path)).toThrow(InvalidArgumentError);
      expect(() => parseDerivationPath(path)).toThrow(message);
    });
  }

  it('rejects hardened indices given as numbers', () => {
    const { publicKey, chainCode } = shares();
    expect(() => deriveNonHardened(publicKey, chainCode, [0, HARDENED_OFFSET])).toThrow(/non-hardened index/);
  });
});

describe('deriveNonHardened on additive shares', () => {
  it('matches @scure/bip32 on the reconstructed root for 50 random paths', () => {
    for (let i = 0; i < 50; i++) {
      const s = shares();
      const depth = 1 + ((rng(1)[0] as number) % 5);
      const indices: number[] = [];
      for (let level = 0; level < depth; level++) {
        indices.push(new DataView(rng(4).buffer).getUint32(0) & 0x7fffffff); // non-hardened
      }
      const path = formatDerivationPath(indices);
      const derived = deriveNonHardened(s.publicKey, s.chainCode, path);
      const reference = new HDKey({ privateKey: Fn.toBytes(s.root), chainCode: s.chainCode }).derive(path);
      // Only the client adds the tweak: x_C + t + x_S is the child key.
      const childSecret = Fn.add(Fn.add(s.clientShare, derived.tweak), s.serverShare);
      expect(toHex(Fn.toBytes(childSecret))).toBe(toHex(reference.privateKey as Uint8Array));
      expect(toHex(derived.publicKey.toBytes(true))).toBe(toHex(reference.publicKey as Uint8Array));
      expect(toHex(derived.chainCode)).toBe(toHex(reference.chainCode as Uint8Array));
      expect(derived.indices).toEqual(indices);
    }
  });

  it('matches a public-only @scure/bip32 node (anyone with the xpub derives the same child)', () => {
    const s = shares();
    const xpub = new HDKey({ publicKey: s.publicKey.toBytes(true), chainCode: s.chainCode });
    const derived = deriveNonHardened(s.publicKey, s.chainCode, 'm/44/60/0/0/5');
    expect(toHex(derived.publicKey.toBytes(true))).toBe(toHex(xpub.derive('m/44/60/0/0/5').publicKey as Uint8Array));
  });

  it('leaves the key unchanged at the root', () => {
    const s = shares();
    const derived = deriveNonHardened(s.publicKey, s.chainCode, 'm');
    expect(derived.tweak).toBe(0n);
    expect(derived.publicKey.equals(s.publicKey)).toBe(true);
  });
  it('gives the same result from its cache, and a caller that alters a result alters no later one', () => {
    const s = shares();
    const first = deriveNonHardened(s.publicKey, s.chainCode, 'm/7/9');
    const chainCode = toHex(first.chainCode);
    first.chainCode.fill(0);
    first.indices.push(99);
    const again = deriveNonHardened(s.publicKey, s.chainCode, [7, 9]);
    expect(toHex(again.chainCode)).toBe(chainCode);
    expect(again.indices).toEqual([7, 9]);
    expect(again.tweak).toBe(first.tweak);
    expect(again.publicKey.equals(first.publicKey)).toBe(true);
  });

  it('keys its cache on the chain code and the path, not only the public key', () => {
    const s = shares();
    const other = rng(32);
    const a = deriveNonHardened(s.publicKey, s.chainCode, 'm/1');
    const b = deriveNonHardened(s.publicKey, other, 'm/1');
    const c = deriveNonHardened(s.publicKey, s.chainCode, 'm/2');
    const xpub = (chainCode: Uint8Array) => new HDKey({ publicKey: s.publicKey.toBytes(true), chainCode });
    expect(toHex(b.publicKey.toBytes(true))).toBe(toHex(xpub(other).derive('m/1').publicKey as Uint8Array));
    expect(toHex(c.publicKey.toBytes(true))).toBe(toHex(xpub(s.chainCode).derive('m/2').publicKey as Uint8Array));
    expect(a.publicKey.equals(b.publicKey)).toBe(false);
    expect(a.publicKey.equals(c.publicKey)).toBe(false);
  });

  it('still derives correctly after more distinct derivations than its cache holds', () => {
    const s = shares();
    const xpub = new HDKey({ publicKey: s.publicKey.toBytes(true), chainCode: s.chainCode });
    for (let i = 0; i <= DERIVED_CACHE_ENTRIES; i++) deriveNonHardened(s.publicKey, s.chainCode, [i]);
    for (const i of [0, 1, DERIVED_CACHE_ENTRIES]) {
      const derived = deriveNonHardened(s.publicKey, s.chainCode, [i]);
      expect(toHex(derived.publicKey.toBytes(true))).toBe(toHex(xpub.deriveChild(i).publicKey as Uint8Array));
    }
  });
});
