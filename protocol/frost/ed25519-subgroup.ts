/**
 * Prime-order-subgroup membership for edwards25519 points by halving, instead of a full
 * multiplication by the group order L (RFC 9591 §3.1 / §6.1 DeserializeElement requires the check;
 * this computes the same predicate about three times faster). Public points only: variable time.
 *
 * Why it is sound (the argument follows Pornin, "Point-halving and subgroup membership in twisted
 * Edwards curves", ePrint 2022/1164; the formulas here are derived below and tested against
 * noble's `isTorsionFree` on points with every torsion component):
 *
 * 1. E(F_p) has order 8L and only one rational point of order 2 (on the Montgomery form
 *    v² = u³ + A·u² + u, A = 486662: u² + A·u + 1 has no root because A² − 4 is not a square), so
 *    its 2-part is cyclic, E(F_p) ≅ Z_8 × Z_L, and the prime-order subgroup is exactly 8·E(F_p):
 *    P is in it iff P can be halved three times within E(F_p).
 * 2. χ(P) = (u(P) / p) is a homomorphism E(F_p) → {±1} (the 2-isogeny descent map, with χ of the
 *    2-torsion point (0, 0) equal to 1), non-trivial on edwards25519 (the order-8 points have a
 *    non-square u), so its kernel, of index 2, is 2·E(F_p): P is halvable iff u(P) is a square.
 *    Since v² = u·(u² + A·u + 1), for P ≠ (0, 0) that is iff g = u² + A·u + 1 is a square.
 * 3. Halving in u: 2Q = P means (w² − 1)² = 4·u·w·(w² + A·w + 1) for w = u(Q). With s = w + 1/w
 *    this is s² − 4·u·s − 4·(1 + A·u) = 0, so s = 2u ± 2·√g. The two rational halves Q and Q + (0,0)
 *    have u-coordinates w and 1/w, both roots of w² − s·w + 1 = 0 for the same s, which needs
 *    s² − 4 to be a non-zero square; the other sign gives the two irrational halves. Exactly one
 *    sign works: (s₊² − 4)(s₋² − 4) = 16·u²·(A² − 4) is a non-square.
 * 4. χ(Q) needs no square root: (w + 1)² = w·(s + 2), so (w / p) = ((s + 2) / p). It does not
 *    depend on the half chosen: the halves differ by (0, 0) or by the order-4 point with u = 1,
 *    both with χ = 1.
 * So P ∈ 8·E ⇔ g(u_P) square, and g(u_Q) square, and ((s_Q + 2) / p) = 1, where Q is a rational half
 * of P (u_Q = (s_P + √(s_P² − 4)) / 2) and s_Q is built from Q the same way. Three square roots and
 * three Legendre symbols, against ~253 point doublings for L·P; `fastTest` below makes both sign
 * choices without Legendre symbols, leaving three exponentiations and one Legendre symbol.
 */
import { add, legendre, mul, P, sqrt, sqrtOrSqrtTwice, sub } from './ed25519-field.js';

/** Montgomery coefficient of Curve25519 (RFC 7748 §4.1). */
const A = 486662n;

/**
 * From u = U/V = u(P) of a candidate P ∉ {O, (0,0)} (V ≠ 0): S such that S/V is the s = w + 1/w of
 * P's rational halves, or undefined when P is not halvable in E(F_p) — the module comment, steps
 * 2–3, with every quantity over the common denominator V (g = G/V², s = S/V,
 * s² − 4 = (S² − 4V²)/V²), so that no field inversion is needed: squareness is unchanged by V².
 */
function halvingSum(U: bigint, V: bigint): bigint | undefined {
  const G = add(mul(U, add(U, mul(A, V))), mul(V, V)); // U² + A·U·V + V²
  const T = sqrt(G);
  if (T === undefined) return undefined;
  const twoU = add(U, U);
  const twoT = add(T, T);
  const fourV2 = mul(4n, mul(V, V));
  const plus = add(twoU, twoT);
  if (legendre(sub(mul(plus, plus), fourV2)) === 1) return plus;
  // Exactly one sign works (step 3: the product of the two candidates' s² − 4 is 16·u²·(A² − 4),
  // a non-square), so the other sign needs no second Legendre symbol.
  return sub(twoU, twoT);
}

/** √(2·(A² − 4)): A² − 4 and 2 are both non-squares, so their product is a square. */
const K = sqrt(mul(2n, sub(mul(A, A), 4n))) as bigint;

/**
 * Whether the edwards25519 point with affine y-coordinate `y` (a point already decoded and on the
 * curve) lies in the prime-order subgroup; same answer as noble's `isTorsionFree()`.
 *
 * Three exponentiations and one Legendre symbol (`fastTest`), with the straightforward version
 * (`halvingTest`: three square roots, three Legendre symbols) for the degenerate cases the fast
 * one does not cover (a zero where it divides, i.e. torsion-related points).
 */
