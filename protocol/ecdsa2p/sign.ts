/**
 * Two-party ECDSA signing: DKLs23 (eprint 2023/765) Protocol 3.6 specialised to n = t = 2 with the
 * client–server schedule of mpc-design §1.5.3 (no presignatures):
 *
 *   message 1  C → S   C round 1: commit(R_C), RVOLE msg 1 (C as Bob), C's session nonce
 *   message 2  S → C   S round 1 (commit(R_S), RVOLE msg 1 as Bob) ‖ S round 2
 *   message 3  C → S   C round 2 (RVOLE msg 2 as Alice, R_C opening, Γ^u, Γ^v, ψ, pk_C) ‖ C round 3 (u_C, w_C)
 *   message 4  S → C   S round 3 (u_S, w_S)
 *
 * The server can output the signature after message 3, the client after message 4. Both verify it
 * under the derived key before releasing it. Inputs: the 32-byte digest m' and a non-hardened path;
 * each party computes both itself (DESIGN.md §3) and they are bound into the session id.
 *
 * Notation (Protocol 3.6): r_i instance key, R_i = r_i·G, φ_i inversion mask, sk_i = x_i + ζ_i (+ t
 * for the client), χ_i my RVOLE receiver input, c my sender shares, d my receiver shares with
 * c_j + d_i = (r_j, sk_j)·χ_i.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { fromHex, toHex } from '../bytes.js';
import { InvalidArgumentError, type PartyRole, ProtocolAbortError, ProtocolStateError } from '../errors.js';
import type { Rng } from '../rng.js';
import type { Envelope, Step } from '../session.js';
import { commit, opens, SALT_BYTES } from './commitment.js';
import { deriveNonHardened, formatDerivationPath, parseDerivationPath } from './derivation.js';
import {
  CURVE_ORDER,
  Fn,
  G,
  hedgedScalar,
  type Point,
  pointFromHex,
  pointToHex,
  scalarFromHex,
  scalarToBytes,
  scalarToHex,
} from './group.js';
import { assertNotBurned, decodeKeyShare, type Ecdsa2pKeyShare } from './key-share.js';
import {
  assertSessionId,
  type DecodedSignRound2,
  makeEnvelope,
  parseEnvelope,
  parseSignMsg1,
  parseSignMsg2,
  parseSignMsg3,
  parseSignMsg4,
  SIGN_PROTOCOL,
  type SignMsg1,
  type SignMsg2,
  type SignMsg3,
  type SignMsg4,
  type SignPayload,
  type SignRound2,
} from './messages.js';
import type { OtSenderSetup } from './ot/pairing.js';
import { type RvoleReceiverState, rvoleReceiverFinish, rvoleReceiverStart, rvoleSenderRespond } from './ot/rvole.js';
import { INSTANCE_COMMIT_TAG, NONCE_BYTES, rvoleSessionId, signSessionId, zeroShare } from './sign-session.js';
import { takeState } from './state.js';

// ---------------------------------------------------------------------------------------------
// Public types

/** The signature, released only after it verified under `publicKey`. */
export interface Ecdsa2pSignature {
  /** 32-byte hex. */
  r: string;
  /** 32-byte hex, low-s (BIP62 / EIP-2). */
  s: string;
  /** Public-key recovery id: bit 0 = R.y odd (after low-s), bit 1 = R.x ≥ n. EVM v = 27 + recovery. */
  recovery: number;
  /** 64-byte compact r ‖ s, hex. */
  signature: string;
  /** The derived public key the signature verifies under, 33-byte compressed hex. */
  publicKey: string;
}

export type SignEnvelope = Envelope<SignPayload>;

interface SignCommon {
  consumed?: true;
  /** 32-byte hex. */
  sessionId: string;
  digest: string;
  /** Derived public key X + t·G. */
  derivedPublicKey: string;
}

/** Client, after sending message 1. */
export interface SignClientAwaitMsg2 extends SignCommon {
  kind: 'ecdsa2p/sign/client/await-msg2';
  secretKey: string;
  instanceKey: string;
  inversionMask: string;
  chi: string;
  instancePoint: string;
  salt: string;
  rvoleReceiver: RvoleReceiverState;
  otSender: OtSenderSetup;
}

