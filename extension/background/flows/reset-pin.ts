/**
 * The `reset-pin` challenge: the user forgot the PIN (or the wallet locked after too many wrong PINs).
 *   1. `options`: which recovery methods exist (the copies the relay holds) and the questions' prompts;
 *   2. one proof (recovery-proof.ts): answers, an emailed code, or the recovery kit code — it opens that
 *      method's copy of the bundle here and re-enrolment of the PIN at the relay;
 *   3. `setNewPin`: new PIN → share refresh → every copy re-wrapped → completion (update-pin-finish.ts).
 *      Afterwards the old PIN opens nothing and every bundle wrapped before no longer signs.
 * The recovered bundle waits in worker memory only, for this approval, between steps 2 and 3.
 */
import type { Node1Bundle, RecoveryCopyMethod } from '../bundle.js';
import type { FlowContext, FlowRequest } from './context.js';
import { FlowStateError } from './host.js';
import type { EmailVerification, RecoveryOptions, RecoveryProofClient } from './recovery-proof.js';
import { finishPinChange } from './update-pin-finish.js';

export interface ResetPinFlow {
  options(request: FlowRequest): Promise<RecoveryOptions>;
  proveAnswers(request: FlowRequest, answers: string[]): Promise<void>;
  sendEmailCode(request: FlowRequest): Promise<{ sentTo: string; releaseDelayMs: number }>;
  /** `released: false` while the relay's time lock runs (ask again after `releaseAt`). */
  verifyEmailCode(request: FlowRequest, code?: string): Promise<{ released: boolean; releaseAt?: string }>;
  proveKit(request: FlowRequest, code: string): Promise<void>;
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
  const recovered = new Map<string, { customerId: string; bundle: Node1Bundle }>();
  const keep = (request: FlowRequest, bundle: Node1Bundle) =>
    recovered.set(request.approvalId, { customerId: request.customerId, bundle });

  return {
    options: (request) => proofs(request).options(request.challengeId),

    async proveAnswers(request, answers) {
      const r = await proofs(request).proveAnswers(request.challengeId, request.customerId, answers);
      keep(request, r.bundle);
    },

    sendEmailCode: (request) => proofs(request).sendEmailCode(request.challengeId),

    async verifyEmailCode(request, code) {
      const r: EmailVerification = await proofs(request).verifyEmailCode(request.challengeId, request.customerId, code);
      if (r.status === 'time-locked') return { released: false, releaseAt: r.releaseAt };
      keep(request, r.recovered.bundle);
      return { released: true };
    },

    async proveKit(request, code) {
      const r = await proofs(request).proveKit(request.challengeId, request.customerId, code);
      keep(request, r.bundle);
    },

    async setNewPin(ctx, request, pin, newId, storedCopies) {
      const held = recovered.get(request.approvalId);
      if (!held || held.customerId !== request.customerId) {
        throw new FlowStateError('prove a recovery method first (the wallet service restarted meanwhile)');
      }
      const result = await finishPinChange(ctx, request, held.bundle, pin, newId, storedCopies);
      recovered.delete(request.approvalId);
      return result;
    },

    forget: (approvalId) => recovered.delete(approvalId),
  };
}
