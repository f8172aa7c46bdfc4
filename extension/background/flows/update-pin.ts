/**
 * The `update-pin` challenge: the user knows the current PIN and chooses a new one.
 *   1. `verifyCurrentPin`: unlock the bundle with the current PIN (counted by the PIN guard, like any
 *      unlock); the guard's proof in an update-pin challenge opens re-enrolment at the relay;
 *   2. `setNewPin`: new PIN → share refresh → every copy re-wrapped → completion (update-pin-finish.ts).
 * Between the two steps the unlocked bundle waits in the lock material, tagged with this approval
 * (pin-change-held.ts), so a worker stopped meanwhile does not lose it.
 */
import type { RecoveryCopyMethod } from '../bundle.js';
import type { FlowContext, FlowRequest } from './context.js';
import { holdProvenBundle, provenBundle } from './pin-change-held.js';
import { unlockBundle } from './unlock.js';
import { finishPinChange } from './update-pin-finish.js';

export interface UpdatePinFlow {
  verifyCurrentPin(ctx: FlowContext, request: FlowRequest, pin: string): Promise<void>;
  setNewPin(
    ctx: FlowContext,
    request: FlowRequest,
    pin: string,
    newId: () => string,
    storedCopies: readonly RecoveryCopyMethod[],
  ): Promise<Record<string, unknown>>;
  forget(approvalId: string): void;
}

export function createUpdatePinFlow(): UpdatePinFlow {
  return {
    async verifyCurrentPin(ctx, request, pin) {
      request.report({ type: 'progress', step: 0 });
      const { bundle, key } = await unlockBundle(ctx, { ...request, pin });
      key.rootKey.fill(0);
      await holdProvenBundle(ctx, request, bundle);
    },
    async setNewPin(ctx, request, pin, newId, storedCopies) {
      const bundle = await provenBundle(ctx, request, 'enter your current PIN first');
      return finishPinChange(ctx, request, bundle, pin, newId, storedCopies);
    },
    // Nothing in memory: the held bundle goes with the lock material (auto-lock).
    forget: () => undefined,
  };
}
