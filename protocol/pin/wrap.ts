/**
 * The wrapped Node 1 bundle (`wrappedSecret`): AES-256-GCM through WebCrypto under a key derived
 * from the method's root key, with every public parameter (method, customer, KDF parameters, guard
 * key, epoch, questions) in the additional data. Altering any header field, the IV, the tag or the
 * ciphertext makes decryption fail; a downgraded or huge Argon2 setting is refused before any work.
 *
 * The format is JSON-safe and versioned, so it is stored as-is on the device and on the relay.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { fromHex, isHex, toHex, utf8ToBytes, wipe } from '../bytes.js';
import { InvalidArgumentError, InvalidMessageError } from '../errors.js';
import type { Rng } from '../rng.js';
import { encodeTranscript, type TranscriptPart } from '../transcript.js';
import { type Argon2Bounds, type Argon2Params, PRODUCTION_ARGON2_BOUNDS, parseArgon2Params } from './argon2.js';
import { Argon2ParamsError, UnwrapError } from './errors.js';
import { type GuardPublicKey, isCustomerId, parseGuardPublicKey } from './oprf.js';

export const WRAPPED_SECRET_FORMAT = 'tandem/wrapped-secret' as const;
export const WRAPPED_SECRET_VERSION = 1 as const;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
/** Generous ceiling for a Node 1 bundle (shares of every family, k_C, metadata). */
export const MAX_PLAINTEXT_BYTES = 1 << 20;
export const KDF_SALT_BYTES = 16;

export type WrapMethod = 'pin' | 'questions' | 'email' | 'kit';

/** Argon2id + guard POPRF (PIN and security questions). */
export interface GuardedKdf {
  kind: 'argon2id+poprf';
  argon2: Argon2Params;
  guard: GuardPublicKey;
  /** The guard enrolment epoch the POPRF info was bound to. */
  epoch: number;
  /** Security questions only: the three prompts, in order (public, shown to the user). */
  questions?: string[];
}

/** Email recovery: key part held by the relay, released after the emailed code. */
export interface RelayKeyPartKdf {
  kind: 'relay-key-part';
  saltHex: string;
}

/** Recovery kit: the high-entropy code the user saved. */
export interface RecoveryKitKdf {
  kind: 'recovery-kit';
  saltHex: string;
}

export type WrapKdf = GuardedKdf | RelayKeyPartKdf | RecoveryKitKdf;

export interface WrappedSecret {
  format: typeof WRAPPED_SECRET_FORMAT;
  v: typeof WRAPPED_SECRET_VERSION;
  method: WrapMethod;
  customerId: string;
  kdf: WrapKdf;
  /** 12 random bytes, hex. */
  iv: string;
  /** AES-256-GCM ciphertext followed by its 16-byte tag, hex. */
  ciphertext: string;
}

/** Everything but the IV and ciphertext. */
export type WrapHeader = Pick<WrappedSecret, 'method' | 'customerId' | 'kdf'>;

const KDF_KIND_FOR: Record<WrapMethod, WrapKdf['kind']> = {
  pin: 'argon2id+poprf',
  questions: 'argon2id+poprf',
  email: 'relay-key-part',
  kit: 'recovery-kit',
};

function bad(field: string, expected: string, got?: string): InvalidMessageError {
  return new InvalidMessageError({ from: 'unknown', field, expected, ...(got === undefined ? {} : { got }) });
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `${value.length} chars` : typeof value;
}

function assertOnlyKeys(record: Record<string, unknown>, allowed: readonly string[], prefix: string): void {
  const extra = Object.keys(record).find((k) => !allowed.includes(k));
  if (extra !== undefined) throw bad(`${prefix}${extra}`, 'no such field');
}

function asRecord(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(field, 'an object', typeof value);
  return value as Record<string, unknown>;
}

function parseQuestions(value: unknown): string[] {
  if (!Array.isArray(value) || value.length !== 3) throw bad('kdf.questions', 'an array of 3 prompts');
  return value.map((q, i) => {
    if (typeof q !== 'string' || q.trim().length === 0 || q.length > 200) {
      throw bad(`kdf.questions[${i}]`, 'a non-empty prompt of at most 200 characters', describe(q));
    }
    return q;
  });
}

