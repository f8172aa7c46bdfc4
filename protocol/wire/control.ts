/**
 * Control messages of the MPC WebSocket: a tagged union (field `type`) carried as the payload of an
 * envelope with protocol `control`, session id CONTROL_SESSION_ID and round 0.
 *
 *   server → client  hello            fresh handshake nonce, limits, keep-alive period
 *   client → server  handshake        device-signed transcript (register at onboarding, or authenticate)
 *   server → client  ack              the device is authenticated
 *   either           error            typed refusal; `fatal` errors are followed by a close
 *   either           ping / pong      keep-alive (< 30 s keeps an MV3 service worker alive)
 *   client → server  session.start    run a ceremony for a challenge
 *   server → client  session.ready    the ceremony's id, protocol and server parameters
 *   server → client  session.done     the ceremony finished; public result only
 *   either           session.abort    the ceremony is over without a result
 *
 * Every parse function checks the exact key set, types and lengths and throws InvalidMessageError
 * naming the field.
 */
import { isHex } from '../bytes.js';
import { InvalidMessageError, type PartyRole } from '../errors.js';
import { CONTROL_PROTOCOL, CONTROL_SESSION_ID, type Envelope, utf8Length, WIRE_VERSION } from './envelope.js';
import { MAX_CONTROL_PAYLOAD_BYTES, MPC_PROTOCOL_VERSION } from './limits.js';

export interface HelloMessage {
  type: 'hello';
  protocolVersion: typeof MPC_PROTOCOL_VERSION;
  /** 32-byte hex, fresh per connection; the device signs it in the handshake. */
  nonce: string;
  /** The relay origin the device must bind into its signature (e.g. "https://relay.example"). */
  origin: string;
  /** Milliseconds until the nonce expires. */
  nonceTtlMs: number;
  maxFrameBytes: number;
  keepAliveMs: number;
  idleTimeoutMs: number;
}

export type HandshakeMode = 'register' | 'authenticate';

export interface HandshakeMessage {
  type: 'handshake';
  mode: HandshakeMode;
  deviceId: string;
  customerId: string;
  /** Register only: the `initialize` (or `recovery`) challenge the device is enrolled under. */
  challengeId?: string;
  /** Register only: P-256 public key, hex of the raw uncompressed point (65 bytes) or SPKI DER (91 bytes). */
  publicKey?: string;
  /** ECDSA P-256 / SHA-256 over `handshakeTranscript(...)`, raw r ‖ s (64 bytes hex) as WebCrypto returns it. */
  signature: string;
}

export interface AckMessage {
  type: 'ack';
  deviceId: string;
  customerId: string;
  registered: boolean;
}

export interface ErrorMessage {
  type: 'error';
  /** Machine-readable, e.g. 'handshake-bad-signature', 'frame-too-large', 'digest-mismatch'. */
  code: string;
  message: string;
  /** Set when the error concerns one ceremony. */
  ceremonyId?: string;
  /** Set when the error answers a `session.start` (its requestId). */
  requestId?: string;
  /** The sender closes the connection after a fatal error. */
  fatal: boolean;
}

export interface PingMessage {
  type: 'ping';
  at: number;
}

export interface PongMessage {
  type: 'pong';
  at: number;
}

export interface SessionStartMessage {
  type: 'session.start';
  /** Client-chosen id echoed in session.ready / error, to match answers to requests. */
  requestId: string;
  challengeId: string;
  /** Ceremony name, e.g. 'ecdsa-sign', 'ecdsa-dkg', 'frost-sign', 'ed25519-birth', 'export'. */
  ceremony: string;
  /** Ceremony-specific client parameters (JSON object, validated by the ceremony handler). */
  params: Record<string, unknown>;
}

export interface SessionReadyMessage {
  type: 'session.ready';
  requestId: string;
  ceremonyId: string;
  protocol: string;
  /** The protocol session id when the server knows it up front; null when the client's first message fixes it. */
  sessionId: string | null;
  params: Record<string, unknown>;
}

export interface SessionDoneMessage {
  type: 'session.done';
  ceremonyId: string;
  result: Record<string, unknown>;
}

export interface SessionAbortMessage {
  type: 'session.abort';
  ceremonyId: string;
  code: string;
  reason: string;
}

export type ControlMessage =
  | HelloMessage
  | HandshakeMessage
  | AckMessage
  | ErrorMessage
  | PingMessage
  | PongMessage
  | SessionStartMessage
  | SessionReadyMessage
  | SessionDoneMessage
  | SessionAbortMessage;

export type ControlType = ControlMessage['type'];

/** Which side may send each control message. */
export const CONTROL_SENDERS: Record<ControlType, readonly PartyRole[]> = {
  hello: ['server'],
  handshake: ['client'],
  ack: ['server'],
  error: ['client', 'server'],
  ping: ['client', 'server'],
  pong: ['client', 'server'],
  'session.start': ['client'],
  'session.ready': ['server'],
  'session.done': ['server'],
  'session.abort': ['client', 'server'],
};

