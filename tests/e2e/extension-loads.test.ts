import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOT_LOG_KEY } from '../../extension/background/boot-log.js';
import { type ExtensionBrowser, launchWithExtension } from '../helpers/browser.js';
import { startTestRelay, type TestRelay } from '../helpers/relay.js';

const SCREENSHOTS = 'tests/screenshots';

let relay: TestRelay;
let chromium: ExtensionBrowser;
beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  relay = await startTestRelay();
  chromium = await launchWithExtension();
});
afterAll(async () => {
  await chromium?.close();
  await relay?.stop();
});

describe('the built extension in Chromium', () => {
  it('starts its service worker with the stable id and records the boot in storage.session', async () => {
    const worker = await chromium.worker();
    expect(worker.url()).toBe(`chrome-extension://${chromium.extensionId}/background.js`);
    const manifest = await worker.evaluate(() => chrome.runtime.getManifest());
    expect(manifest.manifest_version).toBe(3);
    expect(manifest.content_security_policy).toMatchObject({
      extension_pages: expect.stringContaining("'wasm-unsafe-eval'"),
    });
    const boots = await worker.evaluate(async (key) => (await chrome.storage.session.get(key))[key], BOOT_LOG_KEY);
    expect(Array.isArray(boots) && boots.length >= 1).toBe(true);
  });

  it('opens the popup, which reaches the service worker', async () => {
    const page = await chromium.browser.newPage();
    await page.goto(`chrome-extension://${chromium.extensionId}/popup.html`);
    await page.waitForFunction(() => document.getElementById('status')?.className.includes('ok'), { timeout: 10_000 });
    expect(await page.$eval('#status', (el) => el.textContent)).toContain('Wallet service running');
    await page.screenshot({ path: `${SCREENSHOTS}/popup-empty.png` });
    await page.close();
  });

  it('opens the demo page and creates a customer through the real API', async () => {
    const page = await chromium.browser.newPage();
    await page.goto(`${relay.url}/demo`);
    await page.type('#apiKey', relay.apiKey);
    await page.click('#saveKey');
    await page.type('#name', 'Grace Hopper');
    await page.type('#refId', 'grace-1');
    await page.click('#createForm button[type=submit]');
    await page.waitForFunction(() => document.getElementById('customers')?.textContent?.includes('Grace Hopper'), {
      timeout: 10_000,
    });
    const list = await relay.call('GET', '/v2/customers');
    expect(list.json.data.customers.map((c: { refId: string }) => c.refId)).toContain('grace-1');
    // The new customer is selected: start a PIN setup challenge from the console.
    await page.waitForSelector('#customerPanel:not([hidden])');
    await page.click('button[data-action="initialize"]');
    await page.waitForFunction(() => document.getElementById('challenges')?.textContent?.includes('pending'), {
      timeout: 10_000,
    });
    expect(await page.$eval('#actionStatus a', (a) => (a as HTMLAnchorElement).href)).toMatch(
      /\/gateway\/[0-9a-f-]{36}$/,
    );
    await page.screenshot({ path: `${SCREENSHOTS}/demo-customers.png`, fullPage: true });
    await page.close();
  });
});
