/**
 * The toolbar popup's overview in Chromium against a real relay (PGlite) with anvil: after onboarding
 * and a wallet-create approved in the Gateway, the EVM wallet is funded by anvil's funder; the popup
 * shows its balance (asked of the relay as this device over /v2/mpc), a Solana wallet whose node is
 * down as "couldn't load — Retry", a copy button that says "Copied" and really fills the clipboard, and
 * the recent activity, including a transfer approved afterwards. Screenshots: .tmp/screenshots/popup-*.png.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer';
import { createPublicClient, createWalletClient, getAddress, http, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertWallet } from '../../../relay/wallets/store.js';
import { EXTENSION_DIR, type ExtensionBrowser, launchWithExtension } from '../../helpers/browser.js';
import { ANVIL_FUNDER_KEY, type Anvil, freePort, startAnvil } from '../../helpers/chains/anvil.js';
import { waitForStatus } from '../../helpers/chains/wallets.js';
import { setRelayUrl } from '../../helpers/extension-pages.js';
import {
  approveWithPin,
  createGatewayDriver,
  type GatewayDriver,
  onboardWithKit,
} from '../../helpers/gateway-driver.js';
import { startTestRelay, type TestRelay } from '../../helpers/relay.js';

const SHOTS = '.tmp/screenshots';
const PIN = '583021';
const RECIPIENT = getAddress('0x00000000000000000000000000000000000da7a1');

let anvil: Anvil;
let relay: TestRelay;
let chromium: ExtensionBrowser;
let driver: GatewayDriver;
let customerId: string;
let extensionDir: string | undefined;
/** A "NEAR node" that accepts connections and never answers. */
let silentNode: Server;
const silentSockets: Socket[] = [];
let evm: { id: string; address: string };
let sol: { id: string; address: string };
/** When the relay last read balances: it serves them from memory for 15 s. */
let balancesReadAt = 0;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  anvil = await startAnvil();
  process.env.TANDEM_RPC_EVM_LOCAL = anvil.url;
  process.env.TANDEM_CHAIN_POLL_MS = '100';
  // Nothing listens there: the Solana node is "down" for this relay.
  process.env.TANDEM_RPC_SOL_DEVNET = `http://127.0.0.1:${await freePort()}`;
  silentNode = createServer((socket) => silentSockets.push(socket));
  await new Promise<void>((r) => silentNode.listen(0, '127.0.0.1', () => r()));
  process.env.TANDEM_RPC_NEAR_LOCAL = `http://127.0.0.1:${(silentNode.address() as { port: number }).port}`;
  relay = await startTestRelay();
  // A private copy of the build: the checkout is shared, and a rebuild meanwhile would swap the files.
  extensionDir = mkdtempSync(join(tmpdir(), 'tandem-ext-'));
  cpSync(EXTENSION_DIR, extensionDir, { recursive: true });
  chromium = await launchWithExtension({ extensionDir });
  await setRelayUrl(await chromium.worker(), new URL(relay.url).origin);
  const customer = await relay.call('POST', '/v2/customers', { name: 'Grace', refId: crypto.randomUUID() });
  customerId = customer.json.data.id;
  driver = createGatewayDriver({
    browser: chromium.browser,
    extensionId: chromium.extensionId,
    call: relay.call,
    customerId,
    returnUrl: `${relay.url}/demo`,
  });
});

afterAll(async () => {
  await chromium?.close();
  await relay?.stop();
  await anvil?.stop();
  if (extensionDir) rmSync(extensionDir, { recursive: true, force: true });
  for (const socket of silentSockets) socket.destroy();
  await new Promise((r) => silentNode?.close(r));
  for (const k of ['TANDEM_RPC_EVM_LOCAL', 'TANDEM_RPC_SOL_DEVNET', 'TANDEM_RPC_NEAR_LOCAL', 'TANDEM_CHAIN_POLL_MS'])
    delete process.env[k];
});

async function openPopup(): Promise<Page> {
  const popup = await chromium.browser.newPage();
  await popup.setViewport({ width: 360, height: 600 });
  await popup.goto(`chrome-extension://${chromium.extensionId}/popup.html`);
  return popup;
}

