/**
 * GF(p), p = 2^256 − 2^32 − 977 (secp256k1's base field), on twelve limbs of 22 bits held in
 * float64s, for the point formulas and exponentiations of secp256k1-base.ts, the ECDSA check of
 * secp256k1-ecdsa-verify.ts and the secret-scalar multiplication of ecdsa2p/ct-multiply.ts. Same
 * approach and conventions as protocol/frost/ed25519-limbs.ts (see docs/security/curves.md).
 *
 * Why: a field product on bigints (multiplication, two folds by 2^256 ≡ 2^32 + 977, a conditional
 * subtraction) costs ~0.19 µs, most of it allocating intermediate bigints; on limbs it is
 * straight-line float arithmetic with no allocation.
 *
 * Representation: x = Σ a_i·2^(22·i), i = 0..11 (264 bits, so values are not kept below p, nor
 * non-negative: limbs are signed integers). A product's 23 columns t_k = Σ_(i+j=k) a_i·b_j carry no
 * multiplier; the wrap is done afterwards because 2^264 ≡ 2^8·(2^32 + 977) = 2^40 + 250112 has two
 * terms, and 2^40 = 2^18·2^22 lands one column higher:
 *   1. the high columns 12..22 are carried down to 22-bit limbs h_12..h_22 (h_23 the carry out);
 *   2. h_(12+m) is added into column m times K = 250112 and into column m + 1 times S = 2^18, and
 *      the low columns are carried; the carry c out of limb 11 (weight 2^264, plus S·h_23) is split
 *      at 22 bits, c = lo + 2^22·hi, and folded the same way (lo·K, lo·S + hi·K, hi·S into limbs
 *      0, 1, 2), followed by short carry steps up to limb 4.
 * Exactness (every intermediate an integer below 2^53 in size, so float64 arithmetic is exact;
 * scaling by 2^−22 is exact, so Math.floor(v·2^−22) is the exact floor quotient, negatives too):
 * write U = 2^22. `mul`/`sqr` accept any inputs with max|a_i|·max|b_j| ≤ 42·U² (squaring: 42·U²
 * for max|a_i|²), e.g. limbs up to 6U times limbs up to 7U. A column has at most 12 partial
 * products (squaring: as many, counting the doubled cross terms), so |t_k| ≤ 504·U² < 2^52.98;
 * carries out of such columns are < 2^31; h_m ≤ U and h_23 < 2^27.4 (the product is below
 * 42·U²·2^484·(1 + 2^−21) < 2^533.4), so the folded terms K·h, S·h are < 2^40 except
 * K·h_23 < 2^45.3 (column 11) and S·h_23 < 2^45.4 (weight 2^264); a folded column stays below
 * 504·U² + 2^45.3 + 2^40 + 2^31 < 0.99·2^53; c < 2^46, so lo < U, |hi| < 2^24 and the final folds
 * are < 2^43.
 * Output ("reduced form"): limbs 0..3 and 5..11 in [0, U), limb 4 in [−1, U]: |a_i| ≤ U. So sums
 * and differences of a few reduced values are valid inputs again (the point formulas of
 * secp256k1-base.ts never exceed 4U·4U = 16·U²; see the bounds noted there). `mulSmall` (k·a)
 * accepts limbs with |k·a_i| < 2^50 and returns the reduced form. `fromLimbs` reduces
 * into [0, p).
 *
 * The products below are unrolled (generated once by a short script from the rule above). Inputs
 * are read into locals before any output is written, so `o` may alias `a` or `b`. Tested
 * differentially against noble's field (tests/unit/protocol/curves/secp256k1-limbs.test.ts),
 * including worst-case limb sizes.
 */

/**
 * Twelve limbs in a plain array that V8 keeps as unboxed doubles (created from a literal of −0s,
 * which are not small integers, so the array starts and stays in double representation).
 */
export type Limbs = number[];

