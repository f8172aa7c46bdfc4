/**
 * The guard's POPRF key at rest: a JSON key file created with mode 0600 (refused when group- or
 * world-readable), or hex in an environment variable. The secret never reaches a log line; only
 * the key id (a public fingerprint) is printed.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fromHex, isHex, toHex } from '../../protocol/bytes.js';
import { deriveGuardKeyPair, guardPublicKeyFromSecret, OPRF_SUITE } from '../../protocol/pin/oprf.js';
import { type Rng, secureRng } from '../../protocol/rng.js';

export interface GuardKeyFile {
  suite: typeof OPRF_SUITE;
  keyId: string;
  secretKey: string;
}

export class GuardKeyError extends Error {
  override readonly name = 'GuardKeyError';
}

function fromSecret(secret: Uint8Array, source: string): Uint8Array {
  try {
    guardPublicKeyFromSecret(secret);
  } catch {
    throw new GuardKeyError(`${source}: not a valid P-256 secret scalar`);
  }
  return secret;
}

/** Parses a 64-hex-character secret from the environment (PIN_GUARD_KEY). */
export function guardKeyFromHex(value: string, source = 'PIN_GUARD_KEY'): Uint8Array {
  if (!isHex(value.trim(), 32)) throw new GuardKeyError(`${source}: expected 32 bytes of lower-case hex`);
  return fromSecret(fromHex(value.trim(), source, 32), source);
}

/**
 * Reads the key file, or creates it (0600, exclusive create) with a fresh key when absent.
 * Refuses a file other users can read, or whose recorded key id does not match its secret.
 */
export function loadOrCreateGuardKey(path: string, rng: Rng = secureRng): { secretKey: Uint8Array; created: boolean } {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const { secretKey, guard } = deriveGuardKeyPair(rng(32));
    const file: GuardKeyFile = { suite: OPRF_SUITE, keyId: guard.keyId, secretKey: toHex(secretKey) };
    writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600); // in case the umask widened nothing but the platform ignored `mode`
    return { secretKey, created: true };
  }
  const mode = statSync(path).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new GuardKeyError(`${path}: permissions ${mode.toString(8)} let other users read the key; chmod 600 it`);
  }
  let parsed: Partial<GuardKeyFile>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<GuardKeyFile>;
  } catch {
    throw new GuardKeyError(`${path}: not a JSON key file`);
  }
  if (parsed.suite !== OPRF_SUITE || typeof parsed.secretKey !== 'string') {
    throw new GuardKeyError(`${path}: expected {"suite":"${OPRF_SUITE}","keyId":…,"secretKey":…}`);
  }
  const secretKey = guardKeyFromHex(parsed.secretKey, path);
  if (guardPublicKeyFromSecret(secretKey).keyId !== parsed.keyId) {
    throw new GuardKeyError(`${path}: keyId does not match the secret key (file edited or corrupted)`);
  }
  return { secretKey, created: false };
}
