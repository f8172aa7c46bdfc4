/**
 * Keeping every recovery copy in step with the shares (DESIGN.md §4.2).
 *
 * Each recovery copy (kit, questions, email) wraps the whole Node 1 bundle under its own root key. The
 * shares inside change with every wallet creation and every PIN change or reset (share refresh, §3),
 * and the relay refuses to complete a PIN change while any copy still holds old shares. The user is
 * not asked for the kit code, the answers and an email code each time: the bundle itself carries each
 * copy's root key (`bundle.recovery`), so whoever holds the unlocked bundle — after the PIN or after
 * proving one recovery method — can re-wrap every copy under the key it already has, with a fresh IV.
 *
 * What this adds to the bundle is no more secret than the bundle: each key opens only a copy of the
 * same bundle. The kit's proof key (what convinces the relay to reset the PIN) is derived from the
 * code separately and is not kept; neither are the answers or the relay-held email key part.
 */
import { fromHex, toHex } from '../../../protocol/bytes.js';
import type { GuardedKeyOutput } from '../../../protocol/pin/guarded.js';
import { type GuardedKdf, type WrapHeader, type WrappedSecret, wrapBundle } from '../../../protocol/pin/wrap.js';
import type { Node1Bundle, RecoveryCopyMethod, RecoveryKeyEntry } from '../bundle.js';
import type { FlowContext } from './context.js';

export const RECOVERY_COPY_METHODS: readonly RecoveryCopyMethod[] = ['kit', 'questions', 'email'];

/** The entry for a copy wrapped under `rootKey` with `header` (the kit also names its public key). */
export function recoveryKeyEntry(header: WrapHeader, rootKey: Uint8Array, kitPublicKey?: string): RecoveryKeyEntry {
  return { header, rootKeyHex: toHex(rootKey), ...(kitPublicKey === undefined ? {} : { kitPublicKey }) };
}

/** A copy of `bundle` that also knows how to re-wrap the `method` copy. */
export function withRecoveryKey(bundle: Node1Bundle, method: RecoveryCopyMethod, entry: RecoveryKeyEntry): Node1Bundle {
  if (entry.header.method !== method) {
    throw new TypeError(`a ${entry.header.method} header cannot wrap the ${method} copy`);
  }
  return { ...bundle, recovery: { ...bundle.recovery, [method]: entry } };
}

/** The recovery copies this bundle can re-wrap by itself. */
export function rewrappableMethods(bundle: Node1Bundle): RecoveryCopyMethod[] {
  return RECOVERY_COPY_METHODS.filter((m) => bundle.recovery?.[m] !== undefined);
}

/** Wraps `bundle` once for the `method` copy under the key the bundle carries for it. */
export async function wrapRecoveryCopy(
  ctx: Pick<FlowContext, 'rng'>,
  bundle: Node1Bundle,
  method: RecoveryCopyMethod,
): Promise<{ wrapped: WrappedSecret; kitPublicKey?: string }> {
  const entry = bundle.recovery?.[method];
  if (!entry) throw new TypeError(`the bundle holds no key for the ${method} copy`);
  const rootKey = fromHex(entry.rootKeyHex);
  try {
    const wrapped = await wrapBundle(bundle, rootKey, entry.header, ctx.rng);
    return { wrapped, ...(entry.kitPublicKey === undefined ? {} : { kitPublicKey: entry.kitPublicKey }) };
  } finally {
    rootKey.fill(0);
  }
}

/**
 * Re-wraps and stores every recovery copy whose key the bundle carries, during `challengeId` (a kind
 * the relay lets write copies: initialize, wallet-create, update-pin, reset-pin). Returns the methods
 * written; a copy whose key the bundle lacks (a wallet set up before keys were kept) is left alone,
 * and the relay names it if it must be replaced.
 */
export async function rewrapRecoveryCopies(
  ctx: Pick<FlowContext, 'rng' | 'pinGuard'>,
  challengeId: string,
  bundle: Node1Bundle,
): Promise<RecoveryCopyMethod[]> {
  const methods = rewrappableMethods(bundle);
  for (const method of methods) {
    const { wrapped, kitPublicKey } = await wrapRecoveryCopy(ctx, bundle, method);
    await ctx.pinGuard.storeCopy(challengeId, wrapped, kitPublicKey);
  }
  return methods;
}

/**
 * Onboarding: adds a just-stored recovery copy's key to the unlocked bundle (lock material), so the
 * bundle sealed at completion and every later re-wrap carry it.
 */
export async function recordRecoveryKey(
  ctx: Pick<FlowContext, 'lock'>,
  customerId: string,
  bundle: Node1Bundle,
  method: RecoveryCopyMethod,
  entry: RecoveryKeyEntry,
): Promise<Node1Bundle> {
  const next = withRecoveryKey(bundle, method, entry);
  // Keep what else the material holds (the onboarding PIN key below).
  await ctx.lock.unlock({ ...(await ctx.lock.material()), bundle: JSON.stringify(next), customerId });
  return next;
}

/**
 * Onboarding: K of the PIN just chosen waits for completion (which seals the bundle with every recovery
 * key) in the lock material beside the unlocked bundle — storage.session, like the bundle it opens — so
 * a worker stopped while the user writes down a kit code does not lose it.
 */
export async function holdOnboardingKey(
  ctx: Pick<FlowContext, 'lock'>,
  approvalId: string,
  key: GuardedKeyOutput,
): Promise<void> {
  const material = await ctx.lock.material();
  if (!material) return;
  await ctx.lock.unlock({
    ...material,
    onboardingApproval: approvalId,
    onboardingKeyHex: toHex(key.rootKey),
    onboardingKdf: JSON.stringify(key.kdf),
  });
}

/** The held K for this approval (wipe `rootKey` after use), or undefined. */
export async function onboardingKey(
  ctx: Pick<FlowContext, 'lock'>,
  approvalId: string,
): Promise<GuardedKeyOutput | undefined> {
  const m = await ctx.lock.material();
  if (!m || m.onboardingApproval !== approvalId || !m.onboardingKeyHex || !m.onboardingKdf) return undefined;
  return { rootKey: fromHex(m.onboardingKeyHex), kdf: JSON.parse(m.onboardingKdf) as GuardedKdf };
}

/** Drops the held K, keeping the unlocked bundle. */
export async function dropOnboardingKey(ctx: Pick<FlowContext, 'lock'>): Promise<void> {
  const m = await ctx.lock.material();
  if (!m?.onboardingKeyHex) return;
  const { onboardingApproval: _a, onboardingKeyHex: _k, onboardingKdf: _d, ...rest } = m;
  await ctx.lock.unlock(rest);
}
