/**
 * Distributed key generation for two-party ECDSA (n = t = 2, additive shares x = x_C + x_S),
 * mpc-design §1.5.2, with the OT pairing carried in the same rounds. Both parties send one message
 * per round, each depending only on the peer's earlier rounds:
 *
 *   round 1  commit_i = H(ctx ‖ i ‖ X_i ‖ PoK_i ‖ c_i ‖ z_i ‖ salt_i)   + pairing message 1
 *   round 2  open: X_i, Schnorr PoK of x_i, chain-code contribution c_i,
 *            zero-share seed contribution z_i, salt_i               + pairing message 2
 *   round 3  DKG transcript hash, compared by both                  + pairing message 3 (if any)
 *
 * Then X = X_C + X_S, chain = H(c_C ‖ c_S) (TOB-SILA-7), zero seed = H(z_C ‖ z_S). Commit-then-reveal
 * stops either party choosing X_i, c_i or z_i after seeing the other's; the PoK (bound to the
 * session, key id and role) stops rogue-key choices of X_i. Nobody ever sees the other's x_j.
 */
import { fromHex, toHex } from '../bytes.js';
import { InvalidArgumentError, type PartyRole, ProtocolAbortError, ProtocolStateError } from '../errors.js';
import type { Rng } from '../rng.js';
import { type Envelope, otherParty, type Step } from '../session.js';
import { taggedHash } from '../transcript.js';
import { commit, opens, SALT_BYTES } from './commitment.js';
import { G, hedgedScalar, pointFromHex, pointToHex, scalarFromHex, scalarToBytes, scalarToHex } from './group.js';
import { type Ecdsa2pKeyShare, KEY_ID_PATTERN, KEY_SHARE_VERSION } from './key-share.js';
import {
  DKG_PROTOCOL,
  type DkgPayload,
  type DkgReveal,
  makeEnvelope,
  parseDkgPayload,
  parseEnvelope,
} from './messages.js';
import { startPairing } from './ot/pairing.js';
import {
  advancePairing,
  CEREMONY_ROUNDS,
  PAIRING_ROUNDS,
  type PairingProgress,
  pairingFor,
} from './pairing-carrier.js';
import { proveDlog, verifyDlog } from './schnorr-proof.js';
import { takeState } from './state.js';

const COMMIT_TAG = 'tandem/ecdsa2p/v1/dkg/commit';

export type DkgEnvelope = Envelope<DkgPayload>;

export interface StartDkgParams {
  role: PartyRole;
  /** Driver-chosen key id (e.g. the relay's wallet id), bound into every hash; `KEY_ID_PATTERN`. */
  keyId: string;
  /** 32-byte hex id both parties got from the driver for this ceremony. */
  sessionId: string;
  rng: Rng;
}

/** A party mid-DKG. Holds x_i until the share is output. */
export interface DkgActive extends PairingProgress {
  kind: 'ecdsa2p/dkg/active';
  consumed?: true;
  role: PartyRole;
  keyId: string;
  sessionId: string;
  /** The peer round we expect next (1-based). */
  round: number;
  secretShare: string;
  reveal: DkgReveal;
  ownCommitment: string;
  peerCommitment: string | null;
  peerPublicShare: string | null;
  publicKey: string | null;
  chainCode: string | null;
  zeroShareSeed: string | null;
  transcriptHash: string | null;
}

/** Terminal state: public data only. */
export interface DkgDone {
  kind: 'ecdsa2p/dkg/done';
  consumed?: true;
  role: PartyRole;
  keyId: string;
  publicKey: string;
  transcriptHash: string;
}

export type DkgState = DkgActive | DkgDone;
export type DkgStep = Step<DkgState, DkgEnvelope, Ecdsa2pKeyShare>;

/** Context hashed into every DKG commitment, proof and sub-session id. */
function dkgContext(sessionId: string, keyId: string): Uint8Array {
  return taggedHash('tandem/ecdsa2p/v1/dkg/context', DKG_PROTOCOL, KEY_SHARE_VERSION, fromHex(sessionId), keyId);
}

function proofContext(ctx: Uint8Array, role: PartyRole): Uint8Array {
  return taggedHash('tandem/ecdsa2p/v1/dkg/proof-context', ctx, role);
}

/**
 * The round-1 commitment of `role` to `reveal` in this DKG session. Exported so tests can play a
 * peer that commits to chosen (e.g. malformed) values; the protocol itself calls it internally.
 */
