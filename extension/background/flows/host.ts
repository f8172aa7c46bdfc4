/**
 * Where an approval meets its flow: reads the approval's challenge from the relay (kind, customer,
 * approved payload — never the page's word), builds the flow context for the approval's relay, and
 * runs the flow for the kind. The controller calls `approve` (PIN-approved kinds) and `onboarding.*`.
 */
import type { Approval } from '../approvals.js';
import type { ChallengeReader, GatewayChallenge } from '../challenge-reader.js';
import type { GatewayEvent } from '../gateway-channel.js';
import type { RecoveryMethod } from '../messages.js';
import type { FlowContext, FlowRequest } from './context.js';
import { createExportFlow } from './export.js';
import type { ExportedKeys } from './export-keys.js';
import { createOnboardingFlow } from './initialize.js';
import { unlockForRecoveryChange } from './recovery-change.js';
import { createRecoveryProofClient } from './recovery-proof.js';
import { signChallenge } from './sign.js';
import { SIGNING_KINDS } from './signing-requests.js';
import { createWallets } from './wallet-create.js';

/** A kind whose flow this version does not carry out yet (update-pin, reset-pin, export, recovery). */
export class FlowNotAvailableError extends Error {
  override readonly name = 'FlowNotAvailableError';
}

/** The approval is not something this step applies to (wrong kind, gone at the relay). */
export class FlowStateError extends Error {
  override readonly name = 'FlowStateError';
}

export type Report = (event: GatewayEvent) => void;

export interface OnboardingHandlers {
  setPin(approval: Approval, pin: string, report: Report): Promise<void>;
  /** A `recovery` challenge: the current PIN opens the bundle; answers the copies the relay holds. */
  unlockForRecovery(approval: Approval, pin: string, report: Report): Promise<RecoveryMethod[]>;
  createKit(approval: Approval): Promise<{ code: string }>;
  confirmKit(approval: Approval): Promise<RecoveryMethod[]>;
  setUpQuestions(approval: Approval, questions: string[], answers: string[]): Promise<RecoveryMethod[]>;
  sendEmailCode(approval: Approval, email: string): Promise<void>;
  confirmEmailCode(approval: Approval, code: string): Promise<RecoveryMethod[]>;
  complete(approval: Approval): Promise<Record<string, unknown>>;
}

export interface FlowHost {
  approve(approval: Approval, pin: string, report: Report): Promise<Record<string, unknown>>;
  onboarding: OnboardingHandlers;
  /** The keys an approved export rebuilt, handed to its Gateway window once (flows/export.ts). */
  takeExport(approvalId: string): ExportedKeys | undefined;
  /** Forgets an approval's in-memory flow state (call when it settles). */
  forget(approvalId: string): void;
}

export function createFlowHost(deps: {
  challenges: ChallengeReader;
  context: (relayOrigin: string) => FlowContext;
  newId: () => string;
}): FlowHost {
  const onboardingFlow = createOnboardingFlow();
  const exportFlow = createExportFlow();

  async function open(approval: Approval, report: Report = () => undefined, kinds?: readonly string[]) {
    const { request } = approval;
    if (request.kind !== 'business-challenge') throw new FlowNotAvailableError('dApp requests are not signed yet');
    const read = await deps.challenges.read(request.relayOrigin, request.challengeId);
    if (read.state !== 'ready') {
      throw new FlowStateError(
        read.state === 'unreachable'
          ? `the relay could not be reached: ${read.detail}`
          : `this request is ${read.state}`,
      );
    }
    const challenge: GatewayChallenge = read.challenge;
    if (kinds && !kinds.includes(challenge.kind))
      throw new FlowStateError(`this step is not part of a ${challenge.kind} request`);
    const flowRequest: FlowRequest = {
      approvalId: approval.id,
      challengeId: challenge.challengeId,
      customerId: challenge.customerId,
      report,
    };
    return { ctx: deps.context(request.relayOrigin), flowRequest, challenge };
  }
  const init = ['initialize'] as const;
  // The recovery steps run at onboarding and, after the PIN, in a `recovery` challenge (recovery-change.ts).
  const recoverySteps = ['initialize', 'recovery'] as const;

  return {
    async approve(approval, pin, report) {
      const { ctx, flowRequest, challenge } = await open(approval, report);
      if (challenge.kind === 'wallet-create') return createWallets(ctx, flowRequest, pin, deps.newId);
      if (SIGNING_KINDS.has(challenge.kind)) return signChallenge(ctx, flowRequest, pin, challenge, deps.newId);
      if (challenge.kind === 'export-private-keys') return exportFlow.run(ctx, flowRequest, pin, deps.newId);
      if (challenge.kind === 'recovery') {
        throw new FlowStateError('a recovery request starts with recovery.unlock, then the recovery steps');
      }
      throw new FlowNotAvailableError(
        `this version of Tandem cannot carry out a ${challenge.kind} request yet; nothing was changed`,
      );
    },
    onboarding: {
      async setPin(approval, pin, report) {
        const { ctx, flowRequest } = await open(approval, report, init);
        await onboardingFlow.setPin(ctx, flowRequest, pin);
      },
      async unlockForRecovery(approval, pin, report) {
        const { ctx, flowRequest } = await open(approval, report, ['recovery']);
        const proofs = createRecoveryProofClient({
          relayOrigin: ctx.relayOrigin,
          fetch: (...a) => fetch(...a),
          rng: ctx.rng,
        });
        return unlockForRecoveryChange(ctx, flowRequest, pin, (id) => proofs.storedCopies(id));
      },
      async createKit(approval) {
        const { ctx, flowRequest } = await open(approval, undefined, recoverySteps);
        return onboardingFlow.createKit(ctx, flowRequest);
      },
      async confirmKit(approval) {
        const { ctx, flowRequest } = await open(approval, undefined, recoverySteps);
        return onboardingFlow.confirmKit(ctx, flowRequest);
      },
      async setUpQuestions(approval, questions, answers) {
        const { ctx, flowRequest } = await open(approval, undefined, recoverySteps);
        return onboardingFlow.setUpQuestions(ctx, flowRequest, questions, answers);
      },
      async sendEmailCode(approval, email) {
        const { ctx, flowRequest } = await open(approval, undefined, recoverySteps);
        await onboardingFlow.sendEmailCode(ctx, flowRequest, email);
      },
      async confirmEmailCode(approval, code) {
        const { ctx, flowRequest } = await open(approval, undefined, recoverySteps);
        return onboardingFlow.confirmEmailCode(ctx, flowRequest, code);
      },
      async complete(approval) {
        const { ctx, flowRequest } = await open(approval, undefined, recoverySteps);
        return onboardingFlow.complete(ctx, flowRequest);
      },
    },
    takeExport: (approvalId) => exportFlow.take(approvalId),
    // A settled export's keys stay for the window to take (EXPORT_HANDOVER_MS), then go.
    forget: (approvalId) => onboardingFlow.forget(approvalId),
  };
}
