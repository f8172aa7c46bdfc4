import { mulAddUnsafe } from '@noble/curves/abstract/curve.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../../protocol/bytes.js';
import { wnaf } from '../../../../protocol/curves/wnaf.js';
import {
  addCached,
  type Cached,
  cache,
  cacheAffineMany,
  decodePublic,
  double,
  encodeMany,
  extFromPoint,
  extIdentity,
  extToPoint,
  msmPublic,
  multiplyPublic,
  negateCached,
  newScratch,
} from '../../../../protocol/frost/ed25519-vartime.js';
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

describe('decodePublic (strict RFC 8032 decoding)', () => {
  const P = 2n ** 255n - 19n;
  const le = (y: bigint, signBit: boolean) => {
    const b = new Uint8Array(32);
    for (let i = 0, t = y; i < 32; i++, t >>= 8n) b[i] = Number(t & 255n);
    if (signBit) b[31] = (b[31] as number) | 0x80;
    return b;
  };
  const nobleOrUndefined = (b: Uint8Array) => {
    try {
      return Point.fromBytes(b);
    } catch {
      return undefined;
    }
  };
  const oursOrUndefined = (b: Uint8Array) => {
    try {
      return decodePublic(b);
    } catch {
      return undefined;
    }
  };
  const same = (b: Uint8Array) => {
    const noble = nobleOrUndefined(b);
    const ours = oursOrUndefined(b);
    expect(ours === undefined).toBe(noble === undefined);
    if (noble && ours) expect(ours.toAffine()).toEqual(noble.toAffine());
  };

  it('accepts and rejects exactly what noble fromBytes (strict) does, on random bytes and on encodings', () => {
    for (let i = 0; i < 300; i++) same(rng(32));
    for (let i = 1; i < 40; i++) same(Point.BASE.multiply(BigInt(i) * 977n).toBytes());
    for (let i = 0; i < 8; i++) same(T8.multiplyUnsafe(BigInt(i)).toBytes());
  });

  it('rejects a non-canonical y (y ≥ p), as noble does', () => {
    for (const y of [P, P + 1n, P + 18n]) {
      expect(() => decodePublic(le(y, false))).toThrow(/canonical/);
      same(le(y, true));
    }
  });

  it('rejects x = 0 with the sign bit set (y = ±1), accepts it clear', () => {
    expect(() => decodePublic(le(1n, true))).toThrow(/x=0/);
    expect(() => decodePublic(le(P - 1n, true))).toThrow(/x=0/);
    expect(decodePublic(le(1n, false)).is0()).toBe(true);
    same(le(P - 1n, false));
  });

  it('rejects a y with no x on the curve and a wrong length', () => {
    let found = 0;
    for (let y = 2n; found < 3; y++) {
      if (nobleOrUndefined(le(y, false)) !== undefined) continue;
      expect(() => decodePublic(le(y, false))).toThrow(/invalid y/);
      found++;
    }
    expect(() => decodePublic(new Uint8Array(31))).toThrow(/32 bytes/);
  });
});

describe('encodeMany (one shared inversion)', () => {
  it('gives the same bytes as toBytes for projective points, the identity and torsion points', () => {
    const points = [
      Point.BASE.multiply(scalar() || 1n).double(), // Z ≠ 1
      Point.ZERO,
      T8,
      msmPublic([Point.BASE, T8], [scalar(), 3n]),
      Point.BASE,
    ];
    const got = encodeMany(points);
    for (const [i, p] of points.entries()) {
      expect(Buffer.from(got[i] as Uint8Array).toString('hex')).toBe(Buffer.from(p.toBytes()).toString('hex'));
    }
    expect(encodeMany([])).toEqual([]);
  });
});

describe('limb point formulas (cached and affine cached forms)', () => {
  it('adding a point in cached, affine cached (shared inversion) and negated forms equals noble add/subtract', () => {
    const s = newScratch();
    const qs = [Point.BASE.multiply(scalar() || 1n).double(), T8, Point.ZERO, msmPublic([Point.BASE], [scalar()])];
    const affine = cacheAffineMany(qs.map(extFromPoint));
    for (const [i, q] of qs.entries()) {
      const p = Point.BASE.multiply(scalar() || 1n).add(T8);
      for (const [form, expected] of [
        [cache(extFromPoint(q)), p.add(q)],
        [affine[i] as Cached, p.add(q)],
        [negateCached(affine[i] as Cached), p.subtract(q)],
        [negateCached(cache(extFromPoint(q))), p.subtract(q)],
      ] as const) {
        expect(extToPoint(addCached(extFromPoint(p), form, extIdentity(), s)).equals(expected)).toBe(true);
      }
      expect(extToPoint(double(extFromPoint(p), extIdentity(), s)).equals(p.double())).toBe(true);
    }
  });
});
