/**
 * Constant-time, blinded k·G on secp256k1 for SECRET k (Taproot signing nonces, d + ρ·e, and the
 * start-of-signing check s·G), the counterpart of ed25519-base.ts, with the same defences:
 *
 * - Blinding (as noble does for its base point): n = k + b·n_G with a fresh 128-bit b whose top bit
 *   is set, so the digits processed are re-randomised on every call and n·G = k·G.
 * - Fixed operation sequence: n < 2^385 is recoded into 56 signed 7-bit windows (digits in
 *   [−63, 64]); every window scans all 64 table entries (the selected one is not used as an
 *   address), forms both signs of the entry, and makes exactly one addition, to the real
 *   accumulator or, for a zero digit, to a throw-away one. No doublings: the table holds the affine
 *   points j·2^(7w)·G for every window w (built once, public data: 56 × 64 points, ≈ 0.7 MB;
 *   7-bit windows instead of 6 save 10 additions per k·G for ≈ 10 ms more one-time build).
 * - The addition is complete: Renes–Costello–Batina, "Complete addition formulas for prime order
 *   elliptic curves" (EUROCRYPT 2016), Algorithm 8 (projective P plus affine Q, a = 0, 3b = 21),
 *   correct for every P including the identity, so no input-dependent special case exists.
 * - The field arithmetic is float64 limb arithmetic (secp256k1-limbs.ts: straight-line, no
 *   secret-dependent branches, no bigint allocation), and the scratch limbs and accumulators are
 *   zeroed afterwards. JavaScript gives no constant-time guarantee; like noble, this is best effort
 *   on top of a data-independent operation sequence (docs/security/curves.md).
 *
 * Also here, for public data: k·G on the same table in variable time, Straus multi-scalar
 * multiplication, SEC 1 point decoding and batch encoding, all on limbs.
 *
 * Point formulas on limbs: coordinates are kept in "point form", every limb of size ≤ 2·2^22
 * (affine table entries ≤ 2^22). The bounds noted beside each step (in units U = 2^22: "3U" is a
 * limb sum of size ≤ 3·2^22; a product's output is ≤ 1U) show every product's inputs multiply to
 * at most 16·U² (4U·4U; the limb products accept 42·U²) and every output coordinate is ≤ 2U again.
 */
import { _splitEndoScalar } from '@noble/curves/abstract/weierstrass.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
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
} from './secp256k1-limbs.js';
import { wnaf } from './wnaf.js';

type K1Point = InstanceType<typeof secp256k1.Point>;

const P = secp256k1.Point.Fp.ORDER;
const ORDER = secp256k1.Point.Fn.ORDER;
const M256 = (1n << 256n) - 1n;
const FOLD = (1n << 32n) + 977n; // 2^256 mod p
const B3 = 21; // 3·b for y² = x³ + 7

/**
 * secp256k1's GLV endomorphism φ(x, y) = (β·x, y) = λ·(x, y) (SEC 2 §2.4.1; Gallant–Lambert–
 * Vanstone, CRYPTO 2001) and the reduced lattice basis noble uses to split k = k1 + k2·λ with
 * |k1|, |k2| < 2^128 (the same constants as @noble/curves' secp256k1 definition).
 */
export const GLV_BETA = 0x7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501een;
export const GLV_BASIS: [[bigint, bigint], [bigint, bigint]] = [
  [0x3086d221a7d46bcde86c90e49284eb15n, -0xe4437ed6010e88286f547fa90abfe4c3n],
  [0x114ca50f7a8e2f3f657c1108d9d44cfd8n, 0x3086d221a7d46bcde86c90e49284eb15n],
];
const BETA_LIMBS = toLimbs(GLV_BETA);

const W = 7;
const HALF = 1 << (W - 1);
const MASK = BigInt((1 << W) - 1);
const BLIND_BITS = 128;
const WINDOWS = Math.ceil((256 + BLIND_BITS + 1) / W) + 1;

/** Reduces 0 ≤ t < 2^520 modulo p: two folds and one conditional subtraction (bigint `mulModP`). */
function red(t: bigint): bigint {
  let r = (t & M256) + (t >> 256n) * FOLD;
  r = (r & M256) + (r >> 256n) * FOLD;
  return r >= P ? r - P : r;
}

/** Projective (X:Y:Z) on bigints, the boundary form of the exported formula wrappers. */
interface Proj {
  X: bigint;
  Y: bigint;
  Z: bigint;
}

