/**
 * A bounded map that evicts its least recently used entry, for caches of public values that are
 * cheap to keep and costly to recompute on every signature (gadget vectors, BIP32 derivations).
 * Never for secrets: an entry lives until it is evicted.
 */
export class LruCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(readonly capacity: number) {}

  /** The value kept for `key`, or `compute()`'s, which is then kept (evicting the oldest when full). */
  getOrCompute(key: string, compute: () => V): V {
    const kept = this.entries.get(key);
    if (kept !== undefined) {
      // Map iterates in insertion order: re-inserting makes this the most recently used entry.
      this.entries.delete(key);
      this.entries.set(key, kept);
      return kept;
    }
    const value = compute();
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, value);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
