/**
 * Proactive share refresh with re-pairing (DESIGN.md §3, mpc-design §1.5.5 step 2). Both parties
 * jointly sample an offset r by commit-then-reveal and move to x'_C = x_C + r, x'_S = x_S − r, so
 * X is unchanged and an old share (e.g. an old PIN-wrapped bundle) is useless with a new one. The
 * same rounds carry a fresh OT pairing, which replaces burned correlations, and a new zero-share
 * seed. Round structure as in the DKG:
 *
 *   round 1  transcript hash of the share generation being refreshed,
 *            commit_i = H(ctx ‖ i ‖ ρ_i ‖ z_i ‖ salt_i)              + pairing message 1
 *   round 2  open ρ_i, z_i, salt_i                                  + pairing message 2
 *   round 3  transcript hash of the new generation, compared        + pairing message 3 (if any)
 *
 * r = H(ctx ‖ ρ_C ‖ ρ_S). The new share's `transcriptHash` chains on the old one, so every signing
 * session id changes and a mix of old and new shares is rejected at the first signing message.
 */
import { fromHex, toHex } from '../bytes.js';
import { InvalidArgumentError, type PartyRole, ProtocolAbortError, ProtocolStateError } from '../errors.js';
import type { Rng } from '../rng.js';
import { type Envelope, otherParty, type Step } from '../session.js';
import { taggedHash } from '../transcript.js';
import { commit, opens, SALT_BYTES } from './commitment.js';
import { Fn, G, hashToScalar, pointFromHex, pointToHex, scalarFromHex, scalarToHex } from './group.js';
import { decodeKeyShare, type Ecdsa2pKeyShare, KEY_SHARE_VERSION } from './key-share.js';
import {
  makeEnvelope,
  parseEnvelope,
  parseRefreshPayload,
  REFRESH_PROTOCOL,
  type RefreshPayload,
  type RefreshReveal,
} from './messages.js';
import { startPairing } from './ot/pairing.js';
import {
  advancePairing,
  CEREMONY_ROUNDS,
  PAIRING_ROUNDS,
  type PairingProgress,
  pairingFor,
} from './pairing-carrier.js';
import { takeState } from './state.js';

const COMMIT_TAG = 'tandem/ecdsa2p/v1/refresh/commit';

export type RefreshEnvelope = Envelope<RefreshPayload>;

export interface StartRefreshParams {
  /** The current share; a burned share may (and should) be refreshed. */
  share: Ecdsa2pKeyShare;
  /** 32-byte hex id both parties got from the driver for this ceremony. */
  sessionId: string;
  rng: Rng;
}

export interface RefreshActive extends PairingProgress {
  kind: 'ecdsa2p/refresh/active';
  consumed?: true;
  sessionId: string;
  /** The share being refreshed (secret). */
  share: Ecdsa2pKeyShare;
  round: number;
  reveal: RefreshReveal;
  ownCommitment: string;
  peerCommitment: string | null;
  /** New x_i, X_j and zero seed, known after round 2. */
  newSecretShare: string | null;
  newPeerPublicShare: string | null;
  newZeroShareSeed: string | null;
  transcriptHash: string | null;
}

export interface RefreshDone {
  kind: 'ecdsa2p/refresh/done';
  consumed?: true;
  role: PartyRole;
  keyId: string;
  epoch: number;
  transcriptHash: string;
}

export type RefreshState = RefreshActive | RefreshDone;
export type RefreshStep = Step<RefreshState, RefreshEnvelope, Ecdsa2pKeyShare>;

function refreshContext(sessionId: string, share: Ecdsa2pKeyShare): Uint8Array {
  return taggedHash(
    'tandem/ecdsa2p/v1/refresh/context',
    REFRESH_PROTOCOL,
    KEY_SHARE_VERSION,
    fromHex(sessionId),
    share.keyId,
    fromHex(share.transcriptHash),
    share.epoch,
  );
}

function commitParts(ctx: Uint8Array, role: PartyRole, reveal: RefreshReveal) {
  return [ctx, role, fromHex(reveal.offsetContribution), fromHex(reveal.zeroSeedContribution)];
}

