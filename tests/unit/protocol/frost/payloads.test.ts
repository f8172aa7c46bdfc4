import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../../protocol/bytes.js';
import {
  nearSigningPayload,
  solanaSigningPayload,
  taprootSigningPayload,
} from '../../../../protocol/frost/payloads.js';
import { expectInvalidArgument } from './assert.js';

describe('per-chain signing payloads', () => {
  it('Solana signs the serialized message bytes unchanged (a copy)', () => {
    const msg = new Uint8Array([1, 2, 3, 4]);
    const payload = solanaSigningPayload(msg);
    expect(toHex(payload)).toBe('01020304');
    msg[0] = 9;
    expect(payload[0]).toBe(1);
  });
  it('Solana refuses an empty message', () => {
    expectInvalidArgument(() => solanaSigningPayload(new Uint8Array(0)), 'serializedMessage');
  });
  it('Solana refuses more than one packet (1232 bytes)', () => {
    expectInvalidArgument(() => solanaSigningPayload(new Uint8Array(1233)), 'serializedMessage');
  });
  it('NEAR signs SHA-256 of the borsh transaction bytes', () => {
    const tx = new Uint8Array([5, 6, 7]);
    expect(toHex(nearSigningPayload(tx))).toBe(toHex(sha256(tx)));
  });
  it('NEAR refuses empty transaction bytes', () => {
    expectInvalidArgument(() => nearSigningPayload(new Uint8Array(0)), 'borshTransaction');
  });
  it('Taproot takes exactly the 32-byte BIP341 sighash', () => {
    expect(taprootSigningPayload(new Uint8Array(32).fill(1))).toHaveLength(32);
    expectInvalidArgument(() => taprootSigningPayload(new Uint8Array(33)), 'sighash');
  });
});
