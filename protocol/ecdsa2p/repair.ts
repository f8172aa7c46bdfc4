/**
 * Re-pairing: fresh OT correlations for the SAME shares, the remedy for a burned share (DESIGN.md §3
 * abort policy; mpc-design §1.5.5). After a failed OT/RVOLE/Γ consistency check the pairing's
 * correlations must never be used again, because whether a cheater is caught may depend on the
 * long-lived Δ. A refresh also re-pairs, but it changes the shares, which is only safe inside the
 * PIN change/reset flows that re-wrap every stored copy; re-pairing keeps x_i, X_i, the chain code,
 * the zero-share seed and the transcript hash, so every wrapped copy still holds a working share
 * (a copy's stale pairing is refused at the first signing message by its setup id, and re-paired).
 *
 *   round 1  both: the transcript hash of the share generation + pairing message 1 (base OTs)
 *   round 2  both: pairing message 2 (confirmation of the round-1 transcript)
 *
 * The pairing session id is H(ceremony session id ‖ key id ‖ share transcript hash ‖ X), so the
 * correlations belong to this key and this generation only.
 */
import { fromHex, toHex } from '../bytes.js';
import { InvalidArgumentError, ProtocolAbortError, ProtocolStateError } from '../errors.js';
import type { Rng } from '../rng.js';
import { type Envelope, otherParty, type Step } from '../session.js';
import { taggedHash } from '../transcript.js';
import { decodeKeyShare, type Ecdsa2pKeyShare } from './key-share.js';
import { makeEnvelope, parseEnvelope, parseRepairPayload, REPAIR_PROTOCOL, type RepairPayload } from './messages.js';
import { PAIRING_ROUNDS, type PairingState, receivePairing, startPairing } from './ot/pairing.js';
import { takeState } from './state.js';

export type RepairEnvelope = Envelope<RepairPayload>;

export interface StartRepairParams {
  /** The share to re-pair (burned or not: a party may also re-pair a copy whose pairing is stale). */
  share: Ecdsa2pKeyShare;
  /** 32-byte hex id both parties got from the driver for this ceremony. */
  sessionId: string;
  rng: Rng;
}

export interface RepairActive {
  kind: 'ecdsa2p/repair/active';
  consumed?: true;
  sessionId: string;
  /** The share being re-paired (secret). */
  share: Ecdsa2pKeyShare;
  /** The round whose peer message we expect next. */
  round: number;
  pairing: PairingState;
}

export interface RepairDone {
  kind: 'ecdsa2p/repair/done';
  consumed?: true;
  sessionId: string;
}

export type RepairState = RepairActive | RepairDone;
export type RepairStep = Step<RepairState, RepairEnvelope, Ecdsa2pKeyShare>;

function pairingSessionId(sessionId: string, share: Ecdsa2pKeyShare): Uint8Array {
  return taggedHash(
    'tandem/ecdsa2p/v1/repair/pairing-session',
    fromHex(sessionId),
    share.keyId,
    fromHex(share.transcriptHash),
    fromHex(share.publicKey),
  );
}

/**
 * Starts a re-pairing and returns the round-1 message.
 * @throws InvalidArgumentError on a malformed share, session id or rng.
 */
export function startRepair(params: StartRepairParams): RepairStep {
  const { share } = decodeKeyShare(params?.share);
  const { sessionId, rng } = params;
  fromHex(sessionId, 'sessionId', 32);
  if (typeof rng !== 'function') throw new InvalidArgumentError('rng', 'an Rng function');
  const pairing = startPairing({ sessionId: pairingSessionId(sessionId, share), role: share.role, rng });
  const state: RepairActive = { kind: 'ecdsa2p/repair/active', sessionId, share, round: 1, pairing: pairing.state };
  const payload: RepairPayload = { shareTranscriptHash: share.transcriptHash, pairing: pairing.message };
  return { state, outgoing: [makeEnvelope(REPAIR_PROTOCOL, sessionId, 1, share.role, payload)] };
}

/**
 * Feeds the peer's message of the current round; after round 2 outputs the share with the new
 * pairing and `burned: false`. The input share is never modified; the driver replaces its stored
 * share only with the output.
 * @throws InvalidMessageError, ProtocolAbortError (culprit = peer), ProtocolStateError.
 */
export function receiveRepair(state: RepairState, message: unknown, rng: Rng): RepairStep {
  const s = takeState<RepairState>(state, ['ecdsa2p/repair/active'], REPAIR_PROTOCOL) as RepairActive;
  const role = s.share.role;
  const peer = otherParty(role);
  const env = parseEnvelope(message, { protocol: REPAIR_PROTOCOL, sessionId: s.sessionId, round: s.round, from: peer });
  const msg = parseRepairPayload(env.payload, s.round, peer);
  if (msg.shareTranscriptHash && toHex(msg.shareTranscriptHash) !== s.share.transcriptHash) {
    throw new ProtocolAbortError({
      culprit: peer,
      reason: 'share-generation-mismatch',
      detail: 'the peer is re-pairing another generation of this key',
    });
  }
  const paired = receivePairing({ state: s.pairing, message: msg.pairing, rng });
  if (s.round < PAIRING_ROUNDS) {
    if (!paired.message) throw new ProtocolStateError({ expected: 'a pairing message', actual: 'none' });
    const next: RepairActive = { ...s, round: s.round + 1, pairing: paired.state };
    return {
      state: next,
      outgoing: [makeEnvelope(REPAIR_PROTOCOL, s.sessionId, s.round + 1, role, { pairing: paired.message })],
    };
  }
  if (!paired.output) throw new ProtocolStateError({ expected: 'a finished pairing', actual: 'no output' });
  const share: Ecdsa2pKeyShare = {
    ...s.share,
    ot: { sender: paired.output.sender, receiver: paired.output.receiver },
    burned: false,
  };
  return { state: { kind: 'ecdsa2p/repair/done', sessionId: s.sessionId }, outgoing: [], output: share };
}
