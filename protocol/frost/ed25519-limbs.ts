/**
 * GF(2^255 − 19) exponentiation on fifteen 17-bit limbs held in float64s, for PUBLIC values only
 * (the square roots of point decoding and of the subgroup test, ed25519-field.ts).
 *
 * Why: a field squaring on bigints (product, then two folds by 2^255 ≡ 19) costs ~0.25 µs, nearly
 * all of it allocating intermediate bigints; the same squaring on limbs is straight-line float
 * arithmetic with no allocation, about twice as fast (measured: 0.10–0.14 µs). An exponentiation is
 * ~254 squarings, and signing runs about fourteen per party.
 *
 * Representation: x = Σ a_i·2^(17·i), i = 0..14 (255 bits, so 2^255 ≡ 19 folds the top), limbs
 * signed integers. Exactness (every intermediate is an integer below 2^53 in size, so float64
 * arithmetic is exact): `sqr`/`mul` accept limbs of size < 2^21; a folded output column
 * t_k = col_k + 19·col_(k+15) sums at most (k + 1) + 19·(14 − k) ≤ 267 partial products, each
 * < 2^42, so |t_k| < 2^50.1; carries are < 2^33.1 in size, the carry out of the top limb re-enters
 * limb 0 times 19, and two short carry steps leave every output limb in [−16, 2^17 + 16). So
 * limb-wise sums and differences of up to 15 products (`addL`, `subL`, …) are valid inputs again.
 * Values are not kept fully reduced (nor non-negative); `fromLimbs` reduces into [0, p).
 * Scaling by 2^−17 is exact, so Math.floor(v·2^−17) is the exact (floor) quotient, negatives too.
 *
 * The two products below are unrolled (generated once by a short script; each output column is
 * Σ_(i+j=k) a_i·b_j + 19·Σ_(i+j=k+15) a_i·b_j, squaring doubling the cross terms). Inputs are read
 * into locals before any output is written, so `o` may alias `a` or `b`. Tested differentially
 * against bigint arithmetic (tests/unit/protocol/frost/ed25519-limbs.test.ts).
 */

export type Limbs = Float64Array;

const RADIX = 131072; // 2^17
const INV = 2 ** -17;
const P = (1n << 255n) - 19n;
const CHUNK_MASK = (1n << 51n) - 1n;

export function newLimbs(): Limbs {
  return new Float64Array(15);
}

/** Limbs of 0 ≤ x < 2^255, in five 51-bit chunks (three limbs each) to keep bigint operations few. */
export function toLimbs(x: bigint, o: Limbs = newLimbs()): Limbs {
  let rest = x;
  for (let k = 0; k < 15; k += 3) {
    let n = Number(rest & CHUNK_MASK);
    rest >>= 51n;
    const l0 = n % RADIX;
    n = (n - l0) / RADIX;
    const l1 = n % RADIX;
    o[k] = l0;
    o[k + 1] = l1;
    o[k + 2] = (n - l1) / RADIX;
  }
  return o;
}

/** Normalised copy used by `fromLimbs` (overwritten on every call; holds only the value converted). */
const normalised = new Float64Array(15);

/** The value of `a`, fully reduced into [0, p). */
export function fromLimbs(a: Limbs): bigint {
  // Normalise the carries first so every limb is in [0, 2^17) and each chunk of three fits 51 bits;
  // the carry out of the top limb (weight 2^255 after the five shifts below) may be negative.
  const l = normalised;
  let c = 0;
  for (let i = 0; i < 15; i++) {
    const v = (a[i] as number) + c;
    c = Math.floor(v * INV);
    l[i] = v - c * RADIX;
  }
  let x = BigInt(c);
  for (let k = 12; k >= 0; k -= 3) {
    const chunk = (l[k] as number) + RADIX * ((l[k + 1] as number) + RADIX * (l[k + 2] as number));
    x = (x << 51n) | BigInt(chunk);
  }
  l.fill(0);
  if (x >= 0n && x < P) return x;
  x %= P;
  return x < 0n ? x + P : x;
}

/** o = a + b, limb-wise (no carry; see the bounds above). */
export function addL(a: Limbs, b: Limbs, o: Limbs): Limbs {
  for (let i = 0; i < 15; i++) o[i] = (a[i] as number) + (b[i] as number);
  return o;
}

