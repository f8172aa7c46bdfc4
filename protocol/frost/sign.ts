/**
 * Two-party FROST signing (RFC 9591 §5) as a message-passing state machine around noble:
 *
 *   start(params)                          → round 1 out: nonce commitments (D_i, E_i)   (§5.1 commit)
 *   receive(await-commitments, peer rnd 1) → round 2 out: signature share z_i            (§5.2 sign)
 *   receive(await-share, peer round 2)     → verify the peer's share (§5.4), aggregate (§5.3),
 *                                            verify the final signature → output signature
 *
 * Both parties run the same three steps and both end with the signature, so each checks the other's
 * share and the result (no trusted coordinator). Nonces live only in the `await-commitments` state:
 * producing a share burns that state (`takeState`) and noble zeroes the nonce bytes, so one state can
 * never produce a second share. The message is what the chain signs: Solana's serialized message,
 * SHA-256 of NEAR's borsh transaction, the 32-byte BIP341 sighash (see payloads.ts).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes, fromHex, toHex } from '../bytes.js';
import { InvalidArgumentError, type PartyRole, ProtocolAbortError } from '../errors.js';
import type { Rng } from '../rng.js';
import { type Envelope, otherParty, type Step } from '../session.js';
import {
  assertValidKeyShare,
  type FrostKeyShare,
  type FrostPublicPackage,
  publicPackage,
  publicPackageDigest,
  toNoblePublic,
} from './key-share.js';
import { assertLabel, frostSessionId } from './session-id.js';
import { takeState } from './state.js';
import { type FrostScheme, isFrostScheme, nobleRng, schemeInfo } from './suites.js';
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
  assertValidKeyShare(params.keyShare);
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
  if (typeof params.rng !== 'function') throw new InvalidArgumentError('rng', 'an Rng function', typeof params.rng);

  const pkg = publicPackage(params.keyShare);
  const sessionId = frostSignSessionId({ ...params, publicPackage: pkg });
  const identifier = pkg.identifiers[params.role];
  const secretShare = { identifier, signingShare: fromHex(params.keyShare.signingShare) };
  // RFC 9591 §5.1 commit(): nonce = H3(random_bytes(32) ‖ SerializeScalar(sk_i)).
  const { nonces, commitments } = scheme.frost.commit(secretShare, nobleRng(params.rng));
  secretShare.signingShare.fill(0);
  const ownCommitments: SignRound1Payload = {
    identifier: commitments.identifier,
    hiding: toHex(commitments.hiding),
    binding: toHex(commitments.binding),
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
      hidingNonce: toHex(nonces.hiding),
      bindingNonce: toHex(nonces.binding),
    },
  };
  nonces.hiding.fill(0);
  nonces.binding.fill(0);
  return { state, outgoing: [makeEnvelope(PROTOCOL, sessionId, 1, params.role, ownCommitments)] };
}

function commitmentList(own: SignRound1Payload, peer: SignRound1Payload) {
  return [own, peer].map((c) => ({ identifier: c.identifier, hiding: fromHex(c.hiding), binding: fromHex(c.binding) }));
}

/** Feeds one peer message to the signing session. */
export function receiveFrostSign(state: FrostSignState, message: unknown): FrostSignStep {
  const s = takeState(state, ['frost-sign/await-commitments', 'frost-sign/await-share']);
  const peer = otherParty(s.role);
  const peerId = s.publicPackage.identifiers[peer];
  const scheme = schemeInfo(s.scheme);
  const msg = fromHex(s.message);
  const pub = toNoblePublic(s.publicPackage);

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
    const nonces = { hiding: fromHex(secret.hidingNonce), binding: fromHex(secret.bindingNonce) };
    const secretShare = { identifier: s.publicPackage.identifiers[s.role], signingShare: fromHex(secret.signingShare) };
    let share: Uint8Array;
    try {
      // RFC 9591 §5.2 sign(): noble checks our own entry matches our nonces, then zeroes them.
      share = scheme.frost.signShare(secretShare, pub, nonces, commitmentList(s.ownCommitments, peerCommitments), msg);
    } finally {
      nonces.hiding.fill(0);
      nonces.binding.fill(0);
      secretShare.signingShare.fill(0);
    }
    const ownShare = toHex(share);
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
  const list = commitmentList(s.ownCommitments, s.peerCommitments);
  // RFC 9591 §5.4: z_i·G == R_i + c·λ_i·Y_i, so a bad share is attributed to the peer.
  if (!scheme.frost.verifyShare(pub, list, msg, peerId, peerShare.bytes))
    throw new ProtocolAbortError({
      culprit: peer,
      reason: 'invalid-signature-share',
      detail: 'signature share does not verify against the verifying share and nonce commitments',
    });
  let signature: Uint8Array;
  try {
    signature = scheme.frost.aggregate(pub, list, msg, {
      [s.ownCommitments.identifier]: fromHex(s.ownShare),
      [peerId]: peerShare.bytes,
    });
  } catch (cause) {
    throw new ProtocolAbortError({
      culprit: peer,
      reason: 'aggregate-failed',
      detail: `aggregation failed (${(cause as Error).message})`,
    });
  }
  const groupPublicKey = s.publicPackage.commitments[0] as string;
  if (signature.length !== scheme.signatureBytes || !scheme.verify(signature, msg, fromHex(groupPublicKey)))
    throw new ProtocolAbortError({
      culprit: peer,
      reason: 'invalid-signature',
      detail: `aggregated signature does not verify under the group key (${s.scheme})`,
    });
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
