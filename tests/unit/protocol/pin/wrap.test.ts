import { describe, expect, it } from 'vitest';
import { toHex } from '../../../../protocol/bytes.js';
import { InvalidMessageError } from '../../../../protocol/errors.js';
import { createArgon2Params } from '../../../../protocol/pin/argon2.js';
import { Argon2ParamsError, UnwrapError } from '../../../../protocol/pin/errors.js';
import {
  parseWrappedSecret,
  unwrapBundle,
  unwrapBundleJson,
  type WrapHeader,
  type WrappedSecret,
  wrapBundle,
} from '../../../../protocol/pin/wrap.js';
import { createSeededRng } from '../../../../protocol/rng.js';
import { testGuard } from './fixtures.js';

const rng = createSeededRng('tandem/test/wrap');
const rootKey = rng(32);
const header: WrapHeader = {
  method: 'pin',
  customerId: 'cust-9',
  kdf: { kind: 'argon2id+poprf', argon2: createArgon2Params(rng), guard: testGuard().guard, epoch: 3 },
};
const bundle = {
  v: 1,
  shares: { evm: 'aa'.repeat(32), solana: 'bb'.repeat(32) },
  kC: 'cc'.repeat(32),
  device: 'laptop',
};

const flipHex = (hex: string, at: number) => hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);

async function wrapped(): Promise<WrappedSecret> {
  return wrapBundle(bundle, rootKey, header, rng);
}

