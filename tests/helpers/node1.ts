/**
 * A scripted Node 1 for tests and benchmarks: a Node WebSocket client with a P-256 device key that
 * signs the handshake like WebCrypto does, and the client side of the MPC protocols. Plus a relay
 * starter with MPC limits the tests can shorten, and fixtures (organisation, customer, challenges).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { p256 } from '@noble/curves/nist.js';
import WebSocket from 'ws';
import {
  birthEnvelope,
  parseWalletCreateParams,
  startEd25519Birth,
  startTaprootDkg,
} from '../../extension/background/flows/wallet-create-plan.js';
import { toHex } from '../../protocol/bytes.js';
import { bitcoinAddressFromPublicKey } from '../../protocol/chains/bitcoin/address.js';
import { evmAddressFromPublicKey } from '../../protocol/chains/evm/address.js';
import type { SigningRequest } from '../../protocol/chains/types.js';
import {
  signingRequestsFor,
  type UnsignedTransaction,
  validateUnsignedTransaction,
} from '../../protocol/chains/unsigned.js';
import { deriveNonHardened, parseDerivationPath } from '../../protocol/ecdsa2p/derivation.js';
import { Point } from '../../protocol/ecdsa2p/group.js';
import {
  DKG_PROTOCOL,
  type DkgState,
  type Ecdsa2pKeyShare,
  type Ecdsa2pSignature,
  type RefreshState,
  type RepairState,
  receiveDkg,
  receiveRefresh,
  receiveRepair,
  receiveSign,
  type SignState,
  startDkg,
  startRefresh,
  startRepair,
  startSignClient,
} from '../../protocol/ecdsa2p/index.js';
import {
  birthEd25519Family,
  deriveTaprootKeyShare,
  type Ed25519BirthResult,
  type FrostDkgOutput,
  type FrostDkgState,
  type FrostKeyShare,
  type FrostRefreshState,
  type FrostSignOutput,
  type FrostSignState,
  receiveFrostDkg,
  receiveFrostRefresh,
  receiveFrostSign,
  startFrostDkg,
  startFrostRefresh,
  startFrostSign,
} from '../../protocol/frost/index.js';
import { createSeededRng, type Rng, secureRng } from '../../protocol/rng.js';
import { type Envelope, otherParty } from '../../protocol/session.js';
import {
  type ControlMessage,
  controlEnvelope,
  type ErrorMessage,
  type HelloMessage,
  parseControlEnvelope,
  type SessionReadyMessage,
} from '../../protocol/wire/control.js';
import { CONTROL_PROTOCOL, encodeFrame, parseFrame } from '../../protocol/wire/envelope.js';
import { deviceIdFromPublicKey, handshakeTranscript, signDeviceTranscript } from '../../protocol/wire/handshake.js';
import { type ChallengeKind, createChallenge } from '../../relay/challenges/store.js';
import { loadConfig } from '../../relay/config.js';
import { loadMasterKey } from '../../relay/crypto/master-key.js';
import { createCustomer } from '../../relay/customers/store.js';
import type { MpcLimits } from '../../relay/mpc/connection.js';
import { ecdsaRootKeyId, ed25519AccountKeyId, exportKeyPartId, taprootRootKeyId } from '../../relay/mpc/key-ids.js';
import { insertKeyShare } from '../../relay/mpc/key-shares.js';
import { type RunningRelay, startRelay } from '../../relay/server.js';
import { insertWallet, type Wallet } from '../../relay/wallets/store.js';
import { createTestDatabase } from './database.js';

// ---------------------------------------------------------------------------------------------
// Relay

export interface MpcTestRelay extends RunningRelay {
  wsUrl: string;
  /** The organisation's API key, for tests that also call the REST API. */
  apiKey: string;
  dataDir: string;
  databaseUrl: string | undefined;
  organisationId: string;
  /** Stops the relay; unless `keepData`, deletes its data directory and test database. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export interface MpcTestRelayOptions {
  mpcLimits?: Partial<MpcLimits>;
  /** Restart on existing storage (what `stop({ keepData: true })` left behind). */
  dataDir?: string;
  databaseUrl?: string;
  /** TANDEM_MASTER_KEY; by default the relay creates `<dataDir>/master.key`. */
  masterKey?: string;
}

