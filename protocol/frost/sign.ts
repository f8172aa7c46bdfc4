/**
 * Two-party FROST signing (RFC 9591 §5) as a message-passing state machine; the arithmetic is
 * sign-math.ts (RFC 9591 on noble's curve primitives, checked against the RFC vectors and
 * differentially against noble's FROST):
 *
 *   start(params)                          → round 1 out: nonce commitments (D_i, E_i)   (§5.1 commit)
 *   receive(await-commitments, peer rnd 1) → round 2 out: signature share z_i            (§5.2 sign)
 *   receive(await-share, peer round 2)     → aggregate (§5.3), verify the final signature under
 *                                            the scheme's own rule (ed25519: strict cofactorless
 *                                            RFC 8032 equation, `verifyAggregateSignature`) →
 *                                            output signature; if it fails, check the peer's share
 *                                            (§5.4) to name the cause
 *
 * Both parties run the same three steps and both end with the signature, so each checks the result
 * (no trusted coordinator). Our own share is correct by construction and the key package was checked
 * at start (Σ λ_i·Y_i = Y), so a final signature that verifies implies the peer's share verifies
 * (z_peer = z − z_own); the §5.4 check therefore runs only to attribute a failure, as noble's own
 * `aggregate` does. Nonces live only in the `await-commitments` state: producing a share burns that
 * state (`takeState`), so one state can never produce a second share. The message is what the
 * chain signs: Solana's serialized message, SHA-256 of NEAR's borsh transaction, the 32-byte BIP341
 * sighash (see payloads.ts).
 *
 * Where the RFC 9591 checks happen (each once per step; our own points are never re-checked):
 *   start   the stored package: encodings, shape, Y_i = C_0 + id_i·C_1, s·G = Y_own, and
 *           prime-order-subgroup membership of every point, proven with one subgroup test of the
 *           peer's verifying share (key-share.ts);
 *   round 1 the peer's D and E: canonical, on the curve, not the identity, in the prime-order
 *           subgroup (§3.1 DeserializeElement; wire.ts, ed25519 by point halving), distinct;
 *   round 2 the peer's z: canonical scalar, non-zero, below the order; then the final signature.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, equalBytes, fromHex, toHex } from '../bytes.js';
import { InvalidArgumentError, type PartyRole, ProtocolAbortError, ProtocolStateError } from '../errors.js';
import type { Rng } from '../rng.js';
import { type Envelope, otherParty, type Step } from '../session.js';
import {
  assertValidKeyShare,
  type FrostKeyShare,
  type FrostPublicPackage,
  publicPackage,
  publicPackageDigest,
} from './key-share.js';
import { assertLabel, frostSessionId } from './session-id.js';
import {
  aggregateSignature,
  commitNonces,
  type DecodedCommitments,
  decodeStoredPoint,
  type OwnCommitments,
  type SigningContext,
  scalarFromBytes,
  scalarToBytes,
  signatureShare,
  signingContext,
  verifyAggregateSignature,
  verifySignatureShare,
} from './sign-math.js';
import { takeState } from './state.js';
import { type FrostScheme, isFrostScheme, schemeInfo } from './suites.js';
import {
  assertExactKeys,
  invalid,
  makeEnvelope,
  openEnvelope,
  readIdentifier,
  readPoint,
  readScalar,
  type WireContext,
} from './wire.js';

const PROTOCOL = 'frost/sign' as const;
const MAX_MESSAGE_BYTES = 65_536;

export interface FrostSignParams {
  role: PartyRole;
  scheme: FrostScheme;
  keyShare: FrostKeyShare;
  /** The exact bytes the chain's verifier checks (see payloads.ts). Node 2 computes it itself. */
  message: Uint8Array;
  keyId: string;
  ceremonyId: string;
  /** Derivation path label of the signing key (e.g. "m/44'/501'/0'/0'"), bound into the session id. */
  derivationPath: string;
  rng: Rng;
}

/** Round 1 (both directions): RFC 9591 SigningCommitments. */
export interface SignRound1Payload {
  identifier: string;
  hiding: string;
  binding: string;
}

/** Round 2 (both directions): RFC 9591 SignatureShare. */
export interface SignRound2Payload {
  identifier: string;
  signatureShare: string;
}

export type FrostSignMessage = Envelope<SignRound1Payload> | Envelope<SignRound2Payload>;