interface Affine {
  x: bigint;
  y: bigint;
}

/** Projective (X:Y:Z) on limbs, coordinates in point form (limbs ≤ 2·2^22). */
export interface ProjL {
  X: Limbs;
  Y: Limbs;
  Z: Limbs;
}

/** Affine (x, y) on limbs (limbs ≤ 2^22: reduced product outputs, their negations, or `toLimbs`). */
export interface AffineL {
  x: Limbs;
  y: Limbs;
}

/**
 * Temporaries of the point formulas, allocated once per multiplication (never shared between
 * calls); `wipeScratch` clears them after a multiplication that involved a secret.
 */
export interface Scratch {
  t0: Limbs;
  t1: Limbs;
  t2: Limbs;
  t3: Limbs;
  t4: Limbs;
  x3: Limbs;
  y3: Limbs;
  z3: Limbs;
}

export function newScratch(): Scratch {
  return {
    t0: newLimbs(),
    t1: newLimbs(),
    t2: newLimbs(),
    t3: newLimbs(),
    t4: newLimbs(),
    x3: newLimbs(),
    y3: newLimbs(),
    z3: newLimbs(),
  };
}

export function wipeScratch(s: Scratch): void {
  for (const limbs of [s.t0, s.t1, s.t2, s.t3, s.t4, s.x3, s.y3, s.z3]) limbs.fill(0);
}

/** The identity (0:1:0) on fresh limbs. */
export function projIdentityL(): ProjL {
  const Y = newLimbs();
  Y[0] = 1;
  return { X: newLimbs(), Y, Z: newLimbs() };
}

/** A noble point's projective coordinates on fresh limbs. */
export function projFromPoint(p: K1Point): ProjL {
  return { X: toLimbs(p.X), Y: toLimbs(p.Y), Z: toLimbs(p.Z) };
}

/** Limb coordinates → a noble point (reduced into [0, p); noble checks nothing here). */
export function projToPoint(p: ProjL): K1Point {
  return new secp256k1.Point(fromLimbs(p.X), fromLimbs(p.Y), fromLimbs(p.Z));
}

function wipeProj(p: ProjL): void {
  p.X.fill(0);
  p.Y.fill(0);
  p.Z.fill(0);
}

/** o = p (limb copies). */
export function copyProjL(p: ProjL, o: ProjL): ProjL {
  copyL(p.X, o.X);
  copyL(p.Y, o.Y);
  copyL(p.Z, o.Z);
  return o;
}

/** −p, sharing X and Z with p (read-only table entries). */
export function negateProjL(p: ProjL): ProjL {
  return { X: p.X, Y: negL(p.Y, newLimbs()), Z: p.Z };
}

/** φ(p) = (β·X : Y : Z), sharing Y and Z with p. */
export function endomorphismL(p: ProjL): ProjL {
  return { X: mul(p.X, BETA_LIMBS, newLimbs()), Y: p.Y, Z: p.Z };
}

/**
 * RCB Algorithm 8: o = (X1:Y1:Z1) + (x2, y2), complete for a = 0. `o` may be `p`: the result is
 * formed in the scratch and copied out. Bounds: p in point form (≤ 2U), q ≤ U.
 */
export function addMixedL(p: ProjL, q: AffineL, o: ProjL, s: Scratch): ProjL {
  const { X: X1, Y: Y1, Z: Z1 } = p;
  const { x: x2, y: y2 } = q;
  const { t0, t1, t3, t4, y3 } = s;
  mul(X1, x2, t0); // 2U·U
  mul(Y1, y2, t1);
  mul(addL(x2, y2, t3), addL(X1, Y1, t4), t3); // 2U·4U
  addL(t0, t1, t4);
  subL(t3, t4, t3); // 3U
  addL(mul(y2, Z1, t4), Y1, t4); // 3U
  addL(mul(x2, Z1, y3), X1, y3); // 3U
  return finishAddL(Z1, o, s);
}

/**
 * RCB Algorithm 7: o = (X1:Y1:Z1) + (X2:Y2:Z2), complete for a = 0; `o` may be `p` or `q`.
 * Bounds: both inputs in point form (≤ 2U).
 */
