import { describe, expect, it } from 'vitest';
import { type Alarms, AUTO_LOCK_ALARM, createLockState, UNLOCKED_KEY } from '../../../../extension/background/lock.js';
import { FakeStorageArea, fakeClock } from '../fakes.js';

/** `chrome.alarms` bookkeeping: one `when` per name. */
class FakeAlarms implements Alarms {
  readonly scheduled = new Map<string, number>();
  create(name: string, info: { when: number }): void {
    this.scheduled.set(name, info.when);
  }
  async clear(name: string): Promise<boolean> {
    return this.scheduled.delete(name);
  }
}

function setup(minutes = 15, session = new FakeStorageArea(), clock = fakeClock(), alarms = new FakeAlarms()) {
  const lock = createLockState({ session, alarms, clock: clock.now, autoLockMinutes: async () => minutes });
  return { lock, session, clock, alarms };
}

const MATERIAL = { userShare: 'aa'.repeat(32) };

describe('lock state and auto-lock', () => {
  it('starts locked', async () => {
    const { lock } = setup();
    expect(await lock.status()).toEqual({ unlocked: false, lockAt: null });
    expect(await lock.material()).toBeUndefined();
  });

  it('unlocks until now + the configured minutes and schedules the auto-lock alarm then', async () => {
    const { lock, clock, alarms } = setup(15);
    const status = await lock.unlock(MATERIAL);
    expect(status).toEqual({ unlocked: true, lockAt: clock.now() + 15 * 60_000 });
    expect(alarms.scheduled.get(AUTO_LOCK_ALARM)).toBe(status.lockAt);
    expect(await lock.material()).toEqual(MATERIAL);
  });

  it('wipes memory and storage.session when the alarm fires at the deadline', async () => {
    const { lock, session, clock } = setup(15);
    await lock.unlock(MATERIAL);
    clock.advance(15 * 60_000);
    await lock.handleAlarm({ name: AUTO_LOCK_ALARM });
    expect(session.peek(UNLOCKED_KEY)).toBeUndefined();
    expect(await lock.material()).toBeUndefined();
  });

  it('keeps the material when an early alarm fires after touch() moved the deadline, and re-arms', async () => {
    const { lock, clock, alarms } = setup(15);
    await lock.unlock(MATERIAL);
    clock.advance(10 * 60_000);
    const touched = await lock.touch();
    clock.advance(5 * 60_000);
    await lock.handleAlarm({ name: AUTO_LOCK_ALARM });
    expect(await lock.material()).toEqual(MATERIAL);
    expect(alarms.scheduled.get(AUTO_LOCK_ALARM)).toBe(touched.lockAt);
  });

  it('ignores other alarms', async () => {
    const { lock, clock } = setup(1);
    await lock.unlock(MATERIAL);
    await lock.handleAlarm({ name: 'something-else' });
    clock.advance(1000);
    expect(await lock.material()).toEqual(MATERIAL);
  });

  it('locks on read after the deadline even if the alarm has not fired', async () => {
    const { lock, session, clock } = setup(1);
    await lock.unlock(MATERIAL);
    clock.advance(60_000);
    expect(await lock.material()).toBeUndefined();
    expect(session.peek(UNLOCKED_KEY)).toBeUndefined();
  });

  it('lock() wipes immediately and clears the alarm', async () => {
    const { lock, session, alarms } = setup();
    await lock.unlock(MATERIAL);
    await lock.lock();
    expect(session.peek(UNLOCKED_KEY)).toBeUndefined();
    expect(alarms.scheduled.has(AUTO_LOCK_ALARM)).toBe(false);
    expect(await lock.status()).toEqual({ unlocked: false, lockAt: null });
  });

  it('stays unlocked across a service-worker restart (storage.session), until the deadline', async () => {
    const first = setup(15);
    await first.lock.unlock(MATERIAL);
    const restarted = setup(15, first.session, first.clock, first.alarms);
    expect(await restarted.lock.material()).toEqual(MATERIAL);
    first.clock.advance(15 * 60_000);
    await restarted.lock.handleAlarm({ name: AUTO_LOCK_ALARM });
    expect(await restarted.lock.status()).toEqual({ unlocked: false, lockAt: null });
  });

  it('treats malformed stored unlock data as locked', async () => {
    const session = new FakeStorageArea();
    await session.set({ [UNLOCKED_KEY]: { material: { share: 5 }, lockAt: Date.now() + 1e9 } });
    const { lock } = setup(15, session);
    expect(await lock.material()).toBeUndefined();
  });

  it('touch() while locked stays locked', async () => {
    const { lock, alarms } = setup();
    expect(await lock.touch()).toEqual({ unlocked: false, lockAt: null });
    expect(alarms.scheduled.size).toBe(0);
  });
});
