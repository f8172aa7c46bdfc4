/**
 * Ceremony 'share-refresh' (DESIGN.md §3, §4.2): on a PIN change or reset, every key of the customer
 * is refreshed so the old PIN-wrapped bundle becomes useless — ECDSA roots with DKLs23 refresh and
 * re-pairing (protocol/ecdsa2p/refresh.ts, which also heals burned OT correlations), ed25519 accounts
 * and the Taproot root (`frost-share`; its chain code and group key do not change) with FROST refresh
 * (protocol/frost/refresh.ts). All sub-sessions run in parallel; the new shares
 * replace the old ones (epoch + 1, refused if another refresh got there first) in one transaction.
 *
 * The challenge (update-pin / reset-pin) is claimed — a challenge refreshes once — but NOT completed
 * here: the Gateway still has to re-wrap and upload the new Node 1 bundle under the new PIN, which it
 * does under the same challenge; the PIN flow completes it.
 */
import { toHex } from '../../../protocol/bytes.js';
import {
  type Ecdsa2pKeyShare,
  REFRESH_PROTOCOL,
  type RefreshState,
  receiveRefresh,
  startRefresh,
} from '../../../protocol/ecdsa2p/index.js';
import {
  type FrostKeyShare,
  type FrostRefreshState,
  receiveFrostRefresh,
  startFrostRefresh,
} from '../../../protocol/frost/index.js';
import type { Envelope } from '../../../protocol/session.js';
import type { Queryable } from '../../db/database.js';
import { CeremonyRefusedError } from '../errors.js';
import { listKeyShares, loadKeyShare, replaceKeyShare, type StoredKeyShare } from '../key-shares.js';
import type { CeremonyContext, CeremonyHandler, CeremonyRun } from './types.js';

export const SHARE_REFRESH_CEREMONY = 'share-refresh';
export const FROST_REFRESH_PROTOCOL = 'frost/refresh';

export const shareRefreshHandler: CeremonyHandler = {
  name: SHARE_REFRESH_CEREMONY,
  protocols: [REFRESH_PROTOCOL, FROST_REFRESH_PROTOCOL],
  challengeKinds: ['update-pin', 'reset-pin'],
  start: startShareRefresh,
};

type Sub =
  | { kind: 'ecdsa'; stored: StoredKeyShare<Ecdsa2pKeyShare>; state?: RefreshState; output?: Ecdsa2pKeyShare }
  | { kind: 'frost'; stored: StoredKeyShare<FrostKeyShare>; state?: FrostRefreshState; output?: FrostKeyShare };

async function startShareRefresh(ctx: CeremonyContext): Promise<CeremonyRun> {
  const { customerId } = ctx.challenge;
  const keys = (await listKeyShares(ctx.db, customerId)).filter(
    (k) => k.purpose === 'ecdsa2p-share' || k.purpose === 'ed25519-account-share' || k.purpose === 'frost-share',
  );
  if (keys.length === 0) throw new CeremonyRefusedError('no-key', 'the customer has no keys to refresh');
  const subs = new Map<string, Sub>();
  const outgoing: Envelope<unknown>[] = [];
  const announced: Record<string, unknown>[] = [];
  for (const k of keys) {
    if (k.purpose === 'ecdsa2p-share') {
      const stored = await loadKeyShare<Ecdsa2pKeyShare>(ctx.db, ctx.masterKeys, customerId, k.keyId);
      if (!stored) continue;
      const sessionId = toHex(ctx.rng(32));
      const step = startRefresh({ share: stored.secret, sessionId, rng: ctx.rng });
      subs.set(sessionId, { kind: 'ecdsa', stored, state: step.state });
      outgoing.push(...step.outgoing);
      announced.push({ protocol: REFRESH_PROTOCOL, keyId: k.keyId, sessionId, epoch: stored.epoch });
    } else {
      const stored = await loadKeyShare<FrostKeyShare>(ctx.db, ctx.masterKeys, customerId, k.keyId);
      if (!stored) continue;
      const ceremonyId = `${ctx.ceremonyId}:${k.keyId}`;
      const step = startFrostRefresh({
        role: 'server',
        keyShare: stored.secret,
        keyId: k.keyId,
        ceremonyId,
        rng: ctx.rng,
      });
      const sessionId = step.outgoing[0]?.sessionId as string;
      subs.set(sessionId, { kind: 'frost', stored, state: step.state });
      outgoing.push(...step.outgoing);
      announced.push({ protocol: FROST_REFRESH_PROTOCOL, keyId: k.keyId, sessionId, ceremonyId, epoch: stored.epoch });
    }
  }

  return {
    protocol: REFRESH_PROTOCOL,
    sessionIds: [...subs.keys()],
    readyParams: { refresh: announced },
    outgoing,
    async receive(envelope) {
      const sub = subs.get(envelope.sessionId);
      if (!sub?.state) throw new CeremonyRefusedError('invalid-message', 'no running refresh has this session id');
      const out: Envelope<unknown>[] = [];
      if (sub.kind === 'ecdsa') {
        const current = sub.state;
        sub.state = undefined;
        const step = receiveRefresh(current, envelope, ctx.rng);
        out.push(...step.outgoing);
        if (step.output) sub.output = step.output;
        else sub.state = step.state;
      } else {
        const current = sub.state;
        sub.state = undefined;
        const step = receiveFrostRefresh(current, envelope);
        out.push(...step.outgoing);
        if (step.output) sub.output = step.output.keyShare;
        else sub.state = step.state;
      }
      if (![...subs.values()].every((s) => s.output)) return { outgoing: out };
      const refreshed = [...subs.values()];
      return {
        outgoing: out,
        done: {
          result: { refreshed: refreshed.map((s) => ({ keyId: s.stored.keyId, epoch: s.stored.epoch + 1 })) },
          completeChallenge: false,
          async persist(tx: Queryable) {
            for (const s of refreshed) {
              await replaceKeyShare(tx, ctx.masterKeys.current, s.stored, {
                epoch: s.stored.epoch + 1,
                secret: s.output,
                challengeId: ctx.challenge.id,
              });
            }
          },
        },
      };
    },
    dispose() {
      for (const s of subs.values()) {
        s.state = undefined;
        s.output = undefined;
      }
    },
  };
}
