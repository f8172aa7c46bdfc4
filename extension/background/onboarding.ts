/**
 * The PIN part of onboarding (an `initialize` challenge), as Node 1 carries it out once the user has
 * chosen and confirmed a PIN in the Gateway:
 *   1. register this device's key with the relay under the challenge (MPC WebSocket handshake);
 *   2. enrol the PIN with the relay's PIN guard (OPRF + Argon2id) → root key K;
 *   3. wrap the Node 1 bundle under K, store the copy at the relay and on this device;
 *   4. keep the bundle unlocked (memory + storage.session) until the auto-lock.
 * K itself is not kept: a later flow that must re-wrap the bundle asks for the PIN again.
 *
 * Not wired to `approval.approve` yet: DESIGN.md §5 makes recovery setup part of `initialize`, and the
 * challenge must not be reported done before it. The Gateway calls this first, then the recovery steps.
 */
import type { GuardedKeyOutput } from '../../protocol/pin/guarded.js';
import { wrapBundle } from '../../protocol/pin/wrap.js';
import type { Rng } from '../../protocol/rng.js';
import type { GatewayEvent } from './gateway-channel.js';
import type { LockState } from './lock.js';
import type { PinGuardClient } from './pin-guard-client.js';
import type { RelayConnection, RelayIdentity } from './relay-client.js';
import type { Clock } from './storage-area.js';
import type { WalletStore } from './wallet-store.js';

export interface OnboardingDependencies {
  relayOrigin: string;
  connect: (identity: RelayIdentity) => Promise<RelayConnection>;
  pinGuard: PinGuardClient;
  wallets: WalletStore;
  lock: LockState;
  rng: Rng;
  clock: Clock;
}

export interface SetPinParameters {
  challengeId: string;
  customerId: string;
  pin: string;
  /** The Node 1 bundle to protect (JSON-safe); at first onboarding it holds no shares yet. */
  bundle: unknown;
  report?: (event: GatewayEvent) => void;
  /**
   * Receives a copy of K (the caller wipes it): onboarding re-wraps the bundle once more at completion,
   * when it also carries the recovery copies' keys (flows/recovery-copies.ts).
   */
  keepKey?: (key: GuardedKeyOutput) => void;
}

/** Step indexes reported to the Gateway's progress indicator. */
export const ONBOARDING_STEPS = ['Register this device', 'Protect your key share with your PIN', 'Save'] as const;

export async function setPinAtOnboarding(
  deps: OnboardingDependencies,
  params: SetPinParameters,
): Promise<{ deviceId: string }> {
  const report = params.report ?? (() => undefined);
  report({ type: 'progress', step: 0 });
  const connection = await deps.connect({
    mode: 'register',
    customerId: params.customerId,
    challengeId: params.challengeId,
  });
  const { deviceId } = connection;
  connection.close();

  report({ type: 'progress', step: 1 });
  const { rootKey, kdf } = await deps.pinGuard.enrolPin(params.challengeId, params.customerId, params.pin);
  try {
    const wrapped = await wrapBundle(
      params.bundle,
      rootKey,
      { method: 'pin', customerId: params.customerId, kdf },
      deps.rng,
    );
    report({ type: 'progress', step: 2 });
    await deps.pinGuard.storeCopy(params.challengeId, wrapped);
    await deps.wallets.save({
      relayOrigin: deps.relayOrigin,
      customerId: params.customerId,
      wrapped,
      updatedAt: deps.clock(),
    });
    params.keepKey?.({ rootKey: rootKey.slice(), kdf });
  } finally {
    rootKey.fill(0);
  }
  await deps.lock.unlock({ bundle: JSON.stringify(params.bundle), customerId: params.customerId });
  return { deviceId };
}
