import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation } from '../../../../relay/organisations/api-keys.js';
import { type ApiTestRelay, createCustomer, giveWallet, setCustomerState, startApiRelay } from './relay.js';

let relay: ApiTestRelay;
let otherKey: string;
beforeAll(async () => {
  relay = await startApiRelay();
  otherKey = (await createOrganisation(relay.db, { name: 'Other business' })).apiKey;
});
afterAll(async () => {
  await relay?.stop();
});

describe('API keys', () => {
  it('creates a key shown once, lists prefixes only, and the new key works', async () => {
    const created = await relay.call('POST', '/v2/api-keys', { name: 'backend' });
    expect(created.status).toBe(201);
    const key: string = created.json.data.apiKey;
    expect(key).toMatch(/^tdm_/);
    expect(created.json.data.prefix).toBe(key.slice(0, 8));
    const list = await relay.call('GET', '/v2/api-keys');
    expect(list.json.data.apiKeys.map((k: { id: string }) => k.id)).toContain(created.json.data.id);
    expect(JSON.stringify(list.json)).not.toContain(key);
    expect((await relay.call('GET', '/v2/customers', undefined, { 'X-API-Key': key })).status).toBe(200);
  });

  it('revokes a key, which then stops working', async () => {
    const created = await relay.call('POST', '/v2/api-keys', { name: 'temp' });
    const r = await relay.call('DELETE', `/v2/api-keys/${created.json.data.id}`);
    expect(r.status).toBe(200);
    expect(r.json.data.revokedAt).not.toBeNull();
    const after = await relay.call('GET', '/v2/customers', undefined, { 'X-API-Key': created.json.data.apiKey });
    expect(after.status).toBe(401);
  });

  it('refuses to revoke the last active key', async () => {
    const solo = await createOrganisation(relay.db, { name: 'Solo' });
    const keys = await relay.call('GET', '/v2/api-keys', undefined, { 'X-API-Key': solo.apiKey });
    const r = await relay.call('DELETE', `/v2/api-keys/${keys.json.data.apiKeys[0].id}`, undefined, {
      'X-API-Key': solo.apiKey,
    });
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('last_api_key');
  });

  it("refuses to revoke another organisation's key, or an unknown one, with 404", async () => {
    const created = await relay.call('POST', '/v2/api-keys', { name: 'mine' });
    expect(
      (await relay.call('DELETE', `/v2/api-keys/${created.json.data.id}`, undefined, { 'X-API-Key': otherKey })).status,
    ).toBe(404);
    expect((await relay.call('DELETE', `/v2/api-keys/${crypto.randomUUID()}`)).status).toBe(404);
  });

  it('refuses a key without a name', async () => {
    const r = await relay.call('POST', '/v2/api-keys', {});
    expect(r.status).toBe(400);
    expect(r.json.message).toMatch(/name/);
  });
});

