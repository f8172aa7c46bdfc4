/**
 * Restore on a new browser profile, in Chromium against a real relay (PGlite, HTTP, /v2/mpc): a
 * customer set up in profile A opens a sign-message challenge in a fresh profile B (no local bundle,
 * a device key the relay has never seen). With the PIN, B unlocks the relay's copy, is admitted by
 * the relay (PIN proof + device-key signature), keeps the copy, signs — viem verifies — and its popup
 * lists the customer's wallets. A wrong PIN on B is counted like any other.
 */
import { mkdirSync } from 'node:fs';
import { verifyMessage } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS_KEY } from '../../../extension/background/accounts.js';
import { WALLETS_KEY } from '../../../extension/background/wallet-store.js';
import { type ExtensionBrowser, launchWithExtension } from '../../helpers/browser.js';
import { setRelayUrl } from '../../helpers/extension-pages.js';
import { startTestRelay, type TestRelay } from '../../helpers/relay.js';
import {
  approveWithPin,
  type Business,
  challenge,
  customerWallets,
  onboardWithWallets,
  openGateway,
  readChallenge,
  returnedTo,
  SHOTS,
  screen,
  shot,
  typePin,
} from './export-flow-helpers.js';

const PIN = '630582';

let relay: TestRelay;
let original: ExtensionBrowser;
let restored: ExtensionBrowser;
let business: Business;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  relay = await startTestRelay();
  original = await launchWithExtension();
  await setRelayUrl(await original.worker(), new URL(relay.url).origin);
  const customer = await relay.call('POST', '/v2/customers', { name: 'Noor', refId: crypto.randomUUID() });
  business = { relay, customerId: customer.json.data.id };
  await onboardWithWallets(original, business, PIN, ['EVM-LOCAL', 'SOL-DEVNET']);
  // The original profile is gone (a new computer); only the relay's copy is left.
  await original.close();
  restored = await launchWithExtension();
  await setRelayUrl(await restored.worker(), new URL(relay.url).origin);
});
afterAll(async () => {
  await restored?.close();
  await relay?.stop();
});

async function storedOnDevice(key: string): Promise<unknown> {
  return (await restored.worker()).evaluate(async (k) => (await chrome.storage.local.get(k))[k], key);
}

