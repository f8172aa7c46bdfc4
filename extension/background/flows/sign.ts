/**
 * Signing approvals (sign-message, sign-typed-data, sign-transaction, transfer, contract-execution,
 * sign-delegate-action), Node 1's side: unlock the bundle with the PIN, pick the signing share from
 * Node 1's own key material (the wallet must be the approved `fromAddress`), compute the digest or
 * message itself (signing-requests.ts), then run `ecdsa-sign` (EVM, Bitcoin P2WPKH) or `frost-sign`
 * (Solana, NEAR) with the relay, which completes the challenge with the public result.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { fromHex, toHex } from '../../../protocol/bytes.js';
import { bitcoinAddressFromPublicKey } from '../../../protocol/chains/bitcoin/address.js';
import { evmAddressFromPublicKey } from '../../../protocol/chains/evm/address.js';
import type { SigningRequest } from '../../../protocol/chains/types.js';
import { deriveNonHardened, parseDerivationPath } from '../../../protocol/ecdsa2p/derivation.js';
import { Point } from '../../../protocol/ecdsa2p/group.js';
import {
  type Ecdsa2pKeyShare,
  type Ecdsa2pSignature,
  receiveSign,
  SIGN_PROTOCOL,
  type SignState,
  startSignClient,
} from '../../../protocol/ecdsa2p/index.js';
import {
  deriveTaprootKeyShare,
  type FrostKeyShare,
  type FrostSignOutput,
  type FrostSignState,
  receiveFrostSign,
  startFrostSign,
} from '../../../protocol/frost/index.js';
import type { GuardedKeyOutput } from '../../../protocol/pin/guarded.js';
import type { Envelope, Step } from '../../../protocol/session.js';
import type { Node1Bundle } from '../bundle.js';
import { runCeremony } from '../ceremony-runner.js';
import type { GatewayChallenge } from '../challenge-reader.js';
import type { RelayConnection } from '../relay-client.js';
import type { FlowContext, FlowRequest } from './context.js';
import { CeremonyRefusedError, sessionDone, startSession } from './session.js';
import {
  burningAwareDriver,
  burnShare,
  isStalePairingRefusal,
  keepRepairedShare,
  keepShareOnDevice,
  parseRepairAnnouncement,
  runRepair,
  withEcdsaShare,
} from './sign-repair.js';
import {
  familyOf,
  payloadSigningRequests,
  RELAY_BUILT_KINDS,
  relayBuiltSigningRequests,
  SigningRefusedError,
  type SigningWallet,
} from './signing-requests.js';
import { unlockBundle } from './unlock.js';

export const SIGN_STEPS = ['Check your PIN', 'Sign together with the relay', 'Done'] as const;

function bitcoinNetworkOf(blockchain: string) {
  if (/REGTEST|LOCAL/.test(blockchain)) return 'regtest' as const;
  return blockchain === 'BTC' ? ('mainnet' as const) : ('testnet' as const);
}

/** The address of the ECDSA child at `path` under our root share's (joint) public key. */
export function ecdsaChildAddress(share: Ecdsa2pKeyShare, path: string, blockchain: string): string {
  const child = deriveNonHardened(Point.fromHex(share.publicKey), fromHex(share.chainCode), path);
  const publicKey = child.publicKey.toBytes(true);
  return familyOf(blockchain) === 'evm'
    ? evmAddressFromPublicKey(publicKey)
    : bitcoinAddressFromPublicKey(publicKey, 'p2wpkh', bitcoinNetworkOf(blockchain));
}

const sameAddress = (a: string, b: string) => (a.startsWith('0x') ? a.toLowerCase() === b.toLowerCase() : a === b);

