/**
 * Ceremony 'ecdsa-sign': Node 2's side of DKLs23 two-party signing (protocol/ecdsa2p/sign.ts) for an
 * EVM or Bitcoin (P2WPKH) challenge. The digest and the derivation path come from the challenge's
 * approved payload through resolveSigningRequests — never from the client. The client may state the
 * digest it intends to sign (`params.digest`): a different one is refused and audited before any
 * round runs. A client that silently signs another digest or path derives another session id and is
 * refused on its first message (audited too). The challenge was claimed atomically by the driver,
 * so it signs once.
 *
 *   session.ready  { keyId, serverNonce, digest, derivationPath[, repair] }   server → client
 *   [re-pairing: repair rounds 1 and 2 both ways, when `repair` is announced]
 *   round 1  C → S, round 2  S → C, round 3  C → S (server outputs), round 4  S → C
 *
 * Abort policy (DESIGN.md §3): a failed OT/RVOLE/Γ check burns the pairing — when Node 2 catches it,
 * and when the client reports catching it (`session.abort` with a burning code). The next signature
 * of that key first re-pairs (protocol/ecdsa2p/repair.ts: fresh base OTs, same shares, so every
 * wrapped copy of the client's share still signs); the client may also ask for it (`params.repair`)
 * when its own copy is burned, and it re-pairs when the client's stated pairing (`params.pairing`: its
 * sender and receiver setup ids) is not the one Node 2 holds. Re-pairings are audited and limited to
 * MAX_REPAIRS_PER_DAY per key, since each one is a security event and costs the relay base OTs.
 */
import { isHex, toHex } from '../../../protocol/bytes.js';
import {
  BURNING_ABORT_REASONS,
  burnShare,
  type Ecdsa2pKeyShare,
  type Ecdsa2pSignature,
  isBurningAbort,
  REPAIR_PROTOCOL,
  type RepairState,
  receiveRepair,
  receiveSign,
  SIGN_PROTOCOL,
  type SignState,
  startRepair,
  startSignServer,
} from '../../../protocol/ecdsa2p/index.js';
import { InvalidMessageError } from '../../../protocol/errors.js';
import type { Envelope } from '../../../protocol/session.js';
import type { Queryable } from '../../db/database.js';
import { CeremonyRefusedError, ClientAbortError } from '../errors.js';
import { ecdsaRootKeyId } from '../key-ids.js';
import { loadKeyShare, replaceKeyShare } from '../key-shares.js';
import { resolveSigningRequests } from '../signing-requests.js';
import type { CeremonyContext, CeremonyHandler, CeremonyProgress, CeremonyRun } from './types.js';

export const ECDSA_SIGN_CEREMONY = 'ecdsa-sign';
/** Re-pairings allowed per key in any 24 hours (each is a security event and ~0.5 s of relay CPU). */
export const MAX_REPAIRS_PER_DAY = 3;

export const ecdsaSignHandler: CeremonyHandler = {
  name: ECDSA_SIGN_CEREMONY,
  protocols: [SIGN_PROTOCOL, REPAIR_PROTOCOL],
  challengeKinds: ['sign-message', 'sign-typed-data', 'sign-transaction', 'transfer', 'contract-execution'],
  start: startEcdsaSign,
};

