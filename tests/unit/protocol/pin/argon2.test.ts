import { describe, expect, it } from 'vitest';
import { toHex } from '../../../../protocol/bytes.js';
import {
  type Argon2Params,
  createArgon2Params,
  DEFAULT_ARGON2_COST,
  PRODUCTION_ARGON2_BOUNDS,
  parseArgon2Params,
  stretchSecret,
} from '../../../../protocol/pin/argon2.js';
import { Argon2ParamsError } from '../../../../protocol/pin/errors.js';
import { createSeededRng } from '../../../../protocol/rng.js';
import { TEST_ARGON2_BOUNDS, TEST_ARGON2_COST } from './fixtures.js';

const rng = createSeededRng('tandem/test/argon2');
const good = (): Argon2Params => createArgon2Params(rng);

function refusal(value: unknown, bounds = PRODUCTION_ARGON2_BOUNDS): Argon2ParamsError {
  try {
    parseArgon2Params(value, bounds);
  } catch (error) {
    expect(error).toBeInstanceOf(Argon2ParamsError);
    return error as Argon2ParamsError;
  }
  throw new Error('expected a refusal');
}

describe('Argon2id parameters', () => {
  it('defaults to 64 MiB, t = 3, p = 1, version 0x13, 16-byte salt', () => {
    const p = good();
    expect(p).toMatchObject({ algorithm: 'argon2id', version: 0x13, memoryKiB: 65_536, iterations: 3, parallelism: 1 });
    expect(p.saltHex).toMatch(/^[0-9a-f]{32}$/);
    expect(parseArgon2Params(JSON.parse(JSON.stringify(p)))).toEqual(p);
  });

  it('refuses a memory downgrade below the default', () => {
    const e = refusal({ ...good(), memoryKiB: 65_535 });
    expect(e.kind).toBe('downgrade');
    expect(e.field).toBe('memoryKiB');
    expect(e.message).toMatch(/at least 65536/);
  });

  it('refuses an iteration downgrade below the default', () => {
    expect(refusal({ ...good(), iterations: 2 })).toMatchObject({ kind: 'downgrade', field: 'iterations' });
  });

  it('refuses parallelism 0', () => {
    expect(refusal({ ...good(), parallelism: 0 })).toMatchObject({ kind: 'downgrade', field: 'parallelism' });
  });

  it('refuses hostile memory above 256 MiB', () => {
    expect(refusal({ ...good(), memoryKiB: 262_145 })).toMatchObject({ kind: 'too-large', field: 'memoryKiB' });
    expect(refusal({ ...good(), memoryKiB: 2 ** 40 })).toMatchObject({ kind: 'too-large' });
  });

  it('refuses hostile iterations above 10 and parallelism above 4', () => {
    expect(refusal({ ...good(), iterations: 11 })).toMatchObject({ kind: 'too-large', field: 'iterations' });
    expect(refusal({ ...good(), parallelism: 5 })).toMatchObject({ kind: 'too-large', field: 'parallelism' });
  });

  it('refuses non-integers, another algorithm or version, a short salt and unknown fields', () => {
    expect(refusal({ ...good(), memoryKiB: 65_536.5 })).toMatchObject({ kind: 'malformed' });
    expect(refusal({ ...good(), iterations: '3' })).toMatchObject({ kind: 'malformed' });
    expect(refusal({ ...good(), algorithm: 'argon2i' })).toMatchObject({ field: 'algorithm' });
    expect(refusal({ ...good(), version: 0x10 })).toMatchObject({ field: 'version' });
    expect(refusal({ ...good(), saltHex: 'abcd' })).toMatchObject({ field: 'saltHex' });
    expect(refusal({ ...good(), pepper: 'x' })).toMatchObject({ field: 'pepper' });
    expect(refusal(null)).toMatchObject({ kind: 'malformed' });
  });

  it('test bounds cannot raise the production ceiling', () => {
    expect(() => parseArgon2Params(good(), { ...TEST_ARGON2_BOUNDS, maxMemoryKiB: 1 << 22 })).toThrow(/bounds/);
    expect(() => parseArgon2Params(good(), { ...TEST_ARGON2_BOUNDS, maxIterations: 100 })).toThrow(/bounds/);
  });

  it('test-only parameters are refused under production bounds (no way to smuggle them in)', async () => {
    const cheap = createArgon2Params(rng, TEST_ARGON2_COST, TEST_ARGON2_BOUNDS);
    await expect(stretchSecret(new Uint8Array([1]), cheap)).rejects.toBeInstanceOf(Argon2ParamsError);
  });

  it('stretches deterministically for the same salt and differently for another salt', async () => {
    const p = createArgon2Params(rng, TEST_ARGON2_COST, TEST_ARGON2_BOUNDS);
    const a = await stretchSecret(new Uint8Array([1, 2, 3]), p, TEST_ARGON2_BOUNDS);
    const b = await stretchSecret(new Uint8Array([1, 2, 3]), p, TEST_ARGON2_BOUNDS);
    const c = await stretchSecret(new Uint8Array([1, 2, 3]), { ...p, saltHex: '00'.repeat(16) }, TEST_ARGON2_BOUNDS);
    expect(a).toHaveLength(32);
    expect(toHex(a)).toBe(toHex(b));
    expect(toHex(a)).not.toBe(toHex(c));
  });

  it('runs once at the full production default', async () => {
    const out = await stretchSecret(new Uint8Array([4, 8, 2, 9, 1, 5]), createArgon2Params(rng));
    expect(out).toHaveLength(32);
    expect(DEFAULT_ARGON2_COST.memoryKiB).toBe(65_536);
  });
});
