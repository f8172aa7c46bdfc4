/**
 * SHA-256 of short messages (at most 55 bytes, i.e. one compression block), without the per-call
 * allocations of `sha256()`. The OT extension and the RVOLE hash thousands of 16–52-byte inputs
 * per signature (PRG blocks, row hashes, gadget entries), and the generic API costs about three
 * times the compression itself in JavaScript.
 *
 * The result is exactly SHA-256(message) (FIPS 180-4 padding is applied here); a unit test compares
 * it with `@noble/hashes` `sha256`. It reuses noble's audited compression function through its
 * exported `_SHA256` class (pinned @noble/hashes 2.4.0), so no hash code is re-implemented.
 */
import { _SHA256 } from '@noble/hashes/sha2.js';
import { InvalidArgumentError } from '../../errors.js';

const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19] as const;

/** Largest message that fits one SHA-256 block with its padding and 64-bit length. */
export const MAX_BLOCK_MESSAGE = 55;

export class BlockHasher extends _SHA256 {
  /** Write the message bytes here (offset 0), then call `digest*`. */
  readonly input = new Uint8Array(64);
  private readonly inputView = new DataView(this.input.buffer);
  private readonly words = new Uint32Array(8);
  private readonly digestBytes = new Uint8Array(32);
  private readonly digestView = new DataView(this.digestBytes.buffer);

  /** Compresses `input[0, length)` and returns the 8 big-endian state words (reused buffer). */
  digestWords(length: number): Uint32Array {
    if (length > MAX_BLOCK_MESSAGE) throw new InvalidArgumentError('length', `<= ${MAX_BLOCK_MESSAGE}`, String(length));
    const input = this.input;
    input[length] = 0x80;
    input.fill(0, length + 1, 60);
    this.inputView.setUint32(60, length * 8, false);
    this.set(IV[0], IV[1], IV[2], IV[3], IV[4], IV[5], IV[6], IV[7]);
    this.process(this.inputView, 0);
    const [a, b, c, d, e, f, g, h] = this.get();
    const w = this.words;
    w[0] = a;
    w[1] = b;
    w[2] = c;
    w[3] = d;
    w[4] = e;
    w[5] = f;
    w[6] = g;
    w[7] = h;
    return w;
  }

  /** Compresses `input[0, length)` and writes the first `count` (≤ 32) digest bytes to `out[offset…]`. */
  hashInto(length: number, out: Uint8Array, offset: number, count = 32): void {
    const w = this.digestWords(length);
    for (let i = 0; i < count; i++) out[offset + i] = ((w[i >>> 2] as number) >>> (24 - 8 * (i & 3))) & 0xff;
  }

  /**
   * Compresses `input[0, length)` and returns the digest as a big-endian integer in [0, 2^256)
   * (four 64-bit reads are about twice as fast as assembling eight 32-bit words).
   */
  digestBigInt(length: number): bigint {
    const w = this.digestWords(length);
    const view = this.digestView;
    for (let k = 0; k < 8; k++) view.setUint32(4 * k, w[k] as number, false);
    return (
      (view.getBigUint64(0) << 192n) |
      (view.getBigUint64(8) << 128n) |
      (view.getBigUint64(16) << 64n) |
      view.getBigUint64(24)
    );
  }

  /** Wipes the input block and the chaining state (best effort). */
  clear(): void {
    this.input.fill(0);
    this.words.fill(0);
    this.digestBytes.fill(0);
    this.set(0, 0, 0, 0, 0, 0, 0, 0);
  }
}
