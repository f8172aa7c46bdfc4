/**
 * The `reset-pin` challenge: the user forgot the PIN (or the wallet locked after too many wrong PINs).
 *   1. `options`: which recovery methods exist (the copies the relay holds) and the questions' prompts;
 *   2. one proof (recovery-proof.ts): answers, an emailed code, or the recovery kit code — it opens that
 *      method's copy of the bundle here and re-enrolment of the PIN at the relay;
 *   3. `setNewPin`: new PIN → share refresh → every copy re-wrapped → completion (update-pin-finish.ts).
 *      Afterwards the old PIN opens nothing and every bundle wrapped before no longer signs.
 * Between steps 2 and 3 the recovered bundle waits in the lock material, tagged with this approval
 * (pin-change-held.ts), so a worker stopped while the user chooses the new PIN does not lose it.
 */
import type { RecoveryCopyMethod } from '../bundle.js';
import type { FlowContext, FlowRequest } from './context.js';
import { holdProvenBundle, provenBundle } from './pin-change-held.js';
import type { EmailVerification, RecoveryOptions, RecoveryProofClient } from './recovery-proof.js';
import { finishPinChange } from './update-pin-finish.js';

export interface ResetPinFlow {
  options(request: FlowRequest): Promise<RecoveryOptions>;
  proveAnswers(ctx: FlowContext, request: FlowRequest, answers: string[]): Promise<void>;
  sendEmailCode(request: FlowRequest): Promise<{ sentTo: string; releaseDelayMs: number }>;
  /** `released: false` while the relay's time lock runs (ask again after `releaseAt`). */
  verifyEmailCode(
    ctx: FlowContext,
    request: FlowRequest,
    code?: string,
  ): Promise<{ released: boolean; releaseAt?: string }>;
  proveKit(ctx: FlowContext, request: FlowRequest, code: string): Promise<void>;
  setNewPin(
    ctx: FlowContext,
    request: FlowRequest,
    pin: string,
    newId: () => string,
    storedCopies: readonly RecoveryCopyMethod[],
  ): Promise<Record<string, unknown>>;
  forget(approvalId: string): void;
}

export function createResetPinFlow(proofs: (request: FlowRequest) => RecoveryProofClient): ResetPinFlow {
  return {
    options: (request) => proofs(request).options(request.challengeId),

    async proveAnswers(ctx, request, answers) {
      const r = await proofs(request).proveAnswers(request.challengeId, request.customerId, answers);
      await holdProvenBundle(ctx, request, r.bundle);
    },

    sendEmailCode: (request) => proofs(request).sendEmailCode(request.challengeId),

    async verifyEmailCode(ctx, request, code) {
      const r: EmailVerification = await proofs(request).verifyEmailCode(request.challengeId, request.customerId, code);
      if (r.status === 'time-locked') return { released: false, releaseAt: r.releaseAt };
      await holdProvenBundle(ctx, request, r.recovered.bundle);
      return { released: true };
    },

    async proveKit(ctx, request, code) {
      const r = await proofs(request).proveKit(request.challengeId, request.customerId, code);
      await holdProvenBundle(ctx, request, r.bundle);
    },

    async setNewPin(ctx, request, pin, newId, storedCopies) {
      const bundle = await provenBundle(ctx, request, 'prove a recovery method first');
      return finishPinChange(ctx, request, bundle, pin, newId, storedCopies);
    },

    // Nothing in memory: the held bundle goes with the lock material (auto-lock).
    forget: () => undefined,
  };
}
