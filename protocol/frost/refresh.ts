/**
 * Two-party proactive share refresh for a 2-of-2 FROST key (used on every PIN change/reset,
 * DESIGN.md §3–§4): both parties add a sharing of zero, so the group key stays the same and shares
 * from before the refresh no longer combine with shares from after it.
 *
 *   zero-sharing polynomial  δ(x) = a·x        (δ(0) = 0)
 *   new shares               s_i' = s_i + a·id_i   (client s_1 += a, server s_2 += 2a)
 *   new commitments          C_0' = C_0, C_1' = C_1 + a·G;  Y_i' = Y_i + (a·id_i)·G
 *
 * a = a_client + a_server is jointly random: round 1 commits to each part, round 2 opens it, so
 * neither party can pick a after seeing the other's (commit-reveal). Both parties learn a; the
 * refresh protects against a thief holding an *old* share of one party, not against the other
 * party itself (which could always just keep its own old share).
 */
import { equalBytes, fromHex, toHex } from '../bytes.js';
import { InvalidArgumentError, type PartyRole, ProtocolAbortError } from '../errors.js';
import type { Rng } from '../rng.js';
import { type Envelope, otherParty, type Step } from '../session.js';
import { taggedHash } from '../transcript.js';
import {
  assertValidKeyShare,
  type FrostKeyShare,
  type FrostPublicPackage,
  identifierScalar,
  publicPackage,
  publicPackageDigest,
} from './key-share.js';
import { assertLabel, frostSessionId } from './session-id.js';
import { takeState } from './state.js';
import { groupInfo, nobleRng } from './suites.js';
import {
  assertExactKeys,
  makeEnvelope,
  openEnvelope,
  readHex,
  readIdentifier,
  readScalar,
  type WireContext,
} from './wire.js';

const PROTOCOL = 'frost/refresh' as const;

export interface FrostRefreshParams {
  role: PartyRole;
  keyShare: FrostKeyShare;
  keyId: string;
  ceremonyId: string;
  rng: Rng;
}

/** Round 1: commitment to this party's part of the zero-sharing coefficient. */
export interface RefreshRound1Payload {
  identifier: string;
  commitment: string;
}

/** Round 2 (confidential): the opening, i.e. the part a_i itself. */
export interface RefreshRound2Payload {
  identifier: string;
  offset: string;
}

export type FrostRefreshMessage = Envelope<RefreshRound1Payload> | Envelope<RefreshRound2Payload>;

interface RefreshSecret {
  signingShare: string;
  offset: string;
}

interface RefreshCommon {
  consumed: boolean;
  role: PartyRole;
  sessionId: string;
  publicPackage: FrostPublicPackage;
}

export type FrostRefreshState =
  | (RefreshCommon & { kind: 'frost-refresh/await-round1'; secret: RefreshSecret | null })
  | (RefreshCommon & { kind: 'frost-refresh/await-round2'; secret: RefreshSecret | null; peerCommitment: string })
  | { kind: 'frost-refresh/done'; consumed: boolean; secret: null; role: PartyRole; sessionId: string };

export interface FrostRefreshOutput {
  /** The refreshed share: same group key, new signing share, commitments and verifying shares. */
  keyShare: FrostKeyShare;
}

export type FrostRefreshStep = Step<FrostRefreshState, FrostRefreshMessage, FrostRefreshOutput>;

function offsetCommitment(sessionId: string, role: PartyRole, offset: Uint8Array): Uint8Array {
  return taggedHash('tandem/frost/v1/refresh/commit', fromHex(sessionId), role, offset);
}

export function frostRefreshSessionId(
  params: Pick<FrostRefreshParams, 'keyId' | 'ceremonyId'> & { publicPackage: FrostPublicPackage },
): string {
  return frostSessionId({
    protocol: PROTOCOL,
    keyId: params.keyId,
    ceremonyId: params.ceremonyId,
    identifiers: params.publicPackage.identifiers,
    scheme: `refresh-${params.publicPackage.group}`,
    publicPackageDigest: publicPackageDigest(params.publicPackage),
  });
}

