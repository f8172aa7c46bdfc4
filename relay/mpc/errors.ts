/**
 * Typed refusals of the MPC endpoint. Each has a stable kebab-case `code` sent to the client in an
 * `error` control message and written to the audit log; messages never contain secrets.
 */

export type HandshakeRefusalCode =
  | 'handshake-timeout'
  | 'nonce-expired'
  | 'nonce-used'
  | 'unknown-device'
  | 'device-revoked'
  | 'device-id-mismatch'
  | 'customer-mismatch'
  | 'bad-public-key'
  | 'bad-signature'
  | 'challenge-unavailable'
  | 'device-conflict';

export class HandshakeRefusedError extends Error {
  override readonly name = 'HandshakeRefusedError';
  constructor(
    readonly code: HandshakeRefusalCode,
    message: string,
  ) {
    super(message);
  }
}

export type CeremonyRefusalCode =
  | 'unknown-ceremony'
  | 'challenge-unknown'
  | 'challenge-expired'
  | 'challenge-already-used'
  | 'challenge-wrong-kind'
  | 'digest-mismatch'
  | 'bad-params'
  | 'no-key'
  | 'repair-rate-limited'
  | 'pin-refused'
  | 'pin-locked'
  | 'too-many-sessions'
  | 'session-busy'
  | 'invalid-message'
  | 'protocol-abort'
  | 'internal-error';

/** A ceremony cannot start or must stop; `code` goes to the client, `message` too (no secrets). */
export class CeremonyRefusedError extends Error {
  override readonly name = 'CeremonyRefusedError';
  constructor(
    readonly code: CeremonyRefusalCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The client ended a ceremony with `session.abort`; `code` is its machine-readable reason (e.g.
 * 'ot-consistency' when its own check caught Node 2's side misbehaving). Handed to `dispose`.
 */
export class ClientAbortError extends Error {
  override readonly name = 'ClientAbortError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** WebSocket close codes used by /v2/mpc. */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  /** Malformed frame: bad JSON, bad envelope, unknown protocol, wrong sender. */
  invalidData: 1007,
  /** Frames before the handshake, or a message the state does not allow. */
  policy: 1008,
  tooLarge: 1009,
  internal: 1011,
  /** Handshake refused. */
  unauthorized: 4401,
  /** No handshake in time, or the peer went quiet. */
  timeout: 4408,
} as const;
