import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { fromHex, NATIVE_HEX_MIN_BYTES, toHex, toHexPortable } from '../../../protocol/bytes.js';
import { nodeBuiltin } from '../../../protocol/node-builtin.js';
import { createSeededRng } from '../../../protocol/rng.js';

describe('toHex', () => {
  it('encodes every byte value as noble bytesToHex does', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(toHex(all)).toBe(bytesToHex(all));
    expect(fromHex(toHex(all))).toEqual(all);
  });

  it('encodes the empty array as the empty string', () => {
    expect(toHex(new Uint8Array(0))).toBe('');
  });

  it('encodes only the viewed bytes of a subarray', () => {
    const bytes = Uint8Array.from([0x00, 0xab, 0xcd, 0xff]);
    expect(toHex(bytes.subarray(1, 3))).toBe('abcd');
  });

  it("gives noble's encoding on the native path and the portable one, across the size threshold, for offset views", () => {
    const rng = createSeededRng('tandem/tests/bytes/to-hex');
    for (const size of [NATIVE_HEX_MIN_BYTES - 1, NATIVE_HEX_MIN_BYTES, 49_152]) {
      const backing = rng(size + 7);
      const view = backing.subarray(3, 3 + size);
      const expected = bytesToHex(view);
      expect(toHex(view)).toBe(expected);
      expect(toHexPortable(view)).toBe(expected);
    }
  });
});

describe('nodeBuiltin', () => {
  it('finds a Node built-in that passes the check, and refuses one that does not', () => {
    expect(nodeBuiltin<{ Buffer: unknown }>('node:buffer', (m) => typeof m.Buffer === 'function')).toBeDefined();
    expect(nodeBuiltin('node:buffer', () => false)).toBeUndefined();
  });

  it('is undefined where there is no process (the extension), so the portable paths run', () => {
    const saved = globalThis.process;
    try {
      Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true });
      expect(nodeBuiltin('node:crypto', () => true)).toBeUndefined();
    } finally {
      Object.defineProperty(globalThis, 'process', { value: saved, configurable: true, writable: true });
    }
  });
});
