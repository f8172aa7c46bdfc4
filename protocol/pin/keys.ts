/**
 * Key schedule of a guarded secret (PIN or security answers), DESIGN §4.1 / mpc-design §4.3:
 *
 *   K        = HKDF-SHA256(Argon2id(secret, salt) ‖ POPRF(k_guard, secret; info), info = ctx)
 *   K_wrap   = HKDF(K, "wrap-key" ‖ customer ‖ method)      → AES-256-GCM of the Node 1 bundle
 *   K_verify = HKDF(K, "verify-key" ‖ customer ‖ purpose)   → Ed25519 seed
 *   V        = Ed25519 public key of K_verify               → stored by the guard
 *
 * The proof of knowledge is an Ed25519 signature with K_verify over the guard's fresh nonce and
 * its context, checked against V. We deliberately use a signature rather than an HMAC keyed by V:
 * with HMAC(V, nonce) anyone who reads V from the guard's store could forge a success, reset the
 * counter and so buy unlimited evaluations. With a signature, V only verifies; it cannot prove.
 * V is a function of the POPRF output, so without the guard key V gives no offline PIN test.
 * A replayed proof fails because each nonce is random, single-use, short-lived and signed over.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, fromHex, isHex, wipe } from '../bytes.js';
import { InvalidArgumentError, InvalidMessageError, type PartyRole } from '../errors.js';
import { encodeTranscript } from '../transcript.js';
import type { GuardPurpose } from './oprf.js';

export const KEY_BYTES = 32;
export const VERIFIER_BYTES = 32;
export const PROOF_BYTES = 64;
export const NONCE_BYTES = 32;

/** Public context every guarded key is bound to. */
export interface GuardContext {
  customerId: string;
  purpose: GuardPurpose;
  keyId: string;
  epoch: number;
}

/** Why a proof is made: to unlock (counted) or to complete an enrolment. Part of the signed message. */
export type ProofKind = 'unlock' | 'enrol';

function requireKey(key: Uint8Array, field: string): void {
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) {
    throw new InvalidArgumentError(
      field,
      `${KEY_BYTES} bytes`,
      key instanceof Uint8Array ? `${key.length} bytes` : typeof key,
    );
  }
}

/** K from the Argon2id output and the POPRF output; both inputs are wiped by the caller. */
export function deriveGuardedKey(stretched: Uint8Array, oprfOutput: Uint8Array, ctx: GuardContext): Uint8Array {
  requireKey(stretched, 'stretched');
  requireKey(oprfOutput, 'oprfOutput');
  const ikm = concatBytes(stretched, oprfOutput);
  const info = encodeTranscript('tandem/pin/v1/unlock-key', [ctx.customerId, ctx.purpose, ctx.keyId, ctx.epoch]);
  const key = hkdf(sha256, ikm, undefined, info, KEY_BYTES);
  wipe(ikm);
  return key;
}

/** The Ed25519 verifier key pair of K (seed is secret; publicKey is V). */
export function deriveVerifierKeyPair(
  key: Uint8Array,
  ctx: Pick<GuardContext, 'customerId' | 'purpose'>,
): { seed: Uint8Array; verifier: Uint8Array } {
  requireKey(key, 'key');
  const info = encodeTranscript('tandem/pin/v1/verify-key', [ctx.customerId, ctx.purpose]);
  const seed = hkdf(sha256, key, undefined, info, KEY_BYTES);
  return { seed, verifier: ed25519.getPublicKey(seed) };
}

/** The exact bytes signed: kind, full context and the guard's nonce. */
export function proofMessage(kind: ProofKind, ctx: GuardContext, nonce: Uint8Array): Uint8Array {
  if (nonce.length !== NONCE_BYTES)
    throw new InvalidArgumentError('nonce', `${NONCE_BYTES} bytes`, `${nonce.length} bytes`);
  return encodeTranscript('tandem/pin-guard/v1/proof', [
    kind,
    ctx.customerId,
    ctx.purpose,
    ctx.keyId,
    ctx.epoch,
    nonce,
  ]);
}

/** Client: proves knowledge of K over the guard's nonce. */
export function signProof(seed: Uint8Array, kind: ProofKind, ctx: GuardContext, nonce: Uint8Array): Uint8Array {
  requireKey(seed, 'seed');
  return ed25519.sign(proofMessage(kind, ctx, nonce), seed);
}

/** Guard: true iff `proof` is a valid signature by V over this exact nonce and context. Never throws on bad bytes. */
export function checkProof(
  verifier: Uint8Array,
  proof: Uint8Array,
  kind: ProofKind,
  ctx: GuardContext,
  nonce: Uint8Array,
): boolean {
  if (verifier.length !== VERIFIER_BYTES || proof.length !== PROOF_BYTES || nonce.length !== NONCE_BYTES) return false;
  try {
    return ed25519.verify(proof, proofMessage(kind, ctx, nonce), verifier, { zip215: false });
  } catch {
    return false;
  }
}

/**
 * Validates a verifier sent at enrolment: 32 bytes hex encoding an Ed25519 point that is not of
 * small order (a small-order V would let anyone produce signatures that verify).
 */
export function parseVerifier(value: unknown, field: string, from: PartyRole | 'unknown'): Uint8Array {
  if (!isHex(value, VERIFIER_BYTES)) {
    throw new InvalidMessageError({
      from,
      field,
      expected: `${VERIFIER_BYTES} bytes of hex (Ed25519 public key)`,
      got: typeof value === 'string' ? `${value.length} chars` : typeof value,
    });
  }
  const bytes = fromHex(value, field, VERIFIER_BYTES);
  let ok = false;
  try {
    ok = !ed25519.Point.fromBytes(bytes, false).isSmallOrder();
  } catch {
    ok = false;
  }
  if (!ok) throw new InvalidMessageError({ from, field, expected: 'an Ed25519 point of large order', got: 'not one' });
  return bytes;
}
