/**
 * SLIP-0010 hierarchical derivation for ed25519 (https://github.com/satoshilabs/slips/blob/master/slip-0010.md),
 * the scheme Phantom (Solana) and near-seed-phrase (NEAR) use on a BIP39 seed.
 *
 *   master:  I = HMAC-SHA512(key = "ed25519 seed", data = seed); k = I_L, c = I_R
 *   child:   I = HMAC-SHA512(key = c_par, data = 0x00 ‖ k_par ‖ ser32(i)), i ≥ 2^31 (hardened only:
 *            ed25519 has no public derivation in SLIP-0010); k = I_L, c = I_R
 * The 32-byte k is an RFC 8032 *seed* (not a scalar), which is what wallets import.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, u32be, utf8ToBytes, wipe } from '../bytes.js';
import { InvalidArgumentError } from '../errors.js';

export const HARDENED_OFFSET = 0x80000000;

export interface Slip10Node {
  /** SECRET: 32-byte ed25519 seed (RFC 8032 private key). */
  key: Uint8Array;
  chainCode: Uint8Array;
}

export function slip10Master(seed: Uint8Array): Slip10Node {
  if (!(seed instanceof Uint8Array) || seed.length < 16 || seed.length > 64)
    throw new InvalidArgumentError('seed', '16 to 64 bytes');
  const I = hmac(sha512, utf8ToBytes('ed25519 seed'), seed);
  const node = { key: I.slice(0, 32), chainCode: I.slice(32) };
  wipe(I);
  return node;
}

export function slip10Child(parent: Slip10Node, index: number): Slip10Node {
  if (!Number.isSafeInteger(index) || index < HARDENED_OFFSET || index > 0xffffffff)
    throw new InvalidArgumentError(
      'index',
      'a hardened index (2^31 ≤ i < 2^32); ed25519 has no public derivation',
      String(index),
    );
  const data = concatBytes(new Uint8Array([0]), parent.key, u32be(index));
  const I = hmac(sha512, parent.chainCode, data);
  const node = { key: I.slice(0, 32), chainCode: I.slice(32) };
  wipe(I, data);
  return node;
}

/** Parses "m/44'/501'/0'/0'" (also accepts h/H for hardened) into indices; every level must be hardened. */
export function parseSlip10Path(path: string): number[] {
  if (typeof path !== 'string' || !/^m(\/\d+['hH])*$/.test(path))
    throw new InvalidArgumentError(
      'path',
      "a hardened path like m/44'/501'/0'/0'",
      typeof path === 'string' ? path : typeof path,
    );
  return path
    .split('/')
    .slice(1)
    .map((level) => {
      const n = Number(level.slice(0, -1));
      if (!Number.isSafeInteger(n) || n >= HARDENED_OFFSET)
        throw new InvalidArgumentError('path', 'indices below 2^31', level);
      return n + HARDENED_OFFSET;
    });
}

/** Derives the node at `path` from a BIP39 seed; intermediate keys are wiped (best effort). */
export function slip10Derive(seed: Uint8Array, path: string): Slip10Node {
  const indices = parseSlip10Path(path);
  let node = slip10Master(seed);
  for (const index of indices) {
    const next = slip10Child(node, index);
    wipe(node.key, node.chainCode);
    node = next;
  }
  return node;
}
