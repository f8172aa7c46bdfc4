import { p256 } from '@noble/curves/nist.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../protocol/bytes.js';
import { InvalidMessageError } from '../../../protocol/errors.js';
import { UnwrapError } from '../../../protocol/pin/errors.js';
import { unwrapBundleJson } from '../../../protocol/pin/wrap.js';
import { attemptPin, BUNDLE, enrolPin, evaluatePin, type Harness, type Mode, openHarness } from './harness.js';

const RIGHT = '482915';
const G7 = toHex(p256.Point.BASE.multiply(7n).toBytes(true));

/** A compressed encoding whose x has no point on P-256 (about half of all x values). */
function firstOffCurveX(): string {
  for (let x = 1; ; x++) {
    const hex = `02${x.toString(16).padStart(64, '0')}`;
    try {
      p256.Point.fromHex(hex);
    } catch {
      return hex;
    }
  }
}
const WRONG = '730164';

describe.each(['in-process', 'remote'] as Mode[])('PIN guard (%s)', (mode) => {
  // One guard and data directory per mode (opening PGlite is the slow part); every test uses its
  // own customer ids, and lock events are filtered by customer.
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(mode);
  });
  afterAll(async () => {
    await h.close();
  });
  const eventsFor = (customerId: string) => h.events.filter((e) => e.customerId === customerId);

  it('enrols, then the right PIN unlocks: proof accepted, bundle opens, counter back to 0', async () => {
    const wrapped = await enrolPin(h.guard, 'cust-a', RIGHT);
    const a = await attemptPin(h.guard, wrapped, RIGHT);
    expect(a.evaluate).toMatchObject({ status: 'ok', attemptsRemaining: 4 });
    expect(a.verify).toEqual({ status: 'ok' });
    expect(await unwrapBundleJson(wrapped, a.key!.rootKey)).toEqual(BUNDLE);
    expect(await h.guard.status('cust-a', 'pin')).toMatchObject({
      enrolled: true,
      epoch: 1,
      failures: 0,
      locked: false,
    });
  });

  it('wrong PIN ×5 locks (one locked_out event); the 6th attempt is refused even with the right PIN', async () => {
    const wrapped = await enrolPin(h.guard, 'cust-b', RIGHT);
    for (let i = 1; i <= 4; i++) {
      const a = await attemptPin(h.guard, wrapped, WRONG);
      expect(a.verify).toEqual({ status: 'wrong', attemptsRemaining: 5 - i });
      await expect(unwrapBundleJson(wrapped, a.key!.rootKey)).rejects.toBeInstanceOf(UnwrapError);
    }
    const fifth = await attemptPin(h.guard, wrapped, WRONG);
    expect(fifth.verify).toEqual({ status: 'locked', lockedOut: true });
    expect(eventsFor('cust-b')).toHaveLength(1);
    expect(eventsFor('cust-b')[0]).toMatchObject({ customerId: 'cust-b', purpose: 'pin', failures: 5 });

    const sixth = await attemptPin(h.guard, wrapped, RIGHT);
    expect(sixth.evaluate).toEqual({ status: 'locked', lockedOut: false });
    expect(eventsFor('cust-b')).toHaveLength(1);
    expect(await h.guard.status('cust-b', 'pin')).toMatchObject({ locked: true, attemptsRemaining: 0 });
  });

  it('the lock survives a restart (PGlite closed and reopened)', async () => {
    const wrapped = await enrolPin(h.guard, 'cust-c', RIGHT);
    for (let i = 0; i < 5; i++) await attemptPin(h.guard, wrapped, WRONG);
    await h.restart();
    expect((await attemptPin(h.guard, wrapped, RIGHT)).evaluate).toEqual({ status: 'locked', lockedOut: false });
    expect(await h.guard.status('cust-c', 'pin')).toMatchObject({ locked: true });
  });

  it('failure counts persist across a restart (no free attempts by restarting)', async () => {
    const wrapped = await enrolPin(h.guard, 'cust-c2', RIGHT);
    for (let i = 0; i < 3; i++) await attemptPin(h.guard, wrapped, WRONG);
    await h.restart();
    expect(await h.guard.status('cust-c2', 'pin')).toMatchObject({ failures: 3, attemptsRemaining: 2 });
  });

  it('recovery unlocks: re-enrolment with a new PIN clears the lock; the old copy is stale', async () => {
    const old = await enrolPin(h.guard, 'cust-d', RIGHT);
    for (let i = 0; i < 5; i++) await attemptPin(h.guard, old, WRONG);
    // Locked: enrolment is closed until the relay opens it after a successful recovery.
    await expect(enrolPin(h.guard, 'cust-d', '905372')).rejects.toThrow(/enrolment-closed/);
    await h.guard.allowEnrolment('cust-d', 'pin');
    const fresh = await enrolPin(h.guard, 'cust-d', '905372');
    expect(await h.guard.status('cust-d', 'pin')).toMatchObject({ locked: false, failures: 0, enrolmentOpen: false });
    const a = await attemptPin(h.guard, fresh, '905372');
    expect(a.verify).toEqual({ status: 'ok' });
    const epoch = (await h.guard.status('cust-d', 'pin')).epoch;
    expect((await attemptPin(h.guard, old, RIGHT)).evaluate).toEqual({ status: 'stale-epoch', epoch });
  });

  it('unlock (counter reset without re-enrolment) works and is rate-limited to 3 per day', async () => {
    const wrapped = await enrolPin(h.guard, 'cust-e', RIGHT);
    for (let r = 0; r < 3; r++) {
      for (let i = 0; i < 5; i++) await attemptPin(h.guard, wrapped, WRONG);
      expect(await h.guard.unlock('cust-e', 'pin')).toEqual({ status: 'ok' });
    }
    expect((await attemptPin(h.guard, wrapped, RIGHT)).verify).toEqual({ status: 'ok' });
    const limited = await h.guard.unlock('cust-e', 'pin');
    expect(limited.status).toBe('rate-limited');
    h.now.ms += 24 * 60 * 60 * 1000 + 1;
    expect(await h.guard.unlock('cust-e', 'pin')).toEqual({ status: 'ok' });
  });

  it('a replayed nonce is refused and changes nothing', async () => {
    const wrapped = await enrolPin(h.guard, 'cust-f', RIGHT);
    const a = await attemptPin(h.guard, wrapped, RIGHT);
    expect(a.verify).toEqual({ status: 'ok' });
    expect(await h.guard.verify(a.verifyRequest!)).toEqual({ status: 'invalid-nonce' });
    expect(await h.guard.status('cust-f', 'pin')).toMatchObject({ failures: 0 });
  });

  it('a wrong-length proof is a failed attempt that consumes the nonce (no free retry)', async () => {
    const wrapped = await enrolPin(h.guard, 'cust-g', RIGHT);
    const e = await evaluatePin(h.guard, wrapped, RIGHT);
    const { verify } = await e.finish();
    expect(await h.guard.verify({ ...verify, proof: verify.proof.slice(0, -2) })).toEqual({
      status: 'wrong',
      attemptsRemaining: 4,
    });
    expect(await h.guard.verify(verify)).toEqual({ status: 'invalid-nonce' });
    expect(await h.guard.verify({ ...verify, proof: `${verify.proof}00` })).toEqual({ status: 'invalid-nonce' });
    expect(await h.guard.status('cust-g', 'pin')).toMatchObject({ failures: 1 });
  });

  it('an expired nonce is refused even with the right proof', async () => {
    const wrapped = await enrolPin(h.guard, 'cust-h', RIGHT);
    const e = await evaluatePin(h.guard, wrapped, RIGHT);
    const { verify } = await e.finish();
    h.now.ms += 2 * 60 * 1000;
    expect(await h.guard.verify(verify)).toEqual({ status: 'invalid-nonce' });
    expect(await h.guard.status('cust-h', 'pin')).toMatchObject({ failures: 1 });
  });

  it('a nonce issued to one customer or purpose cannot be used by another', async () => {
    const w1 = await enrolPin(h.guard, 'cust-i1', RIGHT);
    await enrolPin(h.guard, 'cust-i2', RIGHT);
    const { verify } = await (await evaluatePin(h.guard, w1, RIGHT)).finish();
    expect(await h.guard.verify({ ...verify, customerId: 'cust-i2' })).toEqual({ status: 'invalid-nonce' });
    expect(await h.guard.verify({ ...verify, purpose: 'questions' })).toEqual({ status: 'invalid-nonce' });
    expect(await h.guard.verify(verify)).toEqual({ status: 'ok' });
  });

  it('abandoned evaluations count: five evaluations without proofs, the sixth locks', async () => {
    const wrapped = await enrolPin(h.guard, 'cust-j', RIGHT);
    for (let i = 0; i < 5; i++) expect((await evaluatePin(h.guard, wrapped, WRONG)).result.status).toBe('ok');
    expect((await evaluatePin(h.guard, wrapped, RIGHT)).result).toEqual({ status: 'locked', lockedOut: true });
    expect(eventsFor('cust-j')).toHaveLength(1);
  });

  it('concurrent evaluations never exceed the limit', async () => {
    const wrapped = await enrolPin(h.guard, 'cust-k', RIGHT);
    const results = await Promise.all(Array.from({ length: 9 }, () => evaluatePin(h.guard, wrapped, WRONG)));
    expect(results.filter((r) => r.result.status === 'ok')).toHaveLength(5);
    expect(await h.guard.status('cust-k', 'pin')).toMatchObject({ failures: 5 });
  });

  it('hostile evaluate inputs are refused with clear errors and leave the counter untouched', async () => {
    const wrapped = await enrolPin(h.guard, 'cust-l', RIGHT);
    const { request } = await evaluatePin(h.guard, wrapped, WRONG); // counted: failures = 1
    const offCurve = firstOffCurveX();
    const bad = [
      { ...request, blinded: `00${'00'.repeat(32)}` },
      { ...request, blinded: `04${request.blinded.slice(2)}` },
      { ...request, blinded: offCurve },
      { ...request, blinded: toHex(p256.Point.BASE.toBytes(false)) },
      { ...request, blinded: request.blinded.slice(0, 64) },
      { ...request, purpose: 'export' },
      { ...request, customerId: "x'; DROP TABLE pin_guard_secrets; --" },
      { ...request, epoch: -1 },
      { ...request, extra: 1 },
    ];
    for (const b of bad) {
      await expect(h.guard.evaluate(b as typeof request)).rejects.toBeInstanceOf(InvalidMessageError);
    }
    expect(await h.guard.status('cust-l', 'pin')).toMatchObject({ failures: 1, locked: false });
  });

  it('hostile verify and enrolment inputs are refused; nothing gets enrolled or unlocked', async () => {
    const wrapped = await enrolPin(h.guard, 'cust-m', RIGHT);
    const { verify } = await (await evaluatePin(h.guard, wrapped, WRONG)).finish();
    await expect(h.guard.verify({ ...verify, nonce: 'zz' })).rejects.toBeInstanceOf(InvalidMessageError);
    await expect(h.guard.verify({ ...verify, more: 1 } as typeof verify)).rejects.toBeInstanceOf(InvalidMessageError);
    // An enrolment proof for an enrolled customer without an opening is refused.
    const closed = await h.guard.beginEnrolment({ customerId: 'cust-m', purpose: 'pin', blinded: G7 });
    expect(closed).toEqual({ status: 'enrolment-closed' });
    await expect(h.guard.completeEnrolment({ ...verify, verifier: '00'.repeat(32) })).rejects.toBeInstanceOf(
      InvalidMessageError,
    );
    expect(
      await h.guard.completeEnrolment({
        ...verify,
        verifier: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
      }),
    ).toEqual({
      status: 'invalid-nonce',
    });
    expect(await h.guard.status('cust-m', 'pin')).toMatchObject({ failures: 1, epoch: 1 });
  });

  it('an unknown customer is not enrolled; enrolment evaluations are capped per opening', async () => {
    const wrapped = await enrolPin(h.guard, 'cust-n', RIGHT);
    expect((await attemptPin(h.guard, { ...wrapped, customerId: 'cust-unknown' }, RIGHT)).evaluate).toEqual({
      status: 'not-enrolled',
    });
    await h.guard.allowEnrolment('cust-n', 'pin');
    const blinded = G7;
    const results = [];
    for (let i = 0; i < 11; i++)
      results.push((await h.guard.beginEnrolment({ customerId: 'cust-n', purpose: 'pin', blinded })).status);
    expect(results.filter((s) => s === 'ok')).toHaveLength(10);
    expect(results[10]).toBe('enrolment-closed');
    // Enrolment attempts never touch the current enrolment's counter or epoch.
    expect(await h.guard.status('cust-n', 'pin')).toMatchObject({ failures: 0, epoch: 1 });
  });
});
