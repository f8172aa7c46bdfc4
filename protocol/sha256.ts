/**
 * SHA-256 over a list of byte strings, hashed in place (no concatenated copy). Large inputs go
 * through Node's native SHA-256 when the code runs in Node (the relay): the signing transcripts hash
 * ≈ 150 KB per ECDSA signature, which is ≈ 0.9 ms in JavaScript and ≈ 0.1 ms natively (OpenSSL,
 * SHA-NI). Elsewhere (the extension) and for small inputs, where the native call's fixed cost is
 * larger than the work, it is noble's SHA-256. Both compute the same function; the tests hold them
 * to each other across sizes.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { nodeBuiltin } from './node-builtin.js';

/** The part of node:crypto this module uses. */
export interface NativeSha256 {
  createHash(algorithm: 'sha256'): { update(data: Uint8Array): unknown; digest(): Uint8Array };
}

/** Inputs from this many bytes on take the native path (below it, noble is as fast or faster). */
export const NATIVE_MIN_BYTES = 2048;

const NATIVE = nodeBuiltin<NativeSha256>('node:crypto', (crypto) => typeof crypto.createHash === 'function');

/** Which implementation large inputs use here: 'node:crypto' in Node, 'noble' elsewhere. */
export const largeInputBackend: 'node:crypto' | 'noble' = NATIVE ? 'node:crypto' : 'noble';

/** SHA-256(parts[0] ‖ parts[1] ‖ …). `native` is for tests; callers leave it out. */
export function sha256Parts(parts: readonly Uint8Array[], native: NativeSha256 | undefined = NATIVE): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  if (native && total >= NATIVE_MIN_BYTES) {
    const hash = native.createHash('sha256');
    for (const part of parts) hash.update(part);
    const digest = hash.digest();
    // A Node Buffer may be a view into a shared pool: hand out a plain, owned Uint8Array.
    return new Uint8Array(digest);
  }
  const hash = nobleSha256.create();
  for (const part of parts) hash.update(part);
  return hash.digest();
}
