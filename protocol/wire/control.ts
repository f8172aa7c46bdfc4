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
 *   client → server  account.balances         this device's customer's wallets with their balances
 *   server → client  account.balances.result  per wallet: balances, or why its chain could not be read
 *   client → server  account.activity         this customer's recent challenges and transactions
 *   server → client  account.activity.result  at most 20 entries, newest first
 *
 * The two account queries are read-only (the popup's overview); their answers may be larger than other
 * control messages (MAX_ACCOUNT_RESULT_BYTES) but stay well under a frame.
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

/** Asks for every wallet of the authenticated device's customer with its balances. */
export interface AccountBalancesRequest {
  type: 'account.balances';
  /** Client-chosen id echoed in the result (or an `error` with this requestId). */
  requestId: string;
}

/** Asks for the authenticated device's customer's recent activity. */
export interface AccountActivityRequest {
  type: 'account.activity';
  requestId: string;
}

export interface AssetBalance {
  symbol: string;
  /** Base units as a decimal integer string (e.g. wei, lamports); display = amount / 10^decimals. */
  amount: string;
  decimals: number;
  /** The registry token id; absent for the chain's native asset. */
  tokenId?: string;
}

interface WalletHeader {
  walletId: string;
  blockchain: string;
  address: string;
  addressType: 'p2wpkh' | 'p2tr' | null;
}

/** One wallet's balances (native first, then tokens), or why its chain could not be read. */
export type WalletBalances = (WalletHeader & { balances: AssetBalance[] }) | (WalletHeader & { error: string });

export interface AccountBalancesResult {
  type: 'account.balances.result';
  requestId: string;
  wallets: WalletBalances[];
}

/** The challenge's status: `in_progress` while its ceremony runs; a pending one past its deadline reads `expired`. */
export type ActivityStatus = 'pending' | 'in_progress' | 'verified' | 'failed' | 'expired';
export type ActivityTransactionStatus = 'pending' | 'signed' | 'broadcast' | 'confirmed' | 'failed';

/** One challenge of the customer, with its transaction when it moved funds. */
export interface ActivityEntry {
  challengeId: string;
  /** Challenge kind, e.g. 'transfer', 'wallet-create', 'sign-message'. */
  kind: string;
  status: ActivityStatus;
  /** ISO 8601 UTC, e.g. 2026-11-21T09:30:00.000Z. */
  createdAt: string;
  blockchain: string | null;
  /** Display units as approved (e.g. "1.5"), for transfers. */
  amount: string | null;
  symbol: string | null;
  recipient: string | null;
  transactionStatus: ActivityTransactionStatus | null;
  transactionHash: string | null;
}

export interface AccountActivityResult {
  type: 'account.activity.result';
  requestId: string;
  entries: ActivityEntry[];
}

export type ControlMessage =
  | AccountBalancesRequest
  | AccountBalancesResult
  | AccountActivityRequest
  | AccountActivityResult
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
  'account.balances': ['client'],
  'account.balances.result': ['server'],
  'account.activity': ['client'],
  'account.activity.result': ['server'],
};

/** Wallets in one account.balances.result, balances per wallet, entries in one account.activity.result. */
export const MAX_ACCOUNT_WALLETS = 50;
export const MAX_WALLET_BALANCES = 12;
export const MAX_ACTIVITY_ENTRIES = 20;
/** Largest account.*.result payload (JSON bytes): 50 full wallets fit; still well under MAX_FRAME_BYTES. */
export const MAX_ACCOUNT_RESULT_BYTES = 192 * 1024;

const CHAIN_ID_RE = /^[A-Z0-9][A-Z0-9-]{0,31}$/;
const ADDRESS_RE = /^[A-Za-z0-9._:-]{1,128}$/;
const SYMBOL_RE = /^[\x21-\x7e]{1,16}$/;
const BASE_UNITS_RE = /^(0|[1-9][0-9]{0,77})$/;
const DISPLAY_AMOUNT_RE = /^[0-9]{1,40}(\.[0-9]{1,40})?$/;
const ISO_TIME_RE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,3})?Z$/;
const TX_HASH_RE = /^[A-Za-z0-9]{1,128}$/;
const ACTIVITY_STATUSES: readonly ActivityStatus[] = ['pending', 'in_progress', 'verified', 'failed', 'expired'];
const TRANSACTION_STATUSES: readonly ActivityTransactionStatus[] = [
  'pending',
  'signed',
  'broadcast',
  'confirmed',
  'failed',
];

const ID_RE = /^[A-Za-z0-9_.:-]{1,128}$/;
const CODE_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;
const MAX_TEXT = 512;

type Fields = Record<string, unknown>;

class Reader {
  constructor(
    private readonly obj: Fields,
    private readonly from: PartyRole | 'unknown',
    /** Path of a nested object, e.g. "wallets.3." (ends with a dot). */
    private readonly prefix = '',
  ) {}

  fail(field: string, expected: string, got?: string): never {
    throw new InvalidMessageError({
      from: this.from,
      field: `payload.${this.prefix}${field}`,
      expected,
      ...(got ? { got } : {}),
    });
  }

  /** A string matching `re`; `what` names it in the refusal. */
  match(key: string, re: RegExp, what: string): string {
    const v = this.obj[key];
    if (typeof v !== 'string' || !re.test(v)) {
      this.fail(key, what, typeof v === 'string' ? `${v.length} chars` : typeof v);
    }
    return v as string;
  }