export async function signChallenge(
  ctx: FlowContext,
  request: FlowRequest,
  pin: string,
  challenge: GatewayChallenge,
  newId: () => string,
): Promise<Record<string, unknown>> {
  const payload = challenge.payload;
  if (!payload) throw new SigningRefusedError('the approved payload is no longer available');
  const blockchain = typeof payload.blockchain === 'string' ? payload.blockchain : '';
  const fromAddress = typeof payload.fromAddress === 'string' ? payload.fromAddress : '';
  if (!blockchain || !fromAddress) throw new SigningRefusedError('the approved payload names no wallet');
  const family = familyOf(blockchain);

  request.report({ type: 'progress', step: 0 });
  const unlocked = await unlockBundle(ctx, { ...request, pin });
  // K stays until the end: a re-paired (or burned) ECDSA share is re-wrapped under it (sign-repair.ts).
  const { bundle, key } = unlocked;
  let connection: RelayConnection | undefined;
  try {
    await ctx.lock.unlock({ bundle: JSON.stringify(bundle), customerId: request.customerId });

    request.report({ type: 'progress', step: 1 });
    connection = await ctx.connect({ mode: 'authenticate', customerId: request.customerId });
    let result: Record<string, unknown>;
    if (family === 'bitcoin' && isTaprootAddress(fromAddress)) {
      if (!bundle.taproot) throw new SigningRefusedError('this device holds no Taproot key for this wallet');
      result = await signTaproot(ctx, request, connection, {
        root: bundle.taproot,
        blockchain,
        fromAddress,
        challenge,
        newId,
      });
    } else if (family === 'evm' || family === 'bitcoin') {
      const share = bundle.ecdsa[family];
      if (!share) throw new SigningRefusedError(`this device holds no ${family} key for this wallet`);
      result = await signEcdsa(ctx, request, connection, {
        share,
        blockchain,
        fromAddress,
        challenge,
        newId,
        keep: (next, where) => keepEcdsaShare(ctx, request, { bundle, key, family, share: next, where }),
      });
    } else {
      const account = bundle.ed25519?.accounts.find((a) => a.address === fromAddress && a.chain === family);
      if (!account) throw new SigningRefusedError(`this device holds no key for ${fromAddress}`);
      const wallet: SigningWallet = {
        family,
        address: fromAddress,
        derivationPath: account.path,
        account: account.index,
      };
      const relayBuilt = RELAY_BUILT_KINDS.has(challenge.kind);
      const own = relayBuilt ? undefined : payloadSigningRequests(challenge.kind, payload, wallet);
      const announced = own?.[0]?.scheme === 'ed25519' ? { message: toHex(own[0].message) } : {};
      const ready = await startSession(connection, {
        challengeId: request.challengeId,
        ceremony: 'frost-sign',
        params: announced,
        newId,
      });
      const done = sessionDone(connection, ready.ceremonyId);
      done.catch(() => undefined);
      const requests =
        own ??
        relayBuiltSigningRequests(challenge.kind, payload, wallet, ready.params.signable as Record<string, unknown>);
      const req = requests[0];
      if (requests.length !== 1 || req?.scheme !== 'ed25519')
        throw new SigningRefusedError('expected one ed25519 signature');
      if (ready.params.message !== undefined && ready.params.message !== toHex(req.message)) {
        throw new SigningRefusedError('the relay would sign another message than the one approved');
      }
      await runFrostSignSession(ctx, request, connection, {
        ceremonyId: ready.ceremonyId,
        keyId: ready.params.keyId as string,
        sessionCeremonyId: ready.params.ceremonyId as string,
        scheme: 'ed25519',
        keyShare: account.keyShare,
        message: req.message,
        derivationPath: account.path,
      });
      result = await done;
    }
    request.report({ type: 'progress', step: 2 });
    return result;
  } finally {
    connection?.close();
    key.rootKey.fill(0);
  }
}

/** Stores the bundle with a new root share for `family`: at the relay and here, or here only. */
async function keepEcdsaShare(
  ctx: FlowContext,
  request: FlowRequest,
  p: {
    bundle: Node1Bundle;
    key: GuardedKeyOutput;
    family: 'evm' | 'bitcoin';
    share: Ecdsa2pKeyShare;
    where: 'relay-and-device' | 'device';
  },
): Promise<void> {
  const bundle = withEcdsaShare(p.bundle, p.family, p.share);
  const ids = { challengeId: request.challengeId, customerId: request.customerId };
  if (p.where === 'device') await keepShareOnDevice(ctx, { ...ids, bundle, key: p.key });
  else await keepRepairedShare(ctx, { ...ids, bundle, key: p.key });
  await ctx.lock.unlock({ bundle: JSON.stringify(bundle), customerId: request.customerId });
}

function sessionOf(first: Step<unknown, Envelope<unknown>, unknown>): string {
  const id = first.outgoing[0]?.sessionId;
  if (!id) throw new SigningRefusedError('the protocol produced no first message');
  return id;
}

