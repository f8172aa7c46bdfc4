/**
 * RFC 9591 signing arithmetic for exactly two signers, on noble's curve primitives.
 *
 * Why not noble's `signShare`/`verifyShare`/`aggregate`: they re-decode every point of the public
 * package and of the commitment list on every call and run the full prime-order-subgroup check on
 * each (twice per point for ed25519), which made 2-of-2 signing ~15× slower than our target. Here
 * each peer point is decoded and validated once (wire.ts), and decoded points are reused.
 *
 * Ciphersuites (RFC 9591 §6), matched to noble 2.4.0's `createFROST` instances byte for byte
 * (tests: RFC 9591 Appendix E vectors, and a differential property test against noble):
 *   ed25519   FROST(Ed25519, SHA-512) §6.1, context "FROST-ED25519-SHA512-v1";
 *             H1/H3 = SHA-512(ctx‖tag‖m) mod L, H2 = SHA-512(m) mod L (RFC 8032), H4/H5 = SHA-512(ctx‖tag‖m).
 *   secp256k1 FROST(secp256k1, SHA-256) §6.5, context "FROST-secp256k1-SHA256-v1";
 *             H1/H2/H3 = hash_to_field(expand_message_xmd SHA-256, DST = ctx‖tag), H4/H5 = SHA-256(ctx‖tag‖m).
 *   bip340    noble's "FROST-secp256k1-SHA256-TR-v1": the secp256k1 hashes under that context, but
 *             H2 = BIP340 challenge (tagged "BIP0340/challenge" over x(R)‖x(Y)‖m), and even-Y
 *             normalisation: if Y has odd y the whole key package is negated (secret share and
 *             verifying shares too); if the group commitment R has odd y every signer negates its
 *             nonces (and a verifier negates the commitment share). The signature is x(R)‖z.
 *
 * Constant time: secrets (the nonces in commit, our d + ρ·e in the group commitment) go only
 * through our blinded constant-time base multiplications (ed25519-base.ts, secp256k1-base.ts); the variable-time paths (`mulPublic`, on ed25519 our own
 * ed25519-vartime.ts; `multiplyUnsafe`; the MSMs of the §5.4 check and of the final verification)
 * see public points and public scalars only. Nothing secret is precomputed. Scalar arithmetic on
 * secrets is bigint arithmetic, as inside noble's own FROST.
 */
import { mulAddUnsafe } from '@noble/curves/abstract/curve.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1, secp256k1_hasher } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, bytesToNumberLE } from '@noble/curves/utils.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '../bytes.js';
import {
  baseMultiplyPublicK1,
  baseMultiplySecretK1,
  decodeCompressedK1,
  msmPublicK1,
} from '../curves/secp256k1-base.js';
import { wnaf } from '../curves/wnaf.js';
import { baseMultiplyPublic, baseMultiplySecret, blindFromSeed } from './ed25519-base.js';
import { decodePublic, encodeMany, msmPublic, multiplyPublic } from './ed25519-vartime.js';
import { type FrostScheme, schemeInfo } from './suites.js';

/** The point surface this module needs (both noble Point classes have it). */
interface CurvePoint<P> {
  add(other: P): P;
  negate(): P;
  equals(other: P): boolean;
  multiply(scalar: bigint): P;
  multiplyUnsafe(scalar: bigint): P;
  toBytes(): Uint8Array;
}

interface ScalarField {
  ORDER: bigint;
  BYTES: number;
  create(n: bigint): bigint;
  add(a: bigint, b: bigint): bigint;
  sub(a: bigint, b: bigint): bigint;
  mul(a: bigint, b: bigint): bigint;
  div(a: bigint, b: bigint): bigint;
  neg(a: bigint): bigint;
  is0(a: bigint): boolean;
  toBytes(a: bigint): Uint8Array;
  fromBytes(b: Uint8Array): bigint;
}

