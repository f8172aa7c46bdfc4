import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../../protocol/bytes.js';
import { legendre, P, red, sqrt, sqrtOrSqrtTwice } from '../../../../protocol/frost/ed25519-field.js';
import { fastSubgroupTestForTests, isInPrimeSubgroupEd25519 } from '../../../../protocol/frost/ed25519-subgroup.js';
import { createSeededRng } from '../../../../protocol/rng.js';

const Point = ed25519.Point;
type EdPoint = InstanceType<typeof Point>;
const L = Point.Fn.ORDER;
const rng = createSeededRng('tandem/test/frost/ed25519-subgroup');

/** A point of order 8 (RFC 8032 low-order list) and its multiples: every torsion component. */
const T8 = Point.fromBytes(fromHex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'));
const TORSION: EdPoint[] = [Point.ZERO];
for (let i = 1; i < 8; i++) TORSION.push((TORSION[i - 1] as EdPoint).add(T8));

const randomScalar = () => Point.Fn.create(BigInt(`0x${Buffer.from(rng(40)).toString('hex')}`)) || 1n;
const y = (p: EdPoint) => p.toAffine().y;

describe('ed25519 prime-order-subgroup test by halving', () => {
  it('fixture sanity: the torsion list holds one point of each order 1, 2, 4 and 8', () => {
    const orders = TORSION.map((t) => {
      let k = 1;
      for (let q = t; !q.is0(); q = q.add(t)) k++;
      return k;
    });
    expect(orders).toEqual([1, 8, 4, 8, 2, 8, 4, 8]);
  });

  it('agrees with noble isTorsionFree on G·k + T for every torsion component T', () => {
    for (let round = 0; round < 12; round++) {
      const prime = Point.BASE.multiply(randomScalar());
      for (const t of TORSION) {
        const p = prime.add(t);
        expect(isInPrimeSubgroupEd25519(y(p))).toBe(p.isTorsionFree());
        expect(isInPrimeSubgroupEd25519(y(p))).toBe(t.is0());
      }
    }
  });

  it('agrees with noble isTorsionFree on points decoded from random y (mostly mixed order)', () => {
    let decoded = 0;
    while (decoded < 40) {
      const bytes = rng(32);
      bytes[31] = (bytes[31] as number) & 0x7f;
      let p: EdPoint;
      try {
        p = Point.fromBytes(bytes);
      } catch {
        continue; // not a y-coordinate of the curve
      }
      decoded++;
      expect(isInPrimeSubgroupEd25519(y(p))).toBe(p.isTorsionFree());
    }
  });

  it('rejects every small-order point except the identity', () => {
    for (const t of TORSION.slice(1)) expect(isInPrimeSubgroupEd25519(y(t))).toBe(false);
    expect(isInPrimeSubgroupEd25519(1n)).toBe(true);
  });

  it('the fast path (one Legendre symbol) decides every G·k + T on its own and agrees with noble', () => {
    for (let round = 0; round < 30; round++) {
      const prime = Point.BASE.multiply(randomScalar());
      for (const t of TORSION) {
        const p = prime.add(t);
        expect(fastSubgroupTestForTests(y(p))).toBe(p.isTorsionFree());
      }
    }
  });

  it('the fast path defers (undefined) rather than answer on the identity and the order-2 point', () => {
    expect(fastSubgroupTestForTests(1n)).toBeUndefined();
    expect(fastSubgroupTestForTests(P - 1n)).toBeUndefined();
    // and the exported test still answers them
    expect(isInPrimeSubgroupEd25519(P - 1n)).toBe(false);
  });

  it('accepts the base point and G·(L − 1)', () => {
    expect(isInPrimeSubgroupEd25519(y(Point.BASE))).toBe(true);
    expect(isInPrimeSubgroupEd25519(y(Point.BASE.multiply(L - 1n)))).toBe(true);
  });
});

describe('ed25519-field (public values only)', () => {
  it('red reduces products below 2^520 exactly', () => {
    for (let i = 0; i < 50; i++) {
      const a = BigInt(`0x${Buffer.from(rng(33)).toString('hex')}`);
      const b = BigInt(`0x${Buffer.from(rng(32)).toString('hex')}`);
      expect(red(a * b)).toBe((a * b) % P);
    }
    expect(red(P)).toBe(0n);
    expect(red(2n * P - 1n)).toBe(P - 1n);
  });

  it('sqrt returns a root of squares and undefined for non-squares; legendre matches Euler', () => {
    const Fp = Point.Fp;
    for (let i = 0; i < 30; i++) {
      const a = Fp.create(BigInt(`0x${Buffer.from(rng(32)).toString('hex')}`));
      const euler = Fp.pow(a, (P - 1n) / 2n);
      const expected = a === 0n ? 0 : euler === 1n ? 1 : -1;
      expect(legendre(a)).toBe(expected);
      const r = sqrt(a);
      if (expected === -1) expect(r).toBeUndefined();
      else expect(Fp.sqr(r as bigint)).toBe(a);
    }
    expect(legendre(0n)).toBe(0);
    expect(sqrt(0n)).toBe(0n);
    expect(legendre(P - 1n)).toBe(1); // −1 is a square because p ≡ 1 (mod 4)
    expect(legendre(2n)).toBe(-1); // p ≡ 5 (mod 8)
  });

  it('sqrtOrSqrtTwice gives a root of a for squares and of 2a for non-squares, undefined for 0', () => {
    const Fp = Point.Fp;
    let squares = 0;
    for (let i = 0; i < 60; i++) {
      const a = Fp.create(BigInt(`0x${Buffer.from(rng(32)).toString('hex')}`)) || 1n;
      const got = sqrtOrSqrtTwice(a) as { root: bigint; square: boolean };
      expect(got.square).toBe(legendre(a) === 1);
      expect(Fp.sqr(got.root)).toBe(got.square ? a : Fp.add(a, a));
      if (got.square) squares++;
    }
    expect(squares).toBeGreaterThan(10); // both branches exercised
    expect(squares).toBeLessThan(50);
    for (const a of [1n, P - 1n, 2n, P - 2n]) {
      const got = sqrtOrSqrtTwice(a) as { root: bigint; square: boolean };
      expect(Fp.sqr(got.root)).toBe(got.square ? a : Fp.add(a, a));
    }
    expect(sqrtOrSqrtTwice(0n)).toBeUndefined();
  });
});