/** Client, after sending message 3: only public values and its own (already sent) u_C, w_C remain. */
export interface SignClientAwaitMsg4 extends SignCommon {
  kind: 'ecdsa2p/sign/client/await-msg4';
  totalInstancePoint: string;
  u: string;
  w: string;
}

/** Server, waiting for message 1 (its nonce has gone to the client with the session-open frame). */
export interface SignServerAwaitMsg1 {
  kind: 'ecdsa2p/sign/server/await-msg1';
  consumed?: true;
  share: Ecdsa2pKeyShare;
  serverNonce: string;
  digest: string;
  path: string;
}

/** Server, after sending message 2. */
export interface SignServerAwaitMsg3 extends SignCommon {
  kind: 'ecdsa2p/sign/server/await-msg3';
  secretKey: string;
  instanceKey: string;
  inversionMask: string;
  chi: string;
  instancePoint: string;
  /** pk_S = sk_S·G, kept to skip a multiplication in round 3. */
  publicShare: string;
  cU: string;
  cV: string;
  peerCommitment: string;
  rvoleReceiver: RvoleReceiverState;
}

/** Terminal state: no secrets, only the public result. */
export interface SignDone {
  kind: 'ecdsa2p/sign/done';
  consumed?: true;
  role: PartyRole;
  sessionId: string;
  signature: Ecdsa2pSignature;
}

export type SignState =
  | SignClientAwaitMsg2
  | SignClientAwaitMsg4
  | SignServerAwaitMsg1
  | SignServerAwaitMsg3
  | SignDone;
export type SignStep = Step<SignState, SignEnvelope, Ecdsa2pSignature>;

export interface StartSignParams {
  share: Ecdsa2pKeyShare;
  /** The 32-byte message digest m' (keccak256 for EVM, sha256d sighash for Bitcoin), computed by this party. */
  digest: Uint8Array;
  /** Non-hardened BIP32 path below the MPC root, e.g. "m/0/5". */
  path: string;
  rng: Rng;
}

// ---------------------------------------------------------------------------------------------
// Start

/**
 * Server: prepares a signing session and draws its 32-byte nonce. The driver sends `serverNonce`
 * (public) to the client before the client starts, e.g. in the session-open frame.
 * @throws InvalidArgumentError on a malformed share, digest or path; ProtocolStateError on a burned share.
 */
export function startSignServer(params: StartSignParams): SignStep & { serverNonce: string } {
  const { share, digest, path } = checkStartParams(params, 'server');
  const serverNonce = toHex(params.rng(NONCE_BYTES));
  const state: SignServerAwaitMsg1 = { kind: 'ecdsa2p/sign/server/await-msg1', share, serverNonce, digest, path };
  return { state, outgoing: [], serverNonce };
}

/**
 * Client: starts a signing session with the server's nonce and returns message 1.
 * @throws InvalidArgumentError on a malformed share, digest, path or nonce; ProtocolStateError on a burned share.
 */
export function startSignClient(params: StartSignParams & { serverNonce: string }): SignStep {
  const { share, digest, path, decoded } = checkStartParams(params, 'client');
  const serverNonce = fromHex(params.serverNonce, 'serverNonce', NONCE_BYTES);
  const { rng } = params;
  const clientNonce = rng(NONCE_BYTES);
  const indices = parseDerivationPath(path);
  const sid = signSessionId({
    keyId: share.keyId,
    transcriptHash: fromHex(share.transcriptHash),
    clientNonce,
    serverNonce,
    digest: fromHex(digest),
    path: indices,
  });
  const derived = deriveNonHardened(decoded.publicKey, fromHex(share.chainCode), indices);
  // sk_C = x_C + ζ_C + t: only the client adds the BIP32 tweak (mpc-design §3.1).
  const secretKey = Fn.add(Fn.add(decoded.secret, zeroShare(fromHex(share.zeroShareSeed), sid)), derived.tweak);
  const round1 = sampleRound1(rng, decoded.secret, sid, 'client');
  // Protocol 3.6 step 6: start the multiplication as Bob in the instance where the server is Alice.
  const rvole = rvoleReceiverStart({ setup: share.ot.receiver, sessionId: rvoleSessionId(sid, 'server'), rng });
  const sessionId = toHex(sid);
  const payload: SignMsg1 = {
    clientNonce: toHex(clientNonce),
    commitment: toHex(round1.commitment),
    rvole: rvole.message,
  };
  const state: SignClientAwaitMsg2 = {
    kind: 'ecdsa2p/sign/client/await-msg2',
    sessionId,
    digest,
    derivedPublicKey: pointToHex(derived.publicKey),
    secretKey: scalarToHex(secretKey),
    instanceKey: scalarToHex(round1.instanceKey),
    inversionMask: scalarToHex(round1.inversionMask),
    chi: scalarToHex(Fn.create(rvole.b)),
    instancePoint: pointToHex(round1.instancePoint),
    salt: toHex(round1.salt),
    rvoleReceiver: rvole.state,
    otSender: share.ot.sender,
  };
  return { state, outgoing: [makeEnvelope(SIGN_PROTOCOL, sessionId, 1, 'client', payload)] };
}