interface Suite<P extends CurvePoint<P>> {
  scheme: FrostScheme;
  base: P;
  zero: P;
  Fn: ScalarField;
  /** Decodes an encoding we produced ourselves or already validated (no subgroup check here). */
  decode(bytes: Uint8Array): P;
  msm(points: P[], scalars: bigint[]): P;
  /** k·p for a public point and a public scalar (variable time). */
  mulPublic(p: P, k: bigint): P;
  /**
   * k·G for a single-use secret k (a nonce, or d + ρ·e), constant-time and blinded; `seed` is fresh
   * secret input k was derived from, which the blinding factor is derived from (ed25519-base.ts,
   * secp256k1-base.ts).
   */
  baseSecret(k: bigint, seed: Uint8Array): P;
  /** SerializeElement of several points (ed25519: one shared field inversion). */
  encodeMany(points: P[]): Uint8Array[];
  H1(m: Uint8Array): bigint;
  /** Challenge from the encodings SerializeElement(R), SerializeElement(Y) (no re-encoding of points). */
  H2(R: Uint8Array, Y: Uint8Array, m: Uint8Array): bigint;
  H3(m: Uint8Array): bigint;
  H4(m: Uint8Array): Uint8Array;
  H5(m: Uint8Array): Uint8Array;
  /**
   * BIP340 suite: normalise Y and R to even y (see header). The parity is read from the compressed
   * encoding's prefix (0x02 even, 0x03 odd), so the group key need not be decoded.
   */
  evenY: boolean;
  /** Signature from the encoded group commitment and the aggregate response. */
  encodeSignature(R: Uint8Array, z: bigint): Uint8Array;
}

type EdPoint = InstanceType<typeof ed25519.Point>;
type K1Point = InstanceType<typeof secp256k1.Point>;

const ED_CONTEXT = 'FROST-ED25519-SHA512-v1';
const edTag = (tag: string) => utf8ToBytes(ED_CONTEXT + tag);
const ED_RHO = edTag('rho');
const ED_NONCE = edTag('nonce');
const ED_MSG = edTag('msg');
const ED_COM = edTag('com');
/** Separates the blind of (d + ρ·e)·G from the nonce commitments' blinds (ed25519-base.ts). */
const COMMITMENT_SHARE_BLIND = utf8ToBytes('commitment-share');
const EdFn = ed25519.Point.Fn as unknown as ScalarField;
/** RFC 9591 §6.1: SHA-512 output read little-endian and reduced mod L. */
const edHashToScalar = (...parts: Uint8Array[]) => EdFn.create(bytesToNumberLE(sha512(concatBytes(...parts))));

const ED25519_SUITE: Suite<EdPoint> = {
  scheme: 'ed25519',
  base: ed25519.Point.BASE,
  zero: ed25519.Point.ZERO,
  Fn: EdFn,
  decode: decodePublic,
  msm: (points, scalars) => mulAddUnsafe(ed25519.Point, points, scalars),
  mulPublic: multiplyPublic,
  // Blinding factor b for n = k + b·L (ed25519-base.ts) from the nonce's own fresh input.
  baseSecret: (k, seed) => baseMultiplySecret(k, blindFromSeed('nonce', seed)),
  encodeMany,
  H1: (m) => edHashToScalar(ED_RHO, m),
  // RFC 9591 §6.1 H2 has no context string, so the challenge is RFC 8032's.
  H2: (R, Y, m) => edHashToScalar(R, Y, m),
  H3: (m) => edHashToScalar(ED_NONCE, m),
  H4: (m) => sha512(concatBytes(ED_MSG, m)),
  H5: (m) => sha512(concatBytes(ED_COM, m)),
  evenY: false,
  encodeSignature: (R, z) => concatBytes(R, EdFn.toBytes(z)),
};

const K1Fn = secp256k1.Point.Fn as unknown as ScalarField;
const EVEN_PREFIX = Uint8Array.of(0x02);

function k1Tags(context: string) {
  const t = (tag: string) => utf8ToBytes(context + tag);
  return { rho: t('rho'), chal: t('chal'), nonce: t('nonce'), msg: t('msg'), com: t('com') };
}
/** RFC 9591 §6.5: hash_to_field(m, 1) with expand_message_xmd(SHA-256), DST = context ‖ tag. */
const k1HashToScalar = (DST: Uint8Array, m: Uint8Array) => secp256k1_hasher.hashToScalar(m, { DST });
function bip340Challenge(R: Uint8Array, Y: Uint8Array, m: Uint8Array): bigint {
  const tag = sha256(utf8ToBytes('BIP0340/challenge'));
  // x-only encodings: the compressed encoding minus its parity byte.
  const digest = sha256(concatBytes(tag, tag, R.subarray(1), Y.subarray(1), m));
  return K1Fn.create(bytesToNumberBE(digest));
}