export function isInPrimeSubgroupEd25519(y: bigint): boolean {
  if (y === 1n) return true; // the identity (callers reject it separately)
  if (y === P - 1n) return false; // (0, −1): the point of order 2, u = 0
  return fastTest(y) ?? halvingTest(y);
}

/**
 * The module test with both sign choices made without Legendre symbols; undefined when a quantity
 * it relies on being non-zero is zero.
 *
 * Level 1 (a half Q of P): with S± = 2U ± 2T (T = √G), exactly one of S±² − 4V² is a square (their
 * product 16·U²·V²·(A² − 4) is not). One exponentiation (`sqrtOrSqrtTwice`) of a = S+² − 4V² gives
 * √a if a is a square (then s = S+ is the right sign), or r = √(2a) if not; then s = S− is right
 * and √(S−² − 4V²) = √(16·U²·V²·(A² − 4) / a) = 4·U·V·K / r with K = √(2(A² − 4)), so that
 * u(Q) = (S− + 4UVK/r) / (2V) = (S−·r + 4UVK) / (2V·r), still without an inversion.
 * Level 2 (a half of Q, P ∈ 8E): with T' = √G' for Q (its existence is the test Q ∈ 2E) and
 * s'± = (2U' ± 2T')/V', the answer is ((s'σ + 2)/p) for the sign σ whose s'σ² − 4 is a square.
 * Since (s'+ + 2)(s'− + 2) = 4·u(Q)·(2 − A), u(Q) is a square (Q ∈ 2E) and 2 − A is not, the two
 * candidates have opposite symbols, and so do the two s'σ² − 4; hence the answer is
 * ((s'+ + 2)(s'+² − 4)/p) = ((s'+ − 2)/p) = (((S'+ − 2V')·V')/p): one Legendre symbol, no sign test.
 */
function fastTest(y: bigint): boolean | undefined {
  const U = add(1n, y);
  const V = sub(1n, y);
  const G = add(mul(U, add(U, mul(A, V))), mul(V, V)); // U² + A·U·V + V²
  const T = sqrt(G);
  if (T === undefined) return false; // P ∉ 2E
  const twoU = add(U, U);
  const twoT = add(T, T);
  const fourV2 = mul(4n, mul(V, V));
  const plus = add(twoU, twoT);
  const ext = sqrtOrSqrtTwice(sub(mul(plus, plus), fourV2));
  if (ext === undefined || U === 0n) return undefined;
  let U1: bigint;
  let V1: bigint;
  if (ext.square) {
    U1 = add(plus, ext.root);
    V1 = add(V, V);
  } else {
    U1 = add(mul(sub(twoU, twoT), ext.root), mul(mul(4n, mul(U, V)), K));
    V1 = mul(add(V, V), ext.root);
  }
  if (U1 === 0n || V1 === 0n) return undefined;
  const G1 = add(mul(U1, add(U1, mul(A, V1))), mul(V1, V1));
  const T1 = sqrt(G1);
  if (T1 === undefined) return false; // Q ∉ 2E, i.e. P ∉ 4E
  const plus1 = add(add(U1, U1), add(T1, T1));
  const twoV1 = add(V1, V1);
  if (mul(plus1, plus1) === mul(twoV1, twoV1)) return undefined; // s'+² = 4
  return legendre(mul(sub(plus1, twoV1), V1)) === 1;
}

/** The module test as written there: three square roots and three Legendre symbols. */
function halvingTest(y: bigint): boolean {
  // Edwards → Montgomery (RFC 7748 §4.1): u = (1 + y) / (1 − y), kept as a fraction U/V.
  const U = add(1n, y);
  const V = sub(1n, y);
  const S = halvingSum(U, V); // P ∈ 2E? s = S/V
  if (S === undefined) return false;
  const root = sqrt(sub(mul(S, S), mul(4n, mul(V, V)))); // √(s² − 4)·V
  if (root === undefined) return false;
  // u(Q) = (s + √(s² − 4)) / 2 = (S + root) / (2V) for a rational half Q of P.
  const V2 = add(V, V);
  const SQ = halvingSum(add(S, root), V2); // Q ∈ 2E, i.e. P ∈ 4E? s_Q = SQ/V2
  if (SQ === undefined) return false;
  // ((s_Q + 2) / p) = (((SQ + 2·V2) / V2) / p) = (((SQ + 2·V2)·V2) / p): a half of Q in 2E, i.e. P ∈ 8E?
  return legendre(mul(add(SQ, add(V2, V2)), V2)) === 1;
}

/** Exported for the differential tests only: the fast path alone (undefined when it defers). */
export const fastSubgroupTestForTests = fastTest;
