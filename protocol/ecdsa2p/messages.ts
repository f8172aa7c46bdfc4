/**
 * Wire messages of the two-party ECDSA protocols (DKG, signing, refresh) and their parsers.
 *
 * Every message travels in the shared `Envelope` ({ v, protocol, sessionId, round, from, payload }).
 * `parseEnvelope` checks the envelope against what the receiving state expects (protocol, session,
 * round, sender) before any payload parsing; each `parse*` then checks the payload's exact key set,
 * hex lengths, points (on curve, not identity) and scalars (in [1, n-1]) and returns decoded values.
 * Points are 33-byte compressed hex, scalars and hashes 32-byte hex.
 */
import { isHex } from '../bytes.js';
import { InvalidMessageError, type PartyRole } from '../errors.js';
import { type Envelope, WIRE_VERSION } from '../session.js';
import type { Point } from './group.js';
import { type PairingMessage, parsePairingMessage } from './ot/pairing.js';
import {
  type DecodedRvoleReceiverMessage,
  type DecodedRvoleSenderMessage,
  decodeRvoleReceiverMessage,
  decodeRvoleSenderMessage,
  type RvoleReceiverMessage,
  type RvoleSenderMessage,
} from './ot/rvole.js';
import { expectHex, expectPoint, expectRecord, expectScalar, type MessageOrigin } from './validate.js';

export const DKG_PROTOCOL = 'ecdsa2p/dkg';
export const SIGN_PROTOCOL = 'ecdsa2p/sign';
export const REFRESH_PROTOCOL = 'ecdsa2p/refresh';
export const REPAIR_PROTOCOL = 'ecdsa2p/repair';
export type Ecdsa2pProtocol =
  | typeof DKG_PROTOCOL
  | typeof SIGN_PROTOCOL
  | typeof REFRESH_PROTOCOL
  | typeof REPAIR_PROTOCOL;

// ---------------------------------------------------------------------------------------------
// Envelope

export interface ExpectedEnvelope {
  protocol: Ecdsa2pProtocol;
  /**
   * 32-byte hex. Omitted only when the session id depends on the payload (the server's first
   * signing message carries the client's nonce); the caller then compares it after parsing.
   */
  sessionId?: string;
  round: number;
  from: PartyRole;
}

/**
 * Checks `value` is the envelope the state expects. The peer is named in every error: the driver
 * only hands us messages from the authenticated peer, so whatever arrived is the peer's doing.
 */
export function parseEnvelope(value: unknown, expected: ExpectedEnvelope): Envelope<unknown> {
  const origin = { from: expected.from, round: expected.round };
  const env = expectRecord(value, 'envelope', origin, ['v', 'protocol', 'sessionId', 'round', 'from', 'payload']);
  const mismatch = (field: string, want: string, got: unknown) => {
    const shown =
      typeof got === 'number' ? String(got) : typeof got === 'string' && got.length <= 32 ? got : typeof got;
    throw new InvalidMessageError({ from: expected.from, field, expected: want, got: shown, round: expected.round });
  };
  if (env.v !== WIRE_VERSION) mismatch('v', `wire version ${WIRE_VERSION}`, env.v);
  if (env.protocol !== expected.protocol) mismatch('protocol', expected.protocol, env.protocol);
  if (env.from !== expected.from) mismatch('from', expected.from, env.from);
  if (!isHex(env.sessionId, 32)) mismatch('sessionId', '32 bytes of lower-case hex', env.sessionId);
  if (expected.sessionId !== undefined) assertSessionId(env.sessionId as string, expected);
  if (env.round !== expected.round) mismatch('round', `round ${expected.round}`, env.round);
  return env as unknown as Envelope<unknown>;
}

/** Throws unless the envelope's session id is ours (replays and cross-session swaps land here). */
export function assertSessionId(actual: string, expected: ExpectedEnvelope & { sessionId?: string }): void {
  if (actual !== expected.sessionId) {
    throw new InvalidMessageError({
      from: expected.from,
      field: 'sessionId',
      expected: 'this session (the id binds key, share generation, nonces, digest and path)',
      got: 'another session id',
      round: expected.round,
    });
  }
}

export function makeEnvelope<P>(
  protocol: Ecdsa2pProtocol,
  sessionId: string,
  round: number,
  from: PartyRole,
  payload: P,
): Envelope<P> {
  return { v: WIRE_VERSION, protocol, sessionId, round, from, payload };
}

