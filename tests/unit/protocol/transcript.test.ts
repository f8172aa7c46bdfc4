import { describe, expect, it } from 'vitest';
import { toHex } from '../../../protocol/bytes.js';
import { createSeededRng } from '../../../protocol/rng.js';
import { encodeTranscript, taggedHash } from '../../../protocol/transcript.js';

describe('taggedHash', () => {
  it('separates parts unambiguously (no concatenation collisions)', () => {
    const a = taggedHash('t', new Uint8Array([1, 2]), new Uint8Array([3]));
    const b = taggedHash('t', new Uint8Array([1]), new Uint8Array([2, 3]));
    expect(toHex(a)).not.toBe(toHex(b));
  });

  it('separates domains', () => {
    expect(toHex(taggedHash('a', 'x'))).not.toBe(toHex(taggedHash('b', 'x')));
  });

  it('length-prefixes the tag and every part', () => {
    expect(toHex(encodeTranscript('ab', [new Uint8Array([9])]))).toBe('00000002616200000001' + '09');
  });
});

describe('createSeededRng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    expect(toHex(createSeededRng('s')(40))).toBe(toHex(createSeededRng('s')(40)));
    expect(toHex(createSeededRng('s')(40))).not.toBe(toHex(createSeededRng('t')(40)));
  });
});
