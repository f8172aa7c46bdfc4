import { describe, expect, it } from 'vitest';
import { CURVE_ORDER, G, mulBaseSecret, Point } from '../../../../protocol/ecdsa2p/group.js';
import { createSeededRng } from '../../../../protocol/rng.js';

const rng = createSeededRng('tandem/tests/ecdsa2p/group');
const scalar = () => (BigInt(`0x${Buffer.from(rng(40)).toString('hex')}`) % (CURVE_ORDER - 1n)) + 1n;

describe('mulBaseSecret', () => {
  it('equals noble BASE.multiply for random scalars, 1 and n − 1', () => {
    for (const k of [1n, CURVE_ORDER - 1n, ...Array.from({ length: 20 }, scalar)]) {
      expect(mulBaseSecret(k, rng(32), 'test').equals(G.multiply(k))).toBe(true);
    }
  });

  it('gives the identity for a zero share', () => {
    expect(mulBaseSecret(0n, rng(32), 'test').equals(Point.ZERO)).toBe(true);
  });

  it('gives the same point whatever the context and label (they only change the blind)', () => {
    const k = scalar();
    const a = mulBaseSecret(k, rng(32), 'a');
    const b = mulBaseSecret(k, rng(32), 'b');
    expect(a.equals(b)).toBe(true);
  });
});
