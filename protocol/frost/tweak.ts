/**
 * Additive tweaks on FROST key shares, and the Bitcoin tweaks built on them (mpc-design §2.1.4,
 * Appendix A.2; noble has no public tweak API).
 *
 * Adding t to the shared secret: every signing share s_i += t (Lagrange coefficients of any signing
 * set sum to 1, so Σ λ_i (s_i + t) = x + t), commitments[0] += t·G, every verifying share += t·G.
 * Both parties apply the same public t, so both hold consistent packages for the child key.
 *
 *  - BIP32 non-hardened CKDpub on the group key: I = HMAC-SHA512(chain, ser_P(K) ‖ ser32(i)),
 *    t += IL, K' = K + IL·G, chain' = IR (BIP32 "Public parent key → public child key").
 *  - BIP86/BIP341 TapTweak: if P has odd y, negate the whole package (so the internal key is the
 *    even-y lift of x(P)), then add t' = H_TapTweak(x(P)) (empty merkle root, BIP86 key-path only).
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, fromHex, toHex, u32be, utf8ToBytes } from '../bytes.js';
import { InvalidArgumentError } from '../errors.js';
import { assertValidKeyShare, type FrostKeyShare, identifierScalar } from './key-share.js';
import { groupInfo } from './suites.js';

const Fn = secp256k1.Point.Fn;

function cloneShare(share: FrostKeyShare): FrostKeyShare {
  return JSON.parse(JSON.stringify(share)) as FrostKeyShare;
}
const HARDENED = 0x80000000;

/** Adds the public scalar `tweak` to the shared key (same algebra as noble's internal frostTweak*). */
export function applyAdditiveTweak(share: FrostKeyShare, tweak: bigint): FrostKeyShare {
  assertValidKeyShare(share);
  const info = groupInfo(share.group);
  if (!info.Fn.isValid(tweak)) throw new InvalidArgumentError('tweak', 'a scalar below the group order');
  if (info.Fn.is0(tweak)) return cloneShare(share);
  const tG = info.base.multiply(tweak);
  const add = (hex: string) => toHex(info.fromBytes(fromHex(hex)).add(tG).toBytes());
  const newSecret = info.Fn.add(info.Fn.fromBytes(fromHex(share.signingShare)), tweak);
  if (info.Fn.is0(newSecret)) throw new InvalidArgumentError('tweak', 'a tweak that leaves a non-zero share');
  return {
    ...cloneShare(share),
    signingShare: toHex(info.Fn.toBytes(newSecret)),
    commitments: share.commitments.map((c, i) => (i === 0 ? add(c) : c)),
    verifyingShares: Object.fromEntries(Object.entries(share.verifyingShares).map(([k, v]) => [k, add(v)])),
  };
}

/** Multiplies the shared polynomial by −1 (secret, every commitment and verifying share negated). */
export function negateKeyShare(share: FrostKeyShare): FrostKeyShare {
  const info = groupInfo(share.group);
  const neg = (hex: string) => toHex(info.fromBytes(fromHex(hex)).negate().toBytes());
  return {
    ...cloneShare(share),
    signingShare: toHex(info.Fn.toBytes(info.Fn.neg(info.Fn.fromBytes(fromHex(share.signingShare))))),
    commitments: share.commitments.map(neg),
    verifyingShares: Object.fromEntries(Object.entries(share.verifyingShares).map(([k, v]) => [k, neg(v)])),
  };
}

export interface Bip32PublicDerivation {
  /** Σ IL along the path, as a scalar to add to the root. */
  tweak: bigint;
  /** Compressed child public key, hex. */
  publicKey: string;
  chainCode: string;
}

/**
 * Non-hardened BIP32 CKDpub from (K, chain) along `path` (indices < 2^31). If IL ≥ n or the child
 * is the identity, BIP32 says the index is invalid and the wallet moves on to the next one; we throw
 * so the caller skips it (probability below 2^-127).
 */
export function deriveBip32PublicTweak(
  publicKey: Uint8Array,
  chainCode: Uint8Array,
  path: readonly number[],
): Bip32PublicDerivation {
  if (chainCode.length !== 32) throw new InvalidArgumentError('chainCode', '32 bytes', `${chainCode.length} bytes`);
  let K = secp256k1.Point.fromBytes(publicKey);
  let chain = chainCode;
  let tweak = 0n;
  for (const index of path) {
    if (!Number.isSafeInteger(index) || index < 0 || index >= HARDENED)
      throw new InvalidArgumentError(
        'path',
        'non-hardened indices (0 ≤ i < 2^31); hardened needs the full key',
        String(index),
      );
    const I = hmac(sha512, chain, concatBytes(K.toBytes(true), u32be(index)));
    const IL = I.subarray(0, 32);
    let il: bigint;
    try {
      il = Fn.fromBytes(IL);
    } catch {
      throw new InvalidArgumentError('path', 'an index whose IL is below n (skip to the next index)', String(index));
    }
    const child = K.add(secp256k1.Point.BASE.multiply(il));
    if (child.is0()) throw new InvalidArgumentError('path', 'an index whose child is not the identity', String(index));
    K = child;
    chain = I.slice(32);
    tweak = Fn.add(tweak, il);
  }
  return { tweak, publicKey: toHex(K.toBytes(true)), chainCode: toHex(chain) };
}