export async function startMpcTestRelay(options: MpcTestRelayOptions = {}): Promise<MpcTestRelay> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tandem-mpc-'));
  const database = options.dataDir
    ? { url: options.databaseUrl, drop: async () => undefined }
    : await createTestDatabase();
  const apiKey = `tdm_test_${crypto.randomUUID().replaceAll('-', '')}`;
  const config = loadConfig({
    PORT: '0',
    TANDEM_DATA_DIR: dataDir,
    TANDEM_API_KEY: apiKey,
    DATABASE_URL: database.url,
    ...(options.masterKey ? { TANDEM_MASTER_KEY: options.masterKey } : {}),
  });
  config.mpcLimits = options.mpcLimits;
  let relay: RunningRelay;
  try {
    relay = await startRelay(config, () => undefined);
  } catch (error) {
    if (!options.dataDir) {
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
    throw error;
  }
  const org = await relay.db.query<{ id: string }>('SELECT id FROM organisations ORDER BY created_at LIMIT 1');
  return {
    ...relay,
    wsUrl: `${relay.url.replace('http://', 'ws://')}/v2/mpc`,
    apiKey,
    dataDir,
    databaseUrl: database.url,
    organisationId: (org.rows[0] as { id: string }).id,
    async stop(stopOptions = {}) {
      await relay.close();
      if (stopOptions.keepData) return;
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function createTestCustomer(relay: MpcTestRelay, refId = crypto.randomUUID()): Promise<string> {
  const customer = await createCustomer(relay.db, relay.organisationId, { name: 'Test customer', refId });
  return customer.id;
}

export async function createTestChallenge(
  relay: MpcTestRelay,
  customerId: string,
  kind: ChallengeKind,
  payload: Record<string, unknown> = {},
  lifetimeMs?: number,
): Promise<string> {
  const challenge = await relay.db.transaction((tx) =>
    createChallenge(tx, {
      organisationId: relay.organisationId,
      customerId,
      kind,
      payload,
      returnUrl: 'https://business.example/return',
      ...(lifetimeMs === undefined ? {} : { lifetimeMs }),
    }),
  );
  return challenge.id;
}

// ---------------------------------------------------------------------------------------------
// Device

export interface Node1Device {
  secretKey: Uint8Array;
  /** Raw uncompressed P-256 point. */
  publicKey: Uint8Array;
  deviceId: string;
}

export function createDevice(seed?: string): Node1Device {
  const rng = seed ? createSeededRng(`tests/node1/device/${seed}`) : secureRng;
  const secretKey = p256.utils.randomSecretKey(rng(48));
  const publicKey = p256.getPublicKey(secretKey, false);
  return { secretKey, publicKey, deviceId: deviceIdFromPublicKey(publicKey) };
}

// ---------------------------------------------------------------------------------------------
// Client

export class CeremonyError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export class Node1Client {
  hello!: HelloMessage;
  /** Envelopes received and not yet taken, in order. */
  private readonly inbox: Envelope<unknown>[] = [];
  private waiters: (() => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Answer the relay's keep-alive pings (turn off to test idle handling). */
  autoPong = true;
  pingsReceived = 0;
  /** Frames from the relay that failed validation (a test failure: the relay must send valid frames). */
  readonly protocolErrors: Error[] = [];

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake();
      });
    });
    ws.on('error', () => undefined);
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? new Uint8Array(data as Buffer) : (data as Buffer).toString('utf8');
      let envelope: Envelope<unknown>;
      let message: ControlMessage | undefined;
      try {
        envelope = parseFrame(text, { from: 'server' });
        if (envelope.protocol === CONTROL_PROTOCOL) message = parseControlEnvelope(envelope);
      } catch (error) {
        this.protocolErrors.push(error as Error);
        this.ws.close(1007, 'bad frame from relay');
        return;
      }
      if (message) {
        if (message.type === 'ping') {
          this.pingsReceived++;
          if (this.autoPong) this.sendControl({ type: 'pong', at: message.at });
          return;
        }
      }
      this.inbox.push(envelope);
      this.wake();
    });
  }

  static async connect(url: string): Promise<Node1Client> {
    const ws = new WebSocket(url, { maxPayload: 1024 * 1024 });
    const client = new Node1Client(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const hello = await client.nextControl('hello');
    client.hello = hello;
    return client;
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** The next envelope matching `filter` (removed from the inbox), or throws after `timeoutMs`. */
  async next(filter: (e: Envelope<unknown>) => boolean = () => true, timeoutMs = 10_000): Promise<Envelope<unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex(filter);
      if (i >= 0) return this.inbox.splice(i, 1)[0] as Envelope<unknown>;
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error('connection closed while waiting');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a message');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async nextControl<T extends ControlMessage['type']>(
    type: T | T[],
    timeoutMs = 10_000,
  ): Promise<Extract<ControlMessage, { type: T }>> {
    const types = ([] as string[]).concat(type);
    const env = await this.next(
      (e) => e.protocol === CONTROL_PROTOCOL && types.includes((e.payload as { type: string }).type),
      timeoutMs,
    );
    return env.payload as Extract<ControlMessage, { type: T }>;
  }

  sendRaw(data: string | Buffer) {
    this.ws.send(data);
  }

  send(envelope: Envelope<unknown>) {
    this.ws.send(encodeFrame(envelope));
  }

  sendControl(message: ControlMessage) {
    this.send(controlEnvelope('client', message));
  }

  /** Signs and sends a handshake; resolves with the ack or the error. */
  async handshake(
    device: Node1Device,
    customerId: string,
    options: { register?: { challengeId: string }; origin?: string; nonce?: string; sign?: Node1Device } = {},
  ): Promise<ControlMessage> {
    const nonce = options.nonce ?? this.hello.nonce;
    const origin = options.origin ?? this.hello.origin;
    const signer = options.sign ?? device;
    if (options.register) {
      const fields = {
        mode: 'register' as const,
        nonce,
        origin,
        deviceId: device.deviceId,
        customerId,
        challengeId: options.register.challengeId,
        publicKey: toHex(device.publicKey),
      };
      const signature = toHex(signDeviceTranscript(signer.secretKey, handshakeTranscript(fields)));
      this.sendControl({
        type: 'handshake',
        mode: 'register',
        deviceId: device.deviceId,
        customerId,
        challengeId: options.register.challengeId,
        publicKey: toHex(device.publicKey),
        signature,
      });
    } else {
      const transcript = handshakeTranscript({
        mode: 'authenticate',
        nonce,
        origin,
        deviceId: device.deviceId,
        customerId,
      });
      this.sendControl({
        type: 'handshake',
        mode: 'authenticate',
        deviceId: device.deviceId,
        customerId,
        signature: toHex(signDeviceTranscript(signer.secretKey, transcript)),
      });
    }
    return this.nextControl(['ack', 'error']);
  }

  /** Asks for a ceremony; resolves with session.ready or throws CeremonyError with the relay's code. */
  async startSession(
    challengeId: string,
    ceremony: string,
    params: Record<string, unknown> = {},
  ): Promise<SessionReadyMessage> {
    const requestId = `req_${crypto.randomUUID().slice(0, 8)}`;
    this.sendControl({ type: 'session.start', requestId, challengeId, ceremony, params });
    // Only the answer to this request: a late notice about an earlier ceremony (e.g. unknown-session
    // after an abort) must not be taken for it.
    const env = await this.next((e) => {
      if (e.protocol !== CONTROL_PROTOCOL) return false;
      const m = e.payload as { type: string; requestId?: string };
      return (m.type === 'session.ready' || m.type === 'error') && m.requestId === requestId;
    });
    const answer = env.payload as SessionReadyMessage | ErrorMessage;
    if (answer.type === 'error') throw new CeremonyError(answer.code, answer.message);
    return answer;
  }

  /** The next protocol envelope of `sessionProtocol`, or throws CeremonyError on session.abort / error. */
  async nextProtocol(protocol: string, timeoutMs = 30_000): Promise<Envelope<unknown>> {
    const env = await this.next(
      (e) =>
        e.protocol === protocol ||
        (e.protocol === CONTROL_PROTOCOL && ['session.abort', 'error'].includes((e.payload as { type: string }).type)),
      timeoutMs,
    );
    if (env.protocol === CONTROL_PROTOCOL) {
      const m = env.payload as ErrorMessage | { type: 'session.abort'; code: string; reason: string };
      throw new CeremonyError(m.code, 'message' in m ? m.message : m.reason);
    }
    return env;
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000, 'done');
    await this.closed;
  }
}