export function addProjL(p: ProjL, q: ProjL, o: ProjL, s: Scratch): ProjL {
  const { X: X1, Y: Y1, Z: Z1 } = p;
  const { X: X2, Y: Y2, Z: Z2 } = q;
  const { t0, t1, t2, t3, t4, x3, y3 } = s;
  mul(X1, X2, t0); // 2U·2U
  mul(Y1, Y2, t1);
  mul(Z1, Z2, t2);
  mul(addL(X1, Y1, t3), addL(X2, Y2, t4), t3); // 4U·4U
  addL(t0, t1, t4);
  subL(t3, t4, t3); // 3U
  mul(addL(Y1, Z1, t4), addL(Y2, Z2, x3), t4); // 4U·4U
  addL(t1, t2, x3);
  subL(t4, x3, t4); // 3U
  mul(addL(X1, Z1, x3), addL(X2, Z2, y3), x3); // 4U·4U
  addL(t0, t2, y3);
  subL(x3, y3, y3); // 3U
  return finishAddL(t2, o, s);
}

/**
 * The common end of RCB Algorithms 7 and 8, from the scratch both leave behind: t0 = X1·X2,
 * t1 = Y1·Y2, t3 = the X·Y cross term, t4 = the Y·Z cross term, y3 = the X·Z cross term (each
 * ≤ 3U), and `zProduct` = Z1·Z2 (Z1 for the mixed addition), read before `o` is written.
 */
function finishAddL(zProduct: Limbs, o: ProjL, s: Scratch): ProjL {
  const { t0, t1, t2, t3, t4, x3, y3, z3 } = s;
  addL(t0, t0, x3);
  addL(x3, t0, t0); // 3U
  mulSmall(zProduct, B3, t2);
  addL(t1, t2, z3); // 2U
  subL(t1, t2, t1); // 2U
  mulSmall(y3, B3, y3);
  mul(t4, y3, x3); // 3U·U
  mul(t3, t1, t2); // 3U·2U
  subL(t2, x3, o.X); // 2U
  mul(y3, t0, y3); // U·3U
  mul(t1, z3, t1); // 2U·2U
  addL(t1, y3, o.Y); // 2U
  mul(t0, t3, t0); // 3U·3U
  mul(z3, t4, z3); // 2U·3U
  addL(z3, t0, o.Z); // 2U
  return o;
}

/**
 * RCB Algorithm 9: o = 2·(X:Y:Z), exception-free for a = 0; `o` may be `p` (X, Y, Z are read
 * before any output is written, so no copy is needed). Input ≤ 2U.
 */
export function doubleL(p: ProjL, o: ProjL, s: Scratch): ProjL {
  const { X, Y, Z } = p;
  const { t0, t1, t2, t3, t4, x3 } = s;
  sqr(Y, t0); // 2U·2U
  mul(Y, Z, t1); // 2U·2U
  mulSmall(sqr(Z, t2), B3, t2);
  mul(X, Y, t3); // 2U·2U (Algorithm 9's late t1 = X·Y, taken early)
  scaleL(t0, 8, t4); // 8U
  mul(t2, t4, x3); // U·8U
  mul(t1, t4, o.Z); // U·8U
  addL(t0, t2, o.Y); // 2U
  addL(t2, t2, t1);
  addL(t1, t2, t2); // 3U
  subL(t0, t2, t0); // 4U
  mul(t0, o.Y, o.Y); // 4U·2U
  addL(o.Y, x3, o.Y); // 2U
  mul(t0, t3, x3); // 4U·U
  addL(x3, x3, o.X); // 2U
  return o;
}

/** Bigint boundary of the limb formulas (tests and callers holding bigint coordinates). */
const projToLimbs = (p: Proj): ProjL => ({ X: toLimbs(p.X), Y: toLimbs(p.Y), Z: toLimbs(p.Z) });
const projFromLimbs = (p: ProjL): Proj => ({ X: fromLimbs(p.X), Y: fromLimbs(p.Y), Z: fromLimbs(p.Z) });

/** RCB Algorithm 8 on bigint coordinates in [0, p) (converts to limbs and back). */
export function addMixed(p: Proj, q: Affine): Proj {
  const r = addMixedL(projToLimbs(p), { x: toLimbs(q.x), y: toLimbs(q.y) }, projIdentityL(), newScratch());
  return projFromLimbs(r);
}

/** RCB Algorithm 7 on bigint coordinates in [0, p) (converts to limbs and back). */
export function addProjective(p: Proj, q: Proj): Proj {
  return projFromLimbs(addProjL(projToLimbs(p), projToLimbs(q), projIdentityL(), newScratch()));
}

