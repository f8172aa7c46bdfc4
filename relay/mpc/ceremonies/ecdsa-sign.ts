/**
 * Ceremony 'ecdsa-sign': Node 2's side of DKLs23 two-party signing (protocol/ecdsa2p/sign.ts) for an
 * EVM or Bitcoin (P2WPKH) challenge. The digest and the derivation path come from the challenge's
 * approved payload through resolveSigningRequests — never from the client. The client may state the
 * digest it intends to sign (`params.digest`): a different one is refused and audited before any
 * round runs. A client that silently signs another digest or path derives another session id and is
 * refused on its first message (audited too). The challenge was claimed atomically by the driver,
 * so it signs once.
 *
 *   session.ready  { keyId, serverNonce, digest, derivationPath }   server → client
 *   round 1  C → S, round 2  S → C, round 3  C → S (server outputs), round 4  S → C
 */
import { isHex, toHex } from '../../../protocol/bytes.js';
import {
  burnShare,
  type Ecdsa2pKeyShare,
  type Ecdsa2pSignature,
  isBurningAbort,
  receiveSign,
  SIGN_PROTOCOL,
  type SignState,
  startSignServer,
} from '../../../protocol/ecdsa2p/index.js';
import { InvalidMessageError } from '../../../protocol/errors.js';
import { CeremonyRefusedError } from '../errors.js';
import { ecdsaRootKeyId } from '../key-ids.js';
import { loadKeyShare, replaceKeyShare } from '../key-shares.js';
import { resolveSigningRequests } from '../signing-requests.js';
import type { CeremonyContext, CeremonyHandler, CeremonyRun } from './types.js';

export const ECDSA_SIGN_CEREMONY = 'ecdsa-sign';

export const ecdsaSignHandler: CeremonyHandler = {
  name: ECDSA_SIGN_CEREMONY,
  protocols: [SIGN_PROTOCOL],
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
  // One signing session per digest (Bitcoin: per input), run one after the other in this order.
  const sessions = ecdsa.map((r) => {
    const started = startSignServer({ share: stored.secret, digest: r.digest, path: r.derivationPath, rng: ctx.rng });
    return { request: r, serverNonce: started.serverNonce, state: started.state as SignState | undefined };
  });
  const signatures: Ecdsa2pSignature[] = [];
  let current = 0;
  let bound: string | undefined;

  return {
    protocol: SIGN_PROTOCOL,
    sessionIds: [],
    readyParams: {
      keyId,
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
    outgoing: [],
    async receive(envelope) {
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
      if (isBurningAbort(error)) {
        // mpc-design §1.5.5: the OT correlations must never be used again; refresh re-pairs.
        await ctx.db.transaction((tx) =>
          replaceKeyShare(tx, ctx.masterKeys.current, stored, {
            epoch: stored.epoch,
            secret: burnShare(stored.secret),
          }),
        );
        await ctx.audit('mpc.share.burned', { keyId, reason: error.reason });
      }
    },
  };
}
