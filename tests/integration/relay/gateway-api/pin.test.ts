/**
 * The PIN guard as the Gateway reaches it through the relay's HTTP API: enrol a PIN in an initialize
 * challenge, unlock with it, lock after 5 wrong PINs (customer.locked, webhook queued), the lock surviving
 * a relay restart, and email recovery reopening enrolment in a reset-pin challenge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinSecret, receiveGuardEvaluation, startGuardedEnrolment } from '../../../../protocol/pin/guarded.js';
import { type WrappedSecret, wrapBundle } from '../../../../protocol/pin/wrap.js';
import { secureRng } from '../../../../protocol/rng.js';
import { createGatewayClient } from '../../../helpers/gateway-client.js';
import { startTestRelay, type TestRelay } from '../../../helpers/relay.js';
import { TEST_BOUNDS, TEST_COST } from '../../pin-guard/harness.js';

let relay: TestRelay;
let gateway: ReturnType<typeof createGatewayClient>;
beforeAll(async () => {
  relay = await startTestRelay();
  gateway = createGatewayClient(relay.url);
});
afterAll(async () => {
  await relay?.stop();
});

async function newCustomer() {
  const r = await relay.call('POST', '/v2/customers', { name: 'Ada', refId: crypto.randomUUID() });
  expect(r.status).toBe(201);
  return r.json.data.id as string;
}

async function challenge(customerId: string, path: string, body: Record<string, unknown> = {}) {
  const r = await relay.call('POST', `/v2/customers/${customerId}/${path}`, {
    redirectUrl: 'http://127.0.0.1:9/back',
    ...body,
  });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json.data.challengeId as string;
}

const gw = (challengeId: string, rest: string) => `/v2/gateway/challenges/${challengeId}${rest}`;
const noKey = { 'X-API-Key': '' };

const guardKey = (challengeId: string) => gateway.guardKey(challengeId);
const enrolPin = (challengeId: string, customerId: string, pin: string) =>
  gateway.enrolPin(challengeId, customerId, pin);

/** One unlock attempt; the relay's answer to the refused step, or 200 when the PIN was right. */
async function tryPin(challengeId: string, customerId: string, pin: string, wrapped: WrappedSecret) {
  const r = await gateway.unlockPin(challengeId, customerId, pin, wrapped);
  return 'refused' in r ? r.refused : { status: 200, json: {} as any };
}

async function onboard(pin: string) {
  const customerId = await newCustomer();
  const init = await challenge(customerId, 'initialize');
  const key = await enrolPin(init, customerId, pin);
  const wrapped = await wrapBundle(
    { shares: [] },
    key.rootKey,
    { method: 'pin', customerId, kdf: key.kdf },
    secureRng,
    {
      argon2Bounds: TEST_BOUNDS,
    },
  );
  const stored = await relay.call('PUT', gw(init, '/copies/pin'), { wrapped }, noKey);
  expect(stored.status, JSON.stringify(stored.json)).toBe(200);
  return { customerId, init, wrapped };
}