/** RCB Algorithm 9 on bigint coordinates in [0, p) (converts to limbs and back). */
export function doubleProjective(p: Proj): Proj {
  return projFromLimbs(doubleL(projToLimbs(p), projIdentityL(), newScratch()));
}

/** a·b mod p for field elements in [0, p), by folding (bigint; for one-off products). */
export function mulModP(a: bigint, b: bigint): bigint {
  return red(a * b);
}

export type { Affine, Proj };

let table: AffineL[][] | undefined;

/**
 * table[w][j] = (j + 1)·2^(W·w)·G in affine form on limbs; public, built on first use on limbs
 * (projective additions, then one batch inversion of all Z: Montgomery's trick).
 */
function baseTable(): AffineL[][] {
  if (table) return table;
  const scratch = newScratch();
  const points: ProjL[] = [];
  let base = projFromPoint(secp256k1.Point.BASE);
  for (let w = 0; w < WINDOWS; w++) {
    const acc = copyProjL(base, projIdentityL());
    for (let j = 0; j < HALF; j++) {
      points.push(copyProjL(acc, projIdentityL()));
      if (j < HALF - 1) addProjL(acc, base, acc, scratch);
    }
    base = doubleL(acc, projIdentityL(), scratch); // 2·(HALF·base) = 2^W·base
  }
  // prefix[i] = Z_0·…·Z_(i−1); none of these multiples of G is the identity, so no Z is 0.
  const prefix: Limbs[] = [];
  const product = toLimbs(1n);
  for (const p of points) {
    prefix.push(copyL(product, newLimbs()));
    mul(product, p.Z, product);
  }
  const inverse = invertL(product, newLimbs());
  const zInverse = newLimbs();
  const affine: AffineL[] = new Array(points.length);
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i] as ProjL;
    mul(inverse, prefix[i] as Limbs, zInverse);
    mul(inverse, p.Z, inverse);
    affine[i] = { x: mul(p.X, zInverse, newLimbs()), y: mul(p.Y, zInverse, newLimbs()) };
  }
  const rows: AffineL[][] = [];
  for (let w = 0; w < WINDOWS; w++) rows.push(affine.slice(w * HALF, (w + 1) * HALF));
  table = rows;
  return rows;
}

/**
 * k·G for a secret 1 ≤ k < n, blinded by `blind` (16 fresh secret random bytes, derived by the
 * caller from the same fresh input as k).
 */
export function baseMultiplySecretK1(k: bigint, blind: Uint8Array): K1Point {
  if (k <= 0n || k >= ORDER) throw new RangeError('baseMultiplySecretK1: scalar in [1, n) expected');
  if (blind.length !== BLIND_BITS / 8) throw new RangeError('baseMultiplySecretK1: 16 blinding bytes expected');
  let b = 0n;
  for (const byte of blind) b = (b << 8n) | BigInt(byte);
  b |= 1n << BigInt(BLIND_BITS - 1);
  let n = k + b * ORDER;
  const rows = baseTable();
  const acc = projIdentityL();
  const fake = projIdentityL();
  const negated: AffineL = { x: newLimbs(), y: newLimbs() };
  const scratch = newScratch();
  for (let w = 0; w < WINDOWS; w++) {
    const v = Number(n & MASK);
    n >>= BigInt(W);
    const carry = (v + HALF - 1) >> W; // 1 iff v > HALF
    const digit = v - (carry << W);
    n += BigInt(carry);
    const row = rows[w] as AffineL[];
    const index = (digit < 0 ? -digit : digit) - 1;
    let selected = row[0] as AffineL;
    for (let j = 1; j < HALF; j++) selected = j === index ? (row[j] as AffineL) : selected;
    copyL(selected.x, negated.x);
    negL(selected.y, negated.y);
    if (digit === 0) addMixedL(fake, selected, fake, scratch);
    else addMixedL(acc, digit < 0 ? negated : selected, acc, scratch);
  }
  if (n !== 0n) throw new Error('baseMultiplySecretK1: recoding did not cover the scalar');
  // Keep the throw-away additions observable, so no optimiser can drop them (never true).
  if (Number.isNaN(fake.Z[0])) throw new Error('unreachable');
  const out = projToPoint(acc);
  // The scratch limbs and the accumulators held partial sums of a secret multiple: clear them.
  wipeScratch(scratch);
  wipeProj(acc);
  wipeProj(fake);
  negated.x.fill(0);
  negated.y.fill(0);
  return out;
}

