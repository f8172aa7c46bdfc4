import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import {
  addL,
  copyL,
  equalL,
  fromLimbs,
  invertL,
  type Limbs,
  mul,
  mulSmall,
  negL,
  newLimbs,
  scaleL,
  sqr,
  sqrtCandidateL,
  subL,
  toLimbs,
} from '../../../../protocol/curves/secp256k1-limbs.js';
import { createSeededRng } from '../../../../protocol/rng.js';

const Fp = secp256k1.Point.Fp;
const P = Fp.ORDER;
const U = 2 ** 22;
const rng = createSeededRng('tandem/test/curves/secp256k1-limbs');
const below = (bits: number) => BigInt(`0x${Buffer.from(rng(34)).toString('hex')}`) & ((1n << BigInt(bits)) - 1n);
const mod = (x: bigint) => ((x % P) + P) % P;
/** The integer Σ a_i·2^(22·i) of arbitrary (signed, oversized) limbs. */
const integerOf = (a: Limbs) => a.reduceRight((acc, limb) => (acc << 22n) + BigInt(limb), 0n);
const limbsOf = (values: number[]): Limbs => {
  const l = newLimbs();
  for (const [i, v] of values.entries()) l[i] = v;
  return l;
};
/** Edge values: zero, one, around p, 2^256 and 2^264, full limbs, limbs straddling 44-bit chunks. */
const EDGES = [
  0n,
  1n,
  2n,
  977n,
  (1n << 32n) + 977n,
  P - 1n,
  P - 2n,
  P,
  P + 1n,
  (1n << 256n) - 1n,
  1n << 256n,
  (1n << 256n) + (1n << 32n) + 976n,
  (1n << 264n) - 1n,
  1n << 255n,
  (1n << 22n) - 1n,
  1n << 22n,
  (1n << 44n) - 1n,
  1n << 44n,
  (1n << 242n) - 1n,
  ((1n << 256n) - 1n) ^ ((1n << 22n) - 1n),
];
/** In reduced form every limb is in [0, 2^22) except limb 4, in [−1, 2^22]. */
const reducedForm = (o: Limbs) =>
  o.every((v, i) => Number.isInteger(v) && (i === 4 ? v >= -1 && v <= U : v >= 0 && v < U));

