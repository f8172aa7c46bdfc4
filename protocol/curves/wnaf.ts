/** Digit width of the recoding: odd digits up to ±15, so tables of 8 odd multiples per point. */
const WINDOW = 5;

/**
 * Width-W non-adjacent form, least significant digit first: digits are 0 or odd in
 * (−2^(W−1), 2^(W−1)), and k = Σ digit_i·2^i. Works on the binary string with plain numbers.
 */
export function wnaf(k: bigint): Int8Array {
  const bits = k.toString(2);
  const n = bits.length;
  const bit = (i: number) => (i < n ? (bits.charCodeAt(n - 1 - i) === 49 ? 1 : 0) : 0);
  const digits = new Int8Array(n + 1);
  const full = 1 << WINDOW;
  let carry = 0;
  for (let i = 0; i <= n; ) {
    if (((bit(i) + carry) & 1) === 0) {
      carry = (bit(i) + carry) >> 1;
      i++;
      continue;
    }
    let v = carry;
    for (let j = 0; j < WINDOW; j++) v += bit(i + j) << j;
    let d = v & (full - 1);
    if (d >= full >> 1) d -= full;
    digits[i] = d;
    carry = (v - d) >> WINDOW;
    i += WINDOW;
  }
  return digits;
}
