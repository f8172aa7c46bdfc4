/**
 * SHA-256 of short messages (at most 55 bytes, i.e. one compression block), without the per-call
 * allocations of `sha256()`. The RVOLE hashes about a thousand 51-byte rows per signature, and
 * the generic API costs about three times the compression itself in JavaScript.
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

  /** Wipes the input block and the chaining state (best effort). */
  clear(): void {
    this.input.fill(0);
    this.words.fill(0);
    this.set(0, 0, 0, 0, 0, 0, 0, 0);
  }
}
