/**
 * The common shape of every Tandem protocol state machine (style anchors §9.2):
 *
 *   start(...)                → Step<State, Message, Output>
 *   receive(state, message)   → Step<State, Message, Output>
 *
 * States and messages are plain JSON-safe data (bytes as hex strings, no bigint, no classes), so
 * the extension can keep them in `storage.session` across service-worker restarts. A state is
 * used once: the transition returns a new state and the old one is marked consumed.
 */
import type { PartyRole } from './errors.js';

export type { PartyRole };

/** Wire format version of every envelope. */
export const WIRE_VERSION = 1 as const;

/** A message on the wire, validated by `parseEnvelope` before any payload parsing. */
export interface Envelope<P = unknown> {
  v: typeof WIRE_VERSION;
  /** Protocol tag, e.g. 'ecdsa2p/sign'. */
  protocol: string;
  /** 32-byte session id, hex. */
  sessionId: string;
  /** 1-based round number within the protocol. */
  round: number;
  from: PartyRole;
  payload: P;
}

/** Result of a transition: the next state, messages to send, and the final output when done. */
export interface Step<S, M, O> {
  state: S;
  outgoing: M[];
  output?: O;
}

export function otherParty(role: PartyRole): PartyRole {
  return role === 'client' ? 'server' : 'client';
}
