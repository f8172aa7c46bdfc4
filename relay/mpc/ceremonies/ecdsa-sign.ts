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
  const { wallet, requests } = await resolveSigningRequests(ctx.db, ctx.challenge);
  const ecdsa = requests.filter((r) => r.scheme === 'ecdsa-secp256k1');
  const request = ecdsa[0];
  if (request?.scheme !== 'ecdsa-secp256k1' || ecdsa.length !== requests.length) {
    throw new CeremonyRefusedError('bad-params', 'this challenge is not signed with ECDSA');
  }
  if (ecdsa.length !== 1) {
    throw new CeremonyRefusedError('bad-params', 'challenges with several ECDSA inputs are not supported yet');
  }
  const digest = toHex(request.digest);
  const claimed = ctx.params.digest;
  if (claimed !== undefined) {
    if (!isHex(claimed, 32)) throw new CeremonyRefusedError('bad-params', 'params.digest must be 32 bytes of hex');
    if (claimed !== digest) {
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
  const keyId = ecdsaRootKeyId(ctx.challenge.customerId, request.keyFamily);
  const stored = await loadKeyShare<Ecdsa2pKeyShare>(ctx.db, ctx.masterKeys, ctx.challenge.customerId, keyId);
  if (!stored) throw new CeremonyRefusedError('no-key', `the customer has no ${request.keyFamily} key yet`);
  const started = startSignServer({
    share: stored.secret,
    digest: request.digest,
    path: request.derivationPath,
    rng: ctx.rng,
  });
  let state: SignState | undefined = started.state;

  return {
    protocol: SIGN_PROTOCOL,
    sessionIds: [],
    readyParams: { keyId, serverNonce: started.serverNonce, digest, derivationPath: request.derivationPath },
    outgoing: started.outgoing,
    async receive(envelope) {
      if (!state) throw new CeremonyRefusedError('invalid-message', 'the signing session is finished');
      const current = state;
      state = undefined;
      let step: ReturnType<typeof receiveSign>;
      try {
        step = receiveSign(current, envelope, ctx.rng);
      } catch (error) {
        if (error instanceof InvalidMessageError && error.field === 'sessionId' && envelope.round === 1) {
          // The client bound another digest, path or share generation into its session id.
          await ctx.audit('mpc.sign.digest_mismatch', {
            ceremony: ECDSA_SIGN_CEREMONY,
            walletId: wallet.id,
            stage: 'first-message',
          });
          throw new CeremonyRefusedError(
            'digest-mismatch',
            "the client's session is bound to another digest, path or key than the approved payload",
          );
        }
        throw error;
      }
      state = step.state;
      const bindSessionId = envelope.round === 1 ? envelope.sessionId : undefined;
      if (!step.output) return { outgoing: step.outgoing, ...(bindSessionId ? { bindSessionId } : {}) };
      const signature = step.output;
      state = undefined;
      if (signature.publicKey !== wallet.publicKey) {
        throw new CeremonyRefusedError('internal-error', "the signature's key is not the wallet's public key");
      }
      return {
        outgoing: step.outgoing,
        done: {
          result: {
            walletId: wallet.id,
            digest,
            signature: signature.signature,
            r: signature.r,
            s: signature.s,
            recovery: signature.recovery,
            publicKey: signature.publicKey,
          },
        },
      };
    },
    async dispose(error) {
      state = undefined;
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
