/**
 * Constant-time, blinded k·G on edwards25519 for SECRET k (our signing nonces), on the arithmetic of
 * ed25519-vartime.ts, about twice as fast as noble's `Point.BASE.multiply`, with the same defences:
 *
 * - Blinding (as noble does for its base point): n = k + b·L with a fresh 128-bit b whose top bit is
 *   set, so the digits processed are re-randomised on every call and n·G = k·G (L·G = O).
 * - Fixed operation sequence: n < 2^381 is recoded into a fixed number of signed 7-bit windows
 *   (digits in [−64, 64]); every window costs one table scan of all 64 entries (the selected entry
 *   is not used as an address), both signs of the entry are formed, and exactly one addition is
 *   made, to the real accumulator or, for a zero digit, to a throw-away one. No doublings: the
 *   table holds j·2^(7w)·G for every window w (built once, public data: 56 × 64 affine points).
 * The field arithmetic is float64 limb arithmetic (ed25519-limbs.ts: a fixed sequence of float
 * operations, no data-dependent branches or indices) with bigint conversions at the ends; as
 * everywhere in JavaScript, neither is guaranteed constant-time by the engine, so like noble this is
 * best effort on top of a data-independent operation sequence. Scratch limbs and accumulators are
 * zeroed after each secret multiplication.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '../bytes.js';
import {
  addCached,
  type Cached,
  cache,
  cacheAffineMany,
  copyExt,
  double,
  type Ext,
  extFromPoint,
  extIdentity,
  extToPoint,
  negateCached,
  newScratch,
  wipeScratch,
} from './ed25519-vartime.js';

type EdPoint = InstanceType<typeof ed25519.Point>;

const L = ed25519.Point.Fn.ORDER;
const W = 7;
const HALF = 1 << (W - 1);
const MASK = BigInt((1 << W) - 1);
const BLIND_BITS = 128;
/** Windows for n < 2^(253 + 128), plus one for the final carry of the signed recoding. */
const WINDOWS = Math.ceil((253 + BLIND_BITS) / W) + 1;

let table: Cached[][] | undefined;

/**
 * table[w][j] = (j + 1)·2^(W·w)·G in affine cached form (one shared inversion); public, built on
 * first use (56 × 64 points, a few milliseconds). Affine entries make each addition 7 products
 * instead of 8, and 7-bit windows need 56 additions per multiplication instead of 65 with 6 bits.
 */
function baseTable(): Cached[][] {
  if (table) return table;
  const scratch = newScratch();
  const points: Ext[] = [];
  let base = extFromPoint(ed25519.Point.BASE);
  for (let w = 0; w < WINDOWS; w++) {
    const step = cache(base);
    const acc = copyExt(base);
    for (let j = 0; j < HALF; j++) {
      points.push(copyExt(acc));
      if (j < HALF - 1) addCached(acc, step, acc, scratch);
    }
    base = double(acc, acc, scratch); // 2·(HALF·base) = 2^W·base
  }
  const cached = cacheAffineMany(points);
  const built: Cached[][] = [];
  for (let w = 0; w < WINDOWS; w++) built.push(cached.slice(w * HALF, (w + 1) * HALF));
  table = built;
  return built;
}

/**
 * k·G for a secret 1 ≤ k < L, blinded by `blind` (16 fresh secret random bytes: the caller derives
 * them from the same fresh randomness as k).
 */
export function baseMultiplySecret(k: bigint, blind: Uint8Array): EdPoint {
  if (k <= 0n || k >= L) throw new RangeError('baseMultiplySecret: scalar in [1, L) expected');
  if (blind.length !== BLIND_BITS / 8) throw new RangeError('baseMultiplySecret: 16 blinding bytes expected');
  let b = 0n;
  for (const byte of blind) b = (b << 8n) | BigInt(byte);
  b |= 1n << BigInt(BLIND_BITS - 1); // b ≥ 2^127: the blind is always full width
  let n = k + b * L;
  const rows = baseTable();
  const acc = extIdentity();
  const fake = extIdentity();
  const scratch = newScratch();
  for (let w = 0; w < WINDOWS; w++) {
    const v = Number(n & MASK);
    n >>= BigInt(W);
    const carry = (v + HALF - 1) >> W; // 1 iff v > HALF: digit v − 2^W, carry into the next window
    const digit = v - (carry << W);
    n += BigInt(carry);
    const row = rows[w] as Cached[];
    const index = (digit < 0 ? -digit : digit) - 1; // −1 for a zero digit: selects nothing
    let selected = row[0] as Cached;
    for (let j = 1; j < HALF; j++) selected = j === index ? (row[j] as Cached) : selected;
    const negated = negateCached(selected);
    if (digit === 0) addCached(fake, selected, fake, scratch);
    else addCached(acc, digit < 0 ? negated : selected, acc, scratch);
  }
  if (n !== 0n) throw new Error('baseMultiplySecret: recoding did not cover the scalar');
  // Keep the throw-away additions observable, so no optimiser can drop them (never true).
  if (Number.isNaN(fake.Z[0])) throw new Error('unreachable');
  const out = extToPoint(acc);
  // The scratch limbs and the accumulators held partial sums of a secret multiple: clear them.
  wipeScratch(scratch);
  for (const p of [acc, fake]) for (const limbs of [p.X, p.Y, p.Z, p.T]) limbs.fill(0);
  return out;
}

/**
 * k·G for a PUBLIC 0 ≤ k < 2^381 (the final-signature check), on the same table, in variable time:
 * zero digits are skipped and the entry is read directly. No blinding (nothing to hide).
 */
export function baseMultiplyPublic(k: bigint): EdPoint {
  if (k < 0n || k >= 1n << BigInt(253 + BLIND_BITS)) throw new RangeError('baseMultiplyPublic: scalar out of range');
  let n = k;
  const rows = baseTable();
  const acc = extIdentity();
  const scratch = newScratch();
  for (let w = 0; w < WINDOWS && n !== 0n; w++) {
    const v = Number(n & MASK);
    n >>= BigInt(W);
    if (v === 0) continue;
    const negative = v > HALF;
    if (negative) n += 1n;
    const entry = (rows[w] as Cached[])[(negative ? (1 << W) - v : v) - 1] as Cached;
    addCached(acc, negative ? negateCached(entry) : entry, acc, scratch);
  }
  return extToPoint(acc);
}

/**
 * A blinding factor for `baseMultiplySecret` from fresh secret input `seed` (e.g. the random bytes a
 * nonce is derived from): 16 bytes of SHA-512(tag ‖ purpose ‖ seed), as unpredictable as the seed
 * and independent of anything else derived from it.
 */
export function blindFromSeed(purpose: string, seed: Uint8Array): Uint8Array {
  return sha512(concatBytes(utf8ToBytes(`tandem/frost/v1/ed25519-base-blind/${purpose}`), seed)).subarray(0, 16);
}
