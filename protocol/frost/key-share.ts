/**
 * JSON-safe FROST key shares and their conversion to noble's `Key` packages.
 *
 * A share is what one party stores after DKG, a dealer split or a refresh: its own secret signing
 * share plus the public package both parties agree on (VSS commitments, whose first entry is the
 * group public key, and every participant's verifying share). Client = identifier 1 and server =
 * identifier 2 unless a share says otherwise (the RFC 9591 vectors use 1 and 3).
 */
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { fromHex, isHex, toHex } from '../bytes.js';
import { baseMultiplySecretK1 } from '../curves/secp256k1-base.js';
import { InvalidArgumentError, type PartyRole } from '../errors.js';
import { taggedHash } from '../transcript.js';
import { baseMultiplySecret, blindFromSeed } from './ed25519-base.js';
import { isInPrimeSubgroupEd25519 } from './ed25519-subgroup.js';
import { type FrostGroup, type GroupPoint, groupInfo, isFrostGroup } from './suites.js';
import { decodePoint, decodeScalar } from './wire.js';

export interface FrostIdentifiers {
  client: string;
  server: string;
}

export interface FrostKeyShare {
  group: FrostGroup;
  role: PartyRole;
  identifiers: FrostIdentifiers;
  signers: { min: number; max: number };
  /** SECRET: this party's signing share, canonical scalar hex. */
  signingShare: string;
  /** VSS commitments (hex points); `commitments[0]` is the group public key. */
  commitments: string[];
  /** Identifier hex → verifying share (hex point) for every participant. */
  verifyingShares: Record<string, string>;
}

/** The public part both parties hold identically. */
export type FrostPublicPackage = Omit<FrostKeyShare, 'role' | 'signingShare'>;

export const CLIENT_IDENTIFIER_NUMBER = 1;
export const SERVER_IDENTIFIER_NUMBER = 2;

export function frostIdentifier(group: FrostGroup, n: number): string {
  return groupInfo(group).frost.Identifier.fromNumber(n);
}

export function defaultIdentifiers(group: FrostGroup): FrostIdentifiers {
  return {
    client: frostIdentifier(group, CLIENT_IDENTIFIER_NUMBER),
    server: frostIdentifier(group, SERVER_IDENTIFIER_NUMBER),
  };
}

export function identifierScalar(group: FrostGroup, identifier: string): bigint {
  return groupInfo(group).Fn.fromBytes(fromHex(identifier, 'identifier', groupInfo(group).scalarBytes));
}

/**
 * Σ_j C_j · id^j: the public value of the shared polynomial at `id` (RFC 9591 Appendix C.2).
 * Commitments and identifiers are public, so variable-time multiplication is safe here.
 */
export function evaluateCommitments(group: FrostGroup, commitments: GroupPoint[], id: bigint): GroupPoint {
  const { Fn, zero } = groupInfo(group);
  let acc = zero;
  let power = Fn.ONE;
  for (const c of commitments) {
    // Identifiers are small (client 1, server 2): skip the general multiplication for 1 and 2.
    const term = Fn.is0(power) ? zero : power === 1n ? c : power === 2n ? c.add(c) : c.multiplyUnsafe(power);
    acc = acc.add(term);
    power = Fn.mul(power, id);
  }
  return acc;
}

export function groupPublicKey(share: FrostPublicPackage): string {
  return share.commitments[0] as string;
}

function fail(argument: string, expected: string, got?: string): never {
  throw new InvalidArgumentError(argument, expected, got);
}

/**
 * Checks a stored share completely before any use: encodings, the threshold shape, that every
 * verifying share matches the commitments, and that our signing share matches our verifying share.
 *
 * Every point must also be in the prime-order subgroup. On ed25519 that test is a full scalar
 * multiplication per point, so we first run all checks without it and then prove membership with
 * one test instead of one per point (see `subgroupImplied`); if that proof does not apply, or any
 * check fails, the complete per-point validation runs and decides (same result, same error).
 */
export function assertValidKeyShare(
  share: FrostKeyShare,
  argument = 'keyShare',
  options: KeyShareCheckOptions = {},
): void {
  let proven = false;
  try {
    proven = checkKeyShare(share, argument, false, options);
  } catch {
    proven = false;
  }
  if (!proven) checkKeyShare(share, argument, true, options);
}

