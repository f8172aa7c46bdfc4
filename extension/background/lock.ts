/**
 * Lock state: the unlocked Node 1 bundle lives only in service-worker memory and in `storage.session`
 * (memory-only, cleared when the browser closes; DESIGN.md §2), never in `storage.local`. An alarm wipes
 * it when the auto-lock delay has passed. Alarms outlive the worker, so the wipe happens even if no
 * code is running at that moment; reads also check the deadline, in case an alarm is late.
 */
import { type Clock, createSerialExecutor, type StorageArea } from './storage-area.js';

export const UNLOCKED_KEY = 'tandem.unlocked';
export const AUTO_LOCK_ALARM = 'tandem.auto-lock';

/** Unlocked material: JSON-safe strings (hex-encoded shares, key parts), named by the caller. */
export type UnlockedMaterial = Record<string, string>;

/** The part of `chrome.alarms` used here. */
export interface Alarms {
  create(name: string, info: { when: number }): Promise<void> | void;
  clear(name: string): Promise<boolean>;
}

export interface LockStatus {
  unlocked: boolean;
  /** When the bundle is wiped (ms since epoch), or null while locked. */
  lockAt: number | null;
}

export interface LockState {
  /** Keeps `material` until the auto-lock deadline (now + the configured minutes). */
  unlock(material: UnlockedMaterial): Promise<LockStatus>;
  /** Pushes the deadline back (called when the user approves something while unlocked). */
  touch(): Promise<LockStatus>;
  /** Wipes the unlocked material from memory and storage.session now. */
  lock(): Promise<void>;
  /** The unlocked material, or undefined when locked or past the deadline (which locks). */
  material(): Promise<UnlockedMaterial | undefined>;
  status(): Promise<LockStatus>;
  /** Call from `chrome.alarms.onAlarm`. */
  handleAlarm(alarm: { name: string }): Promise<void>;
}

interface Unlocked {
  material: UnlockedMaterial;
  lockAt: number;
}

function parseUnlocked(value: unknown): Unlocked | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { material, lockAt } = value as Record<string, unknown>;
  if (typeof lockAt !== 'number' || !Number.isFinite(lockAt)) return undefined;
  if (typeof material !== 'object' || material === null || Array.isArray(material)) return undefined;
  if (!Object.values(material).every((v) => typeof v === 'string')) return undefined;
  return { material: { ...(material as UnlockedMaterial) }, lockAt };
}

export function createLockState(deps: {
  /** `chrome.storage.session` — the only storage this module writes. */
  session: StorageArea;
  alarms: Alarms;
  clock: Clock;
  /** The current auto-lock setting, read at each unlock/touch so a change applies next time. */
  autoLockMinutes: () => Promise<number>;
}): LockState {
  const serial = createSerialExecutor();
  // undefined: not loaded yet from storage.session; null: locked.
  let current: Unlocked | null | undefined;

  async function load(): Promise<Unlocked | null> {
    if (current === undefined) {
      current = parseUnlocked((await deps.session.get(UNLOCKED_KEY))[UNLOCKED_KEY]) ?? null;
    }
    if (current && deps.clock() >= current.lockAt) await wipe();
    return current ?? null;
  }

  async function wipe(): Promise<void> {
    current = null;
    await deps.session.remove(UNLOCKED_KEY);
    await deps.alarms.clear(AUTO_LOCK_ALARM);
  }

  async function keep(material: UnlockedMaterial): Promise<LockStatus> {
    const lockAt = deps.clock() + (await deps.autoLockMinutes()) * 60_000;
    current = { material, lockAt };
    await deps.session.set({ [UNLOCKED_KEY]: current });
    await deps.alarms.create(AUTO_LOCK_ALARM, { when: lockAt });
    return { unlocked: true, lockAt };
  }

  const statusOf = (u: Unlocked | null): LockStatus => ({ unlocked: !!u, lockAt: u ? u.lockAt : null });

  return {
    unlock: (material) => serial(() => keep({ ...material })),
    touch: () =>
      serial(async () => {
        const u = await load();
        return u ? keep(u.material) : statusOf(null);
      }),
    lock: () => serial(wipe),
    material: () => serial(async () => (await load())?.material),
    status: () => serial(async () => statusOf(await load())),
    handleAlarm: (alarm) =>
      serial(async () => {
        if (alarm.name !== AUTO_LOCK_ALARM) return;
        // The alarm is the safety net: judge by what storage.session holds, not by this worker's cache.
        current = undefined;
        const u = await load();
        // An alarm set before a later touch() may still fire: only wipe once the deadline is reached.
        if (u) await deps.alarms.create(AUTO_LOCK_ALARM, { when: u.lockAt });
      }),
  };
}
