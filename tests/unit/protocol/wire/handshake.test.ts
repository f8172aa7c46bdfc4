import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../protocol/bytes.js';
import { InvalidArgumentError } from '../../../../protocol/errors.js';
import { createSeededRng } from '../../../../protocol/rng.js';
import {
  deviceIdFromPublicKey,
  handshakeTranscript,
  parseDevicePublicKey,
  signDeviceTranscript,
  verifyDeviceSignature,
} from '../../../../protocol/wire/handshake.js';

const rng = createSeededRng('tests/wire/handshake');
const secretKey = p256.utils.randomSecretKey(rng(48));
const raw = p256.getPublicKey(secretKey, false);
const spki = new Uint8Array([...fromHex('3059301306072a8648ce3d020106082a8648ce3d030107034200'), ...raw]);
const base = {
  mode: 'authenticate' as const,
  nonce: '42'.repeat(32),
  origin: 'http://127.0.0.1:1',
  deviceId: deviceIdFromPublicKey(raw),
  customerId: 'cust-1',
};

describe('device public keys', () => {
  it('accepts raw and SPKI encodings and returns the raw point', () => {
    expect(toHex(parseDevicePublicKey(raw))).toBe(toHex(raw));
    expect(toHex(parseDevicePublicKey(toHex(spki)))).toBe(toHex(raw));
  });
  it('refuses a compressed point', () => {
    expect(() => parseDevicePublicKey(p256.getPublicKey(secretKey, true))).toThrow(InvalidArgumentError);
  });
  it('refuses a point off the curve', () => {
    const bad = raw.slice();
    bad[64] = (bad[64] as number) ^ 1;
    expect(() => parseDevicePublicKey(bad)).toThrow(/point on P-256/);
  });
  it('refuses an SPKI of another curve', () => {
    const other = spki.slice();
    other[20] = 0x22; // changes the curve OID
    expect(() => parseDevicePublicKey(other)).toThrow(/prime256v1/);
  });
  it('derives a stable device id from the key', () => {
    expect(deviceIdFromPublicKey(raw)).toMatch(/^dev_[0-9a-f]{32}$/);
    expect(deviceIdFromPublicKey(parseDevicePublicKey(spki))).toBe(deviceIdFromPublicKey(raw));
  });
});

describe('handshake transcript and signatures', () => {
  it('verifies a WebCrypto-style raw r‖s signature', async () => {
    const transcript = handshakeTranscript(base);
    expect(verifyDeviceSignature(raw, transcript, signDeviceTranscript(secretKey, transcript))).toBe(true);
  });
  it('verifies a signature made by WebCrypto itself', async () => {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const pub = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    const transcript = handshakeTranscript({ ...base, deviceId: deviceIdFromPublicKey(pub) });
    // Several signatures so high-s values (which WebCrypto does not normalise) are covered.
    for (let i = 0; i < 8; i++) {
      const sig = new Uint8Array(
        await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, transcript as BufferSource),
      );
      expect(verifyDeviceSignature(pub, transcript, sig)).toBe(true);
    }
  });
  it('binds the nonce', () => {
    const sig = signDeviceTranscript(secretKey, handshakeTranscript(base));
    expect(verifyDeviceSignature(raw, handshakeTranscript({ ...base, nonce: '43'.repeat(32) }), sig)).toBe(false);
  });
  it('binds the origin', () => {
    const sig = signDeviceTranscript(secretKey, handshakeTranscript(base));
    expect(verifyDeviceSignature(raw, handshakeTranscript({ ...base, origin: 'https://evil.example' }), sig)).toBe(
      false,
    );
  });
  it('binds the customer', () => {
    const sig = signDeviceTranscript(secretKey, handshakeTranscript(base));
    expect(verifyDeviceSignature(raw, handshakeTranscript({ ...base, customerId: 'cust-2' }), sig)).toBe(false);
  });
  it('binds the mode', () => {
    const transcript = handshakeTranscript(base);
    const register = handshakeTranscript({ ...base, mode: 'register', challengeId: 'ch', publicKey: toHex(raw) });
    expect(verifyDeviceSignature(raw, register, signDeviceTranscript(secretKey, transcript))).toBe(false);
  });
  it('refuses another key', () => {
    const transcript = handshakeTranscript(base);
    const other = p256.getPublicKey(p256.utils.randomSecretKey(rng(48)), false);
    expect(verifyDeviceSignature(other, transcript, signDeviceTranscript(secretKey, transcript))).toBe(false);
  });
  it('refuses a signature of the wrong length', () => {
    const transcript = handshakeTranscript(base);
    expect(verifyDeviceSignature(raw, transcript, signDeviceTranscript(secretKey, transcript).subarray(0, 63))).toBe(
      false,
    );
  });
  it('requires challenge and key when registering', () => {
    expect(() => handshakeTranscript({ ...base, mode: 'register' })).toThrow(InvalidArgumentError);
  });
});