describe('webhook endpoints', () => {
  it('registers an endpoint with its secret shown once, reads, lists, updates and deletes it', async () => {
    const created = await relay.call('POST', '/v2/webhooks', {
      url: 'https://shop.example/hooks',
      events: ['challenge.completed', 'customer.created'],
      description: 'main',
    });
    expect(created.status).toBe(201);
    const { id, secret } = created.json.data;
    expect(secret).toMatch(/^whsec_/);
    const read = await relay.call('GET', `/v2/webhooks/${id}`);
    expect(read.json.data).toMatchObject({
      url: 'https://shop.example/hooks',
      enabled: true,
      events: ['challenge.completed', 'customer.created'],
    });
    expect(read.json.data.secret).toBeUndefined();
    const list = await relay.call('GET', '/v2/webhooks');
    expect(JSON.stringify(list.json)).not.toContain(secret);
    const patched = await relay.call('PATCH', `/v2/webhooks/${id}`, { enabled: false, events: ['*'] });
    expect(patched.json.data).toMatchObject({ enabled: false, events: ['*'] });
    expect(patched.json.data.secret).toBeUndefined();
    const rotated = await relay.call('PATCH', `/v2/webhooks/${id}`, { rotateSecret: true });
    expect(rotated.json.data.secret).toMatch(/^whsec_/);
    expect(rotated.json.data.secret).not.toBe(secret);
    expect((await relay.call('DELETE', `/v2/webhooks/${id}`)).status).toBe(200);
    expect((await relay.call('GET', `/v2/webhooks/${id}`)).status).toBe(404);
  });

  const refusals: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an http URL off loopback', { url: 'http://shop.example/h', events: ['*'] }, /https/],
    ['a link-local URL', { url: 'https://169.254.169.254/latest', events: ['*'] }, /link-local/],
    ['an unknown event', { url: 'https://shop.example/h', events: ['challenge.started'] }, /events/],
    ['no events', { url: 'https://shop.example/h', events: [] }, /at least one event/],
    ['an unknown field', { url: 'https://shop.example/h', events: ['*'], secret: 'mine' }, /secret/],
  ];
  for (const [name, body, message] of refusals) {
    it(`refuses ${name}`, async () => {
      const r = await relay.call('POST', '/v2/webhooks', body);
      expect(r.status).toBe(400);
      expect(r.json.message).toMatch(message);
    });
  }

  it('accepts an http URL on loopback', async () => {
    const r = await relay.call('POST', '/v2/webhooks', { url: 'http://127.0.0.1:9/h', events: ['*'] });
    expect(r.status).toBe(201);
  });

  it("hides another organisation's endpoint", async () => {
    const created = await relay.call('POST', '/v2/webhooks', { url: 'https://shop.example/x', events: ['*'] });
    const id = created.json.data.id;
    expect((await relay.call('GET', `/v2/webhooks/${id}`, undefined, { 'X-API-Key': otherKey })).status).toBe(404);
    expect(
      (await relay.call('PATCH', `/v2/webhooks/${id}`, { enabled: false }, { 'X-API-Key': otherKey })).status,
    ).toBe(404);
    expect((await relay.call('DELETE', `/v2/webhooks/${id}`, undefined, { 'X-API-Key': otherKey })).status).toBe(404);
  });
});

