/**
 * The long-lived OT correlations produced by pairing and consumed by every RVOLE run. They are
 * secret key material: store them with the key share and never send them.
 */
import { fromHex, isHex } from '../../bytes.js';
import { InvalidArgumentError, type PartyRole } from '../../errors.js';
import { decodeHex } from './hex.js';
import { DIGEST_BYTES, LAMBDA_C, ROW_BYTES, SEED_BYTES } from './params.js';

/** This party as OT-extension sender ("Alice"): Δ and the λ_c seeds k_i^{Δ_i}. */
export interface OtSenderSetup {
  kind: 'ecdsa2p/ot-sender-setup';
  version: 1;
  /** This party (Alice of this direction). */
  role: PartyRole;
  /** The peer (Bob of this direction). */
  peer: PartyRole;
  /** Identifies this direction of this pairing; both parties' setups of the direction carry it. */
  setupId: string;
  /** Δ, λ_c bits (16 bytes hex). */
  delta: string;
  /** k_i^{Δ_i}, λ_c × 32 bytes hex. */
  seeds: string[];
}

/** This party as OT-extension receiver ("Bob"): both seeds (k0_i, k1_i) of every base OT. */
export interface OtReceiverSetup {
  kind: 'ecdsa2p/ot-receiver-setup';
  version: 1;
  /** This party (Bob of this direction). */
  role: PartyRole;
  /** The peer (Alice of this direction). */
  peer: PartyRole;
  setupId: string;
  seeds0: string[];
  seeds1: string[];
}

export interface PairingOutput {
  sender: OtSenderSetup;
  receiver: OtReceiverSetup;
}

function isRole(value: unknown): value is PartyRole {
  return value === 'client' || value === 'server';
}

function seedList(value: unknown, name: string): Uint8Array[] {
  if (!Array.isArray(value) || value.length !== LAMBDA_C) {
    throw new InvalidArgumentError(name, `an array of ${LAMBDA_C} seeds`);
  }
  return value.map((s, i) => {
    const seed = decodeHex(s, SEED_BYTES);
    if (!seed) throw new InvalidArgumentError(`${name}[${i}]`, `${SEED_BYTES} bytes of lower-case hex`);
    return seed;
  });
}

function checkHeader(value: unknown, name: string, kind: string, extra: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw new InvalidArgumentError(name, 'an object');
  const record = value as Record<string, unknown>;
  const keys = ['kind', 'version', 'role', 'peer', 'setupId', ...extra];
  for (const key of Object.keys(record)) {
    if (!keys.includes(key)) throw new InvalidArgumentError(`${name}.${key}`, 'no such field');
  }
  if (record.kind !== kind) throw new InvalidArgumentError(`${name}.kind`, `'${kind}'`);
  if (record.version !== 1) throw new InvalidArgumentError(`${name}.version`, '1');
  if (!isRole(record.role) || !isRole(record.peer) || record.role === record.peer) {
    throw new InvalidArgumentError(`${name}.role`, 'two different party roles');
  }
  if (!isHex(record.setupId, DIGEST_BYTES)) throw new InvalidArgumentError(`${name}.setupId`, '32 bytes of hex');
  return record;
}

/** Decoded sender setup (bytes), after checking every field. */
export interface SenderSetupBytes {
  role: PartyRole;
  peer: PartyRole;
  setupId: Uint8Array;
  delta: Uint8Array;
  seeds: Uint8Array[];
}

export function decodeSenderSetup(value: unknown): SenderSetupBytes {
  const r = checkHeader(value, 'setup', 'ecdsa2p/ot-sender-setup', ['delta', 'seeds']);
  if (!isHex(r.delta, ROW_BYTES)) throw new InvalidArgumentError('setup.delta', `${ROW_BYTES} bytes of hex`);
  return {
    role: r.role as PartyRole,
    peer: r.peer as PartyRole,
    setupId: fromHex(r.setupId as string),
    delta: fromHex(r.delta),
    seeds: seedList(r.seeds, 'setup.seeds'),
  };
}

export interface ReceiverSetupBytes {
  role: PartyRole;
  peer: PartyRole;
  setupId: Uint8Array;
  seeds0: Uint8Array[];
  seeds1: Uint8Array[];
}

export function decodeReceiverSetup(value: unknown): ReceiverSetupBytes {
  const r = checkHeader(value, 'setup', 'ecdsa2p/ot-receiver-setup', ['seeds0', 'seeds1']);
  return {
    role: r.role as PartyRole,
    peer: r.peer as PartyRole,
    setupId: fromHex(r.setupId as string),
    seeds0: seedList(r.seeds0, 'setup.seeds0'),
    seeds1: seedList(r.seeds1, 'setup.seeds1'),
  };
}

/** Validates a sender setup loaded from storage; throws `InvalidArgumentError` naming the field. */
export function parseOtSenderSetup(value: unknown): OtSenderSetup {
  decodeSenderSetup(value);
  return value as OtSenderSetup;
}

/** Validates a receiver setup loaded from storage; throws `InvalidArgumentError` naming the field. */
export function parseOtReceiverSetup(value: unknown): OtReceiverSetup {
  decodeReceiverSetup(value);
  return value as OtReceiverSetup;
}