const N = 12;
const R22 = 2 ** 22;
const I22 = 2 ** -22;
/** 2^264 ≡ 2^40 + 250112 (mod p): 250112 = 2^8·977 into the same column, 2^40 = S·2^22 one up. */
const K = 250112;
const S = 2 ** 18;
const P = (1n << 256n) - (1n << 32n) - 977n;
const M44 = (1n << 44n) - 1n;

export function newLimbs(): Limbs {
  return [-0, -0, -0, -0, -0, -0, -0, -0, -0, -0, -0, -0];
}

/** The 22-bit limbs of 0 ≤ x < 2^264, read from its six 44-bit chunks. */
export function toLimbs(x: bigint, o: Limbs = newLimbs()): Limbs {
  let rest = x;
  for (let m = 0; m < 6; m++) {
    const chunk = Number(rest & M44);
    rest >>= 44n;
    const high = Math.floor(chunk * I22);
    o[2 * m] = chunk - high * R22;
    o[2 * m + 1] = high;
  }
  return o;
}

/** Normalised copy used by `fromLimbs` (overwritten on every call; cleared before returning). */
const normalised = newLimbs();

/** The value of `a`, fully reduced into [0, p). */
export function fromLimbs(a: Limbs): bigint {
  // Carry first so every limb is in [0, 2^22); the carry out of the top limb (weight 2^264) may be
  // negative. Then pairs of limbs (below 2^44, exact as floats) become bigint chunks.
  const l = normalised;
  let c = 0;
  for (let i = 0; i < N; i++) {
    const v = (a[i] as number) + c;
    c = Math.floor(v * I22);
    l[i] = v - c * R22;
  }
  let x = BigInt(c);
  for (let i = N - 2; i >= 0; i -= 2) x = (x << 44n) + BigInt((l[i] as number) + (l[i + 1] as number) * R22);
  l.fill(0);
  if (x >= 0n && x < P) return x;
  x %= P;
  return x < 0n ? x + P : x;
}

/** o = a + b, limb-wise (no carry; see the bounds above). Unrolled, like the helpers below
 * (point additions measured ≈ 15% faster than with loops). */
export function addL(a: Limbs, b: Limbs, o: Limbs): Limbs {
  o[0] = (a[0] as number) + (b[0] as number);
  o[1] = (a[1] as number) + (b[1] as number);
  o[2] = (a[2] as number) + (b[2] as number);
  o[3] = (a[3] as number) + (b[3] as number);
  o[4] = (a[4] as number) + (b[4] as number);
  o[5] = (a[5] as number) + (b[5] as number);
  o[6] = (a[6] as number) + (b[6] as number);
  o[7] = (a[7] as number) + (b[7] as number);
  o[8] = (a[8] as number) + (b[8] as number);
  o[9] = (a[9] as number) + (b[9] as number);
  o[10] = (a[10] as number) + (b[10] as number);
  o[11] = (a[11] as number) + (b[11] as number);
  return o;
}

/** o = a − b, limb-wise. */
export function subL(a: Limbs, b: Limbs, o: Limbs): Limbs {
  o[0] = (a[0] as number) - (b[0] as number);
  o[1] = (a[1] as number) - (b[1] as number);
  o[2] = (a[2] as number) - (b[2] as number);
  o[3] = (a[3] as number) - (b[3] as number);
  o[4] = (a[4] as number) - (b[4] as number);
  o[5] = (a[5] as number) - (b[5] as number);
  o[6] = (a[6] as number) - (b[6] as number);
  o[7] = (a[7] as number) - (b[7] as number);
  o[8] = (a[8] as number) - (b[8] as number);
  o[9] = (a[9] as number) - (b[9] as number);
  o[10] = (a[10] as number) - (b[10] as number);
  o[11] = (a[11] as number) - (b[11] as number);
  return o;
}

