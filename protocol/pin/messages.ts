/**
 * Wire messages between Node 1 and the PIN guard (relayed by the relay or sent to the guard's own
 * process). Bytes are lower-case hex. Each parser checks shape, unknown fields, lengths, encodings
 * and group membership, and names the offending field.
 */
import { fromHex, isHex } from '../bytes.js';
import { InvalidMessageError, type PartyRole } from '../errors.js';
import { NONCE_BYTES, PROOF_BYTES } from './keys.js';
import { type GuardPurpose, isCustomerId, isGuardPurpose, parseElement, parseOprfProof } from './oprf.js';

/** Client → guard, unlock: evaluate `blinded` for the customer's current enrolment `epoch` (counted). */
export interface EvaluateRequest {
  customerId: string;
  purpose: GuardPurpose;
  epoch: number;
  blinded: string;
}

/** Client → guard, (re-)enrolment: evaluate `blinded` for a fresh epoch (allowed only while enrolment is open). */
export interface EnrolEvaluateRequest {
  customerId: string;
  purpose: GuardPurpose;
  blinded: string;
}

/** Guard → client: the POPRF evaluation, its DLEQ proof, and the single-use nonce to sign. */
export interface GuardEvaluation {
  nonce: string;
  epoch: number;
  evaluated: string;
  proof: string;
}

/** Client → guard: the Ed25519 proof over the nonce (unlock). */
export interface VerifyRequest {
  customerId: string;
  purpose: GuardPurpose;
  nonce: string;
  proof: string;
}

/** Client → guard: the new verifier V and a proof made with it over the enrolment nonce. */
export interface CompleteEnrolmentRequest {
  customerId: string;
  purpose: GuardPurpose;
  nonce: string;
  verifier: string;
  proof: string;
}

type Rec = Record<string, unknown>;

function record(value: unknown, from: PartyRole | 'unknown', keys: readonly string[]): Rec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidMessageError({ from, field: 'message', expected: 'an object', got: typeof value });
  }
  const r = value as Rec;
  const extra = Object.keys(r).find((k) => !keys.includes(k));
  if (extra !== undefined) throw new InvalidMessageError({ from, field: extra, expected: 'no such field' });
  return r;
}

function got(value: unknown): string {
  return typeof value === 'string' ? `${value.length} chars` : typeof value;
}

export function parseCustomerField(value: unknown, from: PartyRole | 'unknown'): string {
  if (!isCustomerId(value)) {
    throw new InvalidMessageError({
      from,
      field: 'customerId',
      expected: '1-128 chars of [A-Za-z0-9._:-]',
      got: got(value),
    });
  }
  return value;
}

export function parsePurposeField(value: unknown, from: PartyRole | 'unknown'): GuardPurpose {
  if (!isGuardPurpose(value)) {
    throw new InvalidMessageError({
      from,
      field: 'purpose',
      expected: '"pin" or "questions"',
      got: String(value).slice(0, 20),
    });
  }
  return value;
}

export function parseEpoch(value: unknown, from: PartyRole | 'unknown'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > 0xffffffff) {
    throw new InvalidMessageError({
      from,
      field: 'epoch',
      expected: 'an integer ≥ 1',
      got: String(value).slice(0, 20),
    });
  }
  return value;
}

export function parseNonce(value: unknown, from: PartyRole | 'unknown'): Uint8Array {
  if (!isHex(value, NONCE_BYTES)) {
    throw new InvalidMessageError({ from, field: 'nonce', expected: `${NONCE_BYTES} bytes of hex`, got: got(value) });
  }
  return fromHex(value, 'nonce', NONCE_BYTES);
}

/**
 * The Ed25519 proof. Only the encoding is checked here; a wrong-length or invalid proof still burns
 * the nonce at the guard (see relay/pin-guard), so the guard calls `isWellFormedProof` instead.
 */
export function isWellFormedProof(value: unknown): value is string {
  return isHex(value, PROOF_BYTES);
}

export function parseEvaluateRequest(value: unknown): EvaluateRequest {
  const r = record(value, 'client', ['customerId', 'purpose', 'epoch', 'blinded']);
  const customerId = parseCustomerField(r.customerId, 'client');
  const purpose = parsePurposeField(r.purpose, 'client');
  const epoch = parseEpoch(r.epoch, 'client');
  parseElement(r.blinded, 'blinded', 'client');
  return { customerId, purpose, epoch, blinded: r.blinded as string };
}

export function parseEnrolEvaluateRequest(value: unknown): EnrolEvaluateRequest {
  const r = record(value, 'client', ['customerId', 'purpose', 'blinded']);
  const customerId = parseCustomerField(r.customerId, 'client');
  const purpose = parsePurposeField(r.purpose, 'client');
  parseElement(r.blinded, 'blinded', 'client');
  return { customerId, purpose, blinded: r.blinded as string };
}

/** Parsed by the client: everything from the guard is untrusted until its proof verifies. */
export function parseGuardEvaluation(value: unknown): GuardEvaluation {
  const r = record(value, 'server', ['nonce', 'epoch', 'evaluated', 'proof']);
  parseNonce(r.nonce, 'server');
  const epoch = parseEpoch(r.epoch, 'server');
  parseElement(r.evaluated, 'evaluated', 'server');
  parseOprfProof(r.proof, 'proof', 'server');
  return { nonce: r.nonce as string, epoch, evaluated: r.evaluated as string, proof: r.proof as string };
}
