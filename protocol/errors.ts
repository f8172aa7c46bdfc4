/**
 * Typed errors shared by every protocol in `protocol/`.
 *
 * Three families, after the style anchors (§9.4): a peer sent something malformed
 * (`InvalidMessageError`), a cryptographic check failed and we know who to blame
 * (`ProtocolAbortError`), or our own caller misused a state (`ProtocolStateError`).
 * Messages say what was expected and what arrived; they never contain secret values.
 */

/** The two parties of every Tandem protocol: Node 1 (the extension) and Node 2 (the relay). */
export type PartyRole = 'client' | 'server';

export abstract class ProtocolError extends Error {
  abstract override readonly name: string;
  /** One-line description, without the class name. */
  readonly shortMessage: string;

  constructor(shortMessage: string, options?: { cause?: unknown }) {
    super(shortMessage, options);
    this.shortMessage = shortMessage;
  }
}

/** Wire data from the peer is malformed: shape, length, encoding, unknown field, wrong session or round. */
export class InvalidMessageError extends ProtocolError {
  override readonly name = 'InvalidMessageError';
  readonly from: PartyRole | 'unknown';
  readonly field: string;
  readonly round: number | undefined;

  constructor(params: { from: PartyRole | 'unknown'; field: string; expected: string; got?: string; round?: number }) {
    const got = params.got === undefined ? '' : `, got ${params.got}`;
    super(`invalid message from ${params.from}: field "${params.field}" expected ${params.expected}${got}`);
    this.from = params.from;
    this.field = params.field;
    this.round = params.round;
  }
}

/** A cryptographic check failed (bad proof, inconsistent share, failed consistency check). */
export class ProtocolAbortError extends ProtocolError {
  override readonly name = 'ProtocolAbortError';
  /** The party whose message failed the check. */
  readonly culprit: PartyRole;
  /** Why, as a short machine-readable tag (e.g. 'commitment-mismatch', 'ot-consistency'). */
  readonly reason: string;

  constructor(params: { culprit: PartyRole; reason: string; detail: string }) {
    super(`protocol aborted, ${params.culprit} misbehaved (${params.reason}): ${params.detail}`);
    this.culprit = params.culprit;
    this.reason = params.reason;
  }
}

/** Local misuse: a state used out of order, used twice, or with the wrong party. */
export class ProtocolStateError extends ProtocolError {
  override readonly name = 'ProtocolStateError';
  readonly expected: string;
  readonly actual: string;

  constructor(params: { expected: string; actual: string; detail?: string }) {
    const detail = params.detail ? `: ${params.detail}` : '';
    super(`protocol state misuse, expected ${params.expected}, got ${params.actual}${detail}`);
    this.expected = params.expected;
    this.actual = params.actual;
  }
}

/** Invalid argument from our own code (not from the peer). */
export class InvalidArgumentError extends ProtocolError {
  override readonly name = 'InvalidArgumentError';
  readonly argument: string;

  constructor(argument: string, expected: string, got?: string) {
    super(`invalid argument "${argument}": expected ${expected}${got === undefined ? '' : `, got ${got}`}`);
    this.argument = argument;
  }
}
