import { sha256 } from '@noble/hashes/sha2.js';
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

  it('is SHA-256 of the encoded transcript, for small and large parts alike', () => {
    const rng = createSeededRng('transcript');
    for (const size of [0, 31, 2048, 49_152]) {
      const parts = [rng(size), 'label', 7, rng(3)];
      expect(toHex(taggedHash('t', ...parts))).toBe(toHex(sha256(encodeTranscript('t', parts))));
    }
  });
});

describe('createSeededRng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    expect(toHex(createSeededRng('s')(40))).toBe(toHex(createSeededRng('s')(40)));
    expect(toHex(createSeededRng('s')(40))).not.toBe(toHex(createSeededRng('t')(40)));
  });
});
