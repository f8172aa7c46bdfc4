/**
 * The final-signature check of our own aggregate (sign-math.ts `verifyAggregateSignature`): for
 * ed25519 the strict cofactorless equation with half-size multipliers. Evidence that it accepts
 * exactly what RFC 8032 accepts for torsion-free R and A (differential against noble's verify), and
 * that each rejected condition is rejected.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberLE, numberToBytesBE, numberToBytesLE } from '@noble/curves/utils.js';
import { describe, expect, it } from 'vitest';
import { halfSizeMultiple, verifyAggregateSignature } from '../../../../protocol/frost/sign-math.js';
import { createSeededRng } from '../../../../protocol/rng.js';

const rng = createSeededRng('tandem/test/frost/verify-aggregate');
const L = ed25519.Point.Fn.ORDER;

function signed(message: Uint8Array) {
  const secretKey = rng(32);
  return { publicKey: ed25519.getPublicKey(secretKey), signature: ed25519.sign(message, secretKey) };
}

describe('halfSizeMultiple', () => {
  for (const [curve, n] of [
    ['ed25519', L],
    ['secp256k1', secp256k1.Point.Fn.ORDER],
  ] as const) {
    it(`${curve}: c0 ≡ c1·c (mod n), both at most ⌈bits/2⌉ bits, c1 ≠ 0`, () => {
      const half = BigInt((n.toString(2).length + 1) >> 1);
      for (const c of [1n, 2n, n - 1n, (n - 1n) / 2n, 1n << 200n]) {
        const [c0, c1] = halfSizeMultiple(c, n);
        expect((((c0 - c1 * c) % n) + n) % n).toBe(0n);
        expect(c1).not.toBe(0n);
      }
      for (let i = 0; i < 200; i++) {
        const c = BigInt(`0x${Buffer.from(rng(40)).toString('hex')}`) % n;
        const [c0, c1] = halfSizeMultiple(c, n);
        expect((((c0 - c1 * c) % n) + n) % n).toBe(0n);
        expect(c1).not.toBe(0n);
        expect(c0 >= 0n && c0 < 1n << half).toBe(true);
        expect((c1 < 0n ? -c1 : c1) <= 1n << half).toBe(true);
      }
    });
  }
});

describe('verifyAggregateSignature (ed25519, strict cofactorless)', () => {
  const message = new TextEncoder().encode('tandem verify aggregate');

  it('accepts RFC 8032 signatures (the RFC 8032 §7.1 TEST 2 vector and random keys)', () => {
    const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
    const pub = hex('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c');
    const sig = hex(
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
    );
    expect(verifyAggregateSignature('ed25519', pub, sig, hex('72'))).toBe(true);
    for (let i = 0; i < 10; i++) {
      const m = rng(1 + i * 37);
      const { publicKey, signature } = signed(m);
      expect(verifyAggregateSignature('ed25519', publicKey, signature, m)).toBe(true);
    }
  });

  it('agrees with noble verify on random tamperings of R, S and the message', () => {
    for (let i = 0; i < 12; i++) {
      const { publicKey, signature } = signed(message);
      const bad = Uint8Array.from(signature);
      const at = i % 2 === 0 ? i : 32 + i; // half in R, half in S
      bad[at] = (bad[at] as number) ^ (1 << (i % 8));
      let noble: boolean;
      try {
        noble = ed25519.verify(bad, message, publicKey, { zip215: false });
      } catch {
        noble = false;
      }
      const ours = verifyAggregateSignature('ed25519', publicKey, bad, message);
      expect(ours).toBe(noble);
      expect(ours).toBe(false);
    }
  });

  it('rejects a non-canonical S (S + L)', () => {
    const { publicKey, signature } = signed(message);
    const s = bytesToNumberLE(signature.subarray(32));
    const bad = Uint8Array.from(signature);
    bad.set(numberToBytesLE(s + L, 32), 32);
    expect(verifyAggregateSignature('ed25519', publicKey, bad, message)).toBe(false);
  });

  it('rejects another message', () => {
    const { publicKey, signature } = signed(message);
    expect(verifyAggregateSignature('ed25519', publicKey, signature, rng(20))).toBe(false);
  });

  it('rejects another public key', () => {
    const { signature } = signed(message);
    const other = signed(message).publicKey;
    expect(verifyAggregateSignature('ed25519', other, signature, message)).toBe(false);
  });

  it('rejects an R that is not a curve point (returns false, does not throw)', () => {
    const { publicKey, signature } = signed(message);
    const bad = Uint8Array.from(signature);
    bad.fill(0xff, 0, 32); // y ≥ p: not canonical
    expect(verifyAggregateSignature('ed25519', publicKey, bad, message)).toBe(false);
  });

  it('rejects a signature of the wrong length', () => {
    const { publicKey, signature } = signed(message);
    expect(verifyAggregateSignature('ed25519', publicKey, signature.subarray(0, 63), message)).toBe(false);
  });
});

describe('verifyAggregateSignature (bip340, BIP340 rule with half-size multipliers)', () => {
  const N = secp256k1.Point.Fn.ORDER;
  const P = secp256k1.Point.Fp.ORDER;
  /** A BIP340 signature and the compressed key with either parity (BIP340 uses x only). */
  function signedK1(message: Uint8Array) {
    const secretKey = secp256k1.utils.randomSecretKey(rng(48));
    const compressed = secp256k1.getPublicKey(secretKey, true);
    return { compressed, xOnly: compressed.subarray(1), signature: schnorr.sign(message, secretKey, rng(32)) };
  }
  const sighash = rng(32);

  it('accepts BIP340 signatures under keys of both parities', () => {
    const parities = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const { compressed, signature } = signedK1(sighash);
      parities.add(compressed[0] as number);
      expect(verifyAggregateSignature('bip340', compressed, signature, sighash)).toBe(true);
    }
    expect(parities).toEqual(new Set([2, 3]));
  });

  it('agrees with schnorr.verify on tamperings of r, s, the message and the key', () => {
    for (let i = 0; i < 12; i++) {
      const { compressed, xOnly, signature } = signedK1(sighash);
      const bad = Uint8Array.from(signature);
      const at = i % 2 === 0 ? i : 32 + i;
      bad[at] = (bad[at] as number) ^ (1 << (i % 8));
      expect(verifyAggregateSignature('bip340', compressed, bad, sighash)).toBe(schnorr.verify(bad, sighash, xOnly));
      expect(verifyAggregateSignature('bip340', compressed, bad, sighash)).toBe(false);
    }
    const { compressed, signature } = signedK1(sighash);
    expect(verifyAggregateSignature('bip340', compressed, signature, rng(32))).toBe(false);
    expect(verifyAggregateSignature('bip340', signedK1(sighash).compressed, signature, sighash)).toBe(false);
  });

  it('rejects s = 0, s ≥ n, r ≥ p and an r that is no x-coordinate', () => {
    const { compressed, signature } = signedK1(sighash);
    const withS = (s: bigint) => Uint8Array.from([...signature.subarray(0, 32), ...numberToBytesBE(s, 32)]);
    expect(verifyAggregateSignature('bip340', compressed, withS(0n), sighash)).toBe(false);
    const s = BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`);
    expect(verifyAggregateSignature('bip340', compressed, withS(s + N < 2n ** 256n ? s + N : N), sighash)).toBe(false);
    const withR = (r: bigint) => Uint8Array.from([...numberToBytesBE(r, 32), ...signature.subarray(32)]);
    expect(verifyAggregateSignature('bip340', compressed, withR(P), sighash)).toBe(false);
    let notX = 5n;
    while (true) {
      try {
        secp256k1.Point.fromBytes(Uint8Array.from([2, ...numberToBytesBE(notX, 32)]));
        notX++;
      } catch {
        break;
      }
    }
    expect(verifyAggregateSignature('bip340', compressed, withR(notX), sighash)).toBe(false);
  });
});
