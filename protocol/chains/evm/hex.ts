/** 0x-prefixed hex as EVM tooling writes it (addresses, calldata, hashes). */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { InvalidArgumentError } from '../../errors.js';

const PREFIXED_HEX_RE = /^0x(?:[0-9a-fA-F]{2})*$/;

export function to0x(bytes: Uint8Array): `0x${string}` {
  return `0x${bytesToHex(bytes)}`;
}

/** Decodes 0x-hex (either case); `bytes` pins the length. */
export function from0x(value: unknown, field: string, bytes?: number): Uint8Array {
  if (typeof value !== 'string' || !PREFIXED_HEX_RE.test(value)) {
    throw new InvalidArgumentError(field, '0x-prefixed hex with an even number of digits', describe(value));
  }
  const out = hexToBytes(value.slice(2).toLowerCase());
  if (bytes !== undefined && out.length !== bytes) {
    throw new InvalidArgumentError(field, `${bytes} bytes`, `${out.length} bytes`);
  }
  return out;
}

/** Big-endian minimal encoding of a non-negative integer (0 → empty), as RLP wants quantities. */
export function bigintToMinimalBytes(n: bigint): Uint8Array {
  if (n < 0n) throw new InvalidArgumentError('quantity', 'a non-negative integer', n.toString());
  if (n === 0n) return new Uint8Array(0);
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return hexToBytes(hex);
}

export function bytesToBigint(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytesToHex(bytes)}`);
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return value.length > 80 ? `${value.length} chars` : JSON.stringify(value);
  return typeof value;
}
