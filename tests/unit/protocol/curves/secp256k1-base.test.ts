import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import {
  addMixed,
  addProjective,
  baseMultiplyPublicK1,
  baseMultiplySecretK1,
  decodeCompressedK1,
  doubleProjective,
  encodeCompressedManyK1,
  msmPublicK1,
} from '../../../../protocol/curves/secp256k1-base.js';
import { wnaf } from '../../../../protocol/curves/wnaf.js';
import { createSeededRng } from '../../../../protocol/rng.js';

const Point = secp256k1.Point;
const N = Point.Fn.ORDER;
const rng = createSeededRng('tandem/test/curves/secp256k1-base');
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

describe('secp256k1 variable-time arithmetic (public data)', () => {
  it('complete projective addition and doubling equal noble, including P + P, P − P and the identity', () => {
    for (let i = 0; i < 8; i++) {
      const a = Point.BASE.multiply(scalar()).double();
      const b = Point.BASE.multiply(scalar()).double();
      expect(toPoint(addProjective(proj(a), proj(b))).equals(a.add(b))).toBe(true);
      expect(toPoint(addProjective(proj(a), proj(a))).equals(a.double())).toBe(true);
      expect(toPoint(addProjective(proj(a), proj(a.negate()))).is0()).toBe(true);
      expect(toPoint(addProjective(proj(Point.ZERO), proj(a))).equals(a)).toBe(true);
      expect(toPoint(doubleProjective(proj(a))).equals(a.double())).toBe(true);
    }
    expect(toPoint(doubleProjective(proj(Point.ZERO))).is0()).toBe(true);
  });

  it('msmPublicK1 equals noble for one and two points and scalars of different lengths', () => {
    for (let i = 0; i < 6; i++) {
      const pts = [Point.BASE.multiply(scalar()), Point.BASE.multiply(scalar())];
      const ks = [scalar(), scalar() >> 130n];
      expect(
        msmPublicK1(pts.slice(0, 1), ks.slice(0, 1), wnaf).equals(pts[0]?.multiply(ks[0] as bigint) as never),
      ).toBe(true);
      const expected = (pts[0] as InstanceType<typeof Point>)
        .multiply(ks[0] as bigint)
        .add((pts[1] as InstanceType<typeof Point>).multiply(ks[1] as bigint));
      expect(msmPublicK1(pts, ks, wnaf).equals(expected)).toBe(true);
    }
    expect(() => msmPublicK1([Point.BASE], [-1n], wnaf)).toThrow(/non-negative/);
  });

  it('baseMultiplyPublicK1 equals noble, including 0, boundaries and values ≥ n', () => {
    for (const k of [0n, 1n, 31n, 32n, 33n, N - 1n, N, 2n * N + 3n, scalar(), scalar()]) {
      const expected = Point.BASE.multiplyUnsafe(k % N);
      expect(baseMultiplyPublicK1(k).equals(expected)).toBe(true);
    }
    expect(() => baseMultiplyPublicK1(-1n)).toThrow(RangeError);
  });
});

describe('decodeCompressedK1 (SEC 1 compressed points)', () => {
  const P = Point.Fp.ORDER;
  const encode = (prefix: number, x: bigint) => {
    const b = new Uint8Array(33);
    b[0] = prefix;
    for (let i = 32, t = x; i >= 1; i--, t >>= 8n) b[i] = Number(t & 255n);
    return b;
  };
  const same = (b: Uint8Array) => {
    let noble: InstanceType<typeof Point> | undefined;
    let ours: InstanceType<typeof Point> | undefined;
    try {
      noble = Point.fromBytes(b);
    } catch {
      noble = undefined;
    }
    try {
      ours = decodeCompressedK1(b);
    } catch {
      ours = undefined;
    }
    expect(ours === undefined).toBe(noble === undefined);
    if (noble && ours) expect(ours.equals(noble)).toBe(true);
    return noble !== undefined;
  };

  it('accepts and rejects exactly what noble fromBytes does, on random x of both prefixes and real points', () => {
    let valid = 0;
    for (let i = 0; i < 200; i++) {
      const b = rng(33);
      b[0] = 2 + ((b[0] as number) & 1);
      if (same(b)) valid++;
    }
    expect(valid).toBeGreaterThan(50); // about half of all x are on the curve
    for (let i = 1; i < 20; i++) expect(same(Point.BASE.multiply(scalar()).toBytes())).toBe(true);
  });

  it('rejects x ≥ p, other prefixes and other lengths', () => {
    for (const x of [P, P + 1n, (1n << 256n) - 1n]) {
      expect(() => decodeCompressedK1(encode(2, x))).toThrow(/canonical/);
      same(encode(3, x));
    }
    const g = Point.BASE.toBytes();
    for (const prefix of [0, 1, 4, 5]) {
      const b = Uint8Array.from(g);
      b[0] = prefix;
      expect(() => decodeCompressedK1(b)).toThrow(/prefix/);
    }
    expect(() => decodeCompressedK1(Point.BASE.toBytes(false))).toThrow(/33 bytes/);
  });
});

describe('encodeCompressedManyK1 (one inversion for several points)', () => {
  it('equals noble toBytes(true) for projective points with Z ≠ 1, one point, and none', () => {
    const points = Array.from({ length: 7 }, () => Point.BASE.multiply(scalar()).double());
    expect(encodeCompressedManyK1(points).map((b) => Buffer.from(b).toString('hex'))).toEqual(
      points.map((p) => Buffer.from(p.toBytes(true)).toString('hex')),
    );
    expect(Buffer.from(encodeCompressedManyK1([points[0] as InstanceType<typeof Point>])[0] as Uint8Array)).toEqual(
      Buffer.from((points[0] as InstanceType<typeof Point>).toBytes(true)),
    );
    expect(encodeCompressedManyK1([])).toEqual([]);
  });

  it('refuses the identity', () => {
    expect(() => encodeCompressedManyK1([Point.BASE, Point.ZERO])).toThrow(/identity/);
  });
});