/** o = −a, limb-wise. */
export function negL(a: Limbs, o: Limbs): Limbs {
  o[0] = -(a[0] as number);
  o[1] = -(a[1] as number);
  o[2] = -(a[2] as number);
  o[3] = -(a[3] as number);
  o[4] = -(a[4] as number);
  o[5] = -(a[5] as number);
  o[6] = -(a[6] as number);
  o[7] = -(a[7] as number);
  o[8] = -(a[8] as number);
  o[9] = -(a[9] as number);
  o[10] = -(a[10] as number);
  o[11] = -(a[11] as number);
  return o;
}

/** o = k·a, limb-wise, for a small integer k (no carry). */
export function scaleL(a: Limbs, k: number, o: Limbs): Limbs {
  o[0] = k * (a[0] as number);
  o[1] = k * (a[1] as number);
  o[2] = k * (a[2] as number);
  o[3] = k * (a[3] as number);
  o[4] = k * (a[4] as number);
  o[5] = k * (a[5] as number);
  o[6] = k * (a[6] as number);
  o[7] = k * (a[7] as number);
  o[8] = k * (a[8] as number);
  o[9] = k * (a[9] as number);
  o[10] = k * (a[10] as number);
  o[11] = k * (a[11] as number);
  return o;
}

/** o = a, limb-wise. */
export function copyL(a: Limbs, o: Limbs): Limbs {
  o[0] = a[0] as number;
  o[1] = a[1] as number;
  o[2] = a[2] as number;
  o[3] = a[3] as number;
  o[4] = a[4] as number;
  o[5] = a[5] as number;
  o[6] = a[6] as number;
  o[7] = a[7] as number;
  o[8] = a[8] as number;
  o[9] = a[9] as number;
  o[10] = a[10] as number;
  o[11] = a[11] as number;
  return o;
}

