/**
 * Bulk hex and scalar codecs for the OT layer's large messages (≈ 50 KB per RVOLE message). The
 * shared `fromHex`/`isHex` in protocol/bytes.ts validate with a regular expression and then decode,
 * which profiling showed to be a fifth of an RVOLE run; these validate while decoding, in one pass.
 * Only lower-case hex is accepted, exactly like `isHex`.
 */

/** Nibble value per char code ('0'–'9', 'a'–'f'), −1 otherwise (upper case is rejected). */
const NIBBLE = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) NIBBLE[48 + c] = c;
for (let c = 0; c < 6; c++) NIBBLE[97 + c] = 10 + c;

/**
 * Decodes `hex` (exactly 2·`length` lower-case hex chars) into `out[offset, offset + length)`.
 * Returns false, leaving `out` partly written, on a wrong length or any other character.
 */
export function decodeHexInto(hex: unknown, length: number, out: Uint8Array, offset: number): boolean {
  if (typeof hex !== 'string' || hex.length !== 2 * length) return false;
  let bad = 0;
  for (let i = 0; i < length; i++) {
    const a = hex.charCodeAt(2 * i);
    const b = hex.charCodeAt(2 * i + 1);
    const hi = a < 256 ? (NIBBLE[a] as number) : -1;
    const lo = b < 256 ? (NIBBLE[b] as number) : -1;
    bad |= hi | lo;
    out[offset + i] = (hi << 4) | (lo & 15);
  }
  return bad >= 0;
}

/** Decodes exactly `length` bytes of lower-case hex, or returns undefined. */
export function decodeHex(hex: unknown, length: number): Uint8Array | undefined {
  const out = new Uint8Array(length);
  return decodeHexInto(hex, length, out, 0) ? out : undefined;
}

const MASK_64 = (1n << 64n) - 1n;

/** Writes a scalar (0 ≤ x < 2^256) as 32 big-endian bytes at `offset`. */
export function writeScalar(view: DataView, offset: number, x: bigint): void {
  view.setBigUint64(offset, x >> 192n);
  view.setBigUint64(offset + 8, (x >> 128n) & MASK_64);
  view.setBigUint64(offset + 16, (x >> 64n) & MASK_64);
  view.setBigUint64(offset + 24, x & MASK_64);
}

/** Reads 32 big-endian bytes at `offset` as an integer in [0, 2^256). */
export function readScalar(view: DataView, offset: number): bigint {
  return (
    (view.getBigUint64(offset) << 192n) |
    (view.getBigUint64(offset + 8) << 128n) |
    (view.getBigUint64(offset + 16) << 64n) |
    view.getBigUint64(offset + 24)
  );
}
