/**
 * In-memory stand-ins with the shapes of the Chrome APIs the background factories take. They are not
 * mocks of our own modules: the real queue, settings and lock code run against them.
 */
import type { Badge, GatewayWindows } from '../../../extension/background/approvals.js';
import type { StorageArea } from '../../../extension/background/storage-area.js';

/** `chrome.storage.*` semantics: values are copied through JSON on the way in and out. */
export class FakeStorageArea implements StorageArea {
  readonly data = new Map<string, string>();

  async get(keys: string | string[]): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const key of typeof keys === 'string' ? [keys] : keys) {
      const raw = this.data.get(key);
      if (raw !== undefined) out[key] = JSON.parse(raw);
    }
    return out;
  }

  async set(items: Record<string, unknown>): Promise<void> {
    for (const [key, value] of Object.entries(items)) this.data.set(key, JSON.stringify(value));
  }

  async remove(keys: string | string[]): Promise<void> {
    for (const key of typeof keys === 'string' ? [keys] : keys) this.data.delete(key);
  }

  peek(key: string): unknown {
    const raw = this.data.get(key);
    return raw === undefined ? undefined : JSON.parse(raw);
  }
}

/** A window manager with real open/close bookkeeping; `userCloses` plays the user clicking ✕. */
export class FakeWindows implements GatewayWindows {
  private nextId = 100;
  readonly open_ = new Map<number, string>();
  readonly log: string[] = [];

  async open(url: string): Promise<number> {
    const id = this.nextId++;
    this.open_.set(id, url);
    this.log.push(`open ${id} ${url}`);
    return id;
  }

  async navigate(windowId: number, url: string): Promise<void> {
    if (!this.open_.has(windowId)) throw new Error(`no window ${windowId}`);
    this.open_.set(windowId, url);
    this.log.push(`navigate ${windowId} ${url}`);
  }

  async focus(windowId: number): Promise<boolean> {
    this.log.push(`focus ${windowId}`);
    return this.open_.has(windowId);
  }

  async close(windowId: number): Promise<void> {
    this.open_.delete(windowId);
    this.log.push(`close ${windowId}`);
  }

  /** The user closes the window; returns its id so the test can deliver `onRemoved`. */
  userCloses(windowId: number): number {
    this.open_.delete(windowId);
    return windowId;
  }
}

export class FakeBadge implements Badge {
  count = 0;
  async setCount(count: number): Promise<void> {
    this.count = count;
  }
}

/** A controllable clock. */
export function fakeClock(start = 1_700_000_000_000): { now: () => number; advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

/** Deterministic UUIDs (version 4 layout) for tests. */
export function sequentialUuids(): () => string {
  let n = 0;
  return () => {
    n += 1;
    return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  };
}
