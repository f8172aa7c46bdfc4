/**
 * Tables of malformed and malicious values for the adversarial tests: what a tampering peer could
 * put in a hex field, a point field, a scalar field, or the envelope.
 */
import { toHex } from '../../../../protocol/bytes.js';
import { CURVE_ORDER, Fn, G, Point } from '../../../../protocol/ecdsa2p/group.js';
import type { Envelope } from '../../../../protocol/session.js';

export type Mutation = (value: unknown) => unknown;

const hex = (value: unknown): string => {
  if (typeof value !== 'string') throw new Error('expected a hex field');
  return value;
};

/** Flips the lowest bit of the first nibble. */
export function flipNibble(value: string, at = 0): string {
  const nibble = Number.parseInt(value[at] as string, 16) ^ 1;
  return value.slice(0, at) + nibble.toString(16) + value.slice(at + 1);
}

/** An x-coordinate with no curve point (x³ + 7 is not a square mod p). */
function offCurveX(): string {
  for (let x = 1n; ; x++) {
    const candidate = `02${x.toString(16).padStart(64, '0')}`;
    try {
      Point.fromHex(candidate);
    } catch {
      return candidate;
    }
  }
}

const OFF_CURVE = offCurveX();
const scalarHex = (n: bigint) => n.toString(16).padStart(64, '0');

/** Malformed encodings any hex field must reject. */
export const HEX_MUTATIONS: Record<string, Mutation> = {
  'one bit flipped': (v) => flipNibble(hex(v), 2),
  'truncated by one byte': (v) => hex(v).slice(0, -2),
  'padded by one byte': (v) => `${hex(v)}00`,
  'in upper-case hex': (v) =>
    hex(v)
      .toUpperCase()
      .replace(/^[0-9]*$/, 'Z'),
  'with a non-hex character': (v) => `z${hex(v).slice(1)}`,
  'as a number': () => 12345,
  'as null': () => null,
};

export const POINT_MUTATIONS: Record<string, Mutation> = {
  'an x-coordinate off the curve': () => OFF_CURVE,
  'an unknown prefix byte 0x05': (v) => `05${hex(v).slice(2)}`,
  'all zero bytes (the identity has no encoding)': () => '00'.repeat(33),
  'an uncompressed 65-byte point': (v) => Point.fromHex(hex(v)).toHex(false),
  'another valid point': (v) => Point.fromHex(hex(v)).add(G).toHex(true),
  'the generator G': () => G.toHex(true),
};

export const SCALAR_MUTATIONS: Record<string, Mutation> = {
  zero: () => '00'.repeat(32),
  'the group order n': () => scalarHex(CURVE_ORDER),
  'n + 1': () => scalarHex(CURVE_ORDER + 1n),
  '2^256 − 1': () => 'ff'.repeat(32),
  'another valid scalar': (v) => scalarHex(Fn.add(Fn.fromBytes(Uint8Array.from(Buffer.from(hex(v), 'hex'))), 1n)),
};

export const BYTES_MUTATIONS: Record<string, Mutation> = {
  'another 32-byte value': (v) => toHex(Uint8Array.from(Buffer.from(hex(v), 'hex')).map((b) => b ^ 0xa5)),
};

/** Structural changes to a nested OT message (objects produced by the OT layer). */
export const NESTED_MUTATIONS: Record<string, Mutation> = {
  'an empty object': () => ({}),
  'an array': () => [],
  'a string': () => 'x',
  'an unknown extra key': (v) => ({ ...(v as object), extra: '00' }),
};

type Env = Envelope<unknown>;
/** Envelope changes; `peerRole` is the sender's role, `ownRole` the receiver's. */
export function envelopeMutations(ownRole: string): Record<string, (e: Env) => unknown> {
  return {
    'wire version 2': (e) => ({ ...e, v: 2 }),
    'another protocol tag': (e) => ({ ...e, protocol: e.protocol === 'ecdsa2p/sign' ? 'ecdsa2p/dkg' : 'ecdsa2p/sign' }),
    'a sender field naming the receiver itself': (e) => ({ ...e, from: ownRole }),
    'another session id': (e) => ({ ...e, sessionId: flipNibble(e.sessionId, 5) }),
    'a truncated session id': (e) => ({ ...e, sessionId: e.sessionId.slice(0, 62) }),
    'the next round number': (e) => ({ ...e, round: e.round + 1 }),
    'the previous round number': (e) => ({ ...e, round: e.round - 1 }),
    'a fractional round number': (e) => ({ ...e, round: e.round + 0.5 }),
    'an unknown envelope field': (e) => ({ ...e, extra: 1 }),
    'no payload': ({ payload: _payload, ...rest }) => rest,
    'a null payload': (e) => ({ ...e, payload: null }),
    'an array payload': (e) => ({ ...e, payload: [] }),
    'an unknown payload field': (e) => ({ ...e, payload: { ...(e.payload as object), extra: '00' } }),
    'a string instead of an envelope': () => 'hello',
    'null instead of an envelope': () => null,
  };
}

export const REMOVE = Symbol('remove');

/**
 * Applies `mutate` to `payload[field]`, where `field` may be a dotted path such as
 * "reveal.publicShare" (the field is deleted when the mutation returns `REMOVE`).
 */
export function mutateField(envelope: Env, field: string, mutate: (value: unknown) => unknown): Env {
  const payload = JSON.parse(JSON.stringify(envelope.payload)) as Record<string, unknown>;
  const keys = field.split('.');
  const last = keys.pop() as string;
  let parent = payload;
  for (const key of keys) parent = parent[key] as Record<string, unknown>;
  const next = mutate(parent[last]);
  if (next === REMOVE) delete parent[last];
  else parent[last] = next;
  return { ...envelope, payload };
}

export type FieldKind = 'bytes' | 'point' | 'scalar' | 'ot';

/** Every malformed or wrong value for a field of `kind`. */
export function mutationsFor(kind: FieldKind): Record<string, Mutation> {
  if (kind === 'ot') return NESTED_MUTATIONS;
  const specific = kind === 'point' ? POINT_MUTATIONS : kind === 'scalar' ? SCALAR_MUTATIONS : BYTES_MUTATIONS;
  return { ...HEX_MUTATIONS, ...specific };
}

/**
 * Paths of the string leaves of a nested message (for arrays: the first and the last element), e.g.
 * ["sessionId", "u.0", "u.127", "xTilde"].
 */
export function stringLeaves(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix];
  if (Array.isArray(value)) {
    const ends = value.length > 1 ? [0, value.length - 1] : value.length === 1 ? [0] : [];
    return ends.flatMap((i) => stringLeaves(value[i], prefix ? `${prefix}.${i}` : String(i)));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, prefix ? `${prefix}.${k}` : k));
  }
  return [];
}

/** A copy of `value` with one bit flipped in the hex string at dotted `path`. */
export function flipLeaf(value: unknown, path: string): unknown {
  const copy = JSON.parse(JSON.stringify(value));
  const keys = path.split('.');
  const last = keys.pop() as string;
  let parent = copy;
  for (const key of keys) parent = parent[key];
  parent[last] = flipNibble(parent[last] as string, 2);
  return copy;
}