function checkStartParams(params: StartSignParams, role: PartyRole) {
  if (typeof params !== 'object' || params === null) throw new InvalidArgumentError('params', 'an object');
  // The x_i·G = X_i check is skipped here (it would cost a multiplication per signature): drivers
  // validate a share once with `parseKeyShare` when loading it, and a corrupted share fails the
  // pk_C + pk_S = X + t·G check of round 3 anyway.
  const decoded = decodeKeyShare(params.share, 'share', false);
  if (decoded.share.role !== role) {
    throw new InvalidArgumentError('share.role', `a ${role} share`, `a ${decoded.share.role} share`);
  }
  assertNotBurned(decoded.share);
  if (!(params.digest instanceof Uint8Array) || params.digest.length !== 32) {
    throw new InvalidArgumentError(
      'digest',
      '32 bytes',
      params.digest instanceof Uint8Array ? `${params.digest.length} bytes` : typeof params.digest,
    );
  }
  if (typeof params.rng !== 'function') throw new InvalidArgumentError('rng', 'an Rng function');
  const path = formatDerivationPath(parseDerivationPath(params.path));
  return { share: decoded.share, decoded, digest: toHex(params.digest), path };
}

/** Protocol 3.6 step 5: r_i, φ_i (hedged), R_i and its commitment. */
function sampleRound1(rng: Rng, secret: bigint, sid: Uint8Array, role: PartyRole) {
  const secretBytes = scalarToBytes(secret);
  const instanceKey = hedgedScalar(rng, secretBytes, sid, 'instance-key');
  const inversionMask = hedgedScalar(rng, secretBytes, sid, 'inversion-mask');
  const instancePoint = G.multiply(instanceKey);
  const salt = rng(SALT_BYTES);
  const commitment = commit(INSTANCE_COMMIT_TAG, [sid, role, instancePoint.toBytes(true)], salt);
  return { instanceKey, inversionMask, instancePoint, salt, commitment };
}

// ---------------------------------------------------------------------------------------------
// Receive

/**
 * Feeds the peer's next message to `state`. Returns the next state, the messages to send and, when
 * done, the verified signature.
 * @throws InvalidMessageError (malformed, wrong session/round/sender), ProtocolAbortError (a check
 *   failed; `isBurningAbort(e)` tells whether to persist `burnShare(share)`), ProtocolStateError (reuse).
 */
export function receiveSign(state: SignState, message: unknown, rng: Rng): SignStep {
  const s = takeState<SignState>(
    state,
    [
      'ecdsa2p/sign/client/await-msg2',
      'ecdsa2p/sign/client/await-msg4',
      'ecdsa2p/sign/server/await-msg1',
      'ecdsa2p/sign/server/await-msg3',
    ],
    SIGN_PROTOCOL,
  );
  switch (s.kind) {
    case 'ecdsa2p/sign/server/await-msg1':
      return serverOnMsg1(s, message, rng);
    case 'ecdsa2p/sign/client/await-msg2':
      return clientOnMsg2(s, message, rng);
    case 'ecdsa2p/sign/server/await-msg3':
      return serverOnMsg3(s, message);
    case 'ecdsa2p/sign/client/await-msg4':
      return clientOnMsg4(s, message);
    default:
      throw new ProtocolStateError({ expected: 'an active signing state', actual: `"${s.kind}"` });
  }
}

