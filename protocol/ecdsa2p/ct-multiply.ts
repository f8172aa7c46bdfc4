/**
 * Multiplication of an arbitrary secp256k1 point by a SECRET scalar, with a fixed sequence of group
 * operations: 4-bit windows with the regular signed-digit recoding of Joye and Tunstall ("Exponent
 * recoding and regular exponentiation algorithms", AFRICACRYPT 2009, Alg. 6), so every window adds
 * one of ±P, ±3P, …, ±15P and no digit is ever zero.
 *
 * Why not noble's `Point.multiply`: for a point without a precomputed table it walks 1-bit windows
 * (about 256 doublings and 512 additions, real or fake), 2.4 ms here; with the GLV endomorphism this
 * takes 128 doublings and about 80 additions, and on the float64 limb field arithmetic of
 * protocol/curves/secp256k1-limbs.ts about 0.2 ms. The signing protocol multiplies two fresh peer
 * points by its secret χ per signature (sign-steps.ts), and the base OTs of pairing multiply hundreds.
 *
 * Same side-channel posture as noble: the operation sequence does not depend on the scalar, and
 * the complete (Renes–Costello–Batina) formulas have no exceptional cases, the field arithmetic is
 * straight-line float arithmetic, and the accumulators and scratch limbs are zeroed afterwards.
 * Table lookups are indexed by secret digits, as in noble; docs/security/curves.md says what that
 * means for a JavaScript implementation.
 */
import { _splitEndoScalar } from '@noble/curves/abstract/weierstrass.js';
import {
  addProjL,
  doubleL,
  endomorphismL,
  GLV_BASIS,
  negateProjL,
  newScratch,
  type ProjL,
  projFromPoint,
  projIdentityL,
  projToPoint,
  wipeScratch,
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

/** Odd multiples (2j + 1)·P on limbs and their negations (public: multiples of the public point). */
interface SignedTable {
  pos: ProjL[];
  neg: ProjL[];
}

/** ±(2j + 1)P for the digit d = ±(2j + 1), the sign flipped when the half-scalar was negative. */
function signed(table: SignedTable, digit: number, flip: boolean): ProjL {
  const entries = digit < 0 !== flip ? table.neg : table.pos;
  return entries[(Math.abs(digit) - 1) >> 1] as ProjL;
}

/**
 * scalar·point for a secret scalar in [1, n − 1]; the point must be a validated curve point.
 * k = k1 + k2·λ, and k1·P + k2·φ(P) is evaluated with one shared chain of 128 doublings, on the
 * complete formulas of protocol/curves/secp256k1-base.ts over float64 limbs (converted once at
 * each end).
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

  const scratch = newScratch();
  const base = projFromPoint(point);
  const pos: ProjL[] = new Array(TABLE_SIZE);
  const twice = doubleL(base, projIdentityL(), scratch);
  pos[0] = base;
  for (let j = 1; j < TABLE_SIZE; j++) pos[j] = addProjL(pos[j - 1] as ProjL, twice, projIdentityL(), scratch);
  const table: SignedTable = { pos, neg: pos.map(negateProjL) };
  const posEndo = pos.map(endomorphismL); // φ((2j+1)P) = (2j+1)φ(P)
  const tableEndo: SignedTable = { pos: posEndo, neg: posEndo.map(negateProjL) };

  const top = DIGITS - 1;
  const acc = addProjL(
    signed(table, digits1[top] as number, k1neg),
    signed(tableEndo, digits2[top] as number, k2neg),
    projIdentityL(),
    scratch,
  );
  for (let i = top - 1; i >= 0; i--) {
    for (let b = 0; b < WINDOW_BITS; b++) doubleL(acc, acc, scratch);
    addProjL(acc, signed(table, digits1[i] as number, k1neg), acc, scratch);
    addProjL(acc, signed(tableEndo, digits2[i] as number, k2neg), acc, scratch);
  }
  digits1.fill(0);
  digits2.fill(0);
  // Subtracting ±P is adding ∓P: signed(·, −1, flip) is −(±P).
  const minus1 = addProjL(acc, signed(table, -1, k1neg), projIdentityL(), scratch);
  const afterFirst = even1 ? minus1 : acc;
  const minus2 = addProjL(afterFirst, signed(tableEndo, -1, k2neg), projIdentityL(), scratch);
  const out = projToPoint(even2 ? minus2 : afterFirst);
  // The accumulators and scratch held partial sums of a secret multiple: clear them.
  wipeScratch(scratch);
  for (const p of [acc, minus1, minus2]) for (const limbs of [p.X, p.Y, p.Z]) limbs.fill(0);
  return out;
}
