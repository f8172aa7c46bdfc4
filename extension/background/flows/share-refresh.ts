/**
 * The `share-refresh` ceremony, Node 1's side (docs/api/mpc.md; DESIGN.md §3): on a PIN change or
 * reset every MPC key moves to fresh shares (x1 + r, x2 − r for ECDSA; a zero-sharing offset for
 * FROST), so a bundle wrapped before — under the old PIN, or copied off the device — no longer signs.
 *
 * The relay announces one sub-session per key it holds: `ecdsa2p/refresh` for each DKLs23 root,
 * `frost/refresh` for each ed25519 account and the Taproot root. Node 1 answers each from its own
 * bundle and refuses to go on if the relay names a key the bundle does not hold (a bundle that
 * misses a key would end the refresh with shares nobody has).
 */
import {
  CEREMONY_ROUNDS,
  type Ecdsa2pKeyShare,
  REFRESH_PROTOCOL,
  type RefreshState,
  receiveRefresh,
  startRefresh,
} from '../../../protocol/ecdsa2p/index.js';
import {
  type FrostKeyShare,
  type FrostRefreshOutput,
  type FrostRefreshState,
  receiveFrostRefresh,
  startFrostRefresh,
} from '../../../protocol/frost/index.js';
import type { Envelope } from '../../../protocol/session.js';
import type { Node1Bundle } from '../bundle.js';
import { runCeremony } from '../ceremony-runner.js';
import type { RelayConnection } from '../relay-client.js';
import type { FlowContext, FlowRequest } from './context.js';
import { FlowStateError } from './host.js';
import { sessionDone, startSession } from './session.js';

const FROST_REFRESH_PROTOCOL = 'frost/refresh';
const FROST_REFRESH_FINAL_ROUND = 2;

/**
 * Both refreshes are symmetric: our round-r message depends only on the relay's rounds before r, and
 * we output on the relay's last round. So our last-round messages — the ones that let the relay
 * finish and store its new shares — can wait until we hold every new share and stored it.
 */
function isFinalClientRound(envelope: Envelope<unknown>): boolean {
  return (
    (envelope.protocol === REFRESH_PROTOCOL && envelope.round === CEREMONY_ROUNDS) ||
    (envelope.protocol === FROST_REFRESH_PROTOCOL && envelope.round === FROST_REFRESH_FINAL_ROUND)
  );
}

/** Sends everything except our last-round messages, which wait for `release()`. */
function holdFinalRounds(connection: RelayConnection): { connection: RelayConnection; release(): void } {
  const held: Envelope<unknown>[] = [];
  let released = false;
  return {
    connection: {
      ...connection,
      send(envelope) {
        if (!released && isFinalClientRound(envelope)) held.push(envelope);
        else connection.send(envelope);
      },
      sendControl: (m) => connection.sendControl(m),
      onEnvelope: (l) => connection.onEnvelope(l),
      onClose: (l) => connection.onClose(l),
      close: () => connection.close(),
    },
    release() {
      released = true;
      for (const e of held.splice(0)) connection.send(e);
    },
  };
}

export interface RefreshAnnouncement {
  protocol: string;
  keyId: string;
  sessionId: string;
  ceremonyId?: string;
}

/** Where a refreshed share goes back into the bundle. */
type ShareSlot =
  | { kind: 'ecdsa'; family: 'evm' | 'bitcoin'; share: Ecdsa2pKeyShare }
  | { kind: 'ed25519'; index: number; share: FrostKeyShare }
  | { kind: 'taproot'; share: FrostKeyShare };

/** True when the bundle holds any MPC share (a customer without wallets has nothing to refresh). */
export function holdsShares(bundle: Node1Bundle): boolean {
  return (
    Object.keys(bundle.ecdsa).length > 0 || (bundle.ed25519?.accounts.length ?? 0) > 0 || bundle.taproot !== undefined
  );
}

/** The bundle's shares by the relay's key ids (relay/mpc/key-ids.ts). */
export function sharesByKeyId(bundle: Node1Bundle, customerId: string): Map<string, ShareSlot> {
  const slots = new Map<string, ShareSlot>();
  for (const family of ['evm', 'bitcoin'] as const) {
    const share = bundle.ecdsa[family];
    if (share) slots.set(share.keyId, { kind: 'ecdsa', family, share });
  }
  bundle.ed25519?.accounts.forEach((account, index) => {
    slots.set(`ed25519:${account.chain}:${account.index}:${customerId}`, {
      kind: 'ed25519',
      index,
      share: account.keyShare,
    });
  });
  if (bundle.taproot) slots.set(`frost:bip340:${customerId}`, { kind: 'taproot', share: bundle.taproot.keyShare });
  return slots;
}