/** True iff a ≡ b (mod p) (public values: converts to bigint). */
export function equalL(a: Limbs, b: Limbs, scratch: Limbs = newLimbs()): boolean {
  return fromLimbs(subL(a, b, scratch)) === 0n;
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
  const t0 = a0 * b0;
  const t1 = a0 * b1 + a1 * b0;
  const t2 = a0 * b2 + a1 * b1 + a2 * b0;
  const t3 = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  const t4 = a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0;
  const t5 = a0 * b5 + a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1 + a5 * b0;
  const t6 = a0 * b6 + a1 * b5 + a2 * b4 + a3 * b3 + a4 * b2 + a5 * b1 + a6 * b0;
  const t7 = a0 * b7 + a1 * b6 + a2 * b5 + a3 * b4 + a4 * b3 + a5 * b2 + a6 * b1 + a7 * b0;
  const t8 = a0 * b8 + a1 * b7 + a2 * b6 + a3 * b5 + a4 * b4 + a5 * b3 + a6 * b2 + a7 * b1 + a8 * b0;
  const t9 = a0 * b9 + a1 * b8 + a2 * b7 + a3 * b6 + a4 * b5 + a5 * b4 + a6 * b3 + a7 * b2 + a8 * b1 + a9 * b0;
  const t10 =
    a0 * b10 + a1 * b9 + a2 * b8 + a3 * b7 + a4 * b6 + a5 * b5 + a6 * b4 + a7 * b3 + a8 * b2 + a9 * b1 + a10 * b0;
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
    a11 * b0;
  const t12 =
    a1 * b11 + a2 * b10 + a3 * b9 + a4 * b8 + a5 * b7 + a6 * b6 + a7 * b5 + a8 * b4 + a9 * b3 + a10 * b2 + a11 * b1;
  const t13 = a2 * b11 + a3 * b10 + a4 * b9 + a5 * b8 + a6 * b7 + a7 * b6 + a8 * b5 + a9 * b4 + a10 * b3 + a11 * b2;
  const t14 = a3 * b11 + a4 * b10 + a5 * b9 + a6 * b8 + a7 * b7 + a8 * b6 + a9 * b5 + a10 * b4 + a11 * b3;
  const t15 = a4 * b11 + a5 * b10 + a6 * b9 + a7 * b8 + a8 * b7 + a9 * b6 + a10 * b5 + a11 * b4;
  const t16 = a5 * b11 + a6 * b10 + a7 * b9 + a8 * b8 + a9 * b7 + a10 * b6 + a11 * b5;
  const t17 = a6 * b11 + a7 * b10 + a8 * b9 + a9 * b8 + a10 * b7 + a11 * b6;
  const t18 = a7 * b11 + a8 * b10 + a9 * b9 + a10 * b8 + a11 * b7;
  const t19 = a8 * b11 + a9 * b10 + a10 * b9 + a11 * b8;
  const t20 = a9 * b11 + a10 * b10 + a11 * b9;
  const t21 = a10 * b11 + a11 * b10;
  const t22 = a11 * b11;
  // Columns 12..22 (weight 2^264 and up) carried down to 22 bits; h23 is the carry out of column 22.
  let v = t12;
  let c = Math.floor(v * I22);
  const h12 = v - c * R22;
  v = t13 + c;
  c = Math.floor(v * I22);
  const h13 = v - c * R22;
  v = t14 + c;
  c = Math.floor(v * I22);
  const h14 = v - c * R22;
  v = t15 + c;
  c = Math.floor(v * I22);
  const h15 = v - c * R22;
  v = t16 + c;
  c = Math.floor(v * I22);
  const h16 = v - c * R22;
  v = t17 + c;
  c = Math.floor(v * I22);
  const h17 = v - c * R22;
  v = t18 + c;
  c = Math.floor(v * I22);
  const h18 = v - c * R22;
  v = t19 + c;
  c = Math.floor(v * I22);
  const h19 = v - c * R22;
  v = t20 + c;
  c = Math.floor(v * I22);
  const h20 = v - c * R22;
  v = t21 + c;
  c = Math.floor(v * I22);
  const h21 = v - c * R22;
  v = t22 + c;
  c = Math.floor(v * I22);
  const h22 = v - c * R22;
  const h23 = c;
  // Column 12 + m (m = 0..11) folds into columns m (×250112) and m + 1 (×2^18); then carry.
  v = t0 + K * h12;
  c = Math.floor(v * I22);
  const r0 = v - c * R22;
  v = t1 + K * h13 + S * h12 + c;
  c = Math.floor(v * I22);
  const r1 = v - c * R22;
  v = t2 + K * h14 + S * h13 + c;
  c = Math.floor(v * I22);
  const r2 = v - c * R22;
  v = t3 + K * h15 + S * h14 + c;
  c = Math.floor(v * I22);
  const r3 = v - c * R22;
  v = t4 + K * h16 + S * h15 + c;
  c = Math.floor(v * I22);
  const r4 = v - c * R22;
  v = t5 + K * h17 + S * h16 + c;
  c = Math.floor(v * I22);
  const r5 = v - c * R22;
  v = t6 + K * h18 + S * h17 + c;
  c = Math.floor(v * I22);
  const r6 = v - c * R22;
  v = t7 + K * h19 + S * h18 + c;
  c = Math.floor(v * I22);
  const r7 = v - c * R22;
  v = t8 + K * h20 + S * h19 + c;
  c = Math.floor(v * I22);
  const r8 = v - c * R22;
  v = t9 + K * h21 + S * h20 + c;
  c = Math.floor(v * I22);
  const r9 = v - c * R22;
  v = t10 + K * h22 + S * h21 + c;
  c = Math.floor(v * I22);
  const r10 = v - c * R22;
  v = t11 + K * h23 + S * h22 + c;
  c = Math.floor(v * I22);
  const r11 = v - c * R22;
  c += S * h23;
  // c (weight 2^264) ≡ c·(2^40 + 250112): split at 22 bits first so each product stays < 2^42.
  const hi = Math.floor(c * I22);
  const lo = c - hi * R22;
  v = r0 + K * lo;
  c = Math.floor(v * I22);
  o[0] = v - c * R22;
  v = r1 + S * lo + K * hi + c;
  c = Math.floor(v * I22);
  o[1] = v - c * R22;
  v = r2 + S * hi + c;
  c = Math.floor(v * I22);
  o[2] = v - c * R22;
  v = r3 + c;
  c = Math.floor(v * I22);
  o[3] = v - c * R22;
  o[4] = r4 + c;
  o[5] = r5;
  o[6] = r6;
  o[7] = r7;
  o[8] = r8;
  o[9] = r9;
  o[10] = r10;
  o[11] = r11;
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
  const t0 = a0 * a0;
  const t1 = 2 * (a0 * a1);
  const t2 = a1 * a1 + 2 * (a0 * a2);
  const t3 = 2 * (a0 * a3 + a1 * a2);
  const t4 = a2 * a2 + 2 * (a0 * a4 + a1 * a3);
  const t5 = 2 * (a0 * a5 + a1 * a4 + a2 * a3);
  const t6 = a3 * a3 + 2 * (a0 * a6 + a1 * a5 + a2 * a4);
  const t7 = 2 * (a0 * a7 + a1 * a6 + a2 * a5 + a3 * a4);
  const t8 = a4 * a4 + 2 * (a0 * a8 + a1 * a7 + a2 * a6 + a3 * a5);
  const t9 = 2 * (a0 * a9 + a1 * a8 + a2 * a7 + a3 * a6 + a4 * a5);
  const t10 = a5 * a5 + 2 * (a0 * a10 + a1 * a9 + a2 * a8 + a3 * a7 + a4 * a6);
  const t11 = 2 * (a0 * a11 + a1 * a10 + a2 * a9 + a3 * a8 + a4 * a7 + a5 * a6);
  const t12 = a6 * a6 + 2 * (a1 * a11 + a2 * a10 + a3 * a9 + a4 * a8 + a5 * a7);
  const t13 = 2 * (a2 * a11 + a3 * a10 + a4 * a9 + a5 * a8 + a6 * a7);
  const t14 = a7 * a7 + 2 * (a3 * a11 + a4 * a10 + a5 * a9 + a6 * a8);
  const t15 = 2 * (a4 * a11 + a5 * a10 + a6 * a9 + a7 * a8);
  const t16 = a8 * a8 + 2 * (a5 * a11 + a6 * a10 + a7 * a9);
  const t17 = 2 * (a6 * a11 + a7 * a10 + a8 * a9);
  const t18 = a9 * a9 + 2 * (a7 * a11 + a8 * a10);
  const t19 = 2 * (a8 * a11 + a9 * a10);
  const t20 = a10 * a10 + 2 * (a9 * a11);
  const t21 = 2 * (a10 * a11);
  const t22 = a11 * a11;
  // Columns 12..22 (weight 2^264 and up) carried down to 22 bits; h23 is the carry out of column 22.
  let v = t12;
  let c = Math.floor(v * I22);
  const h12 = v - c * R22;
  v = t13 + c;
  c = Math.floor(v * I22);
  const h13 = v - c * R22;
  v = t14 + c;
  c = Math.floor(v * I22);
  const h14 = v - c * R22;
  v = t15 + c;
  c = Math.floor(v * I22);
  const h15 = v - c * R22;
  v = t16 + c;
  c = Math.floor(v * I22);
  const h16 = v - c * R22;
  v = t17 + c;
  c = Math.floor(v * I22);
  const h17 = v - c * R22;
  v = t18 + c;
  c = Math.floor(v * I22);
  const h18 = v - c * R22;
  v = t19 + c;
  c = Math.floor(v * I22);
  const h19 = v - c * R22;
  v = t20 + c;
  c = Math.floor(v * I22);
  const h20 = v - c * R22;
  v = t21 + c;
  c = Math.floor(v * I22);
  const h21 = v - c * R22;
  v = t22 + c;
  c = Math.floor(v * I22);
  const h22 = v - c * R22;
  const h23 = c;
  // Column 12 + m (m = 0..11) folds into columns m (×250112) and m + 1 (×2^18); then carry.
  v = t0 + K * h12;
  c = Math.floor(v * I22);
  const r0 = v - c * R22;
  v = t1 + K * h13 + S * h12 + c;
  c = Math.floor(v * I22);
  const r1 = v - c * R22;
  v = t2 + K * h14 + S * h13 + c;
  c = Math.floor(v * I22);
  const r2 = v - c * R22;
  v = t3 + K * h15 + S * h14 + c;
  c = Math.floor(v * I22);
  const r3 = v - c * R22;
  v = t4 + K * h16 + S * h15 + c;
  c = Math.floor(v * I22);
  const r4 = v - c * R22;
  v = t5 + K * h17 + S * h16 + c;
  c = Math.floor(v * I22);
  const r5 = v - c * R22;
  v = t6 + K * h18 + S * h17 + c;
  c = Math.floor(v * I22);
  const r6 = v - c * R22;
  v = t7 + K * h19 + S * h18 + c;
  c = Math.floor(v * I22);
  const r7 = v - c * R22;
  v = t8 + K * h20 + S * h19 + c;
  c = Math.floor(v * I22);
  const r8 = v - c * R22;
  v = t9 + K * h21 + S * h20 + c;
  c = Math.floor(v * I22);
  const r9 = v - c * R22;
  v = t10 + K * h22 + S * h21 + c;
  c = Math.floor(v * I22);
  const r10 = v - c * R22;
  v = t11 + K * h23 + S * h22 + c;
  c = Math.floor(v * I22);
  const r11 = v - c * R22;
  c += S * h23;
  // c (weight 2^264) ≡ c·(2^40 + 250112): split at 22 bits first so each product stays < 2^42.
  const hi = Math.floor(c * I22);
  const lo = c - hi * R22;
  v = r0 + K * lo;
  c = Math.floor(v * I22);
  o[0] = v - c * R22;
  v = r1 + S * lo + K * hi + c;
  c = Math.floor(v * I22);
  o[1] = v - c * R22;
  v = r2 + S * hi + c;
  c = Math.floor(v * I22);
  o[2] = v - c * R22;
  v = r3 + c;
  c = Math.floor(v * I22);
  o[3] = v - c * R22;
  o[4] = r4 + c;
  o[5] = r5;
  o[6] = r6;
  o[7] = r7;
  o[8] = r8;
  o[9] = r9;
  o[10] = r10;
  o[11] = r11;
  return o;
}

