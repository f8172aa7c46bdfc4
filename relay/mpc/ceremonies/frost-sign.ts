/**
 * Ceremony 'frost-sign': Node 2's side of two-party FROST signing (RFC 9591, protocol/frost/sign.ts)
 *
 *   - ed25519 wallets (Solana, NEAR): one signature over the message;
 *   - Bitcoin P2TR wallets (BIP86 key path): one BIP340 signature per input over that input's BIP341
 *     sighash, with the wallet's output-key share = the customer's Taproot root → BIP32 child along
 *     the wallet path → TapTweak (relay/mpc/taproot.ts). The sessions of all inputs run in parallel.
 *
 * Messages and sighashes come from the challenge's approved payload through resolveSigningRequests
 * (for a transfer: the relay-built unsigned transaction, hashed by protocol/chains/bitcoin), never
 * from the client. Both parties bind key id, ceremony id, message digest, path and the (tweaked)
 * public package into each session id, so a client signing anything else is refused on its first
 * message; `params.message` / `params.messages` (hex), when sent, are compared up front. Both are
 * audited (`mpc.sign.digest_mismatch`).
 *
 *   session.ready  ed25519: { keyId, ceremonyId, message, derivationPath, scheme }
 *                  bip340:  { keyId, ceremonyId, scheme, derivationPath, taproot: { internalKey, outputKey },
 *                             sessions: [{ sessionId, ceremonyId, inputIndex, message }], message }
 *   round 1: commitments both ways; round 2: signature shares both ways; both aggregate and verify.
 */
import { toHex } from '../../../protocol/bytes.js';
import type { ChainSignature, SigningRequest } from '../../../protocol/chains/types.js';
import { InvalidMessageError } from '../../../protocol/errors.js';
import {
  type FrostKeyShare,
  type FrostSignOutput,
  type FrostSignState,
  receiveFrostSign,
  startFrostSign,
} from '../../../protocol/frost/index.js';
import { CeremonyRefusedError } from '../errors.js';
import { ed25519AccountKeyId, taprootRootKeyId } from '../key-ids.js';
import { loadKeyShare } from '../key-shares.js';
import { type ResolvedSigning, resolveSigningRequests } from '../signing-requests.js';
import { loadTaprootRoot, taprootWalletShare } from '../taproot.js';
import type { CeremonyContext, CeremonyHandler, CeremonyRun, JsonObject } from './types.js';

export const FROST_SIGN_CEREMONY = 'frost-sign';
export const FROST_SIGN_PROTOCOL = 'frost/sign';
/** Bitcoin transactions sign at most this many inputs in one ceremony (protocol/chains/bitcoin caps inputs at 200). */
const MAX_TAPROOT_INPUTS = 200;

export const frostSignHandler: CeremonyHandler = {
  name: FROST_SIGN_CEREMONY,
  protocols: [FROST_SIGN_PROTOCOL],
  challengeKinds: ['sign-message', 'sign-transaction', 'transfer', 'contract-execution', 'sign-delegate-action'],
  start: startFrostSignCeremony,
};

type Bip340Request = Extract<SigningRequest, { scheme: 'bip340' }>;
type Ed25519Request = Extract<SigningRequest, { scheme: 'ed25519' }>;

interface Session {
  sessionId: string;
  ceremonyId: string;
  message: string;
  inputIndex?: number;
  state?: FrostSignState;
  output?: FrostSignOutput;
}

async function startFrostSignCeremony(ctx: CeremonyContext): Promise<CeremonyRun> {
  const resolved = await resolveSigningRequests(ctx.db, ctx.challenge, ctx.chainSigning);
  const { requests } = resolved;
  if (requests.length === 1 && requests[0]?.scheme === 'ed25519') return startEd25519(ctx, resolved, requests[0]);
  if (requests.length > 0 && requests.every((r): r is Bip340Request => r.scheme === 'bip340'))
    return startTaproot(ctx, resolved, requests);
  throw new CeremonyRefusedError(
    'bad-params',
    'this challenge is not signed with one ed25519 signature or BIP340 (Taproot) signatures',
  );
}

async function refuseMismatch(ctx: CeremonyContext, walletId: string, stage: string, index?: number): Promise<never> {
  await ctx.audit('mpc.sign.digest_mismatch', {
    ceremony: FROST_SIGN_CEREMONY,
    walletId,
    stage,
    ...(index === undefined ? {} : { index }),
  });
  throw new CeremonyRefusedError(
    'digest-mismatch',
    stage === 'start'
      ? "the message the client asked to sign is not the approved payload's"
      : "the client's session is bound to another message, path or key than the approved payload",
  );
}

/**
 * Drives parallel FROST sessions (one per message): routes by session id, refuses and audits a
 * session id bound to anything else, and calls `finish` with the outputs in order once all are in.
 */
function runSessions(
  ctx: CeremonyContext,
  walletId: string,
  sessions: Session[],
  readyParams: JsonObject,
  outgoing: CeremonyRun['outgoing'],
  finish: (outputs: FrostSignOutput[]) => Promise<JsonObject>,
): CeremonyRun {
  const byId = new Map(sessions.map((s) => [s.sessionId, s]));
  return {
    protocol: FROST_SIGN_PROTOCOL,
    sessionIds: sessions.map((s) => s.sessionId),
    readyParams,
    outgoing,
    async receive(envelope) {
      const session = byId.get(envelope.sessionId);
      // The driver routes an unknown session id here when this is the only FROST signing run: the
      // client derived its session from another message, path or key.
      if (!session) return refuseMismatch(ctx, walletId, 'first-message');
      if (!session.state) throw new CeremonyRefusedError('invalid-message', 'the signing session is finished');
      const current = session.state;
      session.state = undefined;
      let step: ReturnType<typeof receiveFrostSign>;
      try {
        step = receiveFrostSign(current, envelope);
      } catch (error) {
        if (error instanceof InvalidMessageError && error.field === 'sessionId')
          return refuseMismatch(ctx, walletId, 'first-message', session.inputIndex);
        throw error;
      }
      if (step.output) session.output = step.output;
      else session.state = step.state;
      if (!sessions.every((s) => s.output)) return { outgoing: step.outgoing };
      const result = await finish(sessions.map((s) => s.output as FrostSignOutput));
      return { outgoing: step.outgoing, done: { result } };
    },
    dispose() {
      for (const s of sessions) {
        s.state = undefined;
        s.output = undefined;
      }
    },
  };
}

