import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../protocol/bytes.js';
import { deriveGuardKeyPair, guardPublicKeyFromSecret } from '../../../protocol/pin/oprf.js';
import { secureRng } from '../../../protocol/rng.js';
import { openPglite } from '../../../relay/db/pglite.js';
import { createPinGuard } from '../../../relay/pin-guard/guard.js';
import { GuardKeyError, guardKeyFromHex, loadOrCreateGuardKey } from '../../../relay/pin-guard/key-file.js';
import { createRemotePinGuard } from '../../../relay/pin-guard/remote.js';
import { createPinGuardApp } from '../../../relay/pin-guard/server.js';
import type { PinGuard } from '../../../relay/pin-guard/types.js';
import { attemptPin, enrolPin, TOKEN } from './harness.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tandem-pin-guard-'));

describe('PIN guard key file', () => {
  it('is created 0600 with a valid key, and read back identically', () => {
    const dir = tmp();
    try {
      const path = join(dir, 'sub', 'oprf-key.json');
      const first = loadOrCreateGuardKey(path);
      expect(first.created).toBe(true);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const again = loadOrCreateGuardKey(path);
      expect(again.created).toBe(false);
      expect(toHex(again.secretKey)).toBe(toHex(first.secretKey));
      expect(JSON.parse(readFileSync(path, 'utf8')).keyId).toBe(guardPublicKeyFromSecret(first.secretKey).keyId);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a key file other users can read', () => {
    const dir = tmp();
    try {
      const path = join(dir, 'k.json');
      loadOrCreateGuardKey(path);
      chmodSync(path, 0o644);
      expect(() => loadOrCreateGuardKey(path)).toThrow(/chmod 600/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an edited key file (key id mismatch) and malformed env keys, without echoing the secret', () => {
    const dir = tmp();
    try {
      const path = join(dir, 'k.json');
      const { secretKey } = loadOrCreateGuardKey(path);
      const file = JSON.parse(readFileSync(path, 'utf8'));
      writeFileSync(path, JSON.stringify({ ...file, keyId: '00'.repeat(8) }), { mode: 0o600 });
      expect(() => loadOrCreateGuardKey(path)).toThrow(/keyId does not match/);
      expect(() => guardKeyFromHex('xyz')).toThrow(GuardKeyError);
      expect(() => guardKeyFromHex('ff'.repeat(32))).toThrow(/not a valid P-256 secret scalar/);
      try {
        guardKeyFromHex('ff'.repeat(32));
      } catch (error) {
        expect((error as Error).message).not.toContain('ff'.repeat(32));
      }
      expect(toHex(guardKeyFromHex(toHex(secretKey)))).toBe(toHex(secretKey));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('PIN guard HTTP server', () => {
  let guard: PinGuard;
  let close: () => Promise<void>;
  let app: ReturnType<typeof createPinGuardApp>;
  beforeAll(async () => {
    const db = await openPglite(undefined);
    guard = await createPinGuard({ db, oprfKey: deriveGuardKeyPair(secureRng(32)).secretKey });
    app = createPinGuardApp({ guard, token: TOKEN });
    close = async () => {
      await guard.close();
      await db.close();
    };
  });
  afterAll(async () => close());

  const post = (path: string, body: unknown, token = TOKEN) =>
    app.request(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('refuses a missing or wrong token with 401', async () => {
    expect((await app.request('/v1/info')).status).toBe(401);
    expect((await post('/v1/status', { customerId: 'c', purpose: 'pin' }, `${TOKEN}x`)).status).toBe(401);
    expect((await app.request('/v1/info', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('refuses a short token at construction', () => {
    expect(() => createPinGuardApp({ guard, token: 'short' })).toThrow(/at least 32/);
  });

  it('refuses malformed bodies with 400 naming the problem', async () => {
    const notJson = await post('/v1/evaluate', '{');
    expect(notJson.status).toBe(400);
    const extra = await post('/v1/status', { customerId: 'c', purpose: 'pin', x: 1 });
    expect(extra.status).toBe(400);
    const badPurpose = await post('/v1/status', { customerId: 'c', purpose: 'admin' });
    expect(((await badPurpose.json()) as { error: { message: string } }).error.message).toMatch(/purpose/);
    const offCurve = await post('/v1/evaluate', {
      customerId: 'c',
      purpose: 'pin',
      epoch: 1,
      blinded: `00${'00'.repeat(32)}`,
    });
    expect(offCurve.status).toBe(400);
    expect(((await offCurve.json()) as { error: { message: string } }).error.message).toMatch(/blinded/);
  });

  it('refuses bodies over 16 KiB with 413', async () => {
    const big = await post('/v1/status', { customerId: 'c', purpose: 'pin', pad: 'x'.repeat(20_000) });
    expect(big.status).toBe(413);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function startProcess(dataDir: string, port: number): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'relay/pin-guard/main.ts'], {
    cwd: process.cwd(),
    env: { ...process.env, PIN_GUARD_TOKEN: TOKEN, PIN_GUARD_PORT: String(port), PIN_GUARD_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  const deadline = Date.now() + 60_000;
  while (!out.includes('PIN guard listening')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`pin guard did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => out };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe('PIN guard as a separate process (npm run pin-guard → relay/pin-guard/main.ts)', () => {
  it('serves on 127.0.0.1 with its own key file (0600) and store; a lock survives a process restart', async () => {
    const dataDir = tmp();
    const port = await freePort();
    let proc = await startProcess(dataDir, port);
    try {
      expect(proc.output()).toContain(`http://127.0.0.1:${port}`);
      const keyPath = join(dataDir, 'oprf-key.json');
      expect(statSync(keyPath).mode & 0o777).toBe(0o600);
      const secretHex = JSON.parse(readFileSync(keyPath, 'utf8')).secretKey as string;
      expect(proc.output()).not.toContain(secretHex);

      const events: string[] = [];
      const remote = createRemotePinGuard({
        url: `http://127.0.0.1:${port}`,
        token: TOKEN,
        onLockedOut: (e) => {
          events.push(e.customerId);
        },
      });
      const wrapped = await enrolPin(remote, 'cust-proc', '482915');
      expect((await attemptPin(remote, wrapped, '482915')).verify).toEqual({ status: 'ok' });
      for (let i = 0; i < 5; i++) await attemptPin(remote, wrapped, '730164');
      expect(events).toEqual(['cust-proc']);

      await stopProcess(proc.child);
      proc = await startProcess(dataDir, port);
      const again = createRemotePinGuard({ url: `http://127.0.0.1:${port}`, token: TOKEN });
      expect((await attemptPin(again, wrapped, '482915')).evaluate).toEqual({ status: 'locked', lockedOut: false });
      expect((await again.info()).keyId).toBe((await remote.info()).keyId);
      const wrong = createRemotePinGuard({ url: `http://127.0.0.1:${port}`, token: 'x'.repeat(40) });
      await expect(wrong.info()).rejects.toThrow(/401|token/);
    } finally {
      await stopProcess(proc.child);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