/** Connects and authenticates (registering first under `register` when given). */
export async function connectNode1(
  wsUrl: string,
  device: Node1Device,
  customerId: string,
  register?: { challengeId: string },
): Promise<Node1Client> {
  const client = await Node1Client.connect(wsUrl);
  const answer = await client.handshake(device, customerId, register ? { register } : {});
  if (answer.type !== 'ack') throw new Error(`handshake refused: ${JSON.stringify(answer)}`);
  return client;
}

// ---------------------------------------------------------------------------------------------
// Ceremonies, client side

export interface EcdsaSignRun {
  signature: Ecdsa2pSignature;
  result: Record<string, unknown>;
  ready: SessionReadyMessage;
  /** The share that signed: the re-paired one when the relay (or `requestRepair`) asked for a re-pairing. */
  share: Ecdsa2pKeyShare;
}

/**
 * Node 1's side of 'ecdsa-sign': the digest and path are what Node 1 itself computed from the
 * approved payload. `announceDigest` sends it in params so the relay can refuse a mismatch early.
 */
export async function runEcdsaSign(
  client: Node1Client,
  options: {
    challengeId: string;
    share: Ecdsa2pKeyShare;
    digest: Uint8Array;
    path: string;
    announceDigest?: boolean;
    /** Ask for a re-pairing first (the client's copy is burned or its pairing is stale). */
    requestRepair?: boolean;
    /** State the share's pairing (setup ids) so Node 2 re-pairs a stale one (the extension always does). */
    announcePairing?: boolean;
    rng?: Rng;
  },
): Promise<EcdsaSignRun> {
  const rng = options.rng ?? secureRng;
  const ready = await client.startSession(options.challengeId, 'ecdsa-sign', {
    ...(options.announceDigest === false ? {} : { digest: toHex(options.digest) }),
    ...(options.requestRepair ? { repair: true } : {}),
    ...(options.announcePairing
      ? {
          pairing: {
            senderSetupId: options.share.ot.sender.setupId,
            receiverSetupId: options.share.ot.receiver.setupId,
          },
        }
      : {}),
  });
  let share = options.share;
  const repair = ready.params.repair as { protocol: string; sessionId: string } | undefined;
  if (repair) {
    const started = startRepair({ share, sessionId: repair.sessionId, rng });
    let repairState: RepairState = started.state;
    for (const m of started.outgoing) client.send(m);
    let repaired: Ecdsa2pKeyShare | undefined;
    while (!repaired) {
      const step = receiveRepair(repairState, await client.nextProtocol(repair.protocol), rng);
      repairState = step.state;
      for (const m of step.outgoing) client.send(m);
      repaired = step.output;
    }
    share = repaired;
  }
  const start = startSignClient({
    share,
    digest: options.digest,
    path: options.path,
    rng,
    serverNonce: ready.params.serverNonce as string,
  });
  let state: SignState = start.state;
  for (const m of start.outgoing) client.send(m);
  let signature: Ecdsa2pSignature | undefined;
  while (!signature) {
    const env = await client.nextProtocol(ready.protocol);
    const step = receiveSign(state, env, rng);
    state = step.state;
    for (const m of step.outgoing) client.send(m);
    signature = step.output;
  }
  const done = await client.nextControl(['session.done', 'session.abort', 'error']);
  if (done.type !== 'session.done') throw new CeremonyError(done.code, 'reason' in done ? done.reason : done.message);
  return { signature, result: done.result, ready, share };
}

