/**
 * The PIN guard's narrow interface (DESIGN §4.1). The relay depends on this type only, so the
 * guard can run in-process (`createPinGuard`) or in its own process and trust domain
 * (`createRemotePinGuard` → `npm run pin-guard`) without the relay noticing.
 *
 * Expected refusals (locked, wrong proof, expired nonce…) are results, not exceptions; malformed
 * input throws `InvalidMessageError` (HTTP 400 on the remote server).
 */
import type {
  CompleteEnrolmentRequest,
  EnrolEvaluateRequest,
  EvaluateRequest,
  GuardEvaluation,
  VerifyRequest,
} from '../../protocol/pin/messages.js';
import type { GuardPublicKey, GuardPurpose } from '../../protocol/pin/oprf.js';

export type { GuardPurpose };

export interface GuardInfo extends GuardPublicKey {
  /** Consecutive failed attempts that lock a customer's purpose. */
  maxFailures: number;
}

export interface GuardStatus {
  customerId: string;
  purpose: GuardPurpose;
  enrolled: boolean;
  /** Current enrolment epoch (0 before the first enrolment). */
  epoch: number;
  failures: number;
  attemptsRemaining: number;
  locked: boolean;
  enrolmentOpen: boolean;
}

/** Emitted once when a customer's purpose becomes locked; the relay queues `customer.locked_out`. */
export interface LockedOutEvent {
  customerId: string;
  purpose: GuardPurpose;
  failures: number;
  lockedAtMs: number;
}

export type EvaluateResult =
  | { status: 'ok'; evaluation: GuardEvaluation; attemptsRemaining: number }
  /** `lockedOut` is true only on the call that caused the lock. */
  | { status: 'locked'; lockedOut: boolean }
  | { status: 'not-enrolled' }
  /** The client's wrapped copy is for another enrolment; nothing was counted. */
  | { status: 'stale-epoch'; epoch: number };

export type VerifyResult =
  | { status: 'ok' }
  | { status: 'wrong'; attemptsRemaining: number }
  | { status: 'locked'; lockedOut: boolean }
  /** Unknown, already used, expired, or superseded nonce; nothing changes. */
  | { status: 'invalid-nonce' }
  | { status: 'not-enrolled' };

export type EnrolEvaluateResult = { status: 'ok'; evaluation: GuardEvaluation } | { status: 'enrolment-closed' };

export type CompleteEnrolmentResult =
  | { status: 'ok'; epoch: number }
  | { status: 'invalid-nonce' }
  | { status: 'bad-proof' }
  | { status: 'enrolment-closed' };

export type AllowEnrolmentResult = { status: 'ok'; openUntilMs: number };

export type UnlockResult = { status: 'ok' } | { status: 'rate-limited'; retryAfterMs: number };

export interface PinGuard {
  /** The public key the client pins, its key id, and the failure limit. */
  info(): Promise<GuardInfo>;
  status(customerId: string, purpose: GuardPurpose): Promise<GuardStatus>;
  /**
   * Unlock attempt: counts the attempt BEFORE evaluating (in one transaction with the new nonce),
   * refuses when locked, and returns the POPRF evaluation plus a fresh single-use nonce.
   */
  evaluate(request: EvaluateRequest): Promise<EvaluateResult>;
  /** Checks the proof over the outstanding nonce; consumes the nonce either way; resets on success. */
  verify(request: VerifyRequest): Promise<VerifyResult>;
  /**
   * Enrolment evaluation under a fresh epoch; allowed before the first enrolment and while the
   * relay has opened enrolment (`allowEnrolment`), at most a few times per opening.
   */
  beginEnrolment(request: EnrolEvaluateRequest): Promise<EnrolEvaluateResult>;
  /** Stores the new verifier (proved over the enrolment nonce), switches epoch, clears counter and lock. */
  completeEnrolment(request: CompleteEnrolmentRequest): Promise<CompleteEnrolmentResult>;
  /**
   * Opens re-enrolment for a while. The relay calls it after the user proved the current PIN (PIN
   * change) or completed a recovery method (reset PIN); completing the enrolment clears the lock.
   */
  allowEnrolment(customerId: string, purpose: GuardPurpose): Promise<AllowEnrolmentResult>;
  /**
   * Clears the counter and lock WITHOUT re-enrolment (operator decision after out-of-band checks).
   * Rate-limited per customer and purpose, so even a compromised relay talking to a separate guard
   * cannot turn resets into unlimited guesses.
   */
  unlock(customerId: string, purpose: GuardPurpose): Promise<UnlockResult>;
  /** Stops serving and wipes the in-memory key; the database belongs to the caller and stays open. */
  close(): Promise<void>;
}