/** Server, message 1 → message 2 (server rounds 1 and 2). */
function serverOnMsg1(s: SignServerAwaitMsg1, message: unknown, rng: Rng): SignStep {
  const env = parseEnvelope(message, { protocol: SIGN_PROTOCOL, round: 1, from: 'client' });
  const msg = parseSignMsg1(env.payload, 'client');
  const decoded = decodeKeyShare(s.share, 'state.share', false);
  const { share } = decoded;
  const indices = parseDerivationPath(s.path);
  const sid = signSessionId({
    keyId: share.keyId,
    transcriptHash: fromHex(share.transcriptHash),
    clientNonce: msg.clientNonce,
    serverNonce: fromHex(s.serverNonce),
    digest: fromHex(s.digest),
    path: indices,
  });
  const sessionId = toHex(sid);
  // A client that signs another digest or path, or holds another share generation, lands here.
  assertSessionId(env.sessionId, { protocol: SIGN_PROTOCOL, round: 1, from: 'client', sessionId });
  const derived = deriveNonHardened(decoded.publicKey, fromHex(share.chainCode), indices);
  const secretKey = Fn.sub(decoded.secret, zeroShare(fromHex(share.zeroShareSeed), sid)); // sk_S = x_S − ζ
  const round1 = sampleRound1(rng, decoded.secret, sid, 'server');
  const publicShare = G.multiply(secretKey);
  const rvoleAsBob = rvoleReceiverStart({ setup: share.ot.receiver, sessionId: rvoleSessionId(sid, 'client'), rng });
  const chi = Fn.create(rvoleAsBob.b);
  // Server round 2 (Protocol 3.6 step 7): the multiplication as Alice with inputs (r_S, sk_S).
  const round2 = senderRound2({
    setup: share.ot.sender,
    sid,
    role: 'server',
    instanceKey: round1.instanceKey,
    secretKey,
    inversionMask: round1.inversionMask,
    chi,
    peerMessage: msg.rvole,
    instancePoint: round1.instancePoint,
    salt: round1.salt,
    publicShare,
    rng,
  });
  const payload: SignMsg2 = {
    commitment: toHex(round1.commitment),
    rvoleReceiver: rvoleAsBob.message,
    ...round2.wire,
  };
  const next: SignServerAwaitMsg3 = {
    kind: 'ecdsa2p/sign/server/await-msg3',
    sessionId,
    digest: s.digest,
    derivedPublicKey: pointToHex(derived.publicKey),
    secretKey: scalarToHex(secretKey),
    instanceKey: scalarToHex(round1.instanceKey),
    inversionMask: scalarToHex(round1.inversionMask),
    chi: scalarToHex(chi),
    instancePoint: pointToHex(round1.instancePoint),
    publicShare: pointToHex(publicShare),
    cU: scalarToHex(round2.cU),
    cV: scalarToHex(round2.cV),
    peerCommitment: toHex(msg.commitment),
    rvoleReceiver: rvoleAsBob.state,
  };
  return { state: next, outgoing: [makeEnvelope(SIGN_PROTOCOL, sessionId, 2, 'server', payload)] };
}

