import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import {
  addL,
  dblL,
  fromLimbs,
  invert,
  mul,
  negL,
  negSubL,
  newLimbs,
  pow22523,
  sqr,
  subL,
  toLimbs,
} from '../../../../protocol/frost/ed25519-limbs.js';
import { createSeededRng } from '../../../../protocol/rng.js';

const P = (1n << 255n) - 19n;
const Fp = ed25519.Point.Fp;
const rng = createSeededRng('tandem/test/frost/ed25519-limbs');
const below2p255 = () => BigInt(`0x${Buffer.from(rng(32)).toString('hex')}`) & ((1n << 255n) - 1n);
/** Edge values: zero, one, around p and 2^255, full limbs, limbs straddling 51-bit chunks. */
const EDGES = [0n, 1n, 2n, 19n, P - 1n, P - 2n, P, P + 1n, (1n << 255n) - 1n, 1n << 254n, (1n << 20n) - 1n, 1n << 20n];
EDGES.push(
  (1n << 51n) - 1n,
  1n << 51n,
  (1n << 59n) - (1n << 40n),
  (1n << 204n) - 1n,
  ((1n << 255n) - 1n) ^ ((1n << 20n) - 1n),
);

describe('ed25519 float64 limb arithmetic (public values)', () => {
  it('toLimbs/fromLimbs round-trip every value below 2^255 to its residue mod p', () => {
    for (const x of [...EDGES, ...Array.from({ length: 200 }, below2p255)]) expect(fromLimbs(toLimbs(x))).toBe(x % P);
  });

  it('sqr and mul equal bigint products mod p, chained 300 times (limb bounds hold), aliasing included', () => {
    for (const start of [...EDGES, ...Array.from({ length: 20 }, below2p255)]) {
      const other = below2p255();
      const a = toLimbs(start);
      const b = toLimbs(other);
      const o = newLimbs();
      let expected = start % P;
      for (let i = 0; i < 300; i++) {
        if (i % 3 === 0) {
          mul(a, b, o);
          expected = Fp.mul(expected, other % P);
        } else {
          sqr(a, o);
          expected = Fp.sqr(expected);
        }
        for (const [j, v] of o.entries()) a[j] = v;
        expect(fromLimbs(a)).toBe(expected);
      }
      sqr(a, a); // in place
      expect(fromLimbs(a)).toBe(Fp.sqr(expected));
      mul(a, b, b); // output aliasing the second input
      expect(fromLimbs(b)).toBe(Fp.mul(Fp.sqr(expected), other % P));
    }
  });

  it('is exact on worst-case inputs (every limb ±(2^22 − 1)) and leaves every output limb in [−2, 2^20 + 2)', () => {
    const o = newLimbs();
    for (const sign of [1, -1]) {
      const worst = newLimbs().map(() => sign * (2 ** 22 - 1));
      const mixed = worst.map((v, i) => (i % 2 === 0 ? v : -v));
      for (const [a, b] of [
        [worst, worst],
        [worst, mixed],
        [mixed, mixed],
      ] as const) {
        mul(a, b, o);
        for (const limb of o) expect(limb >= -2 && limb < 2 ** 20 + 2).toBe(true);
        expect(fromLimbs(o)).toBe(Fp.mul(fromLimbs(a), fromLimbs(b)));
        sqr(a, o);
        expect(fromLimbs(o)).toBe(Fp.sqr(fromLimbs(a)));
      }
    }
  });

  it('limb-wise addL, subL, negSubL, negL and dblL give the field sum, difference and negation', () => {
    for (let i = 0; i < 50; i++) {
      const [x, y] = [below2p255(), below2p255()];
      const [a, b, o] = [toLimbs(x), toLimbs(y), newLimbs()];
      expect(fromLimbs(addL(a, b, o))).toBe(Fp.add(x % P, y % P));
      expect(fromLimbs(subL(a, b, o))).toBe(Fp.sub(x % P, y % P));
      expect(fromLimbs(negSubL(a, b, o))).toBe(Fp.neg(Fp.add(x % P, y % P)));
      expect(fromLimbs(negL(a, o))).toBe(Fp.neg(x % P));
      expect(fromLimbs(dblL(a, o))).toBe(Fp.add(x % P, x % P));
    }
  });

  it('pow22523 equals x^((p−5)/8) by noble Fp.pow on edges and random values', () => {
    const e = (P - 5n) / 8n;
    for (const x of [...EDGES, ...Array.from({ length: 40 }, below2p255)]) expect(pow22523(x)).toBe(Fp.pow(x % P, e));
  });

  it('invert equals noble Fp.inv on edges and random values (and maps 0 to 0)', () => {
    for (const x of [...EDGES, ...Array.from({ length: 40 }, below2p255)]) {
      const r = x % P;
      expect(invert(x)).toBe(r === 0n ? 0n : Fp.inv(r));
    }
  });
});
