/**
 * The MPC WebSocket frame (DESIGN.md §6): every frame is one JSON envelope
 * `{ v, protocol, sessionId, round, from, payload }`. `parseFrame` checks the byte size before
 * `JSON.parse`; `parseEnvelope` checks shape, version, tag, session id, round, sender and payload
 * size before anything looks inside the payload (style anchors §9.2 item 5, stage 1). The
 * protocol's own parsers (ecdsa2p, frost) then validate the payload and the session binding.
 */
import { isHex } from '../bytes.js';
import { InvalidMessageError, type PartyRole } from '../errors.js';
import { type Envelope, WIRE_VERSION } from '../session.js';
import { MAX_FRAME_BYTES, MAX_PROTOCOL_TAG_LENGTH, MAX_ROUND } from './limits.js';

export type { Envelope };
export { WIRE_VERSION };

/** The protocol tag of control messages (hello, handshake, session start…). */
export const CONTROL_PROTOCOL = 'control';

/** Control messages are not part of a ceremony: they carry this all-zero session id and round 0. */
export const CONTROL_SESSION_ID = '00'.repeat(32);

const ENVELOPE_KEYS = ['v', 'protocol', 'sessionId', 'round', 'from', 'payload'] as const;
const PROTOCOL_TAG_RE = /^[a-z0-9][a-z0-9./_-]*$/;

export interface ParseEnvelopeOptions {
  /** Largest accepted payload, in bytes of its JSON text. Defaults to MAX_FRAME_BYTES. */
  maxBytes?: number;
  /** The authenticated peer; the envelope's `from` must name it. Omitted: either role. */
  from?: PartyRole;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string of ${value.length} chars`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

function invalid(field: string, expected: string, got: unknown, from: PartyRole | 'unknown'): InvalidMessageError {
  return new InvalidMessageError({ from, field, expected, got: describe(got) });
}

/** UTF-8 length of a string without allocating the encoded bytes. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * Decodes one frame: refuses more than `maxFrameBytes` before parsing, then parses JSON and the
 * envelope. `text` is the frame as received (string or UTF-8 bytes).
 * @throws InvalidMessageError naming the field ('frame' for size and JSON errors).
 */
export function parseFrame(
  text: string | Uint8Array,
  options: ParseEnvelopeOptions & { maxFrameBytes?: number } = {},
): Envelope<unknown> {
  const from = options.from ?? 'unknown';
  const limit = options.maxFrameBytes ?? MAX_FRAME_BYTES;
  const size = typeof text === 'string' ? utf8Length(text) : text.length;
  if (size > limit) {
    throw new InvalidMessageError({ from, field: 'frame', expected: `at most ${limit} bytes`, got: `${size} bytes` });
  }
  let value: unknown;
  try {
    value = JSON.parse(typeof text === 'string' ? text : new TextDecoder('utf-8', { fatal: true }).decode(text));
  } catch {
    throw new InvalidMessageError({
      from,
      field: 'frame',
      expected: 'one JSON document in UTF-8',
      got: 'unparseable text',
    });
  }
  const maxBytes = options.maxBytes ?? limit;
  // The payload is part of a frame of `size` bytes: when that is within maxBytes, so is the payload,
  // and re-serialising a large payload only to measure it again is wasted work.
  return checkEnvelope(value, { ...options, maxBytes }, size > maxBytes);
}

/**
 * Stage-1 validation of an envelope: exact keys, `v`, a well-formed protocol tag, a 32-byte hex
 * session id, an integer round in [0, MAX_ROUND], `from` a party (the authenticated peer when
 * given), and a payload that is a JSON object no larger than `maxBytes`. The payload itself is
 * returned unparsed.
 */
export function parseEnvelope(value: unknown, options: ParseEnvelopeOptions = {}): Envelope<unknown> {
  return checkEnvelope(value, options, true);
}

function checkEnvelope(value: unknown, options: ParseEnvelopeOptions, measurePayload: boolean): Envelope<unknown> {
  const from = options.from ?? 'unknown';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('envelope', 'an object', value, from);
  }
  const env = value as Record<string, unknown>;
  for (const key of Object.keys(env)) {
    if (!(ENVELOPE_KEYS as readonly string[]).includes(key)) throw invalid(key, 'no such field', env[key], from);
  }
  for (const key of ENVELOPE_KEYS) {
    if (!(key in env)) throw invalid(key, 'a value (missing)', undefined, from);
  }
  if (env.v !== WIRE_VERSION) throw invalid('v', `wire version ${WIRE_VERSION}`, env.v, from);
  const protocol = env.protocol;
  if (
    typeof protocol !== 'string' ||
    protocol.length === 0 ||
    protocol.length > MAX_PROTOCOL_TAG_LENGTH ||
    !PROTOCOL_TAG_RE.test(protocol)
  ) {
    throw invalid(
      'protocol',
      `a protocol tag of at most ${MAX_PROTOCOL_TAG_LENGTH} chars [a-z0-9./_-]`,
      protocol,
      from,
    );
  }
  if (!isHex(env.sessionId, 32)) throw invalid('sessionId', '32 bytes of lower-case hex', env.sessionId, from);
  const round = env.round;
  if (typeof round !== 'number' || !Number.isInteger(round) || round < 0 || round > MAX_ROUND) {
    throw invalid('round', `an integer from 0 to ${MAX_ROUND}`, round, from);
  }
  if (env.from !== 'client' && env.from !== 'server') throw invalid('from', '"client" or "server"', env.from, from);
  if (options.from !== undefined && env.from !== options.from) {
    throw invalid('from', `"${options.from}" (the authenticated peer)`, env.from, from);
  }
  const payload = env.payload;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw invalid('payload', 'an object', payload, from);
  }
  const maxBytes = options.maxBytes ?? MAX_FRAME_BYTES;
  const payloadBytes = measurePayload ? utf8Length(JSON.stringify(payload)) : 0;
  if (payloadBytes > maxBytes) {
    throw new InvalidMessageError({
      from,
      field: 'payload',
      expected: `at most ${maxBytes} bytes`,
      got: `${payloadBytes} bytes`,
    });
  }
  return env as unknown as Envelope<unknown>;
}

/** Serialises an envelope for the socket. */
export function encodeFrame(envelope: Envelope<unknown>): string {
  return JSON.stringify(envelope);
}