/** Client, message 2 → message 3 (client rounds 2 and 3). */
function clientOnMsg2(s: SignClientAwaitMsg2, message: unknown, rng: Rng): SignStep {
  const env = parseEnvelope(message, { protocol: SIGN_PROTOCOL, sessionId: s.sessionId, round: 2, from: 'server' });
  const msg = parseSignMsg2(env.payload, 'server');
  const sid = fromHex(s.sessionId);
  const mine = {
    secretKey: scalarFromHex(s.secretKey, 'state.secretKey'),
    instanceKey: scalarFromHex(s.instanceKey, 'state.instanceKey'),
    inversionMask: scalarFromHex(s.inversionMask, 'state.inversionMask'),
    chi: scalarFromHex(s.chi, 'state.chi'),
    instancePoint: pointFromHex(s.instancePoint, 'state.instancePoint'),
  };
  const derivedPublicKey = pointFromHex(s.derivedPublicKey, 'state.derivedPublicKey');
  const publicShare = G.multiply(mine.secretKey);
  // Client round 3, first half: open the server's commitment and check pk_C + pk_S = X + t·G
  // before any OT work, so a stale share never touches the correlations.
  checkPeerOpening({ sid, role: 'client', peerCommitment: msg.commitment, peer: msg, publicShare, derivedPublicKey });
  // Client round 2 as Alice, answering the server's RVOLE message 1.
  const round2 = senderRound2({
    setup: s.otSender,
    sid,
    role: 'client',
    instanceKey: mine.instanceKey,
    secretKey: mine.secretKey,
    inversionMask: mine.inversionMask,
    chi: mine.chi,
    peerMessage: msg.rvoleReceiver,
    instancePoint: mine.instancePoint,
    salt: fromHex(s.salt),
    publicShare,
    rng,
  });
  // Client round 3, second half: finish RVOLE as Bob, Γ checks, u_C and w_C.
  const round3 = finishRound3({
    sid,
    role: 'client',
    digest: fromHex(s.digest),
    peer: msg,
    rvoleReceiver: s.rvoleReceiver,
    ...mine,
    cU: round2.cU,
    cV: round2.cV,
  });
  const payload: SignMsg3 = { ...round2.wire, u: scalarToHex(round3.u), w: scalarToHex(round3.w) };
  const next: SignClientAwaitMsg4 = {
    kind: 'ecdsa2p/sign/client/await-msg4',
    sessionId: s.sessionId,
    digest: s.digest,
    derivedPublicKey: s.derivedPublicKey,
    totalInstancePoint: pointToHex(round3.totalInstancePoint),
    u: scalarToHex(round3.u),
    w: scalarToHex(round3.w),
  };
  return { state: next, outgoing: [makeEnvelope(SIGN_PROTOCOL, s.sessionId, 3, 'client', payload)] };
}

/** Server, message 3 → signature + message 4 (server round 3). */
function serverOnMsg3(s: SignServerAwaitMsg3, message: unknown): SignStep {
  const env = parseEnvelope(message, { protocol: SIGN_PROTOCOL, sessionId: s.sessionId, round: 3, from: 'client' });
  const msg = parseSignMsg3(env.payload, 'client');
  const sid = fromHex(s.sessionId);
  const secretKey = scalarFromHex(s.secretKey, 'state.secretKey');
  checkPeerOpening({
    sid,
    role: 'server',
    peerCommitment: fromHex(s.peerCommitment),
    peer: msg,
    publicShare: pointFromHex(s.publicShare, 'state.publicShare'),
    derivedPublicKey: pointFromHex(s.derivedPublicKey, 'state.derivedPublicKey'),
  });
  const round3 = finishRound3({
    sid,
    role: 'server',
    digest: fromHex(s.digest),
    peer: msg,
    rvoleReceiver: s.rvoleReceiver,
    secretKey,
    instanceKey: scalarFromHex(s.instanceKey, 'state.instanceKey'),
    inversionMask: scalarFromHex(s.inversionMask, 'state.inversionMask'),
    chi: scalarFromHex(s.chi, 'state.chi'),
    instancePoint: pointFromHex(s.instancePoint, 'state.instancePoint'),
    cU: scalarFromHex(s.cU, 'state.cU'),
    cV: scalarFromHex(s.cV, 'state.cV'),
  });
  // Verify before anything leaves: a party that keeps going after a bad signature becomes an
  // oracle (CVE-2023-33242 lesson), so u_S, w_S are only sent once the signature is known good.
  const signature = assembleSignature({
    totalInstancePoint: round3.totalInstancePoint,
    u: Fn.add(round3.u, msg.u),
    w: Fn.add(round3.w, msg.w),
    digest: fromHex(s.digest),
    publicKey: s.derivedPublicKey,
    culprit: 'client',
  });
  const payload: SignMsg4 = { u: scalarToHex(round3.u), w: scalarToHex(round3.w) };
  const done: SignDone = { kind: 'ecdsa2p/sign/done', role: 'server', sessionId: s.sessionId, signature };
  return {
    state: done,
    outgoing: [makeEnvelope(SIGN_PROTOCOL, s.sessionId, 4, 'server', payload)],
    output: signature,
  };
}