/** o = k·a for a small integer k (|k·a_i| < 2^50), carried like a product. */
export function mulSmall(a: Limbs, k: number, o: Limbs): Limbs {
  let v = k * (a[0] as number);
  let c = Math.floor(v * I22);
  const r0 = v - c * R22;
  v = k * (a[1] as number) + c;
  c = Math.floor(v * I22);
  const r1 = v - c * R22;
  v = k * (a[2] as number) + c;
  c = Math.floor(v * I22);
  const r2 = v - c * R22;
  v = k * (a[3] as number) + c;
  c = Math.floor(v * I22);
  const r3 = v - c * R22;
  v = k * (a[4] as number) + c;
  c = Math.floor(v * I22);
  const r4 = v - c * R22;
  v = k * (a[5] as number) + c;
  c = Math.floor(v * I22);
  const r5 = v - c * R22;
  v = k * (a[6] as number) + c;
  c = Math.floor(v * I22);
  const r6 = v - c * R22;
  v = k * (a[7] as number) + c;
  c = Math.floor(v * I22);
  const r7 = v - c * R22;
  v = k * (a[8] as number) + c;
  c = Math.floor(v * I22);
  const r8 = v - c * R22;
  v = k * (a[9] as number) + c;
  c = Math.floor(v * I22);
  const r9 = v - c * R22;
  v = k * (a[10] as number) + c;
  c = Math.floor(v * I22);
  const r10 = v - c * R22;
  v = k * (a[11] as number) + c;
  c = Math.floor(v * I22);
  const r11 = v - c * R22;
  // c (weight 2^264) ≡ c·(2^40 + 250112): split at 22 bits first so each product stays < 2^42.
  const hi = Math.floor(c * I22);
  const lo = c - hi * R22;
  v = r0 + K * lo;
  c = Math.floor(v * I22);
  o[0] = v - c * R22;
  v = r1 + S * lo + K * hi + c;
  c = Math.floor(v * I22);
  o[1] = v - c * R22;
  v = r2 + S * hi + c;
  c = Math.floor(v * I22);
  o[2] = v - c * R22;
  v = r3 + c;
  c = Math.floor(v * I22);
  o[3] = v - c * R22;
  o[4] = r4 + c;
  o[5] = r5;
  o[6] = r6;
  o[7] = r7;
  o[8] = r8;
  o[9] = r9;
  o[10] = r10;
  o[11] = r11;
  return o;
}

