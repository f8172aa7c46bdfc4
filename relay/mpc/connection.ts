/**
 * One MPC WebSocket connection, transport-agnostic (websocket.ts feeds it frames). States:
 *
 *   await-handshake ──handshake ok──▶ authenticated ──close──▶ closed
 *         │ refused / timeout / frame before handshake
 *         └────────────────────────────────────────────────▶ closed
 *
 * Every frame is size-checked, parsed and envelope-validated (protocol/wire) before anything looks
 * at its payload; framing errors (oversize, bad JSON, bad envelope, unknown protocol, protocol frames
 * before the handshake) get a fatal `error` and a close. Frames are handled one at a time, in order.
 * Ceremonies live in a per-connection session table; a ceremony error aborts that ceremony only
 * (the challenge is failed: a claimed challenge is never reused). Closing the connection fails the
 * challenges of its unfinished ceremonies.
 */
import { randomUUID } from 'node:crypto';
import { toHex } from '../../protocol/bytes.js';
import { InvalidMessageError, ProtocolAbortError, ProtocolStateError } from '../../protocol/errors.js';
import { type Rng, secureRng } from '../../protocol/rng.js';
import type { Envelope } from '../../protocol/session.js';
import {
  type ControlMessage,
  controlEnvelope,
  isControlEnvelope,
  parseControlEnvelope,
  type SessionStartMessage,
} from '../../protocol/wire/control.js';
import { encodeFrame, parseFrame } from '../../protocol/wire/envelope.js';
import {
  HANDSHAKE_NONCE_TTL_MS,
  IDLE_TIMEOUT_MS,
  KEEP_ALIVE_MS,
  MAX_FRAME_BYTES,
  MPC_PROTOCOL_VERSION,
} from '../../protocol/wire/limits.js';
import { audit } from '../audit/log.js';
import type { ChainService } from '../chains/service.js';
import {
  type Challenge,
  ChallengeUnavailableError,
  claimChallenge,
  completeChallenge,
  failChallenge,
} from '../challenges/store.js';
import type { MasterKeyRing } from '../crypto/master-key.js';
import type { Database, Queryable } from '../db/database.js';
import type { PinGuard } from '../pin-guard/types.js';
import { type AccountQuery, sharedAccountQueries } from './account-queries.js';
import {
  type CeremonyDone,
  type CeremonyRegistry,
  type CeremonyRun,
  type JsonObject,
  registryProtocols,
} from './ceremonies/types.js';
import {
  type CeremonyRefusalCode,
  CeremonyRefusedError,
  CLOSE,
  ClientAbortError,
  HandshakeRefusedError,
} from './errors.js';
import { type AuthenticatedDevice, type HandshakeNonce, verifyHandshake } from './handshake.js';
import type { ChainSigningResolver } from './signing-requests.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const HANDSHAKE_GRACE_MS = 1000;

export interface MpcLimits {
  maxFrameBytes: number;
  keepAliveMs: number;
  idleTimeoutMs: number;
  nonceTtlMs: number;
  /** Concurrent ceremonies per connection. */
  maxSessions: number;
  /** Open connections the endpoint accepts in total. */
  maxConnections: number;
  /** Connections from one IP address that have not finished the handshake yet. */
  maxPendingHandshakesPerIp: number;
  /** account.balances + account.activity per device in a sliding minute (account-queries.ts). */
  accountQueriesPerMinute: number;
  /** How long a wallet's balances are served from the relay's memory. */
  balanceCacheMs: number;
}

export const DEFAULT_MPC_LIMITS: MpcLimits = {
  maxFrameBytes: MAX_FRAME_BYTES,
  keepAliveMs: KEEP_ALIVE_MS,
  idleTimeoutMs: IDLE_TIMEOUT_MS,
  nonceTtlMs: HANDSHAKE_NONCE_TTL_MS,
  maxSessions: 8,
  maxConnections: 10_000,
  maxPendingHandshakesPerIp: 16,
  accountQueriesPerMinute: 20,
  balanceCacheMs: 15_000,
};

export interface MpcDependencies {
  db: Database;
  masterKeys: MasterKeyRing;
  ceremonies: CeremonyRegistry;
  /** Relay origin bound into the handshake; when absent, taken from the upgrade request's Host. */
  origin?: string | undefined;
  limits?: Partial<MpcLimits> | undefined;
  rng?: Rng | undefined;
  now?: (() => number) | undefined;
  log?: ((line: string) => void) | undefined;
  /** The PIN guard (export releases server shares only after a PIN proof). */
  pinGuard?: PinGuard | undefined;
  /** The chain layer's signing resolver (every kind on every configured chain); see signing-requests.ts. */
  chainSigning?: ChainSigningResolver | undefined;
  /** The chain layer, for the popup's account.balances (account-queries.ts); absent: balances unavailable. */
  chains?: ChainService | undefined;
}