/** The text as rendered (line breaks between blocks), which is what the user reads. */
const text = (page: Page, selector: string) =>
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what these tests check
  page.$eval(selector, (el) => (el as HTMLElement).innerText);

async function fund(address: string, ether: string): Promise<void> {
  const funder = createWalletClient({
    account: privateKeyToAccount(ANVIL_FUNDER_KEY),
    chain: foundry,
    transport: http(anvil.url),
  });
  const hash = await funder.sendTransaction({ to: address as `0x${string}`, value: parseEther(ether) });
  await createPublicClient({ chain: foundry, transport: http(anvil.url) }).waitForTransactionReceipt({ hash });
}

describe('the popup overview in Chromium', () => {
  it('says what to do next before any wallet exists', async () => {
    await onboardWithKit(driver, PIN);
    const popup = await openPopup();
    await popup.waitForSelector('[data-testid="activity-entry"]');
    await popup.waitForFunction(() =>
      document.querySelector('[data-testid="accounts-empty"]')?.textContent?.includes('it has no wallet yet'),
    );
    expect(await text(popup, '[data-testid="activity"]')).toContain('Wallet set up');
    await popup.screenshot({ path: `${SHOTS}/popup-onboarded-no-wallet.png`, fullPage: true });
    await popup.close();
  });

  it('shows the funded EVM balance, a Solana chain that cannot be read, and the wallet creation in the activity', async () => {
    const { redirectUrl } = await driver.challenge('wallet/create', {
      blockchains: ['EVM-LOCAL', 'SOL-DEVNET'],
      accountType: 'eoa',
    });
    const { tab, gateway } = await driver.open(redirectUrl);
    await approveWithPin(gateway, PIN);
    await gateway.close();
    await tab.close();
    const wallets = (await relay.call('GET', `/v2/wallets?customerId=${customerId}`)).json.data.wallets as Array<{
      id: string;
      address: string;
      blockchain: string;
    }>;
    evm = wallets.find((w) => w.blockchain === 'EVM-LOCAL') as typeof evm;
    sol = wallets.find((w) => w.blockchain === 'SOL-DEVNET') as typeof sol;
    await fund(evm.address, '2.5');

    const popup = await openPopup();
    const evmBalance = `[data-testid="account"][data-address="${evm.address}"] [data-testid="balances"]`;
    await popup.waitForSelector(evmBalance, { timeout: 20_000 });
    balancesReadAt = Date.now();
    expect(await text(popup, evmBalance)).toBe('Balance\n2.5 ETH');
    expect(await text(popup, `[data-testid="account"][data-address="${evm.address}"] .account-label`)).toBe(
      'Local EVM (anvil)',
    );
    const solRow = `[data-testid="account"][data-address="${sol.address}"]`;
    await popup.waitForSelector(`${solRow} [data-testid="balance-error"]`);
    expect(await text(popup, `${solRow} [data-testid="balance-error"]`)).toMatch(
      /^Balance\s+Couldn’t load — Retry\s+The SOL-DEVNET node could not be reached\.$/,
    );
    await popup.waitForSelector('[data-testid="activity-entry"][data-kind="wallet-create"]');
    expect(await text(popup, '[data-testid="activity-entry"][data-kind="wallet-create"]')).toMatch(
      /Wallets created[\s\S]*Done/,
    );
    await popup.screenshot({ path: `${SHOTS}/popup-balances.png`, fullPage: true });

    // Retry asks again (the EVM balance comes from the relay's 15 s cache; Solana fails again).
    await popup.click(`${solRow} [data-testid="retry-balances"]`);
    await popup.waitForSelector(`${solRow} [data-testid="balance-error"]`);
    expect(await text(popup, evmBalance)).toContain('2.5 ETH');
    balancesReadAt = Date.now();
    await popup.close();
  });

  it('copies the whole address and says so', async () => {
    const popup = await openPopup();
    await chromium.browser
      .defaultBrowserContext()
      .overridePermissions(`chrome-extension://${chromium.extensionId}`, [
        'clipboard-read',
        'clipboard-sanitized-write',
      ]);
    await popup.bringToFront();
    const copy = `[data-testid="account"][data-address="${evm.address}"] [data-testid="copy-address"]`;
    await popup.waitForSelector(copy);
    // The clipboard accepts a write only from a focused document.
    await popup.focus(copy);
    await popup.click(copy);
    await popup.waitForFunction((s) => document.querySelector(s)?.textContent === 'Copied ✓', {}, copy);
    expect(await popup.evaluate(() => navigator.clipboard.readText())).toBe(evm.address);
    expect(await text(popup, `[data-testid="account"][data-address="${evm.address}"] .copied`)).toBe('Address copied');
    await popup.screenshot({ path: `${SHOTS}/popup-copied.png`, fullPage: true });
    await popup.close();
  });

  it('lists an approved transfer with amount, recipient and its confirmation, newest first', async () => {
    const { challengeId, redirectUrl } = await driver.challenge('transactions/transfer', {
      walletId: evm.id,
      destinationAddress: RECIPIENT,
      amounts: ['0.75'],
      feeLevel: 'medium',
    });
    const { tab, gateway } = await driver.open(redirectUrl);
    await approveWithPin(gateway, PIN);
    await gateway.close();
    await tab.close();
    const result = (await relay.call('GET', `/v2/customers/${customerId}/challenges/${challengeId}`)).json.data
      .result as { transactionId: string };
    expect((await waitForStatus(relay, result.transactionId, 'confirmed', 30_000)).status).toBe('confirmed');

    // Past the relay's 15 s balance cache, so the popup shows the balance after the transfer.
    await new Promise((r) => setTimeout(r, Math.max(0, balancesReadAt + 15_500 - Date.now())));
    const popup = await openPopup();
    await popup.waitForSelector('[data-testid="activity-entry"][data-kind="transfer"]');
    const entries = await popup.$$eval('[data-testid="activity-entry"]', (els) =>
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what these tests check
      els.map((e) => (e as HTMLElement).innerText),
    );
    expect(entries[0]).toMatch(
      /^Transfer\s+just now\s+0\.75 ETH to 0x000000…0da7A1\s+Confirmed · Local EVM \(anvil\)$/,
    );
    expect(entries.slice(1).map((e) => e.split('\n')[0])).toEqual(['Wallets created', 'Wallet set up']);
    const evmBalance = `[data-testid="account"][data-address="${evm.address}"] [data-testid="balance"]`;
    await popup.waitForSelector(evmBalance);
    expect(await text(popup, evmBalance)).toMatch(/^1\.74\d* ETH$/);
    await popup.screenshot({ path: `${SHOTS}/popup-activity-transfer.png`, fullPage: true });
    await popup.close();
  });

  it('shows a spinner while a chain is slow, then says that chain did not answer in time', async () => {
    // A wallet on a chain whose node never answers (made on another device: not in this device's list).
    const near = 'ab'.repeat(32);
    const org = await relay.db.query<{ organisation_id: string }>(
      'SELECT organisation_id FROM customers WHERE id = $1',
      [customerId],
    );
    await relay.db.transaction((tx) =>
      insertWallet(tx, {
        organisationId: org.rows[0]?.organisation_id as string,
        customerId,
        blockchain: 'NEAR-LOCAL',
        address: near,
        publicKey: 'cd'.repeat(32),
        derivationPath: "m/44'/397'/0'",
        keyFamily: 'near',
      }),
    );
    const popup = await openPopup();
    await popup.waitForSelector('[data-testid="balances-loading"]');
    expect(await text(popup, '[data-testid="balances-loading"]')).toBe('Loading balances…');
    await popup.screenshot({ path: `${SHOTS}/popup-loading.png`, fullPage: true });
    const nearRow = `[data-testid="account"][data-address="${near}"]`;
    await popup.waitForSelector(`${nearRow} [data-testid="balance-error"]`, { timeout: 20_000 });
    expect(await text(popup, `${nearRow} .account-label`)).toBe('NEAR (local)');
    expect(await text(popup, `${nearRow} [data-testid="balance-error"]`)).toMatch(
      /Couldn’t load — Retry\s+The NEAR-LOCAL node did not answer in time\.$/,
    );
    await popup.screenshot({ path: `${SHOTS}/popup-slow-chain.png`, fullPage: true });
    await popup.close();
  });
});
