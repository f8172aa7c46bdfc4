/**
 * Node 1's PIN guard client against the real relay's Gateway API (production Argon2id parameters):
 * enrol a PIN in an initialize challenge, store and fetch the wrapped copy, unlock with the right PIN,
 * and say how many tries are left after a wrong PIN.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPinGuardClient, PinGuardError } from '../../../extension/background/pin-guard-client.js';
import { equalBytes } from '../../../protocol/bytes.js';
import { unwrapBundleJson, wrapBundle } from '../../../protocol/pin/wrap.js';
import { secureRng } from '../../../protocol/rng.js';
import { startTestRelay, type TestRelay } from '../../helpers/relay.js';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay();
});
afterAll(async () => {
  await relay?.stop();
});

const client = () => createPinGuardClient({ relayOrigin: new URL(relay.url).origin, fetch, rng: secureRng });

async function initialize(refId: string) {
  const customer = await relay.call('POST', '/v2/customers', { name: 'Ada', refId });
  const customerId = customer.json.data.id as string;
  const created = await relay.call('POST', `/v2/customers/${customerId}/initialize`, {
    redirectUrl: `${relay.url}/demo`,
  });
  return { customerId, challengeId: created.json.data.challengeId as string };
}

async function failure(promise: Promise<unknown>): Promise<PinGuardError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PinGuardError) return error;
    throw error;
  }
  throw new Error('expected a PinGuardError');
}

describe('PIN guard client with the real relay', () => {
  it('enrols a PIN, stores the wrapped copy, fetches it and unlocks it with the same PIN', async () => {
    const { customerId, challengeId } = await initialize('pin-1');
    const enrolled = await client().enrolPin(challengeId, customerId, '402917');
    const wrapped = await wrapBundle(
      { shares: [] },
      enrolled.rootKey,
      { method: 'pin', customerId, kdf: enrolled.kdf },
      secureRng,
    );
    await client().storeCopy(challengeId, wrapped);
    const fetched = await client().fetchCopy(challengeId, 'pin');
    expect(fetched).toEqual(wrapped);
    const unlocked = await client().unlockPin(challengeId, customerId, '402917', fetched);
    expect(equalBytes(unlocked.rootKey, enrolled.rootKey)).toBe(true);
    expect(await unwrapBundleJson(fetched, unlocked.rootKey)).toEqual({ shares: [] });
    expect((await relay.call('GET', `/v2/customers/${customerId}`)).json.data.hasPin).toBe(true);
  });

  it('refuses a weak PIN before contacting the guard', async () => {
    const { customerId, challengeId } = await initialize('pin-2');
    await expect(client().enrolPin(challengeId, customerId, '123456')).rejects.toThrow(/PIN refused \(sequence\)/);
  });

  it('says how many tries are left after a wrong PIN', async () => {
    const { customerId, challengeId } = await initialize('pin-3');
    const enrolled = await client().enrolPin(challengeId, customerId, '402917');
    const wrapped = await wrapBundle(
      { shares: [] },
      enrolled.rootKey,
      { method: 'pin', customerId, kdf: enrolled.kdf },
      secureRng,
    );
    const wrong = await failure(client().unlockPin(challengeId, customerId, '771346', wrapped));
    expect(wrong).toMatchObject({ code: 'wrong-pin', attemptsLeft: 4 });
    // The right PIN still works and resets the count (the lock after 5 is the relay's own test).
    await client().unlockPin(challengeId, customerId, '402917', wrapped);
  });

  it('reports an unknown challenge as refused', async () => {
    const error = await failure(client().fetchCopy('0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b', 'pin'));
    expect(error.code).toBe('refused');
  });
});