  /** `match`, or null. */
  nullable(key: string, re: RegExp, what: string): string | null {
    return this.obj[key] === null ? null : this.match(key, re, `${what} or null`);
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T {
    const v = this.obj[key];
    if (typeof v !== 'string' || !values.includes(v as T)) {
      this.fail(key, `one of ${values.join(', ')}`, typeof v === 'string' ? v.slice(0, 32) : typeof v);
    }
    return v as T;
  }

  /** An array of at most `max` objects, each read by `each` with a nested reader. */
  list<T>(key: string, max: number, each: (item: Reader) => T): T[] {
    const v = this.obj[key];
    if (!Array.isArray(v) || v.length > max) {
      this.fail(key, `an array of at most ${max} items`, Array.isArray(v) ? `${v.length} items` : typeof v);
    }
    return (v as unknown[]).map((item, i) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        this.fail(`${key}.${i}`, 'an object', typeof item);
      }
      return each(new Reader(item as Fields, this.from, `${this.prefix}${key}.${i}.`));
    });
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

  isNull(key: string): boolean {
    return this.obj[key] === null;
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
    case 'account.balances':
    case 'account.activity':
      r.keys(['type', 'requestId']);
      return { type: t, requestId: r.id('requestId') };
    case 'account.balances.result':
      r.keys(['type', 'requestId', 'wallets']);
      return { type: t, requestId: r.id('requestId'), wallets: r.list('wallets', MAX_ACCOUNT_WALLETS, readWallet) };
    case 'account.activity.result':
      r.keys(['type', 'requestId', 'entries']);
      return {
        type: t,
        requestId: r.id('requestId'),
        entries: r.list('entries', MAX_ACTIVITY_ENTRIES, readActivityEntry),
      };
  }
}

function readWallet(w: Reader): WalletBalances {
  const failed = w.has('error');
  w.keys(['walletId', 'blockchain', 'address', 'addressType', failed ? 'error' : 'balances']);
  const header: WalletHeader = {
    walletId: w.id('walletId'),
    blockchain: w.match('blockchain', CHAIN_ID_RE, 'a chain id such as ETH-SEPOLIA'),
    address: w.match('address', ADDRESS_RE, 'an address of 1 to 128 letters, digits or ._:-'),
    addressType: w.nullable('addressType', /^(p2wpkh|p2tr)$/, 'p2wpkh or p2tr') as WalletHeader['addressType'],
  };
  if (failed) {
    const error = w.text('error', 200);
    if (error.length === 0) w.fail('error', 'a non-empty reason');
    return { ...header, error };
  }
  return { ...header, balances: w.list('balances', MAX_WALLET_BALANCES, readBalance) };
}

function readBalance(b: Reader): AssetBalance {
  b.keys(['symbol', 'amount', 'decimals'], ['tokenId']);
  const balance: AssetBalance = {
    symbol: b.match('symbol', SYMBOL_RE, 'a symbol of 1 to 16 printable characters'),
    amount: b.match('amount', BASE_UNITS_RE, 'base units as a decimal integer string'),
    decimals: b.int('decimals', 0, 36),
  };
  if (b.has('tokenId')) balance.tokenId = b.id('tokenId');
  return balance;
}

function readActivityEntry(e: Reader): ActivityEntry {
  e.keys([
    'challengeId',
    'kind',
    'status',
    'createdAt',
    'blockchain',
    'amount',
    'symbol',
    'recipient',
    'transactionStatus',
    'transactionHash',
  ]);
  return {
    challengeId: e.id('challengeId'),
    kind: e.code('kind'),
    status: e.oneOf('status', ACTIVITY_STATUSES),
    createdAt: e.match('createdAt', ISO_TIME_RE, 'an ISO 8601 UTC time'),
    blockchain: e.nullable('blockchain', CHAIN_ID_RE, 'a chain id'),
    amount: e.nullable('amount', DISPLAY_AMOUNT_RE, 'a decimal amount'),
    symbol: e.nullable('symbol', SYMBOL_RE, 'a symbol'),
    recipient: e.nullable('recipient', ADDRESS_RE, 'an address'),
    transactionStatus: e.isNull('transactionStatus') ? null : e.oneOf('transactionStatus', TRANSACTION_STATUSES),
    transactionHash: e.nullable('transactionHash', TX_HASH_RE, 'a transaction hash'),
  };
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
  const limit = isAccountResult(envelope.payload, from) ? MAX_ACCOUNT_RESULT_BYTES : MAX_CONTROL_PAYLOAD_BYTES;
  if (size > limit) {
    throw new InvalidMessageError({
      from,
      field: 'payload',
      expected: `a control message of at most ${limit} bytes`,
      got: `${size} bytes`,
    });
  }
  return parseControlMessage(envelope.payload, from);
}

/** The relay's account-query answers (only those) may use the larger MAX_ACCOUNT_RESULT_BYTES. */
function isAccountResult(payload: unknown, from: PartyRole): boolean {
  if (from !== 'server' || typeof payload !== 'object' || payload === null) return false;
  const type = (payload as { type?: unknown }).type;
  return type === 'account.balances.result' || type === 'account.activity.result';
}

/** True when an (already stage-1 checked) envelope is a control message. */
export function isControlEnvelope(envelope: Envelope<unknown>): boolean {
  return envelope.protocol === CONTROL_PROTOCOL;
}
