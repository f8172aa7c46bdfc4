/**
 * Shared by the export and restore e2e tests: the business side through the REST API, the user in
 * the Gateway window of a Chromium profile (onboarding with a PIN and a recovery kit, approvals).
 */
import type { Page } from 'puppeteer';
import { expect } from 'vitest';
import type { ExtensionBrowser } from '../../helpers/browser.js';
import { gatewayWindow } from '../../helpers/extension-pages.js';
import { createGatewayDriver, onboardWithKit, waitForScreen as screen, typePin } from '../../helpers/gateway-driver.js';
import type { TestRelay } from '../../helpers/relay.js';

export { screen, typePin };

export const SHOTS = '.tmp/screenshots';

export interface Business {
  relay: TestRelay;
  customerId: string;
}

/** The business asks for a challenge; returns its id and the relay page the user is sent to. */
export async function challenge(business: Business, path: string, body: Record<string, unknown> = {}) {
  const created = await business.relay.call('POST', `/v2/customers/${business.customerId}/${path}`, {
    ...body,
    redirectUrl: `${business.relay.url}/demo`,
    idempotencyKey: crypto.randomUUID(),
  });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  return { challengeId: created.json.data.challengeId as string, redirectUrl: created.json.data.redirectUrl as string };
}

export async function readChallenge(business: Business, challengeId: string) {
  return (await business.relay.call('GET', `/v2/customers/${business.customerId}/challenges/${challengeId}`)).json.data;
}

/** Opens the relay's gateway page in a tab (the user following the business's link) and the Gateway window. */
export async function openGateway(
  chromium: ExtensionBrowser,
  redirectUrl: string,
): Promise<{ tab: Page; gateway: Page }> {
  const tab = await chromium.browser.newPage();
  await tab.goto(redirectUrl);
  const gateway = await gatewayWindow(chromium.browser, chromium.extensionId);
  await gateway.setViewport({ width: 420, height: 720 });
  return { tab, gateway };
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

export async function returnedTo(tab: Page, challengeId: string): Promise<URLSearchParams> {
  await tab.waitForFunction(() => location.pathname === '/demo' && location.search.includes('status='), {
    timeout: 15_000,
  });
  const back = new URL(tab.url()).searchParams;
  expect(back.get('challengeId')).toBe(challengeId);
  return back;
}

/** Approve → PIN → done. */
export async function approveWithPin(gateway: Page, name: string, pin: string): Promise<void> {
  await screen(gateway, 'approval');
  await shot(gateway, `${name}-approval`);
  await gateway.click('[data-testid="approve"]');
  await screen(gateway, 'enter-pin');
  await typePin(gateway, pin);
  await screen(gateway, 'progress');
  try {
    await screen(gateway, 'done', 90_000);
  } catch (error) {
    await shot(gateway, `${name}-failed`);
    throw error;
  }
  await shot(gateway, `${name}-done`);
}

/** Onboarding with a PIN and a recovery kit, then wallet creation on `blockchains`. */
export async function onboardWithWallets(
  chromium: ExtensionBrowser,
  business: Business,
  pin: string,
  blockchains: string[],
): Promise<void> {
  const driver = createGatewayDriver({
    browser: chromium.browser,
    extensionId: chromium.extensionId,
    call: business.relay.call,
    customerId: business.customerId,
    returnUrl: `${business.relay.url}/demo`,
  });
  await onboardWithKit(driver, pin);

  const { challengeId, redirectUrl } = await challenge(business, 'wallet/create', { blockchains, accountType: 'eoa' });
  const { tab, gateway } = await openGateway(chromium, redirectUrl);
  await approveWithPin(gateway, 'export-setup-wallet-create', pin);
  expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
  await gateway.close();
  await tab.close();
}

export async function customerWallets(business: Business): Promise<any[]> {
  return (await business.relay.call('GET', `/v2/wallets?customerId=${business.customerId}`)).json.data.wallets;
}
