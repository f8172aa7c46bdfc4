import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDeviceKey, type DeviceKeyStore } from '../../../../extension/background/device-key.js';
import { deviceIdFromPublicKey, verifyDeviceSignature } from '../../../../protocol/wire/handshake.js';

const subtle = webcrypto.subtle as unknown as SubtleCrypto;

/** An in-memory store with IndexedDB's `add` semantics (first writer wins). */
class MemoryKeyStore implements DeviceKeyStore {
  pair: CryptoKeyPair | undefined;
  adds = 0;
  async get() {
    return this.pair;
  }
  async add(pair: CryptoKeyPair) {
    this.adds += 1;
    if (this.pair) return false;
    this.pair = pair;
    return true;
  }
}

describe('device key', () => {
  it('makes a P-256 pair whose private key is not extractable', async () => {
    const store = new MemoryKeyStore();
    const key = createDeviceKey({ store, subtle });
    await key.publicKeyRaw();
    expect(store.pair?.privateKey.extractable).toBe(false);
    expect(store.pair?.privateKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    await expect(subtle.exportKey('pkcs8', store.pair!.privateKey)).rejects.toThrow();
  });

  it('exports the public key raw (65 bytes) and as SPKI (91 bytes) for registration', async () => {
    const key = createDeviceKey({ store: new MemoryKeyStore(), subtle });
    const raw = await key.publicKeyRaw();
    const spki = await key.publicKeySpki();
    expect(raw.length).toBe(65);
    expect(raw[0]).toBe(4);
    expect(spki.length).toBe(91);
    expect(spki.subarray(26)).toEqual(raw);
    expect(await key.deviceId()).toBe(deviceIdFromPublicKey(raw));
  });

  it('signs handshake bytes as 64-byte r‖s that the relay-side verifier accepts', async () => {
    const key = createDeviceKey({ store: new MemoryKeyStore(), subtle });
    const transcript = new TextEncoder().encode('tandem handshake transcript');
    const signature = await key.sign(transcript);
    expect(signature.length).toBe(64);
    expect(verifyDeviceSignature(await key.publicKeyRaw(), transcript, signature)).toBe(true);
    const other = new TextEncoder().encode('another transcript');
    expect(verifyDeviceSignature(await key.publicKeyRaw(), other, signature)).toBe(false);
  });

  it('creates the key once and reuses the stored one after a restart', async () => {
    const store = new MemoryKeyStore();
    const first = await createDeviceKey({ store, subtle }).publicKeyRaw();
    const again = await createDeviceKey({ store, subtle }).publicKeyRaw();
    expect(again).toEqual(first);
    expect(store.adds).toBe(1);
  });

  it('ends with one key when two fresh workers race to create it', async () => {
    const store = new MemoryKeyStore();
    const [a, b] = await Promise.all([
      createDeviceKey({ store, subtle }).publicKeyRaw(),
      createDeviceKey({ store, subtle }).publicKeyRaw(),
    ]);
    expect(a).toEqual(b);
  });
});
