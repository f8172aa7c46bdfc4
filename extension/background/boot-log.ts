/**
 * Records each service-worker start in `storage.session`, so tests and diagnostics can see worker
 * restarts from outside (an attached debugger would keep the worker alive and hide them).
 */
export interface SessionStorageArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

export const BOOT_LOG_KEY = 'tandem.bootLog';
const MAX_ENTRIES = 20;

export async function recordBoot(storage: SessionStorageArea, now: () => number): Promise<number[]> {
  const current = (await storage.get(BOOT_LOG_KEY))[BOOT_LOG_KEY];
  const log = Array.isArray(current) ? current.filter((x): x is number => typeof x === 'number') : [];
  log.push(now());
  const trimmed = log.slice(-MAX_ENTRIES);
  await storage.set({ [BOOT_LOG_KEY]: trimmed });
  return trimmed;
}
