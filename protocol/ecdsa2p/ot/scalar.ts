/**
 * Scalar helpers for the OT layer: values mod n of secp256k1 as `bigint` inside a computation and
 * 32-byte big-endian lower-case hex on the wire and in states.
 */
import { mapHashToField } from '@noble/curves/abstract/modular.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import type { Rng } from '../../rng.js';

export const Point = secp256k1.Point;
export type Point = InstanceType<typeof secp256k1.Point>;

/** n, the order of the secp256k1 group. */
export const N = secp256k1.Point.Fn.ORDER;

const HEX_SCALAR = /^[0-9a-f]{64}$/;

/** Reduces any non-negative bigint mod n (avoids `%` when the value is already small). */
export function mod(x: bigint): bigint {
  const r = x % N;
  return r < 0n ? r + N : r;
}

export function scalarToHex(x: bigint): string {
  return x.toString(16).padStart(64, '0');
}

/** Parses 64 lower-case hex characters; returns undefined unless the value is in [0, n). */
export function scalarFromHexOrUndefined(hex: string): bigint | undefined {
  if (!HEX_SCALAR.test(hex)) return undefined;
  const x = BigInt(`0x${hex}`);
  return x < N ? x : undefined;
}

/** A uniform scalar in [1, n−1] from 48 bytes of `rng` (RFC 9380 §5 style reduction, bias < 2^-128). */
export function randomScalar(rng: Rng): bigint {
  return bytesToNumberBE(mapHashToField(rng(48), N));
}