/** BIP340 tagged hash: SHA256(SHA256(tag) ‖ SHA256(tag) ‖ msg). */
function bip340TaggedHash(tag: string, ...parts: Uint8Array[]): Uint8Array {
  const t = sha256(utf8ToBytes(tag));
  return sha256(concatBytes(t, t, ...parts));
}

/** BIP341 taproot_tweak_pubkey scalar for a key-path-only output (BIP86): int(H_TapTweak(x(P))). */
export function tapTweakScalar(internalXOnly: Uint8Array): bigint {
  if (internalXOnly.length !== 32) throw new InvalidArgumentError('internalXOnly', '32 bytes');
  const t = bip340TaggedHash('TapTweak', internalXOnly);
  // BIP341: "if t >= SECP256K1_ORDER: raise ValueError" (never reduce).
  try {
    return Fn.fromBytes(t);
  } catch {
    throw new InvalidArgumentError('internalXOnly', 'a key whose TapTweak is below n');
  }
}

export interface TaprootKeyShare {
  /** Share of the *output* key Q (commitments[0] = Q); sign with scheme 'bip340'. */
  keyShare: FrostKeyShare;
  /** Compressed internal key P (the BIP32 child) — what export and UniSat use. */
  internalPublicKey: string;
  internalXOnly: string;
  /** x(Q), the witness program of the P2TR output. */
  outputXOnly: string;
  /** Non-hardened path below the root that was applied. */
  path: number[];
}

/**
 * From a `secp256k1` DKG root share (untweaked) and the joint chain code: BIP32 child along `path`,
 * then the BIP86 TapTweak. Both parties call this with their own share and get matching packages.
 */
export function deriveTaprootKeyShare(
  rootShare: FrostKeyShare,
  chainCode: string,
  path: readonly number[],
): TaprootKeyShare {
  assertValidKeyShare(rootShare, 'rootShare');
  if (rootShare.group !== 'secp256k1') throw new InvalidArgumentError('rootShare.group', 'secp256k1', rootShare.group);
  const root = fromHex(rootShare.commitments[0] as string);
  const derivation = deriveBip32PublicTweak(root, fromHex(chainCode, 'chainCode', 32), path);
  let share = applyAdditiveTweak(rootShare, derivation.tweak);
  const internal = secp256k1.Point.fromBytes(fromHex(share.commitments[0] as string));
  // BIP341 taproot_tweak_seckey: "seckey = seckey0 if has_even_y(P) else SECP256K1_ORDER - seckey0".
  if (internal.y % 2n === 1n) share = negateKeyShare(share);
  const internalXOnly = internal.toBytes(true).subarray(1);
  share = applyAdditiveTweak(share, tapTweakScalar(internalXOnly));
  return {
    keyShare: share,
    internalPublicKey: derivation.publicKey,
    internalXOnly: toHex(internalXOnly),
    outputXOnly: (share.commitments[0] as string).slice(2),
    path: [...path],
  };
}

/**
 * Export: the internal private key of the Taproot child from both root shares (x = Σ λ_i s_i + Σ IL).
 * Whoever runs this holds the full key afterwards; the root becomes single-party (mpc-design §3.5).
 */
export function exportTaprootInternalKey(
  clientRootShare: FrostKeyShare,
  serverRootShare: FrostKeyShare,
  chainCode: string,
  path: readonly number[],
): { secretKey: Uint8Array; internalPublicKey: string } {
  assertValidKeyShare(clientRootShare, 'clientRootShare');
  assertValidKeyShare(serverRootShare, 'serverRootShare');
  if (clientRootShare.group !== 'secp256k1' || serverRootShare.group !== 'secp256k1')
    throw new InvalidArgumentError('rootShare.group', 'secp256k1');
  if (clientRootShare.commitments[0] !== serverRootShare.commitments[0])
    throw new InvalidArgumentError('serverRootShare', 'a share of the same root key');
  const root = combineShares([clientRootShare, serverRootShare]);
  const derivation = deriveBip32PublicTweak(
    fromHex(clientRootShare.commitments[0] as string),
    fromHex(chainCode, 'chainCode', 32),
    path,
  );
  const secret = Fn.add(root, derivation.tweak);
  const secretKey = Fn.toBytes(secret);
  if (toHex(secp256k1.getPublicKey(secretKey, true)) !== derivation.publicKey)
    throw new InvalidArgumentError('shares', 'shares that reconstruct the root key');
  return { secretKey, internalPublicKey: derivation.publicKey };
}

/** Lagrange interpolation at 0 of the two parties' shares (RFC 9591 Appendix C.1 in reverse). */
export function combineShares(shares: readonly [FrostKeyShare, FrostKeyShare]): bigint {
  const [a, b] = shares;
  const info = groupInfo(a.group);
  const F = info.Fn;
  const xa = identifierScalar(a.group, a.identifiers[a.role]);
  const xb = identifierScalar(b.group, b.identifiers[b.role]);
  if (xa === xb) throw new InvalidArgumentError('shares', 'shares of two different participants');
  // λ_a = x_b / (x_b − x_a), λ_b = x_a / (x_a − x_b)
  const la = F.div(xb, F.sub(xb, xa));
  const lb = F.div(xa, F.sub(xa, xb));
  return F.add(F.mul(la, F.fromBytes(fromHex(a.signingShare))), F.mul(lb, F.fromBytes(fromHex(b.signingShare))));
}
