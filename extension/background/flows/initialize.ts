/**
 * The `initialize` challenge (DESIGN.md §4.1–4.2), as the Gateway drives it step by step:
 *   1. `setPin`: register the device, enrol the PIN, wrap the empty bundle, store the PIN copy
 *      (onboarding.ts) — the bundle stays unlocked for the next steps;
 *   2. at least one recovery method, each wrapping the same bundle under its own key:
 *      - recovery kit: a high-entropy code shown once; its copy is stored only after the user says
 *        the code is saved (a kit nobody saved would be a recovery method that cannot recover);
 *      - security questions: 3 answers, hardened like the PIN (Argon2id + the guard's OPRF);
 *      - email: a code mailed by the relay releases the relay-held key part for the email copy;
 *   3. `complete`: the relay marks the challenge verified only if it sees the PIN and a recovery copy.
 */
import { fromHex, toHex } from '../../../protocol/bytes.js';
import { deriveEmailRecoveryKey, emailRecoveryHeader } from '../../../protocol/pin/email-recovery.js';
import type { GuardedKeyOutput } from '../../../protocol/pin/guarded.js';
import {
  deriveRecoveryKitAuthKey,
  deriveRecoveryKitKey,
  generateRecoveryKitCode,
  recoveryKitHeader,
} from '../../../protocol/pin/recovery-kit.js';
import { type WrappedSecret, wrapBundle } from '../../../protocol/pin/wrap.js';
import { emptyBundle, type Node1Bundle, parseBundle } from '../bundle.js';
import type { RecoveryMethod } from '../messages.js';
import { setPinAtOnboarding } from '../onboarding.js';
import type { FlowContext, FlowRequest } from './context.js';
import {
  dropOnboardingKey,
  holdOnboardingKey,
  onboardingKey,
  recordRecoveryKey,
  recoveryKeyEntry,
  rewrapRecoveryCopies,
} from './recovery-copies.js';
import { rewrapBundle } from './unlock.js';

/** A recovery step needs the bundle the PIN step left unlocked. */
export class OnboardingStateError extends Error {
  override readonly name = 'OnboardingStateError';
}

export interface OnboardingFlow {
  setPin(ctx: FlowContext, request: FlowRequest, pin: string): Promise<void>;
  /** A new kit code for this approval (its copy is stored by `confirmKit`). */
  createKit(ctx: FlowContext, request: FlowRequest): Promise<{ code: string }>;
  confirmKit(ctx: FlowContext, request: FlowRequest): Promise<RecoveryMethod[]>;
  setUpQuestions(
    ctx: FlowContext,
    request: FlowRequest,
    questions: string[],
    answers: string[],
  ): Promise<RecoveryMethod[]>;
  sendEmailCode(ctx: FlowContext, request: FlowRequest, email: string): Promise<void>;
  confirmEmailCode(ctx: FlowContext, request: FlowRequest, code: string): Promise<RecoveryMethod[]>;
  complete(ctx: FlowContext, request: FlowRequest): Promise<Record<string, unknown>>;
  /** Forgets what an approval left behind (call when it settles). */
  forget(approvalId: string): void;
}