function k1Suite(scheme: 'secp256k1' | 'bip340'): Suite<K1Point> {
  const tags = k1Tags(scheme === 'bip340' ? 'FROST-secp256k1-SHA256-TR-v1' : 'FROST-secp256k1-SHA256-v1');
  return {
    scheme,
    base: secp256k1.Point.BASE,
    zero: secp256k1.Point.ZERO,
    Fn: K1Fn,
    decode: decodeCompressedK1,
    msm: (points, scalars) => mulAddUnsafe(secp256k1.Point, points, scalars),
    mulPublic: (p, k) => msmPublicK1([p], [k], wnaf),
    baseSecret: (k, seed) => baseMultiplySecretK1(k, blindFromSeed('secp256k1-nonce', seed)),
    encodeMany: (points) => points.map((p) => p.toBytes()),
    H1: (m) => k1HashToScalar(tags.rho, m),
    H2: scheme === 'bip340' ? bip340Challenge : (R, Y, m) => k1HashToScalar(tags.chal, concatBytes(R, Y, m)),
    H3: (m) => k1HashToScalar(tags.nonce, m),
    H4: (m) => sha256(concatBytes(tags.msg, m)),
    H5: (m) => sha256(concatBytes(tags.com, m)),
    evenY: scheme === 'bip340',
    // bip340: x(R) ‖ z (the parity byte of the compressed R is dropped, as in noble's adjustTx).
    encodeSignature: (R, z) => concatBytes(scheme === 'bip340' ? R.subarray(1) : R, K1Fn.toBytes(z)),
  };
}

const SUITES = { ed25519: ED25519_SUITE, secp256k1: k1Suite('secp256k1'), bip340: k1Suite('bip340') };

// biome-ignore lint/suspicious/noExplicitAny: the two curves' point classes share only CurvePoint.
type AnyPoint = CurvePoint<any>;

function suite(scheme: FrostScheme): Suite<AnyPoint> {
  return SUITES[scheme] as unknown as Suite<AnyPoint>;
}

/** A signer's RFC 9591 SigningCommitments with its points already decoded. */
export interface DecodedCommitments {
  identifier: Uint8Array;
  hiding: Uint8Array;
  binding: Uint8Array;
  hidingPoint: AnyPoint;
  bindingPoint: AnyPoint;
}

/**
 * Our own commitments when we hold their nonces: our commitment share D + ρ·E is then computed as
 * (d + ρ·e)·G with the blinded constant-time base multiplication (`Suite.baseSecret`), which is
 * cheaper than decoding D and E and multiplying E by ρ (measured on both curves).
 */
export interface OwnCommitments {
  identifier: Uint8Array;
  hiding: Uint8Array;
  binding: Uint8Array;
  hidingNonce: bigint;
  bindingNonce: bigint;
}

function isOwn(c: DecodedCommitments | OwnCommitments): c is OwnCommitments {
  return 'hidingNonce' in c;
}

export interface NonceCommitment {
  hidingNonce: bigint;
  bindingNonce: bigint;
  hiding: Uint8Array;
  binding: Uint8Array;
}

/**
 * RFC 9591 §4.1 nonce_generate and §5.1 commit: nonce = H3(random_bytes(32) ‖ SerializeScalar(sk_i)),
 * hiding first, then binding, each from 32 fresh random bytes. The commitments are nonce·G
 * (constant-time and blinded: the nonces are secret; `Suite.baseSecret`).
 */
export function commitNonces(
  scheme: FrostScheme,
  signingShare: Uint8Array,
  randomness: readonly [hiding: Uint8Array, binding: Uint8Array],
): NonceCommitment {
  const s = suite(scheme);
  const hidingSeed = concatBytes(randomness[0], signingShare);
  const bindingSeed = concatBytes(randomness[1], signingShare);
  const hidingNonce = s.H3(hidingSeed);
  const bindingNonce = s.H3(bindingSeed);
  const [hiding, binding] = s.encodeMany([
    s.baseSecret(hidingNonce, hidingSeed),
    s.baseSecret(bindingNonce, bindingSeed),
  ]);
  const out = { hidingNonce, bindingNonce, hiding: hiding as Uint8Array, binding: binding as Uint8Array };
  hidingSeed.fill(0);
  bindingSeed.fill(0);
  return out;
}

/** Everything both signers derive from the public inputs of one session (RFC 9591 §4.3–§4.6). */
export interface SigningContext {
  scheme: FrostScheme;
  /** SerializeElement of the group public key after even-Y normalisation (bip340). */
  groupKeyBytes: Uint8Array;
  /** bip340: the package was negated because Y had odd y. */
  negatedKey: boolean;
  /** Group commitment R (as computed, before any parity adjustment) and its encoding. */
  groupCommitment: AnyPoint;
  groupCommitmentBytes: Uint8Array;
  /** bip340: R had odd y, so nonces and commitment shares are negated. */
  negatedNonces: boolean;
  challenge: bigint;
  bindingFactors: [bigint, bigint];
  lambdas: [bigint, bigint];
}

