/**
 * The webhook destination guard end to end: registration refuses literal private addresses when private
 * destinations are not allowed; delivery resolves the host once (through an injected resolver, never real
 * DNS), refuses when any address is not public, pins the connection to the checked address, keeps TLS
 * verification on the hostname, does not follow redirects, records refusals on the row and audits them
 * once per endpoint and kind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedAddress } from '../../../../relay/webhooks/delivery.js';
import { createWebhookEndpoint } from '../../../../relay/webhooks/endpoints.js';
import type { WebhookEvent } from '../../../../relay/webhooks/events.js';
import { enqueueWebhookEvent } from '../../../../relay/webhooks/outbox.js';
import { verifyWebhook } from '../../../../relay/webhooks/signature.js';
import { startWebhookWorker, type WebhookWorker } from '../../../../relay/webhooks/worker.js';
import { type ApiTestRelay, startApiRelay } from '../api/relay.js';
import { Receiver, TlsReceiver, waitFor } from './receiver.js';

/** Answers from a table the tests fill (`answer(n)` for the n-th question about a host) and counts questions. */
class TableResolver {
  readonly answers = new Map<string, (n: number) => string[]>();
  readonly calls = new Map<string, number>();
  readonly resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
    const n = (this.calls.get(hostname) ?? 0) + 1;
    this.calls.set(hostname, n);
    const answer = this.answers.get(hostname);
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answer(n).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

interface DeliveryRow {
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
}

async function register(relay: ApiTestRelay, url: string, events: WebhookEvent[]) {
  const r = await relay.call('POST', '/v2/webhooks', { url, events });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return { id: r.json.data.id as string, secret: r.json.data.secret as string };
}

async function organisationId(relay: ApiTestRelay): Promise<string> {
  const r = await relay.db.query<{ id: string }>('SELECT id FROM organisations ORDER BY created_at LIMIT 1');
  return r.rows[0]?.id as string;
}

async function trigger(relay: ApiTestRelay, event: WebhookEvent) {
  const organisation = await organisationId(relay);
  await relay.db.transaction((tx) =>
    enqueueWebhookEvent(tx, { organisationId: organisation, event, data: { test: true } }),
  );
}

async function deliveries(relay: ApiTestRelay, endpointId: string): Promise<DeliveryRow[]> {
  const r = await relay.call('GET', `/v2/webhooks/${endpointId}/deliveries?limit=100`);
  return r.json.data.deliveries;
}

function finished(relay: ApiTestRelay, endpointId: string, status: 'dead' | 'delivered') {
  return waitFor(`a ${status} delivery`, async () => {
    const rows = await deliveries(relay, endpointId);
    return rows[0]?.status === status ? (rows[0] as DeliveryRow) : undefined;
  });
}

async function refusalAudits(relay: ApiTestRelay, endpointId: string) {
  const r = await relay.call('GET', '/v2/audit-logs?action=webhook.delivery_refused&limit=100');
  expect(r.status).toBe(200);
  return (
    r.json.data.entries as Array<{ target: string; actor: string; details: { kind: string; reason: string } }>
  ).filter((e) => e.target === `webhook:${endpointId}`);
}

const receiver = new Receiver();
const tls = new TlsReceiver();
const resolver = new TableResolver();
/** Private destinations not allowed, and no worker of its own: the tests run theirs, with the table resolver. */
let strict: ApiTestRelay;
/** The default for a relay listening on 127.0.0.1 (private allowed), with its own worker. */
let developer: ApiTestRelay;

beforeAll(async () => {
  await Promise.all([receiver.start(), tls.start()]);
  [strict, developer] = await Promise.all([
    startApiRelay({ api: { webhooks: { enabled: false, allowPrivateDestinations: false } } }),
    startApiRelay(),
  ]);
});
afterAll(async () => {
  await Promise.all([strict?.stop(), developer?.stop()]);
  await Promise.all([receiver.stop(), tls.stop()]);
});

describe('registration when private destinations are not allowed', () => {
  const refused = async (url: string, expected: RegExp) => {
    const r = await strict.call('POST', '/v2/webhooks', { url, events: ['*'] });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.json)).toMatch(expected);
  };

