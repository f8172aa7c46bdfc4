/**
 * ECDSA verification on secp256k1 (SEC 1 v2 §4.1.4) for signatures WE assembled, before release:
 * the two-party signing protocols check their own output with it instead of noble's `verify`,
 * several times faster on the same public data:
 *
 * - u1·G on the precomputed base table (`baseMultiplyPublicProjK1`), no doublings;
 * - u2·Q split with the GLV endomorphism into two 128-bit halves, k1·Q + k2·φ(Q), evaluated by
 *   Straus with one chain of 128 doublings (`msmPublicProjK1`) instead of 256;
 * - everything on float64 limbs (secp256k1-limbs.ts), converted once at each end, and no
 *   inversion: R'.x ≡ r (mod n) is checked projectively as X ≡ r·Z or X ≡ (r + n)·Z (mod p).
 *
 * Everything here is public (the signature, the digest, the public key), so variable time is fine.
 * The accepted set is exactly noble's for low-s signatures (tested differentially): r, s in
 * [1, n − 1], s ≤ n/2, R' = u1·G + u2·Q not the identity and R'.x ≡ r (mod n).
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { doubleBaseMultiplyPublicProjK1, mulModP } from './secp256k1-base.js';
import { fromLimbs } from './secp256k1-limbs.js';

type K1Point = InstanceType<typeof secp256k1.Point>;

const Fn = secp256k1.Point.Fn;
const ORDER = Fn.ORDER;
const Fp = secp256k1.Point.Fp;
const P = Fp.ORDER;

/**
 * True iff (r, s) is a valid low-s ECDSA signature of the digest scalar `e` (bits2int(H) mod n)
 * under `publicKey` (a validated point, not the identity).
 */
export function verifyEcdsaLowS(publicKey: K1Point, e: bigint, r: bigint, s: bigint): boolean {
  return verificationPoint(publicKey, e, r, s) !== undefined;
}

/**
 * The public-key recovery id of (r, s) if it is a valid low-s signature of `e` under `publicKey`,
 * else undefined: bit 0 = R'.y odd, bit 1 = R'.x ≥ n, for R' = u1·G + u2·Q, the point verification
 * itself computes. Recovering from (r, s, id) gives back exactly `publicKey` (SEC 1 §4.1.6), so
 * a signer that takes the id from here cannot output a `v` that recovers another key, whatever
 * the other party sent (one extra inversion over `verifyEcdsaLowS`).
 */
export function recoveryIdIfValidLowS(publicKey: K1Point, e: bigint, r: bigint, s: bigint): number | undefined {
  const point = verificationPoint(publicKey, e, r, s);
  if (point === undefined) return undefined;
  const y = mulModP(point.y, Fp.inv(point.z));
  return (y & 1n ? 1 : 0) | (point.xAboveOrder ? 2 : 0);
}

/** R' = u1·G + u2·Q as (Y, Z) when R'.x ≡ r (mod n) and s is low; undefined otherwise. */
function verificationPoint(
  publicKey: K1Point,
  e: bigint,
  r: bigint,
  s: bigint,
): { y: bigint; z: bigint; xAboveOrder: boolean } | undefined {
  if (r <= 0n || r >= ORDER || s <= 0n || s > ORDER >> 1n) return undefined;
  if (e < 0n || e >= ORDER) return undefined;
  const w = Fn.inv(s);
  const sum = doubleBaseMultiplyPublicProjK1(Fn.mul(e, w), Fn.mul(r, w), publicKey);
  const z = fromLimbs(sum.Z);
  if (z === 0n) return undefined; // R' is the identity
  // R'.x = X/Z lies in [0, p) and p < 2n, so R'.x ≡ r (mod n) iff R'.x is r or r + n.
  const x = fromLimbs(sum.X);
  if (mulModP(r, z) === x) return { y: fromLimbs(sum.Y), z, xAboveOrder: false };
  if (r + ORDER < P && mulModP(r + ORDER, z) === x) return { y: fromLimbs(sum.Y), z, xAboveOrder: true };
  return undefined;
}
