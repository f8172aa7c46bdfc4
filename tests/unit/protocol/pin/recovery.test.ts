import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../../protocol/bytes.js';
import {
  attemptEmailCode,
  createEmailCodeRecord,
  createEmailKeyPart,
  deriveEmailRecoveryKey,
  EMAIL_CODE_TTL_MS,
  emailRecoveryHeader,
  generateEmailCode,
} from '../../../../protocol/pin/email-recovery.js';
import { RecoveryInputError, UnwrapError } from '../../../../protocol/pin/errors.js';
import { answersSecret, normaliseAnswer } from '../../../../protocol/pin/questions.js';
import {
  checkRecoveryKitProof,
  deriveRecoveryKitAuthKey,
  deriveRecoveryKitKey,
  generateRecoveryKitCode,
  KIT_ALPHABET,
  KIT_ENTROPY_BITS,
  parseRecoveryKitCode,
  recoveryKitHeader,
  signRecoveryKitProof,
} from '../../../../protocol/pin/recovery-kit.js';
import { unwrapBundleJson, wrapBundle } from '../../../../protocol/pin/wrap.js';
import { createSeededRng } from '../../../../protocol/rng.js';

const rng = createSeededRng('tandem/test/recovery');
const questions = ['First pet?', 'Street you grew up on?', 'Favourite teacher?'];

describe('security answers', () => {
  it('normalise case, Unicode compatibility forms and whitespace', () => {
    expect(normaliseAnswer('  Rex   the\tDog ')).toBe('rex the dog');
    expect(normaliseAnswer('ＲＥＸ')).toBe('rex');
    expect(normaliseAnswer('Straße')).toBe(normaliseAnswer('STRASSE'));
    expect(normaliseAnswer('ﬁdo')).toBe('fido');
    expect(normaliseAnswer('Cafe\u0301')).toBe(normaliseAnswer('Café'));
  });

  it('the same answers typed differently give the same secret; other answers or order do not', () => {
    const a = answersSecret(questions, ['Rex', 'Elm Street', 'Mrs Smith']);
    expect(toHex(answersSecret(questions, [' rex', 'ELM  street', 'mrs smith ']))).toBe(toHex(a));
    expect(toHex(answersSecret(questions, ['Elm Street', 'Rex', 'Mrs Smith']))).not.toBe(toHex(a));
    expect(toHex(answersSecret(questions, ['Rex', 'Elm Street', 'Mrs Smyth']))).not.toBe(toHex(a));
  });

  it('combines unambiguously (moving text between answers changes the secret)', () => {
    expect(toHex(answersSecret(questions, ['ab', 'c', 'd']))).not.toBe(
      toHex(answersSecret(questions, ['a', 'bc', 'd'])),
    );
  });

  it('refuses empty answers and the wrong count', () => {
    expect(() => answersSecret(questions, ['Rex', '   ', 'x'])).toThrow(RecoveryInputError);
    expect(() => answersSecret(questions, ['Rex', 'x'])).toThrow(/3 answers/);
    expect(() => answersSecret(questions, ['a'.repeat(201), 'b', 'c'])).toThrow(/longer/);
  });
});

describe('recovery kit code', () => {
  const code = generateRecoveryKitCode(rng);

  it('has ≥ 128 bits of entropy and is shown in seven groups of four', () => {
    expect(KIT_ENTROPY_BITS).toBeGreaterThanOrEqual(128);
    expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(parseRecoveryKitCode(code)).toBe(code);
  });

  it('accepts lower case, spaces instead of hyphens and Crockford aliases', () => {
    const sloppy = code.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l');
    expect(parseRecoveryKitCode(sloppy)).toBe(code);
  });

  it('catches EVERY single-character substitution, at every position, for many codes', () => {
    for (let n = 0; n < 40; n++) {
      const c = generateRecoveryKitCode(rng).replace(/-/g, '');
      for (let i = 0; i < c.length; i++) {
        for (const ch of KIT_ALPHABET) {
          if (ch === c[i]) continue;
          const typo = c.slice(0, i) + ch + c.slice(i + 1);
          expect(() => parseRecoveryKitCode(typo)).toThrow(/checksum/);
        }
      }
    }
  });

  it('catches every transposition of two different characters (adjacent or not)', () => {
    for (let n = 0; n < 20; n++) {
      const c = [...generateRecoveryKitCode(rng).replace(/-/g, '')];
      for (let i = 0; i < c.length; i++) {
        for (let j = i + 1; j < c.length; j++) {
          if (c[i] === c[j]) continue;
          const t = [...c];
          [t[i], t[j]] = [t[j]!, t[i]!];
          expect(() => parseRecoveryKitCode(t.join(''))).toThrow(/checksum/);
        }
      }
    }
  });

  it('refuses a dropped or added character, and letters outside the alphabet (U)', () => {
    const c = code.replace(/-/g, '');
    expect(() => parseRecoveryKitCode(c.slice(1))).toThrow(/28 characters/);
    expect(() => parseRecoveryKitCode(`${c}0`)).toThrow(/28 characters/);
    expect(() => parseRecoveryKitCode(`U${c.slice(1)}`)).toThrow(/character 1/);
  });

  it('wraps and opens a bundle; another code cannot open it', async () => {
    const header = recoveryKitHeader('cust-3', rng);
    const salt = (header.kdf as { saltHex: string }).saltHex;
    const w = await wrapBundle({ secret: 1 }, deriveRecoveryKitKey(code, 'cust-3', salt), header, rng);
    expect(await unwrapBundleJson(w, deriveRecoveryKitKey(code.toLowerCase(), 'cust-3', salt))).toEqual({ secret: 1 });
    const other = generateRecoveryKitCode(rng);
    await expect(unwrapBundleJson(w, deriveRecoveryKitKey(other, 'cust-3', salt))).rejects.toBeInstanceOf(UnwrapError);
  });
});

