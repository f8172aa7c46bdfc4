/**
 * Domain-separated, unambiguous hashing. Every hash, commitment, Fiat–Shamir challenge and
 * session id in Tandem goes through `taggedHash`, so no two different inputs encode alike
 * (the TSSHOCK lesson: length-prefix everything).
 *
 * Encoding: SHA-256( u32(len(tag)) ‖ tag ‖ Σ u32(len(part_i)) ‖ part_i ).
 */
import { concatBytes, u32be, utf8ToBytes } from './bytes.js';
import { sha256Parts } from './sha256.js';

export type TranscriptPart = Uint8Array | string | number;

function encodePart(part: TranscriptPart): Uint8Array {
  if (typeof part === 'string') return utf8ToBytes(part);
  if (typeof part === 'number') return u32be(part);
  return part;
}

function transcriptChunks(tag: string, parts: readonly TranscriptPart[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  const t = utf8ToBytes(tag);
  chunks.push(u32be(t.length), t);
  for (const p of parts) {
    const b = encodePart(p);
    chunks.push(u32be(b.length), b);
  }
  return chunks;
}

/** Length-prefixed encoding of a tag and parts (exposed for XOF/HMAC users that need the bytes). */
export function encodeTranscript(tag: string, parts: readonly TranscriptPart[]): Uint8Array {
  return concatBytes(...transcriptChunks(tag, parts));
}

/**
 * 32-byte hash of `parts` under the domain `tag` (e.g. 'tandem/ecdsa2p/v1/commit'): SHA-256 of
 * `encodeTranscript(tag, parts)`, hashed chunk by chunk instead of from a concatenated copy.
 */
export function taggedHash(tag: string, ...parts: TranscriptPart[]): Uint8Array {
  return sha256Parts(transcriptChunks(tag, parts));
}