function parseKdf(method: WrapMethod, value: unknown, bounds: Argon2Bounds): WrapKdf {
  const kdf = asRecord(value, 'kdf');
  if (kdf.kind !== KDF_KIND_FOR[method]) throw bad('kdf.kind', `"${KDF_KIND_FOR[method]}" for method ${method}`);
  if (kdf.kind === 'argon2id+poprf') {
    assertOnlyKeys(
      kdf,
      method === 'questions' ? ['kind', 'argon2', 'guard', 'epoch', 'questions'] : ['kind', 'argon2', 'guard', 'epoch'],
      'kdf.',
    );
    // Argon2ParamsError is the typed refusal for downgrade/huge values; let it through unchanged.
    const argon2 = parseArgon2Params(kdf.argon2, bounds);
    const guard = parseGuardPublicKey(kdf.guard);
    if (typeof kdf.epoch !== 'number' || !Number.isSafeInteger(kdf.epoch) || kdf.epoch < 1 || kdf.epoch > 0xffffffff) {
      throw bad('kdf.epoch', 'an integer epoch ≥ 1', String(kdf.epoch));
    }
    const parsed: GuardedKdf = { kind: 'argon2id+poprf', argon2, guard, epoch: kdf.epoch };
    if (method === 'questions') parsed.questions = parseQuestions(kdf.questions);
    return parsed;
  }
  assertOnlyKeys(kdf, ['kind', 'saltHex'], 'kdf.');
  if (!isHex(kdf.saltHex, KDF_SALT_BYTES))
    throw bad('kdf.saltHex', `${KDF_SALT_BYTES} bytes of hex`, describe(kdf.saltHex));
  return { kind: kdf.kind as 'relay-key-part' | 'recovery-kit', saltHex: kdf.saltHex };
}

/**
 * Validates a wrapped secret read from storage or received from the relay. Throws
 * `InvalidMessageError` naming the field, or `Argon2ParamsError` for refused Argon2 parameters.
 */
export function parseWrappedSecret(value: unknown, options: { argon2Bounds?: Argon2Bounds } = {}): WrappedSecret {
  const record = asRecord(value, 'wrappedSecret');
  assertOnlyKeys(record, ['format', 'v', 'method', 'customerId', 'kdf', 'iv', 'ciphertext'], '');
  if (record.format !== WRAPPED_SECRET_FORMAT) throw bad('format', `"${WRAPPED_SECRET_FORMAT}"`, String(record.format));
  if (record.v !== WRAPPED_SECRET_VERSION) throw bad('v', `${WRAPPED_SECRET_VERSION}`, String(record.v));
  const method = record.method;
  if (method !== 'pin' && method !== 'questions' && method !== 'email' && method !== 'kit') {
    throw bad('method', 'one of pin, questions, email, kit', String(method));
  }
  if (!isCustomerId(record.customerId)) throw bad('customerId', 'a customer id', describe(record.customerId));
  const kdf = parseKdf(method, record.kdf, options.argon2Bounds ?? PRODUCTION_ARGON2_BOUNDS);
  if (!isHex(record.iv, IV_BYTES)) throw bad('iv', `${IV_BYTES} bytes of hex`, describe(record.iv));
  const ct = record.ciphertext;
  if (!isHex(ct) || ct.length < TAG_BYTES * 2 || ct.length > (MAX_PLAINTEXT_BYTES + TAG_BYTES) * 2) {
    throw bad('ciphertext', `hex of ${TAG_BYTES}..${MAX_PLAINTEXT_BYTES + TAG_BYTES} bytes`, describe(ct));
  }
  return {
    format: WRAPPED_SECRET_FORMAT,
    v: WRAPPED_SECRET_VERSION,
    method,
    customerId: record.customerId,
    kdf,
    iv: record.iv,
    ciphertext: ct,
  };
}

/** The additional data: an unambiguous encoding of every header field, in a fixed order. */
export function wrapAad(header: WrapHeader): Uint8Array {
  const { kdf } = header;
  const parts: TranscriptPart[] = [String(WRAPPED_SECRET_VERSION), header.method, header.customerId, kdf.kind];
  if (kdf.kind === 'argon2id+poprf') {
    const a = kdf.argon2;
    parts.push(a.algorithm, a.version, a.memoryKiB, a.iterations, a.parallelism, a.saltHex);
    parts.push(kdf.guard.suite, kdf.guard.publicKey, kdf.guard.keyId, kdf.epoch);
    for (const q of kdf.questions ?? []) parts.push(q);
  } else {
    parts.push(kdf.saltHex);
  }
  return encodeTranscript('tandem/wrapped-secret/v1/aad', parts);
}

