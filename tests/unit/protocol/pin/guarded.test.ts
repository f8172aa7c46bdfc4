import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../protocol/bytes.js';
import { InvalidMessageError, ProtocolAbortError, ProtocolStateError } from '../../../../protocol/errors.js';
import { UnwrapError, WeakPinError } from '../../../../protocol/pin/errors.js';
import {
  type GuardedAwaitingState,
  pinSecret,
  receiveGuardEvaluation,
  startGuardedEnrolment,
  startGuardedUnlock,
} from '../../../../protocol/pin/guarded.js';
import { checkProof, NONCE_BYTES } from '../../../../protocol/pin/keys.js';
import type { CompleteEnrolmentRequest } from '../../../../protocol/pin/messages.js';
import { answersSecret } from '../../../../protocol/pin/questions.js';
import { unwrapBundleJson, wrapBundle } from '../../../../protocol/pin/wrap.js';
import { createSeededRng } from '../../../../protocol/rng.js';
import { guardEvaluate, TEST_ARGON2_BOUNDS, TEST_ARGON2_COST, testGuard } from './fixtures.js';

const rng = createSeededRng('tandem/test/guarded');
const customerId = 'cust-7';

async function enrol(pin: string, guardKeys = testGuard(), epoch = 1) {
  const start = startGuardedEnrolment({
    customerId,
    purpose: 'pin',
    secret: pinSecret(pin, { enrolling: true }),
    guard: guardKeys.guard,
    rng,
    argon2Cost: TEST_ARGON2_COST,
    argon2Bounds: TEST_ARGON2_BOUNDS,
  });
  const nonce = rng(NONCE_BYTES);
  const evaluation = guardEvaluate(guardKeys.secretKey, guardKeys.guard.keyId, start.outgoing[0]!, epoch, nonce, rng);
  const done = await receiveGuardEvaluation(start.state, JSON.parse(JSON.stringify(evaluation)), {
    argon2Bounds: TEST_ARGON2_BOUNDS,
  });
  return { start, nonce, done, guardKeys };
}

async function unlock(pin: string, enrolled: Awaited<ReturnType<typeof enrol>>, guardKeys = enrolled.guardKeys) {
  const kdf = enrolled.done.output!.kdf;
  const start = startGuardedUnlock({
    customerId,
    purpose: 'pin',
    secret: pinSecret(pin, { enrolling: false }),
    kdf,
    rng,
    argon2Bounds: TEST_ARGON2_BOUNDS,
  });
  const nonce = rng(NONCE_BYTES);
  const evaluation = guardEvaluate(
    guardKeys.secretKey,
    guardKeys.guard.keyId,
    start.outgoing[0]!,
    kdf.epoch,
    nonce,
    rng,
  );
  const done = await receiveGuardEvaluation(start.state, evaluation, { argon2Bounds: TEST_ARGON2_BOUNDS });
  return { start, nonce, done };
}

const ctx = (keyId: string, epoch = 1) => ({ customerId, purpose: 'pin' as const, keyId, epoch });