/**
 * Raw size of a message: the bytes its hex strings encode (hex length / 2), summed over the whole
 * JSON tree. Field names and JSON punctuation are not counted (a binary encoding would not send them).
 */
export function hexBytes(value: unknown): number {
  if (typeof value === 'string') return isHex(value) ? value.length / 2 : 0;
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + hexBytes(v), 0);
  if (typeof value === 'object' && value !== null) {
    return Object.values(value).reduce((sum: number, v) => sum + hexBytes(v), 0);
  }
  return 0;
}

/** Runs an OT-layer parser, re-labelling its error with our field path and round. */
function nested<T>(parse: () => T, field: string, origin: MessageOrigin): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof InvalidMessageError) {
      throw new InvalidMessageError({
        from: origin.from,
        field: `${field}.${error.field}`,
        expected: 'a well-formed OT message',
        got: error.shortMessage,
        round: origin.round,
      });
    }
    throw error;
  }
}

function pairingField(value: unknown, field: string, origin: MessageOrigin): PairingMessage {
  return nested(() => parsePairingMessage(value, origin.from), field, origin);
}

// ---------------------------------------------------------------------------------------------
// DKG (both parties send one message per round; pairing message r rides in DKG round r)

/** Round 1: commitment to (X_i, PoK, chain-code and zero-seed contributions) + pairing message 1. */
export interface DkgMsg1 {
  commitment: string;
  pairing: PairingMessage;
}

/** Round 2: the opening. */
export interface DkgReveal {
  publicShare: string;
  proofCommitment: string;
  proofResponse: string;
  chainContribution: string;
  zeroSeedContribution: string;
  salt: string;
}
export interface DkgMsg2 {
  reveal: DkgReveal;
  pairing?: PairingMessage;
}

/** Round 3: the DKG transcript hash, which both parties compare. */
export interface DkgMsg3 {
  transcriptHash: string;
  pairing?: PairingMessage;
}

/** Rounds > 3 exist only when the pairing needs more rounds than the DKG. */
export interface DkgMsgPairing {
  pairing: PairingMessage;
}

export type DkgPayload = DkgMsg1 | DkgMsg2 | DkgMsg3 | DkgMsgPairing;

export interface DecodedDkgReveal {
  publicShare: Point;
  proofCommitment: Point;
  proofResponse: bigint;
  chainContribution: Uint8Array;
  zeroSeedContribution: Uint8Array;
  salt: Uint8Array;
}

export interface DecodedDkgPayload {
  pairing?: PairingMessage;
  commitment?: Uint8Array;
  reveal?: DecodedDkgReveal;
  transcriptHash?: Uint8Array;
}

/**
 * Parses the payload of DKG round `round`. `pairingRounds` decides whether a pairing message must be
 * present (rounds ≤ pairingRounds) or absent.
 */
export function parseDkgPayload(
  payload: unknown,
  round: number,
  from: PartyRole,
  pairingRounds: number,
): DecodedDkgPayload {
  const origin = { from, round };
  const withPairing = round <= pairingRounds;
  const own = round === 1 ? ['commitment'] : round === 2 ? ['reveal'] : round === 3 ? ['transcriptHash'] : [];
  const p = expectRecord(payload, 'payload', origin, withPairing ? [...own, 'pairing'] : own);
  const out: DecodedDkgPayload = {};
  if (withPairing) out.pairing = pairingField(p.pairing, 'payload.pairing', origin);
  if (round === 1) out.commitment = expectHex(p.commitment, 'payload.commitment', origin, 32);
  if (round === 2) out.reveal = parseDkgReveal(p.reveal, origin);
  if (round === 3) out.transcriptHash = expectHex(p.transcriptHash, 'payload.transcriptHash', origin, 32);
  return out;
}

function parseDkgReveal(value: unknown, origin: MessageOrigin): DecodedDkgReveal {
  const f = 'payload.reveal';
  const r = expectRecord(value, f, origin, [
    'publicShare',
    'proofCommitment',
    'proofResponse',
    'chainContribution',
    'zeroSeedContribution',
    'salt',
  ]);
  return {
    publicShare: expectPoint(r.publicShare, `${f}.publicShare`, origin),
    proofCommitment: expectPoint(r.proofCommitment, `${f}.proofCommitment`, origin),
    proofResponse: expectScalar(r.proofResponse, `${f}.proofResponse`, origin),
    chainContribution: expectHex(r.chainContribution, `${f}.chainContribution`, origin, 32),
    zeroSeedContribution: expectHex(r.zeroSeedContribution, `${f}.zeroSeedContribution`, origin, 32),
    salt: expectHex(r.salt, `${f}.salt`, origin, 32),
  };
}

