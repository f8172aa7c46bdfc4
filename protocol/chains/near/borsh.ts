/** The few borsh primitives NEAR transactions need (borsh spec: little-endian integers, u32-prefixed strings/vectors). */
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { InvalidArgumentError } from '../../errors.js';

export function u8(n: number): Uint8Array {
  return Uint8Array.of(n);
}

export function u32le(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidArgumentError('u32', 'a uint32', String(n));
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, true);
  return out;
}

export function u64le(n: bigint): Uint8Array {
  if (n < 0n || n >= 1n << 64n) throw new InvalidArgumentError('u64', 'a uint64', n.toString());
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n, true);
  return out;
}

export function u128le(n: bigint): Uint8Array {
  if (n < 0n || n >= 1n << 128n) throw new InvalidArgumentError('u128', 'a uint128', n.toString());
  return concatBytes(u64le(n & ((1n << 64n) - 1n)), u64le(n >> 64n));
}

export function borshString(s: string): Uint8Array {
  const bytes = utf8ToBytes(s);
  return concatBytes(u32le(bytes.length), bytes);
}

export function borshBytes(bytes: Uint8Array): Uint8Array {
  return concatBytes(u32le(bytes.length), bytes);
}

export function borshVec(items: Uint8Array[]): Uint8Array {
  return concatBytes(u32le(items.length), ...items);
}
