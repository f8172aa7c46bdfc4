/**
 * The FROST ciphersuites Tandem uses (RFC 9591 §6), as noble's `createFROST` instances.
 *
 * A key share lives in a *group* (ed25519 or secp256k1); signing picks a *scheme* on that group:
 *   ed25519    → `ed25519_FROST`   (FROST-ED25519-SHA512-v1, RFC 8032-compatible signatures)
 *   secp256k1  → `secp256k1_FROST` (FROST-secp256k1-SHA256-v1, RFC 9591 vectors only)
 *   bip340     → `schnorr_FROST`   (FROST-secp256k1-SHA256-TR-v1, BIP340 signatures for Taproot)
 * DKG always runs with the plain suite of the group (`secp256k1_FROST` for Taproot roots), because
 * `schnorr_FROST.DKG` silently TapTweaks its output (mpc-design §2.1.3) and we need the internal key.
 */
import { ed25519, ed25519_FROST } from '@noble/curves/ed25519.js';
import { schnorr, schnorr_FROST, secp256k1, secp256k1_FROST } from '@noble/curves/secp256k1.js';
import { decodeCompressedK1 } from '../curves/secp256k1-base.js';
import { isInPrimeSubgroupEd25519 } from './ed25519-subgroup.js';
import { decodePublic, encodeMany } from './ed25519-vartime.js';

export type FrostGroup = 'ed25519' | 'secp256k1';
export type FrostScheme = 'ed25519' | 'secp256k1' | 'bip340';

type Frost = typeof ed25519_FROST;
type EdPoint = InstanceType<typeof ed25519.Point>;

/** Minimal point surface we use from both curves (noble's Point classes). */
export interface GroupPoint {
  add(other: GroupPoint): GroupPoint;
  subtract(other: GroupPoint): GroupPoint;
  multiply(scalar: bigint): GroupPoint;
  /** Variable-time multiplication: only for public points and public scalars. */
  multiplyUnsafe(scalar: bigint): GroupPoint;
  negate(): GroupPoint;
  equals(other: GroupPoint): boolean;
  is0(): boolean;
  isTorsionFree(): boolean;
  assertValidity(): void;
  toBytes(compressed?: boolean): Uint8Array;
}

export interface GroupInfo {
  group: FrostGroup;
  /** The plain RFC 9591 suite of the group, used for DKG, dealer splits and share checks. */
  frost: Frost;
  pointBytes: number;
  scalarBytes: number;
  fromBytes(bytes: Uint8Array): GroupPoint;
  base: GroupPoint;
  zero: GroupPoint;
  /** Scalar field (order of the prime subgroup). */
  Fn: Frost['utils']['Fn'];
  /**
   * Prime-order-subgroup test of a public point already decoded onto the curve (same answer as
   * `isTorsionFree()`): ed25519 by point halving (ed25519-subgroup.ts), secp256k1 trivially
   * (cofactor 1: every curve point is in the group).
   */
  inPrimeSubgroup(p: GroupPoint): boolean;
  /**
   * `fromBytes` itself accepts only canonical encodings (ed25519: our strict RFC 8032 decoding
   * rejects y ≥ p and x = 0 with the sign bit; secp256k1: compressed only, x < p, prefix by the
   * parity of y; so re-encoding a decoded point gives the input back), so callers need not
   * re-encode to check.
   */
  canonicalDecoding: boolean;
  /** `toBytes()` of several points (ed25519: with one shared field inversion). */
  encodeMany(points: GroupPoint[]): Uint8Array[];
}

const ED25519_GROUP: GroupInfo = {
  group: 'ed25519',
  frost: ed25519_FROST,
  pointBytes: 32,
  scalarBytes: 32,
  // Same accepted set and points as noble's strict fromBytes, with a cheaper exponentiation.
  fromBytes: (b) => decodePublic(b) as unknown as GroupPoint,
  base: ed25519.Point.BASE as unknown as GroupPoint,
  zero: ed25519.Point.ZERO as unknown as GroupPoint,
  Fn: ed25519_FROST.utils.Fn,
  inPrimeSubgroup: (p) => isInPrimeSubgroupEd25519((p as unknown as EdPoint).toAffine().y),
  canonicalDecoding: true,
  encodeMany: (points) => encodeMany(points as unknown as EdPoint[]),
};

const SECP256K1_GROUP: GroupInfo = {
  group: 'secp256k1',
  frost: secp256k1_FROST,
  pointBytes: 33,
  scalarBytes: 32,
  // Compressed SEC 1 only (33 bytes), same accepted set and points as noble, cheaper square root.
  fromBytes: (b) => decodeCompressedK1(b) as unknown as GroupPoint,
  base: secp256k1.Point.BASE as unknown as GroupPoint,
  zero: secp256k1.Point.ZERO as unknown as GroupPoint,
  Fn: secp256k1_FROST.utils.Fn,
  inPrimeSubgroup: () => true,
  canonicalDecoding: true, // prefix 0x02/0x03 by y's parity and x < p are enforced by the decoder
  encodeMany: (points) => points.map((p) => p.toBytes()),
};

export function groupInfo(group: FrostGroup): GroupInfo {
  return group === 'ed25519' ? ED25519_GROUP : SECP256K1_GROUP;
}

export interface SchemeInfo {
  scheme: FrostScheme;
  group: FrostGroup;
  frost: Frost;
  signatureBytes: number;
  /** Independent single-key verification of the final signature (not through FROST code). */
  verify(signature: Uint8Array, message: Uint8Array, groupPublicKey: Uint8Array): boolean;
}

const SCHEMES: Record<FrostScheme, SchemeInfo> = {
  ed25519: {
    scheme: 'ed25519',
    group: 'ed25519',
    frost: ed25519_FROST,
    signatureBytes: 64,
    // Strict RFC 8032 (not ZIP-215), the rule the stricter verifiers (Solana runtime, NEAR) apply.
    verify: (sig, msg, pub) => ed25519.verify(sig, msg, pub, { zip215: false }),
  },
  secp256k1: {
    scheme: 'secp256k1',
    group: 'secp256k1',
    frost: secp256k1_FROST,
    signatureBytes: 65,
    verify: (sig, msg, pub) => secp256k1_FROST.verify(sig, msg, pub),
  },
  bip340: {
    scheme: 'bip340',
    group: 'secp256k1',
    frost: schnorr_FROST,
    signatureBytes: 64,
    // BIP340 verification under the x-only key, the check every Bitcoin node runs.
    verify: (sig, msg, pub) => schnorr.verify(sig, msg, pub.subarray(1)),
  },
};

export function schemeInfo(scheme: FrostScheme): SchemeInfo {
  return SCHEMES[scheme];
}

/** noble's RNG signature (optional length, ArrayBuffer-backed result) over our injected `Rng`. */
export function nobleRng(rng: (n: number) => Uint8Array): (bytesLength?: number) => Uint8Array<ArrayBuffer> {
  return (bytesLength?: number) => Uint8Array.from(rng(bytesLength ?? 32));
}

export function isFrostGroup(value: unknown): value is FrostGroup {
  return value === 'ed25519' || value === 'secp256k1';
}

export function isFrostScheme(value: unknown): value is FrostScheme {
  return value === 'ed25519' || value === 'secp256k1' || value === 'bip340';
}