export function commitDkgReveal(sessionId: string, keyId: string, role: PartyRole, reveal: DkgReveal): string {
  const ctx = dkgContext(sessionId, keyId);
  return toHex(commit(COMMIT_TAG, commitParts(ctx, role, reveal), fromHex(reveal.salt)));
}

/** The context a party's Schnorr proof is bound to (exported for the same tests). */
export function dkgProofContext(sessionId: string, keyId: string, role: PartyRole): Uint8Array {
  return proofContext(dkgContext(sessionId, keyId), role);
}

function commitParts(ctx: Uint8Array, role: PartyRole, reveal: DkgReveal) {
  return [
    ctx,
    role,
    fromHex(reveal.publicShare),
    fromHex(reveal.proofCommitment),
    fromHex(reveal.proofResponse),
    fromHex(reveal.chainContribution),
    fromHex(reveal.zeroSeedContribution),
  ];
}

/**
 * Starts the DKG: samples x_i, c_i, z_i, proves knowledge of x_i and returns the round-1 message.
 * @throws InvalidArgumentError on a bad role, key id or session id.
 */
export function startDkg(params: StartDkgParams): DkgStep {
  const { role, keyId, sessionId, rng } = params;
  if (role !== 'client' && role !== 'server')
    throw new InvalidArgumentError('role', '"client" or "server"', String(role));
  if (typeof keyId !== 'string' || !KEY_ID_PATTERN.test(keyId)) {
    throw new InvalidArgumentError('keyId', `a key id matching ${KEY_ID_PATTERN}`);
  }
  fromHex(sessionId, 'sessionId', 32);
  const ctx = dkgContext(sessionId, keyId);
  const secret = hedgedScalar(rng, new Uint8Array(0), ctx, `dkg-share-${role}`);
  const publicShare = G.multiply(secret);
  const proof = proveDlog(secret, publicShare, proofContext(ctx, role), rng);
  const reveal: DkgReveal = {
    publicShare: pointToHex(publicShare),
    proofCommitment: pointToHex(proof.commitment),
    proofResponse: scalarToHex(proof.response),
    chainContribution: toHex(rng(32)),
    zeroSeedContribution: toHex(rng(32)),
    salt: toHex(rng(SALT_BYTES)),
  };
  const commitment = commitDkgReveal(sessionId, keyId, role, reveal);
  const pairing = startPairing({
    sessionId: taggedHash('tandem/ecdsa2p/v1/dkg/pairing-session', ctx),
    role,
    rng,
  });
  const state: DkgActive = {
    kind: 'ecdsa2p/dkg/active',
    role,
    keyId,
    sessionId,
    round: 1,
    secretShare: scalarToHex(secret),
    reveal,
    ownCommitment: commitment,
    peerCommitment: null,
    peerPublicShare: null,
    publicKey: null,
    chainCode: null,
    zeroShareSeed: null,
    transcriptHash: null,
    pairing: pairing.state,
    pairingOutput: null,
  };
  const payload = { commitment, pairing: pairing.message };
  return { state, outgoing: [makeEnvelope(DKG_PROTOCOL, sessionId, 1, role, payload)] };
}

/**
 * Feeds the peer's message of the current round. Returns our next message, or the key share when
 * the last round is in.
 * @throws InvalidMessageError, ProtocolAbortError (culprit = peer), ProtocolStateError.
 */