// ---------------------------------------------------------------------------------------------
// Refresh (same round structure as the DKG)

/** Round 1: the share generation being refreshed, a commitment to the contributions, pairing message 1. */
export interface RefreshMsg1 {
  shareTranscriptHash: string;
  commitment: string;
  pairing: PairingMessage;
}
export interface RefreshReveal {
  /** ρ_i: the refresh offset r = H(ρ_C ‖ ρ_S ‖ …). */
  offsetContribution: string;
  zeroSeedContribution: string;
  salt: string;
}
export interface RefreshMsg2 {
  reveal: RefreshReveal;
  pairing?: PairingMessage;
}
export interface RefreshMsg3 {
  transcriptHash: string;
  pairing?: PairingMessage;
}
export type RefreshPayload = RefreshMsg1 | RefreshMsg2 | RefreshMsg3 | DkgMsgPairing;

export interface DecodedRefreshPayload {
  pairing?: PairingMessage;
  shareTranscriptHash?: Uint8Array;
  commitment?: Uint8Array;
  reveal?: { offsetContribution: Uint8Array; zeroSeedContribution: Uint8Array; salt: Uint8Array };
  transcriptHash?: Uint8Array;
}

export function parseRefreshPayload(
  payload: unknown,
  round: number,
  from: PartyRole,
  pairingRounds: number,
): DecodedRefreshPayload {
  const origin = { from, round };
  const withPairing = round <= pairingRounds;
  const own =
    round === 1
      ? ['shareTranscriptHash', 'commitment']
      : round === 2
        ? ['reveal']
        : round === 3
          ? ['transcriptHash']
          : [];
  const p = expectRecord(payload, 'payload', origin, withPairing ? [...own, 'pairing'] : own);
  const out: DecodedRefreshPayload = {};
  if (withPairing) out.pairing = pairingField(p.pairing, 'payload.pairing', origin);
  if (round === 1) {
    out.shareTranscriptHash = expectHex(p.shareTranscriptHash, 'payload.shareTranscriptHash', origin, 32);
    out.commitment = expectHex(p.commitment, 'payload.commitment', origin, 32);
  }
  if (round === 2) {
    const f = 'payload.reveal';
    const r = expectRecord(p.reveal, f, origin, ['offsetContribution', 'zeroSeedContribution', 'salt']);
    out.reveal = {
      offsetContribution: expectHex(r.offsetContribution, `${f}.offsetContribution`, origin, 32),
      zeroSeedContribution: expectHex(r.zeroSeedContribution, `${f}.zeroSeedContribution`, origin, 32),
      salt: expectHex(r.salt, `${f}.salt`, origin, 32),
    };
  }
  if (round === 3) out.transcriptHash = expectHex(p.transcriptHash, 'payload.transcriptHash', origin, 32);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Re-pairing (fresh OT correlations for the same shares, after a burn)

/** Round 1: the share generation being re-paired and pairing message 1; round 2: pairing message 2. */
export interface RepairPayload {
  shareTranscriptHash?: string;
  pairing: PairingMessage;
}

export interface DecodedRepairPayload {
  shareTranscriptHash?: Uint8Array;
  pairing: PairingMessage;
}

export function parseRepairPayload(payload: unknown, round: number, from: PartyRole): DecodedRepairPayload {
  const origin = { from, round };
  const p = expectRecord(payload, 'payload', origin, round === 1 ? ['shareTranscriptHash', 'pairing'] : ['pairing']);
  const out: DecodedRepairPayload = { pairing: pairingField(p.pairing, 'payload.pairing', origin) };
  if (round === 1)
    out.shareTranscriptHash = expectHex(p.shareTranscriptHash, 'payload.shareTranscriptHash', origin, 32);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Signing (DKLs23 Protocol 3.6, schedule of mpc-design §1.5.3: C→S, S→C, C→S, S→C)

/** Message 1, client → server: Protocol 3.6 round 1 of the client. */
export interface SignMsg1 {
  /** The client's 32-byte contribution to the session id. */
  clientNonce: string;
  /** Commitment to R_C. */
  commitment: string;
  /** RVOLE message 1, the client as receiver (Bob) in the instance where the server is Alice. */
  rvole: RvoleReceiverMessage;
}

/** Protocol 3.6 round 2 of a party (the opening of R_i plus the multiplication's sender side). */
export interface SignRound2 {
  /** RVOLE message 2, this party as sender (Alice) with inputs (r_i, sk_i). */
  rvoleSender: RvoleSenderMessage;
  instancePoint: string;
  salt: string;
  /** pk_i = sk_i·G. */
  publicShare: string;
  gammaU: string;
  gammaV: string;
  psi: string;
}

/** Message 2, server → client: the server's round 1 (commitment, RVOLE as Bob) and round 2. */
export interface SignMsg2 extends SignRound2 {
  commitment: string;
  rvoleReceiver: RvoleReceiverMessage;
}

/** Message 3, client → server: the client's round 2 and round 3 (u_C, w_C). */
export interface SignMsg3 extends SignRound2 {
  u: string;
  w: string;
}

/** Message 4, server → client: the server's round 3, so the client can assemble the signature too. */
export interface SignMsg4 {
  u: string;
  w: string;
}

export type SignPayload = SignMsg1 | SignMsg2 | SignMsg3 | SignMsg4;

export interface DecodedSignRound2 {
  /** Validated once here and handed to the RVOLE as is (no second decode of its 50 KB). */
  rvoleSender: DecodedRvoleSenderMessage;
  instancePoint: Point;
  salt: Uint8Array;
  publicShare: Point;
  gammaU: Point;
  gammaV: Point;
  psi: bigint;
}

const ROUND2_KEYS = ['rvoleSender', 'instancePoint', 'salt', 'publicShare', 'gammaU', 'gammaV', 'psi'] as const;

function parseRound2(p: Record<string, unknown>, origin: MessageOrigin): DecodedSignRound2 {
  return {
    rvoleSender: nested(() => decodeRvoleSenderMessage(p.rvoleSender, origin.from), 'payload.rvoleSender', origin),
    instancePoint: expectPoint(p.instancePoint, 'payload.instancePoint', origin),
    salt: expectHex(p.salt, 'payload.salt', origin, 32),
    publicShare: expectPoint(p.publicShare, 'payload.publicShare', origin),
    gammaU: expectPoint(p.gammaU, 'payload.gammaU', origin),
    gammaV: expectPoint(p.gammaV, 'payload.gammaV', origin),
    psi: expectScalar(p.psi, 'payload.psi', origin),
  };
}

export function parseSignMsg1(
  payload: unknown,
  from: PartyRole,
): { clientNonce: Uint8Array; commitment: Uint8Array; rvole: DecodedRvoleReceiverMessage } {
  const origin = { from, round: 1 };
  const p = expectRecord(payload, 'payload', origin, ['clientNonce', 'commitment', 'rvole']);
  return {
    clientNonce: expectHex(p.clientNonce, 'payload.clientNonce', origin, 32),
    commitment: expectHex(p.commitment, 'payload.commitment', origin, 32),
    rvole: nested(() => decodeRvoleReceiverMessage(p.rvole, from), 'payload.rvole', origin),
  };
}

export function parseSignMsg2(
  payload: unknown,
  from: PartyRole,
): DecodedSignRound2 & { commitment: Uint8Array; rvoleReceiver: DecodedRvoleReceiverMessage } {
  const origin = { from, round: 2 };
  const p = expectRecord(payload, 'payload', origin, ['commitment', 'rvoleReceiver', ...ROUND2_KEYS]);
  return {
    commitment: expectHex(p.commitment, 'payload.commitment', origin, 32),
    rvoleReceiver: nested(() => decodeRvoleReceiverMessage(p.rvoleReceiver, from), 'payload.rvoleReceiver', origin),
    ...parseRound2(p, origin),
  };
}

export function parseSignMsg3(payload: unknown, from: PartyRole): DecodedSignRound2 & { u: bigint; w: bigint } {
  const origin = { from, round: 3 };
  const p = expectRecord(payload, 'payload', origin, [...ROUND2_KEYS, 'u', 'w']);
  return {
    ...parseRound2(p, origin),
    u: expectScalar(p.u, 'payload.u', origin),
    w: expectScalar(p.w, 'payload.w', origin),
  };
}

export function parseSignMsg4(payload: unknown, from: PartyRole): { u: bigint; w: bigint } {
  const origin = { from, round: 4 };
  const p = expectRecord(payload, 'payload', origin, ['u', 'w']);
  return { u: expectScalar(p.u, 'payload.u', origin), w: expectScalar(p.w, 'payload.w', origin) };
}
