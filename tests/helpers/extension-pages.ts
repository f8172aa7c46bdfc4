/**
 * Helpers for e2e tests of the extension's pages: a stand-in for the relay's Gateway page and
 * Gateway JSON API (until the relay's own page is served by the test relay), the Gateway window
 * target, the toolbar badge and the extension's settings.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page, WebWorker } from 'puppeteer';
import { SETTINGS_KEY } from '../../extension/background/settings.js';

export type StandInChallenge =
  | { status: 404 | 409 | 410 | 500 }
  | { status: 200; kind: string; payload?: Record<string, unknown>; locked?: boolean };

export interface GatewayStandIn {
  origin: string;
  /** The business page the user returns to (`/back?challengeId=…&status=…`). */
  returnUrl: string;
  stop(): Promise<void>;
}

/**
 * Serves `/gateway/:id` (an HTML page with `<meta name="tandem-gateway">`, like the relay's),
 * `/v2/gateway/challenges/:id` (the relay's Gateway API shape, CORS for extension origins) and `/back`.
 */
export async function startGatewayStandIn(challenges: Record<string, StandInChallenge>): Promise<GatewayStandIn> {
  let origin = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const page = /^\/gateway\/([^/]+)$/.exec(url.pathname);
    const api = /^\/v2\/gateway\/challenges\/([^/]+)$/.exec(url.pathname);
    if (page) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Acme Shop · Tandem Gateway</title>
<meta name="tandem-gateway" content="${page[1]}"></head>
<body style="font:16px system-ui;margin:40px"><h1>Approve with Tandem</h1>
<p>Acme Shop sent you here to approve a request with your Tandem wallet.</p></body></html>`);
      return;
    }
    if (api) {
      const requestOrigin = req.headers.origin ?? '';
      const cors: Record<string, string> = /^chrome-extension:\/\/[a-p]{32}$/.test(requestOrigin)
        ? { 'access-control-allow-origin': requestOrigin, vary: 'Origin' }
        : {};
      const entry = challenges[api[1] as string] ?? { status: 404 };
      res.writeHead(entry.status, { 'content-type': 'application/json', ...cors });
      if (entry.status !== 200) {
        res.end(JSON.stringify({ success: false, status: entry.status, message: 'unavailable', error: { code: 'x' } }));
        return;
      }
      res.end(
        JSON.stringify({
          success: true,
          status: 200,
          message: 'Challenge retrieved',
          data: {
            id: api[1],
            kind: entry.kind,
            status: 'pending',
            expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
            customerId: '00000000-0000-4000-8000-0000000000c1',
            hasPin: entry.kind !== 'initialize',
            hasRecovery: entry.kind !== 'initialize',
            locked: entry.locked ?? false,
            businessName: 'Acme Shop',
            payload: entry.payload ?? null,
            storedCopies: [],
            returnUrl: `${origin}/back`,
          },
        }),
      );
      return;
    }
    if (url.pathname === '/back') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Back at Acme Shop</title><h1>Back at Acme Shop</h1>');
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    returnUrl: `${origin}/back`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Points the extension at `relayUrl` (the same storage.local record the settings screen writes). */
export async function setRelayUrl(worker: WebWorker, relayUrl: string): Promise<void> {
  await worker.evaluate(
    async (key, url) => {
      await chrome.storage.local.set({ [key]: { relayUrl: url, autoLockMinutes: 15 } });
    },
    SETTINGS_KEY,
    relayUrl,
  );
}

export async function badgeText(worker: WebWorker): Promise<string> {
  return worker.evaluate(() => chrome.action.getBadgeText({}));
}

/** Polls `read` until it returns `expected` (badge updates and navigations are asynchronous). */
export async function waitForValue<T>(read: () => Promise<T>, expected: T, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T = await read();
  while (last !== expected && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    last = await read();
  }
  return last;
}

function gatewayTargets(browser: Browser, extensionId: string) {
  return browser
    .targets()
    .filter((t) => t.type() === 'page' && t.url().startsWith(`chrome-extension://${extensionId}/gateway.html`));
}

/** The one Gateway window's page (waits for it to appear). */
export async function gatewayWindow(browser: Browser, extensionId: string, approvalId?: string): Promise<Page> {
  const target = await browser.waitForTarget(
    (t) =>
      t.type() === 'page' &&
      t.url().startsWith(`chrome-extension://${extensionId}/gateway.html`) &&
      (approvalId === undefined || t.url().endsWith(`#${approvalId}`)),
    { timeout: 10_000 },
  );
  const page = await target.asPage();
  if (!page) throw new Error('the Gateway target has no page');
  return page;
}

export function countGatewayWindows(browser: Browser, extensionId: string): number {
  return gatewayTargets(browser, extensionId).length;
}
