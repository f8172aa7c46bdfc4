/**
 * Pairing: the base OTs of BOTH RVOLE directions at once (DKLs23 two-party setup; mpc-design §1.5.2).
 * Each party is the OT-extension sender "Alice" in one direction (base-OT receiver with choice bits
 * Δ) and the OT-extension receiver "Bob" in the other (base-OT sender). See `base-ot.ts`.
 *
 * Round 1 (both parties, simultaneously): z (as Bob of the peer's direction) and v_0..v_{λ_c−1}
 *   (as Alice of our own direction). After it both base-OT batches are complete.
 * Round 2 (both parties): a confirmation hash of the round-1 transcript, so a message altered in
 *   transit is caught here rather than surfacing later as a consistency abort that burns the key.
 *
 * Messages of round r depend only on the peer's messages of rounds < r, so the DKG can carry pairing
 * message r inside its own round-r message. States are JSON-safe and one-shot.
 */
import { equalBytes, fromHex, isHex, toHex } from '../../bytes.js';
import { InvalidArgumentError, ProtocolAbortError, ProtocolStateError } from '../../errors.js';
import type { Rng } from '../../rng.js';
import { otherParty, type PartyRole } from '../../session.js';
import { taggedHash } from '../../transcript.js';
import {
  baseOtGenerator,
  baseOtReceiverKeys,
  baseOtReceiverStart,
  baseOtSenderKeys,
  baseOtSenderStart,
} from './base-ot.js';
import { DIGEST_BYTES, LAMBDA_C, POINT_BYTES, ROW_BYTES, SESSION_ID_BYTES, TAG } from './params.js';
import { N, Point, scalarToHex } from './scalar.js';
import type { OtReceiverSetup, OtSenderSetup, PairingOutput } from './setup.js';
import { expectArray, expectHex, expectPoint, expectRecord, fail, type Origin } from './wire.js';

export type { OtReceiverSetup, OtSenderSetup, PairingOutput } from './setup.js';

/** Number of messages each party sends during pairing. */
export const PAIRING_ROUNDS = 2;

/** Raw bytes of each pairing message (hex length / 2, plus one byte for `round`), per party. */
export const PAIRING_ROUND1_MESSAGE_BYTES = 1 + SESSION_ID_BYTES + POINT_BYTES * (1 + LAMBDA_C);
export const PAIRING_ROUND2_MESSAGE_BYTES = 1 + SESSION_ID_BYTES + DIGEST_BYTES;

/** Round 1, each party → peer: z = s·G (base-OT sender) and v_i (base-OT receiver), compressed points. */
export interface PairingRound1Message {
  round: 1;
  sessionId: string;
  z: string;
  v: string[];
}

/** Round 2, each party → peer: H(session, round-1 transcript, sender role). */
export interface PairingRound2Message {
  round: 2;
  sessionId: string;
  confirm: string;
}

export type PairingMessage = PairingRound1Message | PairingRound2Message;

interface PairingSecret {
  /** Base-OT sender secret s (hex scalar). */
  s: string;
  /** Base-OT receiver secrets r_i (hex scalars). */
  r: string[];
  /** Δ (16 bytes hex). */
  delta: string;
}

export type PairingState =
  | {
      kind: 'ecdsa2p/ot-pairing/await-round-1';
      consumed: boolean;
      sessionId: string;
      role: PartyRole;
      secret: PairingSecret;
      sent: PairingRound1Message;
    }
  | {
      kind: 'ecdsa2p/ot-pairing/await-round-2';
      consumed: boolean;
      sessionId: string;
      role: PartyRole;
      pairingId: string;
      pending: PairingOutput;
    }
  | {
      kind: 'ecdsa2p/ot-pairing/done';
      consumed: boolean;
      sessionId: string;
      role: PartyRole;
      pairingId: string;
    };

function checkSessionId(sessionId: Uint8Array): void {
  if (!(sessionId instanceof Uint8Array) || sessionId.length !== SESSION_ID_BYTES) {
    throw new InvalidArgumentError('sessionId', `${SESSION_ID_BYTES} bytes`, String((sessionId as Uint8Array)?.length));
  }
}

function checkRole(role: unknown): asserts role is PartyRole {
  if (role !== 'client' && role !== 'server') throw new InvalidArgumentError('role', "'client' or 'server'");
}

/**
 * Starts pairing: samples Δ and the base-OT secrets and returns our round-1 message.
 * @throws InvalidArgumentError on a malformed session id or role.
 */
