/**
 * Decimal amount strings ↔ base units. Amounts cross the API as decimal strings ("1.5"); all
 * arithmetic is on bigint base units so nothing is lost to floating point.
 */
import { InvalidArgumentError } from '../errors.js';

const DECIMAL_RE = /^(0|[1-9]\d*)(\.\d+)?$/;
const UNITS_RE = /^(0|[1-9]\d*)$/;

/** "1.5" with 18 decimals → 1500000000000000000n. Refuses more fractional digits than `decimals`. */
export function parseUnits(amount: string, decimals: number, field = 'amount'): bigint {
  if (typeof amount !== 'string' || !DECIMAL_RE.test(amount)) {
    throw new InvalidArgumentError(field, 'a non-negative decimal string such as "1.5"', JSON.stringify(amount));
  }
  const [whole, fraction = ''] = amount.split('.') as [string, string?];
  const digits = fraction;
  if (digits.length > decimals) {
    throw new InvalidArgumentError(field, `at most ${decimals} decimal places`, `${digits.length}`);
  }
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(digits.padEnd(decimals, '0') || '0');
}

/** 1500000000000000000n with 18 decimals → "1.5" (no trailing zeros, no exponent). */
export function formatUnits(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const whole = abs / base;
  const fraction = (abs % base).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Parses a base-unit decimal string ("1500") into a bigint, naming the field on failure. */
export function parseBaseUnits(value: string, field: string, max?: bigint): bigint {
  if (typeof value !== 'string' || !UNITS_RE.test(value)) {
    throw new InvalidArgumentError(field, 'a non-negative integer as a decimal string', JSON.stringify(value));
  }
  const n = BigInt(value);
  if (max !== undefined && n > max) throw new InvalidArgumentError(field, `at most ${max}`, value);
  return n;
}

export const U64_MAX = (1n << 64n) - 1n;
export const U128_MAX = (1n << 128n) - 1n;
export const U256_MAX = (1n << 256n) - 1n;
