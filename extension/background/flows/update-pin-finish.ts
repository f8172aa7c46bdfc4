/**
 * The common end of `update-pin` and `reset-pin` (DESIGN.md §4.2: "new PIN → share refresh → re-wrap"),
 * once the user proved the current PIN or a recovery method and the relay opened PIN re-enrolment:
 *   1. enrol the new PIN at the PIN guard (Argon2id + OPRF) → a new root key K, and store the
 *      unchanged bundle under K straight away (the old PIN copy stopped opening with the enrolment);
 *   2. refresh every MPC share over /v2/mpc, so bundles wrapped before stop signing;
 *   3. re-wrap the bundle under K (PIN copy, at the relay and on this device: before the relay can
 *      finish the refresh) and every recovery copy under the key the bundle carries for it
 *      (recovery-copies.ts) once it has;
 *   4. ask the relay to complete: it checks the enrolment, the refresh and that no copy kept old shares.
 */
import type { Node1Bundle, RecoveryCopyMethod } from '../bundle.js';
import type { FlowContext, FlowRequest } from './context.js';
import { FlowStateError } from './host.js';
import { rewrappableMethods, rewrapRecoveryCopies } from './recovery-copies.js';
import { holdsShares, refreshShares } from './share-refresh.js';
import { rewrapBundle } from './unlock.js';

/** Progress steps of `finishPinChange`, in the order it reports them. */
export const NEW_PIN_STEPS = [
  'Protect your wallet with the new PIN',
  'Refresh your key shares with the relay',
  'Save the protected copies',
  'Confirm with the relay',
] as const;

/**
 * Refuses before anything changes when the relay holds a recovery copy this bundle cannot re-wrap (a
 * wallet set up before the bundle carried the keys): after the refresh that copy would hold shares
 * that no longer sign, and the relay would not complete.
 */
export function assertEveryCopyRenewable(bundle: Node1Bundle, storedCopies: readonly RecoveryCopyMethod[]): void {
  if (!holdsShares(bundle)) return;
  const renewable = rewrappableMethods(bundle);
  const stale = storedCopies.filter((m) => !renewable.includes(m));
  if (stale.length > 0) {
    throw new FlowStateError(
      `your ${stale.join(' and ')} recovery cannot be renewed from this device, so changing the PIN would break it. Nothing was changed; ask for a recovery setup first`,
    );
  }
}

export async function finishPinChange(
  ctx: FlowContext,
  request: FlowRequest,
  bundle: Node1Bundle,
  newPin: string,
  newId: () => string,
  storedCopies: readonly RecoveryCopyMethod[],
): Promise<Record<string, unknown>> {
  assertEveryCopyRenewable(bundle, storedCopies);
  request.report({ type: 'progress', step: 0 });
  const key = await ctx.pinGuard.enrolPin(request.challengeId, request.customerId, newPin);
  try {
    // The guard moved to a new epoch: the old PIN copy no longer opens. Store the bundle under the new
    // PIN at once, so a refresh that fails (which leaves the old shares valid) leaves a working wallet.
    await rewrapBundle(ctx, { challengeId: request.challengeId, customerId: request.customerId, bundle, key });
    request.report({ type: 'progress', step: 1 });
    let rounds = 0;
    const ids = { challengeId: request.challengeId, customerId: request.customerId };
    const next = holdsShares(bundle)
      ? await refreshShares(ctx, request, bundle, newId, {
          onRound: () => request.report({ type: 'progress', step: 1, round: ++rounds }),
          // The PIN copy takes the new shares before the relay can store its own: if we stop between
          // the two, the recovery copies (old shares) still match the relay and a reset recovers;
          // once the relay finished, the PIN copy matches it.
          beforeRelease: async (refreshed) => {
            await rewrapBundle(ctx, { ...ids, bundle: refreshed, key });
          },
        })
      : bundle;
    request.report({ type: 'progress', step: 2 });
    if (next === bundle) await rewrapBundle(ctx, { ...ids, bundle: next, key });
    await rewrapRecoveryCopies(ctx, request.challengeId, next);
    request.report({ type: 'progress', step: 3 });
    const result = await ctx.pinGuard.complete(request.challengeId);
    await ctx.lock.unlock({ bundle: JSON.stringify(next), customerId: request.customerId });
    return result;
  } finally {
    key.rootKey.fill(0);
  }
}
