/**
 * The relay master key (DESIGN.md §2): every server key share and k_S is sealed under it before it
 * reaches the database. It comes from `TANDEM_MASTER_KEY` (32 bytes as 64 hex chars or base64), or
 * from `<dataDir>/master.key`, created on first start with mode 0600. A key file that the group or
 * others can read is refused: anyone who can read it and the database has every server share.
 *
 * The key id (a hash of the key, never the key) is stored with each sealed value, so a rotation can
 * find what is still sealed under an old key and a wrong key is reported as such, not as tampering.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '../../protocol/bytes.js';
import { taggedHash } from '../../protocol/transcript.js';

export const MASTER_KEY_BYTES = 32;
export const MASTER_KEY_FILE = 'master.key';

export interface MasterKey {
  /** 8-byte hex id derived from the key (public). */
  readonly id: string;
  /** SECRET: the 32-byte key. */
  readonly key: Uint8Array;
  /** Where it came from, for the start-up log (never the key itself). */
  readonly source: 'env' | 'file-created' | 'file';
}

/** Current key plus retired keys still able to open old values (rotation). */
export interface MasterKeyRing {
  readonly current: MasterKey;
  readonly retired: readonly MasterKey[];
}

export class MasterKeyError extends Error {
  override readonly name = 'MasterKeyError';
}

export function masterKeyId(key: Uint8Array): string {
  return toHex(taggedHash('tandem/relay/master-key-id/v1', key).subarray(0, 8));
}

/** Decodes 64 hex chars or base64/base64url of exactly 32 bytes. */
export function decodeMasterKey(text: string, source: string): Uint8Array {
  const trimmed = text.trim();
  let bytes: Uint8Array | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) bytes = Uint8Array.from(Buffer.from(trimmed, 'hex'));
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    bytes = Uint8Array.from(Buffer.from(trimmed.replaceAll('-', '+').replaceAll('_', '/'), 'base64'));
  }
  if (!bytes || bytes.length !== MASTER_KEY_BYTES) {
    throw new MasterKeyError(`${source} must be ${MASTER_KEY_BYTES} bytes as 64 hex characters or base64`);
  }
  return bytes;
}

function fromBytes(key: Uint8Array, source: MasterKey['source']): MasterKey {
  return { id: masterKeyId(key), key, source };
}

/**
 * Loads the master key: `envValue` when set, else the key file in `dataDir` (created with 0600 when
 * absent). Throws MasterKeyError on a malformed key or a key file readable by group/others.
 */
export function loadMasterKey(options: { envValue?: string | undefined; dataDir: string }): MasterKey {
  if (options.envValue) return fromBytes(decodeMasterKey(options.envValue, 'TANDEM_MASTER_KEY'), 'env');
  const path = join(options.dataDir, MASTER_KEY_FILE);
  if (!existsSync(path)) {
    mkdirSync(options.dataDir, { recursive: true });
    const key = Uint8Array.from(randomBytes(MASTER_KEY_BYTES));
    let fd: number;
    try {
      // 'wx': fail if another process created it in the meantime; mode applies at creation.
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return readKeyFile(path);
    }
    try {
      writeSync(fd, `${toHex(key)}\n`);
    } finally {
      closeSync(fd);
    }
    return fromBytes(key, 'file-created');
  }
  return readKeyFile(path);
}

function readKeyFile(path: string): MasterKey {
  const stat = statSync(path);
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new MasterKeyError(
      `refusing to start: ${path} is readable or writable by group/others (mode ${(stat.mode & 0o777).toString(8)}); run chmod 600 on it`,
    );
  }
  return fromBytes(decodeMasterKey(readFileSync(path, 'utf8'), path), 'file');
}
