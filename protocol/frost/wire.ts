/**
 * Wire validation shared by the FROST state machines (style anchors §9.2 item 5, §9.3).
 *
 * Stage 1 checks the envelope (exact keys, version, protocol, session id, round, sender); stage 2
 * reads each payload field with exact byte lengths, decodes points (on curve, not identity, in the
 * prime-order subgroup) and range-checks scalars. Every failure is an `InvalidMessageError` that
 * names the peer, the field and what was expected; values of secret fields are never echoed.
 */
import { equalBytes, fromHex, isHex } from '../bytes.js';
import { InvalidMessageError, type PartyRole } from '../errors.js';
import { type Envelope, WIRE_VERSION } from '../session.js';
import { type FrostGroup, type GroupPoint, groupInfo } from './suites.js';

export type FrostProtocolTag = 'frost/dkg' | 'frost/sign' | 'frost/refresh';

/** Who sent the message (the authenticated peer) and which round we expect from them. */
export interface WireContext {
  peer: PartyRole;
  round: number;
}

const ENVELOPE_KEYS = ['v', 'protocol', 'sessionId', 'round', 'from', 'payload'] as const;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array(${value.length})`;
  if (typeof value === 'string')
    return isHex(value) ? `${value.length / 2} bytes of hex` : `string(${(value as string).length})`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

export function invalid(ctx: WireContext, field: string, expected: string, got?: string): InvalidMessageError {
  return new InvalidMessageError({ from: ctx.peer, field, expected, round: ctx.round, ...(got ? { got } : {}) });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Requires `value` to be an object with exactly `keys` (no missing, no unknown keys). */
export function assertExactKeys(
  value: unknown,
  keys: readonly string[],
  field: string,
  ctx: WireContext,
): Record<string, unknown> {
  if (!isPlainObject(value)) throw invalid(ctx, field, 'an object', describe(value));
  for (const k of Object.keys(value)) {
    if (!keys.includes(k)) throw invalid(ctx, field === '' ? k : `${field}.${k}`, 'no such field (unknown key)');
  }
  for (const k of keys) {
    if (!(k in value)) throw invalid(ctx, field === '' ? k : `${field}.${k}`, 'a value (missing)');
  }
  return value;
}

/**
 * Validates the envelope and returns its payload. `expected.sessionId` is the session id this
 * party computed itself, so a message replayed from another session fails here.
 */
export function openEnvelope(
  raw: unknown,
  expected: { protocol: FrostProtocolTag; sessionId: string; round: number; peer: PartyRole },
): unknown {
  const ctx: WireContext = { peer: expected.peer, round: expected.round };
  const env = assertExactKeys(raw, ENVELOPE_KEYS, '', ctx);
  if (env.v !== WIRE_VERSION) throw invalid(ctx, 'v', `wire version ${WIRE_VERSION}`, describe(env.v));
  if (env.protocol !== expected.protocol) throw invalid(ctx, 'protocol', expected.protocol, describe(env.protocol));
  if (!isHex(env.sessionId, 32)) throw invalid(ctx, 'sessionId', '32 bytes of lower-case hex', describe(env.sessionId));
  if (!equalBytes(fromHex(env.sessionId), fromHex(expected.sessionId)))
    throw invalid(ctx, 'sessionId', 'this session id (message belongs to another session)');
  if (env.round !== expected.round) throw invalid(ctx, 'round', `round ${expected.round}`, describe(env.round));
  if (env.from !== expected.peer) throw invalid(ctx, 'from', expected.peer, describe(env.from));
  return env.payload;
}

export function makeEnvelope<P>(
  protocol: FrostProtocolTag,
  sessionId: string,
  round: number,
  from: PartyRole,
  payload: P,
): Envelope<P> {
  return { v: WIRE_VERSION, protocol, sessionId, round, from, payload };
}

/** Reads an exact-length lower-case hex value; `field` names it in errors. */
export function readHexValue(value: unknown, bytes: number, field: string, ctx: WireContext): Uint8Array {
  if (!isHex(value, bytes)) throw invalid(ctx, field, `${bytes} bytes of lower-case hex`, describe(value));
  return fromHex(value);
}

/** Reads an exact-length lower-case hex field. */
export function readHex(obj: Record<string, unknown>, key: string, bytes: number, ctx: WireContext): Uint8Array {
  return readHexValue(obj[key], bytes, key, ctx);
}

/**
 * Decodes a group element and rejects off-curve, identity and small-order/torsion points (RFC 9591 §3.1).
 * The subgroup test is `GroupInfo.inPrimeSubgroup` (on ed25519 point halving, about a quarter of the
 * cost of multiplying by the group order, same predicate). `subgroupCheck: false` skips only that
 * test, for callers that establish subgroup membership another way (see assertValidKeyShare).
 */
export function decodePoint(
  group: FrostGroup,
  bytes: Uint8Array,
  options: { subgroupCheck: boolean } = { subgroupCheck: true },
): GroupPoint | undefined {
  const info = groupInfo(group);
  if (bytes.length !== info.pointBytes) return undefined;
  try {
    const p = info.fromBytes(bytes);
    p.assertValidity();
    if (p.is0() || (options.subgroupCheck && !info.inPrimeSubgroup(p))) return undefined;
    // Canonical encoding only: re-encoding must give the same bytes (rejects non-canonical y, x ≥ p);
    // implied where the decoder is itself strict (ed25519, GroupInfo.canonicalDecoding).
    if (!info.canonicalDecoding && !equalBytes(p.toBytes(), bytes)) return undefined;
    return p;
  } catch {
    return undefined;
  }
}

export function readPointValue(
  group: FrostGroup,
  value: unknown,
  field: string,
  ctx: WireContext,
): { bytes: Uint8Array; point: GroupPoint } {
  const bytes = readHexValue(value, groupInfo(group).pointBytes, field, ctx);
  const point = decodePoint(group, bytes);
  if (!point) throw invalid(ctx, field, `a valid non-identity ${group} point in the prime-order subgroup`);
  return { bytes, point };
}

export function readPoint(
  group: FrostGroup,
  obj: Record<string, unknown>,
  key: string,
  ctx: WireContext,
): { bytes: Uint8Array; point: GroupPoint } {
  return readPointValue(group, obj[key], key, ctx);
}

/** Decodes a canonical scalar in [1, n): FROST serialises scalars little-endian (ed25519) or big-endian. */
export function decodeScalar(group: FrostGroup, bytes: Uint8Array): bigint | undefined {
  const { Fn } = groupInfo(group);
  if (bytes.length !== Fn.BYTES) return undefined;
  try {
    const s = Fn.fromBytes(bytes);
    return Fn.is0(s) ? undefined : s;
  } catch {
    return undefined;
  }
}

export function readScalar(
  group: FrostGroup,
  obj: Record<string, unknown>,
  key: string,
  ctx: WireContext,
): { bytes: Uint8Array; scalar: bigint } {
  const bytes = readHex(obj, key, groupInfo(group).scalarBytes, ctx);
  const scalar = decodeScalar(group, bytes);
  if (scalar === undefined) throw invalid(ctx, key, `a canonical non-zero ${group} scalar below the group order`);
  return { bytes, scalar };
}

/** The sender's FROST identifier must be exactly the peer's (canonical hex). */
export function readIdentifier(
  obj: Record<string, unknown>,
  key: string,
  expectedIdentifier: string,
  ctx: WireContext,
): string {
  const value = obj[key];
  if (value !== expectedIdentifier)
    throw invalid(ctx, key, `the ${ctx.peer}'s identifier ${expectedIdentifier}`, describe(value));
  return value;
}
