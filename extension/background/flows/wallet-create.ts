/**
 * The `wallet-create` challenge, Node 1's side (docs/api/mpc.md): unlock the bundle with the PIN, ask
 * the relay for the ceremony, run every announced sub-session in parallel — a DKLs23 DKG per ECDSA
 * family, the FROST DKG of the Taproot root, the ed25519 birth — then put the new client shares in the
 * bundle, re-wrap it under the same K and store it at the relay and on this device.
 *
 * Ordering matters: the relay completes the challenge (and from then on refuses copy uploads) as
 * soon as its last sub-session ends. Both DKGs are symmetric — our round-r message depends only on
 * the relay's rounds before r, and the relay outputs on our last round — so our last-round messages
 * and the birth message are held back until we have every output and the new bundle is stored. The
 * relay can then not end up with keys whose client shares exist nowhere but in this worker's memory.
 */
import {
  CEREMONY_ROUNDS,
  DKG_PROTOCOL,
  type DkgState,
  type Ecdsa2pKeyShare,
  receiveDkg,
  startDkg,
} from '../../../protocol/ecdsa2p/index.js';
import { type FrostDkgOutput, type FrostDkgState, receiveFrostDkg } from '../../../protocol/frost/index.js';
import type { Envelope } from '../../../protocol/session.js';
import type { Node1Bundle } from '../bundle.js';
import { runCeremony } from '../ceremony-runner.js';
import type { AccountView } from '../messages.js';
import type { RelayConnection } from '../relay-client.js';
import type { FlowContext, FlowRequest } from './context.js';
import { rewrapRecoveryCopies } from './recovery-copies.js';
import { sessionDone, startSession } from './session.js';
import { rewrapBundle, unlockBundle } from './unlock.js';
import {
  birthEnvelope,
  parseWalletCreateParams,
  startEd25519Birth,
  startTaprootDkg,
  type TaprootDkgAnnouncement,
} from './wallet-create-plan.js';

export const WALLET_CREATE_STEPS = [
  'Check your PIN',
  'Create your keys together with the relay',
  'Save your new key shares',
  'Record your wallets',
] as const;

const FROST_DKG_FINAL_ROUND = 2;

/** Sends everything except the messages `hold` picks, which wait for `flush()`. */
function holdingConnection(connection: RelayConnection, hold: (e: Envelope<unknown>) => boolean) {
  const held: Envelope<unknown>[] = [];
  const proxy: RelayConnection = {
    ...connection,
    send(envelope) {
      if (hold(envelope)) held.push(envelope);
      else connection.send(envelope);
    },
    sendControl: (m) => connection.sendControl(m),
    onEnvelope: (l) => connection.onEnvelope(l),
    onClose: (l) => connection.onClose(l),
    close: () => connection.close(),
  };
  return {
    connection: proxy,
    hold(envelope: Envelope<unknown>) {
      held.push(envelope);
    },
    flush() {
      for (const e of held.splice(0)) connection.send(e);
    },
  };
}

const CHAIN_OF_FAMILY: Record<string, AccountView['chain']> = {
  evm: 'evm',
  bitcoin: 'bitcoin',
  solana: 'solana',
  near: 'near',
};

function chainOf(blockchain: string): AccountView['chain'] {
  if (/^(BTC|BITCOIN)/.test(blockchain)) return 'bitcoin';
  if (/^SOL/.test(blockchain)) return 'solana';
  if (/^NEAR/.test(blockchain)) return 'near';
  return 'evm';
}

/** The wallets a finished wallet-create reports, as popup accounts. */
export function accountsFromResult(result: Record<string, unknown>): AccountView[] {
  const wallets = Array.isArray(result.wallets) ? (result.wallets as Record<string, unknown>[]) : [];
  return wallets.map((w) => {
    const blockchain = String(w.blockchain);
    const chain = CHAIN_OF_FAMILY[String(w.keyFamily)] ?? chainOf(blockchain);
    const type = typeof w.addressType === 'string' ? ` ${w.addressType === 'p2tr' ? 'Taproot' : 'SegWit'}` : '';
    return { chain, address: String(w.address), label: `${blockchain}${type}`.slice(0, 64) };
  });
}