  it('refuses a literal private address, naming its block and the setting', async () => {
    await refused('https://10.0.0.5/hooks', /private address \(10\.0\.0\.0\/8\).*TANDEM_WEBHOOK_ALLOW_PRIVATE/);
  });
  it('refuses 127.0.0.1 over http', async () => {
    await refused(`http://127.0.0.1:${receiver.port}/hooks`, /loopback address \(127\.0\.0\.0\/8\)/);
  });
  it('refuses a loopback address spelled in hex (URL parsing makes it 127.0.0.1)', async () => {
    await refused('https://0x7f000001/hooks', /loopback address \(127\.0\.0\.0\/8\)/);
  });
  it('refuses a loopback address spelled as one decimal number', async () => {
    await refused('https://2130706433/hooks', /loopback address/);
  });
  it('refuses an IPv4-mapped IPv6 private address', async () => {
    await refused('https://[::ffff:192.168.1.1]/hooks', /private address \(::ffff:0:0\/96 → 192\.168\.0\.0\/16\)/);
  });
  it('refuses a unique-local IPv6 address', async () => {
    await refused('https://[fd00::1]/hooks', /private address \(fc00::\/7\)/);
  });
  it('refuses localhost', async () => {
    await refused(`http://localhost:${receiver.port}/hooks`, /must not target localhost/);
  });
  it('refuses the cloud metadata address', async () => {
    await refused('https://169.254.169.254/latest/meta-data', /link-local \(cloud metadata\)/);
  });
  it('refuses changing an endpoint to a private address', async () => {
    const hook = await register(strict, 'https://shop.example/hooks', ['customer.created']);
    const r = await strict.call('PATCH', `/v2/webhooks/${hook.id}`, { url: 'https://172.16.0.1/hooks' });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.json)).toMatch(/private address \(172\.16\.0\.0\/12\)/);
    await strict.call('DELETE', `/v2/webhooks/${hook.id}`);
  });
  it('accepts a hostname and a public address (hostnames are checked at delivery)', async () => {
    const a = await register(strict, 'https://shop.example/hooks', ['customer.created']);
    const b = await register(strict, 'https://8.8.8.8/hooks', ['customer.created']);
    await strict.call('DELETE', `/v2/webhooks/${a.id}`);
    await strict.call('DELETE', `/v2/webhooks/${b.id}`);
  });
});