/** Checks the relay's announcement against the bundle; returns each announced key with its slot. */
export function planRefresh(
  announced: unknown,
  bundle: Node1Bundle,
  customerId: string,
): { announcement: RefreshAnnouncement; slot: ShareSlot }[] {
  if (!Array.isArray(announced) || announced.length === 0) {
    throw new FlowStateError('the relay announced no keys to refresh');
  }
  const slots = sharesByKeyId(bundle, customerId);
  const seen = new Set<string>();
  const plan = announced.map((raw) => {
    const a = raw as Partial<RefreshAnnouncement>;
    if (typeof a?.keyId !== 'string' || typeof a.sessionId !== 'string' || !/^[0-9a-f]{64}$/.test(a.sessionId)) {
      throw new FlowStateError('the relay announced a refresh without a key id or session id');
    }
    if (seen.has(a.keyId)) throw new FlowStateError(`the relay announced ${a.keyId} twice`);
    seen.add(a.keyId);
    const slot = slots.get(a.keyId);
    if (!slot) {
      throw new FlowStateError(
        `the relay holds a key (${a.keyId.split(':').slice(0, 2).join(':')}) that this copy of your wallet does not`,
      );
    }
    const expected = slot.kind === 'ecdsa' ? REFRESH_PROTOCOL : FROST_REFRESH_PROTOCOL;
    if (a.protocol !== expected) throw new FlowStateError(`the relay asked to refresh ${a.keyId} with ${a.protocol}`);
    if (slot.kind !== 'ecdsa' && typeof a.ceremonyId !== 'string') {
      throw new FlowStateError(`the relay announced ${a.keyId} without a ceremony id`);
    }
    return { announcement: a as RefreshAnnouncement, slot };
  });
  // Every share the bundle holds must be refreshed, or it would be left holding the old one.
  const missing = [...slots.keys()].filter((k) => !seen.has(k));
  if (missing.length > 0) {
    throw new FlowStateError(`the relay did not announce a refresh for ${missing.length} of your keys`);
  }
  return plan;
}

/**
 * Runs the share refresh of a claimed update-pin / reset-pin challenge and returns the bundle with
 * every share replaced. The old bundle must not be used afterwards.
 *
 * `beforeRelease` gets the refreshed bundle while the relay still holds its old shares (our last
 * messages are held back): the caller stores it there, so no moment exists where the relay has new
 * shares that exist nowhere but in this worker's memory.
 */
export async function refreshShares(
  ctx: FlowContext,
  request: FlowRequest,
  bundle: Node1Bundle,
  newId: () => string,
  options: { onRound?: () => void; beforeRelease?: (next: Node1Bundle) => Promise<void> } = {},
): Promise<Node1Bundle> {
  const { onRound, beforeRelease } = options;
  let connection: RelayConnection | undefined;
  try {
    connection = await ctx.connect({ mode: 'authenticate', customerId: request.customerId });
    const ready = await startSession(connection, {
      challengeId: request.challengeId,
      ceremony: 'share-refresh',
      newId,
    });
    const done = sessionDone(connection, ready.ceremonyId, 120_000);
    done.catch(() => undefined); // observed below
    const aborted = done.then(
      () => new Promise<never>(() => undefined),
      (error) => Promise.reject(error),
    );
    const plan = planRefresh((ready.params as { refresh?: unknown }).refresh, bundle, request.customerId);
    const finals = holdFinalRounds(connection);
    const open = finals.connection;
    const runs = plan.map(async ({ announcement: a, slot }) => {
      const common = {
        connection: open,
        store: ctx.ceremonies,
        ceremonyId: ready.ceremonyId,
        recordId: `${ready.ceremonyId}:${a.keyId}`,
        approvalId: request.approvalId,
        sessionId: a.sessionId,
        roundTimeoutMs: 60_000,
        ...(onRound ? { onRound } : {}),
      };
      if (slot.kind === 'ecdsa') {
        const share = await runCeremony<RefreshState, Ecdsa2pKeyShare>({
          ...common,
          driver: { protocol: REFRESH_PROTOCOL, receive: (s, e) => receiveRefresh(s, e, ctx.rng) },
          first: startRefresh({ share: slot.share, sessionId: a.sessionId, rng: ctx.rng }),
        });
        return { slot, share } as const;
      }
      const output = await runCeremony<FrostRefreshState, FrostRefreshOutput>({
        ...common,
        driver: { protocol: FROST_REFRESH_PROTOCOL, receive: (s, e) => receiveFrostRefresh(s, e) },
        first: startFrostRefresh({
          role: 'client',
          keyShare: slot.share,
          keyId: a.keyId,
          ceremonyId: a.ceremonyId as string,
          rng: ctx.rng,
        }),
      });
      return { slot, share: output.keyShare } as const;
    });
    const outputs = await Promise.race([Promise.all(runs), aborted]);

    const next: Node1Bundle = {
      ...bundle,
      ecdsa: { ...bundle.ecdsa },
      ed25519: bundle.ed25519 ? { ...bundle.ed25519, accounts: [...bundle.ed25519.accounts] } : null,
      ...(bundle.taproot ? { taproot: { ...bundle.taproot } } : {}),
    };
    for (const { slot, share } of outputs) {
      if (slot.kind === 'ecdsa') next.ecdsa[slot.family] = share as Ecdsa2pKeyShare;
      else if (slot.kind === 'taproot' && next.taproot) next.taproot.keyShare = share as FrostKeyShare;
      else if (slot.kind === 'ed25519' && next.ed25519) {
        const account = next.ed25519.accounts[slot.index];
        if (account) next.ed25519.accounts[slot.index] = { ...account, keyShare: share as FrostKeyShare };
      }
    }
    await beforeRelease?.(next);
    finals.release();
    await done;
    return next;
  } finally {
    connection?.close();
  }
}
