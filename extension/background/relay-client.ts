/**
 * Node 1's connection to the relay's MPC WebSocket (`/v2/mpc`, protocol/wire): hello → device-signed
 * handshake → ack, then envelopes both ways. The relay pings every keepAliveMs (20 s); any frame under
 * 30 s keeps an MV3 service worker alive (toolchain.md), and the client answers each ping with a pong.
 *
 * Checks on the client side:
 * - `hello.origin` must be the relay origin we meant to reach: the device signs that origin into the
 *   handshake, so signing another one would let a man in the middle replay the signature elsewhere;
 * - every frame goes through `parseFrame` with `from: 'server'` before anything looks inside it, and
 *   control messages through `parseControlEnvelope`;
 * - no frame from the relay for `idleTimeoutMs` closes the connection (a half-open socket must not
 *   leave a ceremony hanging).
 *
 * Reconnecting is the caller's decision (`connectRelayWithRetry` for the usual backoff): a ceremony
 * whose connection dropped either resumes from its stored round state or fails cleanly.
 */
import { toHex } from '../../protocol/bytes.js';
import type { Envelope } from '../../protocol/session.js';
import {
  type AccountActivityRequest,
  type AccountActivityResult,
  type AccountBalancesRequest,
  type AccountBalancesResult,
  type ControlMessage,
  controlEnvelope,
  encodeFrame,
  type HelloMessage,
  handshakeTranscript,
  isControlEnvelope,
  MAX_FRAME_BYTES,
  parseControlEnvelope,
  parseFrame,
} from '../../protocol/wire/index.js';
import type { DeviceKey } from './device-key.js';

export const MPC_PATH = '/v2/mpc';

/** The part of the WebSocket API used here (the browser's, or `ws` in Node tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code?: number }) => void): void;
  addEventListener(type: 'error', listener: () => void): void;
}
export type SocketFactory = (url: string) => SocketLike;

export type RelayIdentity =
  | { mode: 'authenticate'; customerId: string }
  /** Onboarding (`initialize`) or a new device (`recovery`): registers the device key under the challenge. */
  | { mode: 'register'; customerId: string; challengeId: string };

export type RelayFailureCode =
  | 'unreachable'
  | 'timeout'
  | 'wrong-origin'
  | 'bad-frame'
  | 'closed'
  | 'idle'
  /** A code the relay sent in a fatal `error` (e.g. 'handshake-bad-signature', 'device-unknown'). */
  | (string & {});

export class RelayConnectionError extends Error {
  override readonly name = 'RelayConnectionError';
  readonly code: RelayFailureCode;
  /** True when trying again later can help (network trouble), false when it cannot (refused identity). */
  readonly retryable: boolean;
  constructor(code: RelayFailureCode, message: string, retryable: boolean) {
    super(message);
    this.code = code;
    this.retryable = retryable;
  }
}

export interface RelayConnection {
  readonly deviceId: string;
  readonly customerId: string;
  /** True when this connection registered the device (first handshake of a device). */
  readonly registered: boolean;
  readonly hello: HelloMessage;
  /** Sends a client envelope (a ceremony round or a control message such as session.start). */
  send(envelope: Envelope<unknown>): void;
  sendControl(message: ControlMessage): void;
  /** Every envelope from the relay except ping/pong, already stage-1 validated. */
  onEnvelope(listener: (envelope: Envelope<unknown>) => void): () => void;
  /** Called once when the connection ends, with why. */
  onClose(listener: (error: RelayConnectionError) => void): void;
  close(): void;
}

export interface RelayClientDependencies {
  /** The configured relay origin, e.g. `https://relay.example` (settings.ts). */
  relayOrigin: string;
  openSocket: SocketFactory;
  deviceKey: DeviceKey;
  /** How long the hello → ack exchange may take. */
  handshakeTimeoutMs?: number;
}

const OPEN = 1;
/** Retryable relay error codes: the relay's own trouble, not a refusal of this device. */
const RETRYABLE_RELAY_CODES = new Set(['server-busy', 'internal', 'shutting-down', 'nonce-expired']);

/** `http://127.0.0.1:8787` → `ws://127.0.0.1:8787/v2/mpc`; `https://…` → `wss://…`. */
export function relaySocketUrl(relayOrigin: string): string {
  const url = new URL(relayOrigin);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = MPC_PATH;
  return url.toString();
}

