import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation } from '../../../relay/organisations/api-keys.js';
import { startTestRelay, type TestRelay } from '../../helpers/relay.js';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay();
});
afterAll(async () => {
  await relay.stop();
});

async function customerCount(): Promise<number> {
  const r = await relay.call('GET', '/v2/customers');
  return r.json.data.pagination.total;
}

describe('relay over HTTP', () => {
  it('answers /health with version and database kind', async () => {
    const res = await fetch(`${relay.url}/health`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      status: 'ok',
      version: expect.any(String),
      database: expect.stringMatching(/pglite|postgres/),
    });
  });

  it('serves the demo page', async () => {
    const res = await fetch(`${relay.url}/demo`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Create a customer');
  });

  it('serves an OpenAPI document that lists the customer routes', async () => {
    const res = await fetch(`${relay.url}/v2/openapi.json`);
    const doc = await res.json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/customers', '/customers/{id}']));
  });

  it('creates, reads and lists customers in the Planbok envelope', async () => {
    const created = await relay.call('POST', '/v2/customers', { name: 'Ada Lovelace', refId: 'user-1' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      success: true,
      status: 201,
      message: 'Customer created successfully',
      data: { name: 'Ada Lovelace', refId: 'user-1', hasPin: false, hasRecovery: false, locked: false },
    });
    const id = created.json.data.id;
    const got = await relay.call('GET', `/v2/customers/${id}`);
    expect(got.status).toBe(200);
    expect(got.json.data).toEqual(created.json.data);
    const listed = await relay.call('GET', '/v2/customers?limit=5&order=asc');
    expect(listed.json.data.customers.map((c: { id: string }) => c.id)).toContain(id);
    expect(listed.json.data.pagination).toMatchObject({ page: 1, limit: 5, order: 'asc' });
  });

  it('accepts the PLANBOK-X-API-KEY header too', async () => {
    const r = await relay.call('GET', '/v2/customers', undefined, {
      'X-API-Key': '',
      'PLANBOK-X-API-KEY': relay.apiKey,
    });
    expect(r.status).toBe(200);
  });
});

describe('relay refuses bad input and writes nothing', () => {
  const cases: Array<[string, () => Promise<{ status: number; json: any }>, number, RegExp]> = [
    ['missing name', () => relay.call('POST', '/v2/customers', { refId: 'x-1' }), 400, /name/],
    ['missing refId', () => relay.call('POST', '/v2/customers', { name: 'A' }), 400, /refId/],
    ['name of the wrong type', () => relay.call('POST', '/v2/customers', { name: 42, refId: 'x-2' }), 400, /name/],
    [
      'empty name',
      () => relay.call('POST', '/v2/customers', { name: '   ', refId: 'x-3' }),
      400,
      /name: must not be empty/,
    ],
    [
      'name too long',
      () => relay.call('POST', '/v2/customers', { name: 'a'.repeat(201), refId: 'x-4' }),
      400,
      /at most 200/,
    ],
    [
      'control characters',
      () => relay.call('POST', '/v2/customers', { name: 'a\u0000b', refId: 'x-5' }),
      400,
      /control/,
    ],
    [
      'unknown field',
      () => relay.call('POST', '/v2/customers', { name: 'A', refId: 'x-6', admin: true }),
      400,
      /admin/,
    ],
    ['body not an object', () => relay.call('POST', '/v2/customers', [1, 2]), 400, /invalid json/],
    ['malformed JSON', () => relay.call('POST', '/v2/customers', '{"name":'), 400, /JSON/i],
    [
      'oversized body',
      () => relay.call('POST', '/v2/customers', { name: 'A', refId: 'x-7', pad: 'x'.repeat(70_000) }),
      413,
      /exceeds/,
    ],
    [
      'not JSON content type',
      () => relay.call('POST', '/v2/customers', 'name=A', { 'Content-Type': 'application/x-www-form-urlencoded' }),
      415,
      /application\/json/,
    ],
    [
      'missing API key',
      () => relay.call('POST', '/v2/customers', { name: 'A', refId: 'x-8' }, { 'X-API-Key': '' }),
      401,
      /missing API key/,
    ],
    [
      'unknown API key',
      () => relay.call('POST', '/v2/customers', { name: 'A', refId: 'x-9' }, { 'X-API-Key': 'tdm_nope' }),
      401,
      /unknown or revoked/,
    ],
  ];

  for (const [name, send, status, message] of cases) {
    it(`refuses ${name} with ${status}`, async () => {
      const before = await customerCount();
      const r = await send();
      expect(r.status).toBe(status);
      expect(r.json.success).toBe(false);
      expect(r.json.message).toMatch(message);
      expect(await customerCount()).toBe(before);
    });
  }

  it('refuses a duplicate refId with 409', async () => {
    await relay.call('POST', '/v2/customers', { name: 'B', refId: 'dup-1' });
    const before = await customerCount();
    const r = await relay.call('POST', '/v2/customers', { name: 'C', refId: 'dup-1' });
    expect(r.status).toBe(409);
    expect(await customerCount()).toBe(before);
  });

  it('refuses a malformed customer id with 400 and an unknown one with 404', async () => {
    expect((await relay.call('GET', '/v2/customers/not-a-uuid')).status).toBe(400);
    expect((await relay.call('GET', `/v2/customers/${crypto.randomUUID()}`)).status).toBe(404);
  });

  it('refuses bad pagination', async () => {
    const r = await relay.call('GET', '/v2/customers?limit=1000');
    expect(r.status).toBe(400);
    expect(r.json.message).toMatch(/limit/);
  });

  it("hides another organisation's customers", async () => {
    const other = await createOrganisation(relay.db, { name: 'Other' });
    const created = await relay.call('POST', '/v2/customers', { name: 'Mine', refId: 'mine-1' });
    const r = await relay.call('GET', `/v2/customers/${created.json.data.id}`, undefined, {
      'X-API-Key': other.apiKey,
    });
    expect(r.status).toBe(404);
    const list = await relay.call('GET', '/v2/customers', undefined, { 'X-API-Key': other.apiKey });
    expect(list.json.data.pagination.total).toBe(0);
  });
});