describe('guarded secret (PIN) client flow', () => {
  it('enrolment refuses a weak PIN before anything is sent', () => {
    expect(() => pinSecret('123456', { enrolling: true })).toThrow(WeakPinError);
    // Unlock accepts any well-formed PIN: rules may tighten after a user chose theirs.
    expect(pinSecret('123456', { enrolling: false })).toHaveLength(6);
  });

  it('enrol then unlock with the right PIN gives the same K and a proof the guard accepts', async () => {
    const e = await enrol('482915');
    const complete = e.done.outgoing[0] as CompleteEnrolmentRequest;
    const verifier = fromHex(complete.verifier, 'verifier');
    const keyId = e.guardKeys.guard.keyId;
    expect(checkProof(verifier, fromHex(complete.proof, 'p'), 'enrol', ctx(keyId), e.nonce)).toBe(true);

    const u = await unlock('482915', e);
    expect(toHex(u.done.output!.rootKey)).toBe(toHex(e.done.output!.rootKey));
    const verify = u.done.outgoing[0]!;
    expect(checkProof(verifier, fromHex(verify.proof, 'p'), 'unlock', ctx(keyId), u.nonce)).toBe(true);
    expect(u.done.state).toEqual({ phase: 'done', kind: 'unlock', customerId, purpose: 'pin', epoch: 1 });
  });

  it('a wrong PIN gives another K and a proof the guard refuses', async () => {
    const e = await enrol('482915');
    const verifier = fromHex((e.done.outgoing[0] as CompleteEnrolmentRequest).verifier, 'v');
    const u = await unlock('482916', e);
    expect(toHex(u.done.output!.rootKey)).not.toBe(toHex(e.done.output!.rootKey));
    const proof = fromHex(u.done.outgoing[0]!.proof, 'p');
    expect(checkProof(verifier, proof, 'unlock', ctx(e.guardKeys.guard.keyId), u.nonce)).toBe(false);
  });

  it('a proof does not verify for another nonce (replay), another kind, or another epoch', async () => {
    const e = await enrol('482915');
    const verifier = fromHex((e.done.outgoing[0] as CompleteEnrolmentRequest).verifier, 'v');
    const u = await unlock('482915', e);
    const proof = fromHex(u.done.outgoing[0]!.proof, 'p');
    const keyId = e.guardKeys.guard.keyId;
    expect(checkProof(verifier, proof, 'unlock', ctx(keyId), rng(NONCE_BYTES))).toBe(false);
    expect(checkProof(verifier, proof, 'enrol', ctx(keyId), u.nonce)).toBe(false);
    expect(checkProof(verifier, proof, 'unlock', ctx(keyId, 2), u.nonce)).toBe(false);
  });

  it('without the guard key the stored data gives no PIN test: same PIN and salt under another guard key → other K and V', async () => {
    const e = await enrol('482915');
    const other = testGuard('a different guard key');
    // Same PIN, same Argon2 salt (copied from the stored header), different OPRF key.
    const kdf = { ...e.done.output!.kdf, guard: other.guard };
    const start = startGuardedUnlock({
      customerId,
      purpose: 'pin',
      secret: pinSecret('482915', { enrolling: false }),
      kdf,
      rng,
      argon2Bounds: TEST_ARGON2_BOUNDS,
    });
    const nonce = rng(NONCE_BYTES);
    const evaluation = guardEvaluate(other.secretKey, other.guard.keyId, start.outgoing[0]!, 1, nonce, rng);
    const done = await receiveGuardEvaluation(start.state, evaluation, { argon2Bounds: TEST_ARGON2_BOUNDS });
    expect(toHex(done.output!.rootKey)).not.toBe(toHex(e.done.output!.rootKey));
    const ePrime = await enrol('482915', other);
    expect((ePrime.done.outgoing[0] as CompleteEnrolmentRequest).verifier).not.toBe(
      (e.done.outgoing[0] as CompleteEnrolmentRequest).verifier,
    );
  });

  it('refuses an evaluation for another epoch than the wrapped copy’s', async () => {
    const e = await enrol('482915');
    const kdf = e.done.output!.kdf;
    const start = startGuardedUnlock({
      customerId,
      purpose: 'pin',
      secret: pinSecret('482915', { enrolling: false }),
      kdf,
      rng,
      argon2Bounds: TEST_ARGON2_BOUNDS,
    });
    const evaluation = guardEvaluate(
      e.guardKeys.secretKey,
      e.guardKeys.guard.keyId,
      start.outgoing[0]!,
      2,
      rng(32),
      rng,
    );
    await expect(receiveGuardEvaluation(start.state, evaluation)).rejects.toThrow(/epoch/);
  });

  it('refuses a malformed evaluation (bad element, bad nonce, extra field) and a forged one', async () => {
    const e = await enrol('482915');
    const kdf = e.done.output!.kdf;
    const fresh = () =>
      startGuardedUnlock({
        customerId,
        purpose: 'pin',
        secret: pinSecret('482915', { enrolling: false }),
        kdf,
        rng,
        argon2Bounds: TEST_ARGON2_BOUNDS,
      });
    const s1 = fresh();
    const good = guardEvaluate(e.guardKeys.secretKey, e.guardKeys.guard.keyId, s1.outgoing[0]!, 1, rng(32), rng);
    await expect(
      receiveGuardEvaluation(fresh().state, { ...good, evaluated: `04${good.evaluated.slice(2)}` }),
    ).rejects.toThrow(InvalidMessageError);
    await expect(receiveGuardEvaluation(fresh().state, { ...good, nonce: 'ab' })).rejects.toThrow(/nonce/);
    await expect(receiveGuardEvaluation(fresh().state, { ...good, extra: 1 })).rejects.toThrow(/extra/);
    // A valid evaluation of a different blinded element: the DLEQ proof does not cover ours.
    await expect(receiveGuardEvaluation(fresh().state, good)).rejects.toThrow(ProtocolAbortError);
  });

  it('a state is used once and the consumed state no longer holds the secret', async () => {
    const e = await enrol('482915');
    const kdf = e.done.output!.kdf;
    const start = startGuardedUnlock({
      customerId,
      purpose: 'pin',
      secret: pinSecret('482915', { enrolling: false }),
      kdf,
      rng,
      argon2Bounds: TEST_ARGON2_BOUNDS,
    });
    const evaluation = guardEvaluate(
      e.guardKeys.secretKey,
      e.guardKeys.guard.keyId,
      start.outgoing[0]!,
      1,
      rng(32),
      rng,
    );
    const done = await receiveGuardEvaluation(start.state, evaluation, { argon2Bounds: TEST_ARGON2_BOUNDS });
    await expect(receiveGuardEvaluation(start.state, evaluation)).rejects.toThrow(ProtocolStateError);
    await expect(receiveGuardEvaluation(done.state, evaluation)).rejects.toThrow(ProtocolStateError);
    expect((start.state as GuardedAwaitingState).secretHex).toBe('');
    expect(JSON.stringify(done.state)).not.toContain(toHex(new TextEncoder().encode('482915')));
  });

  it('a refused evaluation still consumes the state and leaves no secret in it', async () => {
    const e = await enrol('482915');
    const kdf = e.done.output!.kdf;
    const start = startGuardedUnlock({
      customerId,
      purpose: 'pin',
      secret: pinSecret('482915', { enrolling: false }),
      kdf,
      rng,
      argon2Bounds: TEST_ARGON2_BOUNDS,
    });
    const evaluation = guardEvaluate(
      testGuard('rogue').secretKey,
      kdf.guard.keyId,
      start.outgoing[0]!,
      1,
      rng(32),
      rng,
    );
    await expect(receiveGuardEvaluation(start.state, evaluation)).rejects.toThrow(ProtocolAbortError);
    expect(start.state).toMatchObject({ consumed: true, secretHex: '', blindHex: '' });
    await expect(receiveGuardEvaluation(start.state, evaluation)).rejects.toThrow(ProtocolStateError);
  });

  it('states and messages survive a JSON round trip', async () => {
    const e = await enrol('482915');
    const kdf = e.done.output!.kdf;
    const start = startGuardedUnlock({
      customerId,
      purpose: 'pin',
      secret: pinSecret('482915', { enrolling: false }),
      kdf,
      rng,
      argon2Bounds: TEST_ARGON2_BOUNDS,
    });
    const request = JSON.parse(JSON.stringify(start.outgoing[0]));
    const evaluation = guardEvaluate(e.guardKeys.secretKey, e.guardKeys.guard.keyId, request, 1, rng(32), rng);
    const state = JSON.parse(JSON.stringify(start.state));
    const done = await receiveGuardEvaluation(state, JSON.parse(JSON.stringify(evaluation)), {
      argon2Bounds: TEST_ARGON2_BOUNDS,
    });
    expect(toHex(done.output!.rootKey)).toBe(toHex(e.done.output!.rootKey));
  });

  it('unlock refuses a stored header with downgraded Argon2 parameters under production bounds', () => {
    const kdf = {
      kind: 'argon2id+poprf' as const,
      argon2: {
        algorithm: 'argon2id' as const,
        version: 0x13 as const,
        memoryKiB: 1024,
        iterations: 1,
        parallelism: 1,
        saltHex: '00'.repeat(16),
      },
      guard: testGuard().guard,
      epoch: 1,
    };
    expect(() =>
      startGuardedUnlock({ customerId, purpose: 'pin', secret: pinSecret('482915', { enrolling: false }), kdf, rng }),
    ).toThrow(/downgrade/);
  });

  it('security questions: own purpose, prompts bound, normalised answers open the copy, wrong answers do not', async () => {
    const g = testGuard();
    const questions = ['First pet?', 'Street?', 'Teacher?'];
    const start = startGuardedEnrolment({
      customerId,
      purpose: 'questions',
      secret: answersSecret(questions, ['Rex', 'Elm Street', 'Mrs Smith']),
      questions,
      guard: g.guard,
      rng,
      argon2Cost: TEST_ARGON2_COST,
      argon2Bounds: TEST_ARGON2_BOUNDS,
    });
    const evaluation = guardEvaluate(g.secretKey, g.guard.keyId, start.outgoing[0]!, 1, rng(32), rng);
    const enrolled = await receiveGuardEvaluation(start.state, evaluation, { argon2Bounds: TEST_ARGON2_BOUNDS });
    const { rootKey, kdf } = enrolled.output!;
    expect(kdf.questions).toEqual(questions);
    const wrapped = await wrapBundle({ b: 1 }, rootKey, { method: 'questions', customerId, kdf }, rng, {
      argon2Bounds: TEST_ARGON2_BOUNDS,
    });
    const open = async (answers: string[]) => {
      const s = startGuardedUnlock({
        customerId,
        purpose: 'questions',
        secret: answersSecret(questions, answers),
        kdf,
        rng,
        argon2Bounds: TEST_ARGON2_BOUNDS,
      });
      const ev = guardEvaluate(g.secretKey, g.guard.keyId, s.outgoing[0]!, 1, rng(32), rng);
      const d = await receiveGuardEvaluation(s.state, ev, { argon2Bounds: TEST_ARGON2_BOUNDS });
      return unwrapBundleJson(wrapped, d.output!.rootKey);
    };
    expect(await open([' rex ', 'ELM   STREET', 'mrs smith'])).toEqual({ b: 1 });
    await expect(open(['Rex', 'Elm Street', 'Mr Smith'])).rejects.toBeInstanceOf(UnwrapError);
    // The questions purpose requires its prompts (they are bound into the copy's header and AAD).
    expect(() =>
      startGuardedEnrolment({ customerId, purpose: 'questions', secret: new Uint8Array(1), guard: g.guard, rng }),
    ).toThrow(/questions/);
  });
});
