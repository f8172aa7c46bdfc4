import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { concatBytes, toHex, utf8ToBytes } from '../../../protocol/bytes.js';
import { createSeededRng } from '../../../protocol/rng.js';
import { largeInputBackend, NATIVE_MIN_BYTES, type NativeSha256, sha256Parts } from '../../../protocol/sha256.js';

const nodeCrypto = process.getBuiltinModule('node:crypto') as unknown as NativeSha256;

/** A native backend that counts its calls, to see which path a size takes. */
function countingNative() {
  const counter = { calls: 0 };
  const native: NativeSha256 = {
    createHash(algorithm) {
      counter.calls++;
      return nodeCrypto.createHash(algorithm);
    },
  };
  return { native, counter };
}

describe('sha256Parts', () => {
  it('matches the FIPS 180-2 "abc" vector on both paths', () => {
    const abc = utf8ToBytes('abc');
    const expected = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(toHex(sha256Parts([abc], undefined))).toBe(expected);
    expect(toHex(sha256Parts([abc.subarray(0, 1), abc.subarray(1)], undefined))).toBe(expected);
  });

  it('uses node:crypto for large inputs when it runs in Node', () => {
    expect(largeInputBackend).toBe('node:crypto');
  });

  it('hashes the concatenation of the parts, native and noble alike, across the size threshold', () => {
    const rng = createSeededRng('sha256-parts');
    for (const size of [0, 1, 63, 64, 65, NATIVE_MIN_BYTES - 1, NATIVE_MIN_BYTES, 49_152, 150_001]) {
      const whole = rng(size);
      const cut = Math.floor(size / 3);
      const parts = [whole.subarray(0, cut), new Uint8Array(0), whole.subarray(cut)];
      const expected = toHex(sha256(concatBytes(...parts)));
      expect(toHex(sha256Parts(parts))).toBe(expected);
      expect(toHex(sha256Parts(parts, undefined))).toBe(expected);
      const { native, counter } = countingNative();
      expect(toHex(sha256Parts(parts, native))).toBe(expected);
      expect(counter.calls).toBe(size >= NATIVE_MIN_BYTES ? 1 : 0);
    }
  });

  it('returns an owned 32-byte Uint8Array, not a view into a shared Buffer pool', () => {
    const digest = sha256Parts([new Uint8Array(NATIVE_MIN_BYTES)]);
    expect(digest.constructor).toBe(Uint8Array);
    expect(digest.byteLength).toBe(32);
    expect(digest.buffer.byteLength).toBe(32);
  });
});
