/**
 * Typed errors of the PIN and recovery layer. They extend the shared `ProtocolError` so callers can
 * catch one family; messages say what was expected and never contain the PIN, an answer or a key.
 */
import { ProtocolError } from '../errors.js';

/** Why a PIN was refused; the Gateway maps each reason to its own hint. */
export type WeakPinReason =
  | 'not-six-digits'
  | 'all-same'
  | 'sequence'
  | 'repeated-pattern'
  | 'mirrored'
  | 'keypad-pattern'
  | 'common'
  | 'date-like';

/** The user chose a PIN that the rules refuse (format or weakness). */
export class WeakPinError extends ProtocolError {
  override readonly name = 'WeakPinError';
  readonly reason: WeakPinReason;

  constructor(reason: WeakPinReason, why: string) {
    super(`PIN refused (${reason}): ${why}`);
    this.reason = reason;
  }
}

/** Argon2id parameters outside the accepted bounds (downgrade or hostile/huge values) or malformed. */
export class Argon2ParamsError extends ProtocolError {
  override readonly name = 'Argon2ParamsError';
  readonly field: string;
  readonly kind: 'downgrade' | 'too-large' | 'malformed';

  constructor(field: string, kind: 'downgrade' | 'too-large' | 'malformed', detail: string) {
    super(`Argon2id parameter "${field}" refused (${kind}): ${detail}`);
    this.field = field;
    this.kind = kind;
  }
}

/**
 * Decryption of a wrapped secret failed: wrong key (wrong PIN, answers, code or key part) or the
 * ciphertext, IV, tag or any authenticated header field was altered. AES-GCM cannot tell these apart.
 */
export class UnwrapError extends ProtocolError {
  override readonly name = 'UnwrapError';
  readonly method: string;

  constructor(method: string) {
    super(`could not open the ${method}-wrapped secret: wrong key, or the ciphertext or its header was altered`);
    this.method = method;
  }
}

/** A recovery answer or recovery-kit code the user typed cannot be used (empty, bad characters, checksum). */
export class RecoveryInputError extends ProtocolError {
  override readonly name = 'RecoveryInputError';
  readonly field: string;

  constructor(field: string, why: string) {
    super(`recovery input "${field}" refused: ${why}`);
    this.field = field;
  }
}