describe('wrapped Node 1 bundle', () => {
  it('round-trips JSON and bytes, and survives JSON storage', async () => {
    const w = await wrapped();
    const stored = parseWrappedSecret(JSON.parse(JSON.stringify(w)));
    expect(await unwrapBundleJson(stored, rootKey)).toEqual(bundle);
    const raw = rng(100);
    const w2 = await wrapBundle(raw, rootKey, header, rng);
    expect(toHex(await unwrapBundle(w2, rootKey))).toBe(toHex(raw));
    expect(w.iv).toMatch(/^[0-9a-f]{24}$/);
    expect(w.ciphertext.length).toBeGreaterThan(32);
  });

  it('uses a fresh IV each time', async () => {
    const [a, b] = [await wrapped(), await wrapped()];
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it('a wrong key is refused with UnwrapError', async () => {
    await expect(unwrapBundle(await wrapped(), rng(32))).rejects.toBeInstanceOf(UnwrapError);
  });

  it('a corrupted ciphertext byte is refused', async () => {
    const w = await wrapped();
    await expect(unwrapBundle({ ...w, ciphertext: flipHex(w.ciphertext, 4) }, rootKey)).rejects.toBeInstanceOf(
      UnwrapError,
    );
  });

  it('a corrupted tag is refused', async () => {
    const w = await wrapped();
    const at = w.ciphertext.length - 3;
    await expect(unwrapBundle({ ...w, ciphertext: flipHex(w.ciphertext, at) }, rootKey)).rejects.toBeInstanceOf(
      UnwrapError,
    );
  });

  it('a truncated ciphertext is refused', async () => {
    const w = await wrapped();
    await expect(unwrapBundle({ ...w, ciphertext: w.ciphertext.slice(0, -2) }, rootKey)).rejects.toBeInstanceOf(
      UnwrapError,
    );
    expect(() => parseWrappedSecret({ ...w, ciphertext: 'ab'.repeat(15) })).toThrow(/ciphertext/);
  });

  it('a corrupted IV is refused', async () => {
    const w = await wrapped();
    await expect(unwrapBundle({ ...w, iv: flipHex(w.iv, 0) }, rootKey)).rejects.toBeInstanceOf(UnwrapError);
    expect(() => parseWrappedSecret({ ...w, iv: w.iv.slice(2) })).toThrow(InvalidMessageError);
  });

  it('changed authenticated header fields are refused: customer, epoch, salt, guard key, method', async () => {
    const w = await wrapped();
    const kdf = w.kdf as Extract<WrappedSecret['kdf'], { kind: 'argon2id+poprf' }>;
    await expect(unwrapBundle({ ...w, customerId: 'cust-10' }, rootKey)).rejects.toBeInstanceOf(UnwrapError);
    await expect(unwrapBundle({ ...w, kdf: { ...kdf, epoch: 4 } }, rootKey)).rejects.toBeInstanceOf(UnwrapError);
    const salt = { ...kdf, argon2: { ...kdf.argon2, saltHex: flipHex(kdf.argon2.saltHex, 0) } };
    await expect(unwrapBundle({ ...w, kdf: salt }, rootKey)).rejects.toBeInstanceOf(UnwrapError);
    await expect(
      unwrapBundle({ ...w, kdf: { ...kdf, guard: testGuard('other').guard } }, rootKey),
    ).rejects.toBeInstanceOf(UnwrapError);
    await expect(
      unwrapBundle({ ...w, method: 'questions', kdf: { ...kdf, questions: ['a', 'b', 'c'] } }, rootKey),
    ).rejects.toBeInstanceOf(UnwrapError);
  });

  it('a raised but in-bounds Argon2 cost is still refused by the tag (parameters are authenticated)', async () => {
    const w = await wrapped();
    const kdf = w.kdf as Extract<WrappedSecret['kdf'], { kind: 'argon2id+poprf' }>;
    const raised = parseWrappedSecret({ ...w, kdf: { ...kdf, argon2: { ...kdf.argon2, iterations: 4 } } });
    await expect(unwrapBundle(raised, rootKey)).rejects.toBeInstanceOf(UnwrapError);
  });

  it('downgraded or enormous Argon2 parameters are refused before any work', async () => {
    const w = await wrapped();
    const kdf = w.kdf as Extract<WrappedSecret['kdf'], { kind: 'argon2id+poprf' }>;
    const down = { ...w, kdf: { ...kdf, argon2: { ...kdf.argon2, memoryKiB: 1024 } } };
    const huge = { ...w, kdf: { ...kdf, argon2: { ...kdf.argon2, memoryKiB: 4_194_304 } } };
    expect(() => parseWrappedSecret(down)).toThrow(Argon2ParamsError);
    expect(() => parseWrappedSecret(huge)).toThrow(/too-large/);
  });

  it('malformed headers are refused naming the field', async () => {
    const w = await wrapped();
    expect(() => parseWrappedSecret({ ...w, v: 2 })).toThrow(/"v"/);
    expect(() => parseWrappedSecret({ ...w, format: 'x' })).toThrow(/format/);
    expect(() => parseWrappedSecret({ ...w, method: 'sms' })).toThrow(/method/);
    expect(() => parseWrappedSecret({ ...w, extra: true })).toThrow(/extra/);
    expect(() => parseWrappedSecret({ ...w, customerId: '' })).toThrow(/customerId/);
    expect(() => parseWrappedSecret({ ...w, kdf: { ...w.kdf, kind: 'recovery-kit' } })).toThrow(/kdf.kind/);
    expect(() => parseWrappedSecret({ ...w, kdf: { ...w.kdf, epoch: 0 } })).toThrow(/epoch/);
    expect(() => parseWrappedSecret({ ...w, method: 'questions' })).toThrow(/questions/);
    expect(() => parseWrappedSecret('nope')).toThrow(InvalidMessageError);
  });

  it('re-wrapping on PIN change is unwrap under the old key and wrap under the new one', async () => {
    const old = await wrapped();
    const newKey = rng(32);
    const plain = await unwrapBundle(old, rootKey);
    const next = await wrapBundle(
      plain,
      newKey,
      { ...header, kdf: { ...header.kdf, epoch: 4 } as WrapHeader['kdf'] },
      rng,
    );
    expect(await unwrapBundleJson(next, newKey)).toEqual(bundle);
    await expect(unwrapBundle(next, rootKey)).rejects.toBeInstanceOf(UnwrapError);
  });
});
