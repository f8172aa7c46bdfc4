import { mkdirSync } from 'node:fs';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS_KEY } from '../../../extension/background/accounts.js';
import { APPROVALS_KEY } from '../../../extension/background/approvals.js';
import { AUTO_LOCK_ALARM, UNLOCKED_KEY } from '../../../extension/background/lock.js';
import { type ExtensionBrowser, launchWithExtension } from '../../helpers/browser.js';
import {
  badgeText,
  countGatewayWindows,
  type GatewayStandIn,
  gatewayWindow,
  setRelayUrl,
  startGatewayStandIn,
  waitForValue,
} from '../../helpers/extension-pages.js';
import { typePin } from '../../helpers/gateway-driver.js';

const SHOTS = 'tests/screenshots';
const INIT = 'a1111111-1111-4111-8111-111111111111';
const TRANSFER = 'b2222222-2222-4222-8222-222222222222';
const EXPIRED = 'c3333333-3333-4333-8333-333333333333';
const UNKNOWN = 'd4444444-4444-4444-8444-444444444444';
const USED = 'e5555555-5555-4555-8555-555555555555';
const LOCKED = 'f6666666-6666-4666-8666-666666666666';
const NEWER_KIND = 'a7777777-7777-4777-8777-777777777777';
const RELAY_ERROR = 'b8888888-8888-4888-8888-888888888888';

let chromium: ExtensionBrowser;
let relay: GatewayStandIn;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  relay = await startGatewayStandIn({
    [INIT]: { status: 200, kind: 'initialize' },
    [TRANSFER]: {
      status: 200,
      kind: 'transfer',
      payload: {
        destinationAddress: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
        amount: '0.25',
        symbol: 'ETH',
        blockchain: 'ETH-SEPOLIA',
      },
    },
    [EXPIRED]: { status: 410 },
    [USED]: { status: 409 },
    [LOCKED]: { status: 200, kind: 'transfer', locked: true },
    [NEWER_KIND]: { status: 200, kind: 'teleport' },
    [RELAY_ERROR]: { status: 500 },
  });
  chromium = await launchWithExtension();
  await setRelayUrl(await chromium.worker(), relay.origin);
});
afterAll(async () => {
  await chromium?.close();
  await relay?.stop();
});

async function openRelayPage(challengeId: string): Promise<Page> {
  const page = await chromium.browser.newPage();
  await page.goto(`${relay.origin}/gateway/${challengeId}`);
  return page;
}

async function screen(page: Page, name: string): Promise<void> {
  await page.waitForSelector(`[data-screen="${name}"]`, { timeout: 10_000 });
}

/** Types digits with the keyboard into the PIN pad that has focus. */

const pinError = (page: Page) => page.$eval('[data-testid="pin-error"]', (el) => el.textContent ?? '');

let relayTab: Page;
let secondTab: Page;
let gateway: Page;

