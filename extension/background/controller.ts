/**
 * The background's message handling: sender checks, parsing (messages.ts) and one handler per
 * message type. The entrypoint only wires Chrome's listeners to `handle`.
 */
import { type AccountOverview, OverviewUnavailableError } from './account-overview.js';
import { type Approval, type ApprovalQueue, UnknownApprovalError, userRejected } from './approvals.js';
import { BundleError } from './bundle.js';
import { CeremonyFailedError } from './ceremony-runner.js';
import type { ChallengeReader } from './challenge-reader.js';
import type { ExportedKeys } from './flows/export-keys.js';
import { FlowNotAvailableError, FlowStateError, type OnboardingHandlers } from './flows/host.js';
import { OnboardingStateError } from './flows/initialize.js';
import type { PinChangeHandlers } from './flows/pin-change-host.js';
import { CeremonyRefusedError } from './flows/session.js';
import { SigningRefusedError } from './flows/signing-requests.js';
import type { GatewayEvent } from './gateway-channel.js';
import { httpOrigin } from './ids.js';
import type { LockState } from './lock.js';
import {
  type AccountView,
  type BackgroundRequest,
  type ErrorResponse,
  MessageRefusedError,
  type MessageSenderInfo,
  type MessageType,
  parseBackgroundRequest,
  type RequestOf,
  type ResponseData,
  senderContext,
} from './messages.js';
import { PinGuardError } from './pin-guard-client.js';
import { RelayConnectionError } from './relay-client.js';
import { SettingsError, type SettingsStore } from './settings.js';

export interface BackgroundControllerDependencies {
  extensionId: string;
  version: string;
  /** Resolves to the number of recorded worker starts (boot-log.ts). */
  bootCount: () => Promise<number>;
  queue: ApprovalQueue;
  settings: SettingsStore;
  lock: LockState;
  challenges: ChallengeReader;
  accounts: () => Promise<AccountView[]>;
  /** Balances and recent activity from the relay (account-overview.ts); absent where it is not wired. */
  accountOverview?: Pick<AccountOverview, 'balances' | 'activity'>;
  /**
   * Carries out an approved request (PIN guard, unwrap, MPC ceremony…) and returns its public result;
   * the approval is then settled as approved. Throws NotAvailableError for kinds not built yet, or
   * another error, which settles nothing (the user may try again or close the window).
   */
  approve: (approval: Approval, pin: string, report: (event: GatewayEvent) => void) => Promise<Record<string, unknown>>;
  /** The steps of onboarding (`initialize`): PIN, recovery methods, completion. */
  onboarding: OnboardingHandlers;
  /** Sends a flow's progress to the Gateway window showing that approval (gateway-channel.ts). */
  publish: (approvalId: string, event: GatewayEvent) => void;
  /** The steps of update-pin and reset-pin (flows/pin-change-host.ts); absent where they are not wired. */
  pinChange?: PinChangeHandlers;
  /** The keys an approved export rebuilt, once (flows/export.ts); absent where export is not wired. */
  takeExport?: (approvalId: string) => ExportedKeys | undefined;
}

/** A flow the Gateway asked for exists as a screen but not yet as a ceremony. */
export class NotAvailableError extends Error {
  override readonly name = 'NotAvailableError';
}

type Handler<T extends MessageType> = (request: RequestOf<T>, sender: MessageSenderInfo) => Promise<ResponseData[T]>;

export interface BackgroundController {
  /** Never throws: refusals and failures come back as `{ ok: false, error }`. */
  handle(message: unknown, sender: MessageSenderInfo): Promise<{ ok: true } | ErrorResponse>;
}