/**
 * Binding factors (§4.4 compute_binding_factors over the §4.3 encoded, identifier-sorted commitment
 * list), group commitment (§4.5), challenge (§4.6) and the two Lagrange coefficients (§4.2; with two
 * signers λ_i = x_j / (x_j − x_i)). Index 0 and 1 of the result follow the order of `signers`.
 */
export function signingContext(
  scheme: FrostScheme,
  groupPublicKey: Uint8Array,
  signers: readonly [DecodedCommitments | OwnCommitments, DecodedCommitments | OwnCommitments],
  message: Uint8Array,
): SigningContext {
  const s = suite(scheme);
  const { Fn } = s;
  // The stored key is a validated canonical encoding; negating a compressed secp256k1 point flips
  // its prefix 0x03 → 0x02 (same x), so no decoding is needed for the normalisation either.
  const groupKeyBytes = Uint8Array.from(groupPublicKey);
  const negatedKey = s.evenY && groupKeyBytes[0] === 0x03;
  if (negatedKey) groupKeyBytes[0] = 0x02;
  const ids = signers.map((c) => Fn.fromBytes(c.identifier)) as [bigint, bigint];
  if (ids[0] === ids[1]) throw new Error('two distinct signer identifiers expected');
  const order = ids[0] < ids[1] ? [0, 1] : [1, 0];
  const encoded = concatBytes(
    ...order.flatMap((i) => {
      const c = signers[i] as DecodedCommitments | OwnCommitments;
      return [Fn.toBytes(ids[i] as bigint), c.hiding, c.binding];
    }),
  );
  const rhoPrefix = concatBytes(groupKeyBytes, s.H4(message), s.H5(encoded));
  const bindingFactors = ids.map((id) => s.H1(concatBytes(rhoPrefix, Fn.toBytes(id)))) as [bigint, bigint];
  // R = Σ D_i + ρ_i·E_i. Public points times public ρ_i: variable time; our own share from the
  // secret nonces: (d + ρ·e)·G, blinded constant time, the blind derived from the (single-use)
  // nonces themselves under its own label.
  const share = (c: DecodedCommitments | OwnCommitments, rho: bigint): AnyPoint =>
    isOwn(c)
      ? s.baseSecret(
          Fn.add(c.hidingNonce, Fn.mul(c.bindingNonce, rho)),
          concatBytes(COMMITMENT_SHARE_BLIND, Fn.toBytes(c.hidingNonce), Fn.toBytes(c.bindingNonce)),
        )
      : c.hidingPoint.add(s.mulPublic(c.bindingPoint, rho));
  const groupCommitment = share(signers[0], bindingFactors[0]).add(share(signers[1], bindingFactors[1]));
  if (groupCommitment.equals(s.zero)) throw new Error('group commitment is the identity');
  const groupCommitmentBytes = s.encodeMany([groupCommitment])[0] as Uint8Array;
  const negatedNonces = s.evenY && groupCommitmentBytes[0] === 0x03;
  const challenge = s.H2(groupCommitmentBytes, groupKeyBytes, message);
  // λ_0 = x_1 / (x_1 − x_0) and λ_1 = x_0 / (x_0 − x_1) = −x_0 / (x_1 − x_0): one shared inverse,
  // and none for the default identifiers 1 and 2, whose difference is ±1.
  const diff = Fn.sub(ids[1], ids[0]);
  const invDiff = diff === 1n ? 1n : diff === Fn.ORDER - 1n ? diff : Fn.div(1n, diff);
  const lambdas: [bigint, bigint] = [Fn.mul(ids[1], invDiff), Fn.neg(Fn.mul(ids[0], invDiff))];
  return {
    scheme,
    groupKeyBytes,
    negatedKey,
    groupCommitment,
    groupCommitmentBytes,
    negatedNonces,
    challenge,
    bindingFactors,
    lambdas,
  };
}

/**
 * RFC 9591 §5.2 sign: z_i = d_i + e_i·ρ_i + λ_i·s_i·c for the signer at `index` of the context
 * (bip340: s_i negated with the key, d_i and e_i negated with R).
 */