describe('restore on a new browser profile', () => {
  it('a wrong PIN on the new profile says how many tries are left and admits nothing', async () => {
    const evm = (await customerWallets(business)).find((w) => w.blockchain === 'EVM-LOCAL');
    const { redirectUrl } = await challenge(business, 'sign/message', { walletId: evm.id, message: 'wrong pin' });
    const { tab, gateway } = await openGateway(restored, redirectUrl);
    await screen(gateway, 'approval');
    await gateway.click('[data-testid="approve"]');
    await screen(gateway, 'enter-pin');
    await typePin(gateway, '917253');
    await gateway.waitForFunction(
      () => document.querySelector('[data-testid="pin-error"]')?.textContent?.includes('Wrong PIN'),
      { timeout: 30_000 },
    );
    expect(await gateway.$eval('[data-testid="pin-error"]', (el) => el.textContent)).toContain('4 tries left');
    await shot(gateway, 'restore-wrong-pin');
    expect(await storedOnDevice(WALLETS_KEY)).toBeUndefined();
    const devices = await relay.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM mpc_devices WHERE customer_id = $1',
      [business.customerId],
    );
    expect(devices.rows[0]?.n).toBe(1);
    await gateway.close();
    await tab.close();
  });

  it('unlocks the relay copy with the PIN, registers this device, signs a message viem verifies, and lists the accounts', async () => {
    const wallets = await customerWallets(business);
    const evm = wallets.find((w) => w.blockchain === 'EVM-LOCAL');
    const message = 'Welcome back to Acme Shop\nNonce: 51c0';
    const { challengeId, redirectUrl } = await challenge(business, 'sign/message', { walletId: evm.id, message });
    const { tab, gateway } = await openGateway(restored, redirectUrl);
    await approveWithPin(gateway, 'restore-sign-message', PIN);
    expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
    const { result } = await readChallenge(business, challengeId);
    expect(await verifyMessage({ address: evm.address, message, signature: result.signature as `0x${string}` })).toBe(
      true,
    );
    await gateway.close();
    await tab.close();

    // The new profile keeps the PIN copy (wrapped, never clear), and the relay knows two devices now.
    expect(JSON.stringify(await storedOnDevice(WALLETS_KEY))).toContain('"method":"pin"');
    const devices = await relay.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM mpc_devices WHERE customer_id = $1',
      [business.customerId],
    );
    expect(devices.rows[0]?.n).toBe(2);
    const audit = await relay.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'mpc.device.admitted' AND customer_id = $1",
      [business.customerId],
    );
    expect(audit.rows[0]?.n).toBe(1);

    // The popup lists the customer's wallets.
    expect(JSON.stringify(await storedOnDevice(ACCOUNTS_KEY))).toContain(evm.address);
    const popup = await restored.browser.newPage();
    await popup.setViewport({ width: 360, height: 600 });
    await popup.goto(`chrome-extension://${restored.extensionId}/popup.html`);
    await popup.waitForSelector('[data-testid="accounts"]');
    const listed = await popup.$eval('[data-testid="accounts"]', (el) => el.textContent ?? '');
    for (const w of wallets) expect(listed).toContain(w.address);
    await shot(popup, 'restore-popup-accounts');
    await popup.close();
  });

  it('creates another EVM wallet on the restored profile; the re-wrapped copy signs for it', async () => {
    const before = (await customerWallets(business)).map((w) => w.address);
    const created = await challenge(business, 'wallet/create', { blockchains: ['EVM-LOCAL'], accountType: 'eoa' });
    const flow = await openGateway(restored, created.redirectUrl);
    await approveWithPin(flow.gateway, 'restore-wallet-create', PIN);
    expect((await returnedTo(flow.tab, created.challengeId)).get('status')).toBe('verified');
    await flow.gateway.close();
    await flow.tab.close();
    const added = (await customerWallets(business)).find((w) => !before.includes(w.address));
    expect(added?.derivationPath).toBe('m/0/1');
    expect(JSON.stringify(await storedOnDevice(ACCOUNTS_KEY))).toContain(added.address);

    const message = 'From the second EVM wallet';
    const { challengeId, redirectUrl } = await challenge(business, 'sign/message', { walletId: added.id, message });
    const { tab, gateway } = await openGateway(restored, redirectUrl);
    await approveWithPin(gateway, 'restore-sign-new-wallet', PIN);
    expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
    const { result } = await readChallenge(business, challengeId);
    expect(await verifyMessage({ address: added.address, message, signature: result.signature as `0x${string}` })).toBe(
      true,
    );
    await gateway.close();
    await tab.close();
  });

  it('signs again on the restored profile from its own copy (no second admission)', async () => {
    const sol = (await customerWallets(business)).find((w) => w.blockchain === 'SOL-DEVNET');
    const message = 'Solana, again';
    const { challengeId, redirectUrl } = await challenge(business, 'sign/message', { walletId: sol.id, message });
    const { tab, gateway } = await openGateway(restored, redirectUrl);
    await approveWithPin(gateway, 'restore-sign-again', PIN);
    expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
    const audit = await relay.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'mpc.device.admitted' AND customer_id = $1",
      [business.customerId],
    );
    expect(audit.rows[0]?.n).toBe(1);
    await gateway.close();
    await tab.close();
  });

  it('a third profile whose first request is an export restores itself, then exports keys that match', async () => {
    const third = await launchWithExtension();
    try {
      await setRelayUrl(await third.worker(), new URL(relay.url).origin);
      const { challengeId, redirectUrl } = await challenge(business, 'export-private-keys');
      const { tab, gateway } = await openGateway(third, redirectUrl);
      await screen(gateway, 'export-warning');
      await gateway.click('[data-testid="export-understood"]');
      await gateway.click('[data-testid="approve"]');
      await screen(gateway, 'enter-pin');
      await typePin(gateway, PIN);
      await screen(gateway, 'export-result', 60_000);
      await shot(gateway, 'restore-then-export');
      expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
      const csv = await gateway.$eval('[data-testid="export-file"]', async (a) =>
        (await fetch((a as HTMLAnchorElement).href)).text(),
      );
      for (const w of await customerWallets(business)) expect(csv).toContain(w.address);
      const evmRow = csv.split('\r\n').find((line) => line.includes(',EVM-LOCAL,m/0/0,')) as string;
      const evm = (await customerWallets(business)).find(
        (w) => w.derivationPath === 'm/0/0' && w.blockchain === 'EVM-LOCAL',
      );
      expect(privateKeyToAccount(evmRow.split(',')[1] as `0x${string}`).address).toBe(evm.address);
      await gateway.close();
      await tab.close();
    } finally {
      await third.close();
    }
  });
});