async function startEd25519(
  ctx: CeremonyContext,
  resolved: ResolvedSigning,
  request: Ed25519Request,
): Promise<CeremonyRun> {
  const { wallet } = resolved;
  const message = toHex(request.message);
  const claimed = ctx.params.message;
  if (claimed !== undefined && claimed !== message) await refuseMismatch(ctx, wallet.id, 'start');
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
  const session: Session = {
    sessionId: started.outgoing[0]?.sessionId as string,
    ceremonyId: ctx.ceremonyId,
    message,
    state: started.state,
  };
  const readyParams = {
    keyId,
    ceremonyId: ctx.ceremonyId,
    scheme: 'ed25519',
    message,
    derivationPath: request.derivationPath,
    ...(resolved.signable ? { signable: resolved.signable } : {}),
  };
  return runSessions(ctx, wallet.id, [session], readyParams, started.outgoing, async ([output]) => {
    const out = output as FrostSignOutput;
    if (out.groupPublicKey !== wallet.publicKey) {
      throw new CeremonyRefusedError('internal-error', "the signature's key is not the wallet's public key");
    }
    return resolved.complete
      ? await resolved.complete([{ scheme: 'ed25519', signature: out.signature }])
      : { walletId: wallet.id, message, signature: out.signature, publicKey: out.groupPublicKey };
  });
}

/** The client may state the sighashes it will sign: `messages` (one per input, in order) or `message` (one input). */
function claimedMessages(params: JsonObject): unknown[] | undefined {
  if (params.messages !== undefined) return Array.isArray(params.messages) ? params.messages : [params.messages];
  return params.message === undefined ? undefined : [params.message];
}

async function startTaproot(
  ctx: CeremonyContext,
  resolved: ResolvedSigning,
  requests: Bip340Request[],
): Promise<CeremonyRun> {
  const { wallet } = resolved;
  if (requests.length > MAX_TAPROOT_INPUTS)
    throw new CeremonyRefusedError('bad-params', `at most ${MAX_TAPROOT_INPUTS} inputs are signed in one ceremony`);
  const path = requests[0]?.derivationPath as string;
  if (requests.some((r, i) => r.derivationPath !== path || r.inputIndex !== i || r.keyFamily !== 'bitcoin'))
    throw new CeremonyRefusedError('bad-params', 'Taproot requests must be one per input, in order, under one path');
  const messages = requests.map((r) => toHex(r.digest));
  const claimed = claimedMessages(ctx.params);
  if (claimed !== undefined && (claimed.length !== messages.length || claimed.some((m, i) => m !== messages[i])))
    await refuseMismatch(ctx, wallet.id, 'start');

  const root = await loadTaprootRoot(ctx.db, ctx.masterKeys, ctx.challenge.customerId);
  if (!root) throw new CeremonyRefusedError('no-key', 'the customer has no Taproot key yet');
  const derived = taprootWalletShare(root.stored.secret, root.chainCode, { ...wallet, derivationPath: path });
  const keyId = taprootRootKeyId(ctx.challenge.customerId);
  const outgoing: CeremonyRun['outgoing'] = [];
  const sessions = requests.map((r, i): Session => {
    // One ceremony id per input, so no two sessions of this run can share an id even in theory.
    const ceremonyId = `${ctx.ceremonyId}:${i}`;
    const started = startFrostSign({
      role: 'server',
      scheme: 'bip340',
      keyShare: derived.keyShare,
      message: r.digest,
      keyId,
      ceremonyId,
      derivationPath: path,
      rng: ctx.rng,
    });
    outgoing.push(...started.outgoing);
    return {
      sessionId: started.outgoing[0]?.sessionId as string,
      ceremonyId,
      message: messages[i] as string,
      inputIndex: r.inputIndex,
      state: started.state,
    };
  });
  const readyParams = {
    keyId,
    ceremonyId: ctx.ceremonyId,
    scheme: 'bip340',
    derivationPath: path,
    taproot: { tweak: 'bip86', internalKey: derived.internalPublicKey, outputKey: derived.outputXOnly },
    sessions: sessions.map((s) => ({
      sessionId: s.sessionId,
      ceremonyId: s.ceremonyId,
      inputIndex: s.inputIndex,
      message: s.message,
    })),
    // Single-input fields kept for simple clients.
    message: messages[0],
    ...(resolved.signable ? { signable: resolved.signable } : {}),
  };
  return runSessions(ctx, wallet.id, sessions, readyParams, outgoing, async (outputs) => {
    if (outputs.some((o) => o.groupPublicKey.slice(2) !== derived.outputXOnly))
      throw new CeremonyRefusedError('internal-error', "a signature's key is not the wallet's Taproot output key");
    const signatures: ChainSignature[] = outputs.map((o) => ({ scheme: 'bip340', signature: o.signature }));
    if (!resolved.complete) throw new CeremonyRefusedError('bad-params', 'Taproot signing needs the chain layer');
    return resolved.complete(signatures);
  });
}
