import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import {
  type AffineL,
  addMixed,
  addMixedL,
  addProjective,
  addProjL,
  baseMultiplyPublicK1,
  baseMultiplyPublicProjK1,
  baseMultiplySecretK1,
  decodeCompressedK1,
  doubleL,
  doubleProjective,
  encodeCompressedManyK1,
  encodeUncompressedManyK1,
  endomorphismL,
  msmPublicK1,
  msmPublicProjK1,
  newScratch,
  type ProjL,
  projFromPoint,
  projIdentityL,
  projToPoint,
} from '../../../../protocol/curves/secp256k1-base.js';
import { type Limbs, toLimbs } from '../../../../protocol/curves/secp256k1-limbs.js';
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
    for (const k of [1n, 2n, 31n, 32n, 33n, 63n, 64n, 65n, 127n, 128n, N - 1n, N - 32n, N - 64n, (N - 1n) / 2n]) {
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
    for (const k of [
      0n,
      1n,
      31n,
      32n,
      33n,
      64n,
      65n,
      128n,
      N - 1n,
      N,
      2n * N + 3n,
      (1n << 385n) - 1n,
      scalar(),
      scalar(),
    ]) {
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

describe('encodeUncompressedManyK1 (one inversion for several points)', () => {
  it('equals noble toBytes(false) for projective points with Z ≠ 1, one point, and none', () => {
    const points = Array.from({ length: 5 }, () => Point.BASE.multiply(scalar()).double());
    expect(encodeUncompressedManyK1(points).map((b) => Buffer.from(b).toString('hex'))).toEqual(
      points.map((p) => Buffer.from(p.toBytes(false)).toString('hex')),
    );
    expect(encodeUncompressedManyK1([Point.BASE]).map((b) => Buffer.from(b).toString('hex'))).toEqual([
      Buffer.from(Point.BASE.toBytes(false)).toString('hex'),
    ]);
    expect(encodeUncompressedManyK1([])).toEqual([]);
  });

  it('refuses the identity', () => {
    expect(() => encodeUncompressedManyK1([Point.ZERO, Point.BASE])).toThrow(/encodeUncompressedManyK1: the identity/);
  });
});

describe('secp256k1 point formulas on limbs (point form: limbs up to 2·2^22 in size)', () => {
  const U = 2 ** 22;
  /**
   * The same value with every limb pushed towards the documented bound: limb i gains ±2^22 and
   * limb i + 1 loses ±1, so limbs 0..10 reach [2^22 − 1, 2^23) (or (−2^22, 0]).
   */
  const stretched = (x: bigint, sign: 1 | -1): Limbs => {
    const l = toLimbs(x);
    for (let i = 0; i < 11; i++) {
      l[i] = (l[i] as number) + sign * U;
      l[i + 1] = (l[i + 1] as number) - sign;
    }
    return l;
  };
  const stretchedProj = (p: InstanceType<typeof Point>, sign: 1 | -1): ProjL => ({
    X: stretched(p.X, sign),
    Y: stretched(p.Y, sign),
    Z: stretched(p.Z, sign),
  });
  const within = (p: ProjL, bound: number) => [p.X, p.Y, p.Z].every((l) => l.every((v) => Math.abs(v) <= bound));

  it('addProjL, addMixedL and doubleL equal noble on inputs at the limb bounds, and keep outputs in point form', () => {
    const s = newScratch();
    for (let i = 0; i < 6; i++) {
      const a = Point.BASE.multiply(scalar()).double();
      const b = Point.BASE.multiply(scalar()).double();
      for (const sign of [1, -1] as const) {
        const pa = stretchedProj(a, sign);
        const pb = stretchedProj(b, sign);
        expect(within(pa, 2 * U)).toBe(true);
        const sum = addProjL(pa, pb, projIdentityL(), s);
        expect(within(sum, 2 * U)).toBe(true);
        expect(projToPoint(sum).equals(a.add(b))).toBe(true);
        const twice = doubleL(pa, projIdentityL(), s);
        expect(within(twice, 2 * U)).toBe(true);
        expect(projToPoint(twice).equals(a.double())).toBe(true);
        const q: AffineL = { x: toLimbs(b.toAffine().x), y: toLimbs(b.toAffine().y) };
        const mixed = addMixedL(pa, q, projIdentityL(), s);
        expect(within(mixed, 2 * U)).toBe(true);
        expect(projToPoint(mixed).equals(a.add(b))).toBe(true);
        // In place (output aliasing the first input), P + P and P − P through the general formula.
        expect(projToPoint(addProjL(pa, stretchedProj(a, sign), pa, s)).equals(a.double())).toBe(true);
        expect(projToPoint(addProjL(pb, projFromPoint(b.negate()), pb, s)).is0()).toBe(true);
      }
    }
  });

  it('the formulas stay exact along long chains of their own outputs (no renormalisation between steps)', () => {
    const s = newScratch();
    let expected = Point.BASE.multiply(scalar());
    const step = Point.BASE.multiply(scalar());
    const acc = projFromPoint(expected);
    const stepL = projFromPoint(step);
    for (let i = 0; i < 200; i++) {
      if (i % 2) {
        doubleL(acc, acc, s);
        expected = expected.double();
      } else {
        addProjL(acc, stepL, acc, s);
        expected = expected.add(step);
      }
      expect(within(acc, 2 * U)).toBe(true);
    }
    expect(projToPoint(acc).equals(expected)).toBe(true);
  });

  it('endomorphismL is multiplication by λ; the identity stays the identity', () => {
    const LAMBDA = 0x5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72n;
    const a = Point.BASE.multiply(scalar()).double();
    expect(projToPoint(endomorphismL(projFromPoint(a))).equals(a.multiply(LAMBDA))).toBe(true);
    expect(projToPoint(doubleL(projIdentityL(), projIdentityL(), newScratch())).is0()).toBe(true);
    expect(projToPoint(addProjL(projIdentityL(), projIdentityL(), projIdentityL(), newScratch())).is0()).toBe(true);
  });

  it('msmPublicProjK1 and baseMultiplyPublicProjK1 equal noble (limb results, no conversion in between)', () => {
    const pts = [Point.BASE.multiply(scalar()), Point.BASE.multiply(scalar()).double()];
    const ks = [scalar() >> 128n, scalar() >> 127n];
    const expected = (pts[0] as InstanceType<typeof Point>)
      .multiply(ks[0] as bigint)
      .add((pts[1] as InstanceType<typeof Point>).multiply(ks[1] as bigint));
    expect(projToPoint(msmPublicProjK1(pts.map(projFromPoint), ks, wnaf)).equals(expected)).toBe(true);
    expect(projToPoint(msmPublicProjK1([projFromPoint(Point.BASE)], [0n], wnaf)).is0()).toBe(true);
    const k = scalar();
    expect(projToPoint(baseMultiplyPublicProjK1(k)).equals(Point.BASE.multiply(k))).toBe(true);
  });
});