export function createOnboardingFlow(): OnboardingFlow {
  // Worker memory only: a kit waiting for "I saved it" and the methods set up so far, per approval.
  const pendingKits = new Map<
    string,
    { wrapped: WrappedSecret; kitPublicKey: string; entry: ReturnType<typeof recoveryKeyEntry> }
  >();
  const done = new Map<string, Set<RecoveryMethod>>();

  async function unlockedBundle(ctx: FlowContext, request: FlowRequest): Promise<Node1Bundle> {
    const material = await ctx.lock.material();
    if (!material?.bundle || material.customerId !== request.customerId) {
      throw new OnboardingStateError('the wallet locked before recovery was set up: start again from the site');
    }
    return parseBundle(JSON.parse(material.bundle));
  }

  function record(approvalId: string, method: RecoveryMethod): RecoveryMethod[] {
    const set = done.get(approvalId) ?? new Set<RecoveryMethod>();
    set.add(method);
    done.set(approvalId, set);
    return [...set].sort();
  }

  return {
    async setPin(ctx, request, pin) {
      let key: GuardedKeyOutput | undefined;
      await setPinAtOnboarding(ctx, {
        challengeId: request.challengeId,
        customerId: request.customerId,
        pin,
        bundle: emptyBundle(),
        report: request.report,
        keepKey: (kept) => {
          key = kept;
        },
      });
      // K of the PIN chosen here waits for completion, which seals the bundle with every recovery key.
      if (key) {
        await holdOnboardingKey(ctx, request.approvalId, key).finally(() => key?.rootKey.fill(0));
      }
    },

    async createKit(ctx, request) {
      const bundle = await unlockedBundle(ctx, request);
      const code = generateRecoveryKitCode(ctx.rng);
      const header = recoveryKitHeader(request.customerId, ctx.rng);
      const saltHex = (header.kdf as { saltHex: string }).saltHex;
      const key = deriveRecoveryKitKey(code, request.customerId, saltHex);
      try {
        const wrapped = await wrapBundle(bundle, key, header, ctx.rng);
        const { publicKey } = deriveRecoveryKitAuthKey(code, request.customerId, saltHex);
        const kitPublicKey = toHex(publicKey);
        pendingKits.set(request.approvalId, {
          wrapped,
          kitPublicKey,
          entry: recoveryKeyEntry(header, key, kitPublicKey),
        });
      } finally {
        key.fill(0);
      }
      return { code };
    },

    async confirmKit(ctx, request) {
      const pending = pendingKits.get(request.approvalId);
      if (!pending) throw new OnboardingStateError('no recovery kit is waiting: make a new one');
      await ctx.pinGuard.storeCopy(request.challengeId, pending.wrapped, pending.kitPublicKey);
      pendingKits.delete(request.approvalId);
      await recordRecoveryKey(ctx, request.customerId, await unlockedBundle(ctx, request), 'kit', pending.entry);
      return record(request.approvalId, 'kit');
    },

    async setUpQuestions(ctx, request, questions, answers) {
      const bundle = await unlockedBundle(ctx, request);
      const key = await ctx.pinGuard.enrolAnswers(request.challengeId, request.customerId, questions, answers);
      try {
        const header = { method: 'questions' as const, customerId: request.customerId, kdf: key.kdf };
        const wrapped = await wrapBundle(bundle, key.rootKey, header, ctx.rng);
        await ctx.pinGuard.storeCopy(request.challengeId, wrapped);
        await recordRecoveryKey(ctx, request.customerId, bundle, 'questions', recoveryKeyEntry(header, key.rootKey));
      } finally {
        key.rootKey.fill(0);
      }
      return record(request.approvalId, 'questions');
    },

    async sendEmailCode(ctx, request, email) {
      await unlockedBundle(ctx, request);
      await ctx.pinGuard.sendEmailCode(request.challengeId, email);
    },

    async confirmEmailCode(ctx, request, code) {
      const bundle = await unlockedBundle(ctx, request);
      const keyPart = fromHex(await ctx.pinGuard.confirmEmailCode(request.challengeId, code));
      const header = emailRecoveryHeader(request.customerId, ctx.rng);
      const key = deriveEmailRecoveryKey(keyPart, request.customerId, (header.kdf as { saltHex: string }).saltHex);
      try {
        await ctx.pinGuard.storeCopy(request.challengeId, await wrapBundle(bundle, key, header, ctx.rng));
        await recordRecoveryKey(ctx, request.customerId, bundle, 'email', recoveryKeyEntry(header, key));
      } finally {
        key.fill(0);
        keyPart.fill(0);
      }
      return record(request.approvalId, 'email');
    },

    async complete(ctx, request) {
      const key = await onboardingKey(ctx, request.approvalId);
      if (key) {
        // Seal the bundle with every recovery key in it: the PIN copy, and each recovery copy (a copy
        // made before the next method was set up lacks that method's key).
        try {
          const bundle = await unlockedBundle(ctx, request);
          const ids = { challengeId: request.challengeId, customerId: request.customerId };
          await rewrapBundle(ctx, { ...ids, bundle, key });
          await rewrapRecoveryCopies(ctx, request.challengeId, bundle);
        } finally {
          key.rootKey.fill(0);
        }
      }
      const result = await ctx.pinGuard.complete(request.challengeId);
      await dropOnboardingKey(ctx);
      return result;
    },

    forget(approvalId) {
      pendingKits.delete(approvalId);
      done.delete(approvalId);
    },
  };
}