describe('Gateway PIN guard through the relay', () => {
  it('enrols a PIN, stores the wrapped copy, marks hasPin and unlocks with the right PIN', async () => {
    const { customerId, init, wrapped } = await onboard('482915');
    const customer = await relay.call('GET', `/v2/customers/${customerId}`);
    expect(customer.json.data.hasPin).toBe(true);
    const read = await relay.call('GET', gw(init, ''), undefined, noKey);
    expect(read.json.data).toMatchObject({ kind: 'initialize', returnUrl: 'http://127.0.0.1:9/back', hasPin: true });
    expect(read.json.data.storedCopies).toEqual(['pin']);
    const ok = await tryPin(init, customerId, '482915', wrapped);
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
  });

  it('locks the customer after 5 wrong PINs, refuses the right PIN, and the lock survives a restart', async () => {
    const hook = await relay.call('POST', '/v2/webhooks', {
      url: 'http://127.0.0.1:9/hooks',
      events: ['customer.locked_out'],
    });
    expect(hook.status, JSON.stringify(hook.json)).toBe(201);
    const { customerId, init, wrapped } = await onboard('482915');
    for (let i = 1; i <= 5; i++) {
      const r = await tryPin(init, customerId, '771346', wrapped);
      // The fifth wrong PIN is the one that locks the wallet.
      expect(r.status).toBe(i < 5 ? 400 : 423);
      if (i < 5) expect(r.json.message).toMatch(`${5 - i} attempt`);
    }
    const refused = await tryPin(init, customerId, '482915', wrapped);
    expect(refused.status).toBe(423);
    expect(refused.json.message).toMatch(/locked.*recovery/i);
    expect((await relay.call('GET', `/v2/customers/${customerId}`)).json.data.locked).toBe(true);
    const queued = await relay.db.query<{ body: string }>(
      "SELECT body FROM webhook_outbox WHERE event = 'customer.locked_out'",
    );
    expect(queued.rows.filter((r) => JSON.parse(r.body).data.customerId === customerId)).toHaveLength(1);
    const audited = await relay.db.query<{ action: string }>('SELECT action FROM audit_log WHERE customer_id = $1', [
      customerId,
    ]);
    expect(audited.rows.map((r) => r.action)).toContain('pin.locked_out');

    const dataDir = relay.dataDir;
    const databaseUrl = relay.databaseUrl;
    const apiKey = relay.apiKey;
    await relay.stop({ keepData: true });
    relay = await startTestRelay({ dataDir, databaseUrl, apiKey });
    gateway = createGatewayClient(relay.url);
    const afterRestart = await tryPin(init, customerId, '482915', wrapped);
    expect(afterRestart.status).toBe(423);
  });

  it('refuses a PIN enrolment outside initialize / update-pin / reset-pin', async () => {
    const { customerId } = await onboard('482915');
    const recovery = await challenge(customerId, 'recovery');
    const r = await relay.call(
      'POST',
      gw(recovery, '/pin-guard/pin/enrol'),
      { blinded: `02${'11'.repeat(32)}` },
      noKey,
    );
    expect(r.status).toBe(409);
  });

  it('refuses a second enrolment of the PIN without proof (update-pin before verifying the current PIN)', async () => {
    const { customerId } = await onboard('482915');
    const update = await challenge(customerId, 'update-pin');
    const guard = await guardKey(update);
    const start = startGuardedEnrolment({
      customerId,
      purpose: 'pin',
      secret: pinSecret('593826', { enrolling: true }),
      guard,
      rng: secureRng,
    });
    const r = await relay.call(
      'POST',
      gw(update, '/pin-guard/pin/enrol'),
      { blinded: start.outgoing[0]!.blinded },
      noKey,
    );
    expect(r.status).toBe(409);
    expect(r.json.message).toMatch(/current one or a recovery method/);
  });

  it('refuses malformed guard requests with 400 naming the field', async () => {
    const { init } = await onboard('482915');
    const r = await relay.call('POST', gw(init, '/pin-guard/pin/evaluate'), { epoch: 1, blinded: 'zz' }, noKey);
    expect(r.status).toBe(400);
    expect(r.json.message).toMatch(/blinded/);
    const r2 = await relay.call(
      'POST',
      gw(init, '/pin-guard/pin/verify'),
      { nonce: '00'.repeat(32), proof: '00' },
      noKey,
    );
    expect(r2.status).toBe(400);
    expect(r2.json.message).toMatch(/proof/);
  });

  it('refuses a wrapped copy whose Argon2 parameters are below the production floor', async () => {
    const customerId = await newCustomer();
    const init = await challenge(customerId, 'initialize');
    const guard = await guardKey(init);
    const start = startGuardedEnrolment({
      customerId,
      purpose: 'pin',
      secret: pinSecret('482915', { enrolling: true }),
      guard,
      rng: secureRng,
      argon2Cost: TEST_COST,
      argon2Bounds: TEST_BOUNDS,
    });
    const evaluated = await relay.call(
      'POST',
      gw(init, '/pin-guard/pin/enrol'),
      { blinded: start.outgoing[0]!.blinded },
      noKey,
    );
    const done = await receiveGuardEvaluation(start.state, evaluated.json.data.evaluation, {
      argon2Bounds: TEST_BOUNDS,
    });
    const weak = await wrapBundle(
      {},
      done.output!.rootKey,
      { method: 'pin', customerId, kdf: done.output!.kdf },
      secureRng,
      {
        argon2Bounds: TEST_BOUNDS,
      },
    );
    const r = await relay.call('PUT', gw(init, '/copies/pin'), { wrapped: weak }, noKey);
    expect(r.status).toBe(400);
    expect(r.json.message).toMatch(/downgrade/);
  });

  it('refuses an unknown challenge with 404 and an expired one with 410', async () => {
    const unknown = await relay.call('GET', gw(crypto.randomUUID(), '/pin-guard'), undefined, noKey);
    expect(unknown.status).toBe(404);
    const { customerId } = await onboard('482915');
    const init2 = await challenge(customerId, 'update-pin');
    await relay.db.query("UPDATE challenges SET expires_at = now() - interval '1 second' WHERE id = $1", [init2]);
    const expired = await relay.call('GET', gw(init2, '/pin-guard'), undefined, noKey);
    expect(expired.status).toBe(410);
  });

  it('allows CORS only for extension origins', async () => {
    const { init } = await onboard('482915');
    const fromExtension = await fetch(relay.url + gw(init, '/pin-guard'), {
      headers: { Origin: 'chrome-extension://ekbkjpbnbeckoidcedncpjdbchagnhef' },
    });
    expect(fromExtension.headers.get('access-control-allow-origin')).toBe(
      'chrome-extension://ekbkjpbnbeckoidcedncpjdbchagnhef',
    );
    const fromWeb = await fetch(relay.url + gw(init, '/pin-guard'), { headers: { Origin: 'https://evil.example' } });
    expect(fromWeb.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('email recovery in a reset-pin challenge opens re-enrolment of a locked PIN, which clears the lock', async () => {
    const { customerId, init, wrapped } = await onboard('482915');
    // Set up email recovery inside the initialize challenge (through the relay's dev mailbox).
    const email = `ada-${crypto.randomUUID().slice(0, 8)}@example.com`;
    await gateway.setUpEmail(init, customerId, email, relay.mailbox!, { shares: [] });
    expect((await relay.call('GET', `/v2/customers/${customerId}`)).json.data.hasRecovery).toBe(true);

    for (let i = 0; i < 5; i++) await tryPin(init, customerId, '771346', wrapped);
    const reset = await challenge(customerId, 'reset-pin');
    const released = await gateway.recoverByEmail(reset, customerId, email, relay.mailbox!);
    expect(await gateway.unwrap(released.wrapped, released.key)).toEqual({ shares: [] });
    await enrolPin(reset, customerId, '593826');
    expect((await relay.call('GET', `/v2/customers/${customerId}`)).json.data.locked).toBe(false);
  });
});
