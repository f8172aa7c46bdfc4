/**
 * Two-party FROST distributed key generation (2-of-2), driven as a message-passing state machine
 * around noble's split-round DKG (mpc-design §2.1.1; the frost-rs round API, Pedersen DKG with
 * Schnorr proofs of knowledge as in FROST [KG20] Figure 1).
 *
 *   start(params)                      → round 1 out: VSS commitments, proof of knowledge,
 *                                          commitment to a chain-code share
 *   receive(await-round1, peer round 1) → checks the proof (noble round2) → round 2 out: the peer's
 *                                          secret share f_self(id_peer) and the chain-code share
 *   receive(await-round2, peer round 2) → checks the chain-code opening and the share against the
 *                                          peer's commitments (noble round3) → output key share
 *
 * Both parties start independently and exchange both rounds (1 round trip each way, twice).
 * Round 2 carries a secret share: the transport must be confidential (TLS to Node 2) as well as
 * authenticated. The chain code is c = H(sid, c_client, c_server), committed in round 1 before
 * either share is revealed, so neither party can choose it (TOB-SILA-7).
 * Used for the Taproot root (`secp256k1`); generic over the group.
 */
import { equalBytes, fromHex, toHex } from '../bytes.js';
import { InvalidArgumentError, type PartyRole, ProtocolAbortError } from '../errors.js';
import type { Rng } from '../rng.js';
import { type Envelope, otherParty, type Step } from '../session.js';
import { taggedHash } from '../transcript.js';
import {
  assertValidKeyShare,
  defaultIdentifiers,
  type FrostIdentifiers,
  type FrostKeyShare,
  fromNobleKey,
  identifierScalar,
} from './key-share.js';
import { assertLabel, frostSessionId } from './session-id.js';
import { takeState } from './state.js';
import { type FrostGroup, groupInfo, isFrostGroup, nobleRng } from './suites.js';
import {
  assertExactKeys,
  invalid,
  makeEnvelope,
  openEnvelope,
  readHex,
  readIdentifier,
  readPointValue,
  readScalar,
  type WireContext,
} from './wire.js';

const PROTOCOL = 'frost/dkg' as const;
const SIGNERS = { min: 2, max: 2 } as const;

export interface FrostDkgParams {
  role: PartyRole;
  group: FrostGroup;
  keyId: string;
  ceremonyId: string;
  rng: Rng;
}

/** Round 1 (both directions): noble's `DKG_Round1` plus the chain-code commitment. */
export interface DkgRound1Payload {
  identifier: string;
  commitment: string[];
  proofOfKnowledge: string;
  chainCodeCommitment: string;
}

/** Round 2 (both directions, confidential): the receiver's share of the sender's polynomial. */
export interface DkgRound2Payload {
  identifier: string;
  signingShare: string;
  chainCodeShare: string;
}

export type FrostDkgMessage = Envelope<DkgRound1Payload> | Envelope<DkgRound2Payload>;

interface DkgSecret {
  coefficients: string[];
  chainCodeShare: string;
}

interface DkgCommon {
  consumed: boolean;
  role: PartyRole;
  group: FrostGroup;
  sessionId: string;
  identifiers: FrostIdentifiers;
  ownRound1: DkgRound1Payload;
}

export type FrostDkgState =
  | (DkgCommon & { kind: 'frost-dkg/await-round1'; secret: DkgSecret | null })
  | (DkgCommon & { kind: 'frost-dkg/await-round2'; secret: DkgSecret | null; peerRound1: DkgRound1Payload })
  | {
      kind: 'frost-dkg/done';
      consumed: boolean;
      secret: null;
      role: PartyRole;
      sessionId: string;
      groupPublicKey: string;
    };

export interface FrostDkgOutput {
  keyShare: FrostKeyShare;
  /** Jointly random 32-byte chain code (hex) for non-hardened BIP32 below this root. */
  chainCode: string;
  groupPublicKey: string;
}

export type FrostDkgStep = Step<FrostDkgState, FrostDkgMessage, FrostDkgOutput>;

function chainCodeCommitment(sessionId: string, role: PartyRole, share: Uint8Array): Uint8Array {
  return taggedHash('tandem/frost/v1/dkg/chain-code-commit', fromHex(sessionId), role, share);
}

