/**
 * The `update-pin` challenge: the user knows the current PIN and chooses a new one.
 *   1. `verifyCurrentPin`: unlock the bundle with the current PIN (counted by the PIN guard, like any
 *      unlock); the guard's proof in an update-pin challenge opens re-enrolment at the relay;
 *   2. `setNewPin`: new PIN → share refresh → every copy re-wrapped → completion (update-pin-finish.ts).
 * Between the two steps the unlocked bundle waits in worker memory only, for this approval.
 */
import type { Node1Bundle, RecoveryCopyMethod } from '../bundle.js';
import type { FlowContext, FlowRequest } from './context.js';
import { FlowStateError } from './host.js';
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
  const unlocked = new Map<string, { customerId: string; bundle: Node1Bundle }>();
  return {
    async verifyCurrentPin(ctx, request, pin) {
      request.report({ type: 'progress', step: 0 });
      const { bundle, key } = await unlockBundle(ctx, { ...request, pin });
      key.rootKey.fill(0);
      unlocked.set(request.approvalId, { customerId: request.customerId, bundle });
    },
    async setNewPin(ctx, request, pin, newId, storedCopies) {
      const held = unlocked.get(request.approvalId);
      if (!held || held.customerId !== request.customerId) {
        throw new FlowStateError('enter your current PIN first (the wallet service restarted meanwhile)');
      }
      const result = await finishPinChange(ctx, request, held.bundle, pin, newId, storedCopies);
      unlocked.delete(request.approvalId);
      return result;
    },
    forget: (approvalId) => unlocked.delete(approvalId),
  };
}