/** K_wrap = HKDF(root key, "wrap-key" ‖ customer ‖ method): separate from every other use of the root key. */
export function deriveWrapKey(rootKey: Uint8Array, customerId: string, method: WrapMethod): Uint8Array {
  if (!(rootKey instanceof Uint8Array) || rootKey.length !== 32) {
    throw new InvalidArgumentError(
      'rootKey',
      '32 bytes',
      rootKey instanceof Uint8Array ? `${rootKey.length} bytes` : typeof rootKey,
    );
  }
  return hkdf(sha256, rootKey, undefined, encodeTranscript('tandem/pin/v1/wrap-key', [customerId, method]), 32);
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new InvalidArgumentError('globalThis.crypto.subtle', 'WebCrypto (browser or Node ≥ 20)', 'missing');
  return s;
}

async function importAesKey(raw: Uint8Array, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  return subtle().importKey('raw', raw as Uint8Array<ArrayBuffer>, { name: 'AES-GCM' }, false, [usage]);
}

/** Encrypts `plaintext` (bytes, or any JSON value) under the method's root key. */
export async function wrapBundle(
  plaintext: Uint8Array | unknown,
  rootKey: Uint8Array,
  header: WrapHeader,
  rng: Rng,
  options: { argon2Bounds?: Argon2Bounds } = {},
): Promise<WrappedSecret> {
  const bytes = plaintext instanceof Uint8Array ? plaintext : utf8ToBytes(JSON.stringify(plaintext));
  if (bytes.length > MAX_PLAINTEXT_BYTES) {
    throw new InvalidArgumentError('plaintext', `at most ${MAX_PLAINTEXT_BYTES} bytes`, `${bytes.length} bytes`);
  }
  if (!isCustomerId(header.customerId))
    throw new InvalidArgumentError('customerId', 'a customer id', header.customerId);
  const wrapKey = deriveWrapKey(rootKey, header.customerId, header.method);
  const iv = rng(IV_BYTES);
  try {
    const key = await importAesKey(wrapKey, 'encrypt');
    const ct = await subtle().encrypt(
      {
        name: 'AES-GCM',
        iv: iv as Uint8Array<ArrayBuffer>,
        additionalData: wrapAad(header) as Uint8Array<ArrayBuffer>,
        tagLength: 128,
      },
      key,
      bytes as Uint8Array<ArrayBuffer>,
    );
    const wrapped = {
      format: WRAPPED_SECRET_FORMAT,
      v: WRAPPED_SECRET_VERSION,
      method: header.method,
      customerId: header.customerId,
      kdf: header.kdf,
      iv: toHex(iv),
      ciphertext: toHex(new Uint8Array(ct)),
    };
    // Validate what we produce exactly as a reader will, so a malformed header fails now and not
    // at the next unlock; this also returns a deep copy detached from the caller's objects.
    return parseWrappedSecret(JSON.parse(JSON.stringify(wrapped)), options);
  } finally {
    wipe(wrapKey);
  }
}

/**
 * Decrypts a wrapped secret that has already been through `parseWrappedSecret`. Throws `UnwrapError`
 * when the key is wrong or anything authenticated was altered.
 */
export async function unwrapBundle(wrapped: WrappedSecret, rootKey: Uint8Array): Promise<Uint8Array> {
  const wrapKey = deriveWrapKey(rootKey, wrapped.customerId, wrapped.method);
  try {
    const key = await importAesKey(wrapKey, 'decrypt');
    const pt = await subtle().decrypt(
      {
        name: 'AES-GCM',
        iv: fromHex(wrapped.iv, 'iv', IV_BYTES) as Uint8Array<ArrayBuffer>,
        additionalData: wrapAad(wrapped) as Uint8Array<ArrayBuffer>,
        tagLength: 128,
      },
      key,
      fromHex(wrapped.ciphertext, 'ciphertext') as Uint8Array<ArrayBuffer>,
    );
    return new Uint8Array(pt);
  } catch (error) {
    if (error instanceof InvalidMessageError || error instanceof Argon2ParamsError) throw error;
    throw new UnwrapError(wrapped.method);
  } finally {
    wipe(wrapKey);
  }
}

/** `unwrapBundle` for bundles that were wrapped from a JSON value. */
export async function unwrapBundleJson<T = unknown>(wrapped: WrappedSecret, rootKey: Uint8Array): Promise<T> {
  const bytes = await unwrapBundle(wrapped, rootKey);
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as T;
  } finally {
    wipe(bytes);
  }
}