describe('wallets', () => {
  it('lists with filters, reads and updates metadata, hiding other organisations', async () => {
    const c = await createCustomer(relay);
    await setCustomerState(relay, c, { hasPin: true, hasRecovery: true });
    const a = await giveWallet(relay, c, 'ETH-SEPOLIA', 'evm');
    await giveWallet(relay, c, 'SOL-DEVNET', 'solana');
    const byCustomer = await relay.call('GET', `/v2/wallets?customerId=${c}`);
    expect(byCustomer.json.data.pagination.total).toBe(2);
    const byChain = await relay.call('GET', `/v2/wallets?customerId=${c}&blockchain=ETH-SEPOLIA`);
    expect(byChain.json.data.wallets.map((w: { id: string }) => w.id)).toEqual([a.id]);
    const byAddress = await relay.call('GET', `/v2/wallets?address=${a.address.toUpperCase().replace('0X', '0x')}`);
    expect(byAddress.json.data.wallets.map((w: { id: string }) => w.id)).toEqual([a.id]);
    const updated = await relay.call('PUT', `/v2/wallets/${a.id}`, { name: 'Main', refId: 'w-1' });
    expect(updated.json.data).toMatchObject({ name: 'Main', refId: 'w-1' });
    const nested = await relay.call('PUT', `/v2/wallets/${a.id}`, { metadata: { name: 'Renamed' } });
    expect(nested.json.data).toMatchObject({ name: 'Renamed', refId: 'w-1' });
    const byRef = await relay.call('GET', '/v2/wallets?refId=w-1');
    expect(byRef.json.data.wallets.map((w: { id: string }) => w.id)).toEqual([a.id]);
    expect((await relay.call('GET', `/v2/wallets/${a.id}`)).json.data.name).toBe('Renamed');
    expect((await relay.call('GET', `/v2/wallets/${a.id}`, undefined, { 'X-API-Key': otherKey })).status).toBe(404);
    expect((await relay.call('PUT', `/v2/wallets/${a.id}`, { name: 'x' }, { 'X-API-Key': otherKey })).status).toBe(404);
    const otherList = await relay.call('GET', `/v2/wallets?customerId=${c}`, undefined, { 'X-API-Key': otherKey });
    expect(otherList.json.data.pagination.total).toBe(0);
  });

  it('refuses an unknown wallet, a bad id and unknown metadata fields', async () => {
    expect((await relay.call('GET', `/v2/wallets/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await relay.call('GET', '/v2/wallets/w1')).status).toBe(400);
    const c = await createCustomer(relay);
    const w = await giveWallet(relay, c, 'ETH', 'evm');
    expect((await relay.call('PUT', `/v2/wallets/${w.id}`, { address: '0x0' })).status).toBe(400);
  });
});

describe('audit log', () => {
  it('records key, webhook and challenge events with the acting key and address, and no secrets', async () => {
    const key = await relay.call('POST', '/v2/api-keys', { name: 'audited' });
    const hook = await relay.call('POST', '/v2/webhooks', { url: 'https://shop.example/a', events: ['*'] });
    await relay.call('PATCH', `/v2/webhooks/${hook.json.data.id}`, { rotateSecret: true });
    const c = await createCustomer(relay);
    await setCustomerState(relay, c, { hasPin: true });
    const ch = await relay.call('POST', `/v2/customers/${c}/update-pin`, { redirectUrl: 'https://shop.example/' });
    await relay.call('DELETE', `/v2/api-keys/${key.json.data.id}`);

    const log = await relay.call('GET', '/v2/audit-logs?limit=100');
    expect(log.status).toBe(200);
    const entries: Array<{ action: string; actor: string; ip: string; target: string }> = log.json.data.entries;
    const actions = entries.map((e) => e.action);
    for (const action of [
      'api_key.created',
      'api_key.revoked',
      'webhook.created',
      'webhook.updated',
      'customer.created',
      'challenge.created',
    ]) {
      expect(actions).toContain(action);
    }
    const created = entries.find(
      (e) => e.action === 'challenge.created' && e.target === `challenge:${ch.json.data.challengeId}`,
    );
    expect(created?.actor).toMatch(/^api_key:[0-9a-f-]{36}$/);
    expect(created?.ip).toMatch(/127\.0\.0\.1/);
    const all = await relay.db.query('SELECT * FROM audit_log');
    const text = JSON.stringify(all.rows);
    expect(text).not.toContain(key.json.data.apiKey);
    expect(text).not.toContain(relay.apiKey);
    expect(text).not.toContain(hook.json.data.secret);
    expect(text).not.toMatch(/whsec_/);
  });

  it('filters by action and customer, and keeps organisations apart', async () => {
    const c = await createCustomer(relay);
    const mine = await relay.call('GET', `/v2/audit-logs?customerId=${c}&action=customer.created`);
    expect(mine.json.data.entries).toHaveLength(1);
    const theirs = await relay.call('GET', `/v2/audit-logs?customerId=${c}`, undefined, { 'X-API-Key': otherKey });
    expect(theirs.json.data.entries).toHaveLength(0);
  });

  it('refuses to rewrite an audit row', async () => {
    await expect(relay.db.query("UPDATE audit_log SET action = 'x'")).rejects.toThrow(/append-only/);
  });
});

describe('background sweep started by startRelay', () => {
  it('rewrites an expired pending challenge as expired and audits it', async () => {
    const c = await createCustomer(relay);
    await setCustomerState(relay, c, { hasPin: true });
    const r = await relay.call('POST', `/v2/customers/${c}/update-pin`, { redirectUrl: 'https://shop.example/' });
    const id = r.json.data.challengeId;
    await relay.db.query("UPDATE challenges SET expires_at = now() - interval '1 second' WHERE id = $1", [id]);
    await relay.api.sweep();
    const row = await relay.db.query<{ status: string }>('SELECT status FROM challenges WHERE id = $1', [id]);
    expect(row.rows[0]?.status).toBe('expired');
    const log = await relay.call('GET', `/v2/audit-logs?action=challenge.expired&customerId=${c}`);
    expect(log.json.data.entries.map((e: { target: string }) => e.target)).toEqual([`challenge:${id}`]);
  });
});

describe('OpenAPI document', () => {
  it('lists every business-API route', async () => {
    const doc = await (await fetch(`${relay.url}/v2/openapi.json`)).json();
    const paths = Object.keys(doc.paths);
    const expected = [
      '/customers',
      '/customers/{id}',
      ...[
        'initialize',
        'recovery',
        'update-pin',
        'reset-pin',
        'wallet/create',
        'transactions/transfer',
        'transactions/contract-execution',
        'sign/message',
        'sign/typed-data',
        'sign/transaction',
        'sign/delegate-action',
        'export-private-keys',
        'challenges',
        'challenges/{challengeId}',
      ].map((p) => `/customers/{id}/${p}`),
      '/wallets',
      '/wallets/{id}',
      '/api-keys',
      '/api-keys/{id}',
      '/webhooks',
      '/webhooks/{id}',
      '/webhooks/{id}/deliveries',
      '/audit-logs',
    ];
    expect(paths).toEqual(expect.arrayContaining(expected));
    expect(Object.keys(doc.paths['/webhooks/{id}'])).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
    expect(Object.keys(doc.paths['/wallets/{id}'])).toEqual(expect.arrayContaining(['get', 'put']));
  });
});

describe('/gateway/:challengeId page', () => {
  let challengeId: string;
  beforeAll(async () => {
    const c = await createCustomer(relay);
    await setCustomerState(relay, c, { hasPin: true, hasRecovery: true });
    const w = await giveWallet(relay, c, 'ETH', 'evm');
    const r = await relay.call('POST', `/v2/customers/${c}/sign/message`, {
      walletId: w.id,
      message: 'TOP-SECRET-PAYLOAD',
      memo: 'MEMO-TEXT',
      redirectUrl: 'https://shop.example/RETURN-PATH',
    });
    challengeId = r.json.data.challengeId;
  });

  it('serves a page the extension recognises, with kind, business and expiry only', async () => {
    const res = await fetch(`${relay.url}/gateway/${challengeId}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`<meta name="tandem-gateway" content="${challengeId}">`);
    expect(html).toContain('<meta name="tandem-gateway-state" content="pending">');
    expect(html).toContain('id="tandem-gateway"');
    expect(html).toContain('Sign a message');
    expect(html).toContain('Demo business');
    expect(html).toContain('Load unpacked');
    for (const secret of ['TOP-SECRET-PAYLOAD', 'MEMO-TEXT', 'RETURN-PATH']) expect(html).not.toContain(secret);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('shows an expired challenge as expired with 410', async () => {
    await relay.db.query("UPDATE challenges SET expires_at = now() - interval '1 second' WHERE id = $1", [challengeId]);
    const res = await fetch(`${relay.url}/gateway/${challengeId}`);
    expect(res.status).toBe(410);
    const html = await res.text();
    expect(html).toContain('This request has expired');
    expect(html).toContain('content="expired"');
    expect(html).not.toContain('Load unpacked');
  });

  it('shows an unknown id as unknown with 404 and no gateway meta', async () => {
    for (const id of [crypto.randomUUID(), 'not-a-uuid', '%3Cscript%3E']) {
      const res = await fetch(`${relay.url}/gateway/${id}`);
      expect(res.status).toBe(404);
      const html = await res.text();
      expect(html).toContain('This request does not exist');
      expect(html).not.toContain('name="tandem-gateway"');
      expect(html).not.toContain('<script>');
    }
  });

  it('needs no API key', async () => {
    const res = await fetch(`${relay.url}/gateway/${crypto.randomUUID()}`, { headers: { 'X-API-Key': '' } });
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
  });
});
