/**
 * Boundary validation for peer data. Everything from the wire is `unknown` until one of these
 * checks turns it into a typed value; each failure names the field, the sender and the round
 * (style anchors §9.3), and never echoes the value itself.
 */

import { fromHex, isHex } from '../bytes.js';
import { decodeCompressedK1 } from '../curves/secp256k1-base.js';
import { InvalidMessageError, type PartyRole } from '../errors.js';
import { CURVE_ORDER, Fn, POINT_BYTES, type Point, SCALAR_BYTES } from './group.js';

/** Who sent the data being parsed and in which round, for error reports. */
export interface MessageOrigin {
  from: PartyRole;
  round?: number;
}

function fail(origin: MessageOrigin, field: string, expected: string, got?: string): never {
  throw new InvalidMessageError({ from: origin.from, field, expected, got, round: origin.round });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array of ${value.length}`;
  if (typeof value === 'string') return `string of ${value.length} chars`;
  if (typeof value === 'number') return String(value);
  return typeof value;
}

/** A plain object with exactly `required` keys plus any of `optional`; unknown keys are rejected. */
export function expectRecord(
  value: unknown,
  field: string,
  origin: MessageOrigin,
  required: readonly string[],
  optional: readonly string[] = [],
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(origin, field, 'object', describe(value));
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!required.includes(key) && !optional.includes(key))
      fail(origin, `${field}.${key}`, 'no such field', 'unknown field');
  }
  for (const key of required) {
    if (!(key in record)) fail(origin, `${field}.${key}`, 'field present', 'missing');
  }
  return record;
}

/** Lower-case hex of exactly `bytes` bytes. */
export function expectHex(value: unknown, field: string, origin: MessageOrigin, bytes: number): Uint8Array {
  if (!isHex(value, bytes)) fail(origin, field, `${bytes} bytes of lower-case hex`, describe(value));
  return fromHex(value, field, bytes);
}

/** A compressed secp256k1 point, on the curve and not the identity (noble's `fromBytes` checks both). */
export function expectPoint(value: unknown, field: string, origin: MessageOrigin): Point {
  const bytes = expectHex(value, field, origin, POINT_BYTES);
  try {
    return decodeCompressedK1(bytes);
  } catch {
    return fail(origin, field, 'a compressed secp256k1 point on the curve', 'an invalid encoding');
  }
}

/** A canonical scalar in [1, n-1]: zero and values ≥ n are rejected, never reduced. */
export function expectScalar(value: unknown, field: string, origin: MessageOrigin): bigint {
  const bytes = expectHex(value, field, origin, SCALAR_BYTES);
  let scalar: bigint;
  try {
    scalar = Fn.fromBytes(bytes);
  } catch {
    return fail(origin, field, `a scalar below the group order ${CURVE_ORDER.toString(16)}`, 'a value ≥ n');
  }
  if (scalar === 0n) fail(origin, field, 'a non-zero scalar', 'zero');
  return scalar;
}