// ---------------------------------------------------------------------------------------------
// Key provisioning without the network (fixtures for signing tests and benchmarks)

/** Runs both sides of the ECDSA DKG in memory. */
export function runLocalEcdsaDkg(
  keyId: string,
  rng: Rng = secureRng,
): { client: Ecdsa2pKeyShare; server: Ecdsa2pKeyShare } {
  const sessionId = toHex(rng(32));
  const c = startDkg({ role: 'client', keyId, sessionId, rng });
  const s = startDkg({ role: 'server', keyId, sessionId, rng });
  const states: Record<'client' | 'server', DkgState> = { client: c.state, server: s.state };
  const out: Partial<Record<'client' | 'server', Ecdsa2pKeyShare>> = {};
  const queue: Envelope<unknown>[] = [...c.outgoing, ...s.outgoing];
  while (queue.length > 0) {
    const m = queue.shift() as Envelope<unknown>;
    const to = otherParty(m.from);
    const step = receiveDkg(states[to], m, rng);
    states[to] = step.state;
    if (step.output) out[to] = step.output;
    queue.push(...step.outgoing);
  }
  if (!out.client || !out.server) throw new Error('local DKG did not finish');
  return { client: out.client, server: out.server };
}

export interface ProvisionedEvmWallet {
  clientShare: Ecdsa2pKeyShare;
  wallet: Wallet;
  path: string;
}

/**
 * Gives `customerId` an EVM root the way a finished wallet-create leaves it: the server share sealed
 * in mpc_key_shares (under the relay's own master key file) and a wallet row at `path`.
 */
export async function provisionEvmWallet(
  relay: MpcTestRelay,
  customerId: string,
  path = 'm/0/0',
): Promise<ProvisionedEvmWallet> {
  const keyId = ecdsaRootKeyId(customerId, 'evm');
  const { client, server } = runLocalEcdsaDkg(keyId);
  const derived = deriveNonHardened(
    Point.fromHex(server.publicKey),
    Uint8Array.from(Buffer.from(server.chainCode, 'hex')),
    path,
  );
  const publicKey = derived.publicKey.toBytes(true);
  const masterKey = loadMasterKey({ dataDir: relay.dataDir });
  const wallet = await relay.db.transaction(async (tx) => {
    await insertKeyShare(tx, masterKey, {
      organisationId: relay.organisationId,
      customerId,
      keyId,
      purpose: 'ecdsa2p-share',
      epoch: server.epoch,
      publicKey: server.publicKey,
      secret: server,
    });
    return insertWallet(tx, {
      organisationId: relay.organisationId,
      customerId,
      blockchain: 'ETH-SEPOLIA',
      address: evmAddressFromPublicKey(publicKey),
      publicKey: toHex(publicKey),
      derivationPath: path,
      keyFamily: 'evm',
    });
  });
  return { clientShare: client, wallet, path };
}

