/**
 * Launches Debian's Chromium with the built extension (.output/chrome-mv3) through puppeteer, with
 * the flags this machine needs (toolchain.md): no sandbox as root, no background networking, and
 * every host but loopback unresolvable.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type WebWorker } from 'puppeteer';
import { EXTENSION_ID } from '../../extension/identity.js';

/** The built extension; TANDEM_EXTENSION_DIR points at a private copy when several builds share the checkout. */
export const EXTENSION_DIR = resolve(process.env.TANDEM_EXTENSION_DIR ?? '.output/chrome-mv3');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';

export interface ExtensionBrowser {
  browser: Browser;
  extensionId: string;
  userDataDir: string;
  /** The extension's service worker, ready for `evaluate`. */
  worker(): Promise<WebWorker>;
  close(): Promise<void>;
}

/**
 * `extensionDir`: a private copy of `.output/chrome-mv3` (see tests/e2e/extension/pin-change.test.ts), so a `wxt build` run by
 * someone else meanwhile cannot swap the files under a running test.
 */
export async function launchWithExtension(
  options: { userDataDir?: string; extensionDir?: string } = {},
): Promise<ExtensionBrowser> {
  const extensionDir = options.extensionDir ?? EXTENSION_DIR;
  if (!existsSync(join(extensionDir, 'manifest.json'))) {
    throw new Error(`no built extension in ${extensionDir}: run "npx wxt build" first (npm test does)`);
  }
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'tandem-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    enableExtensions: true,
    userDataDir,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-domain-reliability',
      '--disable-features=MediaRouter,OptimizationHints,Translate,AutofillServerCommunication,NetworkTimeServiceQuerying',
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost',
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
    ],
  });
  const findWorker = async () => {
    const target = await browser.waitForTarget(
      (t) => t.type() === 'service_worker' && t.url() === `chrome-extension://${EXTENSION_ID}/background.js`,
      { timeout: 20_000 },
    );
    const worker = await target.worker();
    if (!worker) throw new Error('the extension service worker target has no worker');
    // Rarely the worker's globals are not ready right after attaching: poll until chrome.runtime exists.
    for (let i = 0; i < 50; i++) {
      if (await worker.evaluate(() => typeof chrome !== 'undefined' && !!chrome.runtime?.id).catch(() => false))
        return worker;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the extension service worker never became ready');
  };
  return {
    browser,
    extensionId: EXTENSION_ID,
    userDataDir,
    worker: findWorker,
    async close() {
      await browser.close();
      if (!options.userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
