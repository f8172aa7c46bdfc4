/**
 * Device keys and the device-signed handshake of the MPC WebSocket (DESIGN.md §6).
 *
 * The device key is a non-extractable WebCrypto ECDSA P-256 key created by Node 1 at onboarding.
 * Its id is derived from the public key, so the client knows it before registering and the server
 * cannot be tricked into binding one id to two keys. On every connection the relay sends a fresh
 * nonce; the device signs a transcript binding that nonce, the device id, the customer id, the relay
 * origin, the wire protocol version and the handshake mode (plus, when registering, the challenge id
 * and the public key), so a signature is useless on another connection, relay, customer or device.
 *
 * WebCrypto's `sign({ name: 'ECDSA', hash: 'SHA-256' }, key, transcript)` hashes the transcript with
 * SHA-256 and returns raw r ‖ s (64 bytes, s not normalised), which `verifyDeviceSignature` accepts.
 */
import { p256 } from '@noble/curves/nist.js';
import { equalBytes, fromHex, isHex, toHex } from '../bytes.js';
import { InvalidArgumentError } from '../errors.js';
import { encodeTranscript, taggedHash } from '../transcript.js';
import type { HandshakeMode } from './control.js';
import { MPC_PROTOCOL_VERSION } from './limits.js';

/** DER prefix of a SubjectPublicKeyInfo for an uncompressed P-256 key (id-ecPublicKey, prime256v1). */
const P256_SPKI_PREFIX = fromHex('3059301306072a8648ce3d020106082a8648ce3d030107034200');
const RAW_POINT_BYTES = 65;

export const HANDSHAKE_TRANSCRIPT_TAG = 'tandem/mpc/handshake/v1';

/**
 * Parses a P-256 public key given as raw uncompressed point (65 bytes, WebCrypto `exportKey('raw')`)
 * or SPKI DER (91 bytes, `exportKey('spki')`), checks it is on the curve and not the identity, and
 * returns the raw uncompressed encoding.
 * @throws InvalidArgumentError naming `argument`.
 */
export function parseDevicePublicKey(value: Uint8Array | string, argument = 'publicKey'): Uint8Array {
  let bytes: Uint8Array;
  if (typeof value === 'string') {
    if (!isHex(value, RAW_POINT_BYTES) && !isHex(value, P256_SPKI_PREFIX.length + RAW_POINT_BYTES)) {
      throw new InvalidArgumentError(
        argument,
        '65-byte raw or 91-byte SPKI P-256 key as lower-case hex',
        `${(value as string).length} chars`,
      );
    }
    bytes = fromHex(value);
  } else bytes = value;
  if (bytes.length === P256_SPKI_PREFIX.length + RAW_POINT_BYTES) {
    if (!equalBytes(bytes.subarray(0, P256_SPKI_PREFIX.length), P256_SPKI_PREFIX)) {
      throw new InvalidArgumentError(argument, 'an SPKI for an uncompressed P-256 (prime256v1) key');
    }
    bytes = bytes.subarray(P256_SPKI_PREFIX.length);
  }
  if (bytes.length !== RAW_POINT_BYTES || bytes[0] !== 0x04) {
    throw new InvalidArgumentError(argument, 'an uncompressed P-256 point (0x04 ‖ x ‖ y)', `${bytes.length} bytes`);
  }
  try {
    const point = p256.Point.fromBytes(bytes);
    point.assertValidity();
    if (point.is0()) throw new Error('identity');
  } catch {
    throw new InvalidArgumentError(argument, 'a point on P-256 other than the identity');
  }
  return bytes.slice();
}

/** The device id of a raw public key: 'dev_' + 16 bytes of a tagged hash of the key, hex. */
export function deviceIdFromPublicKey(rawPublicKey: Uint8Array): string {
  const raw = parseDevicePublicKey(rawPublicKey);
  return `dev_${toHex(taggedHash('tandem/mpc/device-id/v1', raw).subarray(0, 16))}`;
}

export interface HandshakeTranscriptInput {
  mode: HandshakeMode;
  /** The 32-byte nonce from `hello`, hex. */
  nonce: string;
  /** The relay origin from `hello`, e.g. "https://relay.example". */
  origin: string;
  deviceId: string;
  customerId: string;
  /** Register only. */
  challengeId?: string;
  /** Register only: raw uncompressed public key, hex. */
  publicKey?: string;
}

/** The exact bytes the device signs (WebCrypto hashes them with SHA-256). */
export function handshakeTranscript(input: HandshakeTranscriptInput): Uint8Array {
  if (!isHex(input.nonce, 32)) throw new InvalidArgumentError('nonce', '32 bytes of lower-case hex');
  const register = input.mode === 'register';
  if (register && (input.challengeId === undefined || input.publicKey === undefined)) {
    throw new InvalidArgumentError('challengeId/publicKey', 'both set when registering');
  }
  return encodeTranscript(HANDSHAKE_TRANSCRIPT_TAG, [
    MPC_PROTOCOL_VERSION,
    input.mode,
    fromHex(input.nonce),
    input.origin,
    input.deviceId,
    input.customerId,
    register ? (input.challengeId as string) : '',
    register ? fromHex(input.publicKey as string, 'publicKey', RAW_POINT_BYTES) : new Uint8Array(0),
  ]);
}

/**
 * Verifies a device signature over `transcript`: ECDSA P-256 with SHA-256, raw r ‖ s. High-s
 * signatures are accepted because WebCrypto does not normalise s (malleability does not matter
 * here: the nonce is single-use and the signature is not an identifier).
 */
export function verifyDeviceSignature(
  rawPublicKey: Uint8Array,
  transcript: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (signature.length !== 64) return false;
  try {
    return p256.verify(signature, transcript, rawPublicKey, { prehash: true, lowS: false, format: 'compact' });
  } catch {
    return false;
  }
}

/** Signs like WebCrypto does (for scripted clients and tests): raw r ‖ s over SHA-256(transcript). */
export function signDeviceTranscript(secretKey: Uint8Array, transcript: Uint8Array): Uint8Array {
  return p256.sign(transcript, secretKey, { prehash: true, lowS: false, format: 'compact' });
}