export function frostDkgSessionId(params: Pick<FrostDkgParams, 'group' | 'keyId' | 'ceremonyId'>): string {
  return frostSessionId({
    protocol: PROTOCOL,
    keyId: params.keyId,
    ceremonyId: params.ceremonyId,
    identifiers: defaultIdentifiers(params.group),
    scheme: `dkg-${params.group}`,
  });
}

/** Starts the DKG for one party and returns its round-1 message. */
export function startFrostDkg(params: FrostDkgParams): FrostDkgStep {
  if (params.role !== 'client' && params.role !== 'server')
    throw new InvalidArgumentError('role', "'client' or 'server'", String(params.role));
  if (!isFrostGroup(params.group))
    throw new InvalidArgumentError('group', "'ed25519' or 'secp256k1'", String(params.group));
  assertLabel(params.keyId, 'keyId');
  assertLabel(params.ceremonyId, 'ceremonyId');
  if (typeof params.rng !== 'function') throw new InvalidArgumentError('rng', 'an Rng function', typeof params.rng);
  const info = groupInfo(params.group);
  const identifiers = defaultIdentifiers(params.group);
  const sessionId = frostDkgSessionId(params);
  const r1 = info.frost.DKG.round1(identifiers[params.role], SIGNERS, undefined, nobleRng(params.rng));
  const chainCodeShare = params.rng(32);
  const ownRound1: DkgRound1Payload = {
    identifier: r1.public.identifier,
    commitment: r1.public.commitment.map((c) => toHex(c)),
    proofOfKnowledge: toHex(r1.public.proofOfKnowledge),
    chainCodeCommitment: toHex(chainCodeCommitment(sessionId, params.role, chainCodeShare)),
  };
  const state: FrostDkgState = {
    kind: 'frost-dkg/await-round1',
    consumed: false,
    role: params.role,
    group: params.group,
    sessionId,
    identifiers,
    ownRound1,
    secret: {
      coefficients: (r1.secret.coefficients ?? []).map((c) => toHex(info.Fn.toBytes(c))),
      chainCodeShare: toHex(chainCodeShare),
    },
  };
  info.frost.DKG.clean(r1.secret);
  return { state, outgoing: [makeEnvelope(PROTOCOL, sessionId, 1, params.role, ownRound1)] };
}

function parseRound1(group: FrostGroup, payload: unknown, peerId: string, ctx: WireContext): DkgRound1Payload {
  const info = groupInfo(group);
  const obj = assertExactKeys(
    payload,
    ['identifier', 'commitment', 'proofOfKnowledge', 'chainCodeCommitment'],
    'payload',
    ctx,
  );
  readIdentifier(obj, 'identifier', peerId, ctx);
  const commitment = obj.commitment;
  if (!Array.isArray(commitment) || commitment.length !== SIGNERS.min)
    throw invalid(ctx, 'commitment', `an array of ${SIGNERS.min} points`);
  for (const [i, c] of commitment.entries()) readPointValue(group, c, `commitment[${i}]`, ctx);
  readHex(obj, 'proofOfKnowledge', info.pointBytes + info.scalarBytes, ctx);
  readHex(obj, 'chainCodeCommitment', 32, ctx);
  return obj as unknown as DkgRound1Payload;
}

function nobleRound1(p: DkgRound1Payload) {
  return {
    identifier: p.identifier,
    commitment: p.commitment.map((c) => fromHex(c)),
    proofOfKnowledge: fromHex(p.proofOfKnowledge),
  };
}

function nobleSecret(state: DkgCommon, secret: DkgSecret, step: 1 | 2, peerRound1?: DkgRound1Payload) {
  const info = groupInfo(state.group);
  return {
    identifier: identifierScalar(state.group, state.identifiers[state.role]),
    coefficients: secret.coefficients.map((c) => info.Fn.fromBytes(fromHex(c))),
    commitment: state.ownRound1.commitment.map((c) => fromHex(c)),
    signers: { ...SIGNERS },
    step,
    ...(peerRound1 ? { round1Cache: [nobleRound1(peerRound1)] } : {}),
  };
}

