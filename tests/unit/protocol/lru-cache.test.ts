import { describe, expect, it } from 'vitest';
import { LruCache } from '../../../protocol/lru-cache.js';

describe('LruCache', () => {
  it('computes a value once and returns the kept one afterwards', () => {
    const cache = new LruCache<number>(4);
    let calls = 0;
    const compute = () => ++calls;
    expect(cache.getOrCompute('a', compute)).toBe(1);
    expect(cache.getOrCompute('a', compute)).toBe(1);
    expect(calls).toBe(1);
  });

  it('evicts the least recently used entry when full, counting a hit as a use', () => {
    const cache = new LruCache<string>(2);
    cache.getOrCompute('a', () => 'a1');
    cache.getOrCompute('b', () => 'b1');
    cache.getOrCompute('a', () => 'a2'); // a is now the most recently used
    cache.getOrCompute('c', () => 'c1'); // evicts b
    expect(cache.size).toBe(2);
    expect(cache.getOrCompute('a', () => 'a3')).toBe('a1');
    expect(cache.getOrCompute('b', () => 'b2')).toBe('b2');
  });
});
