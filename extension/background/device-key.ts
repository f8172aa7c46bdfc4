/**
 * The device key (DESIGN.md §6): a WebCrypto ECDSA P-256 key pair made once per browser profile, whose
 * private half is non-extractable, so no script — ours included — can read it out; it can only sign.
 * It authenticates this device to the relay in the MPC WebSocket handshake (protocol/wire/handshake.ts).
 *
 * CryptoKey objects cannot go into `chrome.storage` (JSON only) but are structured-cloneable, so the
 * pair is kept in IndexedDB, which stores the key without ever exposing its bytes.
 */
import { toHex } from '../../protocol/bytes.js';
import { deviceIdFromPublicKey } from '../../protocol/wire/handshake.js';

export const DEVICE_KEY_DB = 'tandem';
export const DEVICE_KEY_STORE = 'device-key';
const RECORD_KEY = 'current';

const KEY_ALGORITHM: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGN_ALGORITHM: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

/** Where the key pair is kept. `add` stores only if no pair exists yet and says whether it did. */
export interface DeviceKeyStore {
  get(): Promise<CryptoKeyPair | undefined>;
  add(pair: CryptoKeyPair): Promise<boolean>;
}

export interface DeviceKey {
  /** Raw uncompressed public key (65 bytes: 0x04 ‖ x ‖ y), for registration. */
  publicKeyRaw(): Promise<Uint8Array>;
  /** SubjectPublicKeyInfo DER (91 bytes). */
  publicKeySpki(): Promise<Uint8Array>;
  /** `dev_…`, derived from the public key exactly as the relay derives it. */
  deviceId(): Promise<string>;
  /** ECDSA P-256 over SHA-256(`message`): raw r ‖ s, 64 bytes (s is not normalised). */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/**
 * The device key, created on first use. Concurrent first uses (two messages waking a fresh worker)
 * make one key: the store's `add` refuses a second pair and the loser reads the winner's.
 */
export function createDeviceKey(deps: { store: DeviceKeyStore; subtle: SubtleCrypto }): DeviceKey {
  let pair: Promise<CryptoKeyPair> | undefined;

  async function loadOrCreate(): Promise<CryptoKeyPair> {
    const existing = await deps.store.get();
    if (existing) return existing;
    const fresh = (await deps.subtle.generateKey(KEY_ALGORITHM, false, ['sign', 'verify'])) as CryptoKeyPair;
    if (await deps.store.add(fresh)) return fresh;
    const winner = await deps.store.get();
    if (!winner) throw new Error('the device key store refused a key but holds none');
    return winner;
  }

  function keys(): Promise<CryptoKeyPair> {
    pair ??= loadOrCreate().catch((error) => {
      pair = undefined;
      throw error;
    });
    return pair;
  }

  const exportPublic = async (format: 'raw' | 'spki') =>
    new Uint8Array(await deps.subtle.exportKey(format, (await keys()).publicKey));

  return {
    publicKeyRaw: () => exportPublic('raw'),
    publicKeySpki: () => exportPublic('spki'),
    deviceId: async () => deviceIdFromPublicKey(await exportPublic('raw')),
    async sign(message) {
      const signature = await deps.subtle.sign(SIGN_ALGORITHM, (await keys()).privateKey, Uint8Array.from(message));
      return new Uint8Array(signature);
    },
  };
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** The IndexedDB store (database `tandem`, object store `device-key`, one record). */
export function createIndexedDbKeyStore(idb: IDBFactory): DeviceKeyStore {
  let db: Promise<IDBDatabase> | undefined;
  function open(): Promise<IDBDatabase> {
    db ??= new Promise((resolve, reject) => {
      const req = idb.open(DEVICE_KEY_DB, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(DEVICE_KEY_STORE);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    return db;
  }
  return {
    async get() {
      const tx = (await open()).transaction(DEVICE_KEY_STORE, 'readonly');
      const value = await request(tx.objectStore(DEVICE_KEY_STORE).get(RECORD_KEY));
      return isKeyPair(value) ? value : undefined;
    },
    async add(pair) {
      const tx = (await open()).transaction(DEVICE_KEY_STORE, 'readwrite');
      try {
        // `add` (not `put`) fails with ConstraintError when a pair is already stored: first writer wins.
        await request(tx.objectStore(DEVICE_KEY_STORE).add(pair, RECORD_KEY));
        return true;
      } catch (error) {
        if (error instanceof DOMException && error.name === 'ConstraintError') return false;
        throw error;
      }
    },
  };
}

function isKeyPair(value: unknown): value is CryptoKeyPair {
  if (typeof value !== 'object' || value === null) return false;
  const { publicKey, privateKey } = value as Record<string, unknown>;
  return publicKey instanceof CryptoKey && privateKey instanceof CryptoKey;
}

/** Hex of the raw public key, the form the handshake message carries. */
export async function devicePublicKeyHex(key: DeviceKey): Promise<string> {
  return toHex(await key.publicKeyRaw());
}
