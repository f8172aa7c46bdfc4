import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation } from '../../../../relay/organisations/api-keys.js';
import { type ApiTestRelay, createCustomer, setCustomerState, startApiRelay } from './relay.js';

let relay: ApiTestRelay;
let customer: string;
beforeAll(async () => {
  relay = await startApiRelay();
  customer = await createCustomer(relay);
  await setCustomerState(relay, customer, { hasPin: true });
});
afterAll(async () => {
  await relay?.stop();
});

const RETURN = 'https://shop.example/done';
const updatePin = (body: Record<string, unknown>, headers?: Record<string, string>) =>
  relay.call('POST', `/v2/customers/${customer}/update-pin`, { redirectUrl: RETURN, ...body }, headers);

async function challengeCount(): Promise<number> {
  const r = await relay.call('GET', `/v2/customers/${customer}/challenges`);
  return r.json.data.pagination.total;
}

describe('idempotency', () => {
  it('replays the first response for the same key and body (body key)', async () => {
    const key = crypto.randomUUID();
    const first = await updatePin({ idempotencyKey: key });
    const before = await challengeCount();
    const second = await updatePin({ idempotencyKey: key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.json).toEqual(first.json);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await challengeCount()).toBe(before);
  });

  it('accepts the key in the Idempotency-Key header, matching the body key', async () => {
    const key = crypto.randomUUID();
    const first = await updatePin({}, { 'Idempotency-Key': key });
    const second = await updatePin({ idempotencyKey: key });
    expect(second.json.data.challengeId).toBe(first.json.data.challengeId);
  });

  it('treats a reordered body as the same request', async () => {
    const key = crypto.randomUUID();
    const first = await relay.call(
      'POST',
      `/v2/customers/${customer}/update-pin`,
      `{"redirectUrl":"${RETURN}","idempotencyKey":"${key}"}`,
    );
    const second = await relay.call(
      'POST',
      `/v2/customers/${customer}/update-pin`,
      `{ "idempotencyKey": "${key}",  "redirectUrl": "${RETURN}" }`,
    );
    expect(second.json.data.challengeId).toBe(first.json.data.challengeId);
  });

  it('refuses the same key with a different body with 409', async () => {
    const key = crypto.randomUUID();
    await updatePin({ idempotencyKey: key });
    const before = await challengeCount();
    const r = await updatePin({ idempotencyKey: key, redirectUrl: 'https://shop.example/other' });
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('idempotency_key_reused');
    expect(await challengeCount()).toBe(before);
  });

  it('refuses the same key on another endpoint with 409', async () => {
    const key = crypto.randomUUID();
    await updatePin({ idempotencyKey: key });
    const r = await relay.call('POST', `/v2/customers/${customer}/recovery`, {
      redirectUrl: RETURN,
      idempotencyKey: key,
    });
    expect(r.status).toBe(409);
  });

  it('refuses a header key that differs from the body key', async () => {
    const r = await updatePin({ idempotencyKey: 'a' }, { 'Idempotency-Key': 'b' });
    expect(r.status).toBe(400);
    expect(r.json.message).toMatch(/differ/);
  });

  it('refuses a malformed key', async () => {
    const r = await updatePin({ idempotencyKey: 'has spaces' });
    expect(r.status).toBe(400);
    expect(r.json.message).toMatch(/idempotency key/);
  });

  it('scopes keys per organisation', async () => {
    const other = await createOrganisation(relay.db, { name: 'Other' });
    const otherCustomer = await createCustomer(relay, other.apiKey);
    await setCustomerState(relay, otherCustomer, { hasPin: true });
    const key = crypto.randomUUID();
    const mine = await updatePin({ idempotencyKey: key });
    const theirs = await relay.call(
      'POST',
      `/v2/customers/${otherCustomer}/update-pin`,
      { redirectUrl: RETURN, idempotencyKey: key },
      { 'X-API-Key': other.apiKey },
    );
    expect(theirs.status).toBe(201);
    expect(theirs.json.data.challengeId).not.toBe(mine.json.data.challengeId);
  });

  it('does not keep refusals: a corrected retry with the same key runs', async () => {
    const fresh = await createCustomer(relay);
    const key = crypto.randomUUID();
    const refused = await relay.call('POST', `/v2/customers/${fresh}/update-pin`, {
      redirectUrl: RETURN,
      idempotencyKey: key,
    });
    expect(refused.status).toBe(409); // no PIN yet
    await setCustomerState(relay, fresh, { hasPin: true });
    const retried = await relay.call('POST', `/v2/customers/${fresh}/update-pin`, {
      redirectUrl: RETURN,
      idempotencyKey: key,
    });
    expect(retried.status).toBe(201);
  });

  it('makes concurrent duplicates create one challenge and all get its response', async () => {
    const key = crypto.randomUUID();
    const before = await challengeCount();
    const results = await Promise.all(Array.from({ length: 8 }, () => updatePin({ idempotencyKey: key })));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(results.map((r) => r.json.data.challengeId)).size).toBe(1);
    expect(await challengeCount()).toBe(before + 1);
  });

  it('makes customer creation idempotent too', async () => {
    const key = crypto.randomUUID();
    const body = { name: 'Grace', refId: `g-${key}`, idempotencyKey: key };
    const a = await relay.call('POST', '/v2/customers', body);
    const b = await relay.call('POST', '/v2/customers', body);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.json.data.id).toBe(a.json.data.id);
  });
});

describe('rate limits', () => {
  let limited: ApiTestRelay;
  beforeAll(async () => {
    limited = await startApiRelay({
      api: { rateLimits: { writePerSecond: 1, writeBurst: 5, readPerSecond: 1, readBurst: 3 } },
    });
  });
  afterAll(async () => {
    await limited?.stop();
  });

  it('answers 429 in the envelope after the write burst, with Retry-After', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<ApiTestRelay['call']>> | undefined;
    for (let i = 0; i < 8; i++) {
      last = await limited.call('POST', '/v2/customers', { name: 'R', refId: `r-${i}-${crypto.randomUUID()}` });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 5)).toEqual([201, 201, 201, 201, 201]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    expect(last?.json).toMatchObject({ success: false, status: 429, error: { code: 'rate_limited' } });
    expect(last?.json.message).toMatch(/write requests per second/);
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('keeps reads in their own bucket, and limits them too', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await limited.call('GET', '/v2/customers')).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it('limits each organisation separately', async () => {
    const other = await createOrganisation(limited.db, { name: 'Other' });
    const r = await limited.call('GET', '/v2/customers', undefined, { 'X-API-Key': other.apiKey });
    expect(r.status).toBe(200);
  });
});

describe('failed authentication', () => {
  it('is audited once per address and window, without the key, and throttled past the limit', async () => {
    const strict = await startApiRelay({ api: { maxAuthFailuresPerMinute: 3 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push((await strict.call('GET', '/v2/customers', undefined, { 'X-API-Key': `tdm_wrong_${i}` })).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const rows = await strict.db.query<{ details: Record<string, unknown>; ip: string }>(
        "SELECT details, ip FROM audit_log WHERE action = 'auth.failed'",
      );
      expect(rows.rows).toHaveLength(1);
      expect(rows.rows[0]?.ip).toMatch(/127\.0\.0\.1/);
      expect(JSON.stringify(rows.rows)).not.toMatch(/tdm_wrong/);
    } finally {
      await strict.stop();
    }
  });
});