interface SignCommon {
  consumed: boolean;
  role: PartyRole;
  scheme: FrostScheme;
  sessionId: string;
  message: string;
  publicPackage: FrostPublicPackage;
  ownCommitments: SignRound1Payload;
}

interface SignSecret {
  signingShare: string;
  hidingNonce: string;
  bindingNonce: string;
}

export type FrostSignState =
  | (SignCommon & { kind: 'frost-sign/await-commitments'; secret: SignSecret | null })
  | (SignCommon & {
      kind: 'frost-sign/await-share';
      secret: null;
      peerCommitments: SignRound1Payload;
      ownShare: string;
      /** Encoded group commitment R of this session (public), reused for the signature. */
      groupCommitment: string;
    })
  | { kind: 'frost-sign/done'; consumed: boolean; secret: null; role: PartyRole; sessionId: string; signature: string };

export interface FrostSignOutput {
  signature: string;
  /** The group public key the signature verifies under (BIP340: x-only is bytes 1..33). */
  groupPublicKey: string;
  message: string;
}

export type FrostSignStep = Step<FrostSignState, FrostSignMessage, FrostSignOutput>;

export function frostSignSessionId(
  params: Pick<FrostSignParams, 'scheme' | 'keyId' | 'ceremonyId' | 'derivationPath' | 'message'> & {
    publicPackage: FrostPublicPackage;
  },
): string {
  return frostSessionId({
    protocol: PROTOCOL,
    keyId: params.keyId,
    ceremonyId: params.ceremonyId,
    identifiers: params.publicPackage.identifiers,
    scheme: params.scheme,
    publicPackageDigest: publicPackageDigest(params.publicPackage),
    messageDigest: sha256(params.message),
    derivationPath: params.derivationPath,
  });
}

/** Starts signing for one party: commits to fresh nonces and returns the round-1 message. */
export function startFrostSign(params: FrostSignParams): FrostSignStep {
  if (params.role !== 'client' && params.role !== 'server')
    throw new InvalidArgumentError('role', "'client' or 'server'", String(params.role));
  if (!isFrostScheme(params.scheme))
    throw new InvalidArgumentError('scheme', "'ed25519', 'secp256k1' or 'bip340'", String(params.scheme));
  if (typeof params.rng !== 'function') throw new InvalidArgumentError('rng', 'an Rng function', typeof params.rng);
  // RFC 9591 §4.1 nonce_generate's random_bytes(32), hiding then binding, drawn first so the stored
  // share's check s·G = Y can be blinded from the same fresh input (key-share.ts).
  // Copies: we wipe them after use, and an Rng may hand out buffers it still references.
  const randomness = [Uint8Array.from(params.rng(32)), Uint8Array.from(params.rng(32))] as const;
  const blindSeed = concatBytes(randomness[0], randomness[1]);
  assertValidKeyShare(params.keyShare, 'keyShare', { blindSeed });
  blindSeed.fill(0);
  const scheme = schemeInfo(params.scheme);
  if (params.keyShare.group !== scheme.group)
    throw new InvalidArgumentError(
      'keyShare.group',
      `${scheme.group} for scheme ${params.scheme}`,
      params.keyShare.group,
    );
  if (params.keyShare.role !== params.role)
    throw new InvalidArgumentError('keyShare.role', params.role, params.keyShare.role);
  if (!(params.message instanceof Uint8Array) || params.message.length > MAX_MESSAGE_BYTES)
    throw new InvalidArgumentError('message', `bytes (at most ${MAX_MESSAGE_BYTES})`);
  // Taproot key-path spends sign the 32-byte BIP341 SigMsg hash; anything else is a caller bug.
  if (params.scheme === 'bip340' && params.message.length !== 32)
    throw new InvalidArgumentError('message', '32-byte BIP341 sighash', `${params.message.length} bytes`);
  if (typeof params.derivationPath !== 'string' || params.derivationPath.length > 256)
    throw new InvalidArgumentError('derivationPath', 'a string of at most 256 characters');
  assertLabel(params.keyId, 'keyId');
  assertLabel(params.ceremonyId, 'ceremonyId');

  const pkg = publicPackage(params.keyShare);
  const sessionId = frostSignSessionId({ ...params, publicPackage: pkg });
  const identifier = pkg.identifiers[params.role];
  const signingShare = fromHex(params.keyShare.signingShare);
  // RFC 9591 §5.1 commit(): nonce = H3(random_bytes(32) ‖ SerializeScalar(sk_i)).
  const nonces = commitNonces(params.scheme, signingShare, randomness);
  signingShare.fill(0);
  randomness[0].fill(0);
  randomness[1].fill(0);
  const ownCommitments: SignRound1Payload = {
    identifier,
    hiding: toHex(nonces.hiding),
    binding: toHex(nonces.binding),
  };
  const state: FrostSignState = {
    kind: 'frost-sign/await-commitments',
    consumed: false,
    role: params.role,
    scheme: params.scheme,
    sessionId,
    message: toHex(params.message),
    publicPackage: pkg,
    ownCommitments,
    secret: {
      signingShare: params.keyShare.signingShare,
      hidingNonce: toHex(scalarToBytes(params.scheme, nonces.hidingNonce)),
      bindingNonce: toHex(scalarToBytes(params.scheme, nonces.bindingNonce)),
    },
  };
  return { state, outgoing: [makeEnvelope(PROTOCOL, sessionId, 1, params.role, ownCommitments)] };
}

