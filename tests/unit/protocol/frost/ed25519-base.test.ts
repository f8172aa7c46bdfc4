import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { baseMultiplyPublic, baseMultiplySecret } from '../../../../protocol/frost/ed25519-base.js';
import { createSeededRng } from '../../../../protocol/rng.js';

const L = ed25519.Point.Fn.ORDER;
const rng = createSeededRng('tandem/test/frost/ed25519-base');
const scalar = () => (BigInt(`0x${Buffer.from(rng(40)).toString('hex')}`) % (L - 1n)) + 1n;

describe('ed25519 blinded constant-time base multiplication (secret scalars)', () => {
  it('equals noble BASE.multiply for random scalars and random blinds', () => {
    for (let i = 0; i < 40; i++) {
      const k = scalar();
      expect(baseMultiplySecret(k, rng(16)).equals(ed25519.Point.BASE.multiply(k))).toBe(true);
    }
  });

  it('equals noble at window-boundary scalars and extreme blinds (all-zero, all-one bytes)', () => {
    for (const k of [1n, 2n, 31n, 32n, 33n, 63n, 64n, 65n, 127n, 128n, 129n, L - 1n, L - 64n, (L - 1n) / 2n]) {
      for (const blind of [new Uint8Array(16), new Uint8Array(16).fill(0xff)]) {
        expect(baseMultiplySecret(k, blind).equals(ed25519.Point.BASE.multiply(k))).toBe(true);
      }
    }
  });

  it('the result does not depend on the blind', () => {
    const k = scalar();
    const a = baseMultiplySecret(k, rng(16));
    const b = baseMultiplySecret(k, rng(16));
    expect(a.equals(b)).toBe(true);
  });

  it('refuses 0, L and a blind of the wrong length', () => {
    expect(() => baseMultiplySecret(0n, rng(16))).toThrow(RangeError);
    expect(() => baseMultiplySecret(L, rng(16))).toThrow(RangeError);
    expect(() => baseMultiplySecret(5n, rng(15))).toThrow(/16 blinding bytes/);
  });
});

describe('ed25519 table base multiplication for public scalars', () => {
  it('equals noble BASE.multiplyUnsafe, including 0, window-boundary scalars and values ≥ L', () => {
    const cases = [0n, 1n, 31n, 32n, 33n, 63n, 64n, 65n, 127n, 128n, 129n, L - 1n, L, 2n * L + 5n, (1n << 300n) + 7n];
    cases.push((1n << 381n) - 1n, (1n << 380n) + 64n, ((1n << 381n) - 1n) / 3n);
    for (let i = 0; i < 20; i++) cases.push(scalar());
    for (const k of cases) {
      const expected = ed25519.Point.BASE.multiplyUnsafe(k % L);
      expect(baseMultiplyPublic(k).equals(expected)).toBe(true);
    }
  });

  it('refuses negative and oversized scalars', () => {
    expect(() => baseMultiplyPublic(-1n)).toThrow(RangeError);
    expect(() => baseMultiplyPublic(1n << 381n)).toThrow(RangeError);
  });
});