describe('the Gateway window in Chromium', () => {
  it('opens for a relay gateway page, which then says to continue in the Tandem window', async () => {
    const worker = await chromium.worker();
    relayTab = await openRelayPage(INIT);
    gateway = await gatewayWindow(chromium.browser, chromium.extensionId);
    await relayTab.waitForFunction(() => document.documentElement.dataset.tandemGateway === 'opened');
    const notice = await relayTab.$eval('#tandem-gateway-notice', (el) => el.shadowRoot?.textContent ?? '');
    expect(notice).toContain('Continue in the Tandem window');
    await relayTab.screenshot({ path: `${SHOTS}/relay-page-continue-in-window.png` });
    await screen(gateway, 'choose-pin');
    expect(await waitForValue(() => badgeText(worker), '1')).toBe('1');
  });

  it('queues a second request behind the first: one window, badge 2', async () => {
    const worker = await chromium.worker();
    secondTab = await openRelayPage(TRANSFER);
    await secondTab.waitForFunction(() => document.documentElement.dataset.tandemGateway === 'opened');
    expect(await waitForValue(() => badgeText(worker), '2')).toBe('2');
    expect(countGatewayWindows(chromium.browser, chromium.extensionId)).toBe(1);
    await screen(gateway, 'choose-pin'); // still the first request
  });

  it('takes a PIN from the keyboard, refuses a weak one and a mismatched confirmation, saying what to do', async () => {
    await gateway.screenshot({ path: `${SHOTS}/gateway-choose-pin.png` });
    await typePin(gateway, '123456');
    expect(await pinError(gateway)).toMatch(/Runs like 123456.*Choose another PIN/);
    await gateway.screenshot({ path: `${SHOTS}/gateway-choose-pin-weak.png` });
    // Letters are ignored; Backspace corrects the last digit.
    await gateway.keyboard.type('40a29');
    await gateway.keyboard.press('Backspace');
    await gateway.keyboard.type('917');
    await screen(gateway, 'confirm-pin');
    await gateway.screenshot({ path: `${SHOTS}/gateway-confirm-pin.png` });
    await typePin(gateway, '402918');
    await screen(gateway, 'choose-pin');
    expect(await pinError(gateway)).toContain('The two PINs were different');
    await gateway.screenshot({ path: `${SHOTS}/gateway-choose-pin-mismatch.png` });
    // Paste fills all six boxes at once.
    await gateway.$eval('[data-testid="pin-digit-0"]', (el) => {
      const data = new DataTransfer();
      data.setData('text/plain', '402 917');
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await screen(gateway, 'confirm-pin');
    await typePin(gateway, '402917');
    await screen(gateway, 'progress');
    await gateway.waitForSelector('[data-testid="progress-status"].error');
    await gateway.screenshot({ path: `${SHOTS}/gateway-setup-progress.png` });
  });

  it('closing the window rejects the shown request: its tab returns to the business with status=rejected, the next opens', async () => {
    const worker = await chromium.worker();
    await gateway.close();
    await relayTab.waitForFunction(() => location.pathname === '/back', { timeout: 10_000 });
    const back = new URL(relayTab.url());
    expect(back.searchParams.get('challengeId')).toBe(INIT);
    expect(back.searchParams.get('status')).toBe('rejected');
    expect(await waitForValue(() => badgeText(worker), '1')).toBe('1');
    gateway = await gatewayWindow(chromium.browser, chromium.extensionId);
    await screen(gateway, 'approval');
    expect(await gateway.$eval('[data-testid="approval-fields"]', (el) => el.textContent)).toContain(
      '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    );
    await gateway.screenshot({ path: `${SHOTS}/gateway-approval.png` });
    await gateway.click('[data-testid="approve"]');
    await screen(gateway, 'enter-pin');
    await gateway.screenshot({ path: `${SHOTS}/gateway-enter-pin.png` });
    await gateway.click('[data-testid="cancel"]');
    await screen(gateway, 'approval');
    await gateway.click('[data-testid="approve"]');
    await typePin(gateway, '402917');
    await screen(gateway, 'progress');
    await gateway.waitForSelector('[data-testid="progress-status"].error');
    // The stand-in relay's payload names no wallet of this device: Node 1 refuses before any ceremony.
    expect(await gateway.$eval('[data-testid="progress-status"]', (el) => el.textContent)).toContain(
      'Nothing was signed',
    );
    await gateway.screenshot({ path: `${SHOTS}/gateway-approval-not-available.png` });
  });

  it('keeps the queue when the service worker is stopped, and the restarted worker still handles the window', async () => {
    const before = await chromium.worker();
    await before.close();
    // The Gateway page asks the background again on reload; that wakes a fresh worker.
    await gateway.reload();
    await screen(gateway, 'approval');
    const worker = await chromium.worker();
    const stored = await worker.evaluate(async (key) => (await chrome.storage.session.get(key))[key], APPROVALS_KEY);
    expect(
      (stored as { items: Array<{ request: { challengeId: string } }> }).items.map((i) => i.request.challengeId),
    ).toEqual([TRANSFER]);
    // The popup explains the badge and brings the window back.
    const popup = await chromium.browser.newPage();
    await popup.setViewport({ width: 360, height: 520 });
    await popup.goto(`chrome-extension://${chromium.extensionId}/popup.html`);
    await popup.waitForSelector('[data-testid="pending"]');
    expect(await popup.$eval('[data-testid="pending"] h2', (el) => el.textContent)).toBe(
      '1 request is waiting for you',
    );
    await popup.screenshot({ path: `${SHOTS}/popup-pending.png` });
    await popup.click('[data-testid="show-gateway"]');
    expect(countGatewayWindows(chromium.browser, chromium.extensionId)).toBe(1);
    await popup.close().catch(() => undefined); // the popup may already have closed itself
    await gateway.click('[data-testid="reject"]');
    await secondTab.waitForFunction(() => location.pathname === '/back', { timeout: 10_000 });
    expect(new URL(secondTab.url()).searchParams.get('status')).toBe('rejected');
    expect(await waitForValue(() => badgeText(worker), '')).toBe('');
    await waitForValue(async () => countGatewayWindows(chromium.browser, chromium.extensionId), 0);
    expect(countGatewayWindows(chromium.browser, chromium.extensionId)).toBe(0);
  });

  it('shows a clear screen for an expired and for an unknown challenge', async () => {
    const expiredTab = await openRelayPage(EXPIRED);
    gateway = await gatewayWindow(chromium.browser, chromium.extensionId);
    await screen(gateway, 'problem-expired');
    await gateway.screenshot({ path: `${SHOTS}/gateway-expired.png` });
    const unknownTab = await openRelayPage(UNKNOWN);
    await unknownTab.waitForFunction(() => document.documentElement.dataset.tandemGateway === 'opened');
    await gateway.click('[data-testid="close"]');
    await screen(gateway, 'problem-unknown'); // the same window moves on to the next request
    await gateway.screenshot({ path: `${SHOTS}/gateway-unknown.png` });
    await gateway.click('[data-testid="close"]');
    await waitForValue(async () => countGatewayWindows(chromium.browser, chromium.extensionId), 0);
    await expiredTab.close();
    await unknownTab.close();
  });

  it('says what to do for a used, locked, newer-kind or unreadable request, and for a window with none', async () => {
    const tabs: Page[] = [];
    for (const [id, screenName] of [
      [USED, 'problem-used'],
      [LOCKED, 'problem-locked'],
      [NEWER_KIND, 'problem-unsupported'],
      [RELAY_ERROR, 'problem-unreachable'],
    ] as const) {
      tabs.push(await openRelayPage(id));
      gateway = await gatewayWindow(chromium.browser, chromium.extensionId);
      await screen(gateway, screenName);
      await gateway.screenshot({ path: `${SHOTS}/gateway-${screenName}.png` });
      await gateway.click('[data-testid="close"]');
      await waitForValue(async () => countGatewayWindows(chromium.browser, chromium.extensionId), 0);
    }
    for (const tab of tabs) await tab.close();
    const empty = await chromium.browser.newPage();
    await empty.setViewport({ width: 420, height: 600 });
    await empty.goto(`chrome-extension://${chromium.extensionId}/gateway.html#nothing`);
    await screen(empty, 'problem-no-request');
    await empty.screenshot({ path: `${SHOTS}/gateway-problem-no-request.png` });
    await empty.close();
  });

  it('ignores a gateway page that is not on the configured relay', async () => {
    const worker = await chromium.worker();
    await setRelayUrl(worker, 'http://127.0.0.1:8787');
    const tab = await openRelayPage(TRANSFER);
    await tab.waitForFunction(() => document.documentElement.dataset.tandemGateway === 'refused');
    await tab.screenshot({ path: `${SHOTS}/relay-page-wrong-relay.png` });
    expect(countGatewayWindows(chromium.browser, chromium.extensionId)).toBe(0);
    await setRelayUrl(worker, relay.origin);
    await tab.close();
  });
});

describe('the device key in Chromium', () => {
  it('is a non-extractable P-256 key kept in IndexedDB, whose public key exports raw', async () => {
    const worker = await chromium.worker();
    const key = await worker.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open('tandem');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const pair = await new Promise<CryptoKeyPair>((resolve, reject) => {
        const req = db.transaction('device-key').objectStore('device-key').get('current');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
      return {
        extractable: pair.privateKey.extractable,
        curve: (pair.privateKey.algorithm as EcKeyAlgorithm).namedCurve,
        rawLength: raw.length,
      };
    });
    expect(key).toEqual({ extractable: false, curve: 'P-256', rawLength: 65 });
  });
});

describe('WebAssembly under the extension CSP', () => {
  it('compiles in the service worker, where Argon2id (hash-wasm) runs for the PIN guard', async () => {
    const worker = await chromium.worker();
    // The smallest valid module: magic + version. 'wasm-unsafe-eval' in the CSP is what allows it.
    const compiled = await worker.evaluate(async () => {
      const module = await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
      return module instanceof WebAssembly.Module;
    });
    expect(compiled).toBe(true);
  });
});

describe('lock state in Chromium', () => {
  const unlockedFor = (ms: number) =>
    chromium.worker().then((worker) =>
      worker.evaluate(
        async (key, alarm, delay) => {
          const lockAt = Date.now() + delay;
          await chrome.storage.session.set({ [key]: { material: { share: 'aa'.repeat(32) }, lockAt } });
          await chrome.alarms.create(alarm, { when: lockAt });
        },
        UNLOCKED_KEY,
        AUTO_LOCK_ALARM,
        ms,
      ),
    );
  const unlockedInSession = async () => {
    const worker = await chromium.worker();
    return worker.evaluate(async (key) => (await chrome.storage.session.get(key))[key] !== undefined, UNLOCKED_KEY);
  };

  it('wipes the unlocked material when the auto-lock alarm wakes a stopped worker', async () => {
    await unlockedFor(2_000);
    expect(await unlockedInSession()).toBe(true);
    await (await chromium.worker()).close();
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await waitForValue(unlockedInSession, false, 15_000)).toBe(false);
  });

  it('stays unlocked across a worker restart, and locks at once from the popup’s Lock button', async () => {
    await unlockedFor(10 * 60_000);
    await (await chromium.worker()).close(); // the new worker must find the unlock in storage.session
    const page = await chromium.browser.newPage();
    await page.setViewport({ width: 360, height: 420 });
    await page.goto(`chrome-extension://${chromium.extensionId}/popup.html`);
    await page.waitForSelector('#lock:not([hidden])');
    await page.screenshot({ path: `${SHOTS}/popup-unlocked.png` });
    await page.click('#lock');
    await page.waitForSelector('#lock-state:not([hidden])');
    expect(await unlockedInSession()).toBe(false);
    await page.close();
  });
});

describe('the popup in Chromium', () => {
  it('shows the empty accounts state and validates the relay URL in settings', async () => {
    const page = await chromium.browser.newPage();
    await page.setViewport({ width: 360, height: 480 });
    await page.goto(`chrome-extension://${chromium.extensionId}/popup.html`);
    await page.waitForSelector('[data-testid="accounts-empty"]');
    await page.waitForFunction(() => document.getElementById('status')?.className.includes('ok'));
    await page.screenshot({ path: `${SHOTS}/popup-accounts-empty.png` });
    await page.click('#open-settings');
    await page.waitForFunction(() => (document.getElementById('relayUrl') as HTMLInputElement)?.value !== '');
    await page.$eval('#relayUrl', (el) => {
      (el as HTMLInputElement).value = '';
    });
    await page.type('#relayUrl', 'http://relay.example.com');
    await page.click('#saveSettings');
    await page.waitForFunction(() => document.getElementById('relayUrl-error')?.textContent !== '');
    expect(await page.$eval('#relayUrl-error', (el) => el.textContent)).toContain('https://');
    await page.screenshot({ path: `${SHOTS}/popup-settings-invalid.png` });
    await page.$eval('#relayUrl', (el) => {
      (el as HTMLInputElement).value = '';
    });
    await page.type('#relayUrl', `${relay.origin}/`);
    await page.select('#autoLockMinutes', '5');
    await page.click('#saveSettings');
    await page.waitForFunction(() => document.getElementById('settings-status')?.textContent === 'Saved.');
    const worker = await chromium.worker();
    const saved = await worker.evaluate(
      async () => (await chrome.storage.local.get('tandem.settings'))['tandem.settings'],
    );
    expect(saved).toEqual({ relayUrl: relay.origin, autoLockMinutes: 5 });
    await page.screenshot({ path: `${SHOTS}/popup-settings-saved.png` });
    await page.close();
  });

  it('lists accounts by chain once wallets exist', async () => {
    const worker = await chromium.worker();
    await worker.evaluate(async (key) => {
      await chrome.storage.local.set({
        [key]: {
          v: 1,
          accounts: [
            { chain: 'evm', address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', label: 'Account 1' },
            { chain: 'bitcoin', address: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', label: 'Native SegWit' },
            { chain: 'solana', address: '7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV', label: 'Account 1' },
          ],
        },
      });
    }, ACCOUNTS_KEY);
    const page = await chromium.browser.newPage();
    await page.setViewport({ width: 360, height: 600 });
    await page.goto(`chrome-extension://${chromium.extensionId}/popup.html`);
    await page.waitForSelector('[data-testid="accounts"]');
    const headings = await page.$$eval('[data-testid="accounts"] h2', (els) => els.map((e) => e.textContent));
    expect(headings).toEqual(['Ethereum & EVM', 'Bitcoin', 'Solana', 'NEAR']);
    expect(await page.$eval('[data-testid="accounts"]', (el) => el.textContent)).toContain(
      'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4',
    );
    await page.screenshot({ path: `${SHOTS}/popup-accounts.png`, fullPage: true });
    await worker.evaluate(async (key) => chrome.storage.local.remove(key), ACCOUNTS_KEY);
    await page.close();
  });
});
