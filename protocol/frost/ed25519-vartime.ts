/**
 * Variable-time edwards25519 arithmetic for PUBLIC points and PUBLIC scalars only: strict decoding,
 * batch encoding, and k·P / Σ k_i·P_i (both signers' binding commitments times their binding
 * factors, and the final-signature check). Secrets never come here: they go through the blinded
 * constant-time base multiplication of ed25519-base.ts, which reuses the point formulas below.
 *
 * Why not noble's `multiplyUnsafe`/`mulAddUnsafe`: every field product there is a bigint division
 * (`%`) and every point operation builds a range-checked frozen Point. Here the point formulas run
 * on float64 limbs (ed25519-limbs.ts: straight-line float arithmetic, no bigint allocation, about
 * twice as fast as bigint products with folded reduction), updating the accumulator in place;
 * additions use the precomputed "cached" form of ref10 / Hisil–Wong–Carter–Dawson
 * (add-2008-hwcd-3 for a = −1: 8 products), the recoding is width-5 wNAF on plain numbers, and
 * results go back into noble Points (bigints) only at the end. Same results as noble (tested
 * differentially).
 *
 * Formulas (extended coordinates x = X/Z, y = Y/Z, x·y = T/Z, curve −x² + y² = 1 + d·x²·y²):
 *   doubling dbl-2008-hwcd: A = X², B = Y², C = 2Z², E = (X+Y)² − A − B, G = B − A, F = G − C,
 *     H = −A − B; X' = E·F, Y' = G·H, T' = E·H, Z' = F·G.
 *   addition add-2008-hwcd-3 with Q cached as (Y+X, Y−X, 2d·T, 2Z): A = (Y1−X1)(Y2−X2),
 *     B = (Y1+X1)(Y2+X2), C = T1·2dT2, D = Z1·2Z2, E = B − A, F = D − C, G = D + C, H = B + A;
 *     X' = E·F, Y' = G·H, T' = E·H, Z' = F·G. Both are complete on edwards25519 (d not a square).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { wnaf } from '../curves/wnaf.js';
import { P, red, sqrtRatio, sub } from './ed25519-field.js';
import {
  addL,
  dblL,
  fromLimbs,
  invert as invertLimbs,
  type Limbs,
  mul,
  negL,
  negSubL,
  newLimbs,
  sqr,
  subL,
  toLimbs,
} from './ed25519-limbs.js';

type EdPoint = InstanceType<typeof ed25519.Point>;

/** Extended coordinates on float64 limbs (ed25519-limbs.ts). */
export interface Ext {
  X: Limbs;
  Y: Limbs;
  Z: Limbs;
  T: Limbs;
}

/**
 * A point prepared for additions (ref10's "cached" form): Y+X, Y−X, 2d·T, 2Z, or, for an affine
 * point (Z = 1, the base-point table), `z2` null and the product Z1·2Z2 becomes a doubling.
 * `negT2d` (−2d·T), when present, lets `negateCached` allocate nothing.
 */
export interface Cached {
  yPlusX: Limbs;
  yMinusX: Limbs;
  t2d: Limbs;
  z2: Limbs | null;
  negT2d?: Limbs;
}

/**
 * Temporaries of the point formulas, allocated once per multiplication (never shared between
 * calls); `wipeScratch` clears them after a multiplication that involved a secret.
 */
export interface Scratch {
  a: Limbs;
  b: Limbs;
  c: Limbs;
  d: Limbs;
  e: Limbs;
  f: Limbs;
  g: Limbs;
  h: Limbs;
}

export function newScratch(): Scratch {
  return {
    a: newLimbs(),
    b: newLimbs(),
    c: newLimbs(),
    d: newLimbs(),
    e: newLimbs(),
    f: newLimbs(),
    g: newLimbs(),
    h: newLimbs(),
  };
}

export function wipeScratch(s: Scratch): void {
  for (const limbs of Object.values(s)) limbs.fill(0);
}

const D2 = toLimbs(red(2n * ed25519.Point.CURVE().d));
const WINDOW = 5;

/** A fresh identity (0 : 1 : 1 : 0). */
export function extIdentity(): Ext {
  return { X: newLimbs(), Y: toLimbs(1n), Z: toLimbs(1n), T: newLimbs() };
}

/**
 * o = 2p (o may be p). T' (one product) only when the caller needs it next (an addition, or the
 * result); otherwise o.T is left stale, and doubling never reads T.
 */
