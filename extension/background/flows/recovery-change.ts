/**
 * The `recovery` challenge (DESIGN.md §4.2, §5): a business asks the user to add or change recovery
 * methods after onboarding. The new copies wrap the SAME bundle, so the flow starts by opening it with
 * the current PIN; then the Gateway runs onboarding's recovery steps (flows/initialize.ts: kit shown
 * once and stored after "I saved it", questions, email code), and completion seals the bundle — which
 * now carries each new copy's key — into the PIN copy and every recovery copy again, under keys the
 * flow already holds (the PIN's K, each copy's key in the bundle). A new copy of a method the relay
 * already holds replaces it (a new kit also replaces the kit's proof key, so the old code stops working).
 */
import type { RecoveryCopyMethod } from '../bundle.js';
import type { FlowContext, FlowRequest } from './context.js';
import { holdOnboardingKey } from './recovery-copies.js';
import { unlockBundle } from './unlock.js';

/**
 * Opens the bundle with the PIN, leaves it unlocked for the recovery steps and holds K for completion
 * (as onboarding does after its PIN step). Returns the recovery copies the relay already holds.
 */
export async function unlockForRecoveryChange(
  ctx: FlowContext,
  request: FlowRequest,
  pin: string,
  storedCopies: (challengeId: string) => Promise<RecoveryCopyMethod[]>,
): Promise<RecoveryCopyMethod[]> {
  request.report({ type: 'progress', step: 0 });
  const unlocked = await unlockBundle(ctx, { ...request, pin });
  try {
    await ctx.lock.unlock({ bundle: JSON.stringify(unlocked.bundle), customerId: request.customerId });
    await holdOnboardingKey(ctx, request.approvalId, unlocked.key);
  } finally {
    unlocked.key.rootKey.fill(0);
  }
  const existing = await storedCopies(request.challengeId);
  request.report({ type: 'progress', step: 1 });
  return existing;
}