export interface WalletCreateRun {
  ready: SessionReadyMessage;
  /** Node 1's new ECDSA root shares by family. */
  ecdsa: Partial<Record<'evm' | 'bitcoin', Ecdsa2pKeyShare>>;
  /** Node 1's side of the ed25519 birth (client bundle, sealed mnemonic), when an ed25519 chain was asked for. */
  birth?: Ed25519BirthResult;
  /** Node 1's untweaked Taproot root share and the joint chain code, when the relay ran the FROST DKG. */
  taproot?: FrostDkgOutput;
  result: Record<string, unknown>;
}

/** The protocol envelopes wallet-create exchanges after session.ready. */
const WALLET_CREATE_PROTOCOLS = [DKG_PROTOCOL, 'frost/dkg'];

/** Node 1's side of 'wallet-create': runs every announced DKG (in parallel) and the ed25519 birth. */
export async function runWalletCreate(
  client: Node1Client,
  challengeId: string,
  options: { rng?: Rng; tamperBirth?: (payload: any) => void } = {},
): Promise<WalletCreateRun> {
  const rng = options.rng ?? secureRng;
  const ready = await client.startSession(challengeId, 'wallet-create');
  const params = parseWalletCreateParams(ready.params);
  const states = new Map<string, { family: 'evm' | 'bitcoin'; state: DkgState }>();
  const ecdsa: WalletCreateRun['ecdsa'] = {};
  for (const d of params.ecdsa) {
    const step = startDkg({ role: 'client', keyId: d.keyId, sessionId: d.sessionId, rng });
    states.set(d.sessionId, { family: d.family, state: step.state });
    for (const m of step.outgoing) client.send(m);
  }
  let birth: Ed25519BirthResult | undefined;
  if (params.ed25519) {
    const started = startEd25519Birth(params.ed25519, rng);
    birth = started.birth;
    options.tamperBirth?.(started.payload);
    client.send(birthEnvelope(params.ed25519, started.payload));
  }
  // Taproot: the FROST secp256k1 DKG of the untweaked root; the session id follows from key id and
  // ceremony id, so Node 1 checks it is the one announced.
  let taprootState: FrostDkgState | undefined;
  let taproot: FrostDkgOutput | undefined;
  if (params.taproot) {
    const step = startTaprootDkg(params.taproot, rng);
    taprootState = step.state;
    for (const m of step.outgoing) client.send(m);
  }
  while (Object.keys(ecdsa).length < params.ecdsa.length || (params.taproot && !taproot)) {
    const env = await nextOf(client, WALLET_CREATE_PROTOCOLS, 60_000);
    if (env.protocol === 'frost/dkg') {
      if (!taprootState || env.sessionId !== params.taproot?.sessionId) throw new Error('unexpected FROST DKG message');
      const step = receiveFrostDkg(taprootState, env);
      taprootState = step.state;
      for (const m of step.outgoing) client.send(m);
      if (step.output) taproot = step.output;
      continue;
    }
    const entry = states.get(env.sessionId);
    if (!entry) throw new Error('DKG message for an unknown session');
    const step = receiveDkg(entry.state, env, rng);
    entry.state = step.state;
    for (const m of step.outgoing) client.send(m);
    if (step.output) ecdsa[entry.family] = step.output;
  }
  const done = await client.nextControl(['session.done', 'session.abort', 'error'], 60_000);
  if (done.type !== 'session.done') throw new CeremonyError(done.code, 'reason' in done ? done.reason : done.message);
  return { ready, ecdsa, ...(birth ? { birth } : {}), ...(taproot ? { taproot } : {}), result: done.result };
}

/** The next envelope of any of `protocols`; throws CeremonyError on session.abort / error. */
async function nextOf(client: Node1Client, protocols: string[], timeoutMs: number): Promise<Envelope<unknown>> {
  const env = await client.next(
    (e) =>
      protocols.includes(e.protocol) ||
      (e.protocol === CONTROL_PROTOCOL && ['session.abort', 'error'].includes((e.payload as { type: string }).type)),
    timeoutMs,
  );
  if (env.protocol === CONTROL_PROTOCOL) {
    const m = env.payload as { code: string; reason?: string; message?: string };
    throw new CeremonyError(m.code, m.reason ?? m.message ?? '');
  }
  return env;
}

