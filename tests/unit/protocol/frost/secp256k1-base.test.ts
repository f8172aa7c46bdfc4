import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { addMixed, baseMultiplySecretK1 } from '../../../../protocol/frost/secp256k1-base.js';
import { createSeededRng } from '../../../../protocol/rng.js';

const Point = secp256k1.Point;
const N = Point.Fn.ORDER;
const rng = createSeededRng('tandem/test/frost/secp256k1-base');
const scalar = () => (BigInt(`0x${Buffer.from(rng(40)).toString('hex')}`) % (N - 1n)) + 1n;
const proj = (p: InstanceType<typeof Point>) => ({ X: p.X, Y: p.Y, Z: p.Z });
const affine = (p: InstanceType<typeof Point>) => ({ x: p.toAffine().x, y: p.toAffine().y });
const toPoint = (p: { X: bigint; Y: bigint; Z: bigint }) => new Point(p.X, p.Y, p.Z);

describe('secp256k1 complete mixed addition (RCB Algorithm 8)', () => {
  it('equals noble add for random points, doubling (P + P), P + (−P) and the identity', () => {
    for (let i = 0; i < 10; i++) {
      const a = Point.BASE.multiply(scalar()).double(); // Z ≠ 1
      const b = Point.BASE.multiply(scalar());
      expect(toPoint(addMixed(proj(a), affine(b))).equals(a.add(b))).toBe(true);
      expect(toPoint(addMixed(proj(b), affine(b))).equals(b.double())).toBe(true);
      expect(toPoint(addMixed(proj(b.negate()), affine(b))).is0()).toBe(true);
      expect(toPoint(addMixed({ X: 0n, Y: 1n, Z: 0n }, affine(b))).equals(b)).toBe(true);
    }
  });
});

describe('secp256k1 blinded constant-time base multiplication (secret scalars)', () => {
  it('equals noble BASE.multiply for random scalars and blinds', () => {
    for (let i = 0; i < 30; i++) {
      const k = scalar();
      expect(baseMultiplySecretK1(k, rng(16)).equals(Point.BASE.multiply(k))).toBe(true);
    }
  });

  it('equals noble at window-boundary scalars and extreme blinds', () => {
    for (const k of [1n, 2n, 31n, 32n, 33n, N - 1n, N - 32n, (N - 1n) / 2n]) {
      for (const blind of [new Uint8Array(16), new Uint8Array(16).fill(0xff)]) {
        expect(baseMultiplySecretK1(k, blind).equals(Point.BASE.multiply(k))).toBe(true);
      }
    }
  });

  it('refuses 0, n and a blind of the wrong length', () => {
    expect(() => baseMultiplySecretK1(0n, rng(16))).toThrow(RangeError);
    expect(() => baseMultiplySecretK1(N, rng(16))).toThrow(RangeError);
    expect(() => baseMultiplySecretK1(5n, rng(8))).toThrow(/16 blinding bytes/);
  });
});