export interface KeyShareCheckOptions {
  /**
   * Fresh secret random bytes (signing passes its nonce randomness). With them, the check
   * s·G = Y_own runs on our blinded constant-time base multiplication (ed25519-base.ts,
   * secp256k1-base.ts; blind from this seed); without, on noble's `multiply`, which blinds with
   * its own randomness.
   */
  blindSeed?: Uint8Array;
}

/**
 * Why one subgroup test suffices for a 2-of-n package that passed every other check (cofactor h = 8,
 * torsion components t(·) in the cyclic group E[8]): our verifying share equals s·G, so
 * t(Y_own) = 0; every Y_i = C_0 + id_i·C_1, so t(Y_peer) − t(Y_own) = (id_peer − id_own)·t(C_1).
 * If t(Y_peer) = 0 (tested) and id_peer − id_own is odd (invertible mod 8), then t(C_1) = 0, then
 * t(C_0) = −id_own·t(C_1) = 0, and every other Y_i = C_0 + id_i·C_1 is torsion-free too.
 */
function subgroupImplied(share: FrostKeyShare, peerShare: GroupPoint): boolean {
  if (share.group !== 'ed25519') return true; // cofactor 1: every curve point is in the group.
  const own = identifierScalar(share.group, share.identifiers[share.role]);
  const peerRole = share.role === 'client' ? 'server' : 'client';
  const peer = identifierScalar(share.group, share.identifiers[peerRole]);
  if (((own - peer) & 1n) === 0n) return false;
  // The stored encoding equals the computed point's (checked by the caller), so its y is affine y.
  const encoded = fromHex(share.verifyingShares[share.identifiers[peerRole]] as string);
  encoded[31] = (encoded[31] as number) & 0x7f;
  return peerShare.is0() ? false : isInPrimeSubgroupEd25519(bytesToNumberLE(encoded));
}

/** The complete check; with `eachInSubgroup` false it skips per-point subgroup tests and returns whether they are implied. */
function checkKeyShare(
  share: FrostKeyShare,
  argument: string,
  eachInSubgroup: boolean,
  options: KeyShareCheckOptions,
): boolean {
  const opts = { subgroupCheck: eachInSubgroup };
  if (typeof share !== 'object' || share === null) fail(argument, 'a FrostKeyShare object', typeof share);
  if (!isFrostGroup(share.group)) fail(`${argument}.group`, "'ed25519' or 'secp256k1'", String(share.group));
  if (share.role !== 'client' && share.role !== 'server')
    fail(`${argument}.role`, "'client' or 'server'", String(share.role));
  const info = groupInfo(share.group);
  const { signers } = share;
  if (
    !signers ||
    !Number.isSafeInteger(signers.min) ||
    !Number.isSafeInteger(signers.max) ||
    signers.min !== 2 ||
    signers.max < 2
  )
    fail(`${argument}.signers`, 'min = 2 (two-party signing) and max ≥ 2');
  const ids = share.identifiers;
  if (!ids || !isHex(ids.client, info.scalarBytes) || !isHex(ids.server, info.scalarBytes) || ids.client === ids.server)
    fail(`${argument}.identifiers`, 'two distinct canonical identifiers');
  for (const id of [ids.client, ids.server]) {
    const n = decodeScalar(share.group, fromHex(id));
    if (n === undefined || toHex(info.Fn.toBytes(n)) !== id) fail(`${argument}.identifiers`, 'canonical identifiers');
  }
  if (!Array.isArray(share.commitments) || share.commitments.length !== signers.min)
    fail(`${argument}.commitments`, `${signers.min} commitments`);
  const commitments = share.commitments.map((c, i) => {
    const p = isHex(c, info.pointBytes) ? decodePoint(share.group, fromHex(c), opts) : undefined;
    if (!p) fail(`${argument}.commitments[${i}]`, `a valid ${share.group} point`);
    return p;
  });
  if (typeof share.verifyingShares !== 'object' || share.verifyingShares === null)
    fail(`${argument}.verifyingShares`, 'an object');
  const vsKeys = Object.keys(share.verifyingShares);
  if (vsKeys.length !== signers.max)
    fail(`${argument}.verifyingShares`, `${signers.max} entries`, String(vsKeys.length));
  for (const id of [ids.client, ids.server]) {
    if (!(id in share.verifyingShares)) fail(`${argument}.verifyingShares`, `an entry for identifier ${id}`);
  }
  const points = new Map<string, GroupPoint>();
  for (const id of vsKeys)
    points.set(id, evaluateCommitments(share.group, commitments, identifierScalar(share.group, id)));
  const encodings = info.encodeMany([...points.values()]);
  for (const [i, id] of vsKeys.entries()) {
    const hex = share.verifyingShares[id] as string;
    const expected = points.get(id) as GroupPoint;
    // Fast path: the stored share is the canonical encoding of the expected non-identity point, so
    // decoding it would give exactly `expected` (on the curve, and in the subgroup whenever the
    // commitments are). Otherwise decode it to report the precise failure.
    if (!expected.is0() && hex === toHex(encodings[i] as Uint8Array)) continue;
    const p = isHex(hex, info.pointBytes) ? decodePoint(share.group, fromHex(hex), opts) : undefined;
    if (!p) fail(`${argument}.verifyingShares[${id}]`, `a valid ${share.group} point`);
    if (!p.equals(expected))
      fail(`${argument}.verifyingShares[${id}]`, 'a verifying share consistent with commitments');
  }
  const secret = isHex(share.signingShare, info.scalarBytes)
    ? decodeScalar(share.group, fromHex(share.signingShare))
    : undefined;
  if (secret === undefined) fail(`${argument}.signingShare`, 'a canonical non-zero scalar');
  const own = points.get(ids[share.role]) as GroupPoint;
  const secretTimesBase = !options.blindSeed
    ? info.base.multiply(secret)
    : share.group === 'ed25519'
      ? (baseMultiplySecret(secret, blindFromSeed('signing-share', options.blindSeed)) as unknown as GroupPoint)
      : (baseMultiplySecretK1(
          secret,
          blindFromSeed('secp256k1-signing-share', options.blindSeed),
        ) as unknown as GroupPoint);
  if (!secretTimesBase.equals(own))
    fail(`${argument}.signingShare`, `the secret matching the ${share.role}'s verifying share`);
  return (
    eachInSubgroup ||
    subgroupImplied(share, points.get(ids[share.role === 'client' ? 'server' : 'client']) as GroupPoint)
  );
}

