/**
 * Boundary checks for OT-layer messages and setups. Every failure becomes an `InvalidMessageError`
 * that names the field and the sender and says what was expected, never echoing the value.
 */
import { decodeCompressedK1 } from '../../curves/secp256k1-base.js';
import { InvalidMessageError, type PartyRole } from '../../errors.js';
import { decodeHex } from './hex.js';
import { POINT_BYTES } from './params.js';
import { N, type Point } from './scalar.js';

export interface Origin {
  from: PartyRole;
  round?: number;
}

export function fail(origin: Origin, field: string, expected: string, got?: string): never {
  throw new InvalidMessageError({ from: origin.from, field, expected, got, round: origin.round });
}

/** A short, value-free description of what arrived. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array of ${value.length}`;
  if (typeof value === 'string') return `string of ${value.length} chars`;
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return typeof value;
}

/** A plain object with exactly the `keys` (unknown keys and missing keys are both rejected). */
export function expectRecord(
  value: unknown,
  field: string,
  origin: Origin,
  keys: readonly string[],
): Record<string, unknown> {
  // The top-level message is passed with field '' so its keys are reported as plain names ('u').
  const self = field || 'message';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(origin, self, 'an object', describeValue(value));
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) fail(origin, self, 'a plain object', 'an object with a prototype');
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!keys.includes(key)) fail(origin, field ? `${field}.${key}` : key, 'no such field', 'an unknown field');
  }
  for (const key of keys) {
    if (!Object.hasOwn(record, key))
      fail(origin, field ? `${field}.${key}` : key, 'the field to be present', 'nothing');
  }
  return record;
}

export function expectLiteral<T extends string | number>(
  value: unknown,
  field: string,
  origin: Origin,
  expected: T,
): T {
  if (value !== expected) fail(origin, field, JSON.stringify(expected), describeValue(value));
  return expected;
}

/** Lower-case hex of exactly `bytes` bytes, decoded. */
export function expectHex(value: unknown, field: string, origin: Origin, bytes: number): Uint8Array {
  // decodeHex checks the length first (an oversized string is rejected without scanning it), then
  // validates and decodes in one pass (the u columns alone are 10 KB per message).
  const decoded = decodeHex(value, bytes);
  if (decoded === undefined) fail(origin, field, `${bytes} bytes of lower-case hex`, describeValue(value));
  return decoded;
}

/** An array of exactly `length` entries. */
export function expectArray(value: unknown, field: string, origin: Origin, length: number): unknown[] {
  if (!Array.isArray(value)) fail(origin, field, `an array of ${length}`, describeValue(value));
  if (value.length !== length) fail(origin, field, `an array of ${length}`, `an array of ${value.length}`);
  return value;
}

/** A compressed secp256k1 point on the curve and not the identity (noble rejects both). */
export function expectPoint(value: unknown, field: string, origin: Origin): { point: Point; bytes: Uint8Array } {
  const bytes = expectHex(value, field, origin, POINT_BYTES);
  let point: Point;
  try {
    point = decodeCompressedK1(bytes);
  } catch {
    return fail(origin, field, 'a compressed secp256k1 point on the curve', 'an invalid encoding');
  }
  if (point.is0()) fail(origin, field, 'a point other than the identity', 'the identity');
  return { point, bytes };
}

const HEX_SCALAR = /^[0-9a-f]{64}$/;

/** A scalar in [1, n) as 32-byte lower-case hex. */
export function expectScalar(value: unknown, field: string, origin: Origin): bigint {
  if (typeof value !== 'string' || !HEX_SCALAR.test(value))
    fail(origin, field, '32 bytes of lower-case hex', describeValue(value));
  const x = BigInt(`0x${value}`);
  if (x === 0n || x >= N) fail(origin, field, 'a scalar in [1, n)', x === 0n ? 'zero' : 'a value >= n');
  return x;
}