/**
 * Starts a refresh and returns the round-1 message.
 * @throws InvalidArgumentError on a malformed share or session id.
 */
export function startRefresh(params: StartRefreshParams): RefreshStep {
  const { share } = decodeKeyShare(params?.share);
  const { sessionId, rng } = params;
  fromHex(sessionId, 'sessionId', 32);
  if (typeof rng !== 'function') throw new InvalidArgumentError('rng', 'an Rng function');
  const ctx = refreshContext(sessionId, share);
  const reveal: RefreshReveal = {
    offsetContribution: toHex(rng(32)),
    zeroSeedContribution: toHex(rng(32)),
    salt: toHex(rng(SALT_BYTES)),
  };
  const commitment = toHex(commit(COMMIT_TAG, commitParts(ctx, share.role, reveal), fromHex(reveal.salt)));
  const pairing = startPairing({
    sessionId: taggedHash('tandem/ecdsa2p/v1/refresh/pairing-session', ctx),
    role: share.role,
    rng,
  });
  const state: RefreshActive = {
    kind: 'ecdsa2p/refresh/active',
    sessionId,
    share,
    round: 1,
    reveal,
    ownCommitment: commitment,
    peerCommitment: null,
    newSecretShare: null,
    newPeerPublicShare: null,
    newZeroShareSeed: null,
    transcriptHash: null,
    pairing: pairing.state,
    pairingOutput: null,
  };
  const payload = { shareTranscriptHash: share.transcriptHash, commitment, pairing: pairing.message };
  return { state, outgoing: [makeEnvelope(REFRESH_PROTOCOL, sessionId, 1, share.role, payload)] };
}

/**
 * Feeds the peer's message of the current round; outputs the refreshed share after the last round.
 * The input share object is never modified: the driver replaces it only once it has the output
 * (and should keep the old one until the peer confirmed, e.g. by a first signature).
 * @throws InvalidMessageError, ProtocolAbortError (culprit = peer), ProtocolStateError.
 */