/** Opens one authenticated connection; rejects with RelayConnectionError. */
export function connectRelay(deps: RelayClientDependencies, identity: RelayIdentity): Promise<RelayConnection> {
  return new Promise((resolve, reject) => {
    let socket: SocketLike;
    try {
      socket = deps.openSocket(relaySocketUrl(deps.relayOrigin));
    } catch (error) {
      reject(
        new RelayConnectionError('unreachable', `cannot open the relay socket: ${(error as Error).message}`, true),
      );
      return;
    }
    const envelopeListeners = new Set<(envelope: Envelope<unknown>) => void>();
    const closeListeners: Array<(error: RelayConnectionError) => void> = [];
    let connection: RelayConnection | undefined;
    let ended = false;
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    let idleTimeoutMs = 0;
    let deviceId = '';
    let hello: HelloMessage | undefined;

    const handshakeTimer = setTimeout(
      () => end(new RelayConnectionError('timeout', 'the relay did not complete the handshake in time', true)),
      deps.handshakeTimeoutMs ?? 10_000,
    );

    function end(error: RelayConnectionError): void {
      if (ended) return;
      ended = true;
      clearTimeout(handshakeTimer);
      if (idleTimer) clearTimeout(idleTimer);
      if (socket.readyState === OPEN || socket.readyState === 0) socket.close(1000, error.code.slice(0, 60));
      if (connection) for (const listener of closeListeners) listener(error);
      else reject(error);
    }

    function armIdle(): void {
      if (!idleTimeoutMs) return;
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = setTimeout(
        () => end(new RelayConnectionError('idle', `no frame from the relay for ${idleTimeoutMs} ms`, true)),
        idleTimeoutMs,
      );
    }

    function sendControl(message: ControlMessage): void {
      if (socket.readyState === OPEN) socket.send(encodeFrame(controlEnvelope('client', message)));
    }

    async function answerHello(message: HelloMessage): Promise<void> {
      if (message.origin !== deps.relayOrigin) {
        end(
          new RelayConnectionError(
            'wrong-origin',
            `the relay says it is ${message.origin}, but Tandem is set to use ${deps.relayOrigin}`,
            false,
          ),
        );
        return;
      }
      hello = message;
      idleTimeoutMs = message.idleTimeoutMs;
      armIdle();
      const publicKey = toHex(await deps.deviceKey.publicKeyRaw());
      deviceId = await deps.deviceKey.deviceId();
      const transcript = handshakeTranscript({
        mode: identity.mode,
        nonce: message.nonce,
        origin: message.origin,
        deviceId,
        customerId: identity.customerId,
        ...(identity.mode === 'register' ? { challengeId: identity.challengeId, publicKey } : {}),
      });
      const signature = toHex(await deps.deviceKey.sign(transcript));
      sendControl(
        identity.mode === 'register'
          ? {
              type: 'handshake',
              mode: 'register',
              deviceId,
              customerId: identity.customerId,
              challengeId: identity.challengeId,
              publicKey,
              signature,
            }
          : { type: 'handshake', mode: 'authenticate', deviceId, customerId: identity.customerId, signature },
      );
    }

    function onControl(message: ControlMessage): void {
      switch (message.type) {
        case 'hello':
          if (hello) {
            end(new RelayConnectionError('bad-frame', 'the relay sent a second hello', false));
            return;
          }
          void answerHello(message).catch((error) =>
            end(
              new RelayConnectionError('internal', `signing the handshake failed: ${(error as Error).message}`, false),
            ),
          );
          return;
        case 'ack':
          if (!hello || connection) {
            end(new RelayConnectionError('bad-frame', 'unexpected ack', false));
            return;
          }
          if (message.deviceId !== deviceId || message.customerId !== identity.customerId) {
            end(new RelayConnectionError('bad-frame', 'the ack names another device or customer', false));
            return;
          }
          clearTimeout(handshakeTimer);
          connection = makeConnection(message.registered, hello);
          resolve(connection);
          return;
        case 'ping':
          sendControl({ type: 'pong', at: message.at });
          return;
        case 'pong':
          return;
        case 'error':
          if (message.fatal) {
            end(
              new RelayConnectionError(
                message.code,
                `the relay refused: ${message.message}`,
                RETRYABLE_RELAY_CODES.has(message.code),
              ),
            );
            return;
          }
          break;
      }
      if (!connection) {
        end(new RelayConnectionError('bad-frame', `unexpected ${message.type} before ack`, false));
        return;
      }
      for (const listener of envelopeListeners) listener(controlEnvelope('server', message));
    }

    function makeConnection(registered: boolean, helloMessage: HelloMessage): RelayConnection {
      return {
        deviceId,
        customerId: identity.customerId,
        registered,
        hello: helloMessage,
        send(envelope) {
          if (envelope.from !== 'client') throw new TypeError('Node 1 sends only client envelopes');
          if (socket.readyState === OPEN) socket.send(encodeFrame(envelope));
        },
        sendControl,
        onEnvelope(listener) {
          envelopeListeners.add(listener);
          return () => envelopeListeners.delete(listener);
        },
        onClose(listener) {
          closeListeners.push(listener);
        },
        close() {
          end(new RelayConnectionError('closed', 'closed by Node 1', false));
        },
      };
    }

    socket.addEventListener('message', (event: { data: unknown }) => {
      if (ended) return;
      armIdle();
      let envelope: Envelope<unknown>;
      try {
        if (typeof event.data !== 'string') throw new TypeError('binary frame');
        envelope = parseFrame(event.data, { from: 'server', maxFrameBytes: hello?.maxFrameBytes ?? MAX_FRAME_BYTES });
        if (isControlEnvelope(envelope)) {
          onControl(parseControlEnvelope(envelope));
          return;
        }
      } catch (error) {
        end(
          new RelayConnectionError('bad-frame', `the relay sent a malformed frame: ${(error as Error).message}`, false),
        );
        return;
      }
      if (!connection) {
        end(new RelayConnectionError('bad-frame', 'the relay sent a ceremony frame before ack', false));
        return;
      }
      for (const listener of envelopeListeners) listener(envelope);
    });
    socket.addEventListener('error', () => {
      // A close event follows; it carries the outcome.
    });
    socket.addEventListener('close', (event: { code?: number }) => {
      end(
        connection
          ? new RelayConnectionError('closed', `the relay closed the connection (code ${event.code ?? '?'})`, true)
          : new RelayConnectionError('unreachable', `cannot reach the relay at ${deps.relayOrigin}`, true),
      );
    });
  });
}

