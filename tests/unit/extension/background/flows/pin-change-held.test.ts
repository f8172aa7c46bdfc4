import { describe, expect, it } from 'vitest';
import { emptyBundle } from '../../../../../extension/background/bundle.js';
import type { FlowRequest } from '../../../../../extension/background/flows/context.js';
import { FlowStateError } from '../../../../../extension/background/flows/host.js';
import { holdProvenBundle, provenBundle } from '../../../../../extension/background/flows/pin-change-held.js';
import {
  dropOnboardingKey,
  holdOnboardingKey,
  onboardingKey,
} from '../../../../../extension/background/flows/recovery-copies.js';
import { type Alarms, createLockState } from '../../../../../extension/background/lock.js';
import { FakeStorageArea, fakeClock } from '../../fakes.js';

const alarms: Alarms = { create: () => undefined, clear: async () => true };
/** A worker's lock state over `session` (storage.session outlives the worker, not the browser). */
const lockOver = (session: FakeStorageArea, clock = fakeClock()) =>
  createLockState({ session, alarms, clock: clock.now, autoLockMinutes: async () => 15 });

const request: FlowRequest = {
  approvalId: '00000000-0000-4000-8000-0000000000b1',
  challengeId: '00000000-0000-4000-8000-0000000000a1',
  customerId: '00000000-0000-4000-8000-0000000000c1',
  report: () => undefined,
};
const bundle = { ...emptyBundle(), ecdsa: { evm: { role: 'client', keyId: 'k' } as never } };

describe('the bundle proved for a PIN change', () => {
  it('survives a worker restart (a new lock state over the same storage.session)', async () => {
    const session = new FakeStorageArea();
    await holdProvenBundle({ lock: lockOver(session) }, request, bundle);
    expect(await provenBundle({ lock: lockOver(session) }, request, 'prove first')).toEqual(bundle);
  });

  it('belongs to the approval it was proved for', async () => {
    const lock = lockOver(new FakeStorageArea());
    await holdProvenBundle({ lock }, request, bundle);
    const other = { ...request, approvalId: '00000000-0000-4000-8000-0000000000b2' };
    await expect(provenBundle({ lock }, other, 'prove first')).rejects.toThrow(FlowStateError);
  });

  it('belongs to the customer it was proved for', async () => {
    const lock = lockOver(new FakeStorageArea());
    await holdProvenBundle({ lock }, request, bundle);
    const other = { ...request, customerId: '00000000-0000-4000-8000-0000000000c2' };
    await expect(provenBundle({ lock }, other, 'prove first')).rejects.toThrow(/prove first/);
  });

  it('is gone after the auto-lock', async () => {
    const clock = fakeClock();
    const lock = lockOver(new FakeStorageArea(), clock);
    await holdProvenBundle({ lock }, request, bundle);
    clock.advance(16 * 60_000);
    await expect(provenBundle({ lock }, request, 'prove first')).rejects.toThrow(/prove first/);
  });

  it('is not an ordinary unlocked bundle (one unlocked by a signature is not a proof)', async () => {
    const lock = lockOver(new FakeStorageArea());
    await lock.unlock({ bundle: JSON.stringify(bundle), customerId: request.customerId });
    await expect(provenBundle({ lock }, request, 'prove first')).rejects.toThrow(/prove first/);
  });
});

describe('the onboarding PIN key', () => {
  const key = { rootKey: new Uint8Array(32).fill(5), kdf: { kind: 'argon2id+poprf' } as never };

  it('waits beside the unlocked bundle across a worker restart, then goes', async () => {
    const session = new FakeStorageArea();
    const first = lockOver(session);
    await first.unlock({ bundle: JSON.stringify(bundle), customerId: request.customerId });
    await holdOnboardingKey({ lock: first }, request.approvalId, key);
    const second = lockOver(session);
    expect((await onboardingKey({ lock: second }, request.approvalId))?.rootKey).toEqual(key.rootKey);
    expect(await onboardingKey({ lock: second }, 'another approval')).toBeUndefined();
    await dropOnboardingKey({ lock: second });
    expect(await onboardingKey({ lock: second }, request.approvalId)).toBeUndefined();
    expect((await second.material())?.bundle).toBe(JSON.stringify(bundle));
  });

  it('is not kept when nothing is unlocked', async () => {
    const lock = lockOver(new FakeStorageArea());
    await holdOnboardingKey({ lock }, request.approvalId, key);
    expect(await onboardingKey({ lock }, request.approvalId)).toBeUndefined();
  });
});