export async function createWallets(
  ctx: FlowContext,
  request: FlowRequest,
  pin: string,
  newId: () => string,
): Promise<Record<string, unknown>> {
  request.report({ type: 'progress', step: 0 });
  const { bundle, key } = await unlockBundle(ctx, { ...request, pin });
  let connection: RelayConnection | undefined;
  try {
    request.report({ type: 'progress', step: 1 });
    connection = await ctx.connect({ mode: 'authenticate', customerId: request.customerId });
    const ready = await startSession(connection, {
      challengeId: request.challengeId,
      ceremony: 'wallet-create',
      newId,
    });
    const done = sessionDone(connection, ready.ceremonyId, 120_000);
    done.catch(() => undefined); // observed below; an early abort must not be an unhandled rejection
    const params = parseWalletCreateParams(ready.params);
    const finals = holdingConnection(
      connection,
      (e) =>
        (e.protocol === DKG_PROTOCOL && e.round === CEREMONY_ROUNDS) ||
        (e.protocol === params.taproot?.protocol && e.round === FROST_DKG_FINAL_ROUND),
    );
    let rounds = 0;
    const onRound = () => request.report({ type: 'progress', step: 1, round: ++rounds });
    const aborted = done.then(
      () => new Promise<never>(() => undefined),
      (error) => Promise.reject(error),
    );

    const ecdsaRuns = params.ecdsa.map(async (d) => {
      const first = startDkg({ role: 'client', keyId: d.keyId, sessionId: d.sessionId, rng: ctx.rng });
      const share = await runCeremony<DkgState, Ecdsa2pKeyShare>({
        connection: finals.connection,
        store: ctx.ceremonies,
        ceremonyId: ready.ceremonyId,
        recordId: `${ready.ceremonyId}:${d.family}`,
        approvalId: request.approvalId,
        sessionId: d.sessionId,
        driver: { protocol: DKG_PROTOCOL, receive: (s, e) => receiveDkg(s, e, ctx.rng) },
        first,
        roundTimeoutMs: 60_000,
        onRound,
      });
      return [d.family, share] as const;
    });
    const taprootRun = params.taproot
      ? (async () => {
          const t = params.taproot as TaprootDkgAnnouncement;
          const first = startTaprootDkg(t, ctx.rng);
          return runCeremony<FrostDkgState, FrostDkgOutput>({
            connection: finals.connection,
            store: ctx.ceremonies,
            ceremonyId: ready.ceremonyId,
            recordId: `${ready.ceremonyId}:taproot`,
            approvalId: request.approvalId,
            sessionId: t.sessionId,
            driver: { protocol: t.protocol, receive: (s, e) => receiveFrostDkg(s, e) },
            first,
            roundTimeoutMs: 60_000,
            onRound,
          });
        })()
      : undefined;

    const next: Node1Bundle = { ...bundle, ecdsa: { ...bundle.ecdsa } };
    if (params.ed25519) {
      const e = params.ed25519;
      const { birth, payload } = startEd25519Birth(e, ctx.rng);
      next.ed25519 = {
        exportKeyPart: birth.client.exportKeyPart,
        accounts: birth.client.accounts,
        sealedMnemonic: birth.sealedMnemonic,
      };
      finals.hold(birthEnvelope(e, payload));
    }
    const outputs = await Promise.race([Promise.all(ecdsaRuns), aborted]);
    for (const [family, share] of outputs) next.ecdsa[family] = share;
    if (taprootRun) {
      const t = await Promise.race([taprootRun, aborted]);
      next.taproot = { keyShare: t.keyShare, chainCode: t.chainCode };
    }

    request.report({ type: 'progress', step: 2 });
    if (outputs.length > 0 || params.ed25519 || taprootRun) {
      await rewrapBundle(ctx, { challengeId: request.challengeId, customerId: request.customerId, bundle: next, key });
      // The recovery copies must hold the new shares too, or a PIN reset would recover none of them.
      await rewrapRecoveryCopies(ctx, request.challengeId, next);
    }
    finals.flush();
    const result = await done;
    request.report({ type: 'progress', step: 3 });
    await ctx.accounts.add(accountsFromResult(result));
    await ctx.lock.unlock({ bundle: JSON.stringify(next), customerId: request.customerId });
    return result;
  } finally {
    key.rootKey.fill(0);
    connection?.close();
  }
}