async function startEcdsaSign(ctx: CeremonyContext): Promise<CeremonyRun> {
  const resolved = await resolveSigningRequests(ctx.db, ctx.challenge, ctx.chainSigning);
  const { wallet, requests } = resolved;
  const ecdsa = requests.filter((r) => r.scheme === 'ecdsa-secp256k1');
  if (ecdsa.length === 0 || ecdsa.length !== requests.length) {
    throw new CeremonyRefusedError('bad-params', 'this challenge is not signed with ECDSA');
  }
  const family = ecdsa[0]?.keyFamily as 'evm' | 'bitcoin';
  if (ecdsa.some((r) => r.keyFamily !== family)) throw new CeremonyRefusedError('bad-params', 'mixed key families');
  const digests = ecdsa.map((r) => toHex(r.digest));
  // The client may state what it is about to sign: `digest` (one) or `digests` (one per input).
  const claimed = ctx.params.digests ?? (ctx.params.digest === undefined ? undefined : [ctx.params.digest]);
  if (claimed !== undefined) {
    if (!Array.isArray(claimed) || !claimed.every((d) => isHex(d, 32))) {
      throw new CeremonyRefusedError('bad-params', 'params.digest(s) must be 32-byte hex');
    }
    if (claimed.length !== digests.length || claimed.some((d, i) => d !== digests[i])) {
      await ctx.audit('mpc.sign.digest_mismatch', {
        ceremony: ECDSA_SIGN_CEREMONY,
        walletId: wallet.id,
        stage: 'start',
      });
      throw new CeremonyRefusedError(
        'digest-mismatch',
        "the digest the client asked to sign is not the approved payload's digest",
      );
    }
  }
  const keyId = ecdsaRootKeyId(ctx.challenge.customerId, family);
  const stored = await loadKeyShare<Ecdsa2pKeyShare>(ctx.db, ctx.masterKeys, ctx.challenge.customerId, keyId);
  if (!stored) throw new CeremonyRefusedError('no-key', `the customer has no ${family} key yet`);
  const askedRepair = ctx.params.repair;
  if (askedRepair !== undefined && typeof askedRepair !== 'boolean') {
    throw new CeremonyRefusedError('bad-params', 'params.repair must be a boolean');
  }
  const stalePairing = clientPairingIsStale(ctx.params.pairing, stored.secret);
  // The share signing uses: the stored one, or the re-paired one once the re-pairing is done.
  let share = stored.secret;
  let repair: { sessionId: string; state: RepairState | undefined } | undefined;
  const repairOutgoing: Envelope<unknown>[] = [];
  if (share.burned || askedRepair === true || stalePairing) {
    await refuseOverRepairLimit(ctx, keyId);
    const sessionId = toHex(ctx.rng(32));
    const started = startRepair({ share, sessionId, rng: ctx.rng });
    repair = { sessionId, state: started.state };
    repairOutgoing.push(...started.outgoing);
    const because = share.burned ? 'burned' : askedRepair === true ? 'client-request' : 'stale-pairing';
    await ctx.audit('mpc.share.repair_started', { keyId, because });
  }
  // One signing session per digest (Bitcoin: per input), run one after the other in this order. The
  // nonces are drawn now because session.ready announces them; a re-pairing starts the sessions later.
  const sessions = ecdsa.map((r) => ({
    request: r,
    serverNonce: toHex(ctx.rng(32)),
    state: undefined as SignState | undefined,
  }));
  const startSessions = () => {
    for (const x of sessions) {
      const started = startSignServer({
        share,
        digest: x.request.digest,
        path: x.request.derivationPath,
        rng: ctx.rng,
        serverNonce: x.serverNonce,
      });
      x.state = started.state;
    }
  };
  if (!repair) startSessions();
  const signatures: Ecdsa2pSignature[] = [];
  let current = 0;
  let bound: string | undefined;

  const receiveRepairMessage = async (envelope: unknown): Promise<CeremonyProgress> => {
    const state = repair?.state;
    if (!repair || !state) throw new CeremonyRefusedError('invalid-message', 'no re-pairing is running');
    repair.state = undefined;
    const step = receiveRepair(state, envelope, ctx.rng);
    repair.state = step.state;
    if (!step.output) return { outgoing: step.outgoing };
    const repaired = step.output;
    await ctx.db.transaction((tx: Queryable) =>
      replaceKeyShare(tx, ctx.masterKeys.current, stored, { epoch: stored.epoch, secret: repaired }),
    );
    await ctx.audit('mpc.share.repaired', { keyId });
    share = repaired;
    const sessionId = repair.sessionId;
    repair = undefined;
    startSessions();
    return { outgoing: step.outgoing, releaseSessionId: sessionId };
  };

  return {
    protocol: SIGN_PROTOCOL,
    sessionIds: repair ? [repair.sessionId] : [],
    readyParams: {
      keyId,
      ...(repair ? { repair: { protocol: REPAIR_PROTOCOL, sessionId: repair.sessionId } } : {}),
      // Single-digest fields kept for simple clients; `sessions` lists every digest in order.
      serverNonce: sessions[0]?.serverNonce,
      digest: digests[0],
      derivationPath: ecdsa[0]?.derivationPath,
      sessions: sessions.map((x, i) => ({
        serverNonce: x.serverNonce,
        digest: digests[i],
        derivationPath: x.request.derivationPath,
      })),
      ...(resolved.signable ? { signable: resolved.signable } : {}),
    },
    outgoing: repairOutgoing,
    async receive(envelope) {
      if (envelope.protocol === REPAIR_PROTOCOL) return receiveRepairMessage(envelope);
      if (repair) throw new CeremonyRefusedError('invalid-message', 'a signing message before the re-pairing finished');
      const session = sessions[current];
      if (!session?.state) throw new CeremonyRefusedError('invalid-message', 'the signing session is finished');
      if (bound !== undefined && envelope.sessionId !== bound) {
        throw new CeremonyRefusedError('invalid-message', 'a message for another signing session');
      }
      const state = session.state;
      session.state = undefined;
      let step: ReturnType<typeof receiveSign>;
      try {
        step = receiveSign(state, envelope, ctx.rng);
      } catch (error) {
        if (error instanceof InvalidMessageError && error.field === 'sessionId' && envelope.round === 1) {
          // The client bound another digest, path or share generation into its session id.
          await ctx.audit('mpc.sign.digest_mismatch', {
            ceremony: ECDSA_SIGN_CEREMONY,
            walletId: wallet.id,
            stage: 'first-message',
            index: current,
          });
          throw new CeremonyRefusedError(
            'digest-mismatch',
            "the client's session is bound to another digest, path or key than the approved payload",
          );
        }
        throw error;
      }
      session.state = step.state;
      if (envelope.round === 1) bound = envelope.sessionId;
      const bindSessionId = envelope.round === 1 ? envelope.sessionId : undefined;
      if (!step.output) return { outgoing: step.outgoing, ...(bindSessionId ? { bindSessionId } : {}) };
      session.state = undefined;
      if (step.output.publicKey !== wallet.publicKey) {
        throw new CeremonyRefusedError('internal-error', "the signature's key is not the wallet's public key");
      }
      signatures.push(step.output);
      current++;
      bound = undefined;
      if (current < sessions.length) return { outgoing: step.outgoing };
      const base = {
        walletId: wallet.id,
        digest: digests[0],
        signature: signatures[0]?.signature,
        r: signatures[0]?.r,
        s: signatures[0]?.s,
        recovery: signatures[0]?.recovery,
        publicKey: signatures[0]?.publicKey,
      };
      const result = resolved.complete
        ? await resolved.complete(
            signatures.map((x) => ({ scheme: 'ecdsa-secp256k1' as const, r: x.r, s: x.s, recovery: x.recovery })),
          )
        : base;
      return { outgoing: step.outgoing, done: { result } };
    },
    async dispose(error) {
      for (const x of sessions) x.state = undefined;
      if (repair) repair.state = undefined;
      const reason = burningReason(error);
      if (reason !== undefined && !share.burned) {
        // mpc-design §1.5.5: the OT correlations must never be used again; the next signature re-pairs.
        await ctx.db.transaction((tx) =>
          replaceKeyShare(tx, ctx.masterKeys.current, stored, { epoch: stored.epoch, secret: burnShare(share) }),
        );
        await ctx.audit('mpc.share.burned', {
          keyId,
          reason,
          detectedBy: error instanceof ClientAbortError ? 'client' : 'relay',
        });
      }
    },
  };
}