describe('delivery when private destinations are not allowed', () => {
  let worker: WebhookWorker;
  beforeAll(() => {
    worker = startWebhookWorker(strict.db, {
      pollIntervalMs: 25,
      baseDelayMs: 60,
      timeoutMs: 1000,
      maxAttempts: 3,
      lookup: resolver.resolve,
      allowPrivateDestinations: false,
    });
  });
  afterAll(async () => {
    await worker.stop();
  });

  it('refuses a hostname that resolves to 127.0.0.1, retries on the backoff schedule, then gives up', async () => {
    resolver.answers.set('internal.example', () => ['127.0.0.1']);
    const hook = await register(strict, `https://internal.example:${receiver.port}/internal`, ['wallet.created']);
    await trigger(strict, 'wallet.created');
    const row = await finished(strict, hook.id, 'dead');
    expect(row.attempts).toBe(3);
    expect(row.lastStatusCode).toBeNull();
    expect(row.lastError).toBe(
      'destination refused: internal.example resolves to a loopback address (127.0.0.0/8); private destinations are not allowed on this relay (TANDEM_WEBHOOK_ALLOW_PRIVATE) (gave up after 3 attempts)',
    );
    expect(row.lastError).not.toContain(hook.secret);
    expect(resolver.calls.get('internal.example')).toBe(3);
    expect(receiver.for('/internal')).toHaveLength(0);
  });

  it('audits the refusal once per endpoint and kind, not once per attempt, without the secret', async () => {
    resolver.answers.set('audited.example', () => ['10.9.8.7']);
    const hook = await register(strict, `https://audited.example/a`, ['transaction.created']);
    await trigger(strict, 'transaction.created');
    await finished(strict, hook.id, 'dead');
    const entries = await refusalAudits(strict, hook.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: 'system', details: { kind: 'private' } });
    expect(entries[0]?.details.reason).toMatch(/^audited\.example resolves to a private address \(10\.0\.0\.0\/8\)/);
    expect(JSON.stringify(entries)).not.toContain(hook.secret);
  });

  it('audits a new refusal kind for the same endpoint again', async () => {
    resolver.answers.set('flip.example', (n) => (n === 1 ? ['127.0.0.2'] : ['100.64.1.1']));
    const hook = await register(strict, 'https://flip.example/f', ['transaction.signed']);
    await trigger(strict, 'transaction.signed');
    const row = await finished(strict, hook.id, 'dead');
    expect(row.lastError).toMatch(/shared address \(100\.64\.0\.0\/10\)/);
    const kinds = (await refusalAudits(strict, hook.id)).map((e) => e.details.kind).sort();
    expect(kinds).toEqual(['loopback', 'shared']);
  });

  it('refuses an answer in which any one address is private, even beside public ones', async () => {
    resolver.answers.set('mixed.example', () => ['2606:4700:4700::1111', '10.0.0.7', '1.1.1.1']);
    const hook = await register(strict, `https://mixed.example:${receiver.port}/mixed`, ['transaction.broadcast']);
    await trigger(strict, 'transaction.broadcast');
    const row = await finished(strict, hook.id, 'dead');
    expect(row.lastError).toMatch(
      /^destination refused: mixed\.example resolves to a private address \(10\.0\.0\.0\/8\)/,
    );
  });

  it('refuses a hostname resolving to an IPv4-mapped loopback address', async () => {
    resolver.answers.set('mapped.example', () => ['::ffff:127.0.0.1']);
    const hook = await register(strict, `https://mapped.example:${receiver.port}/mapped`, ['transaction.confirmed']);
    await trigger(strict, 'transaction.confirmed');
    const row = await finished(strict, hook.id, 'dead');
    expect(row.lastError).toMatch(/loopback address \(::ffff:0:0\/96 → 127\.0\.0\.0\/8\)/);
    expect(receiver.for('/mapped')).toHaveLength(0);
  });

  it('refuses a literal loopback URL stored while private destinations were allowed', async () => {
    const org = await organisationId(strict);
    const hook = await strict.db.transaction((tx) =>
      createWebhookEndpoint(tx, org, {
        url: `http://127.0.0.1:${receiver.port}/stored`,
        events: ['customer.pin_setup'],
      }),
    );
    await trigger(strict, 'customer.pin_setup');
    const row = await finished(strict, hook.endpoint.id, 'dead');
    expect(row.lastError).toMatch(/^destination refused: 127\.0\.0\.1 is a loopback address \(127\.0\.0\.0\/8\)/);
    expect(resolver.calls.has('127.0.0.1')).toBe(false);
    expect(receiver.for('/stored')).toHaveLength(0);
  });

  it('a rebinding answer (public, then private) never reaches the private address: one resolution per attempt, connection pinned to it', async () => {
    // First answer public (an address nothing local listens on), every later one 127.0.0.1 where the TLS
    // receiver listens. Checking one answer and connecting with another would show up as a handshake there.
    resolver.answers.set('rebind.example', (n) => (n === 1 ? ['2001:4860:4860::8888'] : ['127.0.0.1']));
    const hook = await register(strict, `https://rebind.example:${tls.port}/rebind`, ['customer.locked_out']);
    await trigger(strict, 'customer.locked_out');
    const row = await finished(strict, hook.id, 'dead');
    expect(resolver.calls.get('rebind.example')).toBe(3);
    expect(tls.serverNames).not.toContain('rebind.example');
    expect(row.lastError).toMatch(/^destination refused: rebind\.example resolves to a loopback address/);
    expect((await refusalAudits(strict, hook.id)).map((e) => e.details.kind)).toEqual(['loopback']);
  });
});