export function startPairing(p: { sessionId: Uint8Array; role: PartyRole; rng: Rng }): {
  state: PairingState;
  message: PairingMessage;
} {
  checkSessionId(p.sessionId);
  checkRole(p.role);
  const delta = p.rng(ROW_BYTES);
  const sender = baseOtSenderStart(p.rng);
  const receiver = baseOtReceiverStart(baseOtGenerator(p.sessionId, p.role), delta, p.rng);
  const sessionId = toHex(p.sessionId);
  const message: PairingRound1Message = {
    round: 1,
    sessionId,
    z: toHex(sender.z.toBytes(true)),
    v: receiver.v.map((b) => toHex(b)),
  };
  const state: PairingState = {
    kind: 'ecdsa2p/ot-pairing/await-round-1',
    consumed: false,
    sessionId,
    role: p.role,
    secret: { s: scalarToHex(sender.s), r: receiver.r.map(scalarToHex), delta: toHex(delta) },
    sent: message,
  };
  delta.fill(0);
  return { state, message };
}

interface ParsedRound1 {
  message: PairingRound1Message;
  z: { point: Point; bytes: Uint8Array };
  v: { point: Point; bytes: Uint8Array }[];
}

function parseRound1(value: Record<string, unknown>, origin: Origin): ParsedRound1 {
  const r = expectRecord(value, '', origin, ['round', 'sessionId', 'z', 'v']);
  expectHex(r.sessionId, 'sessionId', origin, SESSION_ID_BYTES);
  const z = expectPoint(r.z, 'z', origin);
  const v = expectArray(r.v, 'v', origin, LAMBDA_C).map((entry, i) => expectPoint(entry, `v[${i}]`, origin));
  return {
    message: { round: 1, sessionId: r.sessionId as string, z: r.z as string, v: r.v as string[] },
    z,
    v,
  };
}

function parseRound2(value: Record<string, unknown>, origin: Origin): PairingRound2Message {
  const r = expectRecord(value, '', origin, ['round', 'sessionId', 'confirm']);
  expectHex(r.sessionId, 'sessionId', origin, SESSION_ID_BYTES);
  expectHex(r.confirm, 'confirm', origin, DIGEST_BYTES);
  return { round: 2, sessionId: r.sessionId as string, confirm: r.confirm as string };
}

function parseAny(value: unknown, from: PartyRole): { round1?: ParsedRound1; round2?: PairingRound2Message } {
  const origin: Origin = { from };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(origin, 'message', 'an object');
  const round = (value as Record<string, unknown>).round;
  if (round === 1) return { round1: parseRound1(value as Record<string, unknown>, { from, round: 1 }) };
  if (round === 2) return { round2: parseRound2(value as Record<string, unknown>, { from, round: 2 }) };
  return fail(origin, 'round', '1 or 2', typeof round === 'number' ? String(round) : typeof round);
}

/**
 * Validates a pairing message from `from` (shape, exact lengths, lower-case hex, points on the curve
 * and not the identity, no unknown keys). Does not check the session: `receivePairing` does.
 * @throws InvalidMessageError naming the field.
 */
export function parsePairingMessage(value: unknown, from: PartyRole): PairingMessage {
  checkRole(from);
  const parsed = parseAny(value, from);
  return (parsed.round1?.message ?? parsed.round2) as PairingMessage;
}

function encodeRound1(message: PairingRound1Message): Uint8Array {
  const out = new Uint8Array(POINT_BYTES * (1 + LAMBDA_C));
  out.set(fromHex(message.z), 0);
  message.v.forEach((v, i) => {
    out.set(fromHex(v), POINT_BYTES * (i + 1));
  });
  return out;
}

function confirmation(sessionId: string, pairingId: string, role: PartyRole): Uint8Array {
  return taggedHash(TAG.pairingConfirm, fromHex(sessionId), fromHex(pairingId), role);
}

function consume(state: PairingState): void {
  state.consumed = true;
  if (state.kind === 'ecdsa2p/ot-pairing/await-round-1') {
    state.secret.s = '';
    state.secret.r = [];
    state.secret.delta = '';
  }
}

function checkState(state: PairingState): void {
  if (typeof state !== 'object' || state === null || typeof state.kind !== 'string') {
    throw new ProtocolStateError({ expected: 'a pairing state', actual: typeof state });
  }
  if (state.consumed) throw new ProtocolStateError({ expected: 'an unused pairing state', actual: 'a consumed state' });
  if (state.kind === 'ecdsa2p/ot-pairing/done') {
    throw new ProtocolStateError({ expected: 'a pairing state awaiting a message', actual: state.kind });
  }
  if (state.kind !== 'ecdsa2p/ot-pairing/await-round-1' && state.kind !== 'ecdsa2p/ot-pairing/await-round-2') {
    throw new ProtocolStateError({ expected: 'a pairing state', actual: String((state as { kind: unknown }).kind) });
  }
  checkRole(state.role);
  if (!isHex(state.sessionId, SESSION_ID_BYTES)) throw new InvalidArgumentError('state.sessionId', '32 bytes of hex');
}

/**
 * Consumes the peer's round-r message and returns our round-(r+1) message, or the output when done.
 * A malformed message throws `InvalidMessageError` and leaves the state usable; otherwise the state
 * is consumed (reuse → `ProtocolStateError`).
 * @throws ProtocolAbortError (reason 'pairing-transcript-mismatch') when the peer saw a different
 *   round-1 transcript.
 */