describe('secp256k1 float64 limb arithmetic', () => {
  it('toLimbs/fromLimbs round-trip every value below 2^264 to its residue mod p', () => {
    for (const x of [...EDGES, ...Array.from({ length: 200 }, () => below(264))]) {
      const l = toLimbs(x);
      expect(l.every((v) => v >= 0 && v < U)).toBe(true);
      expect(fromLimbs(l)).toBe(x % P);
    }
  });

  it('fromLimbs reduces signed and oversized limbs (negative values included)', () => {
    for (const limbs of [
      Array(12).fill(-1),
      Array(12).fill(2 ** 40),
      Array(12).fill(-(2 ** 40)),
      [-5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -(2 ** 30)],
    ]) {
      const l = limbsOf(limbs);
      expect(fromLimbs(l)).toBe(mod(integerOf(l)));
    }
  });

  it('sqr and mul equal noble products mod p, chained 300 times (limb bounds hold), aliasing included', () => {
    for (const start of [...EDGES, ...Array.from({ length: 12 }, () => below(256))]) {
      const other = below(264);
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
        expect(reducedForm(o)).toBe(true);
        copyL(o, a);
        expect(fromLimbs(a)).toBe(expected);
      }
      sqr(a, a); // in place
      expect(fromLimbs(a)).toBe(Fp.sqr(expected));
      mul(a, b, b); // output aliasing the second input
      expect(fromLimbs(b)).toBe(Fp.mul(Fp.sqr(expected), other % P));
    }
  });

  it('mul and sqr are exact at the documented worst case max|a_i|·max|b_j| = 42·2^44, all sign patterns', () => {
    const six = 6 * U;
    const seven = 7 * U;
    const root = Math.floor(Math.sqrt(42) * U); // root² ≤ 42·2^44
    const patterns = [
      (_: number) => 1,
      (_: number) => -1,
      (i: number) => (i % 2 ? 1 : -1),
      (i: number) => (i < 6 ? 1 : -1),
      (i: number) => (i === 4 ? -1 : 1),
    ];
    for (const sa of patterns) {
      for (const sb of patterns) {
        const a = limbsOf(Array.from({ length: 12 }, (_, i) => sa(i) * six));
        const b = limbsOf(Array.from({ length: 12 }, (_, i) => sb(i) * seven));
        const o = mul(a, b, newLimbs());
        expect(reducedForm(o)).toBe(true);
        expect(fromLimbs(o)).toBe(mod(integerOf(a) * integerOf(b)));
      }
      const r = limbsOf(Array.from({ length: 12 }, (_, i) => sa(i) * root));
      const s = sqr(r, newLimbs());
      expect(reducedForm(s)).toBe(true);
      expect(fromLimbs(s)).toBe(mod(integerOf(r) ** 2n));
    }
    // Mixed sizes at the extremes: one limb large, the rest maximal of the other sign.
    for (let i = 0; i < 12; i++) {
      const a = limbsOf(Array.from({ length: 12 }, (_, j) => (j === i ? -six : six - 1)));
      const b = limbsOf(Array.from({ length: 12 }, (_, j) => (j === 11 - i ? -seven : seven - 1)));
      expect(fromLimbs(mul(a, b, newLimbs()))).toBe(mod(integerOf(a) * integerOf(b)));
    }
  });

  it('mulSmall returns reduced form for limbs up to 2^50 in size', () => {
    for (const sign of [1, -1]) {
      const big = limbsOf(Array.from({ length: 12 }, (_, i) => sign * (2 ** 50 - 1 - i)));
      const c = mulSmall(big, 1, newLimbs());
      expect(reducedForm(c)).toBe(true);
      expect(fromLimbs(c)).toBe(mod(integerOf(big)));
      const a = limbsOf(Array.from({ length: 12 }, () => sign * (2 ** 45 - 1)));
      const m = mulSmall(a, 21, newLimbs());
      expect(reducedForm(m)).toBe(true);
      expect(fromLimbs(m)).toBe(mod(21n * integerOf(a)));
    }
    for (const x of EDGES) {
      expect(fromLimbs(mulSmall(toLimbs(x), 21, newLimbs()))).toBe(mod(21n * x));
      const l = toLimbs(x);
      expect(fromLimbs(mulSmall(l, 8, l))).toBe(mod(8n * x)); // in place
    }
  });

  it('addL, subL, negL, scaleL, copyL and equalL agree with noble', () => {
    for (let i = 0; i < 50; i++) {
      const x = below(256) % P;
      const y = i === 0 ? x : below(256) % P;
      const a = toLimbs(x);
      const b = toLimbs(y);
      expect(fromLimbs(addL(a, b, newLimbs()))).toBe(Fp.add(x, y));
      expect(fromLimbs(subL(a, b, newLimbs()))).toBe(Fp.sub(x, y));
      expect(fromLimbs(negL(a, newLimbs()))).toBe(Fp.neg(x));
      expect(fromLimbs(scaleL(a, 8, newLimbs()))).toBe(Fp.mul(x, 8n));
      expect(fromLimbs(copyL(a, newLimbs()))).toBe(x);
      expect(equalL(a, b)).toBe(x === y);
      expect(equalL(toLimbs(x + P), a)).toBe(true); // a non-canonical representative
    }
  });

  it('invertL equals noble inv (0 maps to 0), output aliasing the input included', () => {
    for (const x of [0n, 1n, 2n, P - 1n, P + 1n, (1n << 256n) - 1n, ...Array.from({ length: 8 }, () => below(256))]) {
      expect(fromLimbs(invertL(toLimbs(x), newLimbs()))).toBe(x % P === 0n ? 0n : Fp.inv(x % P));
      const l = toLimbs(x);
      expect(fromLimbs(invertL(l, l))).toBe(x % P === 0n ? 0n : Fp.inv(x % P));
    }
  });

  it('sqrtCandidateL is a square root of squares and squares back to something else for non-squares', () => {
    let squares = 0;
    for (const x of [0n, 1n, 4n, 7n, P - 1n, ...Array.from({ length: 30 }, () => below(256) % P)]) {
      const root = sqrtCandidateL(toLimbs(x), newLimbs());
      const isSquare = Fp.pow(x, (P - 1n) / 2n) !== P - 1n; // Euler's criterion (0 is a square)
      if (isSquare) squares++;
      expect(equalL(sqr(root, newLimbs()), toLimbs(x))).toBe(isSquare);
      if (isSquare) expect(Fp.sqr(fromLimbs(root))).toBe(x);
    }
    expect(squares).toBeGreaterThan(5);
  });
});
