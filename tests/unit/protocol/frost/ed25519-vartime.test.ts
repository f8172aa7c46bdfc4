import { mulAddUnsafe } from '@noble/curves/abstract/curve.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../../protocol/bytes.js';
import { msmPublic, multiplyPublic, wnaf } from '../../../../protocol/frost/ed25519-vartime.js';
import { createSeededRng } from '../../../../protocol/rng.js';

const Point = ed25519.Point;
const L = Point.Fn.ORDER;
const rng = createSeededRng('tandem/test/frost/ed25519-vartime');
const scalar = () => BigInt(`0x${Buffer.from(rng(40)).toString('hex')}`) % L;
const T8 = Point.fromBytes(fromHex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'));

describe('ed25519 variable-time multiplication (public data)', () => {
  it('wNAF digits are 0 or odd below 16 in size, no two non-zero within 5, and sum back to k', () => {
    for (const k of [
      0n,
      1n,
      2n,
      15n,
      16n,
      17n,
      31n,
      32n,
      255n,
      L - 1n,
      L,
      (1n << 256n) - 1n,
      ...[1, 2, 3].map(scalar),
    ]) {
      const d = wnaf(k);
      let sum = 0n;
      for (let i = d.length - 1; i >= 0; i--) sum = 2n * sum + BigInt(d[i] as number);
      expect(sum).toBe(k);
      let last = -10;
      d.forEach((digit, i) => {
        if (digit === 0) return;
        expect(Math.abs(digit) % 2).toBe(1);
        expect(Math.abs(digit)).toBeLessThan(16);
        expect(i - last).toBeGreaterThanOrEqual(5);
        last = i;
      });
    }
  });

  it('multiplyPublic equals noble multiplyUnsafe on random points and scalars, and on edge scalars', () => {
    for (let i = 0; i < 15; i++) {
      const p = Point.BASE.multiply(scalar() || 1n);
      const k = scalar();
      expect(multiplyPublic(p, k).equals(p.multiplyUnsafe(k))).toBe(true);
    }
    const p = Point.BASE.multiply(99n);
    for (const k of [0n, 1n, 2n, 8n, L - 1n]) expect(multiplyPublic(p, k).equals(p.multiplyUnsafe(k))).toBe(true);
    expect(multiplyPublic(Point.ZERO, 12345n).is0()).toBe(true);
  });

  it('is plain group arithmetic on points with torsion too (k·(G·a + T8), L·T8)', () => {
    const mixed = Point.BASE.multiply(7n).add(T8);
    for (const k of [1n, 3n, 8n, L, L + 1n, scalar()]) {
      let expected = Point.ZERO;
      for (let b = k.toString(2), i = 0; i < b.length; i++) {
        expected = expected.double();
        if (b[i] === '1') expected = expected.add(mixed);
      }
      expect(multiplyPublic(mixed, k).equals(expected)).toBe(true);
    }
    expect(multiplyPublic(T8, 8n).is0()).toBe(true);
    expect(multiplyPublic(T8, 4n).is0()).toBe(false);
  });

  it('msmPublic equals noble mulAddUnsafe for one, two and three points (different scalar lengths)', () => {
    for (let i = 0; i < 8; i++) {
      const pts = [1, 2, 3].map(() => Point.BASE.multiply(scalar() || 1n));
      const ks = [scalar(), scalar() >> 120n, scalar() >> 200n];
      for (const n of [1, 2, 3]) {
        const got = msmPublic(pts.slice(0, n), ks.slice(0, n));
        expect(got.equals(mulAddUnsafe(Point, pts.slice(0, n), ks.slice(0, n)))).toBe(true);
      }
    }
    expect(msmPublic([], []).is0()).toBe(true);
  });

  it('msmPublic refuses negative scalars and mismatched lengths', () => {
    expect(() => msmPublic([Point.BASE], [-1n])).toThrow(/non-negative/);
    expect(() => msmPublic([Point.BASE], [])).toThrow(/one scalar per point/);
  });
});