export interface FrostSignRun {
  output: FrostSignOutput;
  result: Record<string, unknown>;
  ready: SessionReadyMessage;
}

/** Node 1's side of 'frost-sign' (ed25519): `message` is what Node 1 computed from the approved payload. */
export async function runFrostSign(
  client: Node1Client,
  options: {
    challengeId: string;
    share: FrostKeyShare;
    message: Uint8Array;
    derivationPath: string;
    announceMessage?: boolean;
    rng?: Rng;
  },
): Promise<FrostSignRun> {
  const rng = options.rng ?? secureRng;
  const ready = await client.startSession(
    options.challengeId,
    'frost-sign',
    options.announceMessage === false ? {} : { message: toHex(options.message) },
  );
  const start = startFrostSign({
    role: 'client',
    scheme: 'ed25519',
    keyShare: options.share,
    message: options.message,
    keyId: ready.params.keyId as string,
    ceremonyId: ready.params.ceremonyId as string,
    derivationPath: options.derivationPath,
    rng,
  });
  let state: FrostSignState = start.state;
  for (const m of start.outgoing) client.send(m);
  let output: FrostSignOutput | undefined;
  while (!output) {
    const env = await client.nextProtocol(ready.protocol);
    const step = receiveFrostSign(state, env);
    state = step.state;
    for (const m of step.outgoing) client.send(m);
    output = step.output;
  }
  const done = await client.nextControl(['session.done', 'session.abort', 'error']);
  if (done.type !== 'session.done') throw new CeremonyError(done.code, 'reason' in done ? done.reason : done.message);
  return { output, result: done.result, ready };
}

export interface TaprootSignRun {
  /** One BIP340 signature per input, in input order. */
  outputs: FrostSignOutput[];
  /** The BIP341 sighashes Node 1 computed itself from the relay-built transaction. */
  sighashes: Uint8Array[];
  result: Record<string, unknown>;
  ready: SessionReadyMessage;
}

/**
 * Node 1's side of 'frost-sign' for a P2TR wallet: it takes the unsigned transaction from
 * `session.ready.params.signable`, recomputes every input's BIP341 sighash itself
 * (protocol/chains/bitcoin), derives its output-key share (root → BIP32 child → TapTweak) and runs one
 * FROST/BIP340 session per input, all in parallel. `check` lets the caller inspect the transaction
 * (recipient, amount) before anything is signed. Test knobs: `claimMessages` (state these sighashes in
 * `params.messages`), `signMessages` (sign these instead of the real sighashes).
 */
export async function runTaprootSign(
  client: Node1Client,
  options: {
    challengeId: string;
    rootShare: FrostKeyShare;
    chainCode: string;
    check?: (unsigned: UnsignedTransaction) => void;
    claimMessages?: string[];
    signMessages?: (sighashes: Uint8Array[]) => Uint8Array[];
    rng?: Rng;
  },
): Promise<TaprootSignRun> {
  const rng = options.rng ?? secureRng;
  // The sighashes cannot be announced before the transaction is known; a client that wants to state
  // them up front has them from its own copy (here: `claimMessages`).
  const ready = await client.startSession(
    options.challengeId,
    'frost-sign',
    options.claimMessages ? { messages: options.claimMessages } : {},
  );
  const signable = ready.params.signable as { unsignedTransaction: UnsignedTransaction };
  const unsigned = validateUnsignedTransaction(signable.unsignedTransaction);
  options.check?.(unsigned);
  const requests = signingRequestsFor(unsigned).filter(
    (r): r is Extract<SigningRequest, { scheme: 'bip340' }> => r.scheme === 'bip340',
  );
  if (requests.length === 0) throw new Error('the transaction has no Taproot inputs');
  const sighashes = requests.map((r) => r.digest);
  const toSign = options.signMessages ? options.signMessages(sighashes) : sighashes;
  const path = requests[0]?.derivationPath as string;
  const derived = deriveTaprootKeyShare(options.rootShare, options.chainCode, parseDerivationPath(path));
  const announced = ready.params.sessions as { sessionId: string; ceremonyId: string; inputIndex: number }[];
  if (announced.length !== requests.length) throw new Error('the relay announced another number of inputs');
  const states = new Map<string, { index: number; state: FrostSignState }>();
  for (const [i, a] of announced.entries()) {
    const start = startFrostSign({
      role: 'client',
      scheme: 'bip340',
      keyShare: derived.keyShare,
      message: toSign[i] as Uint8Array,
      keyId: ready.params.keyId as string,
      ceremonyId: a.ceremonyId,
      derivationPath: path,
      rng,
    });
    states.set(start.outgoing[0]?.sessionId as string, { index: i, state: start.state });
    for (const m of start.outgoing) client.send(m);
  }
  const outputs: FrostSignOutput[] = [];
  while (outputs.filter(Boolean).length < requests.length) {
    const env = await client.nextProtocol(ready.protocol);
    const entry = states.get(env.sessionId);
    // A session Node 1 did not start (it bound another sighash): Node 2 aborts the ceremony next.
    if (!entry) continue;
    const step = receiveFrostSign(entry.state, env);
    entry.state = step.state;
    for (const m of step.outgoing) client.send(m);
    if (step.output) outputs[entry.index] = step.output;
  }
  const done = await client.nextControl(['session.done', 'session.abort', 'error']);
  if (done.type !== 'session.done') throw new CeremonyError(done.code, 'reason' in done ? done.reason : done.message);
  return { outputs, sighashes, result: done.result, ready };
}