/** What the transport gives the connection. */
export interface MpcTransport {
  send(text: string): void;
  close(code: number, reason: string): void;
  remoteAddress: string | undefined;
  /** Origin to bind when the dependencies name none, e.g. "http://127.0.0.1:8787". */
  requestOrigin: string;
}

interface ActiveCeremony {
  ceremonyId: string;
  name: string;
  challenge: Challenge;
  run: CeremonyRun;
  /** Protocol session ids routed to this run (bound on the client's first message when not known up front). */
  sessionIds: Set<string>;
  /** Protocol tags the ceremony's handler speaks. */
  protocols: readonly string[];
}

export interface MpcConnection {
  /** Feed one received frame (text or bytes). */
  receive(data: string | Uint8Array): void;
  /** The transport closed (either side). */
  closed(): void;
  /** Resolves when every queued frame has been handled (tests, shutdown). */
  idle(): Promise<void>;
  readonly state: 'await-handshake' | 'authenticated' | 'closed';
}

export function createMpcConnection(deps: MpcDependencies, transport: MpcTransport): MpcConnection {
  const limits: MpcLimits = { ...DEFAULT_MPC_LIMITS, ...deps.limits };
  const rng = deps.rng ?? secureRng;
  const now = deps.now ?? Date.now;
  const log = deps.log ?? (() => undefined);
  const origin = deps.origin ?? transport.requestOrigin;
  const knownProtocols = registryProtocols(deps.ceremonies);
  const ip = transport.remoteAddress;
  const accountQueries = sharedAccountQueries(deps, {
    db: deps.db,
    chains: deps.chains,
    limits: { requestsPerMinute: limits.accountQueriesPerMinute, balanceCacheMs: limits.balanceCacheMs },
    now,
    log,
  });

  let state: MpcConnection['state'] = 'await-handshake';
  let device: AuthenticatedDevice | undefined;
  const ceremonies = new Map<string, ActiveCeremony>();
  const nonce: HandshakeNonce = { value: toHex(rng(32)), issuedAt: now(), ttlMs: limits.nonceTtlMs, used: false };
  let queue: Promise<void> = Promise.resolve();

  const send = (envelope: Envelope<unknown>) => {
    if (state !== 'closed') transport.send(encodeFrame(envelope));
  };
  const sendControl = (message: ControlMessage) => send(controlEnvelope('server', message));

  let idleTimer: NodeJS.Timeout | undefined;
  const armIdle = () => {
    if (idleTimer) clearTimeout(idleTimer);
    // Before the handshake: the nonce lifetime plus a grace second, so a late handshake is told
    // 'nonce-expired' rather than cut off.
    const ms = state === 'await-handshake' ? limits.nonceTtlMs + HANDSHAKE_GRACE_MS : limits.idleTimeoutMs;
    idleTimer = setTimeout(() => {
      const code = state === 'await-handshake' ? 'handshake-timeout' : 'idle-timeout';
      fatal(
        code,
        state === 'await-handshake' ? 'no handshake before the nonce expired' : `no frame for ${ms} ms`,
        CLOSE.timeout,
      );
    }, ms);
    idleTimer.unref();
  };
  // A frame more often than every 30 s keeps an MV3 service worker (Node 1) alive.
  const keepAlive = setInterval(() => sendControl({ type: 'ping', at: now() }), limits.keepAliveMs);
  keepAlive.unref();

  function shutdown(code: number, reason: string) {
    if (state === 'closed') return;
    state = 'closed';
    clearInterval(keepAlive);
    if (idleTimer) clearTimeout(idleTimer);
    transport.close(code, reason.slice(0, 120));
    const pending = [...ceremonies.values()];
    ceremonies.clear();
    for (const c of pending) {
      queue = queue.then(() =>
        abortCeremony(c, 'connection-closed', 'the connection closed mid-ceremony', undefined, false),
      );
    }
  }

  function fatal(code: string, message: string, closeCode: number) {
    sendControl({ type: 'error', code, message: message.slice(0, 500), fatal: true });
    shutdown(closeCode, code);
  }

  /** Writes an audit entry; inside `tx` when given, so it commits with the change it describes. */
  async function auditEvent(action: string, details: JsonObject, challenge?: Challenge, tx?: Queryable) {
    if (tx) {
      await audit(tx, auditEntry(action, details, challenge));
      return;
    }
    try {
      await audit(deps.db, auditEntry(action, details, challenge));
    } catch (error) {
      log(`mpc: audit write failed for ${action}: ${(error as Error).message}`);
    }
  }

  function auditEntry(action: string, details: JsonObject, challenge?: Challenge) {
    return {
      organisationId: challenge?.organisationId ?? device?.organisationId,
      customerId: challenge?.customerId ?? device?.customerId,
      actor: device ? `device:${device.deviceId}` : 'anonymous',
      action,
      target: challenge ? `challenge:${challenge.id}` : undefined,
      details,
      ip,
    };
  }

  async function handleFrame(data: string | Uint8Array) {
    if (state === 'closed') return;
    // Frames keep an authenticated connection alive; before the handshake the deadline is fixed.
    if (state === 'authenticated') armIdle();
    let envelope: Envelope<unknown>;
    try {
      envelope = parseFrame(data, { from: 'client', maxFrameBytes: limits.maxFrameBytes });
    } catch (error) {
      const tooLarge = error instanceof InvalidMessageError && error.field === 'frame' && /at most/.test(error.message);
      fatal(
        tooLarge ? 'frame-too-large' : 'invalid-frame',
        (error as Error).message,
        tooLarge ? CLOSE.tooLarge : CLOSE.invalidData,
      );
      return;
    }
    if (isControlEnvelope(envelope)) {
      let message: ControlMessage;
      try {
        message = parseControlEnvelope(envelope);
      } catch (error) {
        fatal('invalid-frame', (error as Error).message, CLOSE.invalidData);
        return;
      }
      await handleControl(message);
      return;
    }
    if (state !== 'authenticated') {
      fatal('handshake-required', 'protocol messages are accepted only after the handshake', CLOSE.policy);
      return;
    }
    if (!knownProtocols.has(envelope.protocol)) {
      fatal('unknown-protocol', `no ceremony speaks protocol "${envelope.protocol}"`, CLOSE.invalidData);
      return;
    }
    await handleProtocolEnvelope(envelope);
  }

  async function handleControl(message: ControlMessage) {
    switch (message.type) {
      case 'ping':
        sendControl({ type: 'pong', at: message.at });
        return;
      case 'pong':
        return;
      case 'handshake': {
        if (state !== 'await-handshake') {
          fatal('nonce-used', 'this connection is already authenticated', CLOSE.policy);
          return;
        }
        try {
          device = await verifyHandshake(deps.db, { message, nonce, origin, now: now() });
        } catch (error) {
          if (!(error instanceof HandshakeRefusedError)) throw error;
          await auditEvent('mpc.handshake.refused', {
            refusal: error.code,
            mode: message.mode,
            deviceId: message.deviceId,
            claimedCustomerId: message.customerId,
          });
          fatal(error.code, error.message, CLOSE.unauthorized);
          return;
        }
        state = 'authenticated';
        armIdle();
        await auditEvent(device.registered ? 'mpc.device.registered' : 'mpc.device.authenticated', {
          deviceId: device.deviceId,
        });
        sendControl({
          type: 'ack',
          deviceId: device.deviceId,
          customerId: device.customerId,
          registered: device.registered,
        });
        return;
      }
      case 'session.start':
        if (state !== 'authenticated') {
          fatal('handshake-required', 'sessions start only after the handshake', CLOSE.policy);
          return;
        }
        await startCeremony(message);
        return;
      case 'account.balances':
      case 'account.activity':
        if (state !== 'authenticated') {
          fatal('handshake-required', 'account queries are answered only after the handshake', CLOSE.policy);
          return;
        }
        answerAccountQuery(message);
        return;
      case 'session.abort': {
        const c = ceremonies.get(message.ceremonyId);
        const text = `the client aborted: ${message.reason}`;
        if (c) await abortCeremony(c, 'client-abort', text, new ClientAbortError(message.code, text), false);
        return;
      }
      case 'error': {
        log(`mpc: client error ${message.code}`);
        const c = message.ceremonyId ? ceremonies.get(message.ceremonyId) : undefined;
        if (c) await abortCeremony(c, 'client-error', `the client reported ${message.code}`, undefined, false);
        if (message.fatal) shutdown(CLOSE.normal, 'client fatal error');
        return;
      }
      default:
        // hello, ack, session.ready/done are server → client only; parseControlMessage already refused them.
        fatal('invalid-frame', `unexpected ${message.type}`, CLOSE.policy);
    }
  }

  /**
   * Answered beside the frame queue, not in it: a balance read may wait seconds for a chain node, and a
   * ceremony's rounds on this connection must not wait behind it.
   */
  function answerAccountQuery(message: AccountQuery) {
    const dev = device as AuthenticatedDevice;
    accountQueries.answer(dev, message).then(sendControl, (error) => {
      log(`mpc: ${message.type} failed: ${(error as Error)?.stack ?? String(error)}`);
      sendControl({
        type: 'error',
        code: 'internal-error',
        message: 'internal error',
        requestId: message.requestId,
        fatal: false,
      });
    });
  }

  function refuseStart(message: SessionStartMessage, code: CeremonyRefusalCode, text: string) {
    sendControl({ type: 'error', code, message: text.slice(0, 500), fatal: false, requestId: message.requestId });
  }

  async function startCeremony(message: SessionStartMessage) {
    const dev = device as AuthenticatedDevice;
    const handler = deps.ceremonies.get(message.ceremony);
    if (!handler) {
      refuseStart(message, 'unknown-ceremony', `no ceremony named "${message.ceremony}"`);
      return;
    }
    if (ceremonies.size >= limits.maxSessions) {
      refuseStart(message, 'too-many-sessions', `at most ${limits.maxSessions} ceremonies per connection`);
      return;
    }
    let challenge: Challenge;
    try {
      if (!UUID_RE.test(message.challengeId))
        throw new ChallengeUnavailableError('unknown', message.challengeId, 'does not exist');
      // One statement claims and audits (challenge.claimed): atomic without a transaction around it.
      challenge = await claimChallenge(deps.db, message.challengeId, {
        expectKind: handler.challengeKinds,
        expectCustomerId: dev.customerId,
        actor: `device:${dev.deviceId}`,
        ip,
      });
    } catch (error) {
      if (!(error instanceof ChallengeUnavailableError)) throw error;
      const code = `challenge-${error.reason.replace('_', '-')}` as CeremonyRefusalCode;
      await auditEvent('mpc.ceremony.refused', {
        refusal: code,
        ceremony: handler.name,
        challengeId: message.challengeId,
      });
      refuseStart(message, code, error.message);
      return;
    }
    const ceremonyId = `cer_${randomUUID().replaceAll('-', '')}`;
    let run: CeremonyRun;
    try {
      run = await handler.start({
        db: deps.db,
        masterKeys: deps.masterKeys,
        rng,
        device: dev,
        challenge,
        params: message.params,
        ceremonyId,
        pinGuard: deps.pinGuard,
        chainSigning: deps.chainSigning,
        audit: (action, details) => auditEvent(action, { ceremonyId, ...details }, challenge),
      });
    } catch (error) {
      const { code, text } = describeFailure(error);
      await failClaimed(challenge, code, text);
      await auditEvent('mpc.ceremony.refused', { refusal: code, ceremony: handler.name }, challenge);
      refuseStart(message, code, text);
      return;
    }
    const active: ActiveCeremony = {
      ceremonyId,
      name: handler.name,
      challenge,
      run,
      sessionIds: new Set(run.sessionIds),
      protocols: handler.protocols,
    };
    ceremonies.set(ceremonyId, active);
    // The claim above is audited (challenge.claimed, actor = this device) in its own transaction.
    sendControl({
      type: 'session.ready',
      requestId: message.requestId,
      ceremonyId,
      protocol: run.protocol,
      sessionId: run.sessionIds[0] ?? null,
      params: run.readyParams,
    });
    for (const out of run.outgoing) send(out);
    if (run.completeAtStart) {
      let done: CeremonyDone;
      try {
        done = await run.completeAtStart();
      } catch (error) {
        const { code, text } = describeFailure(error);
        await abortCeremony(active, code, text, error, true);
        return;
      }
      await finishCeremony(active, done);
    }
  }

  function route(envelope: Envelope<unknown>): ActiveCeremony | undefined {
    for (const c of ceremonies.values()) if (c.sessionIds.has(envelope.sessionId)) return c;
    // Otherwise the one ceremony speaking this protocol gets it: either its session id is fixed by
    // the client's first message (ECDSA signing binds both nonces), or the client bound another
    // session id (another digest/path/key) and the protocol refuses it — a refusal we must audit
    // and answer with session.abort rather than leave the ceremony hanging.
    const speaking = [...ceremonies.values()].filter((c) => c.protocols.includes(envelope.protocol));
    const unbound = speaking.filter((c) => c.sessionIds.size === 0);
    if (unbound.length === 1) return unbound[0];
    return speaking.length === 1 ? speaking[0] : undefined;
  }

  async function handleProtocolEnvelope(envelope: Envelope<unknown>) {
    const active = route(envelope);
    if (!active) {
      sendControl({
        type: 'error',
        code: 'unknown-session',
        message: 'no running ceremony on this connection has this session id',
        fatal: false,
      });
      return;
    }
    let progress: Awaited<ReturnType<CeremonyRun['receive']>>;
    try {
      progress = await active.run.receive(envelope);
    } catch (error) {
      const { code, text } = describeFailure(error);
      await abortCeremony(active, code, text, error, true);
      return;
    }
    if (progress.releaseSessionId) active.sessionIds.delete(progress.releaseSessionId);
    if (progress.bindSessionId) active.sessionIds.add(progress.bindSessionId);
    for (const out of progress.outgoing) send(out);
    if (progress.done) await finishCeremony(active, progress.done);
  }

  /** Persists the result and completes the challenge in one transaction, then tells the client. */
  async function finishCeremony(active: ActiveCeremony, done: CeremonyDone) {
    ceremonies.delete(active.ceremonyId);
    try {
      const completed = { ceremonyId: active.ceremonyId, ceremony: active.name };
      await deps.db.transaction(async (tx) => {
        await done.persist?.(tx);
        if (done.completeChallenge === false) {
          await auditEvent('mpc.ceremony.completed', completed, active.challenge, tx);
          return;
        }
        // The completion, its challenge.completed entry and ours in one statement (then the webhook).
        const actor = auditEntry('mpc.ceremony.completed', completed, active.challenge).actor;
        await completeChallenge(
          tx,
          active.challenge.id,
          done.result,
          { actor: `device:${device?.deviceId}`, ip },
          { actor, action: 'mpc.ceremony.completed', details: completed },
        );
      });
    } catch (error) {
      log(`mpc: completing ${active.name} failed: ${(error as Error).message}`);
      ceremonies.set(active.ceremonyId, active);
      await abortCeremony(active, 'internal-error', 'the result could not be stored', error, true);
      return;
    }
    sendControl({ type: 'session.done', ceremonyId: active.ceremonyId, result: done.result });
  }

  async function failClaimed(challenge: Challenge, code: string, text: string) {
    try {
      await deps.db.transaction((tx) => failChallenge(tx, challenge.id, `${code}: ${text}`, { actor: 'system', ip }));
    } catch (error) {
      log(`mpc: failing challenge ${challenge.id} failed: ${(error as Error).message}`);
    }
  }

  async function abortCeremony(c: ActiveCeremony, code: string, text: string, error: unknown, notify: boolean) {
    ceremonies.delete(c.ceremonyId);
    try {
      await c.run.dispose(error);
    } catch (disposeError) {
      log(`mpc: dispose of ${c.name} failed: ${(disposeError as Error).message}`);
    }
    await failClaimed(c.challenge, code, text);
    await auditEvent(
      'mpc.ceremony.aborted',
      { ceremonyId: c.ceremonyId, ceremony: c.name, refusal: code },
      c.challenge,
    );
    if (notify) sendControl({ type: 'session.abort', ceremonyId: c.ceremonyId, code, reason: text.slice(0, 500) });
  }

  function describeFailure(error: unknown): { code: CeremonyRefusalCode; text: string } {
    if (error instanceof CeremonyRefusedError) return { code: error.code, text: error.message };
    if (error instanceof InvalidMessageError) return { code: 'invalid-message', text: error.shortMessage };
    if (error instanceof ProtocolAbortError) return { code: 'protocol-abort', text: error.shortMessage };
    if (error instanceof ProtocolStateError) return { code: 'invalid-message', text: error.shortMessage };
    log(`mpc: internal error: ${(error as Error)?.stack ?? String(error)}`);
    return { code: 'internal-error', text: 'internal error' };
  }

  // Greet: the nonce the device must sign, and the limits it must respect.
  sendControl({
    type: 'hello',
    protocolVersion: MPC_PROTOCOL_VERSION,
    nonce: nonce.value,
    origin,
    nonceTtlMs: limits.nonceTtlMs,
    maxFrameBytes: limits.maxFrameBytes,
    keepAliveMs: limits.keepAliveMs,
    idleTimeoutMs: limits.idleTimeoutMs,
  });
  armIdle();

  return {
    receive(data) {
      queue = queue
        .then(() => handleFrame(data))
        .catch((error) => {
          log(`mpc: internal error: ${(error as Error)?.stack ?? String(error)}`);
          fatal('internal-error', 'internal error', CLOSE.internal);
        });
    },
    closed() {
      shutdown(CLOSE.normal, 'closed');
    },
    idle: () => queue,
    get state() {
      return state;
    },
  };
}