export function double(p: Ext, o: Ext, s: Scratch, withT = true): Ext {
  sqr(p.X, s.a); // A = X²
  sqr(p.Y, s.b); // B = Y²
  dblL(sqr(p.Z, s.c), s.c); // C = 2Z²
  sqr(addL(p.X, p.Y, s.e), s.e);
  subL(subL(s.e, s.a, s.e), s.b, s.e); // E = (X + Y)² − A − B
  subL(s.b, s.a, s.g); // G = B − A
  subL(s.g, s.c, s.f); // F = G − C
  negSubL(s.a, s.b, s.h); // H = −A − B
  mul(s.e, s.f, o.X);
  mul(s.g, s.h, o.Y);
  mul(s.f, s.g, o.Z);
  if (withT) mul(s.e, s.h, o.T);
  return o;
}

/** o = p + q for q in cached form (o may be p). */
export function addCached(p: Ext, q: Cached, o: Ext, s: Scratch): Ext {
  mul(subL(p.Y, p.X, s.a), q.yMinusX, s.a); // A
  mul(addL(p.Y, p.X, s.b), q.yPlusX, s.b); // B
  mul(p.T, q.t2d, s.c); // C
  if (q.z2)
    mul(p.Z, q.z2, s.d); // D = Z1·2Z2
  else dblL(p.Z, s.d); // affine q: D = 2·Z1
  subL(s.b, s.a, s.e); // E = B − A
  subL(s.d, s.c, s.f); // F = D − C
  addL(s.d, s.c, s.g); // G = D + C
  addL(s.b, s.a, s.h); // H = B + A
  mul(s.e, s.f, o.X);
  mul(s.g, s.h, o.Y);
  mul(s.f, s.g, o.Z);
  mul(s.e, s.h, o.T);
  return o;
}

export function cache(p: Ext): Cached {
  return {
    yPlusX: addL(p.Y, p.X, newLimbs()),
    yMinusX: subL(p.Y, p.X, newLimbs()),
    t2d: mul(p.T, D2, newLimbs()),
    z2: dblL(p.Z, newLimbs()),
  };
}

/** −Q in cached form: (x, y) → (−x, y) swaps Y+X and Y−X and negates T. */
export function negateCached(q: Cached): Cached {
  const t2d = q.negT2d ?? negL(q.t2d, newLimbs());
  return { yPlusX: q.yMinusX, yMinusX: q.yPlusX, t2d, z2: q.z2, negT2d: q.t2d };
}

/**
 * Affine cached forms (z2 null, negT2d set) of many points with one field inversion (Montgomery's
 * trick on the Z coordinates), for precomputed tables.
 */
export function cacheAffineMany(points: readonly Ext[]): Cached[] {
  const prefix: Limbs[] = [];
  let product = toLimbs(1n);
  for (const p of points) {
    product = mul(product, p.Z, newLimbs());
    prefix.push(product);
  }
  const inverse = toLimbs(invertLimbs(fromLimbs(product)));
  const out: Cached[] = new Array(points.length);
  const iz = newLimbs();
  const x = newLimbs();
  const y = newLimbs();
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i] as Ext;
    if (i === 0) for (let j = 0; j < inverse.length; j++) iz[j] = inverse[j] as number;
    else mul(inverse, prefix[i - 1] as Limbs, iz);
    mul(inverse, p.Z, inverse);
    mul(p.X, iz, x);
    mul(p.Y, iz, y);
    const t2d = mul(mul(x, y, newLimbs()), D2, newLimbs());
    out[i] = {
      yPlusX: addL(y, x, newLimbs()),
      yMinusX: subL(y, x, newLimbs()),
      t2d,
      z2: null,
      negT2d: negL(t2d, newLimbs()),
    };
  }
  return out;
}

export function copyExt(p: Ext): Ext {
  return { X: p.X.slice(), Y: p.Y.slice(), Z: p.Z.slice(), T: p.T.slice() };
}

/** Odd multiples P, 3P, …, (2^(W−1) − 1)P in cached form, each with its negation. */
function oddMultiples(p: Ext, s: Scratch): { pos: Cached[]; neg: Cached[] } {
  const twice = cache(double(p, extIdentity(), s));
  const pos: Cached[] = [cache(p)];
  const acc = copyExt(p);
  for (let i = 1; i < 1 << (WINDOW - 2); i++) pos.push(cache(addCached(acc, twice, acc, s)));
  return { pos, neg: pos.map(negateCached) };
}