describe('recovery kit proof of possession', () => {
  const code = generateRecoveryKitCode(rng);
  const salt = '11'.repeat(16);
  const nonce = rng(32);

  it('a proof made with the kit verifies under the stored public key for this customer, challenge and nonce', () => {
    const { seed, publicKey } = deriveRecoveryKitAuthKey(code, 'cust-5', salt);
    const proof = signRecoveryKitProof(seed, 'cust-5', 'ch-9', nonce);
    expect(checkRecoveryKitProof(publicKey, proof, 'cust-5', 'ch-9', nonce)).toBe(true);
    expect(deriveRecoveryKitAuthKey(code.toLowerCase(), 'cust-5', salt).publicKey).toEqual(publicKey);
  });

  it('refuses another kit, another nonce (replay), another challenge or customer, and malformed proofs', () => {
    const { seed, publicKey } = deriveRecoveryKitAuthKey(code, 'cust-5', salt);
    const proof = signRecoveryKitProof(seed, 'cust-5', 'ch-9', nonce);
    const other = deriveRecoveryKitAuthKey(generateRecoveryKitCode(rng), 'cust-5', salt);
    expect(
      checkRecoveryKitProof(
        publicKey,
        signRecoveryKitProof(other.seed, 'cust-5', 'ch-9', nonce),
        'cust-5',
        'ch-9',
        nonce,
      ),
    ).toBe(false);
    expect(checkRecoveryKitProof(publicKey, proof, 'cust-5', 'ch-9', rng(32))).toBe(false);
    expect(checkRecoveryKitProof(publicKey, proof, 'cust-5', 'ch-8', nonce)).toBe(false);
    expect(checkRecoveryKitProof(publicKey, proof, 'cust-6', 'ch-9', nonce)).toBe(false);
    expect(checkRecoveryKitProof(publicKey, proof.subarray(1), 'cust-5', 'ch-9', nonce)).toBe(false);
  });

  it('the auth key is independent of the wrapping key', () => {
    const { seed } = deriveRecoveryKitAuthKey(code, 'cust-5', salt);
    expect(toHex(seed)).not.toBe(toHex(deriveRecoveryKitKey(code, 'cust-5', salt)));
  });
});

describe('email recovery', () => {
  it('wraps under the relay key part and opens only with it', async () => {
    const keyPart = createEmailKeyPart(rng);
    const header = emailRecoveryHeader('cust-4', rng);
    const salt = (header.kdf as { saltHex: string }).saltHex;
    const w = await wrapBundle({ s: 2 }, deriveEmailRecoveryKey(keyPart, 'cust-4', salt), header, rng);
    expect(await unwrapBundleJson(w, deriveEmailRecoveryKey(keyPart, 'cust-4', salt))).toEqual({ s: 2 });
    await expect(unwrapBundleJson(w, deriveEmailRecoveryKey(rng(32), 'cust-4', salt))).rejects.toBeInstanceOf(
      UnwrapError,
    );
  });

  it('codes are six digits, spread over the whole range', () => {
    const codes = Array.from({ length: 2000 }, () => generateEmailCode(rng));
    for (const c of codes) expect(c).toMatch(/^[0-9]{6}$/);
    expect(new Set(codes.map((c) => c[0])).size).toBe(10);
  });

  it('a correct code verifies and sets the time lock; the record never holds the code', () => {
    const record = createEmailCodeRecord({ challengeId: 'ch-1', code: '048213', nowMs: 1000 });
    expect(JSON.stringify(record)).not.toContain('048213');
    const r = attemptEmailCode(record, '048213', 2000, { delayMs: 60_000 });
    expect(r.outcome).toBe('verified');
    expect(r.record.releaseAtMs).toBe(62_000);
    expect(attemptEmailCode(r.record, '048213', 3000).outcome).toBe('already-verified');
  });

  it('an expired code is refused even when right', () => {
    const record = createEmailCodeRecord({ challengeId: 'ch-2', code: '048213', nowMs: 0 });
    expect(attemptEmailCode(record, '048213', EMAIL_CODE_TTL_MS).outcome).toBe('expired');
  });

  it('after 5 wrong codes the right one is refused', () => {
    let record = createEmailCodeRecord({ challengeId: 'ch-3', code: '048213', nowMs: 0 });
    for (let i = 0; i < 5; i++) {
      const r = attemptEmailCode(record, '111111', 10);
      expect(r.outcome).toBe('wrong');
      record = r.record;
    }
    expect(attemptEmailCode(record, '048213', 10).outcome).toBe('exhausted');
  });

  it('a code is bound to its challenge', () => {
    const record = createEmailCodeRecord({ challengeId: 'ch-4', code: '048213', nowMs: 0 });
    expect(attemptEmailCode({ ...record, challengeId: 'ch-5' }, '048213', 1).outcome).toBe('wrong');
  });
});

describe('recovery kit checksum (property)', () => {
  it('detects any two substitutions at distinct positions (minimum distance 3)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 26, maxLength: 26 }),
        fc.integer({ min: 0, max: 27 }),
        fc.integer({ min: 0, max: 27 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 1, max: 31 }),
        (bytes, i, j, di, dj) => {
          fc.pre(i !== j);
          const code = [...generateRecoveryKitCode(() => bytes).replace(/-/g, '')];
          const shift = (ch: string, d: number) => KIT_ALPHABET[(KIT_ALPHABET.indexOf(ch) + d) % 32] as string;
          code[i] = shift(code[i]!, di);
          code[j] = shift(code[j]!, dj);
          expect(() => parseRecoveryKitCode(code.join(''))).toThrow(/checksum/);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