/**
 * `connectRelay` with backoff for retryable failures (network trouble, relay busy); a refusal of this
 * device or customer is not retried.
 */
export async function connectRelayWithRetry(
  deps: RelayClientDependencies,
  identity: RelayIdentity,
  options: { backoffMs?: readonly number[]; sleep?: (ms: number) => Promise<void> } = {},
): Promise<RelayConnection> {
  const backoff = options.backoffMs ?? [500, 1000, 2000, 4000];
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await connectRelay(deps, identity);
    } catch (error) {
      const delay = backoff[attempt];
      if (!(error instanceof RelayConnectionError) || !error.retryable || delay === undefined) throw error;
      await sleep(delay);
    }
  }
}

/** A read-only question to the relay on an open connection (the popup's account.balances / account.activity). */
export type RelayQuery = AccountBalancesRequest | AccountActivityRequest;
export type RelayQueryAnswer<Q extends RelayQuery> = Q extends AccountBalancesRequest
  ? AccountBalancesResult
  : AccountActivityResult;

/** The relay answered a query with a non-fatal `error` (e.g. 'rate-limited'). */
export class RelayQueryError extends Error {
  override readonly name = 'RelayQueryError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const QUERY_ANSWERS: Record<RelayQuery['type'], string> = {
  'account.balances': 'account.balances.result',
  'account.activity': 'account.activity.result',
};

/**
 * Sends `query` and resolves with the answer carrying its requestId (already validated by
 * parseControlEnvelope in connectRelay). Rejects with RelayQueryError when the relay refuses it, and
 * with RelayConnectionError when the connection ends or no answer comes within `timeoutMs`.
 */
export function queryRelay<Q extends RelayQuery>(
  connection: RelayConnection,
  query: Q,
  timeoutMs = 20_000,
): Promise<RelayQueryAnswer<Q>> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      outcome();
    };
    const timer = setTimeout(
      () => finish(() => reject(new RelayConnectionError('timeout', `the relay did not answer ${query.type}`, true))),
      timeoutMs,
    );
    const unsubscribe = connection.onEnvelope((envelope) => {
      if (!isControlEnvelope(envelope)) return;
      const message = envelope.payload as ControlMessage;
      if (!('requestId' in message) || message.requestId !== query.requestId) return;
      if (message.type === 'error') finish(() => reject(new RelayQueryError(message.code, message.message)));
      else if (message.type === QUERY_ANSWERS[query.type]) finish(() => resolve(message as RelayQueryAnswer<Q>));
    });
    connection.onClose((error) => finish(() => reject(error)));
    connection.sendControl(query);
  });
}