/**
 * k·G for a PUBLIC 0 ≤ k < 2^385 on the base table, in variable time, on limbs (zero digits are
 * skipped and the entry is read directly); the result stays on limbs for further formulas.
 */
export function baseMultiplyPublicProjK1(k: bigint): ProjL {
  if (k < 0n || k >= 1n << BigInt(256 + BLIND_BITS + 1))
    throw new RangeError('baseMultiplyPublicK1: scalar out of range');
  let n = k;
  const rows = baseTable();
  const acc = projIdentityL();
  const scratch = newScratch();
  const negated: AffineL = { x: newLimbs(), y: newLimbs() };
  for (let w = 0; w < WINDOWS && n !== 0n; w++) {
    const v = Number(n & MASK);
    n >>= BigInt(W);
    if (v === 0) continue;
    const negative = v > HALF;
    if (negative) n += 1n;
    const entry = (rows[w] as AffineL[])[(negative ? (1 << W) - v : v) - 1] as AffineL;
    if (negative) {
      negated.x = entry.x;
      negL(entry.y, negated.y);
    }
    addMixedL(acc, negative ? negated : entry, acc, scratch);
  }
  return acc;
}

/** k·G for a PUBLIC 0 ≤ k < 2^385 (the final-signature check), in variable time. */
export function baseMultiplyPublicK1(k: bigint): K1Point {
  return projToPoint(baseMultiplyPublicProjK1(k));
}

/**
 * Σ k_i·P_i for PUBLIC points (on limbs, point form) and PUBLIC non-negative scalars, in variable
 * time (Straus: width-5 wNAF digits from `digitsOf`, odd multiples P, 3P, …, 15P per point, one
 * shared doubling chain); the result stays on limbs.
 */
export function msmPublicProjK1(
  points: readonly ProjL[],
  scalars: readonly bigint[],
  digitsOf: (k: bigint) => Int8Array,
): ProjL {
  if (points.length !== scalars.length) throw new Error('msmPublicK1: one scalar per point expected');
  const scratch = newScratch();
  const tables = points.map((p) => {
    const twice = doubleL(p, projIdentityL(), scratch);
    const pos: ProjL[] = [p];
    for (let i = 1; i < 8; i++) pos.push(addProjL(pos[i - 1] as ProjL, twice, projIdentityL(), scratch));
    return { pos, neg: pos.map(negateProjL) };
  });
  const digits = scalars.map((k) => {
    if (k < 0n) throw new Error('msmPublicK1: non-negative scalars expected');
    return digitsOf(k);
  });
  const top = Math.max(0, ...digits.map((d) => d.length)) - 1;
  const acc = projIdentityL();
  let started = false;
  for (let i = top; i >= 0; i--) {
    if (started) doubleL(acc, acc, scratch);
    for (let j = 0; j < digits.length; j++) {
      const d = (digits[j] as Int8Array)[i];
      if (!d) continue;
      const t = tables[j] as { pos: ProjL[]; neg: ProjL[] };
      addProjL(acc, (d > 0 ? t.pos : t.neg)[(Math.abs(d) - 1) >> 1] as ProjL, acc, scratch);
      started = true;
    }
  }
  return acc;
}

/**
 * Σ k_i·P_i for PUBLIC points and PUBLIC non-negative scalars, in variable time (`msmPublicProjK1`
 * with noble points at the boundary).
 */
export function msmPublicK1(
  points: readonly K1Point[],
  scalars: readonly bigint[],
  digitsOf: (k: bigint) => Int8Array,
): K1Point {
  if (points.length !== scalars.length) throw new Error('msmPublicK1: one scalar per point expected');
  return projToPoint(msmPublicProjK1(points.map(projFromPoint), scalars, digitsOf));
}

/**
 * SEC 1 §2.3.4 decoding of a 33-byte compressed point (prefix 0x02 even y, 0x03 odd y, x < p,
 * x³ + 7 a square), for public encodings; throws like noble's `fromBytes` on the same inputs
 * (tested differentially), with a cheaper square root (libsecp256k1's chain on limbs).
 */
