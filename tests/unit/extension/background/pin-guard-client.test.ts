import { describe, expect, it } from 'vitest';
import { createPinGuardClient, PinGuardError } from '../../../../extension/background/pin-guard-client.js';
import { createSeededRng } from '../../../../protocol/rng.js';

const CHALLENGE = '11111111-1111-4111-8111-111111111111';

/** A relay that answers every request with `status` and `body` (the Gateway API's error envelope). */
function answering(status: number, body: unknown): typeof fetch {
  return async () =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
}

async function codeFor(fetchImpl: typeof fetch): Promise<PinGuardError> {
  const client = createPinGuardClient({
    relayOrigin: 'http://127.0.0.1:1',
    fetch: fetchImpl,
    rng: createSeededRng('pin-guard-client-test'),
  });
  try {
    await client.fetchCopy(CHALLENGE, 'pin');
  } catch (error) {
    if (error instanceof PinGuardError) return error;
    throw error;
  }
  throw new Error('expected a PinGuardError');
}

const envelope = (status: number, code: string, message: string) => ({
  success: false,
  status,
  message,
  error: { code },
});

describe('PIN guard client error mapping', () => {
  it('423 is locked', async () => {
    expect((await codeFor(answering(423, envelope(423, 'locked', 'too many wrong PINs')))).code).toBe('locked');
  });
  it('wrong_pin carries the attempts left', async () => {
    const error = await codeFor(
      answering(400, envelope(400, 'wrong_pin', 'wrong PIN: 3 attempts left before the wallet locks')),
    );
    expect(error).toMatchObject({ code: 'wrong-pin', attemptsLeft: 3 });
  });
  it('stale_epoch asks to restore the copy', async () => {
    expect((await codeFor(answering(409, envelope(409, 'stale_epoch', 'outdated')))).code).toBe('stale-copy');
  });
  it('invalid_nonce asks to try again', async () => {
    expect((await codeFor(answering(409, envelope(409, 'invalid_nonce', 'expired')))).code).toBe('retry');
  });
  it('not_enrolled is named', async () => {
    expect((await codeFor(answering(409, envelope(409, 'not_enrolled', 'no PIN')))).code).toBe('not-enrolled');
  });
  it('an answer that is not JSON is refused', async () => {
    expect((await codeFor(answering(502, '<html>bad gateway</html>'))).code).toBe('refused');
  });
  it('a network failure is unreachable', async () => {
    const down: typeof fetch = async () => {
      throw new TypeError('fetch failed');
    };
    expect((await codeFor(down)).code).toBe('unreachable');
  });
  it('a 200 whose copy is malformed is refused by the wrapped-secret parser', async () => {
    await expect(codeFor(answering(200, { success: true, data: { wrapped: { format: 'x' } } }))).rejects.toThrow();
  });
});
