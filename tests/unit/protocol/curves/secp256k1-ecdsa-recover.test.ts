import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { recoverPublicKeyK1 } from '../../../../protocol/curves/secp256k1-ecdsa-recover.js';
import { createSeededRng } from '../../../../protocol/rng.js';

const Point = secp256k1.Point;
const Fn = Point.Fn;
const N = Fn.ORDER;
const rng = createSeededRng('tandem/test/curves/secp256k1-ecdsa-recover');
const toBig = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex')}`);

function nobleRecover(digest: Uint8Array, r: bigint, s: bigint, recovery: number) {
  try {
    return new secp256k1.Signature(r, s, recovery).recoverPublicKey(digest);
  } catch {
    return undefined;
  }
}

describe('recoverPublicKeyK1', () => {
  it('recovers the signing key with the signature’s own id, and what noble recovers with the others', () => {
    for (let i = 0; i < 25; i++) {
      const secret = secp256k1.utils.randomSecretKey(rng(48));
      const digest = rng(32);
      const sig = secp256k1.Signature.fromBytes(
        secp256k1.sign(digest, secret, { prehash: false, format: 'recovered' }),
        'recovered',
      );
      const e = Fn.create(toBig(digest));
      const key = recoverPublicKeyK1(e, sig.r, sig.s, sig.recovery as number);
      expect(key?.equals(Point.fromBytes(secp256k1.getPublicKey(secret)))).toBe(true);
      for (const other of [0, 1, 2, 3]) {
        const ours = recoverPublicKeyK1(e, sig.r, sig.s, other);
        const theirs = nobleRecover(digest, sig.r, sig.s, other);
        expect(ours === undefined, `id ${other}`).toBe(theirs === undefined);
        if (ours && theirs) expect(ours.equals(theirs)).toBe(true);
      }
    }
  });

  it('accepts a high-s signature like noble (recovery does not normalise s)', () => {
    const digest = rng(32);
    const secret = secp256k1.utils.randomSecretKey(rng(48));
    const sig = secp256k1.Signature.fromBytes(
      secp256k1.sign(digest, secret, { prehash: false, format: 'recovered' }),
      'recovered',
    );
    const high = recoverPublicKeyK1(Fn.create(toBig(digest)), sig.r, N - sig.s, (sig.recovery as number) ^ 1);
    expect(high?.equals(Point.fromBytes(secp256k1.getPublicKey(secret)))).toBe(true);
  });

  it('refuses r = 0, s = 0, r ≥ n, an id outside 0..3 and a non-integer id', () => {
    expect(recoverPublicKeyK1(1n, 0n, 1n, 0)).toBeUndefined();
    expect(recoverPublicKeyK1(1n, 1n, 0n, 0)).toBeUndefined();
    expect(recoverPublicKeyK1(1n, N, 1n, 0)).toBeUndefined();
    expect(recoverPublicKeyK1(1n, 1n, 1n, 4)).toBeUndefined();
    expect(recoverPublicKeyK1(1n, 1n, 1n, 0.5)).toBeUndefined();
  });

  it('refuses an r that is no point’s x coordinate', () => {
    let r = 1n;
    while (true) {
      const y2 = Point.Fp.add(Point.Fp.pow(r, 3n), 7n);
      if (Point.Fp.pow(y2, (Point.Fp.ORDER - 1n) / 2n) !== 1n) break;
      r++;
    }
    expect(recoverPublicKeyK1(1n, r, 1n, 0)).toBeUndefined();
    expect(nobleRecover(new Uint8Array(32).fill(0), r, 1n, 0)).toBeUndefined();
  });

  it('refuses ids 2 and 3 when r + n ≥ p (no such x)', () => {
    const r = N - 1n; // r + n ≥ p
    expect(recoverPublicKeyK1(1n, r, 1n, 2)).toBeUndefined();
    expect(recoverPublicKeyK1(1n, r, 1n, 3)).toBeUndefined();
  });
});
