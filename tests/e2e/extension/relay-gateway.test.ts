/**
 * The extension against the real relay (PGlite, real HTTP): a business creates an `initialize`
 * challenge through the REST API, the user opens its redirectUrl, and the relay's own /gateway page
 * makes the extension open the Gateway window, which reads the challenge from the relay's Gateway API.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from '../../helpers/browser.js';
import {
  badgeText,
  countGatewayWindows,
  gatewayWindow,
  setRelayUrl,
  waitForValue,
} from '../../helpers/extension-pages.js';
import { startTestRelay, type TestRelay } from '../../helpers/relay.js';

const SHOTS = 'tests/screenshots';

let relay: TestRelay;
let chromium: ExtensionBrowser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  relay = await startTestRelay();
  chromium = await launchWithExtension();
  await setRelayUrl(await chromium.worker(), new URL(relay.url).origin);
});
afterAll(async () => {
  await chromium?.close();
  await relay?.stop();
});

describe('the Gateway with the real relay', () => {
  it('opens from the relay’s /gateway page for an initialize challenge and asks for a new PIN', async () => {
    const customer = await relay.call('POST', '/v2/customers', { name: 'Grace Hopper', refId: 'grace-gw' });
    expect(customer.status).toBe(201);
    const created = await relay.call('POST', `/v2/customers/${customer.json.data.id}/initialize`, {
      redirectUrl: `${relay.url}/demo`,
    });
    expect(created.status).toBe(201);
    const { challengeId, redirectUrl } = created.json.data;

    const tab = await chromium.browser.newPage();
    await tab.goto(redirectUrl);
    await tab.waitForFunction(() => document.documentElement.dataset.tandemGateway === 'opened');
    // The relay page's own status line now points to the window, and its install hint is hidden.
    expect(await tab.$eval('[data-tandem-gateway-status]', (el) => el.textContent)).toContain(
      'Continue in the Tandem window',
    );
    await tab.screenshot({ path: `${SHOTS}/relay-gateway-page-opened.png`, fullPage: true });

    const gateway = await gatewayWindow(chromium.browser, chromium.extensionId);
    await gateway.waitForSelector('[data-screen="choose-pin"]', { timeout: 10_000 });
    const stored = await (await chromium.worker()).evaluate(
      async () => (await chrome.storage.session.get('tandem.approvals'))['tandem.approvals'],
    );
    expect((stored as { items: Array<{ request: { challengeId: string } }> }).items[0]?.request.challengeId).toBe(
      challengeId,
    );
    await gateway.screenshot({ path: `${SHOTS}/relay-gateway-choose-pin.png` });

    await gateway.close();
    const worker = await chromium.worker();
    expect(await waitForValue(() => badgeText(worker), '')).toBe('');
    expect(countGatewayWindows(chromium.browser, chromium.extensionId)).toBe(0);
    await tab.close();
  });

  it('does not open a window for an unknown challenge: the relay page explains it', async () => {
    const tab = await chromium.browser.newPage();
    await tab.goto(`${relay.url}/gateway/0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b`);
    await new Promise((r) => setTimeout(r, 500));
    expect(await tab.evaluate(() => document.documentElement.dataset.tandemGateway ?? null)).toBeNull();
    expect(countGatewayWindows(chromium.browser, chromium.extensionId)).toBe(0);
    await tab.close();
  });
});
