import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../protocol/bytes.js';
import { parseSlip10Path, slip10Child, slip10Derive, slip10Master } from '../../../../protocol/frost/slip10.js';
import vector from '../../../fixtures/frost/slip10-ed25519-vector1.json' with { type: 'json' };
import { expectInvalidArgument } from './assert.js';

describe('SLIP-0010 ed25519 (official test vector 1)', () => {
  it.each(vector.chain)(
    '$path: chain code, private key and public key',
    ({ path, chainCode, privateKey, publicKey }) => {
      const node = slip10Derive(fromHex(vector.seed), path);
      expect(toHex(node.chainCode)).toBe(chainCode);
      expect(toHex(node.key)).toBe(privateKey);
      expect(`00${toHex(ed25519.getPublicKey(node.key))}`).toBe(publicKey);
    },
  );

  it('parses hardened paths with apostrophe, h or H', () => {
    expect(parseSlip10Path("m/44'/501h/0H")).toEqual([0x8000002c, 0x800001f5, 0x80000000]);
    expect(parseSlip10Path('m')).toEqual([]);
  });

  it('refuses non-hardened levels (ed25519 has no public derivation)', () => {
    expectInvalidArgument(() => parseSlip10Path("m/44'/501'/0"), 'path');
    expectInvalidArgument(() => slip10Child(slip10Master(fromHex(vector.seed)), 5), 'index');
  });

  it('refuses indices at or above 2^31 before hardening', () => {
    expectInvalidArgument(() => parseSlip10Path("m/2147483648'"), 'path');
  });

  it('refuses seeds shorter than 128 bits', () => {
    expectInvalidArgument(() => slip10Master(new Uint8Array(15)), 'seed');
  });
});
