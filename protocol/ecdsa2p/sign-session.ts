/**
 * Session binding for signing (mpc-design §1.3 "Session-ID binding", TOB-SILA-5/9/10; DESIGN.md §3):
 * the session id hashes the protocol, version, key id, the transcript hash of the share generation,
 * the roles, both parties' fresh nonces, the digest and the derivation path. Each party computes it
 * from its own inputs, so a party given another digest, path or share generation derives another id
 * and rejects the peer's first message. Sub-protocol ids (RVOLE per direction, zero sharing,
 * commitments) are derived from it, never reused across directions or signatures.
 */
import { concatBytes, u32be } from '../bytes.js';
import type { PartyRole } from '../errors.js';
import { taggedHash } from '../transcript.js';
import { hashToScalar } from './group.js';
import { KEY_SHARE_VERSION } from './key-share.js';
import { SIGN_PROTOCOL } from './messages.js';

export const NONCE_BYTES = 32;

export interface SignSessionInputs {
  keyId: string;
  transcriptHash: Uint8Array;
  clientNonce: Uint8Array;
  serverNonce: Uint8Array;
  digest: Uint8Array;
  /** Requested (non-hardened) path indices. */
  path: readonly number[];
}

export function signSessionId(p: SignSessionInputs): Uint8Array {
  return taggedHash(
    'tandem/ecdsa2p/v1/sign/session-id',
    SIGN_PROTOCOL,
    KEY_SHARE_VERSION,
    p.keyId,
    p.transcriptHash,
    'client',
    'server',
    p.clientNonce,
    p.serverNonce,
    p.digest,
    concatBytes(...p.path.map(u32be)),
  );
}

/** Session id of the RVOLE instance in which `alice` is the OT-extension sender. */
export function rvoleSessionId(sessionId: Uint8Array, alice: PartyRole): Uint8Array {
  return taggedHash('tandem/ecdsa2p/v1/sign/rvole', sessionId, `alice=${alice}`);
}

/**
 * Zero sharing for two parties (DKLs23 Functionality 3.4, mpc-design §1.5.1): ζ_C = PRF(seed, sid),
 * ζ_S = −ζ_C, re-randomising the additive shares per signature.
 */
export function zeroShare(seed: Uint8Array, sessionId: Uint8Array): bigint {
  return hashToScalar('tandem/ecdsa2p/v1/zero-share', seed, sessionId);
}

export const INSTANCE_COMMIT_TAG = 'tandem/ecdsa2p/v1/sign/commit-instance-point';
