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
import { fromHex, toHex } from '../bytes.js';
import { InvalidArgumentError, type PartyRole, ProtocolStateError } from '../errors.js';
import type { Rng } from '../rng.js';
import type { Envelope, Step } from '../session.js';
import { deriveNonHardened, formatDerivationPath, parseDerivationPath } from './derivation.js';
import {
  Fn,
  mulBaseSecret,
  scalarFromHex,
  scalarToHex,
  statePointFromHex,
  statePointsToHex,
  statePointToHex,
} from './group.js';
import { assertNotBurned, decodeKeyShare, type Ecdsa2pKeyShare } from './key-share.js';
import {
  assertSessionId,
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
} from './messages.js';
import type { OtSenderSetup } from './ot/pairing.js';
import { type RvoleReceiverState, rvoleReceiverStart } from './ot/rvole.js';
import { NONCE_BYTES, rvoleSessionId, signSessionId, zeroShare } from './sign-session.js';
import {
  assembleSignature,
  checkPeerOpening,
  type Ecdsa2pSignature,
  finishRound3,
  sampleRound1,
  senderRound2,
} from './sign-steps.js';
import { takeState } from './state.js';

// ---------------------------------------------------------------------------------------------
// Public types

export type { Ecdsa2pSignature };

export type SignEnvelope = Envelope<SignPayload>;

interface SignCommon {
  consumed?: true;
  /** 32-byte hex. */
  sessionId: string;
  digest: string;
  /** Derived public key X + t·G (states keep their points uncompressed: `statePointToHex`). */
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
 * @param params.serverNonce - only for a driver that had to announce the nonce before it could start
 *   the session (it re-pairs a burned share first): 32 fresh random bytes as hex, used for one session.
 *   It is a session-id contribution, not a secret; a repeated one would repeat a session id.
 * @throws InvalidArgumentError on a malformed share, digest, path or nonce; ProtocolStateError on a burned share.
 */
export function startSignServer(
  params: StartSignParams & { serverNonce?: string },
): SignStep & { serverNonce: string } {
  const { share, digest, path } = checkStartParams(params, 'server');
  const serverNonce =
    params.serverNonce === undefined
      ? toHex(params.rng(NONCE_BYTES))
      : toHex(fromHex(params.serverNonce, 'serverNonce', NONCE_BYTES));
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
  const [derivedPublicKeyHex, instancePointHex] = statePointsToHex([derived.publicKey, round1.instancePoint]);
  const state: SignClientAwaitMsg2 = {
    kind: 'ecdsa2p/sign/client/await-msg2',
    sessionId,
    digest,
    derivedPublicKey: derivedPublicKeyHex as string,
    secretKey: scalarToHex(secretKey),
    instanceKey: scalarToHex(round1.instanceKey),
    inversionMask: scalarToHex(round1.inversionMask),
    chi: scalarToHex(Fn.create(rvole.b)),
    instancePoint: instancePointHex as string,
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
  const publicShare = mulBaseSecret(secretKey, sid, 'public-share');
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
  const [derivedPublicKeyHex, instancePointHex, publicShareHex] = statePointsToHex([
    derived.publicKey,
    round1.instancePoint,
    publicShare,
  ]);
  const next: SignServerAwaitMsg3 = {
    kind: 'ecdsa2p/sign/server/await-msg3',
    sessionId,
    digest: s.digest,
    derivedPublicKey: derivedPublicKeyHex as string,
    secretKey: scalarToHex(secretKey),
    instanceKey: scalarToHex(round1.instanceKey),
    inversionMask: scalarToHex(round1.inversionMask),
    chi: scalarToHex(chi),
    instancePoint: instancePointHex as string,
    publicShare: publicShareHex as string,
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
    instancePoint: statePointFromHex(s.instancePoint, 'state.instancePoint'),
  };
  const derivedPublicKey = statePointFromHex(s.derivedPublicKey, 'state.derivedPublicKey');
  const publicShare = mulBaseSecret(mine.secretKey, sid, 'public-share');
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
    totalInstancePoint: statePointToHex(round3.totalInstancePoint),
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
  const derivedPublicKey = statePointFromHex(s.derivedPublicKey, 'state.derivedPublicKey');
  checkPeerOpening({
    sid,
    role: 'server',
    peerCommitment: fromHex(s.peerCommitment),
    peer: msg,
    publicShare: statePointFromHex(s.publicShare, 'state.publicShare'),
    derivedPublicKey,
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
    instancePoint: statePointFromHex(s.instancePoint, 'state.instancePoint'),
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
    publicKey: derivedPublicKey,
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
    totalInstancePoint: statePointFromHex(s.totalInstancePoint, 'state.totalInstancePoint'),
    u: Fn.add(scalarFromHex(s.u, 'state.u'), msg.u),
    w: Fn.add(scalarFromHex(s.w, 'state.w'), msg.w),
    digest: fromHex(s.digest),
    publicKey: statePointFromHex(s.derivedPublicKey, 'state.derivedPublicKey'),
    culprit: 'server',
  });
  const done: SignDone = { kind: 'ecdsa2p/sign/done', role: 'client', sessionId: s.sessionId, signature };
  return { state: done, outgoing: [], output: signature };
}
