/**
 * Carries the OT pairing (base OTs for both RVOLE directions, `ot/pairing.ts`) inside the rounds of
 * the DKG and of the refresh: pairing message r rides in our round-r message, so pairing adds no
 * round trips. Both protocols run max(3, PAIRING_ROUNDS) symmetric rounds.
 */
import { ProtocolStateError } from '../errors.js';
import type { Rng } from '../rng.js';
import {
  PAIRING_ROUNDS,
  type PairingMessage,
  type PairingOutput,
  type PairingState,
  receivePairing,
} from './ot/pairing.js';

/** Commit, reveal, confirm — or more when the pairing needs more rounds. */
export const CEREMONY_ROUNDS = Math.max(3, PAIRING_ROUNDS);

export interface PairingProgress {
  /** Our pairing state while the pairing runs, null once it produced its output. */
  pairing: PairingState | null;
  pairingOutput: PairingOutput | null;
}

/**
 * Feeds the peer's pairing message of round `round` (present exactly when round ≤ PAIRING_ROUNDS)
 * and returns our pairing message for round + 1, if any.
 */
export function advancePairing(
  progress: PairingProgress,
  peerMessage: PairingMessage | undefined,
  rng: Rng,
): { progress: PairingProgress; next?: PairingMessage } {
  if (peerMessage === undefined) return { progress };
  if (progress.pairing === null) {
    throw new ProtocolStateError({ expected: 'a running pairing', actual: 'a finished pairing' });
  }
  const result = receivePairing({ state: progress.pairing, message: peerMessage, rng });
  if (result.output) return { progress: { pairing: null, pairingOutput: result.output } };
  return { progress: { pairing: result.state, pairingOutput: null }, next: result.message };
}

/** Our round-`round` message carries a pairing message exactly when round ≤ PAIRING_ROUNDS. */
export function pairingFor(round: number, next: PairingMessage | undefined): { pairing?: PairingMessage } {
  if (round > PAIRING_ROUNDS) return {};
  if (next === undefined) {
    throw new ProtocolStateError({ expected: `a pairing message for round ${round}`, actual: 'none' });
  }
  return { pairing: next };
}

export { PAIRING_ROUNDS };
