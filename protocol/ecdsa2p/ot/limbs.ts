/**
 * Arithmetic mod n on 256-bit values held as 8 big-endian 32-bit words (word 0 most significant).
 * Used for Alice's per-row masking ã_j = v0_j − v1_j + α (DKLs23 Protocol 5.2), where BigInt would
 * allocate several temporaries per value; it is also branch-free in the data (masks, not `if`).
 */
import { N } from './scalar.js';

const TWO_32 = 4294967296;

/** n as 8 big-endian words. */
export const N_WORDS: Uint32Array = (() => {
  const out = new Uint32Array(8);
  for (let k = 0; k < 8; k++) out[k] = Number((N >> BigInt(32 * (7 - k))) & 0xffffffffn);
  return out;
})();

/** out = a − b (8 words each, at the given offsets); returns the final borrow (0 or 1). */
function sub(a: Uint32Array, ao: number, b: Uint32Array, bo: number, out: Uint32Array, oo: number): number {
  let borrow = 0;
  for (let k = 7; k >= 0; k--) {
    const d = (a[ao + k] as number) - (b[bo + k] as number) - borrow;
    const low = d >>> 0; // d + 2^32 when d < 0
    borrow = (low - d) / TWO_32; // 1 when d < 0, else 0, without a comparison
    out[oo + k] = low;
  }
  return borrow;
}

/** out = a + b; returns the final carry (0 or 1). */
function add(a: Uint32Array, ao: number, b: Uint32Array, bo: number, out: Uint32Array, oo: number): number {
  let carry = 0;
  for (let k = 7; k >= 0; k--) {
    const s = (a[ao + k] as number) + (b[bo + k] as number) + carry;
    const low = s >>> 0;
    carry = (s - low) / TWO_32;
    out[oo + k] = low;
  }
  return carry;
}

/** out = mask ? a : b, word by word (mask is 0 or 0xffffffff). */
function select(
  mask: number,
  a: Uint32Array,
  ao: number,
  b: Uint32Array,
  bo: number,
  out: Uint32Array,
  oo: number,
): void {
  for (let k = 0; k < 8; k++) out[oo + k] = ((a[ao + k] as number) & mask) | ((b[bo + k] as number) & ~mask);
}

// Scratch space: every function here is synchronous and finishes before it returns.
const scratch = new Uint32Array(8);
const withN = new Uint32Array(8);
const bytes = new DataView(new ArrayBuffer(32));

/** x mod n for x < 2^256 < 2n (one conditional subtraction), in place. */
export function reduceOnce(x: Uint32Array, xo: number): void {
  const borrow = sub(x, xo, N_WORDS, 0, scratch, 0);
  select(-(borrow ^ 1) | 0, scratch, 0, x, xo, x, xo);
}

/** out = (a − b + c) mod n for a, b, c in [0, n). */
export function subAddModN(
  a: Uint32Array,
  ao: number,
  b: Uint32Array,
  bo: number,
  c: Uint32Array,
  co: number,
  out: Uint32Array,
  oo: number,
): void {
  // d = a − b, plus n when it borrowed: d ∈ [0, n).
  const borrow = sub(a, ao, b, bo, out, oo);
  add(out, oo, N_WORDS, 0, withN, 0);
  select(-borrow | 0, withN, 0, out, oo, out, oo);
  // e = d + c ∈ [0, 2n); subtract n when it carried out of 256 bits or is ≥ n.
  const carry = add(out, oo, c, co, out, oo);
  const under = sub(out, oo, N_WORDS, 0, withN, 0);
  select(-(carry | (under ^ 1)) | 0, withN, 0, out, oo, out, oo);
}

/** out = (a + b) mod n for a, b in [0, n). */
export function addModN(a: Uint32Array, ao: number, b: Uint32Array, bo: number, out: Uint32Array, oo: number): void {
  const carry = add(a, ao, b, bo, out, oo);
  const under = sub(out, oo, N_WORDS, 0, withN, 0);
  select(-(carry | (under ^ 1)) | 0, withN, 0, out, oo, out, oo);
}

/** out = bit ? a : b for a bit 0 or 1, through a mask rather than a branch. */
export function selectWords(
  bit: number,
  a: Uint32Array,
  ao: number,
  b: Uint32Array,
  bo: number,
  out: Uint32Array,
  oo: number,
): void {
  select(-bit | 0, a, ao, b, bo, out, oo);
}

/** True when the 8 words at `offset` encode a value below n. */
export function isBelowN(x: Uint32Array, offset: number): boolean {
  return sub(x, offset, N_WORDS, 0, scratch, 0) === 1;
}

/** The 8 words at `offset` as a BigInt (through four 64-bit reads, the fastest path measured). */
export function wordsToBigInt(w: Uint32Array, offset: number): bigint {
  for (let k = 0; k < 8; k++) bytes.setUint32(4 * k, w[offset + k] as number, false);
  return (
    (bytes.getBigUint64(0) << 192n) |
    (bytes.getBigUint64(8) << 128n) |
    (bytes.getBigUint64(16) << 64n) |
    bytes.getBigUint64(24)
  );
}

/** Writes x (< 2^256) as 8 big-endian words at `offset`. */
export function bigIntToWords(x: bigint, out: Uint32Array, offset: number): void {
  for (let k = 7; k >= 0; k--) {
    out[offset + k] = Number(x & 0xffffffffn);
    x >>= 32n;
  }
}
