import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { recoveryIdIfValidLowS, verifyEcdsaLowS } from '../../../../protocol/curves/secp256k1-ecdsa-verify.js';
import { createSeededRng } from '../../../../protocol/rng.js';

const Point = secp256k1.Point;
const Fn = Point.Fn;
const N = Fn.ORDER;
const rng = createSeededRng('tandem/test/curves/secp256k1-ecdsa-verify');
const toBig = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex')}`);

function signed() {
  const secret = secp256k1.utils.randomSecretKey(rng(48));
  const digest = rng(32);
  const sig = secp256k1.Signature.fromBytes(secp256k1.sign(digest, secret, { prehash: false }), 'compact');
  const publicKey = Point.fromBytes(secp256k1.getPublicKey(secret));
  return { publicKey, e: Fn.create(toBig(digest)), digest, r: sig.r, s: sig.s };
}

describe('verifyEcdsaLowS', () => {
  it('accepts what noble signs and agrees with noble verify on tampered signatures', () => {
    for (let i = 0; i < 40; i++) {
      const { publicKey, e, digest, r, s } = signed();
      expect(verifyEcdsaLowS(publicKey, e, r, s)).toBe(true);
      const s2 = s === 1n ? 2n : s - 1n;
      const compact = new secp256k1.Signature(r, s2).toBytes('compact');
      const noble = secp256k1.verify(compact, digest, publicKey.toBytes(true), { prehash: false, lowS: true });
      expect(verifyEcdsaLowS(publicKey, e, r, s2)).toBe(noble);
    }
  });

  it('accepts a signature under a projective (Z ≠ 1) public key', () => {
    const { publicKey, e, r, s } = signed();
    const projective = publicKey.double().add(publicKey.negate());
    expect(verifyEcdsaLowS(projective, e, r, s)).toBe(true);
  });

  it('refuses another digest', () => {
    const { publicKey, e, r, s } = signed();
    expect(verifyEcdsaLowS(publicKey, Fn.add(e, 1n), r, s)).toBe(false);
  });

  it('refuses another public key', () => {
    const { publicKey, e, r, s } = signed();
    expect(verifyEcdsaLowS(publicKey.add(Point.BASE), e, r, s)).toBe(false);
  });

  it('refuses the high-s twin of a valid signature', () => {
    const { publicKey, e, r, s } = signed();
    expect(verifyEcdsaLowS(publicKey, e, r, N - s)).toBe(false);
  });

  it('refuses r = 0, s = 0, r ≥ n and a digest scalar ≥ n', () => {
    const { publicKey, e, r, s } = signed();
    expect(verifyEcdsaLowS(publicKey, e, 0n, s)).toBe(false);
    expect(verifyEcdsaLowS(publicKey, e, r, 0n)).toBe(false);
    expect(verifyEcdsaLowS(publicKey, e, r + N, s)).toBe(false);
    expect(verifyEcdsaLowS(publicKey, e + N, r, s)).toBe(false);
  });

  it('handles u1 = 0 (digest scalar 0) like noble', () => {
    const secret = secp256k1.utils.randomSecretKey(rng(48));
    const digest = new Uint8Array(32);
    const sig = secp256k1.Signature.fromBytes(secp256k1.sign(digest, secret, { prehash: false }), 'compact');
    const publicKey = Point.fromBytes(secp256k1.getPublicKey(secret));
    expect(verifyEcdsaLowS(publicKey, 0n, sig.r, sig.s)).toBe(true);
  });
});

describe('verifyEcdsaLowS: the projective x check', () => {
  it('accepts when R.x ≥ n (r = R.x − n), like noble, and rejects r + 1 there', () => {
    // A point R with x in [n, p): such an r is only reached through x − n (probability ≈ 2^−128
    // for real signatures). Q is then chosen so that u1·G + u2·Q = R for random u1, u2.
    const P = Point.Fp.ORDER;
    let R: InstanceType<typeof Point> | undefined;
    for (let x = N + 1n; !R; x++) {
      const y2 = Point.Fp.add(Point.Fp.pow(x, 3n), 7n);
      if (Point.Fp.pow(y2, (P - 1n) / 2n) === 1n) R = Point.fromAffine({ x, y: Point.Fp.sqrt(y2) });
    }
    const r = R.toAffine().x - N;
    let checked = 0;
    while (checked < 3) {
      const u1 = Fn.create(toBig(rng(48))) || 1n;
      const u2 = Fn.create(toBig(rng(48))) || 1n;
      const s = Fn.div(r, u2);
      if (s > N >> 1n) continue; // low-s only
      const e = Fn.mul(u1, s);
      const publicKey = R.subtract(Point.BASE.multiply(u1)).multiply(Fn.inv(u2));
      const digest = new Uint8Array(32);
      for (let b = 31, t = e; b >= 0; b--, t >>= 8n) digest[b] = Number(t & 255n);
      const compact = new secp256k1.Signature(r, s).toBytes('compact');
      expect(secp256k1.verify(compact, digest, publicKey.toBytes(true), { prehash: false, lowS: true })).toBe(true);
      expect(verifyEcdsaLowS(publicKey, e, r, s)).toBe(true);
      // A neighbouring r is rejected.
      expect(verifyEcdsaLowS(publicKey, e, r + 1n, s)).toBe(false);
      checked++;
    }
  });

  it('recoveryIdIfValidLowS gives the id noble signs with, and undefined for what verification refuses', () => {
    for (let i = 0; i < 30; i++) {
      const secret = secp256k1.utils.randomSecretKey(rng(48));
      const digest = rng(32);
      const sig = secp256k1.Signature.fromBytes(
        secp256k1.sign(digest, secret, { prehash: false, format: 'recovered' }),
        'recovered',
      );
      const publicKey = Point.fromBytes(secp256k1.getPublicKey(secret));
      const e = Fn.create(toBig(digest));
      expect(recoveryIdIfValidLowS(publicKey, e, sig.r, sig.s)).toBe(sig.recovery);
      expect(recoveryIdIfValidLowS(publicKey, Fn.add(e, 1n), sig.r, sig.s)).toBeUndefined();
      expect(recoveryIdIfValidLowS(publicKey, e, sig.r, N - sig.s)).toBeUndefined();
    }
  });
});
