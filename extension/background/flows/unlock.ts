/**
 * Unlocking the Node 1 bundle with the PIN: the PIN copy from this device (or, on a device that has
 * none, the relay's copy), K from the PIN guard (Argon2id + OPRF, counted by the relay), then the
 * bundle. K is returned to flows that re-wrap the bundle (wallet creation); the caller wipes it.
 */
import type { GuardedKeyOutput } from '../../../protocol/pin/guarded.js';
import { unwrapBundleJson, type WrappedSecret, wrapBundle } from '../../../protocol/pin/wrap.js';
import { type Node1Bundle, parseBundle } from '../bundle.js';
import type { FlowContext } from './context.js';
import { restoreOnThisDevice } from './restore.js';

export interface UnlockedBundle {
  bundle: Node1Bundle;
  /** K and its KDF header: wipe `key.rootKey` when done. */
  key: GuardedKeyOutput;
  wrapped: WrappedSecret;
}

export async function unlockBundle(
  ctx: FlowContext,
  params: { challengeId: string; customerId: string; pin: string },
): Promise<UnlockedBundle> {
  const local = await ctx.wallets.get(ctx.relayOrigin, params.customerId);
  // A new browser profile: the relay's copy, and this device admitted with the PIN (restore.ts).
  if (!local && ctx.deviceKey) return restoreOnThisDevice(ctx, params);
  const wrapped = local?.wrapped ?? (await ctx.pinGuard.fetchCopy(params.challengeId, 'pin'));
  const key = await ctx.pinGuard.unlockPin(params.challengeId, params.customerId, params.pin, wrapped);
  let bundle: Node1Bundle;
  try {
    bundle = parseBundle(await unwrapBundleJson(wrapped, key.rootKey));
  } catch (error) {
    key.rootKey.fill(0);
    throw error;
  }
  if (!local) {
    // Restored from the relay on this device: keep it, so later unlocks do not depend on the relay copy.
    await ctx.wallets.save({
      relayOrigin: ctx.relayOrigin,
      customerId: params.customerId,
      wrapped,
      updatedAt: ctx.clock(),
    });
  }
  return { bundle, key, wrapped };
}

/** Re-wraps `bundle` under the same K (a fresh IV), stores it at the relay, then on this device. */
export async function rewrapBundle(
  ctx: FlowContext,
  params: { challengeId: string; customerId: string; bundle: Node1Bundle; key: GuardedKeyOutput },
): Promise<WrappedSecret> {
  const wrapped = await wrapBundle(
    params.bundle,
    params.key.rootKey,
    { method: 'pin', customerId: params.customerId, kdf: params.key.kdf },
    ctx.rng,
  );
  await ctx.pinGuard.storeCopy(params.challengeId, wrapped);
  await ctx.wallets.save({
    relayOrigin: ctx.relayOrigin,
    customerId: params.customerId,
    wrapped,
    updatedAt: ctx.clock(),
  });
  return wrapped;
}
