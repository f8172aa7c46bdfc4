/**
 * Drives the extension's Gateway window in Chromium the way a person does, with the business side
 * played through the relay's REST API: create a challenge, follow its redirect URL, wait for screens
 * by their `data-screen` name, type the PIN. Used by the `gateway` benchmarks (and usable by e2e tests).
 */
import type { Browser, Page } from 'puppeteer';
import type { ApiCall } from './api-caller.js';
import { gatewayWindow } from './extension-pages.js';

export interface GatewayDriver {
  /** The business asks for a challenge (`path` below /v2/customers/:id/); returns id and redirect URL. */
  challenge(path: string, body?: Record<string, unknown>): Promise<{ challengeId: string; redirectUrl: string }>;
  /** Opens the redirect URL in a tab (the extension opens its Gateway window) and returns both pages. */
  open(redirectUrl: string): Promise<{ tab: Page; gateway: Page }>;
}

export function createGatewayDriver(p: {
  browser: Browser;
  extensionId: string;
  call: ApiCall;
  customerId: string;
  returnUrl: string;
}): GatewayDriver {
  return {
    async challenge(path, body = {}) {
      const created = await p.call('POST', `/v2/customers/${p.customerId}/${path}`, {
        ...body,
        redirectUrl: p.returnUrl,
        idempotencyKey: crypto.randomUUID(),
      });
      if (created.status !== 201) throw new Error(`${path}: ${created.status} ${JSON.stringify(created.json)}`);
      return { challengeId: created.json.data.challengeId, redirectUrl: created.json.data.redirectUrl };
    },
    async open(redirectUrl) {
      const tab = await p.browser.newPage();
      await tab.goto(redirectUrl);
      const gateway = await gatewayWindow(p.browser, p.extensionId);
      await gateway.setViewport({ width: 420, height: 720 });
      return { tab, gateway };
    },
  };
}

export async function waitForScreen(page: Page, name: string, timeout = 20_000): Promise<void> {
  await page.waitForSelector(`[data-screen="${name}"]`, { timeout });
}

export async function typePin(page: Page, pin: string): Promise<void> {
  await page.waitForFunction(() => (document.activeElement as HTMLElement | null)?.dataset.testid === 'pin-digit-0', {
    timeout: 5_000,
  });
  await page.keyboard.type(pin);
}

/** Approve → PIN → done; returns milliseconds from the last PIN digit to the done screen. */
export async function approveWithPin(gateway: Page, pin: string, timeout = 90_000): Promise<number> {
  await waitForScreen(gateway, 'approval');
  await gateway.click('[data-testid="approve"]');
  await waitForScreen(gateway, 'enter-pin');
  await gateway.waitForFunction(
    () => (document.activeElement as HTMLElement | null)?.dataset.testid === 'pin-digit-0',
    { timeout: 5_000 },
  );
  await gateway.keyboard.type(pin.slice(0, -1));
  const started = performance.now();
  await gateway.keyboard.type(pin.slice(-1));
  await waitForScreen(gateway, 'done', timeout);
  return performance.now() - started;
}

/** Onboarding with the quickest recovery method (the recovery kit): PIN twice, kit saved, finish. */
export async function onboardWithKit(driver: GatewayDriver, pin: string): Promise<void> {
  const { redirectUrl } = await driver.challenge('initialize');
  const { tab, gateway } = await driver.open(redirectUrl);
  await waitForScreen(gateway, 'choose-pin');
  await typePin(gateway, pin);
  await waitForScreen(gateway, 'confirm-pin');
  await typePin(gateway, pin);
  await waitForScreen(gateway, 'recovery-setup', 30_000);
  await gateway.click('[data-testid="recovery-kit"]');
  await waitForScreen(gateway, 'recovery-kit');
  await gateway.click('[data-testid="kit-saved-check"]');
  await gateway.click('[data-testid="kit-saved"]');
  await waitForScreen(gateway, 'recovery-setup');
  await gateway.waitForSelector('[data-testid="recovery-kit"].done');
  await gateway.click('[data-testid="finish-setup"]');
  await waitForScreen(gateway, 'done', 30_000);
  await gateway.close();
  await tab.close();
}
