import { describe, expect, it } from 'vitest';
import { emptyBundle, parseBundle } from '../../../../../extension/background/bundle.js';
import type { FlowContext, FlowRequest } from '../../../../../extension/background/flows/context.js';
import { unlockForRecoveryChange } from '../../../../../extension/background/flows/recovery-change.js';
import { onboardingKey } from '../../../../../extension/background/flows/recovery-copies.js';
import { type Alarms, createLockState } from '../../../../../extension/background/lock.js';
import { PinGuardError } from '../../../../../extension/background/pin-guard-client.js';
import { createWalletStore } from '../../../../../extension/background/wallet-store.js';
import { toHex } from '../../../../../protocol/bytes.js';
import { createArgon2Params } from '../../../../../protocol/pin/argon2.js';
import { type GuardedKdf, wrapBundle } from '../../../../../protocol/pin/wrap.js';
import { createSeededRng } from '../../../../../protocol/rng.js';
import { testGuard } from '../../../protocol/pin/fixtures.js';
import { FakeStorageArea, fakeClock } from '../../fakes.js';

const rng = createSeededRng('recovery-change');
const alarms: Alarms = { create: () => undefined, clear: async () => true };
const request: FlowRequest = {
  approvalId: '00000000-0000-4000-8000-0000000000b3',
  challengeId: '00000000-0000-4000-8000-0000000000a3',
  customerId: '00000000-0000-4000-8000-0000000000c3',
  report: () => undefined,
};
const K = new Uint8Array(32).fill(5);
const kdf = {
  kind: 'argon2id+poprf',
  argon2: createArgon2Params(rng),
  guard: testGuard().guard,
  epoch: 1,
} as GuardedKdf;

/** A device holding a PIN copy under K; the guard gives K back for the right PIN only. */
async function device(rightPin = '402917') {
  const clock = fakeClock();
  const wallets = createWalletStore({ local: new FakeStorageArea() });
  const bundle = emptyBundle();
  const wrapped = await wrapBundle(bundle, K, { method: 'pin', customerId: request.customerId, kdf }, rng);
  await wallets.save({ relayOrigin: 'https://relay.example', customerId: request.customerId, wrapped, updatedAt: 1 });
  const handed: Uint8Array[] = [];
  const ctx = {
    relayOrigin: 'https://relay.example',
    rng,
    clock: clock.now,
    wallets,
    lock: createLockState({
      session: new FakeStorageArea(),
      alarms,
      clock: clock.now,
      autoLockMinutes: async () => 15,
    }),
    pinGuard: {
      async unlockPin(_c: string, _id: string, pin: string) {
        if (pin !== rightPin) throw new PinGuardError('wrong-pin', 'wrong PIN: 4 attempts left', 4);
        const rootKey = K.slice();
        handed.push(rootKey);
        return { rootKey, kdf };
      },
    },
  } as unknown as FlowContext;
  return { ctx, handed };
}

describe('opening the bundle for a recovery challenge', () => {
  it('leaves the bundle unlocked, holds K for completion, wipes its own copy of K and answers the stored copies', async () => {
    const { ctx, handed } = await device();
    const asked: string[] = [];
    const existing = await unlockForRecoveryChange(ctx, request, '402917', async (id) => {
      asked.push(id);
      return ['kit'];
    });
    expect(existing).toEqual(['kit']);
    expect(asked).toEqual([request.challengeId]);
    const material = await ctx.lock.material();
    expect(material?.customerId).toBe(request.customerId);
    expect(parseBundle(JSON.parse(material?.bundle ?? '{}')).recovery).toBeUndefined();
    const held = await onboardingKey(ctx, request.approvalId);
    expect(held && toHex(held.rootKey)).toBe(toHex(K));
    expect(handed[0]?.every((b) => b === 0)).toBe(true);
  });

  it('holds nothing after a wrong PIN', async () => {
    const { ctx } = await device();
    await expect(unlockForRecoveryChange(ctx, request, '111111', async () => [])).rejects.toMatchObject({
      code: 'wrong-pin',
    });
    expect(await ctx.lock.material()).toBeUndefined();
  });

  it('holds K only for its own approval', async () => {
    const { ctx } = await device();
    await unlockForRecoveryChange(ctx, request, '402917', async () => []);
    expect(await onboardingKey(ctx, '00000000-0000-4000-8000-0000000000b4')).toBeUndefined();
  });
});