const D = ed25519.Point.CURVE().d;

/**
 * RFC 8032 §5.1.3 decoding with noble's strict (not ZIP-215) rules, for public encodings: y < p,
 * x recovered as √((y² − 1)/(d·y² + 1)) (d·y² + 1 is never 0: d is not a square), and x = 0 with
 * the sign bit set rejected. Throws like `ed25519.Point.fromBytes` (same accepted set, same point:
 * tested differentially); cheaper because the exponentiation uses the folded reduction.
 */
export function decodePublic(bytes: Uint8Array): EdPoint {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) throw new Error('bad point: 32 bytes expected');
  const last = bytes[31] as number;
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? last & 0x7f : (bytes[i] as number));
  if (y >= P) throw new Error('bad point: y is not canonical');
  const y2 = red(y * y);
  let x = sqrtRatio(sub(y2, 1n), red(D * y2 + 1n));
  if (x === undefined) throw new Error('bad point: invalid y coordinate');
  const signBit = (last & 0x80) !== 0;
  if (x === 0n && signBit) throw new Error('bad point: x=0 and x_0=1');
  if (((x & 1n) === 1n) !== signBit) x = P - x;
  return ed25519.Point.fromAffine({ x, y });
}

/**
 * RFC 8032 encodings of several points with one field inversion (Montgomery's trick: invert the
 * product of the Z coordinates, then peel off each 1/Z with two products; the inversion on limbs,
 * ed25519-limbs.ts). Same bytes as `toBytes()`, which spends one noble inversion per point.
 */
export function encodeMany(points: readonly EdPoint[]): Uint8Array[] {
  const prefix: bigint[] = [];
  let product = 1n;
  for (const p of points) {
    product = red(product * p.Z);
    prefix.push(product);
  }
  let inverse = points.length === 0 ? 1n : invertLimbs(product);
  const out: Uint8Array[] = new Array(points.length);
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i] as EdPoint;
    const iz = i === 0 ? inverse : red(inverse * (prefix[i - 1] as bigint));
    inverse = red(inverse * p.Z);
    const x = red(p.X * iz);
    let y = red(p.Y * iz);
    const bytes = new Uint8Array(32);
    for (let j = 0; j < 32; j++, y >>= 8n) bytes[j] = Number(y & 255n);
    if ((x & 1n) === 1n) bytes[31] = (bytes[31] as number) | 0x80;
    out[i] = bytes;
  }
  return out;
}

export function extFromPoint(p: EdPoint): Ext {
  return { X: toLimbs(p.X), Y: toLimbs(p.Y), Z: toLimbs(p.Z), T: toLimbs(p.T) };
}

export function extToPoint(p: Ext): EdPoint {
  return new ed25519.Point(fromLimbs(p.X), fromLimbs(p.Y), fromLimbs(p.Z), fromLimbs(p.T));
}

/** Σ k_i·P_i for public points and public non-negative scalars (Straus: one shared doubling chain). */
export function msmPublic(points: readonly EdPoint[], scalars: readonly bigint[]): EdPoint {
  if (points.length !== scalars.length) throw new Error('msmPublic: one scalar per point expected');
  const s = newScratch();
  const tables = points.map((p) => oddMultiples(extFromPoint(p), s));
  const digits = scalars.map((k) => {
    if (k < 0n) throw new Error('msmPublic: non-negative scalars expected');
    return wnaf(k);
  });
  const top = Math.max(0, ...digits.map((d) => d.length)) - 1;
  const acc = extIdentity();
  let started = false; // acc is still the identity: skip its doublings
  for (let i = top; i >= 0; i--) {
    // Doubling reads only X, Y, Z; T is needed before an addition and in the result.
    if (started) double(acc, acc, s, i === 0 || digits.some((d) => !!d[i]));
    for (let j = 0; j < digits.length; j++) {
      const d = (digits[j] as Int8Array)[i];
      if (!d) continue;
      const table = tables[j] as { pos: Cached[]; neg: Cached[] };
      addCached(acc, (d > 0 ? table.pos : table.neg)[(Math.abs(d) - 1) >> 1] as Cached, acc, s);
      started = true;
    }
  }
  return extToPoint(acc);
}

/** k·P for a public point and a public scalar. */
export function multiplyPublic(point: EdPoint, k: bigint): EdPoint {
  return msmPublic([point], [k]);
}