const ID_RE = /^[A-Za-z0-9_.:-]{1,128}$/;
const CODE_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;
const MAX_TEXT = 512;

type Fields = Record<string, unknown>;

class Reader {
  constructor(
    private readonly obj: Fields,
    private readonly from: PartyRole | 'unknown',
  ) {}

  fail(field: string, expected: string, got?: string): never {
    throw new InvalidMessageError({ from: this.from, field: `payload.${field}`, expected, ...(got ? { got } : {}) });
  }

  keys(required: readonly string[], optional: readonly string[] = []): void {
    for (const k of Object.keys(this.obj)) {
      if (!required.includes(k) && !optional.includes(k)) this.fail(k, 'no such field');
    }
    for (const k of required) if (!(k in this.obj)) this.fail(k, 'a value (missing)');
  }

  id(key: string): string {
    const v = this.obj[key];
    if (typeof v !== 'string' || !ID_RE.test(v)) this.fail(key, `an id matching ${ID_RE}`, typeof v);
    return v as string;
  }

  hex(key: string, bytes: number | readonly number[]): string {
    const v = this.obj[key];
    const sizes = typeof bytes === 'number' ? [bytes] : bytes;
    if (!sizes.some((n) => isHex(v, n))) {
      this.fail(
        key,
        `${sizes.join(' or ')} bytes of lower-case hex`,
        typeof v === 'string' ? `${v.length} chars` : typeof v,
      );
    }
    return v as string;
  }

  text(key: string, max = MAX_TEXT): string {
    const v = this.obj[key];
    if (typeof v !== 'string' || v.length > max) this.fail(key, `a string of at most ${max} chars`, typeof v);
    return v as string;
  }

  code(key: string): string {
    const v = this.obj[key];
    if (typeof v !== 'string' || !CODE_RE.test(v)) this.fail(key, 'a kebab-case code', typeof v);
    return v as string;
  }

  int(key: string, min: number, max: number): number {
    const v = this.obj[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
      this.fail(key, `an integer from ${min} to ${max}`, typeof v === 'number' ? String(v) : typeof v);
    }
    return v as number;
  }

  bool(key: string): boolean {
    const v = this.obj[key];
    if (typeof v !== 'boolean') this.fail(key, 'a boolean', typeof v);
    return v as boolean;
  }

  object(key: string): Record<string, unknown> {
    const v = this.obj[key];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(key, 'an object', typeof v);
    return v as Record<string, unknown>;
  }

  has(key: string): boolean {
    return key in this.obj;
  }
}

const DAY_MS = 86_400_000;

/**
 * Parses the payload of a control envelope. `from` is the sender (the envelope's checked `from`);
 * a message the sender may not send (e.g. a client sending `hello`) is refused.
 */