/** o = a − b, limb-wise. */
export function subL(a: Limbs, b: Limbs, o: Limbs): Limbs {
  for (let i = 0; i < 15; i++) o[i] = (a[i] as number) - (b[i] as number);
  return o;
}

/** o = −a − b, limb-wise. */
export function negSubL(a: Limbs, b: Limbs, o: Limbs): Limbs {
  for (let i = 0; i < 15; i++) o[i] = -(a[i] as number) - (b[i] as number);
  return o;
}

/** o = −a, limb-wise. */
export function negL(a: Limbs, o: Limbs): Limbs {
  for (let i = 0; i < 15; i++) o[i] = -(a[i] as number);
  return o;
}

/** o = 2a, limb-wise. */
export function dblL(a: Limbs, o: Limbs): Limbs {
  for (let i = 0; i < 15; i++) o[i] = 2 * (a[i] as number);
  return o;
}

export function sqr(a: Limbs, o: Limbs): Limbs {
  const a0 = a[0] as number;
  const a1 = a[1] as number;
  const a2 = a[2] as number;
  const a3 = a[3] as number;
  const a4 = a[4] as number;
  const a5 = a[5] as number;
  const a6 = a[6] as number;
  const a7 = a[7] as number;
  const a8 = a[8] as number;
  const a9 = a[9] as number;
  const a10 = a[10] as number;
  const a11 = a[11] as number;
  const a12 = a[12] as number;
  const a13 = a[13] as number;
  const a14 = a[14] as number;
  const t0 = a0 * a0 + 19 * (2 * (a1 * a14 + a2 * a13 + a3 * a12 + a4 * a11 + a5 * a10 + a6 * a9 + a7 * a8));
  const t1 = 2 * (a0 * a1) + 19 * (a8 * a8 + 2 * (a2 * a14 + a3 * a13 + a4 * a12 + a5 * a11 + a6 * a10 + a7 * a9));
  const t2 = a1 * a1 + 2 * (a0 * a2) + 19 * (2 * (a3 * a14 + a4 * a13 + a5 * a12 + a6 * a11 + a7 * a10 + a8 * a9));
  const t3 = 2 * (a0 * a3 + a1 * a2) + 19 * (a9 * a9 + 2 * (a4 * a14 + a5 * a13 + a6 * a12 + a7 * a11 + a8 * a10));
  const t4 = a2 * a2 + 2 * (a0 * a4 + a1 * a3) + 19 * (2 * (a5 * a14 + a6 * a13 + a7 * a12 + a8 * a11 + a9 * a10));
  const t5 = 2 * (a0 * a5 + a1 * a4 + a2 * a3) + 19 * (a10 * a10 + 2 * (a6 * a14 + a7 * a13 + a8 * a12 + a9 * a11));
  const t6 = a3 * a3 + 2 * (a0 * a6 + a1 * a5 + a2 * a4) + 19 * (2 * (a7 * a14 + a8 * a13 + a9 * a12 + a10 * a11));
  const t7 = 2 * (a0 * a7 + a1 * a6 + a2 * a5 + a3 * a4) + 19 * (a11 * a11 + 2 * (a8 * a14 + a9 * a13 + a10 * a12));
  const t8 = a4 * a4 + 2 * (a0 * a8 + a1 * a7 + a2 * a6 + a3 * a5) + 19 * (2 * (a9 * a14 + a10 * a13 + a11 * a12));
  const t9 = 2 * (a0 * a9 + a1 * a8 + a2 * a7 + a3 * a6 + a4 * a5) + 19 * (a12 * a12 + 2 * (a10 * a14 + a11 * a13));
  const t10 = a5 * a5 + 2 * (a0 * a10 + a1 * a9 + a2 * a8 + a3 * a7 + a4 * a6) + 19 * (2 * (a11 * a14 + a12 * a13));
  const t11 = 2 * (a0 * a11 + a1 * a10 + a2 * a9 + a3 * a8 + a4 * a7 + a5 * a6) + 19 * (a13 * a13 + 2 * (a12 * a14));
  const t12 = a6 * a6 + 2 * (a0 * a12 + a1 * a11 + a2 * a10 + a3 * a9 + a4 * a8 + a5 * a7) + 19 * (2 * (a13 * a14));
  const t13 = 2 * (a0 * a13 + a1 * a12 + a2 * a11 + a3 * a10 + a4 * a9 + a5 * a8 + a6 * a7) + 19 * (a14 * a14);
  const t14 = a7 * a7 + 2 * (a0 * a14 + a1 * a13 + a2 * a12 + a3 * a11 + a4 * a10 + a5 * a9 + a6 * a8);
  let v = t0;
  let c = Math.floor(v * INV);
  o[0] = v - c * RADIX;
  v = t1 + c;
  c = Math.floor(v * INV);
  o[1] = v - c * RADIX;
  v = t2 + c;
  c = Math.floor(v * INV);
  o[2] = v - c * RADIX;
  v = t3 + c;
  c = Math.floor(v * INV);
  o[3] = v - c * RADIX;
  v = t4 + c;
  c = Math.floor(v * INV);
  o[4] = v - c * RADIX;
  v = t5 + c;
  c = Math.floor(v * INV);
  o[5] = v - c * RADIX;
  v = t6 + c;
  c = Math.floor(v * INV);
  o[6] = v - c * RADIX;
  v = t7 + c;
  c = Math.floor(v * INV);
  o[7] = v - c * RADIX;
  v = t8 + c;
  c = Math.floor(v * INV);
  o[8] = v - c * RADIX;
  v = t9 + c;
  c = Math.floor(v * INV);
  o[9] = v - c * RADIX;
  v = t10 + c;
  c = Math.floor(v * INV);
  o[10] = v - c * RADIX;
  v = t11 + c;
  c = Math.floor(v * INV);
  o[11] = v - c * RADIX;
  v = t12 + c;
  c = Math.floor(v * INV);
  o[12] = v - c * RADIX;
  v = t13 + c;
  c = Math.floor(v * INV);
  o[13] = v - c * RADIX;
  v = t14 + c;
  c = Math.floor(v * INV);
  o[14] = v - c * RADIX;
  // 2^255 ≡ 19: the carry out of the top limb re-enters at the bottom.
  v = o[0] + 19 * c;
  c = Math.floor(v * INV);
  o[0] = v - c * RADIX;
  v = (o[1] as number) + c;
  c = Math.floor(v * INV);
  o[1] = v - c * RADIX;
  o[2] = (o[2] as number) + c;
  return o;
}

