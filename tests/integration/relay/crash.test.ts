/**
 * A relay killed with SIGKILL in the middle of writes loses nothing it acknowledged: every customer,
 * challenge and queued webhook that got a 2xx answer is there after a restart on the same storage.
 * The relay runs as a real child process (`tsx relay/main.ts`), as `npm start` runs it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { startTestRelay } from '../../helpers/relay.js';

const API_KEY = `tdm_crash_${crypto.randomUUID().replaceAll('-', '')}`;
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

function startChild(dataDir: string, databaseUrl: string | undefined): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'relay/main.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      TANDEM_DATA_DIR: dataDir,
      TANDEM_API_KEY: API_KEY,
      DATABASE_URL: databaseUrl ?? '',
      // Keep the webhook worker from delivering (and so changing) rows during the test.
      TANDEM_WEBHOOK_POLL_MS: '3600000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`relay did not start:\n${out}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`relay exited with ${code}:\n${out}`)));
  });
}

async function post(url: string, path: string, body: unknown) {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'X-API-Key': API_KEY, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any };
}

describe('a relay killed with SIGKILL mid-write', () => {
  it('keeps every acknowledged customer, challenge and queued webhook', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tandem-crash-'));
    const database: TestDatabase = await createTestDatabase();
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    cleanups.push(() => database.drop());

    const first = await startChild(dataDir, database.url);
    const hook = await post(first.url, '/v2/webhooks', {
      url: 'http://127.0.0.1:9/hooks',
      events: ['customer.created'],
    });
    expect(hook.status, JSON.stringify(hook.json)).toBe(201);

    const customers = new Set<string>();
    const challenges = new Set<string>();
    let stop = false;
    const writer = async (worker: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const created = await post(first.url, '/v2/customers', {
            name: `C ${worker}-${i}`,
            refId: `w${worker}-${i}`,
          });
          if (created.status !== 201) {
            await new Promise((r) => setTimeout(r, 50));
            continue;
          }
          customers.add(created.json.data.id);
          const challenge = await post(first.url, `/v2/customers/${created.json.data.id}/initialize`, {
            redirectUrl: 'http://127.0.0.1:9/back',
          });
          if (challenge.status === 201) challenges.add(challenge.json.data.challengeId);
        } catch {
          return; // the relay is gone
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    while (customers.size < 40) await new Promise((r) => setTimeout(r, 20));
    const exited = new Promise((r) => first.child.once('exit', r));
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    await exited;

    const relay = await startTestRelay({ dataDir, databaseUrl: database.url, apiKey: API_KEY });
    cleanups.push(() => relay.stop({ keepData: true }));
    const stored = await relay.db.query<{ id: string }>('SELECT id FROM customers');
    const storedIds = new Set(stored.rows.map((r) => r.id));
    for (const id of customers) expect(storedIds.has(id), `customer ${id} acknowledged but lost`).toBe(true);
    for (const id of challenges) {
      const r = await relay.db.query('SELECT 1 FROM challenges WHERE id = $1', [id]);
      expect(r.rows.length, `challenge ${id} acknowledged but lost`).toBe(1);
    }
    const queued = await relay.db.query<{ body: string }>(
      "SELECT body FROM webhook_outbox WHERE event = 'customer.created'",
    );
    const announced = new Set(queued.rows.map((r) => JSON.parse(r.body).data.id as string));
    for (const id of customers) expect(announced.has(id), `customer.created for ${id} lost`).toBe(true);
    expect(customers.size).toBeGreaterThanOrEqual(40);
  });
});
