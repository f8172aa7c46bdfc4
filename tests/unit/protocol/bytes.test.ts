import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../protocol/bytes.js';

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
});
