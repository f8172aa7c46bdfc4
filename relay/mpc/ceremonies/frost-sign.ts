/**
 * Ceremony 'frost-sign': Node 2's side of two-party FROST signing (RFC 9591, protocol/frost/sign.ts)
 * for ed25519 wallets (Solana, NEAR). The message comes from the challenge's approved payload through
 * resolveSigningRequests, never from the client. Both parties bind key id, ceremony id, message
 * digest and path into the session id, so a client signing anything else is refused on its first
 * message; `params.message` (hex), when sent, is compared up front. Both are audited.
 *
 *   session.ready { keyId, ceremonyId, message, derivationPath, scheme }
 *   round 1: commitments both ways; round 2: signature shares both ways; both aggregate and verify.
 */
import { toHex } from '../../../protocol/bytes.js';
import { InvalidMessageError } from '../../../protocol/errors.js';
import {
  type FrostKeyShare,
  type FrostSignState,
  receiveFrostSign,
  startFrostSign,
} from '../../../protocol/frost/index.js';
import { CeremonyRefusedError } from '../errors.js';
import { ed25519AccountKeyId } from '../key-ids.js';
import { loadKeyShare } from '../key-shares.js';
import { resolveSigningRequests } from '../signing-requests.js';
import type { CeremonyContext, CeremonyHandler, CeremonyRun } from './types.js';

export const FROST_SIGN_CEREMONY = 'frost-sign';
export const FROST_SIGN_PROTOCOL = 'frost/sign';

export const frostSignHandler: CeremonyHandler = {
  name: FROST_SIGN_CEREMONY,
  protocols: [FROST_SIGN_PROTOCOL],
  challengeKinds: ['sign-message', 'sign-transaction', 'transfer', 'contract-execution', 'sign-delegate-action'],
  start: startFrostSignCeremony,
};

async function startFrostSignCeremony(ctx: CeremonyContext): Promise<CeremonyRun> {
  const resolved = await resolveSigningRequests(ctx.db, ctx.challenge, ctx.chainSigning);
  const { wallet, requests } = resolved;
  const request = requests[0];
  if (requests.length !== 1 || request?.scheme !== 'ed25519') {
    throw new CeremonyRefusedError('bad-params', 'this challenge is not signed with one ed25519 signature');
  }
  const message = toHex(request.message);
  const claimed = ctx.params.message;
  if (claimed !== undefined && claimed !== message) {
    await ctx.audit('mpc.sign.digest_mismatch', { ceremony: FROST_SIGN_CEREMONY, walletId: wallet.id, stage: 'start' });
    throw new CeremonyRefusedError(
      'digest-mismatch',
      "the message the client asked to sign is not the approved payload's",
    );
  }
  const keyId = ed25519AccountKeyId(ctx.challenge.customerId, request.keyFamily, request.account);
  const stored = await loadKeyShare<FrostKeyShare>(ctx.db, ctx.masterKeys, ctx.challenge.customerId, keyId);
  if (!stored)
    throw new CeremonyRefusedError('no-key', `the customer has no ${request.keyFamily} account ${request.account}`);
  const started = startFrostSign({
    role: 'server',
    scheme: 'ed25519',
    keyShare: stored.secret,
    message: request.message,
    keyId,
    ceremonyId: ctx.ceremonyId,
    derivationPath: request.derivationPath,
    rng: ctx.rng,
  });
  let state: FrostSignState | undefined = started.state;
  const sessionId = started.outgoing[0]?.sessionId as string;

  return {
    protocol: FROST_SIGN_PROTOCOL,
    sessionIds: [sessionId],
    readyParams: {
      keyId,
      ceremonyId: ctx.ceremonyId,
      scheme: 'ed25519',
      message,
      derivationPath: request.derivationPath,
      ...(resolved.signable ? { signable: resolved.signable } : {}),
    },
    outgoing: started.outgoing,
    async receive(envelope) {
      if (!state) throw new CeremonyRefusedError('invalid-message', 'the signing session is finished');
      const current = state;
      state = undefined;
      let step: ReturnType<typeof receiveFrostSign>;
      try {
        step = receiveFrostSign(current, envelope);
      } catch (error) {
        if (error instanceof InvalidMessageError && error.field === 'sessionId') {
          await ctx.audit('mpc.sign.digest_mismatch', {
            ceremony: FROST_SIGN_CEREMONY,
            walletId: wallet.id,
            stage: 'first-message',
          });
          throw new CeremonyRefusedError(
            'digest-mismatch',
            "the client's session is bound to another message, path or key than the approved payload",
          );
        }
        throw error;
      }
      state = step.state;
      if (!step.output) return { outgoing: step.outgoing };
      state = undefined;
      if (step.output.groupPublicKey !== wallet.publicKey) {
        throw new CeremonyRefusedError('internal-error', "the signature's key is not the wallet's public key");
      }
      const signature = step.output.signature;
      const result = resolved.complete
        ? await resolved.complete([{ scheme: 'ed25519', signature }])
        : { walletId: wallet.id, message, signature, publicKey: step.output.groupPublicKey };
      return { outgoing: step.outgoing, done: { result } };
    },
    dispose() {
      state = undefined;
    },
  };
}