export function mul(a: Limbs, b: Limbs, o: Limbs): Limbs {
  const a0 = a[0] as number;
  const a1 = a[1] as number;
  const a2 = a[2] as number;
  const a3 = a[3] as number;
  const a4 = a[4] as number;
  const a5 = a[5] as number;
  const a6 = a[6] as number;
  const a7 = a[7] as number;
  const a8 = a[8] as number;
  const a9 = a[9] as number;
  const a10 = a[10] as number;
  const a11 = a[11] as number;
  const a12 = a[12] as number;
  const a13 = a[13] as number;
  const a14 = a[14] as number;
  const b0 = b[0] as number;
  const b1 = b[1] as number;
  const b2 = b[2] as number;
  const b3 = b[3] as number;
  const b4 = b[4] as number;
  const b5 = b[5] as number;
  const b6 = b[6] as number;
  const b7 = b[7] as number;
  const b8 = b[8] as number;
  const b9 = b[9] as number;
  const b10 = b[10] as number;
  const b11 = b[11] as number;
  const b12 = b[12] as number;
  const b13 = b[13] as number;
  const b14 = b[14] as number;
  const t0 =
    a0 * b0 +
    19 *
      (a1 * b14 +
        a2 * b13 +
        a3 * b12 +
        a4 * b11 +
        a5 * b10 +
        a6 * b9 +
        a7 * b8 +
        a8 * b7 +
        a9 * b6 +
        a10 * b5 +
        a11 * b4 +
        a12 * b3 +
        a13 * b2 +
        a14 * b1);
  const t1 =
    a0 * b1 +
    a1 * b0 +
    19 *
      (a2 * b14 +
        a3 * b13 +
        a4 * b12 +
        a5 * b11 +
        a6 * b10 +
        a7 * b9 +
        a8 * b8 +
        a9 * b7 +
        a10 * b6 +
        a11 * b5 +
        a12 * b4 +
        a13 * b3 +
        a14 * b2);
  const t2 =
    a0 * b2 +
    a1 * b1 +
    a2 * b0 +
    19 *
      (a3 * b14 +
        a4 * b13 +
        a5 * b12 +
        a6 * b11 +
        a7 * b10 +
        a8 * b9 +
        a9 * b8 +
        a10 * b7 +
        a11 * b6 +
        a12 * b5 +
        a13 * b4 +
        a14 * b3);
  const t3 =
    a0 * b3 +
    a1 * b2 +
    a2 * b1 +
    a3 * b0 +
    19 *
      (a4 * b14 +
        a5 * b13 +
        a6 * b12 +
        a7 * b11 +
        a8 * b10 +
        a9 * b9 +
        a10 * b8 +
        a11 * b7 +
        a12 * b6 +
        a13 * b5 +
        a14 * b4);
  const t4 =
    a0 * b4 +
    a1 * b3 +
    a2 * b2 +
    a3 * b1 +
    a4 * b0 +
    19 * (a5 * b14 + a6 * b13 + a7 * b12 + a8 * b11 + a9 * b10 + a10 * b9 + a11 * b8 + a12 * b7 + a13 * b6 + a14 * b5);
  const t5 =
    a0 * b5 +
    a1 * b4 +
    a2 * b3 +
    a3 * b2 +
    a4 * b1 +
    a5 * b0 +
    19 * (a6 * b14 + a7 * b13 + a8 * b12 + a9 * b11 + a10 * b10 + a11 * b9 + a12 * b8 + a13 * b7 + a14 * b6);
  const t6 =
    a0 * b6 +
    a1 * b5 +
    a2 * b4 +
    a3 * b3 +
    a4 * b2 +
    a5 * b1 +
    a6 * b0 +
    19 * (a7 * b14 + a8 * b13 + a9 * b12 + a10 * b11 + a11 * b10 + a12 * b9 + a13 * b8 + a14 * b7);
  const t7 =
    a0 * b7 +
    a1 * b6 +
    a2 * b5 +
    a3 * b4 +
    a4 * b3 +
    a5 * b2 +
    a6 * b1 +
    a7 * b0 +
    19 * (a8 * b14 + a9 * b13 + a10 * b12 + a11 * b11 + a12 * b10 + a13 * b9 + a14 * b8);
  const t8 =
    a0 * b8 +
    a1 * b7 +
    a2 * b6 +
    a3 * b5 +
    a4 * b4 +
    a5 * b3 +
    a6 * b2 +
    a7 * b1 +
    a8 * b0 +
    19 * (a9 * b14 + a10 * b13 + a11 * b12 + a12 * b11 + a13 * b10 + a14 * b9);
  const t9 =
    a0 * b9 +
    a1 * b8 +
    a2 * b7 +
    a3 * b6 +
    a4 * b5 +
    a5 * b4 +
    a6 * b3 +
    a7 * b2 +
    a8 * b1 +
    a9 * b0 +
    19 * (a10 * b14 + a11 * b13 + a12 * b12 + a13 * b11 + a14 * b10);
  const t10 =
    a0 * b10 +
    a1 * b9 +
    a2 * b8 +
    a3 * b7 +
    a4 * b6 +
    a5 * b5 +
    a6 * b4 +
    a7 * b3 +
    a8 * b2 +
    a9 * b1 +
    a10 * b0 +
    19 * (a11 * b14 + a12 * b13 + a13 * b12 + a14 * b11);
  const t11 =
    a0 * b11 +
    a1 * b10 +
    a2 * b9 +
    a3 * b8 +
    a4 * b7 +
    a5 * b6 +
    a6 * b5 +
    a7 * b4 +
    a8 * b3 +
    a9 * b2 +
    a10 * b1 +
    a11 * b0 +
    19 * (a12 * b14 + a13 * b13 + a14 * b12);
  const t12 =
    a0 * b12 +
    a1 * b11 +
    a2 * b10 +
    a3 * b9 +
    a4 * b8 +
    a5 * b7 +
    a6 * b6 +
    a7 * b5 +
    a8 * b4 +
    a9 * b3 +
    a10 * b2 +
    a11 * b1 +
    a12 * b0 +
    19 * (a13 * b14 + a14 * b13);
  const t13 =
    a0 * b13 +
    a1 * b12 +
    a2 * b11 +
    a3 * b10 +
    a4 * b9 +
    a5 * b8 +
    a6 * b7 +
    a7 * b6 +
    a8 * b5 +
    a9 * b4 +
    a10 * b3 +
    a11 * b2 +
    a12 * b1 +
    a13 * b0 +
    19 * (a14 * b14);
  const t14 =
    a0 * b14 +
    a1 * b13 +
    a2 * b12 +
    a3 * b11 +
    a4 * b10 +
    a5 * b9 +
    a6 * b8 +
    a7 * b7 +
    a8 * b6 +
    a9 * b5 +
    a10 * b4 +
    a11 * b3 +
    a12 * b2 +
    a13 * b1 +
    a14 * b0;
  let v = t0;
  let c = Math.floor(v * INV);
  o[0] = v - c * RADIX;
  v = t1 + c;
  c = Math.floor(v * INV);
  o[1] = v - c * RADIX;
  v = t2 + c;
  c = Math.floor(v * INV);
  o[2] = v - c * RADIX;
  v = t3 + c;
  c = Math.floor(v * INV);
  o[3] = v - c * RADIX;
  v = t4 + c;
  c = Math.floor(v * INV);
  o[4] = v - c * RADIX;
  v = t5 + c;
  c = Math.floor(v * INV);
  o[5] = v - c * RADIX;
  v = t6 + c;
  c = Math.floor(v * INV);
  o[6] = v - c * RADIX;
  v = t7 + c;
  c = Math.floor(v * INV);
  o[7] = v - c * RADIX;
  v = t8 + c;
  c = Math.floor(v * INV);
  o[8] = v - c * RADIX;
  v = t9 + c;
  c = Math.floor(v * INV);
  o[9] = v - c * RADIX;
  v = t10 + c;
  c = Math.floor(v * INV);
  o[10] = v - c * RADIX;
  v = t11 + c;
  c = Math.floor(v * INV);
  o[11] = v - c * RADIX;
  v = t12 + c;
  c = Math.floor(v * INV);
  o[12] = v - c * RADIX;
  v = t13 + c;
  c = Math.floor(v * INV);
  o[13] = v - c * RADIX;
  v = t14 + c;
  c = Math.floor(v * INV);
  o[14] = v - c * RADIX;
  // 2^255 ≡ 19: the carry out of the top limb re-enters at the bottom.
  v = o[0] + 19 * c;
  c = Math.floor(v * INV);
  o[0] = v - c * RADIX;
  v = (o[1] as number) + c;
  c = Math.floor(v * INV);
  o[1] = v - c * RADIX;
  o[2] = (o[2] as number) + c;
  return o;
}