export function createBackgroundController(deps: BackgroundControllerDependencies): BackgroundController {
  async function approval(approvalId: string) {
    const found = await deps.queue.get(approvalId);
    if (!found) throw new UnknownApprovalError(approvalId);
    return found;
  }

  function pinChange(): PinChangeHandlers {
    if (!deps.pinChange) throw new NotAvailableError('PIN changes are not available in this version');
    return deps.pinChange;
  }

  function accountOverview(): Pick<AccountOverview, 'balances' | 'activity'> {
    if (!deps.accountOverview) throw new NotAvailableError('balances and activity are not available in this version');
    return deps.accountOverview;
  }

  const handlers: { [T in MessageType]: Handler<T> } = {
    status: async () => ({ version: deps.version, bootCount: await deps.bootCount() }),
    'gateway.open': async (request, sender) => {
      // The relay origin is the sending tab's origin, and it must be the relay the user configured:
      // another site cannot open the Gateway (or point it at its own server) by copying the meta tag.
      const pageOrigin = sender.url ? httpOrigin(sender.url) : undefined;
      const { relayUrl } = await deps.settings.get();
      if (!pageOrigin || pageOrigin !== relayUrl) {
        throw new MessageRefusedError(
          'wrong-context',
          `This page is from ${pageOrigin ?? 'an unknown site'}, but Tandem is set to use the relay at ${relayUrl}.`,
          'sender',
        );
      }
      const queued = await deps.queue.enqueue({
        kind: 'business-challenge',
        relayOrigin: pageOrigin,
        challengeId: request.challengeId,
        tabId: sender.tab?.id ?? null,
        returnUrl: null,
      });
      return { approvalId: queued.id };
    },
    'approval.get': async (request) => ({ approval: await approval(request.approvalId) }),
    'approval.reject': async (request) => {
      await deps.queue.settle(request.approvalId, userRejected());
      return {};
    },
    'approval.approve': async (request) => {
      const pending = await approval(request.approvalId);
      const result = await deps.approve(pending, request.pin, (event) => deps.publish(pending.id, event));
      // The window stays to show the outcome (addresses, "signed") when nothing else waits.
      await deps.queue.settle(pending.id, { status: 'approved', result }, { keepWindowOpen: true });
      return { result };
    },
    'onboarding.pin': async (request) => {
      const pending = await approval(request.approvalId);
      await deps.onboarding.setPin(pending, request.pin, (event) => deps.publish(pending.id, event));
      return {};
    },
    'recovery.unlock': async (request) => {
      const pending = await approval(request.approvalId);
      const report = (event: GatewayEvent) => deps.publish(pending.id, event);
      return { existing: await deps.onboarding.unlockForRecovery(pending, request.pin, report) };
    },
    'onboarding.kit': async (request) => deps.onboarding.createKit(await approval(request.approvalId)),
    'onboarding.kit.saved': async (request) => ({
      methods: await deps.onboarding.confirmKit(await approval(request.approvalId)),
    }),
    'onboarding.questions': async (request) => ({
      methods: await deps.onboarding.setUpQuestions(
        await approval(request.approvalId),
        request.questions,
        request.answers,
      ),
    }),
    'onboarding.email': async (request) => {
      await deps.onboarding.sendEmailCode(await approval(request.approvalId), request.email);
      return {};
    },
    'onboarding.email.code': async (request) => ({
      methods: await deps.onboarding.confirmEmailCode(await approval(request.approvalId), request.code),
    }),
    'onboarding.complete': async (request) => {
      const pending = await approval(request.approvalId);
      const result = await deps.onboarding.complete(pending);
      await deps.queue.settle(pending.id, { status: 'approved', result }, { keepWindowOpen: true });
      return { result };
    },
    'pin-change.current': async (request) => {
      const pending = await approval(request.approvalId);
      await pinChange().verifyCurrentPin(pending, request.pin, (event) => deps.publish(pending.id, event));
      return {};
    },
    'pin-change.options': async (request) => pinChange().recoveryOptions(await approval(request.approvalId)),
    'pin-change.answers': async (request) => {
      await pinChange().proveAnswers(await approval(request.approvalId), request.answers);
      return {};
    },
    'pin-change.email': async (request) => pinChange().sendEmailCode(await approval(request.approvalId)),
    'pin-change.email.code': async (request) =>
      pinChange().verifyEmailCode(await approval(request.approvalId), request.code),
    'pin-change.kit': async (request) => {
      await pinChange().proveKit(await approval(request.approvalId), request.code);
      return {};
    },
    'pin-change.new': async (request) => {
      const pending = await approval(request.approvalId);
      const result = await pinChange().setNewPin(pending, request.pin, (event) => deps.publish(pending.id, event));
      await deps.queue.settle(pending.id, { status: 'approved', result }, { keepWindowOpen: true });
      return { result };
    },
    'approvals.pending': async () => ({ count: (await deps.queue.list()).length }),
    'gateway.show': async () => ({ shown: await deps.queue.show() }),
    'challenge.read': async (request) => {
      const { request: challenge } = await approval(request.approvalId);
      if (challenge.kind !== 'business-challenge') {
        throw new MessageRefusedError('invalid-fields', 'this approval is not a business challenge', 'approvalId');
      }
      const result = await deps.challenges.read(challenge.relayOrigin, challenge.challengeId);
      if (result.state === 'ready' && result.challenge.returnUrl) {
        await deps.queue.setReturnUrl(request.approvalId, result.challenge.returnUrl);
      }
      return { challenge: result };
    },
    'settings.get': async () => ({ settings: await deps.settings.get() }),
    'settings.update': async (request) => {
      const { type: _type, ...patch } = request;
      return { settings: await deps.settings.update(patch) };
    },
    'lock.status': async () => ({ lock: await deps.lock.status() }),
    'lock.lock': async () => {
      await deps.lock.lock();
      return { lock: await deps.lock.status() };
    },
    'accounts.list': async () => ({ accounts: await deps.accounts() }),
    'account.balances': async () => ({ overview: await accountOverview().balances() }),
    'account.activity': async () => ({ overview: await accountOverview().activity() }),
    'export.take': async (request) => {
      const keys = deps.takeExport?.(request.approvalId);
      if (!keys) {
        throw new MessageRefusedError(
          'not-available',
          'the exported keys are no longer here (they are handed over once and kept for a minute at most); start a new export from the site',
        );
      }
      return { keys };
    },
  };

  return {
    async handle(message, sender) {
      let request: BackgroundRequest;
      try {
        request = parseBackgroundRequest(message, senderContext(sender, deps.extensionId));
        const handler = handlers[request.type] as Handler<MessageType>;
        return { ok: true, ...(await handler(request as RequestOf<MessageType>, sender)) };
      } catch (error) {
        return toErrorResponse(error);
      }
    },
  };
}