/** Client, message 4 → signature. */
function clientOnMsg4(s: SignClientAwaitMsg4, message: unknown): SignStep {
  const env = parseEnvelope(message, { protocol: SIGN_PROTOCOL, sessionId: s.sessionId, round: 4, from: 'server' });
  const msg = parseSignMsg4(env.payload, 'server');
  const signature = assembleSignature({
    totalInstancePoint: pointFromHex(s.totalInstancePoint, 'state.totalInstancePoint'),
    u: Fn.add(scalarFromHex(s.u, 'state.u'), msg.u),
    w: Fn.add(scalarFromHex(s.w, 'state.w'), msg.w),
    digest: fromHex(s.digest),
    publicKey: s.derivedPublicKey,
    culprit: 'server',
  });
  const done: SignDone = { kind: 'ecdsa2p/sign/done', role: 'client', sessionId: s.sessionId, signature };
  return { state: done, outgoing: [], output: signature };
}

// ---------------------------------------------------------------------------------------------
// Protocol 3.6 steps shared by both roles

interface Round2Inputs {
  setup: OtSenderSetup;
  sid: Uint8Array;
  role: PartyRole;
  instanceKey: bigint;
  secretKey: bigint;
  inversionMask: bigint;
  chi: bigint;
  peerMessage: unknown;
  instancePoint: Point;
  salt: Uint8Array;
  publicShare: Point;
  rng: Rng;
}

/**
 * Protocol 3.6 step 7: the multiplication as Alice with inputs (r_i, sk_i), giving c^u_i, c^v_i;
 * Γ^u_i = c^u_i·G, Γ^v_i = c^v_i·G, ψ_i = φ_i − χ_i, and the opening of R_i.
 */
function senderRound2(p: Round2Inputs) {
  const peer = peerOf(p.role);
  const rvole = rvoleSenderRespond({
    setup: p.setup,
    sessionId: rvoleSessionId(p.sid, p.role),
    inputs: [p.instanceKey, p.secretKey],
    message: p.peerMessage,
    rng: p.rng,
    peer,
  });
  const cU = Fn.create(rvole.shares[0]);
  const cV = Fn.create(rvole.shares[1]);
  const wire: SignRound2 = {
    rvoleSender: rvole.message,
    instancePoint: pointToHex(p.instancePoint),
    salt: toHex(p.salt),
    publicShare: pointToHex(p.publicShare),
    gammaU: pointToHex(mulG(cU)),
    gammaV: pointToHex(mulG(cV)),
    psi: scalarToHex(Fn.sub(p.inversionMask, p.chi)),
  };
  return { wire, cU, cV };
}

function peerOf(role: PartyRole): PartyRole {
  return role === 'client' ? 'server' : 'client';
}

function abortBy(culprit: PartyRole, reason: string, detail: string): never {
  throw new ProtocolAbortError({ culprit, reason, detail });
}

/**
 * Protocol 3.6 step 8, the cheap checks: j's instance point opens its round-1 commitment, and
 * pk_i + pk_j = X + t·G (the latter also catches a peer holding another share generation).
 */
function checkPeerOpening(p: {
  sid: Uint8Array;
  role: PartyRole;
  peerCommitment: Uint8Array;
  peer: DecodedSignRound2;
  publicShare: Point;
  derivedPublicKey: Point;
}): void {
  const peer = peerOf(p.role);
  if (!opens(INSTANCE_COMMIT_TAG, p.peerCommitment, [p.sid, peer, p.peer.instancePoint.toBytes(true)], p.peer.salt)) {
    abortBy(peer, 'commitment-mismatch', 'the instance point R_j does not open the round-1 commitment');
  }
  if (!p.publicShare.add(p.peer.publicShare).equals(p.derivedPublicKey)) {
    abortBy(peer, 'public-key-mismatch', 'pk_C + pk_S differs from the derived public key X + t·G');
  }
}

interface Round3Inputs {
  sid: Uint8Array;
  role: PartyRole;
  digest: Uint8Array;
  peer: DecodedSignRound2;
  rvoleReceiver: RvoleReceiverState;
  secretKey: bigint;
  instanceKey: bigint;
  inversionMask: bigint;
  chi: bigint;
  instancePoint: Point;
  cU: bigint;
  cV: bigint;
}