export function signatureShare(
  ctx: SigningContext,
  index: 0 | 1,
  signingShare: bigint,
  hidingNonce: bigint,
  bindingNonce: bigint,
): bigint {
  const { Fn } = suite(ctx.scheme);
  const sk = ctx.negatedKey ? Fn.neg(signingShare) : signingShare;
  const d = ctx.negatedNonces ? Fn.neg(hidingNonce) : hidingNonce;
  const e = ctx.negatedNonces ? Fn.neg(bindingNonce) : bindingNonce;
  const rho = ctx.bindingFactors[index];
  const lambda = ctx.lambdas[index];
  return Fn.add(Fn.add(d, Fn.mul(e, rho)), Fn.mul(Fn.mul(lambda, sk), ctx.challenge));
}

/**
 * RFC 9591 §5.4 verify_signature_share: z_i·G == (D_i + ρ_i·E_i) + (c·λ_i)·Y_i, with the bip340
 * parity adjustments (Y_i negated with the key, the commitment share negated with R). All public.
 */
export function verifySignatureShare(
  ctx: SigningContext,
  index: 0 | 1,
  signer: DecodedCommitments,
  verifyingShare: Uint8Array,
  share: bigint,
): boolean {
  const s = suite(ctx.scheme);
  let Y = s.decode(verifyingShare);
  if (ctx.negatedKey) Y = Y.negate();
  let D = signer.hidingPoint;
  let E = signer.bindingPoint;
  // -(D + ρ·E) = (-D) + ρ·(-E)
  if (ctx.negatedNonces) {
    D = D.negate();
    E = E.negate();
  }
  const expected = D.add(s.msm([E, Y], [ctx.bindingFactors[index], s.Fn.mul(ctx.challenge, ctx.lambdas[index])]));
  return s.base.multiplyUnsafe(share).equals(expected);
}

/**
 * Scalars (c0, c1) with c0 ≡ c1·c (mod n) and |c0|, |c1| ≤ 2^⌈bits(n)/2⌉, c1 ≠ 0: the extended
 * Euclidean algorithm on (n, c) stopped half-way keeps r_i ≡ t_i·c (mod n) and |t_i| ≤ n / r_(i−1)
 * (Pornin, "Optimized lattice basis reduction in dimension 2, and fast Schnorr and EdDSA signature
 * verification", ePrint 2020/454, §1 — here with plain Euclid, which gives the same size bound).
 */
export function halfSizeMultiple(c: bigint, n: bigint): [c0: bigint, c1: bigint] {
  const bound = 1n << BigInt((n.toString(2).length + 1) >> 1);
  let [r0, r1, t0, t1] = [n, c, 0n, 1n];
  while (r1 >= bound) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return [r1, t1];
}

/**
 * RFC 8032 §5.1.7 verification of an ed25519 signature R ‖ z that WE aggregated, under the group key
 * A, in the strict cofactorless form z·B = R + c·A with c = SHA-512(R ‖ A ‖ m) mod L — stricter than
 * noble's `verify`, which checks the cofactored equation 8·(z·B − R − c·A) = O.
 *
 * Precondition (why this is sound): A and R are in the prime-order subgroup and canonically encoded.
 * A is the group key of the stored package, proven torsion-free by `assertValidKeyShare` at start;
 * R is the group commitment we computed in round 1 from our own nonces and the peer's commitments,
 * each checked to be in the subgroup on receipt; both reach this step only through our own state
 * (which, like the nonces in it, must be trusted anyway). z < L holds by construction and is
 * re-checked. Then, with (c0, c1) from `halfSizeMultiple` (c0 ≡ c1·c mod L, both ≈ 127 bits, c1 ≢ 0),
 *   c1·(z·B − R − c·A) = (c1·z mod L)·B − c1·R − c0·A,
 * and since z·B − R − c·A lies in the prime-order subgroup and c1 is invertible mod L, the left side
 * is O exactly when the signature equation holds. The right side needs only 127-bit multipliers for
 * the two variable points (one shared chain of ~127 doublings instead of ~253) and one base-point
 * multiplication from a precomputed table (ed25519-base.ts). Public data only: variable time.
 */