describe('delivery when private destinations are allowed', () => {
  let worker: WebhookWorker;
  beforeAll(async () => {
    // Leftovers of the strict tests must not be picked up by this worker.
    await strict.db.query(`UPDATE webhook_endpoints SET enabled = false`);
    worker = startWebhookWorker(strict.db, {
      pollIntervalMs: 25,
      baseDelayMs: 60,
      timeoutMs: 2000,
      maxAttempts: 2,
      lookup: resolver.resolve,
      allowPrivateDestinations: true,
    });
  });
  afterAll(async () => {
    await worker.stop();
  });

  it('delivers to a hostname at the address the resolver gave, correctly signed', async () => {
    resolver.answers.set('localhost', () => ['127.0.0.1']);
    const org = await organisationId(strict);
    const hook = await strict.db.transaction((tx) =>
      createWebhookEndpoint(tx, org, {
        url: `http://localhost:${receiver.port}/pinned?x=1`,
        events: ['customer.recovery_initiated'],
      }),
    );
    await trigger(strict, 'customer.recovery_initiated');
    await finished(strict, hook.endpoint.id, 'delivered');
    const [got] = receiver.for('/pinned?x=1');
    expect(got?.headers.host).toBe(`localhost:${receiver.port}`);
    expect(resolver.calls.get('localhost')).toBe(1);
    const h = got?.headers ?? {};
    expect(
      verifyWebhook(
        hook.secret,
        { signature: h['x-webhook-signature'] as string, timestamp: h['x-webhook-timestamp'] as string },
        got?.body ?? '',
      ),
    ).toBe(true);
  });

  it('keeps TLS verification on the hostname: SNI names the host, and an untrusted certificate fails the delivery', async () => {
    resolver.answers.set('tls.example', () => ['127.0.0.1']);
    const hook = await register(strict, `https://tls.example:${tls.port}/t`, ['customer.recovery_completed']);
    await trigger(strict, 'customer.recovery_completed');
    const row = await finished(strict, hook.id, 'dead');
    expect(tls.serverNames).toContain('tls.example');
    expect(row.lastError).toMatch(/^request failed: .*certificate/);
  });

  it('still refuses a link-local address (cloud metadata)', async () => {
    resolver.answers.set('metadata.example', () => ['169.254.169.254']);
    const hook = await register(strict, 'https://metadata.example/latest', ['challenge.completed']);
    await trigger(strict, 'challenge.completed');
    const row = await finished(strict, hook.id, 'dead');
    expect(row.lastError).toMatch(
      /link-local address \(169\.254\.0\.0\/16\); link-local addresses \(cloud metadata\) are never allowed/,
    );
  });
});

describe('a relay listening on 127.0.0.1 with the default policy', () => {
  it('delivers to a receiver on 127.0.0.1, correctly signed', async () => {
    const hook = await register(developer, `http://127.0.0.1:${receiver.port}/developer`, ['wallet.created']);
    await trigger(developer, 'wallet.created');
    await finished(developer, hook.id, 'delivered');
    const [got] = receiver.for('/developer');
    const h = got?.headers ?? {};
    expect(
      verifyWebhook(
        hook.secret,
        { signature: h['x-webhook-signature'] as string, timestamp: h['x-webhook-timestamp'] as string },
        got?.body ?? '',
      ),
    ).toBe(true);
    expect(JSON.parse(got?.body ?? '{}')).toMatchObject({ event: 'wallet.created', data: { test: true } });
  });

  it('does not follow a redirect: a 302 is a failed delivery with that status', async () => {
    receiver.answers['/moved'] = [302, { Location: `http://127.0.0.1:${receiver.port}/elsewhere` }];
    const hook = await register(developer, `http://127.0.0.1:${receiver.port}/moved`, ['transaction.failed']);
    await trigger(developer, 'transaction.failed');
    const row = await waitFor('a failed attempt', async () => {
      const rows = await deliveries(developer, hook.id);
      return rows[0]?.lastStatusCode === 302 ? rows[0] : undefined;
    });
    expect(row.status).not.toBe('delivered');
    expect(row.lastError).toMatch(/^receiver answered HTTP 302 \(redirects are not followed\)/);
    expect(receiver.for('/moved').length).toBeGreaterThanOrEqual(1);
    expect(receiver.for('/elsewhere')).toHaveLength(0);
    await developer.call('DELETE', `/v2/webhooks/${hook.id}`);
  });
});