async function signEcdsa(
  ctx: FlowContext,
  request: FlowRequest,
  connection: RelayConnection,
  p: {
    share: Ecdsa2pKeyShare;
    blockchain: string;
    fromAddress: string;
    challenge: GatewayChallenge;
    newId: () => string;
    /** Keeps a changed share: re-paired (relay and device) or burned (device). */
    keep: (share: Ecdsa2pKeyShare, where: 'relay-and-device' | 'device') => Promise<void>;
  },
): Promise<Record<string, unknown>> {
  const payload = p.challenge.payload as Record<string, unknown>;
  // A burned share of ours cannot sign (assertNotBurned): ask the relay to re-pair first.
  const askRepair = p.share.burned === true;
  let ready: Awaited<ReturnType<typeof startSession>>;
  try {
    ready = await startSession(connection, {
      challengeId: request.challengeId,
      ceremony: 'ecdsa-sign',
      // Our pairing's setup ids: a copy restored from before a re-pairing is re-paired by Node 2 up front.
      params: {
        ...(askRepair ? { repair: true } : {}),
        pairing: { senderSetupId: p.share.ot.sender.setupId, receiverSetupId: p.share.ot.receiver.setupId },
      },
      newId: p.newId,
    });
  } catch (error) {
    if (error instanceof CeremonyRefusedError && error.code === 'repair-rate-limited') {
      throw new SigningRefusedError(
        `this key needs a fresh pairing with the relay before it can sign, and it was re-paired too often today; try again tomorrow or contact ${p.challenge.businessName}`,
      );
    }
    throw error;
  }
  const done = sessionDone(connection, ready.ceremonyId);
  done.catch(() => undefined);
  let share = p.share;
  const announced = parseRepairAnnouncement(ready.params.repair);
  if (askRepair && !announced) throw new SigningRefusedError('the relay did not re-pair the burned key share');
  // Node 2 re-pairs a burned share of ours, and a stale pairing of ours that it recognised from the ids.
  if (announced) {
    share = await runRepair(ctx, request, connection, { ceremonyId: ready.ceremonyId, share, announced });
    // Kept before any signing message: the relay already holds its re-paired share.
    await p.keep(share, 'relay-and-device');
  }
  const sessions = (Array.isArray(ready.params.sessions) ? ready.params.sessions : [ready.params]) as {
    serverNonce: string;
    digest: string;
    derivationPath: string;
  }[];
  const path = sessions[0]?.derivationPath;
  if (typeof path !== 'string') throw new SigningRefusedError('the relay named no derivation path');
  // The path comes from the relay; it is used only if it leads to the approved wallet under OUR root.
  if (!sameAddress(ecdsaChildAddress(p.share, path, p.blockchain), p.fromAddress)) {
    throw new SigningRefusedError(`the relay's key path does not lead to ${p.fromAddress}`);
  }
  const wallet: SigningWallet = {
    family: familyOf(p.blockchain),
    address: p.fromAddress,
    derivationPath: path,
    account: 0,
  };
  const requests: SigningRequest[] = RELAY_BUILT_KINDS.has(p.challenge.kind)
    ? relayBuiltSigningRequests(p.challenge.kind, payload, wallet, ready.params.signable as Record<string, unknown>)
    : payloadSigningRequests(p.challenge.kind, payload, wallet);
  if (requests.length !== sessions.length)
    throw new SigningRefusedError('the relay announced another number of signatures');
  const signatures: Ecdsa2pSignature[] = [];
  for (const [i, r] of requests.entries()) {
    const session = sessions[i] as (typeof sessions)[number];
    if (r.scheme !== 'ecdsa-secp256k1') throw new SigningRefusedError('expected ECDSA signatures');
    if (session.digest !== undefined && session.digest !== bytesToHex(r.digest)) {
      throw new SigningRefusedError('the relay would sign another digest than the one approved');
    }
    const first = startSignClient({
      share,
      digest: r.digest,
      path: r.derivationPath,
      serverNonce: session.serverNonce,
      rng: ctx.rng,
    });
    let burned: string | undefined;
    const driver = burningAwareDriver<SignState, Ecdsa2pSignature>(
      { protocol: SIGN_PROTOCOL, receive: (s, e) => receiveSign(s, e, ctx.rng) },
      connection,
      ready.ceremonyId,
      (reason) => {
        burned = reason;
      },
    );
    try {
      signatures.push(
        await runCeremony<SignState, Ecdsa2pSignature>({
          connection,
          store: ctx.ceremonies,
          ceremonyId: ready.ceremonyId,
          recordId: `${ready.ceremonyId}:${i}`,
          approvalId: request.approvalId,
          sessionId: sessionOf(first),
          driver,
          first,
        }),
      );
    } catch (error) {
      if (burned !== undefined) {
        // mpc-design §1.5.5: these correlations are never used again; the next signature re-pairs.
        await p.keep(burnShare(share), 'device');
        throw new SigningRefusedError(
          `the relay's answer failed a security check (${burned}); nothing was signed, and the next signature first renews the pairing`,
        );
      }
      if (i === 0 && !announced && isStalePairingRefusal(error)) {
        // This device's copy holds a pairing the relay replaced since (a re-pairing on another device,
        // or a copy restored from before one). The relay failed this request; the next one re-pairs.
        await p.keep(burnShare(share), 'device');
        throw new SigningRefusedError(
          'this device held an outdated pairing with the relay; nothing was signed. Ask the site to send the request again: the next signature renews the pairing first',
        );
      }
      throw error;
    }
  }
  return done;
}