const SETUP_ID = /^[0-9a-f]{64}$/;

/**
 * Node 1 may state the setup ids of the pairing its copy holds (`params.pairing`). A copy restored from
 * before a re-pairing holds other correlations than Node 2's: re-pair now rather than let the first
 * signing message be refused and the challenge fail. Our receiver setup pairs with the client's sender.
 */
function clientPairingIsStale(value: unknown, share: Ecdsa2pKeyShare): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CeremonyRefusedError('bad-params', 'params.pairing must be { senderSetupId, receiverSetupId }');
  }
  const { senderSetupId, receiverSetupId, ...rest } = value as Record<string, unknown>;
  if (
    Object.keys(rest).length > 0 ||
    typeof senderSetupId !== 'string' ||
    typeof receiverSetupId !== 'string' ||
    !SETUP_ID.test(senderSetupId) ||
    !SETUP_ID.test(receiverSetupId)
  ) {
    throw new CeremonyRefusedError(
      'bad-params',
      'params.pairing must be { senderSetupId, receiverSetupId }, each 32 bytes of lower-case hex',
    );
  }
  return senderSetupId !== share.ot.receiver.setupId || receiverSetupId !== share.ot.sender.setupId;
}

/** The reason to burn the pairing after `error`, whether Node 2's checks or the client's caught it. */
function burningReason(error: unknown): string | undefined {
  if (isBurningAbort(error)) return error.reason;
  if (error instanceof ClientAbortError && BURNING_ABORT_REASONS.includes(error.code)) return error.code;
  return undefined;
}

async function refuseOverRepairLimit(ctx: CeremonyContext, keyId: string): Promise<void> {
  const r = await ctx.db.query<{ n: string | number }>(
    `SELECT count(*) AS n FROM audit_log
      WHERE customer_id = $1 AND action = 'mpc.share.repaired' AND details->>'keyId' = $2
        AND created_at > now() - interval '24 hours'`,
    [ctx.challenge.customerId, keyId],
  );
  if (Number(r.rows[0]?.n ?? 0) < MAX_REPAIRS_PER_DAY) return;
  await ctx.audit('mpc.share.repair_refused', { keyId, limit: MAX_REPAIRS_PER_DAY });
  throw new CeremonyRefusedError(
    'repair-rate-limited',
    `this key was re-paired ${MAX_REPAIRS_PER_DAY} times in the last 24 hours; try again later or contact the operator`,
  );
}
