/**
 * Envelope encryption of secrets at rest: XChaCha20-Poly1305 under the relay master key, a fresh
 * random 24-byte nonce per seal (random nonces are safe at this size), and associated data that
 * binds the ciphertext to where it lives (table, row id, customer, purpose). A sealed share copied
 * into another row or another customer's record fails to open.
 *
 * Layout: version (1 byte, 0x01) ‖ key id (8 bytes) ‖ nonce (24 bytes) ‖ ciphertext ‖ tag (16 bytes).
 * The cipher runs in OpenSSL (xchacha-native.ts): the relay opens a sealed share for every signature.
 */
import { randomBytes } from '@noble/hashes/utils.js';
import { concatBytes, equalBytes, fromHex, toHex } from '../../protocol/bytes.js';
import { encodeTranscript } from '../../protocol/transcript.js';
import type { MasterKey, MasterKeyRing } from './master-key.js';
import { xchachaDecrypt, xchachaEncrypt } from './xchacha-native.js';

const SEAL_VERSION = 0x01;
const KEY_ID_BYTES = 8;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + KEY_ID_BYTES + NONCE_BYTES;

/** Where a sealed value belongs; every field is bound as associated data. */
export interface SealContext {
  table: string;
  rowId: string;
  customerId: string;
  /** What the value is, e.g. 'ecdsa2p-share', 'frost-share', 'export-key-part'. */
  purpose: string;
}

export class SealError extends Error {
  override readonly name = 'SealError';
}

function associatedData(context: SealContext, keyId: string): Uint8Array {
  return encodeTranscript('tandem/relay/seal/v1', [
    context.table,
    context.rowId,
    context.customerId,
    context.purpose,
    keyId,
  ]);
}

/** Encrypts `plaintext` for `context` under `masterKey`. */
export function seal(masterKey: MasterKey, plaintext: Uint8Array, context: SealContext): Uint8Array {
  const nonce = randomBytes(NONCE_BYTES);
  const keyId = fromHex(masterKey.id, 'masterKey.id', KEY_ID_BYTES);
  const ciphertext = xchachaEncrypt(masterKey.key, nonce, associatedData(context, masterKey.id), plaintext);
  return concatBytes(Uint8Array.of(SEAL_VERSION), keyId, nonce, ciphertext);
}

/** The key id a sealed value was made with (for rotation queries), or throws on a malformed value. */
export function sealedKeyId(sealed: Uint8Array): string {
  if (sealed.length < HEADER_BYTES + TAG_BYTES || sealed[0] !== SEAL_VERSION) {
    throw new SealError(
      `sealed value malformed: expected version ${SEAL_VERSION} and at least ${HEADER_BYTES + TAG_BYTES} bytes`,
    );
  }
  return toHex(sealed.subarray(1, 1 + KEY_ID_BYTES));
}

/**
 * Decrypts a value sealed for `context`. Throws SealError when the key is unknown, or when the
 * ciphertext was altered or belongs to another context (the two are indistinguishable by design).
 */
export function open(keys: MasterKey | MasterKeyRing, sealed: Uint8Array, context: SealContext): Uint8Array {
  const keyId = sealedKeyId(sealed);
  const ring = 'current' in keys ? [keys.current, ...keys.retired] : [keys];
  const key = ring.find((k) => equalBytes(fromHex(k.id), fromHex(keyId)));
  if (!key) throw new SealError(`sealed under master key ${keyId}, which this relay does not have`);
  const nonce = sealed.subarray(1 + KEY_ID_BYTES, HEADER_BYTES);
  try {
    return xchachaDecrypt(key.key, nonce, associatedData(context, key.id), sealed.subarray(HEADER_BYTES));
  } catch {
    throw new SealError(
      `sealed value for ${context.table}/${context.purpose} failed authentication (altered, or belongs to another row/customer)`,
    );
  }
}

/** JSON convenience: seal a JSON-safe value. */
export function sealJson(masterKey: MasterKey, value: unknown, context: SealContext): Uint8Array {
  return seal(masterKey, new TextEncoder().encode(JSON.stringify(value)), context);
}

/** JSON convenience: open a value sealed with `sealJson`. */
export function openJson<T = unknown>(keys: MasterKey | MasterKeyRing, sealed: Uint8Array, context: SealContext): T {
  const bytes = open(keys, sealed, context);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } finally {
    bytes.fill(0);
  }
}
