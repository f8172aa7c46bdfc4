/**
 * Randomness is always injected: protocol code never reaches for a global RNG, so tests and
 * frozen transcripts can replay a run byte for byte with a seeded generator.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { concatBytes, u64be } from './bytes.js';

/** Returns `n` fresh random bytes. */
export type Rng = (n: number) => Uint8Array;

/** The platform CSPRNG (WebCrypto `getRandomValues` in browsers and Node). */
export const secureRng: Rng = (n) => randomBytes(n);

/**
 * Deterministic generator for tests, fixtures and benchmarks ONLY: HMAC-SHA256 in counter mode
 * keyed by `seed`. Never use it for real keys.
 */
export function createSeededRng(seed: Uint8Array | string): Rng {
  const key = typeof seed === 'string' ? new TextEncoder().encode(seed) : seed.slice();
  let counter = 0;
  return (n: number) => {
    const out = new Uint8Array(n);
    for (let off = 0; off < n; off += 32) {
      const block = hmac(sha256, key, concatBytes(u64be(counter++)));
      out.set(block.subarray(0, Math.min(32, n - off)), off);
    }
    return out;
  };
}