export function startFrostRefresh(params: FrostRefreshParams): FrostRefreshStep {
  if (params.role !== 'client' && params.role !== 'server')
    throw new InvalidArgumentError('role', "'client' or 'server'", String(params.role));
  assertValidKeyShare(params.keyShare);
  if (params.keyShare.role !== params.role)
    throw new InvalidArgumentError('keyShare.role', params.role, params.keyShare.role);
  if (params.keyShare.signers.max !== 2 || params.keyShare.commitments.length !== 2)
    throw new InvalidArgumentError('keyShare.signers', '2-of-2 key (min = max = 2)');
  assertLabel(params.keyId, 'keyId');
  assertLabel(params.ceremonyId, 'ceremonyId');
  if (typeof params.rng !== 'function') throw new InvalidArgumentError('rng', 'an Rng function', typeof params.rng);
  const info = groupInfo(params.keyShare.group);
  const pkg = publicPackage(params.keyShare);
  const sessionId = frostRefreshSessionId({ ...params, publicPackage: pkg });
  const offset = info.frost.utils.randomScalar(nobleRng(params.rng));
  const payload: RefreshRound1Payload = {
    identifier: pkg.identifiers[params.role],
    commitment: toHex(offsetCommitment(sessionId, params.role, offset)),
  };
  const state: FrostRefreshState = {
    kind: 'frost-refresh/await-round1',
    consumed: false,
    role: params.role,
    sessionId,
    publicPackage: pkg,
    secret: { signingShare: params.keyShare.signingShare, offset: toHex(offset) },
  };
  offset.fill(0);
  return { state, outgoing: [makeEnvelope(PROTOCOL, sessionId, 1, params.role, payload)] };
}

export function receiveFrostRefresh(state: FrostRefreshState, message: unknown): FrostRefreshStep {
  const s = takeState(state, ['frost-refresh/await-round1', 'frost-refresh/await-round2']);
  const peer = otherParty(s.role);
  const pkg = s.publicPackage;
  const peerId = pkg.identifiers[peer];
  const secret = s.secret as RefreshSecret;

  if (s.kind === 'frost-refresh/await-round1') {
    const ctx: WireContext = { peer, round: 1 };
    const payload = openEnvelope(message, { protocol: PROTOCOL, sessionId: s.sessionId, round: 1, peer });
    const obj = assertExactKeys(payload, ['identifier', 'commitment'], 'payload', ctx);
    readIdentifier(obj, 'identifier', peerId, ctx);
    const peerCommitment = toHex(readHex(obj, 'commitment', 32, ctx));
    const out: RefreshRound2Payload = { identifier: pkg.identifiers[s.role], offset: secret.offset };
    return {
      state: { ...s, kind: 'frost-refresh/await-round2', consumed: false, secret, peerCommitment },
      outgoing: [makeEnvelope(PROTOCOL, s.sessionId, 2, s.role, out)],
    };
  }

  const ctx: WireContext = { peer, round: 2 };
  const payload = openEnvelope(message, { protocol: PROTOCOL, sessionId: s.sessionId, round: 2, peer });
  const obj = assertExactKeys(payload, ['identifier', 'offset'], 'payload', ctx);
  readIdentifier(obj, 'identifier', peerId, ctx);
  const peerOffset = readScalar(pkg.group, obj, 'offset', ctx);
  if (!equalBytes(offsetCommitment(s.sessionId, peer, peerOffset.bytes), fromHex(s.peerCommitment)))
    throw new ProtocolAbortError({
      culprit: peer,
      reason: 'refresh-commitment',
      detail: 'revealed refresh offset does not open the round-1 commitment',
    });
  const info = groupInfo(pkg.group);
  const F = info.Fn;
  const a = F.add(F.fromBytes(fromHex(secret.offset)), peerOffset.scalar);
  peerOffset.bytes.fill(0);
  if (F.is0(a)) throw new ProtocolAbortError({ culprit: peer, reason: 'refresh-zero', detail: 'joint offset is zero' });
  const aG = info.base.multiply(a);
  const ownId = identifierScalar(pkg.group, pkg.identifiers[s.role]);
  const newSecret = F.add(F.fromBytes(fromHex(secret.signingShare)), F.mul(a, ownId));
  const keyShare: FrostKeyShare = {
    group: pkg.group,
    role: s.role,
    identifiers: { ...pkg.identifiers },
    signers: { ...pkg.signers },
    signingShare: toHex(F.toBytes(newSecret)),
    commitments: [
      pkg.commitments[0] as string,
      toHex(
        info
          .fromBytes(fromHex(pkg.commitments[1] as string))
          .add(aG)
          .toBytes(),
      ),
    ],
    verifyingShares: Object.fromEntries(
      Object.entries(pkg.verifyingShares).map(([id, y]) => [
        id,
        toHex(
          info
            .fromBytes(fromHex(y))
            .add(aG.multiply(identifierScalar(pkg.group, id)))
            .toBytes(),
        ),
      ]),
    ),
  };
  // Our own invariants: new share matches the new verifying share, which matches the new commitments.
  assertValidKeyShare(keyShare);
  return {
    state: { kind: 'frost-refresh/done', consumed: true, secret: null, role: s.role, sessionId: s.sessionId },
    outgoing: [],
    output: { keyShare },
  };
}
