/**
 * Node 2's side of the device-signed handshake (DESIGN.md §6). The connection sends `hello` with a
 * fresh 32-byte nonce; the device answers `handshake` signed over `handshakeTranscript(...)`
 * (protocol/wire/handshake.ts). A nonce is single-use (consumed by the first handshake, right or
 * wrong) and expires after HANDSHAKE_NONCE_TTL_MS, so a captured handshake cannot be replayed on
 * another connection (another nonce) or later on this one.
 *
 * Registration (mode 'register') additionally needs a live `initialize` or `recovery` challenge of
 * the same customer; the device id must be the one derived from the key.
 */
import { fromHex, toHex } from '../../protocol/bytes.js';
import type { HandshakeMessage } from '../../protocol/wire/control.js';
import {
  deviceIdFromPublicKey,
  handshakeTranscript,
  parseDevicePublicKey,
  verifyDeviceSignature,
} from '../../protocol/wire/handshake.js';
import { getChallenge } from '../challenges/store.js';
import type { Queryable } from '../db/database.js';
import { getDevice, registerDevice, touchDevice } from './devices.js';
import { HandshakeRefusedError } from './errors.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Challenge kinds under which a new device may enrol. */
export const REGISTRATION_CHALLENGE_KINDS = ['initialize', 'recovery'] as const;

export interface HandshakeNonce {
  value: string;
  issuedAt: number;
  ttlMs: number;
  used: boolean;
}

export interface AuthenticatedDevice {
  deviceId: string;
  customerId: string;
  organisationId: string;
  registered: boolean;
}

export interface HandshakeInput {
  message: HandshakeMessage;
  nonce: HandshakeNonce;
  origin: string;
  now: number;
}

/**
 * Checks a handshake and returns the authenticated device, registering it first in 'register'
 * mode. Consumes the nonce whatever the outcome.
 * @throws HandshakeRefusedError with a typed code.
 */
export async function verifyHandshake(db: Queryable, input: HandshakeInput): Promise<AuthenticatedDevice> {
  const { message, nonce } = input;
  if (nonce.used) throw new HandshakeRefusedError('nonce-used', 'this connection already used its handshake nonce');
  nonce.used = true;
  if (input.now - nonce.issuedAt > nonce.ttlMs) {
    throw new HandshakeRefusedError('nonce-expired', `the handshake nonce expired after ${nonce.ttlMs} ms`);
  }
  if (!UUID_RE.test(message.customerId)) {
    throw new HandshakeRefusedError('customer-mismatch', 'customerId is not a customer id (UUID)');
  }
  const signature = fromHex(message.signature, 'signature', 64);

  if (message.mode === 'register') {
    let publicKey: Uint8Array;
    try {
      publicKey = parseDevicePublicKey(message.publicKey as string);
    } catch (error) {
      throw new HandshakeRefusedError('bad-public-key', (error as Error).message);
    }
    if (deviceIdFromPublicKey(publicKey) !== message.deviceId) {
      throw new HandshakeRefusedError('device-id-mismatch', 'deviceId is not the id derived from publicKey');
    }
    const transcript = handshakeTranscript({
      mode: 'register',
      nonce: nonce.value,
      origin: input.origin,
      deviceId: message.deviceId,
      customerId: message.customerId,
      challengeId: message.challengeId as string,
      publicKey: toHex(publicKey),
    });
    if (!verifyDeviceSignature(publicKey, transcript, signature)) {
      throw new HandshakeRefusedError('bad-signature', 'the handshake signature does not verify under publicKey');
    }
    const challengeId = message.challengeId as string;
    const challenge = UUID_RE.test(challengeId) ? await getChallenge(db, challengeId) : undefined;
    if (
      !challenge ||
      challenge.customerId !== message.customerId ||
      !(REGISTRATION_CHALLENGE_KINDS as readonly string[]).includes(challenge.kind) ||
      !(challenge.status === 'pending' || challenge.status === 'in_progress') ||
      Date.parse(challenge.expiresAt) <= input.now
    ) {
      throw new HandshakeRefusedError(
        'challenge-unavailable',
        'registration needs a live initialize or recovery challenge of this customer',
      );
    }
    const device = await registerDevice(db, {
      id: message.deviceId,
      organisationId: challenge.organisationId,
      customerId: challenge.customerId,
      publicKey,
      challengeId,
    });
    if (!device)
      throw new HandshakeRefusedError('device-conflict', 'this device key is registered to another customer');
    if (device.revokedAt) throw new HandshakeRefusedError('device-revoked', 'this device was revoked');
    return {
      deviceId: device.id,
      customerId: device.customerId,
      organisationId: device.organisationId,
      registered: true,
    };
  }

  const device = await getDevice(db, message.deviceId);
  if (!device) throw new HandshakeRefusedError('unknown-device', 'no device is registered under this id');
  if (device.customerId !== message.customerId) {
    throw new HandshakeRefusedError('customer-mismatch', 'the device belongs to another customer');
  }
  if (device.revokedAt) throw new HandshakeRefusedError('device-revoked', 'this device was revoked');
  const transcript = handshakeTranscript({
    mode: 'authenticate',
    nonce: nonce.value,
    origin: input.origin,
    deviceId: message.deviceId,
    customerId: message.customerId,
  });
  if (!verifyDeviceSignature(device.publicKey, transcript, signature)) {
    throw new HandshakeRefusedError('bad-signature', "the handshake signature does not verify under the device's key");
  }
  await touchDevice(db, device.id);
  return {
    deviceId: device.id,
    customerId: device.customerId,
    organisationId: device.organisationId,
    registered: false,
  };
}
