/**
 * EVM addresses: the last 20 bytes of Keccak-256 over the uncompressed public key (without the 0x04
 * prefix), written with the EIP-55 mixed-case checksum.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { InvalidArgumentError } from '../../errors.js';
import { describe } from './hex.js';

export type EvmAddress = `0x${string}`;

/** Address of a secp256k1 public key (33-byte compressed or 65-byte uncompressed). */
export function evmAddressFromPublicKey(publicKey: Uint8Array): EvmAddress {
  let point: ReturnType<typeof secp256k1.Point.fromBytes>;
  try {
    point = secp256k1.Point.fromBytes(publicKey);
  } catch {
    throw new InvalidArgumentError('publicKey', 'a secp256k1 point (33 or 65 bytes)', `${publicKey.length} bytes`);
  }
  const uncompressed = point.toBytes(false);
  return checksumEvmAddress(`0x${bytesToHex(keccak_256(uncompressed.subarray(1)).subarray(12))}`);
}

/** EIP-55: each hex letter is upper-case when the matching nibble of keccak(lower-case hex) is ≥ 8. */
export function checksumEvmAddress(address: string): EvmAddress {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) {
    throw new InvalidArgumentError('address', '0x followed by 40 hex digits', describe(address));
  }
  const lower = address.slice(2).toLowerCase();
  const hash = bytesToHex(keccak_256(utf8ToBytes(lower)));
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const c = lower[i] as string;
    out += Number.parseInt(hash[i] as string, 16) >= 8 ? c.toUpperCase() : c;
  }
  return out as EvmAddress;
}

/**
 * Accepts an all-lower or all-upper address, or a mixed-case one whose EIP-55 checksum is right
 * (a mixed-case typo is refused rather than silently "fixed"). Returns the checksummed form.
 */
export function parseEvmAddress(value: unknown, field = 'address'): EvmAddress {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(value)) {
    throw new InvalidArgumentError(field, '0x followed by 40 hex digits', describe(value));
  }
  const body = value.slice(2);
  const checksummed = checksumEvmAddress(value);
  if (body !== body.toLowerCase() && body !== body.toUpperCase() && checksummed !== value) {
    throw new InvalidArgumentError(field, 'a valid EIP-55 checksum (mixed case must match)', value);
  }
  return checksummed;
}

export function isEvmAddress(value: unknown): value is EvmAddress {
  try {
    parseEvmAddress(value);
    return true;
  } catch {
    return false;
  }
}
