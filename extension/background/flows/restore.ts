/**
 * Restore on a new browser profile (DESIGN.md §7): a device with no local copy of the Node 1 bundle
 * gets a challenge (wallet-create, sign-message, export…) for an existing customer. With the PIN it
 *   1. fetches the relay's PIN copy of the bundle (readable under any challenge; useless without the PIN),
 *   2. runs the PIN guard's counted evaluation and opens the copy locally (a wrong PIN fails here;
 *      the proof still goes to the guard, so the attempt is counted and the user sees the tries left),
 *   3. asks the relay to admit this device's key (relay/gateway-api/device-admission-routes.ts): the
 *      guard's proof and a device-key signature over the registration transcript, with the guard's
 *      nonce as its nonce, in one request — the relay records the key only if both verify,
 *   4. stores the copy on this device and lists the customer's wallets as popup accounts.
 * The flow that asked then goes on as on the original device.
 */
import { toHex } from '../../../protocol/bytes.js';
import { unwrapBundleJson } from '../../../protocol/pin/wrap.js';
import { handshakeTranscript } from '../../../protocol/wire/handshake.js';
import { parseAccount } from '../accounts.js';
import { type Node1Bundle, parseBundle } from '../bundle.js';
import type { AdmittedWallet, PinProof } from '../pin-guard-client.js';
import type { FlowContext } from './context.js';
import type { UnlockedBundle } from './unlock.js';
import { accountsFromResult } from './wallet-create.js';

/** This device cannot be restored (no device key in this context). */
export class RestoreError extends Error {
  override readonly name = 'RestoreError';
}

/** Admits this profile's device key for the customer; returns the customer's wallets. */
export async function admitThisDevice(
  ctx: FlowContext,
  params: { challengeId: string; customerId: string; proof: PinProof },
): Promise<AdmittedWallet[]> {
  const deviceKey = ctx.deviceKey;
  if (!deviceKey) throw new RestoreError('this browser profile has no device key to register');
  const publicKey = toHex(await deviceKey.publicKeyRaw());
  const deviceId = await deviceKey.deviceId();
  const transcript = handshakeTranscript({
    mode: 'register',
    nonce: params.proof.nonce,
    origin: ctx.relayOrigin,
    deviceId,
    customerId: params.customerId,
    challengeId: params.challengeId,
    publicKey,
  });
  const signature = toHex(await deviceKey.sign(transcript));
  return ctx.pinGuard.admitDevice(params.challengeId, { deviceId, publicKey, signature, pin: params.proof });
}

export async function restoreOnThisDevice(
  ctx: FlowContext,
  params: { challengeId: string; customerId: string; pin: string },
): Promise<UnlockedBundle> {
  if (!ctx.deviceKey) throw new RestoreError('this browser profile has no device key to register');
  const wrapped = await ctx.pinGuard.fetchCopy(params.challengeId, 'pin');
  const { key, proof } = await ctx.pinGuard.evaluatePin(params.challengeId, params.customerId, params.pin, wrapped);
  let bundle: Node1Bundle;
  try {
    bundle = parseBundle(await unwrapBundleJson(wrapped, key.rootKey));
  } catch (error) {
    key.rootKey.fill(0);
    // Almost always a wrong PIN: the guard counts it and says how many tries are left. If the guard
    // accepts the proof, the copy itself is damaged and the unwrap error stands.
    await ctx.pinGuard.verifyPin(params.challengeId, proof);
    throw error;
  }
  try {
    const wallets = await admitThisDevice(ctx, { ...params, proof });
    await ctx.wallets.save({
      relayOrigin: ctx.relayOrigin,
      customerId: params.customerId,
      wrapped,
      updatedAt: ctx.clock(),
    });
    // Only addresses the popup can show: one odd row must not stop a restore that already succeeded.
    const accounts = accountsFromResult({ wallets }).filter((a) => parseAccount(a) !== undefined);
    await ctx.accounts.add(accounts);
  } catch (error) {
    key.rootKey.fill(0);
    throw error;
  }
  return { bundle, key, wrapped };
}