/** Runs both sides of the FROST secp256k1 DKG (the Taproot root) in memory. */
export function runLocalTaprootDkg(
  keyId: string,
  rng: Rng = secureRng,
): { client: FrostDkgOutput; server: FrostDkgOutput } {
  const ceremonyId = `local_${toHex(rng(8))}`;
  const c = startFrostDkg({ role: 'client', group: 'secp256k1', keyId, ceremonyId, rng });
  const s = startFrostDkg({ role: 'server', group: 'secp256k1', keyId, ceremonyId, rng });
  const states: Record<'client' | 'server', FrostDkgState> = { client: c.state, server: s.state };
  const out: Partial<Record<'client' | 'server', FrostDkgOutput>> = {};
  const queue: Envelope<unknown>[] = [...c.outgoing, ...s.outgoing];
  while (queue.length > 0) {
    const m = queue.shift() as Envelope<unknown>;
    const to = otherParty(m.from);
    const step = receiveFrostDkg(states[to], m);
    states[to] = step.state;
    if (step.output) out[to] = step.output;
    queue.push(...step.outgoing);
  }
  if (!out.client || !out.server) throw new Error('local FROST DKG did not finish');
  return { client: out.client, server: out.server };
}

export interface ProvisionedTaprootWallet {
  /** Node 1's untweaked root share and the joint chain code. */
  client: FrostDkgOutput;
  wallet: Wallet;
  path: string;
}

/**
 * Gives `customerId` a Taproot root the way wallet-create leaves it (server share sealed as a
 * `frost-share` row with the chain code in public data) and a P2TR wallet row at `path`.
 */
export async function provisionTaprootWallet(
  relay: MpcTestRelay,
  customerId: string,
  options: { blockchain?: string; path?: string } = {},
): Promise<ProvisionedTaprootWallet> {
  const path = options.path ?? 'm/0/0';
  const blockchain = options.blockchain ?? 'BTC-TESTNET';
  const keyId = taprootRootKeyId(customerId);
  const { client, server } = runLocalTaprootDkg(keyId);
  const derived = deriveTaprootKeyShare(server.keyShare, server.chainCode, parseDerivationPath(path));
  const network = /REGTEST|LOCAL/.test(blockchain) ? 'regtest' : blockchain === 'BTC' ? 'mainnet' : 'testnet';
  const address = bitcoinAddressFromPublicKey(Buffer.from(derived.internalPublicKey, 'hex'), 'p2tr', network);
  const masterKey = loadMasterKey({ dataDir: relay.dataDir });
  const wallet = await relay.db.transaction(async (tx) => {
    await insertKeyShare(tx, masterKey, {
      organisationId: relay.organisationId,
      customerId,
      keyId,
      purpose: 'frost-share',
      epoch: 0,
      publicKey: server.groupPublicKey,
      publicData: { family: 'bitcoin', scheme: 'bip340', chainCode: server.chainCode },
      secret: server.keyShare,
    });
    return insertWallet(tx, {
      organisationId: relay.organisationId,
      customerId,
      blockchain,
      address,
      publicKey: derived.internalPublicKey,
      derivationPath: path,
      keyFamily: 'bitcoin',
    });
  });
  return { client, wallet, path };
}

export interface ProvisionedSolanaWallet {
  clientShare: FrostKeyShare;
  wallet: Wallet;
}

