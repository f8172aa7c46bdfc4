/**
 * The part of `chrome.storage.StorageArea` the background uses. Factories take this interface, so unit
 * tests pass an in-memory fake with the same shape (values go through a JSON round trip, like Chrome's).
 */
export interface StorageArea {
  get(keys: string | string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

/** Milliseconds since the epoch; injected so tests control time. */
export type Clock = () => number;

/** Runs `task`s one after another, in call order, even when they are async (serialized mutations). */
export function createSerialExecutor(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  };
}
