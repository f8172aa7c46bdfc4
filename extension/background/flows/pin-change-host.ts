/**
 * Where the Gateway's PIN-change steps meet their flows (`update-pin`, `reset-pin`): like host.ts, it
 * reads the approval's challenge from the relay (kind and customer come from the relay, never from the
 * page), checks the step belongs to that kind, and builds the flow context for the approval's relay.
 */
import type { Approval } from '../approvals.js';
import type { RecoveryCopyMethod } from '../bundle.js';
import type { ChallengeReader } from '../challenge-reader.js';
import type { FlowContext, FlowRequest } from './context.js';
import { FlowNotAvailableError, FlowStateError, type Report } from './host.js';
import { createRecoveryProofClient, type RecoveryProofClient } from './recovery-proof.js';
import { createResetPinFlow } from './reset-pin.js';
import { createUpdatePinFlow } from './update-pin.js';

export interface PinChangeHandlers {
  /** update-pin, step 1: the current PIN (a wrong one throws PinGuardError `wrong-pin` with the tries left). */
  verifyCurrentPin(approval: Approval, pin: string, report: Report): Promise<void>;
  /** reset-pin, step 1: the recovery methods the user set up, and the security questions' prompts. */
  recoveryOptions(approval: Approval): Promise<{ methods: RecoveryCopyMethod[]; questions: string[] | null }>;
  proveAnswers(approval: Approval, answers: string[]): Promise<void>;
  sendEmailCode(approval: Approval): Promise<{ sentTo: string; releaseDelayMs: number }>;
  verifyEmailCode(approval: Approval, code?: string): Promise<{ released: boolean; releaseAt?: string }>;
  proveKit(approval: Approval, code: string): Promise<void>;
  /** Both kinds, last step: new PIN → share refresh → every copy re-wrapped → completion. */
  setNewPin(approval: Approval, pin: string, report: Report): Promise<Record<string, unknown>>;
  forget(approvalId: string): void;
}

export function createPinChangeHost(deps: {
  challenges: ChallengeReader;
  context: (relayOrigin: string) => FlowContext;
  newId: () => string;
  /** The Gateway API client for recovery proofs; defaults to one over `fetch` for the context's relay. */
  proofs?: (ctx: FlowContext) => RecoveryProofClient;
}): PinChangeHandlers {
  const updatePin = createUpdatePinFlow();
  const proofsFor =
    deps.proofs ??
    ((ctx: FlowContext) =>
      createRecoveryProofClient({ relayOrigin: ctx.relayOrigin, fetch: (...a) => fetch(...a), rng: ctx.rng }));
  const contexts = new Map<string, FlowContext>();
  const resetPin = createResetPinFlow((request) => {
    const ctx = contexts.get(request.approvalId);
    if (!ctx) throw new FlowStateError('no relay for this approval');
    return proofsFor(ctx);
  });

  async function open(
    approval: Approval,
    kinds: readonly string[],
    report: Report = () => undefined,
  ): Promise<{ ctx: FlowContext; request: FlowRequest; kind: string }> {
    const { request } = approval;
    if (request.kind !== 'business-challenge')
      throw new FlowNotAvailableError('only a business can ask for a PIN change');
    const read = await deps.challenges.read(request.relayOrigin, request.challengeId);
    if (read.state !== 'ready') {
      throw new FlowStateError(
        read.state === 'unreachable'
          ? `the relay could not be reached: ${read.detail}`
          : `this request is ${read.state}`,
      );
    }
    const { challenge } = read;
    if (!kinds.includes(challenge.kind))
      throw new FlowStateError(`this step is not part of a ${challenge.kind} request`);
    const ctx = deps.context(request.relayOrigin);
    contexts.set(approval.id, ctx);
    return {
      ctx,
      request: {
        approvalId: approval.id,
        challengeId: challenge.challengeId,
        customerId: challenge.customerId,
        report,
      },
      kind: challenge.kind,
    };
  }
  const update = ['update-pin'] as const;
  const reset = ['reset-pin'] as const;

  return {
    async verifyCurrentPin(approval, pin, report) {
      const { ctx, request } = await open(approval, update, report);
      await updatePin.verifyCurrentPin(ctx, request, pin);
    },
    async recoveryOptions(approval) {
      const { request } = await open(approval, reset);
      return resetPin.options(request);
    },
    async proveAnswers(approval, answers) {
      const { ctx, request } = await open(approval, reset);
      await resetPin.proveAnswers(ctx, request, answers);
    },
    async sendEmailCode(approval) {
      const { request } = await open(approval, reset);
      return resetPin.sendEmailCode(request);
    },
    async verifyEmailCode(approval, code) {
      const { ctx, request } = await open(approval, reset);
      return resetPin.verifyEmailCode(ctx, request, code);
    },
    async proveKit(approval, code) {
      const { ctx, request } = await open(approval, reset);
      await resetPin.proveKit(ctx, request, code);
    },
    async setNewPin(approval, pin, report) {
      const { ctx, request, kind } = await open(approval, [...update, ...reset], report);
      const stored = await proofsFor(ctx).storedCopies(request.challengeId);
      return kind === 'update-pin'
        ? updatePin.setNewPin(ctx, request, pin, deps.newId, stored)
        : resetPin.setNewPin(ctx, request, pin, deps.newId, stored);
    },
    forget(approvalId) {
      updatePin.forget(approvalId);
      resetPin.forget(approvalId);
      contexts.delete(approvalId);
    },
  };
}
