/**
 * PIN rules (DESIGN §4.1): exactly six ASCII digits, and none of the PINs people pick first.
 *
 * A thief or a relative gets 5 guesses before the PIN guard locks the customer, so what matters
 * is the first handful of guesses an attacker would try: repeats, runs, keypad shapes, the
 * well-known lists, and the user's birthday. Each class below is small except dates (about 9% of
 * all PINs, measured by a unit test); dates are refused anyway because an attacker who knows the
 * owner (the usual device-theft case) tries the birthday in three formats within those 5 guesses.
 */
import { WeakPinError } from './errors.js';

export const PIN_LENGTH = 6;

const SIX_ASCII_DIGITS = /^[0-9]{6}$/;

/** Keypad walks (phone and numpad layouts) that appear in leaked-PIN lists. */
const KEYPAD_PATTERNS = new Set([
  '147258',
  '258369',
  '369258',
  '963852',
  '852741',
  '741852',
  '147852',
  '258456',
  '159753',
  '357159',
  '951357',
  '753951',
  '159357',
  '147369',
  '789456',
  '456123',
  '321654',
  '789123',
  '987321',
  '852456',
  '123654',
  '654123',
  '321456',
  '741963',
  '369147',
  '124578',
  '235689',
]);

/**
 * Frequent six-digit PINs not already caught by a structural rule (from published PIN-frequency
 * studies: famous constants, "I love you" number codes, round numbers).
 */
const COMMON_PINS = new Set([
  '102030',
  '112358',
  '314159',
  '271828',
  '142857',
  '520131',
  '131420',
  '123000',
  '100000',
  '200000',
  '123457',
  '121314',
  '123412',
  '123321',
  '201314',
  '100200',
  '111222',
  '000123',
]);

function isCalendarDate(day: number, month: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  // February 29 is allowed for every year: a birthday on it is as guessable as any other.
  const daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
  return day <= daysInMonth;
}

/** DDMMYY, MMDDYY or YYMMDD with a real day and month (any two-digit year). */
function dateFormat(d: readonly number[]): string | undefined {
  const pair = (i: number) => (d[i] as number) * 10 + (d[i + 1] as number);
  if (isCalendarDate(pair(0), pair(2))) return 'DDMMYY';
  if (isCalendarDate(pair(2), pair(0))) return 'MMDDYY';
  if (isCalendarDate(pair(4), pair(2))) return 'YYMMDD';
  return undefined;
}

/** Throws `WeakPinError` naming the rule when `pin` is not an acceptable PIN; returns quietly otherwise. */
export function assertAcceptablePin(pin: string): void {
  if (typeof pin !== 'string' || !SIX_ASCII_DIGITS.test(pin)) {
    const got = typeof pin === 'string' ? `${pin.length} characters` : typeof pin;
    throw new WeakPinError('not-six-digits', `a PIN is exactly 6 digits 0-9, got ${got}`);
  }
  const d = [...pin].map(Number);
  if (d.every((x) => x === d[0])) throw new WeakPinError('all-same', 'all six digits are the same');

  const step = ((d[1] as number) - (d[0] as number) + 10) % 10;
  if ([1, 2, 8, 9].includes(step) && d.every((x, i) => i === 0 || (x - (d[i - 1] as number) + 10) % 10 === step)) {
    throw new WeakPinError('sequence', 'the digits run up or down in equal steps');
  }
  const periodic = (p: number) => d.every((x, i) => i < p || x === d[i - p]);
  if (periodic(2) || periodic(3)) throw new WeakPinError('repeated-pattern', 'a short group of digits is repeated');
  if (d[0] === d[1] && d[2] === d[3] && d[4] === d[5]) {
    throw new WeakPinError('repeated-pattern', 'the digits come in doubled pairs');
  }
  if (d[0] === d[1] && d[1] === d[2] && d[3] === d[4] && d[4] === d[5]) {
    throw new WeakPinError('repeated-pattern', 'the digits come in two runs of three');
  }
  if (d[0] === d[5] && d[1] === d[4] && d[2] === d[3]) {
    throw new WeakPinError('mirrored', 'the second half mirrors the first');
  }
  if (KEYPAD_PATTERNS.has(pin)) throw new WeakPinError('keypad-pattern', 'it traces a common shape on a keypad');
  if (COMMON_PINS.has(pin)) throw new WeakPinError('common', 'it is on the list of most-used PINs');
  const format = dateFormat(d);
  if (format) throw new WeakPinError('date-like', `it reads as a date (${format}), such as a birthday`);
}

/** True when `pin` passes every rule (for live feedback in the Gateway). */
export function isAcceptablePin(pin: string): boolean {
  try {
    assertAcceptablePin(pin);
    return true;
  } catch (error) {
    if (error instanceof WeakPinError) return false;
    throw error;
  }
}
