/**
 * Variable-time arithmetic modulo p = 2^255 − 19 for PUBLIC values only (received points, public
 * keys, hashes of public data): a square root, the Legendre symbol and a division-free reduction.
 * Nothing secret may pass through here: every function's running time depends on its inputs.
 *
 * Why not noble's `Fp`: its generic `mod` is a bigint division per product, and its Legendre
 * symbol is an exponentiation; the subgroup test (ed25519-subgroup.ts) needs three square roots and
 * three Legendre symbols per point, and these versions make it about three times cheaper than a
 * multiplication by the group order. The exponentiation x^((p−5)/8) behind every square root runs
 * on float64 limbs (ed25519-limbs.ts), about twice as fast as on bigints.
 */

import { pow22523 } from './ed25519-limbs.js';

export const P = (1n << 255n) - 19n;
const MASK = (1n << 255n) - 1n;
/** √−1 = 2^((p−1)/4) mod p (RFC 8032 §5.1.1). */
const SQRT_M1 = 19681161376707505956807079304988542015446066515923890162744021073123829784752n;

/** Reduces 0 ≤ t < 2^520 modulo p using 2^255 ≡ 19: two folds and one conditional subtraction. */
export function red(t: bigint): bigint {
  let r = (t & MASK) + (t >> 255n) * 19n;
  r = (r & MASK) + (r >> 255n) * 19n;
  return r >= P ? r - P : r;
}

export const mul = (a: bigint, b: bigint): bigint => red(a * b);
export const add = (a: bigint, b: bigint): bigint => red(a + b);
/** a − b for a, b in [0, p). */
export const sub = (a: bigint, b: bigint): bigint => (a >= b ? a - b : a - b + P);

/** A square root of a (p ≡ 5 mod 8, Atkin/RFC 8032 §5.1.3 style), or undefined if a is not a square. */
export function sqrt(a: bigint): bigint | undefined {
  if (a === 0n) return 0n;
  const r = red(pow22523(a) * a); // a^((p+3)/8)
  const r2 = red(r * r);
  if (r2 === a) return r;
  if (r2 === P - a) return red(r * SQRT_M1);
  return undefined;
}

/**
 * For a ≠ 0, one exponentiation that yields either a square root of a (`square` true) or, when a
 * is not a square, a square root of 2a (2 is not a square mod p, so 2a is): β = a^((p+3)/8) has
 * β² = a·a^((p−1)/4) with a^((p−1)/4) ∈ {1, −1} for squares and {√−1, −√−1} otherwise, and the
 * constant factors below turn β into the root wanted. (The trick of Pornin's `sqrt_ext`, ePrint
 * 2022/1164.) Undefined for a = 0.
 */
export function sqrtOrSqrtTwice(a: bigint): { root: bigint; square: boolean } | undefined {
  if (a === 0n) return undefined;
  const beta = red(pow22523(a) * a);
  const beta2 = red(beta * beta);
  if (beta2 === a) return { root: beta, square: true };
  if (beta2 === P - a) return { root: red(beta * SQRT_M1), square: true };
  const ia = red(SQRT_M1 * a);
  // β² = √−1·a: (β·c)² = 2a for c² = −2√−1; β² = −√−1·a: c² = 2√−1.
  if (beta2 === ia) return { root: red(beta * SQRT_MINUS_2I), square: false };
  if (beta2 === P - ia) return { root: red(beta * SQRT_2I), square: false };
  throw new Error('sqrtOrSqrtTwice: unreachable (β² must be ±a or ±√−1·a)');
}

/**
 * √(u/v) for v ≠ 0 with one exponentiation (RFC 8032 §5.1.3 step 2): x = u·v³·(u·v⁷)^((p−5)/8),
 * then v·x² is u (x is a root), −u (x·√−1 is), or neither (no root: undefined).
 */
export function sqrtRatio(u: bigint, v: bigint): bigint | undefined {
  const v3 = red(red(v * v) * v);
  const x = red(red(u * v3) * pow22523(red(u * red(v3 * red(v3 * v)))));
  const vx2 = red(v * red(x * x));
  if (vx2 === u) return x;
  if (vx2 === (u === 0n ? 0n : P - u)) return red(x * SQRT_M1);
  return undefined;
}

/**
 * Legendre symbol (a/p) ∈ {−1, 0, 1} by the binary Jacobi-symbol algorithm (quadratic reciprocity),
 * which on 255-bit bigints costs a small fraction of the exponentiation a^((p−1)/2).
 */
export function legendre(a: bigint): -1 | 0 | 1 {
  let x = a % P;
  if (x < 0n) x += P;
  let n = P;
  let t: -1 | 1 = 1;
  while (x !== 0n) {
    while ((x & 1n) === 0n) {
      x >>= 1n;
      const r = n & 7n;
      if (r === 3n || r === 5n) t = t === 1 ? -1 : 1;
    }
    const tmp = x;
    x = n;
    n = tmp;
    if ((x & 3n) === 3n && (n & 3n) === 3n) t = t === 1 ? -1 : 1;
    x %= n;
  }
  return n === 1n ? t : 0;
}

/** √(2·√−1) and √(−2·√−1) (both exist: 2 and √−1 are non-squares mod p, −1 is a square). */
const SQRT_2I = sqrt(red(2n * SQRT_M1)) as bigint;
const SQRT_MINUS_2I = sqrt(P - red(2n * SQRT_M1)) as bigint;