/**
 * Protocol 3.6 steps 8–9 after the opening checks: finish the multiplication as Bob (d^u_i, d^v_i);
 * check χ_i·R_j − Γ^u_j = d^u_i·G and χ_i·pk_j − Γ^v_j = d^v_i·G; then
 * u_i = r_i(φ_i + ψ_j) + c^u_i + d^u_i, v_i = sk_i(φ_i + ψ_j) + c^v_i + d^v_i, w_i = m'·φ_i + r·v_i.
 */
function finishRound3(p: Round3Inputs) {
  const peer = peerOf(p.role);
  const abort = (reason: string, detail: string): never => abortBy(peer, reason, detail);
  const d = rvoleReceiverFinish({ state: p.rvoleReceiver, message: p.peer.rvoleSender, peer });
  const dU = Fn.create(d.shares[0]);
  const dV = Fn.create(d.shares[1]);
  // The Γ checks use the secret χ_i, so they use the constant-time multiply.
  if (!p.peer.instancePoint.multiply(p.chi).equals(p.peer.gammaU.add(mulG(dU)))) {
    abort('gamma-u-inconsistent', 'χ·R_j − Γ^u_j ≠ d^u·G: the RVOLE input was not the committed instance key');
  }
  if (!p.peer.publicShare.multiply(p.chi).equals(p.peer.gammaV.add(mulG(dV)))) {
    abort('gamma-v-inconsistent', 'χ·pk_j − Γ^v_j ≠ d^v·G: the RVOLE input was not the key share');
  }
  const totalInstancePoint = p.instancePoint.add(p.peer.instancePoint);
  if (totalInstancePoint.is0()) abort('instance-point-identity', 'R_C + R_S is the point at infinity');
  const r = Fn.create(totalInstancePoint.toAffine().x);
  if (r === 0n) abort('instance-point-identity', 'r = R.x mod n is zero');
  const mask = Fn.add(p.inversionMask, p.peer.psi);
  const u = Fn.add(Fn.mul(p.instanceKey, mask), Fn.add(p.cU, dU));
  const v = Fn.add(Fn.mul(p.secretKey, mask), Fn.add(p.cV, dV));
  const w = Fn.add(Fn.mul(digestScalar(p.digest), p.inversionMask), Fn.mul(r, v));
  return { u, w, totalInstancePoint };
}

/** d·G, allowing d = 0 (a share of zero is a legal value of an additive sharing). */
function mulG(d: bigint): Point {
  return d === 0n ? G.subtract(G) : G.multiply(d);
}

/** bits2int(m') mod n for a 32-byte digest (SEC1 §4.1.3 step 5 with |n| = 256). */
function digestScalar(digest: Uint8Array): bigint {
  return Fn.create(BigInt(`0x${toHex(digest)}`));
}

/**
 * Protocol 3.6 step 10: s = (w_C + w_S)/(u_C + u_S), low-s, the recovery id from R, and ECDSA
 * verification under the derived key before release.
 */
function assembleSignature(p: {
  totalInstancePoint: Point;
  u: bigint;
  w: bigint;
  digest: Uint8Array;
  publicKey: string;
  culprit: PartyRole;
}): Ecdsa2pSignature {
  const invalid = (detail: string): never => {
    throw new ProtocolAbortError({ culprit: p.culprit, reason: 'signature-invalid', detail });
  };
  if (p.u === 0n) invalid('u_C + u_S is zero');
  const { x, y } = p.totalInstancePoint.toAffine();
  const r = Fn.create(x);
  let s = Fn.div(p.w, p.u);
  if (s === 0n) invalid('s is zero');
  let recovery = (y & 1n ? 1 : 0) | (x >= CURVE_ORDER ? 2 : 0);
  if (s > CURVE_ORDER >> 1n) {
    s = Fn.neg(s); // low-s flips R to −R, whose y has the other parity
    recovery ^= 1;
  }
  const sig = new secp256k1.Signature(r, s, recovery);
  const compact = sig.toBytes('compact');
  if (!secp256k1.verify(compact, p.digest, fromHex(p.publicKey), { prehash: false, lowS: true })) {
    invalid('the combined signature does not verify under the derived public key');
  }
  return {
    r: scalarToHex(r),
    s: scalarToHex(s),
    recovery,
    signature: toHex(compact),
    publicKey: p.publicKey,
  };
}
