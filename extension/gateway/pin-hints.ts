/**
 * What the Gateway says when protocol/pin refuses a PIN. The rules themselves live in
 * protocol/pin/pin-rules.ts (one list, shared with every other check); this maps each reason to
 * plain words and the next step.
 */
import { WeakPinError, type WeakPinReason } from '../../protocol/pin/errors.js';
import { assertAcceptablePin } from '../../protocol/pin/pin-rules.js';

const HINTS: Record<WeakPinReason, string> = {
  'not-six-digits': 'Enter all 6 digits.',
  'all-same': 'All six digits are the same, which is guessed first.',
  sequence: 'Runs like 123456 or 654321 are guessed first.',
  'repeated-pattern': 'Repeated groups like 121212 or 112233 are easy to guess.',
  mirrored: 'A PIN that mirrors itself, like 123321, is easy to guess.',
  'keypad-pattern': 'This traces a line on a keypad, which is easy to guess.',
  common: 'This is one of the most-used PINs.',
  'date-like': 'This reads as a date, such as a birthday, which someone who knows you could guess.',
};

/** Undefined when `pin` is acceptable; otherwise a sentence saying why not and what to do. */
export function weakPinMessage(pin: string): string | undefined {
  try {
    assertAcceptablePin(pin);
    return undefined;
  } catch (error) {
    if (error instanceof WeakPinError) {
      return error.reason === 'not-six-digits' ? HINTS[error.reason] : `${HINTS[error.reason]} Choose another PIN.`;
    }
    throw error;
  }
}

/** What the PIN pad says after a wrong PIN. */
export function wrongPinMessage(attemptsLeft: number | undefined): string {
  if (attemptsLeft === undefined) return 'Wrong PIN. Try again.';
  if (attemptsLeft === 1) return 'Wrong PIN. 1 try left: after one more wrong PIN your wallet locks.';
  return `Wrong PIN. ${attemptsLeft} tries left before your wallet locks.`;
}