/** Gives `customerId` a born ed25519 family (Solana account 0) the way wallet-create leaves it. */
export async function provisionSolanaWallet(relay: MpcTestRelay, customerId: string): Promise<ProvisionedSolanaWallet> {
  const birth = birthEd25519Family({
    context: { customerId, keyId: exportKeyPartId(customerId), version: 1 },
    rng: secureRng,
    accounts: [{ chain: 'solana', index: 0 }],
  });
  const server = birth.server.accounts[0] as (typeof birth.server.accounts)[number];
  const client = birth.client.accounts[0] as (typeof birth.client.accounts)[number];
  const masterKey = loadMasterKey({ dataDir: relay.dataDir });
  const wallet = await relay.db.transaction(async (tx) => {
    await insertKeyShare(tx, masterKey, {
      organisationId: relay.organisationId,
      customerId,
      keyId: ed25519AccountKeyId(customerId, 'solana', 0),
      purpose: 'ed25519-account-share',
      epoch: 0,
      publicKey: server.publicKey,
      secret: server.keyShare,
    });
    return insertWallet(tx, {
      organisationId: relay.organisationId,
      customerId,
      blockchain: 'SOL-DEVNET',
      address: server.address,
      publicKey: server.publicKey,
      derivationPath: server.path,
      keyFamily: 'solana',
    });
  });
  return { clientShare: client.keyShare, wallet };
}

/**
 * Node 1's side of 'share-refresh': refreshes the client shares it holds, by the key ids the relay
 * announces. Returns the new shares by key id.
 */
export async function runShareRefresh(
  client: Node1Client,
  challengeId: string,
  shares: { ecdsa?: Record<string, Ecdsa2pKeyShare>; frost?: Record<string, FrostKeyShare> },
  rng: Rng = secureRng,
): Promise<{
  ecdsa: Record<string, Ecdsa2pKeyShare>;
  frost: Record<string, FrostKeyShare>;
  result: Record<string, unknown>;
}> {
  const ready = await client.startSession(challengeId, 'share-refresh');
  const announced = ready.params.refresh as {
    protocol: string;
    keyId: string;
    sessionId: string;
    ceremonyId?: string;
  }[];
  type Sub =
    | { kind: 'ecdsa'; keyId: string; state: RefreshState }
    | { kind: 'frost'; keyId: string; state: FrostRefreshState };
  const subs = new Map<string, Sub>();
  for (const a of announced) {
    if (a.protocol === 'ecdsa2p/refresh') {
      const share = shares.ecdsa?.[a.keyId];
      if (!share) throw new Error(`no client share for ${a.keyId}`);
      const step = startRefresh({ share, sessionId: a.sessionId, rng });
      subs.set(a.sessionId, { kind: 'ecdsa', keyId: a.keyId, state: step.state });
      for (const m of step.outgoing) client.send(m);
    } else {
      const keyShare = shares.frost?.[a.keyId];
      if (!keyShare) throw new Error(`no client share for ${a.keyId}`);
      const step = startFrostRefresh({
        role: 'client',
        keyShare,
        keyId: a.keyId,
        ceremonyId: a.ceremonyId as string,
        rng,
      });
      subs.set(a.sessionId, { kind: 'frost', keyId: a.keyId, state: step.state });
      for (const m of step.outgoing) client.send(m);
    }
  }
  const out = { ecdsa: {} as Record<string, Ecdsa2pKeyShare>, frost: {} as Record<string, FrostKeyShare> };
  let remaining = subs.size;
  while (remaining > 0) {
    const env = await client.next(
      (e) =>
        e.protocol === 'ecdsa2p/refresh' ||
        e.protocol === 'frost/refresh' ||
        (e.protocol === CONTROL_PROTOCOL && ['session.abort', 'error'].includes((e.payload as { type: string }).type)),
      60_000,
    );
    if (env.protocol === CONTROL_PROTOCOL) {
      const m = env.payload as { code: string; reason?: string; message?: string };
      throw new CeremonyError(m.code, m.reason ?? m.message ?? '');
    }
    const sub = subs.get(env.sessionId);
    if (!sub) throw new Error('refresh message for an unknown session');
    if (sub.kind === 'ecdsa') {
      const step = receiveRefresh(sub.state, env, rng);
      sub.state = step.state;
      for (const m of step.outgoing) client.send(m);
      if (step.output) {
        out.ecdsa[sub.keyId] = step.output;
        remaining--;
      }
    } else {
      const step = receiveFrostRefresh(sub.state, env);
      sub.state = step.state;
      for (const m of step.outgoing) client.send(m);
      if (step.output) {
        out.frost[sub.keyId] = step.output.keyShare;
        remaining--;
      }
    }
  }
  const done = await client.nextControl(['session.done', 'session.abort', 'error'], 60_000);
  if (done.type !== 'session.done') throw new CeremonyError(done.code, 'reason' in done ? done.reason : done.message);
  return { ...out, result: done.result };
}
