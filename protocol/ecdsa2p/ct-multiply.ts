/**
 * Multiplication of an arbitrary secp256k1 point by a SECRET scalar, with a fixed sequence of group
 * operations: 4-bit windows with the regular signed-digit recoding of Joye and Tunstall ("Exponent
 * recoding and regular exponentiation algorithms", AFRICACRYPT 2009, Alg. 6), so every window adds
 * one of ±P, ±3P, …, ±15P and no digit is ever zero.
 *
 * Why not noble's `Point.multiply`: for a point without a precomputed table it walks 1-bit windows
 * (about 256 doublings and 512 additions, real or fake), 2.4 ms here; with the GLV endomorphism this
 * takes 128 doublings and about 80 additions, and on the folded-reduction field code of
 * protocol/curves/secp256k1-base.ts about 0.35 ms. The signing protocol multiplies two fresh peer
 * points by its secret χ per signature (sign-steps.ts), and the base OTs of pairing multiply hundreds.
 *
 * Same side-channel posture as noble: the operation sequence does not depend on the scalar, and
 * the complete (Renes–Costello–Batina) formulas have no exceptional cases. Table lookups are
 * indexed by secret digits and JavaScript BigInt arithmetic is not constant time, as in noble;
 * SECURITY.md says what that means for a JavaScript implementation.
 */
import { _splitEndoScalar } from '@noble/curves/abstract/weierstrass.js';
import {
  addProjective,
  GLV_BETA as BETA,
  doubleProjective,
  GLV_BASIS,
  mulModP,
  negateProjective,
  type Proj,
  toNoblePoint,
} from '../curves/secp256k1-base.js';
import { InvalidArgumentError } from '../errors.js';
import { CURVE_ORDER, type Point } from './group.js';

const WINDOW_BITS = 4;
/** Digits of an odd scalar below 2^128: 32 windows plus the final (always 1) digit. */
const DIGITS = 128 / WINDOW_BITS + 1;
const TABLE_SIZE = 1 << (WINDOW_BITS - 1); // odd multiples 1P … 15P
const DIGIT_MASK = BigInt((1 << (WINDOW_BITS + 1)) - 1);
const DIGIT_OFFSET = 1 << WINDOW_BITS;
const SHIFT = BigInt(WINDOW_BITS);

/**
 * Joye–Tunstall regular recoding of an odd k < 2^128: digits d_i ∈ {±1, ±3, …, ±15} with
 * k = Σ d_i·16^i. Each step keeps k odd: k − d_i ≡ 16 (mod 32), so (k − d_i)/16 is odd.
 */
function recodeOdd(k: bigint): Int8Array {
  const digits = new Int8Array(DIGITS);
  let rest = k;
  for (let i = 0; i < DIGITS - 1; i++) {
    const d = Number(rest & DIGIT_MASK) - DIGIT_OFFSET;
    digits[i] = d;
    rest = (rest - BigInt(d)) >> SHIFT;
  }
  // An odd k < 2^128 leaves exactly 1 after 32 steps (k_{i+1} ≤ (k_i + 15)/16).
  digits[DIGITS - 1] = Number(rest);
  return digits;
}

/** φ(X:Y:Z) = (β·X : Y : Z). */
function endomorphism(p: Proj): Proj {
  return { X: mulModP(p.X, BETA), Y: p.Y, Z: p.Z };
}

/** ±entry, the sign being the digit's sign flipped when the half-scalar was negative. */
function signed(entry: Proj, digit: number, flip: boolean): Proj {
  const negated = negateProjective(entry);
  return digit < 0 !== flip ? negated : entry;
}

/**
 * scalar·point for a secret scalar in [1, n − 1]; the point must be a validated curve point.
 * k = k1 + k2·λ, and k1·P + k2·φ(P) is evaluated with one shared chain of 128 doublings, on the
 * complete formulas of protocol/curves/secp256k1-base.ts (folded reduction, about 2× noble's
 * `add`/`double` on the same points).
 */
export function multiplySecret(point: Point, scalar: bigint): Point {
  if (typeof scalar !== 'bigint' || scalar <= 0n || scalar >= CURVE_ORDER) {
    throw new InvalidArgumentError('scalar', 'a scalar in [1, n − 1]');
  }
  const { k1neg, k1, k2neg, k2 } = _splitEndoScalar(scalar, GLV_BASIS, CURVE_ORDER);
  // Recode each half or half + 1, whichever is odd, and take its point back off at the end when the
  // half was even (both results are computed; the parity only picks one).
  const even1 = (k1 & 1n) === 0n;
  const even2 = (k2 & 1n) === 0n;
  const digits1 = recodeOdd(even1 ? k1 + 1n : k1);
  const digits2 = recodeOdd(even2 ? k2 + 1n : k2);

  const base: Proj = { X: point.X, Y: point.Y, Z: point.Z };
  const table: Proj[] = new Array(TABLE_SIZE);
  const twice = doubleProjective(base);
  table[0] = base;
  for (let j = 1; j < TABLE_SIZE; j++) table[j] = addProjective(table[j - 1] as Proj, twice);
  const tableEndo = table.map(endomorphism); // φ((2j+1)P) = (2j+1)φ(P)

  const top = DIGITS - 1;
  let acc = addProjective(
    signed(table[0] as Proj, digits1[top] as number, k1neg),
    signed(tableEndo[0] as Proj, digits2[top] as number, k2neg),
  );
  for (let i = top - 1; i >= 0; i--) {
    for (let b = 0; b < WINDOW_BITS; b++) acc = doubleProjective(acc);
    const d1 = digits1[i] as number;
    const d2 = digits2[i] as number;
    acc = addProjective(acc, signed(table[(Math.abs(d1) - 1) >> 1] as Proj, d1, k1neg));
    acc = addProjective(acc, signed(tableEndo[(Math.abs(d2) - 1) >> 1] as Proj, d2, k2neg));
  }
  digits1.fill(0);
  digits2.fill(0);
  // Subtracting ±P is adding ∓P: signed(P, −1, flip) is −(±P).
  const minus1 = addProjective(acc, signed(base, -1, k1neg));
  const afterFirst = even1 ? minus1 : acc;
  const minus2 = addProjective(afterFirst, signed(tableEndo[0] as Proj, -1, k2neg));
  return toNoblePoint(even2 ? minus2 : afterFirst);
}