export function decodeCompressedK1(bytes: Uint8Array): K1Point {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 33) throw new Error('bad point: 33 bytes expected');
  const prefix = bytes[0];
  if (prefix !== 0x02 && prefix !== 0x03) throw new Error('bad point: compressed prefix expected');
  const x = bytesToNumberBE(bytes.subarray(1));
  if (x >= P) throw new Error('bad point: x is not canonical');
  const xl = toLimbs(x);
  const t = newLimbs();
  const rhs = mul(sqr(xl, t), xl, newLimbs()); // x³, ≤ U
  rhs[0] = (rhs[0] as number) + 7;
  const root = sqrtCandidateL(rhs, newLimbs());
  if (!equalL(sqr(root, t), rhs, t)) throw new Error('bad point: x is not on the curve');
  let y = fromLimbs(root);
  if ((y & 1n) !== BigInt(prefix & 1)) y = P - y;
  return new secp256k1.Point(x, y, 1n);
}

/**
 * Affine (x, y) of several points with ONE field inversion (Montgomery's simultaneous-inversion
 * trick: prefix products of the Z coordinates, one inverse, then back substitution), instead of one
 * inversion per point. Throws on the identity, which has no affine form; `what` names the caller in
 * that error. The coordinates are not secret here: the encodings are sent or stored.
 */
function affineMany(points: readonly K1Point[], what: string): Array<{ x: bigint; y: bigint }> {
  const count = points.length;
  if (count === 0) return [];
  const prefix: bigint[] = new Array(count);
  let acc = 1n;
  for (let i = 0; i < count; i++) {
    const z = (points[i] as K1Point).Z;
    if (z === 0n) throw new Error(`${what}: the identity has no encoding`);
    prefix[i] = acc;
    acc = red(acc * z);
  }
  // 1 / (Z_0 · … · Z_{count−1}) by the inversion chain on limbs (≈ 18 µs, noble's `inv` ≈ 21 µs);
  // the few products around it stay on bigints (converting each point to limbs costs as much).
  let inverse = fromLimbs(invertL(toLimbs(acc), newLimbs()));
  const out: Array<{ x: bigint; y: bigint }> = new Array(count);
  for (let i = count - 1; i >= 0; i--) {
    const point = points[i] as K1Point;
    const zInverse = red(inverse * (prefix[i] as bigint));
    inverse = red(inverse * point.Z);
    out[i] = { x: red(point.X * zInverse), y: red(point.Y * zInverse) };
  }
  return out;
}

/** SEC 1 §2.3.3 compressed encodings of several points with one field inversion (see affineMany). */
export function encodeCompressedManyK1(points: readonly K1Point[]): Uint8Array[] {
  return affineMany(points, 'encodeCompressedManyK1').map(({ x, y }) => compressedEncoding(x, (y & 1n) === 1n));
}

/** SEC 1 §2.3.3 uncompressed encodings (0x04 ‖ x ‖ y) of several points with one field inversion. */
export function encodeUncompressedManyK1(points: readonly K1Point[]): Uint8Array[] {
  return affineMany(points, 'encodeUncompressedManyK1').map(({ x, y }) => {
    const bytes = new Uint8Array(65);
    bytes[0] = 0x04;
    bytes.set(numberToBytesBE(x, 32), 1);
    bytes.set(numberToBytesBE(y, 32), 33);
    return bytes;
  });
}

/** SEC 1 §2.3.3 compressed encoding of the point with x-coordinate `x` and a y of the given parity. */
export function compressedEncoding(x: bigint, yOdd: boolean): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes[0] = yOdd ? 0x03 : 0x02;
  bytes.set(numberToBytesBE(x, 32), 1);
  return bytes;
}

/**
 * u1·G + u2·Q for PUBLIC scalars in [0, n) and a public point Q, on limbs, in variable time: u1·G on
 * the base table, u2·Q split with the GLV endomorphism into two 128-bit halves evaluated by Straus
 * with one chain of 128 doublings. The shared core of ECDSA verification and public-key recovery.
 */
export function doubleBaseMultiplyPublicProjK1(u1: bigint, u2: bigint, point: K1Point): ProjL {
  const { k1neg, k1, k2neg, k2 } = _splitEndoScalar(u2, GLV_BASIS, ORDER);
  const q = projFromPoint(point);
  const phi = endomorphismL(q);
  const sum = msmPublicProjK1([k1neg ? negateProjL(q) : q, k2neg ? negateProjL(phi) : phi], [k1, k2], wnaf);
  return addProjL(sum, baseMultiplyPublicProjK1(u1), sum, newScratch());
}
