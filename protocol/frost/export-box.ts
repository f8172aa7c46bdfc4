/**
 * The 2-of-2-locked mnemonic of the exportable ed25519 family (mpc-design §3.5 Family B step 5).
 *
 *   K   = HKDF-SHA256(ikm = k_C ‖ k_S, salt = "tandem/frost/v1/ed25519-export",
 *                     info = transcript(customer id, key id, version))
 *   box = XChaCha20-Poly1305(K, nonce = 24 random bytes, aad = transcript(customer id, key id, version, alg))
 *
 * k_C sits in the client's PIN-wrapped bundle, k_S with the relay; either part alone (or the right
 * parts under another customer/key/version) gives a key the Poly1305 tag rejects. The 192-bit
 * nonce is random, which XChaCha makes safe without a counter.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, fromHex, isHex, toHex, utf8ToBytes, wipe } from '../bytes.js';
import { InvalidArgumentError } from '../errors.js';
import type { Rng } from '../rng.js';
import { encodeTranscript } from '../transcript.js';
import { assertLabel } from './session-id.js';

export const EXPORT_BOX_ALG = 'xchacha20poly1305' as const;

/** What the ciphertext is bound to; both the key and the AAD depend on it. */
export interface ExportContext {
  customerId: string;
  keyId: string;
  version: number;
}

export interface SealedMnemonic {
  v: 1;
  alg: typeof EXPORT_BOX_ALG;
  nonce: string;
  ciphertext: string;
}

function assertContext(context: ExportContext): void {
  if (typeof context !== 'object' || context === null) throw new InvalidArgumentError('context', 'an ExportContext');
  assertLabel(context.customerId, 'context.customerId');
  assertLabel(context.keyId, 'context.keyId');
  if (!Number.isSafeInteger(context.version) || context.version < 1 || context.version > 0xffffffff)
    throw new InvalidArgumentError('context.version', 'a positive uint32', String(context.version));
}

function assertKeyPart(part: Uint8Array, argument: string): void {
  if (!(part instanceof Uint8Array) || part.length !== 32) throw new InvalidArgumentError(argument, '32 bytes');
}

function deriveBoxKey(clientKeyPart: Uint8Array, serverKeyPart: Uint8Array, context: ExportContext): Uint8Array {
  assertContext(context);
  assertKeyPart(clientKeyPart, 'clientKeyPart');
  assertKeyPart(serverKeyPart, 'serverKeyPart');
  const ikm = concatBytes(clientKeyPart, serverKeyPart);
  const info = encodeTranscript('tandem/frost/v1/ed25519-export/key', [
    context.customerId,
    context.keyId,
    context.version,
  ]);
  const key = hkdf(sha256, ikm, utf8ToBytes('tandem/frost/v1/ed25519-export'), info, 32);
  wipe(ikm);
  return key;
}

function aad(context: ExportContext): Uint8Array {
  return encodeTranscript('tandem/frost/v1/ed25519-export/aad', [
    context.customerId,
    context.keyId,
    context.version,
    EXPORT_BOX_ALG,
  ]);
}

export function sealMnemonic(
  plaintext: Uint8Array,
  clientKeyPart: Uint8Array,
  serverKeyPart: Uint8Array,
  context: ExportContext,
  rng: Rng,
): SealedMnemonic {
  const key = deriveBoxKey(clientKeyPart, serverKeyPart, context);
  const nonce = rng(24);
  try {
    const ciphertext = xchacha20poly1305(key, nonce, aad(context)).encrypt(plaintext);
    return { v: 1, alg: EXPORT_BOX_ALG, nonce: toHex(nonce), ciphertext: toHex(ciphertext) };
  } finally {
    wipe(key);
  }
}

/** Opens the box; throws `InvalidArgumentError` (never the plaintext) when a part or the context is wrong. */
export function openMnemonic(
  sealed: SealedMnemonic,
  clientKeyPart: Uint8Array,
  serverKeyPart: Uint8Array,
  context: ExportContext,
): Uint8Array {
  if (
    typeof sealed !== 'object' ||
    sealed === null ||
    sealed.v !== 1 ||
    sealed.alg !== EXPORT_BOX_ALG ||
    !isHex(sealed.nonce, 24) ||
    !isHex(sealed.ciphertext) ||
    sealed.ciphertext.length < 34
  )
    throw new InvalidArgumentError('sealedMnemonic', `a v1 ${EXPORT_BOX_ALG} box`);
  const key = deriveBoxKey(clientKeyPart, serverKeyPart, context);
  try {
    return xchacha20poly1305(key, fromHex(sealed.nonce), aad(context)).decrypt(fromHex(sealed.ciphertext));
  } catch {
    throw new InvalidArgumentError(
      'sealedMnemonic',
      'a box that authenticates under both key parts and this customer/key/version',
      'authentication failure',
    );
  } finally {
    wipe(key);
  }
}