export function receivePairing(p: { state: PairingState; message: unknown; rng: Rng }): {
  state: PairingState;
  message?: PairingMessage;
  output?: PairingOutput;
} {
  const state = p.state;
  checkState(state);
  const role = state.role;
  const peer = otherParty(role);
  const parsed = parseAny(p.message, peer);
  const expectedRound = state.kind === 'ecdsa2p/ot-pairing/await-round-1' ? 1 : 2;
  const got = parsed.round1?.message ?? parsed.round2;
  if (!got || got.round !== expectedRound) {
    fail({ from: peer, round: got?.round }, 'round', String(expectedRound), String(got?.round));
  }
  if (got.sessionId !== state.sessionId) fail({ from: peer, round: got.round }, 'sessionId', 'this pairing session');

  if (state.kind === 'ecdsa2p/ot-pairing/await-round-1' && parsed.round1) {
    const sessionId = fromHex(state.sessionId);
    const peerH = baseOtGenerator(sessionId, peer);
    // v_i = h would make Bob's second key s·O (the identity): reject it as malformed.
    parsed.round1.v.forEach((v, i) => {
      if (v.point.equals(peerH)) fail({ from: peer, round: 1 }, `v[${i}]`, 'a point different from h');
    });
    const secret = state.secret;
    const s = BigInt(`0x${secret.s}`);
    const r = secret.r.map((x) => BigInt(`0x${x}`));
    if (s <= 0n || s >= N || r.length !== LAMBDA_C)
      throw new InvalidArgumentError('state.secret', 'an unused pairing secret');
    const delta = fromHex(secret.delta, 'state.secret.delta', ROW_BYTES);
    const sent = state.sent;
    consume(state);

    // Direction where we are Alice: our keys from the peer's z.
    const ourSeeds = baseOtReceiverKeys({
      sessionId,
      aliceRole: role,
      r,
      delta,
      z: parsed.round1.z.point,
      zBytes: parsed.round1.z.bytes,
      vBytes: sent.v.map((v) => fromHex(v)),
    });
    // Direction where the peer is Alice: both keys per OT from the peer's v_i.
    const sentZ = fromHex(sent.z);
    const { seeds0, seeds1 } = baseOtSenderKeys({
      sessionId,
      aliceRole: peer,
      secret: { s, z: Point.fromBytes(sentZ) },
      h: peerH,
      v: parsed.round1.v.map((v) => v.point),
      vBytes: parsed.round1.v.map((v) => v.bytes),
    });

    const clientMessage = role === 'client' ? sent : parsed.round1.message;
    const serverMessage = role === 'server' ? sent : parsed.round1.message;
    const pairingId = taggedHash(
      TAG.pairingTranscript,
      sessionId,
      encodeRound1(clientMessage),
      encodeRound1(serverMessage),
    );
    const sender: OtSenderSetup = {
      kind: 'ecdsa2p/ot-sender-setup',
      version: 1,
      role,
      peer,
      setupId: toHex(taggedHash(TAG.direction, pairingId, role)),
      delta: toHex(delta),
      seeds: ourSeeds.map((x) => toHex(x)),
    };
    const receiver: OtReceiverSetup = {
      kind: 'ecdsa2p/ot-receiver-setup',
      version: 1,
      role,
      peer,
      setupId: toHex(taggedHash(TAG.direction, pairingId, peer)),
      seeds0: seeds0.map((x) => toHex(x)),
      seeds1: seeds1.map((x) => toHex(x)),
    };
    delta.fill(0);
    const pairingIdHex = toHex(pairingId);
    const message: PairingRound2Message = {
      round: 2,
      sessionId: state.sessionId,
      confirm: toHex(confirmation(state.sessionId, pairingIdHex, role)),
    };
    return {
      state: {
        kind: 'ecdsa2p/ot-pairing/await-round-2',
        consumed: false,
        sessionId: state.sessionId,
        role,
        pairingId: pairingIdHex,
        pending: { sender, receiver },
      },
      message,
    };
  }

  if (state.kind === 'ecdsa2p/ot-pairing/await-round-2' && parsed.round2) {
    const expected = confirmation(state.sessionId, state.pairingId, peer);
    const output = state.pending;
    state.consumed = true;
    state.pending = undefined as unknown as PairingOutput;
    if (!equalBytes(expected, fromHex(parsed.round2.confirm))) {
      throw new ProtocolAbortError({
        culprit: peer,
        reason: 'pairing-transcript-mismatch',
        detail: 'the peer confirmed a different round-1 transcript',
      });
    }
    return {
      state: {
        kind: 'ecdsa2p/ot-pairing/done',
        consumed: false,
        sessionId: state.sessionId,
        role,
        pairingId: state.pairingId,
      },
      output,
    };
  }
  throw new ProtocolStateError({ expected: 'a pairing state matching the message round', actual: state.kind });
}