export function receiveRefresh(state: RefreshState, message: unknown, rng: Rng): RefreshStep {
  const s = takeState<RefreshState>(state, ['ecdsa2p/refresh/active'], REFRESH_PROTOCOL) as RefreshActive;
  const role = s.share.role;
  const peer = otherParty(role);
  const round = s.round;
  const env = parseEnvelope(message, { protocol: REFRESH_PROTOCOL, sessionId: s.sessionId, round, from: peer });
  const msg = parseRefreshPayload(env.payload, round, peer, PAIRING_ROUNDS);
  const ctx = refreshContext(s.sessionId, s.share);
  const abort = (reason: string, detail: string): never => {
    throw new ProtocolAbortError({ culprit: peer, reason, detail });
  };
  const next: RefreshActive = { ...s, round: round + 1 };

  if (msg.shareTranscriptHash && toHex(msg.shareTranscriptHash) !== s.share.transcriptHash) {
    abort('share-generation-mismatch', 'the peer is refreshing another generation of this key');
  }
  if (msg.commitment) next.peerCommitment = toHex(msg.commitment);
  if (msg.reveal) {
    const peerReveal: RefreshReveal = {
      offsetContribution: toHex(msg.reveal.offsetContribution),
      zeroSeedContribution: toHex(msg.reveal.zeroSeedContribution),
      salt: toHex(msg.reveal.salt),
    };
    if (!opens(COMMIT_TAG, fromHex(s.peerCommitment as string), commitParts(ctx, peer, peerReveal), msg.reveal.salt)) {
      abort('commitment-mismatch', 'the round-2 opening does not match the round-1 commitment');
    }
    const [client, server] = role === 'client' ? [s.reveal, peerReveal] : [peerReveal, s.reveal];
    const offset = hashToScalar(
      'tandem/ecdsa2p/v1/refresh/offset',
      ctx,
      fromHex(client.offsetContribution),
      fromHex(server.offsetContribution),
    );
    // x'_C = x_C + r, x'_S = x_S − r; each side moves the peer's public share the other way.
    const sign = role === 'client' ? 1n : -1n;
    const oldSecret = scalarFromHex(s.share.secretShare, 'state.share.secretShare');
    const newSecret = Fn.add(oldSecret, Fn.create(sign * offset));
    if (newSecret === 0n) abort('share-zero', 'the refreshed share would be zero');
    const offsetPoint = G.multiply(offset);
    const oldPeer = pointFromHex(s.share.peerPublicShare, 'state.share.peerPublicShare');
    const newPeer = role === 'client' ? oldPeer.subtract(offsetPoint) : oldPeer.add(offsetPoint);
    if (newPeer.is0()) abort('share-zero', 'the refreshed peer share would be zero');
    const newOwn = G.multiply(newSecret);
    const [clientShare, serverShare] = role === 'client' ? [newOwn, newPeer] : [newPeer, newOwn];
    const [commitC, commitS] =
      role === 'client' ? [s.ownCommitment, s.peerCommitment as string] : [s.peerCommitment as string, s.ownCommitment];
    next.newSecretShare = scalarToHex(newSecret);
    next.newPeerPublicShare = pointToHex(newPeer);
    next.newZeroShareSeed = toHex(
      taggedHash(
        'tandem/ecdsa2p/v1/refresh/zero-share-seed',
        ctx,
        fromHex(client.zeroSeedContribution),
        fromHex(server.zeroSeedContribution),
      ),
    );
    next.transcriptHash = toHex(
      taggedHash(
        'tandem/ecdsa2p/v1/refresh/transcript',
        ctx,
        fromHex(commitC),
        fromHex(commitS),
        clientShare.toBytes(true),
        serverShare.toBytes(true),
        fromHex(s.share.publicKey),
      ),
    );
  }
  if (msg.transcriptHash && toHex(msg.transcriptHash) !== s.transcriptHash) {
    abort('transcript-mismatch', 'the peer ended the refresh with another transcript hash');
  }

  const paired = advancePairing(s, msg.pairing, rng);
  next.pairing = paired.progress.pairing;
  next.pairingOutput = paired.progress.pairingOutput;

  if (round < CEREMONY_ROUNDS) {
    const ourRound = round + 1;
    const own =
      ourRound === 2 ? { reveal: s.reveal } : ourRound === 3 ? { transcriptHash: next.transcriptHash as string } : {};
    const payload = { ...own, ...pairingFor(ourRound, paired.next) } as RefreshPayload;
    return { state: next, outgoing: [makeEnvelope(REFRESH_PROTOCOL, s.sessionId, ourRound, role, payload)] };
  }
  return finish(next);
}

function finish(s: RefreshActive): RefreshStep {
  if (!s.pairingOutput || !s.newSecretShare || !s.newPeerPublicShare || !s.newZeroShareSeed || !s.transcriptHash) {
    throw new ProtocolStateError({ expected: 'a completed refresh and pairing', actual: 'missing outputs' });
  }
  const secret = scalarFromHex(s.newSecretShare, 'state.newSecretShare');
  const publicShare = G.multiply(secret);
  const peerPublicShare = pointFromHex(s.newPeerPublicShare, 'state.newPeerPublicShare');
  if (!publicShare.add(peerPublicShare).equals(pointFromHex(s.share.publicKey, 'state.share.publicKey'))) {
    throw new ProtocolStateError({ expected: "x'_i·G + X'_j = X", actual: 'a mismatch' });
  }
  const share: Ecdsa2pKeyShare = {
    ...s.share,
    epoch: s.share.epoch + 1,
    secretShare: s.newSecretShare,
    publicShare: pointToHex(publicShare),
    peerPublicShare: s.newPeerPublicShare,
    transcriptHash: s.transcriptHash,
    zeroShareSeed: s.newZeroShareSeed,
    ot: { sender: s.pairingOutput.sender, receiver: s.pairingOutput.receiver },
    burned: false,
  };
  const done: RefreshDone = {
    kind: 'ecdsa2p/refresh/done',
    role: share.role,
    keyId: share.keyId,
    epoch: share.epoch,
    transcriptHash: share.transcriptHash,
  };
  return { state: done, outgoing: [], output: share };
}