export function publicPackage(share: FrostKeyShare | FrostPublicPackage): FrostPublicPackage {
  return {
    group: share.group,
    identifiers: { client: share.identifiers.client, server: share.identifiers.server },
    signers: { min: share.signers.min, max: share.signers.max },
    commitments: [...share.commitments],
    verifyingShares: { ...share.verifyingShares },
  };
}

/** Binds a session to the exact public package (the "DKG transcript" of DESIGN.md §3). */
export function publicPackageDigest(pkg: FrostPublicPackage): Uint8Array {
  const ids = Object.keys(pkg.verifyingShares).sort();
  return taggedHash(
    'tandem/frost/v1/public-package',
    pkg.group,
    pkg.signers.min,
    pkg.signers.max,
    fromHex(pkg.identifiers.client),
    fromHex(pkg.identifiers.server),
    pkg.commitments.length,
    ...pkg.commitments.map((c) => fromHex(c)),
    ids.length,
    ...ids.flatMap((id) => [fromHex(id), fromHex(pkg.verifyingShares[id] as string)]),
  );
}

/** noble's public package shape (bytes). */
export function toNoblePublic(pkg: FrostPublicPackage) {
  return {
    signers: { min: pkg.signers.min, max: pkg.signers.max },
    commitments: pkg.commitments.map((c) => fromHex(c)),
    verifyingShares: Object.fromEntries(Object.entries(pkg.verifyingShares).map(([k, v]) => [k, fromHex(v)])),
  };
}

export function toNobleSecret(share: FrostKeyShare) {
  return { identifier: share.identifiers[share.role], signingShare: fromHex(share.signingShare) };
}

export function fromNobleKey(
  group: FrostGroup,
  role: PartyRole,
  identifiers: FrostIdentifiers,
  key: {
    public: {
      signers: { min: number; max: number };
      commitments: Uint8Array[];
      verifyingShares: Record<string, Uint8Array>;
    };
    secret: { signingShare: Uint8Array };
  },
): FrostKeyShare {
  return {
    group,
    role,
    identifiers: { ...identifiers },
    signers: { min: key.public.signers.min, max: key.public.signers.max },
    signingShare: toHex(key.secret.signingShare),
    commitments: key.public.commitments.map((c) => toHex(c)),
    verifyingShares: Object.fromEntries(Object.entries(key.public.verifyingShares).map(([k, v]) => [k, toHex(v)])),
  };
}
