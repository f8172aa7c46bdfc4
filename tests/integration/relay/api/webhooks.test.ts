import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  claimChallenge,
  completeChallenge,
  createChallenge,
  failChallenge,
} from '../../../../relay/challenges/store.js';
import { enqueueWebhookEvent, purgeWebhookOutbox } from '../../../../relay/webhooks/outbox.js';
import { verifyWebhook } from '../../../../relay/webhooks/signature.js';
import { startWebhookWorker } from '../../../../relay/webhooks/worker.js';
import { type ApiTestRelay, createCustomer, organisationOf, startApiRelay } from './relay.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  path: string;
}

/** A local webhook receiver whose answers can be scripted per path: `answers[path]` is consumed per request, then `fallback`. */
class Receiver {
  readonly received: Received[] = [];
  answers: Record<string, number[]> = {};
  fallback = 200;
  hang = false;
  private server: Server | undefined;
  url = '';

  async start() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        this.received.push({ headers: req.headers, body, path: req.url ?? '' });
        if (this.hang) return;
        res.writeHead(this.answers[req.url ?? '']?.shift() ?? this.fallback, { 'Content-Type': 'application/json' });
        res.end('{"received":true}');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  for(path: string) {
    return this.received.filter((r) => r.path === path);
  }
}

async function waitFor<T>(
  what: string,
  fn: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let relay: ApiTestRelay;
const receiver = new Receiver();
beforeAll(async () => {
  await receiver.start();
  relay = await startApiRelay({ api: { webhooks: { maxAttempts: 3, baseDelayMs: 100, timeoutMs: 500 } } });
});
afterAll(async () => {
  await relay?.stop();
  await receiver.stop();
});

async function register(path: string, events: string[], on = relay) {
  const r = await on.call('POST', '/v2/webhooks', { url: `${receiver.url}${path}`, events });
  expect(r.status).toBe(201);
  return { id: r.json.data.id as string, secret: r.json.data.secret as string };
}

async function deliveryRows(endpointId: string, on = relay) {
  const r = await on.call('GET', `/v2/webhooks/${endpointId}/deliveries?limit=100`);
  return r.json.data.deliveries as Array<{ id: string; status: string; attempts: number; lastError: string | null }>;
}

describe('webhook delivery', () => {
  it('delivers customer.created signed with HMAC-SHA256 over timestamp.body, with the documented headers', async () => {
    const hook = await register('/signed', ['customer.created']);
    const customerId = await createCustomer(relay);
    const got = await waitFor('customer.created', () => receiver.for('/signed')[0]);
    const h = got.headers;
    expect(h['x-webhook-event']).toBe('customer.created');
    expect(h['x-webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(h['x-webhook-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(Math.abs(Number(h['x-webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
    expect(
      verifyWebhook(
        hook.secret,
        { signature: h['x-webhook-signature'] as string, timestamp: h['x-webhook-timestamp'] as string },
        got.body,
      ),
    ).toBe(true);
    expect(
      verifyWebhook(
        'whsec_wrong',
        { signature: h['x-webhook-signature'] as string, timestamp: h['x-webhook-timestamp'] as string },
        got.body,
      ),
    ).toBe(false);
    expect(
      verifyWebhook(
        hook.secret,
        { signature: h['x-webhook-signature'] as string, timestamp: h['x-webhook-timestamp'] as string },
        `${got.body} `,
      ),
    ).toBe(false);
    const body = JSON.parse(got.body);
    expect(body).toMatchObject({ event: 'customer.created', data: { id: customerId, hasPin: false } });
    expect(body.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
    const rows = await waitFor('delivered', async () => {
      const d = await deliveryRows(hook.id);
      return d[0]?.status === 'delivered' ? d : undefined;
    });
    expect(rows[0]?.id).toBe(h['x-webhook-id']);
  });

  it('delivers challenge.completed with the result when a challenge is verified, and with the reason when it fails', async () => {
    await register('/challenges', ['challenge.completed']);
    const customerId = await createCustomer(relay);
    const organisationId = await organisationOf(relay, customerId);
    const make = () =>
      relay.db.transaction((tx) =>
        createChallenge(tx, {
          organisationId,
          customerId,
          kind: 'sign-message',
          payload: { message: 'x' },
          returnUrl: 'https://a.example',
        }),
      );
    const ok = await make();
    await relay.db.transaction((tx) => claimChallenge(tx, ok.id));
    await relay.db.transaction((tx) => completeChallenge(tx, ok.id, { signature: '0xsig' }));
    const bad = await make();
    await relay.db.transaction((tx) => failChallenge(tx, bad.id, 'customer cancelled'));
    const bodies = await waitFor('two challenge events', () => {
      const got = receiver.for('/challenges');
      return got.length >= 2 ? got.map((g) => JSON.parse(g.body)) : undefined;
    });
    const byId = new Map(bodies.map((b) => [b.data.challengeId, b]));
    expect(byId.get(ok.id)).toMatchObject({
      event: 'challenge.completed',
      data: { status: 'verified', result: { signature: '0xsig' } },
    });
    expect(byId.get(bad.id)).toMatchObject({ data: { status: 'failed', failureReason: 'customer cancelled' } });
  });

  it('sends only subscribed events, and nothing to disabled endpoints', async () => {
    const only = await register('/only-wallets', ['wallet.created']);
    const off = await register('/disabled', ['*']);
    await relay.call('PATCH', `/v2/webhooks/${off.id}`, { enabled: false });
    const all = await register('/all', ['*']);
    await createCustomer(relay);
    await waitFor('the * endpoint', () => receiver.for('/all')[0]);
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.for('/only-wallets')).toHaveLength(0);
    expect(receiver.for('/disabled')).toHaveLength(0);
    expect(await deliveryRows(only.id)).toHaveLength(0);
    expect(all.id).toBeTruthy();
  });

  it('retries after a receiver failure (500, then 200) with the same id and body', async () => {
    receiver.answers['/retry'] = [500];
    const hook = await register('/retry', ['customer.created']);
    await createCustomer(relay);
    const [first, second] = await waitFor('two attempts', () => {
      const got = receiver.for('/retry');
      return got.length >= 2 ? got : undefined;
    });
    expect(second?.headers['x-webhook-id']).toBe(first?.headers['x-webhook-id']);
    expect(second?.body).toBe(first?.body);
    for (const attempt of [first, second]) {
      const h = attempt?.headers ?? {};
      expect(
        verifyWebhook(
          hook.secret,
          { signature: h['x-webhook-signature'] as string, timestamp: h['x-webhook-timestamp'] as string },
          attempt?.body ?? '',
        ),
      ).toBe(true);
    }
    const rows = await waitFor('delivered', async () => {
      const d = await deliveryRows(hook.id);
      return d[0]?.status === 'delivered' ? d : undefined;
    });
    expect(rows[0]?.attempts).toBe(2);
  });

  it('gives up after the maximum attempts and marks the delivery dead', async () => {
    const hook = await register('/dead', ['customer.created']);
    receiver.answers['/dead'] = [503, 503, 503];
    await createCustomer(relay);
    const rows = await waitFor('dead', async () => {
      const d = await deliveryRows(hook.id);
      return d[0]?.status === 'dead' ? d : undefined;
    });
    expect(rows[0]).toMatchObject({ attempts: 3 });
    expect(rows[0]?.lastError).toMatch(/HTTP 503.*gave up after 3/);
  });

  it('times out a receiver that does not answer, and retries', async () => {
    const hook = await register('/slow', ['customer.created']);
    receiver.hang = true;
    try {
      await createCustomer(relay);
      const rows = await waitFor('a timed-out attempt', async () => {
        const d = await deliveryRows(hook.id);
        return d[0]?.lastError?.includes('timed out') ? d : undefined;
      });
      expect(rows[0]?.status).not.toBe('delivered');
    } finally {
      receiver.hang = false;
    }
  });

  it('lets several workers share the outbox without sending any row twice', async () => {
    const hook = await register('/parallel', ['transaction.confirmed']);
    const organisationId = (
      await relay.db.query<{ organisation_id: string }>('SELECT organisation_id FROM webhook_endpoints WHERE id = $1', [
        hook.id,
      ])
    ).rows[0]?.organisation_id as string;
    // The receiver is on 127.0.0.1: extra workers must opt into private destinations as the relay's own does.
    const extra = [
      startWebhookWorker(relay.db, { pollIntervalMs: 25, batchSize: 3, allowPrivateDestinations: true }),
      startWebhookWorker(relay.db, { pollIntervalMs: 25, batchSize: 3, allowPrivateDestinations: true }),
    ];
    try {
      for (let i = 0; i < 30; i++) {
        await relay.db.transaction((tx) =>
          enqueueWebhookEvent(tx, { organisationId, event: 'transaction.confirmed', data: { n: i } }),
        );
      }
      const got = await waitFor('30 deliveries', () =>
        receiver.for('/parallel').length >= 30 ? receiver.for('/parallel') : undefined,
      );
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.for('/parallel')).toHaveLength(30);
      expect(new Set(got.map((g) => g.headers['x-webhook-id'])).size).toBe(30);
    } finally {
      await Promise.all(extra.map((w) => w.stop()));
    }
  });
});

describe('outbox retention', () => {
  it('purges finished deliveries past retention and keeps pending ones', async () => {
    const hook = await register('/purge', ['customer.created']);
    await createCustomer(relay);
    await createCustomer(relay);
    await waitFor('both delivered', async () => {
      const rows = await deliveryRows(hook.id);
      return rows.length === 2 && rows.every((d) => d.status === 'delivered') ? rows : undefined;
    });
    await relay.db.query(`UPDATE webhook_outbox SET created_at = now() - interval '31 days' WHERE endpoint_id = $1`, [
      hook.id,
    ]);
    await relay.db.query(
      `UPDATE webhook_outbox SET status = 'pending', next_attempt_at = now() + interval '1 hour'
        WHERE id = (SELECT id FROM webhook_outbox WHERE endpoint_id = $1 ORDER BY created_at LIMIT 1)`,
      [hook.id],
    );
    await purgeWebhookOutbox(relay.db, 30);
    const left = await relay.db.query<{ status: string }>('SELECT status FROM webhook_outbox WHERE endpoint_id = $1', [
      hook.id,
    ]);
    expect(left.rows.map((r) => r.status)).toEqual(['pending']);
  });
});

describe('webhook delivery across a relay restart', () => {
  it('delivers an event queued before the relay stopped once it is started again on the same data', async () => {
    const first = await startApiRelay({ api: { webhooks: { baseDelayMs: 100 } } });
    let second: ApiTestRelay | undefined;
    try {
      receiver.fallback = 503;
      const hook = await register('/restart', ['customer.created'], first);
      const customerId = await createCustomer(first);
      await waitFor('a failed attempt', () => receiver.for('/restart')[0]);
      await first.stop({ keepData: true });
      const attemptsBefore = receiver.for('/restart').length;
      receiver.fallback = 200;
      second = await startApiRelay({
        dataDir: first.dataDir,
        database: first.database,
        apiKey: first.apiKey,
        api: { webhooks: { baseDelayMs: 100 } },
      });
      const rows = await waitFor('delivered after restart', async () => {
        const d = await deliveryRows(hook.id, second);
        return d[0]?.status === 'delivered' ? d : undefined;
      });
      expect(receiver.for('/restart').length).toBeGreaterThan(attemptsBefore);
      const last = receiver.for('/restart').at(-1);
      expect(JSON.parse(last?.body ?? '{}').data.id).toBe(customerId);
      expect(rows[0]?.attempts).toBeGreaterThanOrEqual(2);
    } finally {
      receiver.fallback = 200;
      await second?.stop();
    }
  });
});
