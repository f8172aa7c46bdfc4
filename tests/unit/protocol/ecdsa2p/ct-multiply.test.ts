import { describe, expect, it } from 'vitest';
import { toHex } from '../../../../protocol/bytes.js';
import { multiplySecret } from '../../../../protocol/ecdsa2p/ct-multiply.js';
import { CURVE_ORDER, Fn, G, Point } from '../../../../protocol/ecdsa2p/group.js';
import { InvalidArgumentError } from '../../../../protocol/errors.js';
import { createSeededRng } from '../../../../protocol/rng.js';

const rng = createSeededRng('tandem/tests/ecdsa2p/ct-multiply');
const randomScalar = () => Fn.create(BigInt(`0x${toHex(rng(48))}`)) || 1n;
/** The GLV eigenvalue: φ(P) = λ·P. */
const LAMBDA = 0x5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72n;

describe('multiplySecret', () => {
  const point = G.multiply(randomScalar());

  it('equals noble for 150 random scalars and points', () => {
    for (let i = 0; i < 150; i++) {
      const p = i % 5 === 0 ? G : point.multiply(BigInt(i + 2));
      const k = randomScalar();
      expect(multiplySecret(p, k).equals(p.multiply(k))).toBe(true);
    }
  });

  it('equals noble at the edges: small, top, powers of two, and halves of the GLV split that are 0, 1 or even', () => {
    const edges = [
      1n,
      2n,
      3n,
      15n,
      16n,
      17n,
      31n,
      32n,
      CURVE_ORDER - 1n,
      CURVE_ORDER - 2n,
      CURVE_ORDER - 16n,
      (CURVE_ORDER - 1n) / 2n,
      (CURVE_ORDER + 1n) / 2n,
      1n << 128n,
      (1n << 128n) - 1n,
      1n << 255n,
      (1n << 256n) % CURVE_ORDER,
      LAMBDA, // k1 = 0, k2 = 1
      Fn.mul(LAMBDA, 2n), // k1 = 0, k2 even
      Fn.add(LAMBDA, 1n),
      Fn.neg(LAMBDA),
      Fn.sub(LAMBDA, 1n),
      0xffffffffffffffffffffffffffffffffn,
    ];
    for (const k of edges) {
      expect(multiplySecret(point, k).equals(point.multiply(k)), `k = ${k.toString(16)}`).toBe(true);
    }
  });

  it('gives the identity for n − 1 times −P plus P (complete formulas, no exceptional case)', () => {
    expect(
      multiplySecret(point.negate(), CURVE_ORDER - 1n)
        .add(point.negate())
        .is0(),
    ).toBe(true);
  });

  it('refuses the scalar 0', () => {
    expect(() => multiplySecret(point, 0n)).toThrow(InvalidArgumentError);
  });

  it('refuses the scalar n', () => {
    expect(() => multiplySecret(point, CURVE_ORDER)).toThrow(InvalidArgumentError);
  });

  it('refuses a negative scalar', () => {
    expect(() => multiplySecret(point, -5n)).toThrow(InvalidArgumentError);
  });

  it('refuses a scalar that is not a bigint', () => {
    expect(() => multiplySecret(point, 5 as unknown as bigint)).toThrow(InvalidArgumentError);
  });

  it('works on a point given in non-normalised projective coordinates', () => {
    const projective = point.add(G).subtract(G); // Z ≠ 1
    const k = randomScalar();
    expect(multiplySecret(projective, k).equals(Point.fromAffine(point.toAffine()).multiply(k))).toBe(true);
  });

  it('returns a valid noble point with the same encoding as noble (limb results converted back canonically)', () => {
    for (let i = 0; i < 10; i++) {
      const k = randomScalar();
      const ours = multiplySecret(point, k);
      ours.assertValidity();
      expect(toHex(ours.toBytes(true))).toBe(toHex(point.multiply(k).toBytes(true)));
    }
  });
});
