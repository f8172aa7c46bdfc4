import { describe, expect, it } from 'vitest';
import {
  createRecoveryProofClient,
  wrongAnswersMessage,
} from '../../../../../extension/background/flows/recovery-proof.js';
import { PinGuardError } from '../../../../../extension/background/pin-guard-client.js';
import { generateRecoveryKitCode } from '../../../../../protocol/pin/recovery-kit.js';
import { createSeededRng } from '../../../../../protocol/rng.js';

const CUSTOMER = '00000000-0000-4000-8000-0000000000c1';
const CHALLENGE = '00000000-0000-4000-8000-0000000000a1';
const rng = createSeededRng('recovery-proof');

/** A relay that answers one JSON envelope per call, in order, and records what was asked. */
function relay(answers: { status: number; body: unknown }[]) {
  const asked: string[] = [];
  const fetch = (async (url: string, init?: RequestInit) => {
    asked.push(`${init?.method ?? 'GET'} ${new URL(url).pathname}`);
    const next = answers.shift();
    if (!next) throw new TypeError('network down');
    return new Response(JSON.stringify(next.body), { status: next.status });
  }) as typeof globalThis.fetch;
  return { asked, client: createRecoveryProofClient({ relayOrigin: 'http://127.0.0.1:1', fetch, rng }) };
}

async function refusal(promise: Promise<unknown>): Promise<PinGuardError> {
  const error = await promise.then(
    () => undefined,
    (e) => e,
  );
  expect(error).toBeInstanceOf(PinGuardError);
  return error as PinGuardError;
}

describe('recovery proofs: what the user is told', () => {
  it('says wrong answers lock the questions method, not the wallet', () => {
    expect(wrongAnswersMessage('wrong answers: 4 attempts left before the wallet locks')).toBe(
      'those answers are not right: 4 tries left before recovery by security questions locks',
    );
    expect(wrongAnswersMessage('wrong answers: 1 attempt left before the wallet locks')).toContain('1 try left');
    expect(wrongAnswersMessage('wrong answers')).toBe('those answers are not right');
  });

  it('refuses a mistyped kit code by its check symbols before asking the relay anything', async () => {
    const code = generateRecoveryKitCode(rng);
    const swapped = `${code[1]}${code[0]}${code.slice(2)}`;
    const { asked, client } = relay([]);
    const error = await refusal(client.proveKit(CHALLENGE, CUSTOMER, swapped));
    expect(error.code).toBe('wrong-code');
    expect(error.message).toMatch(/checksum does not match/);
    expect(asked).toEqual([]);
  });

  it('refuses a kit code of the wrong length', async () => {
    const { client } = relay([]);
    expect((await refusal(client.proveKit(CHALLENGE, CUSTOMER, 'ABCD-EFGH'))).message).toMatch(
      /expected 28 characters, got 8/,
    );
  });

  it('turns a wrong emailed code into a correctable refusal', async () => {
    const { client } = relay([
      {
        status: 400,
        body: { success: false, message: 'that code is not right; 4 attempts left', error: { code: 'wrong_code' } },
      },
    ]);
    const error = await refusal(client.verifyEmailCode(CHALLENGE, CUSTOMER, '000000'));
    expect([error.code, error.message]).toEqual(['wrong-code', 'that code is not right; 4 attempts left']);
  });

  it('turns a locked questions counter into a correctable refusal, not the PIN lock', async () => {
    const { client } = relay([
      { status: 423, body: { success: false, message: 'too many wrong answers', error: { code: 'locked' } } },
    ]);
    expect((await refusal(client.sendEmailCode(CHALLENGE))).code).toBe('wrong-code');
  });

  it('reports the time lock of email recovery', async () => {
    const { asked, client } = relay([
      { status: 200, body: { success: true, data: { status: 'time_locked', releaseAt: '2026-11-21T12:00:00.000Z' } } },
    ]);
    expect(await client.verifyEmailCode(CHALLENGE, CUSTOMER)).toEqual({
      status: 'time-locked',
      releaseAt: '2026-11-21T12:00:00.000Z',
    });
    expect(asked).toEqual([`POST /v2/gateway/challenges/${CHALLENGE}/email/recover/verify`]);
  });

  it('refuses a release without a valid key part', async () => {
    const { client } = relay([
      { status: 200, body: { success: true, data: { status: 'released', keyPartHex: 'zz' } } },
    ]);
    expect((await refusal(client.verifyEmailCode(CHALLENGE, CUSTOMER, '123456'))).code).toBe('refused');
  });

  it('lists only the recovery copies, never the PIN copy, as methods', async () => {
    const { client } = relay([
      { status: 200, body: { success: true, data: { storedCopies: ['pin', 'email', 'kit'] } } },
    ]);
    expect(await client.options(CHALLENGE)).toEqual({ methods: ['kit', 'email'], questions: null });
  });

  it('says the relay could not be reached', async () => {
    const { client } = relay([]);
    expect((await refusal(client.options(CHALLENGE))).code).toBe('unreachable');
  });
});