/** a^(2^n) into o (o may be a). */
function sqrN(a: Limbs, n: number, o: Limbs): Limbs {
  sqr(a, o);
  for (let i = 1; i < n; i++) sqr(o, o);
  return o;
}

/**
 * The common head of libsecp256k1's inversion and square-root chains (secp256k1_fe_inv_var /
 * secp256k1_fe_sqrt): x^(2^223 − 1), with x^(2^2 − 1) and x^(2^22 − 1) kept for the tails.
 */
function chainHead(x: Limbs): { x2: Limbs; x22: Limbs; acc: Limbs } {
  const t = newLimbs();
  const x2 = mul(sqr(x, newLimbs()), x, newLimbs()); // x^(2^2 − 1)
  const x3 = mul(sqr(x2, t), x, newLimbs());
  const x6 = mul(sqrN(x3, 3, t), x3, newLimbs());
  const x9 = mul(sqrN(x6, 3, t), x3, newLimbs());
  const x11 = mul(sqrN(x9, 2, t), x2, newLimbs());
  const x22 = mul(sqrN(x11, 11, t), x11, newLimbs());
  const x44 = mul(sqrN(x22, 22, t), x22, newLimbs());
  const acc = mul(sqrN(x44, 44, t), x44, newLimbs()); // x^(2^88 − 1)
  mul(sqrN(acc, 88, t), acc, acc); // x^(2^176 − 1)
  mul(sqrN(acc, 44, t), x44, acc); // x^(2^220 − 1)
  mul(sqrN(acc, 3, t), x3, acc); // x^(2^223 − 1)
  return { x2, x22, acc };
}

/**
 * 1/x = x^(p − 2) (0 maps to 0), by libsecp256k1's chain: x^(2^223 − 1), 23 squarings times
 * x^(2^22 − 1), 5 squarings times x, 3 squarings times x^3, 2 squarings times x. Public values.
 */
export function invertL(x: Limbs, o: Limbs): Limbs {
  const { x2, x22, acc } = chainHead(x);
  mul(sqrN(acc, 23, acc), x22, acc);
  mul(sqrN(acc, 5, acc), x, acc);
  mul(sqrN(acc, 3, acc), x2, acc);
  return mul(sqrN(acc, 2, acc), x, o);
}

/**
 * x^((p + 1)/4), a square root of x when x is a square (p ≡ 3 mod 4), by libsecp256k1's chain:
 * x^(2^223 − 1), 23 squarings times x^(2^22 − 1), 6 squarings times x^3, 2 squarings. The caller
 * checks the result squares back to x. Public values.
 */
export function sqrtCandidateL(x: Limbs, o: Limbs): Limbs {
  const { x2, x22, acc } = chainHead(x);
  mul(sqrN(acc, 23, acc), x22, acc);
  mul(sqrN(acc, 6, acc), x2, acc);
  return sqrN(acc, 2, o);
}