export function parseControlMessage(payload: unknown, from: PartyRole): ControlMessage {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new InvalidMessageError({ from, field: 'payload', expected: 'a control message object' });
  }
  const obj = payload as Fields;
  const type = obj.type;
  if (typeof type !== 'string' || !(type in CONTROL_SENDERS)) {
    throw new InvalidMessageError({
      from,
      field: 'payload.type',
      expected: `one of ${Object.keys(CONTROL_SENDERS).join(', ')}`,
      got: typeof type === 'string' ? type.slice(0, 32) : typeof type,
    });
  }
  const t = type as ControlType;
  if (!CONTROL_SENDERS[t].includes(from)) {
    throw new InvalidMessageError({ from, field: 'payload.type', expected: `a message a ${from} may send`, got: t });
  }
  const r = new Reader(obj, from);
  switch (t) {
    case 'hello': {
      r.keys([
        'type',
        'protocolVersion',
        'nonce',
        'origin',
        'nonceTtlMs',
        'maxFrameBytes',
        'keepAliveMs',
        'idleTimeoutMs',
      ]);
      if (obj.protocolVersion !== MPC_PROTOCOL_VERSION) r.fail('protocolVersion', `version ${MPC_PROTOCOL_VERSION}`);
      return {
        type: t,
        protocolVersion: MPC_PROTOCOL_VERSION,
        nonce: r.hex('nonce', 32),
        origin: r.text('origin', 256),
        nonceTtlMs: r.int('nonceTtlMs', 1, DAY_MS),
        maxFrameBytes: r.int('maxFrameBytes', 1024, 64 * 1024 * 1024),
        keepAliveMs: r.int('keepAliveMs', 1, DAY_MS),
        idleTimeoutMs: r.int('idleTimeoutMs', 1, DAY_MS),
      };
    }
    case 'handshake': {
      const mode = obj.mode;
      if (mode === 'register') {
        r.keys(['type', 'mode', 'deviceId', 'customerId', 'challengeId', 'publicKey', 'signature']);
        return {
          type: t,
          mode,
          deviceId: r.id('deviceId'),
          customerId: r.id('customerId'),
          challengeId: r.id('challengeId'),
          publicKey: r.hex('publicKey', [65, 91]),
          signature: r.hex('signature', 64),
        };
      }
      if (mode === 'authenticate') {
        r.keys(['type', 'mode', 'deviceId', 'customerId', 'signature']);
        return {
          type: t,
          mode,
          deviceId: r.id('deviceId'),
          customerId: r.id('customerId'),
          signature: r.hex('signature', 64),
        };
      }
      return r.fail('mode', '"register" or "authenticate"', typeof mode === 'string' ? mode.slice(0, 32) : typeof mode);
    }
    case 'ack':
      r.keys(['type', 'deviceId', 'customerId', 'registered']);
      return { type: t, deviceId: r.id('deviceId'), customerId: r.id('customerId'), registered: r.bool('registered') };
    case 'error': {
      r.keys(['type', 'code', 'message', 'fatal'], ['ceremonyId', 'requestId']);
      const message: ErrorMessage = {
        type: t,
        code: r.code('code'),
        message: r.text('message'),
        fatal: r.bool('fatal'),
      };
      if (r.has('ceremonyId')) message.ceremonyId = r.id('ceremonyId');
      if (r.has('requestId')) message.requestId = r.id('requestId');
      return message;
    }
    case 'ping':
    case 'pong':
      r.keys(['type', 'at']);
      return { type: t, at: r.int('at', 0, Number.MAX_SAFE_INTEGER) };
    case 'session.start':
      r.keys(['type', 'requestId', 'challengeId', 'ceremony', 'params']);
      return {
        type: t,
        requestId: r.id('requestId'),
        challengeId: r.id('challengeId'),
        ceremony: r.code('ceremony'),
        params: r.object('params'),
      };
    case 'session.ready': {
      r.keys(['type', 'requestId', 'ceremonyId', 'protocol', 'sessionId', 'params']);
      const sessionId = obj.sessionId === null ? null : r.hex('sessionId', 32);
      return {
        type: t,
        requestId: r.id('requestId'),
        ceremonyId: r.id('ceremonyId'),
        protocol: r.text('protocol', 64),
        sessionId,
        params: r.object('params'),
      };
    }
    case 'session.done':
      r.keys(['type', 'ceremonyId', 'result']);
      return { type: t, ceremonyId: r.id('ceremonyId'), result: r.object('result') };
    case 'session.abort':
      r.keys(['type', 'ceremonyId', 'code', 'reason']);
      return { type: t, ceremonyId: r.id('ceremonyId'), code: r.code('code'), reason: r.text('reason') };
  }
}

/** Wraps a control message in its envelope. */
export function controlEnvelope(from: PartyRole, message: ControlMessage): Envelope<ControlMessage> {
  return {
    v: WIRE_VERSION,
    protocol: CONTROL_PROTOCOL,
    sessionId: CONTROL_SESSION_ID,
    round: 0,
    from,
    payload: message,
  };
}

/**
 * Parses a stage-1 checked envelope whose protocol is `control`: session id CONTROL_SESSION_ID,
 * round 0, payload within MAX_CONTROL_PAYLOAD_BYTES, then the message itself.
 */
export function parseControlEnvelope(envelope: Envelope<unknown>): ControlMessage {
  const from = envelope.from;
  if (envelope.protocol !== CONTROL_PROTOCOL) {
    throw new InvalidMessageError({
      from,
      field: 'protocol',
      expected: CONTROL_PROTOCOL,
      got: envelope.protocol.slice(0, 64),
    });
  }
  if (envelope.sessionId !== CONTROL_SESSION_ID) {
    throw new InvalidMessageError({ from, field: 'sessionId', expected: 'the all-zero control session id' });
  }
  if (envelope.round !== 0) {
    throw new InvalidMessageError({
      from,
      field: 'round',
      expected: 'round 0 for control messages',
      got: String(envelope.round),
    });
  }
  const size = utf8Length(JSON.stringify(envelope.payload));
  if (size > MAX_CONTROL_PAYLOAD_BYTES) {
    throw new InvalidMessageError({
      from,
      field: 'payload',
      expected: `a control message of at most ${MAX_CONTROL_PAYLOAD_BYTES} bytes`,
      got: `${size} bytes`,
    });
  }
  return parseControlMessage(envelope.payload, from);
}

/** True when an (already stage-1 checked) envelope is a control message. */
export function isControlEnvelope(envelope: Envelope<unknown>): boolean {
  return envelope.protocol === CONTROL_PROTOCOL;
}