/** Feeds one peer message to the DKG. */
export function receiveFrostDkg(state: FrostDkgState, message: unknown): FrostDkgStep {
  const s = takeState(state, ['frost-dkg/await-round1', 'frost-dkg/await-round2']);
  const peer = otherParty(s.role);
  const peerId = s.identifiers[peer];
  const info = groupInfo(s.group);
  const secret = s.secret as DkgSecret;

  if (s.kind === 'frost-dkg/await-round1') {
    const ctx: WireContext = { peer, round: 1 };
    const payload = openEnvelope(message, { protocol: PROTOCOL, sessionId: s.sessionId, round: 1, peer });
    const peerRound1 = parseRound1(s.group, payload, peerId, ctx);
    const dkgSecret = nobleSecret(s, secret, 1);
    let shares: Record<string, { identifier: string; signingShare: Uint8Array }>;
    try {
      // noble round2 verifies the peer's Schnorr proof of knowledge of its constant term (binds the
      // identifier, which stops a rogue-key copy of our commitments) and evaluates our polynomial.
      shares = info.frost.DKG.round2(dkgSecret, [nobleRound1(peerRound1)]);
    } catch (cause) {
      throw new ProtocolAbortError({
        culprit: peer,
        reason: 'proof-of-knowledge',
        detail: `round 1 proof of knowledge did not verify (${(cause as Error).message})`,
      });
    } finally {
      info.frost.DKG.clean(dkgSecret);
    }
    const forPeer = shares[peerId];
    if (!forPeer) throw new Error('internal: noble round2 returned no share for the peer');
    const outgoing: DkgRound2Payload = {
      identifier: forPeer.identifier,
      signingShare: toHex(forPeer.signingShare),
      chainCodeShare: secret.chainCodeShare,
    };
    forPeer.signingShare.fill(0);
    const next: FrostDkgState = { ...s, kind: 'frost-dkg/await-round2', consumed: false, secret, peerRound1 };
    return { state: next, outgoing: [makeEnvelope(PROTOCOL, s.sessionId, 2, s.role, outgoing)] };
  }

  const ctx: WireContext = { peer, round: 2 };
  const payload = openEnvelope(message, { protocol: PROTOCOL, sessionId: s.sessionId, round: 2, peer });
  const obj = assertExactKeys(payload, ['identifier', 'signingShare', 'chainCodeShare'], 'payload', ctx);
  readIdentifier(obj, 'identifier', peerId, ctx);
  const share = readScalar(s.group, obj, 'signingShare', ctx);
  const peerChainCodeShare = readHex(obj, 'chainCodeShare', 32, ctx);
  const expectedCommitment = chainCodeCommitment(s.sessionId, peer, peerChainCodeShare);
  if (!equalBytes(expectedCommitment, fromHex(s.peerRound1.chainCodeCommitment)))
    throw new ProtocolAbortError({
      culprit: peer,
      reason: 'chain-code-commitment',
      detail: 'revealed chain-code share does not open the round-1 commitment',
    });
  const dkgSecret = nobleSecret(s, secret, 2, s.peerRound1);
  let key: ReturnType<typeof info.frost.DKG.round3>;
  try {
    // noble round3 checks g^share == Σ C_peer,j · id^j (Feldman VSS) before summing the shares.
    key = info.frost.DKG.round3(
      dkgSecret,
      [nobleRound1(s.peerRound1)],
      [{ identifier: peerId, signingShare: share.bytes }],
    );
  } catch (cause) {
    throw new ProtocolAbortError({
      culprit: peer,
      reason: 'share-commitment-mismatch',
      detail: `round 2 share does not match the round 1 commitments (${(cause as Error).message})`,
    });
  } finally {
    info.frost.DKG.clean(dkgSecret);
    share.bytes.fill(0);
  }
  const keyShare = fromNobleKey(s.group, s.role, s.identifiers, key);
  key.secret.signingShare.fill(0);
  assertValidKeyShare(keyShare);
  const [clientCc, serverCc] =
    s.role === 'client'
      ? [fromHex(secret.chainCodeShare), peerChainCodeShare]
      : [peerChainCodeShare, fromHex(secret.chainCodeShare)];
  const chainCode = toHex(taggedHash('tandem/frost/v1/dkg/chain-code', fromHex(s.sessionId), clientCc, serverCc));
  const groupPublicKey = keyShare.commitments[0] as string;
  return {
    state: {
      kind: 'frost-dkg/done',
      consumed: true,
      secret: null,
      role: s.role,
      sessionId: s.sessionId,
      groupPublicKey,
    },
    outgoing: [],
    output: { keyShare, chainCode, groupPublicKey },
  };
}