/** a^(2^n) into o (o may be a). */
function sqrN(a: Limbs, n: number, o: Limbs): Limbs {
  sqr(a, o);
  for (let i = 1; i < n; i++) sqr(o, o);
  return o;
}

/** x^((p−5)/8) = x^(2^252 − 3) for 0 ≤ x < 2^255, by the addition chain of ref10's pow22523. */
export function pow22523(value: bigint): bigint {
  const x = toLimbs(value);
  const t = newLimbs();
  const acc = newLimbs();
  const b10 = newLimbs();
  const b80 = newLimbs();
  mul(sqr(x, t), x, acc); // x^3
  mul(sqrN(acc, 2, t), acc, acc); // x^15
  mul(sqr(acc, t), x, acc); // x^31
  mul(sqrN(acc, 5, t), acc, b10); // x^(2^10 − 1)
  mul(sqrN(b10, 10, t), b10, acc); // x^(2^20 − 1)
  mul(sqrN(acc, 20, t), acc, acc); // x^(2^40 − 1)
  mul(sqrN(acc, 40, t), acc, b80); // x^(2^80 − 1)
  mul(sqrN(b80, 80, t), b80, acc); // x^(2^160 − 1)
  mul(sqrN(acc, 80, t), b80, acc); // x^(2^240 − 1)
  mul(sqrN(acc, 10, t), b10, acc); // x^(2^250 − 1)
  mul(sqrN(acc, 2, t), x, acc); // x^(2^252 − 3)
  return fromLimbs(acc);
}