function verifyOwnEd25519(groupPublicKey: Uint8Array, signature: Uint8Array, message: Uint8Array): boolean {
  if (groupPublicKey.length !== 32 || signature.length !== 64) return false;
  const Rbytes = signature.subarray(0, 32);
  const z = bytesToNumberLE(signature.subarray(32));
  if (z >= EdFn.ORDER) return false;
  let A: EdPoint;
  let R: EdPoint;
  try {
    A = decodePublic(groupPublicKey);
    R = decodePublic(Rbytes);
  } catch {
    return false; // not a canonical curve point
  }
  // Strict decoding (not ZIP-215) accepts canonical encodings only, so these bytes are SerializeElement(R), (A).
  const c = edHashToScalar(Rbytes, groupPublicKey, message);
  const [c0, c1] = halfSizeMultiple(c, EdFn.ORDER);
  const left = baseMultiplyPublic(EdFn.create(c1 * z));
  const right = msmPublic([c1 < 0n ? R.negate() : R, A], [c1 < 0n ? -c1 : c1, c0]);
  return left.equals(right);
}

/**
 * BIP340 verification of a signature r ‖ z under the x-only key of `groupPublicKey`, equivalent to
 * BIP340's Verify (noble's `schnorr.verify`, which also rejects z = 0): with P = lift_x(x(Y)) and
 * R = lift_x(r) (even y), e = H_BIP0340/challenge(r ‖ x(P) ‖ m) mod n, BIP340 accepts iff
 * R' = z·G − e·P is not infinity, has even y and x(R') = r, i.e. iff R' = R, i.e. iff z·G = R + e·P.
 * That is checked with half-size multipliers as for ed25519 ((c1·z mod n)·G = c1·R + c0·P with
 * c0 ≡ c1·e), sound because secp256k1 has prime order and c1 ≢ 0 (mod n). Public data only.
 */
function verifyOwnBip340(groupPublicKey: Uint8Array, signature: Uint8Array, message: Uint8Array): boolean {
  if (groupPublicKey.length !== 33 || signature.length !== 64) return false;
  const z = bytesToNumberBE(signature.subarray(32));
  if (z === 0n || z >= K1Fn.ORDER) return false;
  const Rbytes = concatBytes(EVEN_PREFIX, signature.subarray(0, 32));
  const Pbytes = concatBytes(EVEN_PREFIX, groupPublicKey.subarray(1));
  let R: K1Point;
  let P: K1Point;
  try {
    R = decodeCompressedK1(Rbytes); // lift_x(r): fails if r ≥ p or r is no x-coordinate
    P = decodeCompressedK1(Pbytes);
  } catch {
    return false;
  }
  const e = bip340Challenge(Rbytes, Pbytes, message);
  const [c0, c1] = halfSizeMultiple(e, K1Fn.ORDER);
  const left = baseMultiplyPublicK1(K1Fn.create(c1 * z));
  const right = msmPublicK1([c1 < 0n ? R.negate() : R, P], [c1 < 0n ? -c1 : c1, c0], wnaf);
  return left.equals(right);
}

/**
 * Final check of the signature we aggregated, under the scheme's own rule: ed25519 by the strict
 * cofactorless equation (verifyOwnEd25519, same acceptance as RFC 8032 for our torsion-free R and
 * A), bip340 by BIP340's rule (verifyOwnBip340), plain secp256k1 (RFC vectors only) by noble's
 * `secp256k1_FROST.verify`.
 */
export function verifyAggregateSignature(
  scheme: FrostScheme,
  groupPublicKey: Uint8Array,
  signature: Uint8Array,
  message: Uint8Array,
): boolean {
  const info = schemeInfo(scheme);
  if (signature.length !== info.signatureBytes) return false;
  if (scheme === 'ed25519') return verifyOwnEd25519(groupPublicKey, signature, message);
  if (scheme === 'bip340') return verifyOwnBip340(groupPublicKey, signature, message);
  return info.verify(signature, message, groupPublicKey);
}

/** RFC 9591 §5.3 aggregate: z = Σ z_i, signature = SerializeElement(R) ‖ SerializeScalar(z) (bip340: x(R) ‖ z). */
export function aggregateSignature(scheme: FrostScheme, groupCommitment: Uint8Array, shares: bigint[]): Uint8Array {
  const s = suite(scheme);
  const z = shares.reduce((acc, zi) => s.Fn.add(acc, zi), 0n);
  return s.encodeSignature(groupCommitment, z);
}

export function scalarFromBytes(scheme: FrostScheme, bytes: Uint8Array): bigint {
  return suite(scheme).Fn.fromBytes(bytes);
}

export function scalarToBytes(scheme: FrostScheme, scalar: bigint): Uint8Array {
  return suite(scheme).Fn.toBytes(scalar);
}

/** Decodes a point encoding from our own state (ours as produced, the peer's validated on receipt). */
export function decodeStoredPoint(scheme: FrostScheme, bytes: Uint8Array): AnyPoint {
  return suite(scheme).decode(bytes);
}