/** Commitments from our own state: ours were produced by `startFrostSign`, the peer's were validated on receipt. */
function decodeStoredCommitments(scheme: FrostScheme, c: SignRound1Payload): DecodedCommitments {
  const hiding = fromHex(c.hiding);
  const binding = fromHex(c.binding);
  return {
    identifier: fromHex(c.identifier),
    hiding,
    binding,
    hidingPoint: decodeStoredPoint(scheme, hiding),
    bindingPoint: decodeStoredPoint(scheme, binding),
  };
}

/** RFC 9591 §4.3–§4.6 for this session; a degenerate group commitment is the peer's doing. */
function sessionContext(
  scheme: FrostScheme,
  pkg: FrostPublicPackage,
  own: DecodedCommitments | OwnCommitments,
  peer: DecodedCommitments,
  message: Uint8Array,
  culprit: PartyRole,
): SigningContext {
  try {
    return signingContext(scheme, fromHex(pkg.commitments[0] as string), [own, peer], message);
  } catch (cause) {
    throw new ProtocolAbortError({
      culprit,
      reason: 'invalid-group-commitment',
      detail: `group commitment could not be formed (${(cause as Error).message})`,
    });
  }
}

/** Feeds one peer message to the signing session. */
export function receiveFrostSign(state: FrostSignState, message: unknown): FrostSignStep {
  const s = takeState(state, ['frost-sign/await-commitments', 'frost-sign/await-share']);
  const peer = otherParty(s.role);
  const peerId = s.publicPackage.identifiers[peer];
  const scheme = schemeInfo(s.scheme);
  const msg = fromHex(s.message);

  if (s.kind === 'frost-sign/await-commitments') {
    const secret = s.secret as SignSecret;
    const ctx: WireContext = { peer, round: 1 };
    const payload = openEnvelope(message, { protocol: PROTOCOL, sessionId: s.sessionId, round: 1, peer });
    const obj = assertExactKeys(payload, ['identifier', 'hiding', 'binding'], 'payload', ctx);
    readIdentifier(obj, 'identifier', peerId, ctx);
    const hiding = readPoint(scheme.group, obj, 'hiding', ctx);
    const binding = readPoint(scheme.group, obj, 'binding', ctx);
    if (equalBytes(hiding.bytes, binding.bytes))
      throw invalid(ctx, 'binding', 'a binding commitment distinct from hiding');
    // A peer echoing our own commitments back has no nonces of its own in play; refuse it early.
    if (
      equalBytes(hiding.bytes, fromHex(s.ownCommitments.hiding)) ||
      equalBytes(binding.bytes, fromHex(s.ownCommitments.binding))
    )
      throw invalid(ctx, 'hiding', 'commitments distinct from ours (reflected commitments)');
    const peerCommitments: SignRound1Payload = {
      identifier: peerId,
      hiding: toHex(hiding.bytes),
      binding: toHex(binding.bytes),
    };
    const nonceBytes = [fromHex(secret.hidingNonce), fromHex(secret.bindingNonce)] as const;
    const skBytes = fromHex(secret.signingShare);
    const hidingNonce = scalarFromBytes(s.scheme, nonceBytes[0]);
    const bindingNonce = scalarFromBytes(s.scheme, nonceBytes[1]);
    const signingShare = scalarFromBytes(s.scheme, skBytes);
    nonceBytes[0].fill(0);
    nonceBytes[1].fill(0);
    skBytes.fill(0);
    // Fail closed on a hand-made or wiped state: zero nonces would expose the share in z_i.
    if (hidingNonce === 0n || bindingNonce === 0n)
      throw new ProtocolStateError({
        expected: 'fresh non-zero nonces',
        actual: 'zero nonces',
        detail: 'signing nonces already used',
      });
    const peerDecoded: DecodedCommitments = {
      identifier: fromHex(peerId),
      hiding: hiding.bytes,
      binding: binding.bytes,
      hidingPoint: hiding.point,
      bindingPoint: binding.point,
    };
    const own: OwnCommitments = {
      identifier: fromHex(s.ownCommitments.identifier),
      hiding: fromHex(s.ownCommitments.hiding),
      binding: fromHex(s.ownCommitments.binding),
      hidingNonce,
      bindingNonce,
    };
    const context = sessionContext(s.scheme, s.publicPackage, own, peerDecoded, msg, peer);
    // RFC 9591 §5.2 sign().
    const share = signatureShare(context, 0, signingShare, hidingNonce, bindingNonce);
    const ownShare = toHex(scalarToBytes(s.scheme, share));
    const next: FrostSignState = {
      kind: 'frost-sign/await-share',
      consumed: false,
      role: s.role,
      scheme: s.scheme,
      sessionId: s.sessionId,
      message: s.message,
      publicPackage: s.publicPackage,
      ownCommitments: s.ownCommitments,
      peerCommitments,
      ownShare,
      groupCommitment: toHex(context.groupCommitmentBytes),
      secret: null,
    };
    const out: SignRound2Payload = { identifier: s.ownCommitments.identifier, signatureShare: ownShare };
    return { state: next, outgoing: [makeEnvelope(PROTOCOL, s.sessionId, 2, s.role, out)] };
  }

  const ctx: WireContext = { peer, round: 2 };
  const payload = openEnvelope(message, { protocol: PROTOCOL, sessionId: s.sessionId, round: 2, peer });
  const obj = assertExactKeys(payload, ['identifier', 'signatureShare'], 'payload', ctx);
  readIdentifier(obj, 'identifier', peerId, ctx);
  const peerShare = readScalar(scheme.group, obj, 'signatureShare', ctx);
  // RFC 9591 §5.3: z = z_own + z_peer, signature (R, z).
  const signature = aggregateSignature(s.scheme, fromHex(s.groupCommitment), [
    scalarFromBytes(s.scheme, fromHex(s.ownShare)),
    peerShare.scalar,
  ]);
  const groupPublicKey = s.publicPackage.commitments[0] as string;
  if (!verifyAggregateSignature(s.scheme, fromHex(groupPublicKey), signature, msg)) {
    // RFC 9591 §5.4 to attribute the failure: z_i·G == R_i + c·λ_i·Y_i for the peer's share.
    const peerCommitments = decodeStoredCommitments(s.scheme, s.peerCommitments);
    const own = decodeStoredCommitments(s.scheme, s.ownCommitments);
    const context = sessionContext(s.scheme, s.publicPackage, own, peerCommitments, msg, peer);
    const peerVerifyingShare = fromHex(s.publicPackage.verifyingShares[peerId] as string);
    if (!verifySignatureShare(context, 1, peerCommitments, peerVerifyingShare, peerShare.scalar))
      throw new ProtocolAbortError({
        culprit: peer,
        reason: 'invalid-signature-share',
        detail: 'signature share does not verify against the verifying share and nonce commitments',
      });
    throw new ProtocolAbortError({
      culprit: peer,
      reason: 'invalid-signature',
      detail: `aggregated signature does not verify under the group key (${s.scheme})`,
    });
  }
  const sigHex = toHex(signature);
  return {
    state: {
      kind: 'frost-sign/done',
      consumed: true,
      secret: null,
      role: s.role,
      sessionId: s.sessionId,
      signature: sigHex,
    },
    outgoing: [],
    output: { signature: sigHex, groupPublicKey, message: s.message },
  };
}
