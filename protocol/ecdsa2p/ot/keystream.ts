/**
 * Short ChaCha20 keystreams (RFC 8439 §2.3–2.4) without per-call allocations, for the OT layer's two
 * PRGs: the RVOLE row hash expands each single-block SHA-256 output into its three pads (rvole.ts;
 * a PRG keyed by a random-oracle output is indistinguishable from a longer random-oracle output),
 * and the OT extension expands each base-OT seed into its column (extension.ts), with the session
 * digest as nonce. Two ChaCha20 blocks cost less than the two or three SHA-256 compressions they
 * replace.
 *
 * It runs noble's audited block function (`chachaCore`, reached through the `__TESTS` export of the
 * pinned @noble/ciphers 2.4.0, because the public `chacha20()` spends most of its time on per-call
 * setup for 96-byte outputs). A unit test checks the result against noble's public `chacha20` and
 * the RFC 8439 §2.3.2 block vector, so a dependency update that changes the internal fails loudly.
 */
import { __TESTS } from '@noble/ciphers/chacha.js';

const chachaCore = __TESTS.chachaCore;

/** "expand 32-byte k" (RFC 8439 §2.3). */
const SIGMA = Uint32Array.of(0x61707865, 0x3320646e, 0x79622d32, 0x6b206574);
const ZERO_NONCE = new Uint32Array(3);

/** Words of the keystream per call: 96 bytes = three 256-bit scalars. */
export const KEYSTREAM_WORDS = 24;

const bswap = (x: number): number => ((x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;

const readLE = (bytes: Uint8Array, i: number): number =>
  ((bytes[i] as number) |
    ((bytes[i + 1] as number) << 8) |
    ((bytes[i + 2] as number) << 16) |
    ((bytes[i + 3] as number) << 24)) >>>
  0;

export class Keystream {
  private readonly key = new Uint32Array(8);
  private readonly block = new Uint32Array(16);
  private readonly nonce = new Uint32Array(3);

  /**
   * Writes keystream bytes [0, 96) as 24 BIG-endian words into `out[offset…]`, for the key whose
   * 32 bytes are `keyWords` read big-endian (a SHA-256 state as `BlockHasher.digestWords` returns it).
   */
  expand(keyWords: Uint32Array, out: Uint32Array, offset: number): void {
    const key = this.key;
    // ChaCha20 reads its key bytes as little-endian words.
    for (let i = 0; i < 8; i++) key[i] = bswap(keyWords[i] as number);
    const block = this.block;
    chachaCore(SIGMA, key, ZERO_NONCE, block, 0);
    for (let i = 0; i < 16; i++) out[offset + i] = bswap(block[i] as number);
    chachaCore(SIGMA, key, ZERO_NONCE, block, 1);
    for (let i = 0; i < KEYSTREAM_WORDS - 16; i++) out[offset + 16 + i] = bswap(block[i] as number);
  }

  /**
   * Writes keystream bytes [0, length) under `key` (32 bytes) and `nonce` (12 bytes), from block
   * counter 0, into `out[offset…]`.
   */
  expandBytes(key: Uint8Array, nonce: Uint8Array, out: Uint8Array, offset: number, length: number): void {
    const k = this.key;
    for (let i = 0; i < 8; i++) k[i] = readLE(key, 4 * i);
    const n = this.nonce;
    for (let i = 0; i < 3; i++) n[i] = readLE(nonce, 4 * i);
    const block = this.block;
    for (let counter = 0; 64 * counter < length; counter++) {
      chachaCore(SIGMA, k, n, block, counter);
      const end = Math.min(64, length - 64 * counter);
      for (let b = 0; b < end; b++)
        out[offset + 64 * counter + b] = ((block[b >>> 2] as number) >>> (8 * (b & 3))) & 0xff;
    }
  }

  /** Wipes the key and the last block (best effort). */
  clear(): void {
    this.key.fill(0);
    this.block.fill(0);
    this.nonce.fill(0);
  }
}
