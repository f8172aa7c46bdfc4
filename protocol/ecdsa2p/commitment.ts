/**
 * Hash commitments, H(tag ‖ context ‖ values ‖ salt) with a fresh 32-byte salt (mpc-design §1.5.1,
 * "Commitment"). The context binds the session, key and committer, so a commitment from another
 * session or from the other party never opens here.
 */
import { equalBytes } from '../bytes.js';
import { type TranscriptPart, taggedHash } from '../transcript.js';

export const SALT_BYTES = 32;

export function commit(tag: string, parts: readonly TranscriptPart[], salt: Uint8Array): Uint8Array {
  return taggedHash(tag, ...parts, salt);
}

/** True when `commitment` opens to `parts` with `salt` (constant-time comparison). */
export function opens(
  tag: string,
  commitment: Uint8Array,
  parts: readonly TranscriptPart[],
  salt: Uint8Array,
): boolean {
  return equalBytes(commitment, commit(tag, parts, salt));
}
