/**
 * Argon2id stretching (RFC 9106) through hash-wasm, with parameters that travel with every
 * ciphertext. A wrapped secret comes back from storage or from the relay, so its parameters are
 * untrusted: bounds refuse a downgrade (cheaper than our default, so an attacker who rewrites the
 * stored copy cannot make the next unlock cheap to brute-force) and hostile values (memory or time
 * large enough to freeze or crash the service worker).
 */
import { argon2id } from 'hash-wasm';
import { fromHex, isHex, toHex } from '../bytes.js';
import type { Rng } from '../rng.js';
import { Argon2ParamsError } from './errors.js';

/** Argon2 version 0x13 (1.3), the only one RFC 9106 specifies and hash-wasm implements. */
export const ARGON2_VERSION = 0x13;
export const ARGON2_SALT_BYTES = 16;
export const ARGON2_OUTPUT_BYTES = 32;

/** JSON-safe Argon2id parameters stored next to the ciphertext they protect. */
export interface Argon2Params {
  algorithm: 'argon2id';
  version: typeof ARGON2_VERSION;
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  /** 16 random bytes, lower-case hex. */
  saltHex: string;
}

/** Inclusive limits enforced before any Argon2id run. */
export interface Argon2Bounds {
  minMemoryKiB: number;
  maxMemoryKiB: number;
  minIterations: number;
  maxIterations: number;
  minParallelism: number;
  maxParallelism: number;
}

/** The default cost: 64 MiB, t = 3, p = 1 (DESIGN §4.1; about 240 ms in hash-wasm on the bench VM). */
export const DEFAULT_ARGON2_COST = { memoryKiB: 65_536, iterations: 3, parallelism: 1 } as const;

/**
 * Production bounds: nothing below the default is accepted (no downgrade); at most 256 MiB, t = 10,
 * p = 4, which still completes on a phone-class device in a few seconds.
 */
export const PRODUCTION_ARGON2_BOUNDS: Readonly<Argon2Bounds> = Object.freeze({
  minMemoryKiB: DEFAULT_ARGON2_COST.memoryKiB,
  maxMemoryKiB: 262_144,
  minIterations: DEFAULT_ARGON2_COST.iterations,
  maxIterations: 10,
  minParallelism: DEFAULT_ARGON2_COST.parallelism,
  maxParallelism: 4,
});

/** No caller-supplied bounds may exceed these, whatever they claim (hostile-parameter ceiling). */
const ABSOLUTE_CEILING = PRODUCTION_ARGON2_BOUNDS;
/** RFC 9106 §3.1: memory must be at least 8·p KiB; we never go below 8 KiB in any setting. */
const ABSOLUTE_FLOOR_MEMORY_KIB = 8;

const PARAM_KEYS = ['algorithm', 'version', 'memoryKiB', 'iterations', 'parallelism', 'saltHex'] as const;

function assertBounds(bounds: Argon2Bounds): void {
  const ok =
    Number.isSafeInteger(bounds.minMemoryKiB) &&
    bounds.minMemoryKiB >= ABSOLUTE_FLOOR_MEMORY_KIB &&
    bounds.maxMemoryKiB <= ABSOLUTE_CEILING.maxMemoryKiB &&
    bounds.minIterations >= 1 &&
    bounds.maxIterations <= ABSOLUTE_CEILING.maxIterations &&
    bounds.minParallelism >= 1 &&
    bounds.maxParallelism <= ABSOLUTE_CEILING.maxParallelism &&
    bounds.minMemoryKiB <= bounds.maxMemoryKiB &&
    bounds.minIterations <= bounds.maxIterations &&
    bounds.minParallelism <= bounds.maxParallelism;
  if (!ok) throw new Argon2ParamsError('bounds', 'malformed', 'bounds must lie within 8 KiB..256 MiB, t 1..10, p 1..4');
}

function checkInteger(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new Argon2ParamsError(field, 'malformed', `expected an integer, got ${typeof value}`);
  }
  if (value < min) throw new Argon2ParamsError(field, 'downgrade', `expected at least ${min}, got ${value}`);
  if (value > max) throw new Argon2ParamsError(field, 'too-large', `expected at most ${max}, got ${value}`);
  return value;
}

/**
 * Validates untrusted parameters (from storage or the network) against `bounds` and returns a clean
 * copy. `bounds` defaults to production; only tests pass looser minimums, and even those cannot
 * exceed the production maximums.
 */
export function parseArgon2Params(value: unknown, bounds: Argon2Bounds = PRODUCTION_ARGON2_BOUNDS): Argon2Params {
  assertBounds(bounds);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Argon2ParamsError('argon2', 'malformed', 'expected an object');
  }
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => !(PARAM_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new Argon2ParamsError(unknown[0] as string, 'malformed', 'unknown field');
  if (record.algorithm !== 'argon2id') {
    throw new Argon2ParamsError('algorithm', 'malformed', `expected "argon2id", got ${String(record.algorithm)}`);
  }
  if (record.version !== ARGON2_VERSION) {
    throw new Argon2ParamsError(
      'version',
      'malformed',
      `expected ${ARGON2_VERSION} (0x13), got ${String(record.version)}`,
    );
  }
  const memoryKiB = checkInteger('memoryKiB', record.memoryKiB, bounds.minMemoryKiB, bounds.maxMemoryKiB);
  const iterations = checkInteger('iterations', record.iterations, bounds.minIterations, bounds.maxIterations);
  const parallelism = checkInteger('parallelism', record.parallelism, bounds.minParallelism, bounds.maxParallelism);
  if (memoryKiB < 8 * parallelism) {
    throw new Argon2ParamsError('memoryKiB', 'malformed', `expected at least 8 KiB per lane (${8 * parallelism})`);
  }
  if (!isHex(record.saltHex, ARGON2_SALT_BYTES)) {
    throw new Argon2ParamsError('saltHex', 'malformed', `expected ${ARGON2_SALT_BYTES} bytes of lower-case hex`);
  }
  return {
    algorithm: 'argon2id',
    version: ARGON2_VERSION,
    memoryKiB,
    iterations,
    parallelism,
    saltHex: record.saltHex,
  };
}

/** Fresh parameters with a random salt; `cost` defaults to 64 MiB / t = 3 / p = 1 and is bounds-checked. */
export function createArgon2Params(
  rng: Rng,
  cost: { memoryKiB: number; iterations: number; parallelism: number } = DEFAULT_ARGON2_COST,
  bounds: Argon2Bounds = PRODUCTION_ARGON2_BOUNDS,
): Argon2Params {
  return parseArgon2Params(
    { algorithm: 'argon2id', version: ARGON2_VERSION, ...cost, saltHex: toHex(rng(ARGON2_SALT_BYTES)) },
    bounds,
  );
}

/**
 * Argon2id(secret, salt) → 32 bytes. The parameters are re-validated here, so no code path can run
 * Argon2 on unchecked values.
 */
export async function stretchSecret(
  secret: Uint8Array,
  params: Argon2Params,
  bounds: Argon2Bounds = PRODUCTION_ARGON2_BOUNDS,
): Promise<Uint8Array> {
  const checked = parseArgon2Params(params, bounds);
  return argon2id({
    password: secret,
    salt: fromHex(checked.saltHex, 'saltHex', ARGON2_SALT_BYTES),
    memorySize: checked.memoryKiB,
    iterations: checked.iterations,
    parallelism: checked.parallelism,
    hashLength: ARGON2_OUTPUT_BYTES,
    outputType: 'binary',
  });
}
