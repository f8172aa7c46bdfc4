/**
 * Email recovery (DESIGN §4.2), the pure parts: the key of the email-wrapped copy and the policy of
 * the 6-digit code. The relay generates a random key part R, stores it, and releases it to the
 * client only after the emailed code is entered correctly (and after an optional time lock).
 *
 * Honesty: the copy's key is HKDF(R, salt), and the relay stores R, the salt and the copy, so the
 * relay (or whoever controls it, or the user's mailbox together with it) can open this copy alone.
 * A client-held factor would make the method useless for a lost device, which is its purpose. This
 * method therefore trusts the operator and the user's email account; SECURITY.md says so.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes, fromHex, toHex, utf8ToBytes } from '../bytes.js';
import { InvalidArgumentError } from '../errors.js';
import type { Rng } from '../rng.js';
import { encodeTranscript, taggedHash } from '../transcript.js';
import { KDF_SALT_BYTES, type WrapHeader } from './wrap.js';

export const EMAIL_KEY_PART_BYTES = 32;
export const EMAIL_CODE_TTL_MS = 10 * 60 * 1000;
export const EMAIL_CODE_MAX_ATTEMPTS = 5;

/** The relay's random key part R (store it encrypted at rest with the relay master key). */
export function createEmailKeyPart(rng: Rng): Uint8Array {
  return rng(EMAIL_KEY_PART_BYTES);
}

/** A fresh header for the email-wrapped copy (random KDF salt). */
export function emailRecoveryHeader(customerId: string, rng: Rng): WrapHeader {
  return { method: 'email', customerId, kdf: { kind: 'relay-key-part', saltHex: toHex(rng(KDF_SALT_BYTES)) } };
}

/** Root key of the email copy: HKDF(R, salt, customer). */
export function deriveEmailRecoveryKey(keyPart: Uint8Array, customerId: string, saltHex: string): Uint8Array {
  if (keyPart.length !== EMAIL_KEY_PART_BYTES) {
    throw new InvalidArgumentError('keyPart', `${EMAIL_KEY_PART_BYTES} bytes`, `${keyPart.length} bytes`);
  }
  const info = encodeTranscript('tandem/recovery/email/v1/key', [customerId]);
  return hkdf(sha256, keyPart, fromHex(saltHex, 'saltHex', KDF_SALT_BYTES), info, 32);
}

/** A uniformly random 6-digit code (rejection sampling, no modulo bias). */
export function generateEmailCode(rng: Rng): string {
  for (;;) {
    const b = rng(4);
    const n = (((b[0] as number) << 24) | ((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number)) >>> 0;
    if (n < 4_294_000_000) return String(n % 1_000_000).padStart(6, '0');
  }
}

/**
 * What the relay stores for an outstanding code: a digest bound to the challenge id (never the
 * code itself), timestamps in ms, and attempts used.
 */
export interface EmailCodeRecord {
  challengeId: string;
  codeDigestHex: string;
  issuedAtMs: number;
  expiresAtMs: number;
  attempts: number;
  /** Set when the code was entered correctly: the key part is released at `releaseAtMs`. */
  verifiedAtMs: number | null;
  releaseAtMs: number | null;
}

function codeDigest(challengeId: string, code: string): Uint8Array {
  return taggedHash('tandem/recovery/email/v1/code', challengeId, utf8ToBytes(code));
}

export function createEmailCodeRecord(params: {
  challengeId: string;
  code: string;
  nowMs: number;
  ttlMs?: number;
}): EmailCodeRecord {
  if (!/^[0-9]{6}$/.test(params.code)) throw new InvalidArgumentError('code', '6 digits');
  return {
    challengeId: params.challengeId,
    codeDigestHex: toHex(codeDigest(params.challengeId, params.code)),
    issuedAtMs: params.nowMs,
    expiresAtMs: params.nowMs + (params.ttlMs ?? EMAIL_CODE_TTL_MS),
    attempts: 0,
    verifiedAtMs: null,
    releaseAtMs: null,
  };
}

export type EmailCodeOutcome = 'verified' | 'wrong' | 'expired' | 'exhausted' | 'already-verified';

/**
 * One attempt at the code. The caller persists `record` (attempts are counted BEFORE comparing, so
 * a crash cannot give free attempts) and releases the key part when `outcome === 'verified'` and
 * `nowMs ≥ record.releaseAtMs` (the time lock, during which `customer.recovery_initiated` fires).
 */
export function attemptEmailCode(
  previous: EmailCodeRecord,
  typed: string,
  nowMs: number,
  options: { delayMs?: number; maxAttempts?: number } = {},
): { outcome: EmailCodeOutcome; record: EmailCodeRecord } {
  const record = { ...previous };
  if (record.verifiedAtMs !== null) return { outcome: 'already-verified', record };
  if (nowMs >= record.expiresAtMs) return { outcome: 'expired', record };
  if (record.attempts >= (options.maxAttempts ?? EMAIL_CODE_MAX_ATTEMPTS)) return { outcome: 'exhausted', record };
  record.attempts += 1;
  const ok =
    typeof typed === 'string' &&
    /^[0-9]{6}$/.test(typed.trim()) &&
    equalBytes(codeDigest(record.challengeId, typed.trim()), fromHex(record.codeDigestHex, 'codeDigestHex'));
  if (!ok) return { outcome: 'wrong', record };
  record.verifiedAtMs = nowMs;
  record.releaseAtMs = nowMs + Math.max(0, options.delayMs ?? 0);
  return { outcome: 'verified', record };
}
