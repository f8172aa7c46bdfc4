/**
 * GF(2^128) arithmetic for the OT-extension consistency check (KOS15 revised, Fig. 10; SoftSpokenOT
 * with k = 1). Elements are 4 little-endian 32-bit words; bit k of the element (word k>>>5, bit k&31)
 * is the coefficient of X^k, and the modulus is X^128 + X^7 + X^2 + X + 1 (the GCM polynomial, in
 * plain rather than GCM's reflected bit order).
 *
 * Everything is branch-free in the data: multiplications use masks, not conditionals, because one
 * operand is the sender's secret Δ or the receiver's secret rows.
 */

/** Reduces a 256-bit carry-less product (8 words) modulo X^128 + X^7 + X^2 + X + 1. */
export function gfReduce(acc: Uint32Array): Uint32Array {
  const h0 = acc[4] as number;
  const h1 = acc[5] as number;
  const h2 = acc[6] as number;
  const h3 = acc[7] as number;
  // X^128 ≡ 1 + X + X^2 + X^7: add hi·(1 + X + X^2 + X^7); the shifted words spill ≤ 7 bits past X^127.
  let r0 = (acc[0] as number) ^ h0 ^ (h0 << 1) ^ (h0 << 2) ^ (h0 << 7);
  const r1 =
    (acc[1] as number) ^ h1 ^ ((h1 << 1) | (h0 >>> 31)) ^ ((h1 << 2) | (h0 >>> 30)) ^ ((h1 << 7) | (h0 >>> 25));
  const r2 =
    (acc[2] as number) ^ h2 ^ ((h2 << 1) | (h1 >>> 31)) ^ ((h2 << 2) | (h1 >>> 30)) ^ ((h2 << 7) | (h1 >>> 25));
  const r3 =
    (acc[3] as number) ^ h3 ^ ((h3 << 1) | (h2 >>> 31)) ^ ((h3 << 2) | (h2 >>> 30)) ^ ((h3 << 7) | (h2 >>> 25));
  // The spilled bits (degrees 128..134) fold once more; the result stays below X^14.
  const spill = (h3 >>> 31) ^ (h3 >>> 30) ^ (h3 >>> 25);
  r0 ^= spill ^ (spill << 1) ^ (spill << 2) ^ (spill << 7);
  return Uint32Array.of(r0, r1, r2, r3);
}

/** acc (8 words) ^= value (4 words) · X^shift, for 0 ≤ shift < 128. */
export function xorShiftedInto(acc: Uint32Array, value: Uint32Array, shift: number): void {
  const wordShift = shift >>> 5;
  const bitShift = shift & 31;
  if (bitShift === 0) {
    for (let k = 0; k < 4; k++) acc[k + wordShift] = (acc[k + wordShift] as number) ^ (value[k] as number);
    return;
  }
  let carry = 0;
  for (let k = 0; k < 4; k++) {
    const w = value[k] as number;
    acc[k + wordShift] = (acc[k + wordShift] as number) ^ ((w << bitShift) | carry);
    carry = w >>> (32 - bitShift);
  }
  acc[4 + wordShift] = (acc[4 + wordShift] as number) ^ carry;
}

/** a · b in GF(2^128); constant sequence of operations for every value of `b`. */
export function gfMul(a: Uint32Array, b: Uint32Array): Uint32Array {
  const acc = new Uint32Array(8);
  const masked = new Uint32Array(4);
  for (let i = 0; i < 128; i++) {
    const mask = -(((b[i >>> 5] as number) >>> (i & 31)) & 1) | 0;
    masked[0] = (a[0] as number) & mask;
    masked[1] = (a[1] as number) & mask;
    masked[2] = (a[2] as number) & mask;
    masked[3] = (a[3] as number) & mask;
    xorShiftedInto(acc, masked, i);
  }
  return gfReduce(acc);
}

/** Reads 16 bytes (little-endian words) into a field element. */
export function gfFromBytes(bytes: Uint8Array, offset = 0): Uint32Array {
  const out = new Uint32Array(4);
  for (let k = 0; k < 4; k++) {
    const o = offset + 4 * k;
    out[k] =
      ((bytes[o] as number) |
        ((bytes[o + 1] as number) << 8) |
        ((bytes[o + 2] as number) << 16) |
        ((bytes[o + 3] as number) << 24)) >>>
      0;
  }
  return out;
}

export function gfToBytes(value: Uint32Array): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = ((value[i >>> 2] as number) >>> (8 * (i & 3))) & 0xff;
  return out;
}