/** Witness v1 (bech32m) Bitcoin address: `<hrp>1p…`. */
export function isTaprootAddress(address: string): boolean {
  return /^(bc|tb|bcrt)1p[02-9ac-hj-np-z]{58}$/.test(address);
}

/**
 * A Taproot (BIP86 key path) wallet: one FROST/BIP340 session per input under the customer's Taproot
 * root share → BIP32 child along the wallet path → TapTweak (protocol/frost/tweak.ts), all in parallel.
 * Only relay-built transactions are signed (BIP-137 messages are P2WPKH-only at the relay).
 */
async function signTaproot(
  ctx: FlowContext,
  request: FlowRequest,
  connection: RelayConnection,
  p: {
    root: { keyShare: FrostKeyShare; chainCode: string };
    blockchain: string;
    fromAddress: string;
    challenge: GatewayChallenge;
    newId: () => string;
  },
): Promise<Record<string, unknown>> {
  if (!RELAY_BUILT_KINDS.has(p.challenge.kind)) {
    throw new SigningRefusedError('a Taproot wallet signs transactions the relay builds, not messages');
  }
  const ready = await startSession(connection, {
    challengeId: request.challengeId,
    ceremony: 'frost-sign',
    newId: p.newId,
  });
  const done = sessionDone(connection, ready.ceremonyId);
  done.catch(() => undefined);
  const path = ready.params.derivationPath;
  if (typeof path !== 'string') throw new SigningRefusedError('the relay named no derivation path');
  const derived = deriveTaprootKeyShare(p.root.keyShare, p.root.chainCode, parseDerivationPath(path));
  // The path comes from the relay; it is used only if it leads, under OUR root, to the approved address.
  const address = bitcoinAddressFromPublicKey(
    fromHex(derived.internalPublicKey),
    'p2tr',
    bitcoinNetworkOf(p.blockchain),
  );
  if (address !== p.fromAddress)
    throw new SigningRefusedError(`the relay's key path does not lead to ${p.fromAddress}`);
  const wallet: SigningWallet = { family: 'bitcoin', address: p.fromAddress, derivationPath: path, account: 0 };
  const requests = relayBuiltSigningRequests(
    p.challenge.kind,
    p.challenge.payload as Record<string, unknown>,
    wallet,
    ready.params.signable as Record<string, unknown>,
  );
  const announced = (Array.isArray(ready.params.sessions) ? ready.params.sessions : []) as {
    ceremonyId: string;
    message?: string;
  }[];
  if (announced.length !== requests.length)
    throw new SigningRefusedError('the relay announced another number of inputs');
  await Promise.all(
    requests.map((r, i) => {
      const session = announced[i] as (typeof announced)[number];
      if (r.scheme !== 'bip340') throw new SigningRefusedError('expected BIP340 signatures for a Taproot wallet');
      if (session.message !== undefined && session.message !== toHex(r.digest)) {
        throw new SigningRefusedError('the relay would sign another sighash than the approved transaction’s');
      }
      return runFrostSignSession(ctx, request, connection, {
        ceremonyId: ready.ceremonyId,
        recordId: `${ready.ceremonyId}:${i}`,
        keyId: ready.params.keyId as string,
        sessionCeremonyId: session.ceremonyId,
        scheme: 'bip340',
        keyShare: derived.keyShare,
        message: r.digest,
        derivationPath: path,
      });
    }),
  );
  return done;
}

/** One FROST signing session with the relay (ed25519 message, or one BIP340 input), run to its output. */
function runFrostSignSession(
  ctx: FlowContext,
  request: FlowRequest,
  connection: RelayConnection,
  p: {
    /** The relay ceremony (session.ready) and, when it has several sessions, this one's store record. */
    ceremonyId: string;
    recordId?: string;
    keyId: string;
    /** The ceremony id bound into this session's id (per input for Taproot). */
    sessionCeremonyId: string;
    scheme: 'ed25519' | 'bip340';
    keyShare: FrostKeyShare;
    message: Uint8Array;
    derivationPath: string;
  },
): Promise<FrostSignOutput> {
  const first = startFrostSign({
    role: 'client',
    scheme: p.scheme,
    keyShare: p.keyShare,
    message: p.message,
    keyId: p.keyId,
    ceremonyId: p.sessionCeremonyId,
    derivationPath: p.derivationPath,
    rng: ctx.rng,
  });
  return runCeremony<FrostSignState, FrostSignOutput>({
    connection,
    store: ctx.ceremonies,
    ceremonyId: p.ceremonyId,
    ...(p.recordId ? { recordId: p.recordId } : {}),
    approvalId: request.approvalId,
    sessionId: sessionOf(first),
    driver: { protocol: 'frost/sign', receive: (s, e) => receiveFrostSign(s, e) },
    first,
  });
}