export function receiveDkg(state: DkgState, message: unknown, rng: Rng): DkgStep {
  const s = takeState<DkgState>(state, ['ecdsa2p/dkg/active'], DKG_PROTOCOL) as DkgActive;
  const peer = otherParty(s.role);
  const round = s.round;
  const env = parseEnvelope(message, { protocol: DKG_PROTOCOL, sessionId: s.sessionId, round, from: peer });
  const msg = parseDkgPayload(env.payload, round, peer, PAIRING_ROUNDS);
  const ctx = dkgContext(s.sessionId, s.keyId);
  const abort = (reason: string, detail: string): never => {
    throw new ProtocolAbortError({ culprit: peer, reason, detail });
  };
  const next: DkgActive = { ...s, round: round + 1 };

  // The DKG's own checks run before the (costlier) pairing step.
  if (msg.commitment) next.peerCommitment = toHex(msg.commitment);
  if (msg.reveal) {
    const r = msg.reveal;
    const peerReveal: DkgReveal = {
      publicShare: pointToHex(r.publicShare),
      proofCommitment: pointToHex(r.proofCommitment),
      proofResponse: scalarToHex(r.proofResponse),
      chainContribution: toHex(r.chainContribution),
      zeroSeedContribution: toHex(r.zeroSeedContribution),
      salt: toHex(r.salt),
    };
    if (!opens(COMMIT_TAG, fromHex(s.peerCommitment as string), commitParts(ctx, peer, peerReveal), r.salt)) {
      abort('commitment-mismatch', 'the round-2 opening does not match the round-1 commitment');
    }
    if (
      !verifyDlog(r.publicShare, { commitment: r.proofCommitment, response: r.proofResponse }, proofContext(ctx, peer))
    ) {
      abort('proof-invalid', 'the Schnorr proof of knowledge of x_j does not verify');
    }
    const ownPublicShare = pointFromHex(s.reveal.publicShare, 'state.reveal.publicShare');
    const publicKey = ownPublicShare.add(r.publicShare);
    if (publicKey.is0()) abort('public-key-identity', 'X_C + X_S is the point at infinity');
    const [client, server] = s.role === 'client' ? [s.reveal, peerReveal] : [peerReveal, s.reveal];
    const chainCode = taggedHash(
      'tandem/ecdsa2p/v1/chain-code',
      fromHex(client.chainContribution),
      fromHex(server.chainContribution),
    );
    const zeroSeed = taggedHash(
      'tandem/ecdsa2p/v1/zero-share-seed',
      fromHex(client.zeroSeedContribution),
      fromHex(server.zeroSeedContribution),
    );
    const [commitC, commitS] =
      s.role === 'client'
        ? [s.ownCommitment, s.peerCommitment as string]
        : [s.peerCommitment as string, s.ownCommitment];
    next.peerPublicShare = peerReveal.publicShare;
    next.publicKey = pointToHex(publicKey);
    next.chainCode = toHex(chainCode);
    next.zeroShareSeed = toHex(zeroSeed);
    next.transcriptHash = toHex(
      taggedHash(
        'tandem/ecdsa2p/v1/dkg/transcript',
        ctx,
        fromHex(commitC),
        fromHex(commitS),
        fromHex(client.publicShare),
        fromHex(server.publicShare),
        publicKey.toBytes(true),
        chainCode,
      ),
    );
  }
  if (msg.transcriptHash && toHex(msg.transcriptHash) !== s.transcriptHash) {
    abort('transcript-mismatch', 'the peer ended the DKG with another transcript hash');
  }

  const paired = advancePairing(s, msg.pairing, rng);
  next.pairing = paired.progress.pairing;
  next.pairingOutput = paired.progress.pairingOutput;

  if (round < CEREMONY_ROUNDS) {
    const ourRound = round + 1;
    const own =
      ourRound === 2 ? { reveal: s.reveal } : ourRound === 3 ? { transcriptHash: next.transcriptHash as string } : {};
    const payload = { ...own, ...pairingFor(ourRound, paired.next) } as DkgPayload;
    return { state: next, outgoing: [makeEnvelope(DKG_PROTOCOL, s.sessionId, ourRound, s.role, payload)] };
  }
  return finish(next);
}

function finish(s: DkgActive): DkgStep {
  if (!s.pairingOutput || !s.publicKey || !s.transcriptHash || !s.peerPublicShare || !s.chainCode || !s.zeroShareSeed) {
    throw new ProtocolStateError({ expected: 'a completed DKG and pairing', actual: 'missing outputs' });
  }
  // Recheck our own arithmetic before handing the share out.
  const secret = scalarFromHex(s.secretShare, 'state.secretShare');
  if (!G.multiply(secret).add(pointFromHex(s.peerPublicShare, 'peer')).equals(pointFromHex(s.publicKey, 'publicKey'))) {
    throw new ProtocolStateError({ expected: 'x_i·G + X_j = X', actual: 'a mismatch' });
  }
  const share: Ecdsa2pKeyShare = {
    version: KEY_SHARE_VERSION,
    role: s.role,
    keyId: s.keyId,
    epoch: 0,
    publicKey: s.publicKey,
    secretShare: toHex(scalarToBytes(secret)),
    publicShare: s.reveal.publicShare,
    peerPublicShare: s.peerPublicShare,
    chainCode: s.chainCode,
    transcriptHash: s.transcriptHash,
    zeroShareSeed: s.zeroShareSeed,
    ot: { sender: s.pairingOutput.sender, receiver: s.pairingOutput.receiver },
    burned: false,
  };
  const done: DkgDone = {
    kind: 'ecdsa2p/dkg/done',
    role: s.role,
    keyId: s.keyId,
    publicKey: s.publicKey,
    transcriptHash: s.transcriptHash,
  };
  return { state: done, outgoing: [], output: share };
}