export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof MessageRefusedError) {
    return {
      ok: false,
      error: { code: error.code, message: error.message, ...(error.field && { field: error.field }) },
    };
  }
  if (error instanceof UnknownApprovalError) {
    return { ok: false, error: { code: 'unknown-approval', message: error.message, field: 'approvalId' } };
  }
  if (error instanceof PinGuardError) {
    if (error.code === 'wrong-pin') {
      return {
        ok: false,
        error: {
          code: 'wrong-pin',
          message: error.message,
          ...(error.attemptsLeft === undefined ? {} : { attemptsLeft: error.attemptsLeft }),
        },
      };
    }
    if (error.code === 'locked') return { ok: false, error: { code: 'pin-locked', message: error.message } };
    if (error.code === 'wrong-code') return { ok: false, error: { code: 'wrong-code', message: error.message } };
    return { ok: false, error: { code: 'relay-failed', message: error.message } };
  }
  if (
    error instanceof SigningRefusedError ||
    error instanceof OnboardingStateError ||
    error instanceof FlowStateError ||
    error instanceof BundleError
  ) {
    return { ok: false, error: { code: 'refused', message: error.message } };
  }
  if (
    error instanceof CeremonyRefusedError ||
    error instanceof CeremonyFailedError ||
    error instanceof RelayConnectionError
  ) {
    console.warn('relay flow failed', error);
    return { ok: false, error: { code: 'relay-failed', message: error.message } };
  }
  if (error instanceof OverviewUnavailableError) {
    return { ok: false, error: { code: 'relay-failed', message: error.message } };
  }
  if (error instanceof NotAvailableError || error instanceof FlowNotAvailableError) {
    return { ok: false, error: { code: 'not-available', message: error.message } };
  }
  if (error instanceof SettingsError) {
    return { ok: false, error: { code: 'invalid-setting', message: error.message, field: error.field } };
  }
  console.error('background handler failed', error);
  return { ok: false, error: { code: 'internal', message: 'the wallet service failed; try again' } };
}
