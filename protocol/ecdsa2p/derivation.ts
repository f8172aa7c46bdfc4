/**
 * Non-hardened BIP32 derivation on additive shares (mpc-design §3.1). Both parties compute the child
 * public key and the accumulated tweak t = Σ IL from public data (X, chain code); only the client
 * adds t to its share, so x_C + t + x_S is the child secret key and X + t·G the child public key.
 *
 * Hardened indices need ser256(k_par) inside the HMAC, i.e. the whole key, so they are refused: the
 * MPC root plays the role of an account-level node (for BIP44 `m/44'/60'/0'`).
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, toHex, u32be } from '../bytes.js';
import { baseMultiplyPublicK1 } from '../curves/secp256k1-base.js';
import { InvalidArgumentError } from '../errors.js';
import { LruCache } from '../lru-cache.js';
import { Fn, type Point } from './group.js';

/** First hardened index, 2^31 (BIP32). */
export const HARDENED_OFFSET = 0x80000000;
/** BIP32 serialises the depth in one byte. */
export const MAX_DERIVATION_DEPTH = 255;

export interface DerivedKey {
  /** Child public key X + t·G. */
  publicKey: Point;
  chainCode: Uint8Array;
  /** Accumulated tweak t = Σ IL (mod n); only the client adds it to its share. */
  tweak: bigint;
  /**
   * Indices actually used at each level. They differ from the requested ones only in the
   * ~2^-127-probable case where BIP32 declares an index invalid and we move on to the next one.
   */
  indices: number[];
}

/**
 * Parses `m`, `m/0/5`, … into non-hardened indices. Hardened steps (`0'`, `0h`, or values ≥ 2^31)
 * are rejected with an error that says why.
 */
export function parseDerivationPath(path: string): number[] {
  if (typeof path !== 'string') throw new InvalidArgumentError('path', 'a string such as "m/0/5"', typeof path);
  const parts = path.split('/');
  if (parts[0] !== 'm') throw new InvalidArgumentError('path', 'a path starting with "m"', JSON.stringify(path));
  const levels = parts.slice(1);
  if (levels.length > MAX_DERIVATION_DEPTH) {
    throw new InvalidArgumentError('path', `at most ${MAX_DERIVATION_DEPTH} levels`, `${levels.length}`);
  }
  return levels.map((level, i) => {
    if (/^\d+['hH]$/.test(level)) {
      throw new InvalidArgumentError(
        'path',
        `non-hardened indices only (level ${i + 1} is hardened "${level}"; hardened BIP32 needs the whole key, so the MPC root stands for the account-level node)`,
        JSON.stringify(path),
      );
    }
    if (!/^(0|[1-9]\d{0,9})$/.test(level)) {
      throw new InvalidArgumentError('path', `a decimal index at level ${i + 1}`, JSON.stringify(level));
    }
    return checkIndex(Number(level), i);
  });
}

function checkIndex(index: number, level: number): number {
  if (!Number.isSafeInteger(index) || index < 0 || index >= HARDENED_OFFSET) {
    throw new InvalidArgumentError(
      'path',
      `a non-hardened index below 2^31 at level ${level + 1} (hardened BIP32 needs the whole key)`,
      String(index),
    );
  }
  return index;
}

/** Canonical path string for the indices actually used. */
export function formatDerivationPath(indices: readonly number[]): string {
  return ['m', ...indices.map(String)].join('/');
}

/**
 * CKDpub along `path` from (X, chain). At each level I = HMAC-SHA512(chain, ser_P(K) ‖ ser32(i));
 * when IL ≥ n or the child is the identity, BIP32 says the index is invalid and to "proceed with the
 * next value for i", which both parties do deterministically.
 */
export function deriveNonHardened(
  rootPublicKey: Point,
  rootChainCode: Uint8Array,
  path: string | readonly number[],
): DerivedKey {
  const requested = typeof path === 'string' ? parseDerivationPath(path) : path.map((i, level) => checkIndex(i, level));
  const cacheKey = `${toHex(rootPublicKey.toBytes(true))}:${toHex(rootChainCode)}:${requested.join('/')}`;
  const derived = derivedCache.getOrCompute(cacheKey, () => deriveUncached(rootPublicKey, rootChainCode, requested));
  // Points and bigints are immutable; the byte and index arrays are copied so no caller can alter the entry.
  return { ...derived, chainCode: derived.chainCode.slice(), indices: [...derived.indices] };
}

/**
 * Derivations are public functions of (X, chain code, path), and a relay derives the same few
 * wallet paths for every signature (≈ 0.25 ms each: one HMAC-SHA512, one affine conversion and one
 * G-multiple per level), so the last DERIVED_CACHE_ENTRIES results are kept. Nothing secret is in
 * them: anyone holding the extended public key derives the same.
 */
export const DERIVED_CACHE_ENTRIES = 1024;
const derivedCache = new LruCache<DerivedKey>(DERIVED_CACHE_ENTRIES);

function deriveUncached(rootPublicKey: Point, rootChainCode: Uint8Array, requested: readonly number[]): DerivedKey {
  let key = rootPublicKey;
  let chainCode = rootChainCode;
  let tweak = 0n;
  const indices: number[] = [];
  for (let level = 0; level < requested.length; level++) {
    let index = requested[level] as number;
    for (;;) {
      const I = hmac(sha512, chainCode, concatBytes(key.toBytes(true), u32be(index)));
      const child = childFromHmac(key, I);
      if (child) {
        key = child.key;
        chainCode = I.slice(32);
        tweak = Fn.add(tweak, child.il);
        indices.push(index);
        break;
      }
      index = checkIndex(index + 1, level);
    }
  }
  return { publicKey: key, chainCode, tweak, indices };
}

function childFromHmac(parent: Point, I: Uint8Array): { key: Point; il: bigint } | undefined {
  let il: bigint;
  try {
    il = Fn.fromBytes(I.subarray(0, 32)); // throws when IL ≥ n: the index is invalid, never reduce
  } catch {
    return undefined;
  }
  // IL = 0 gives K' = K, which BIP32 allows; only the identity child is invalid. IL is public (anyone
  // holding the extended public key derives it), so the variable-time multiplication is fine here.
  const key = il === 0n ? parent : parent.add(baseMultiplyPublicK1(il));
  if (key.is0()) return undefined;
  return { key, il };
}
