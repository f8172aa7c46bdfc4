/**
 * Node 1 in Chromium against a real relay (PGlite, real HTTP and /v2/mpc), the business side played
 * through the REST API: onboarding (PIN twice, recovery kit + security questions + email code, POST
 * /complete), wallet creation (ECDSA DKG + ed25519 birth over the WebSocket), a personal_sign message
 * verified with viem, a Solana message verified with ed25519, an EVM transfer executed on anvil, and
 * five wrong PINs locking the wallet. Screenshots go to .tmp/screenshots/ (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base58 } from '@scure/base';
import { Address, OutScript, p2wpkh, TEST_NETWORK } from '@scure/btc-signer';
import { PublicKey, SystemProgram, Transaction } from '@solana/web3.js';
import type { Page } from 'puppeteer';
import {
  createPublicClient,
  createWalletClient,
  getAddress,
  http,
  parseEther,
  parseGwei,
  parseTransaction,
  recoverTransactionAddress,
  serializeTransaction,
  verifyMessage,
  verifyTypedData,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS_KEY } from '../../../extension/background/accounts.js';
import { WALLETS_KEY } from '../../../extension/background/wallet-store.js';
import { nearPublicKeyString, serializeNearDelegateAction } from '../../../protocol/chains/near/transaction.js';
import { type ExtensionBrowser, launchWithExtension } from '../../helpers/browser.js';
import { ANVIL_FUNDER_KEY, type Anvil, startAnvil } from '../../helpers/chains/anvil.js';
import { type FakeEsplora, type FakeNear, startFakeEsplora, startFakeNear } from '../../helpers/chains/fakes.js';
import { type LiteSvmRpc, startLiteSvmRpc } from '../../helpers/chains/litesvm-rpc.js';
import { tinyErc20CreationCode } from '../../helpers/chains/tiny-erc20.js';
import { waitForStatus } from '../../helpers/chains/wallets.js';
import { gatewayWindow, setRelayUrl } from '../../helpers/extension-pages.js';
import { codeOf } from '../../helpers/gateway-client.js';
import { createGatewayDriver, onboardWithKit, waitForScreen as screen, typePin } from '../../helpers/gateway-driver.js';
import { startTestRelay, type TestRelay } from '../../helpers/relay.js';

const SHOTS = '.tmp/screenshots';
const ERC20 = [
  {
    type: 'function',
    name: 'transfer',
    stateMutability: 'nonpayable',
    inputs: [
      { name: 'to', type: 'address' },
      { name: 'amount', type: 'uint256' },
    ],
    outputs: [{ type: 'bool' }],
  },
  {
    type: 'function',
    name: 'balanceOf',
    stateMutability: 'view',
    inputs: [{ name: 'owner', type: 'address' }],
    outputs: [{ type: 'uint256' }],
  },
] as const;
const PIN = '402917';
const RECIPIENT = getAddress('0x00000000000000000000000000000000000da7a1');

let anvil: Anvil;
let solana: LiteSvmRpc;
let esplora: FakeEsplora;
let near: FakeNear;
const REGTEST = { ...TEST_NETWORK, bech32: 'bcrt' };
let relay: TestRelay;
let chromium: ExtensionBrowser;
let customerId: string;
const timings: Record<string, number> = {};

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  anvil = await startAnvil();
  process.env.TANDEM_RPC_EVM_LOCAL = anvil.url;
  process.env.TANDEM_CHAIN_POLL_MS = '100';
  solana = await startLiteSvmRpc();
  process.env.TANDEM_RPC_SOL_LOCAL = solana.url;
  esplora = await startFakeEsplora();
  process.env.TANDEM_RPC_BTC_REGTEST = esplora.url;
  near = await startFakeNear();
  process.env.TANDEM_RPC_NEAR_LOCAL = near.url;
  relay = await startTestRelay();
  chromium = await launchWithExtension();
  await setRelayUrl(await chromium.worker(), new URL(relay.url).origin);
  const customer = await relay.call('POST', '/v2/customers', { name: 'Ada', refId: crypto.randomUUID() });
  customerId = customer.json.data.id;
});
afterAll(async () => {
  await chromium?.close();
  await relay?.stop();
  await anvil?.stop();
  await solana?.stop();
  await esplora?.stop();
  await near?.stop();
  delete process.env.TANDEM_RPC_BTC_REGTEST;
  delete process.env.TANDEM_RPC_NEAR_LOCAL;
  delete process.env.TANDEM_RPC_EVM_LOCAL;
  delete process.env.TANDEM_RPC_SOL_LOCAL;
  delete process.env.TANDEM_CHAIN_POLL_MS;
  if (Object.keys(timings).length > 0) console.log('timings (ms):', JSON.stringify(timings));
});

const returnUrl = () => `${relay.url}/demo`;

/** The business asks for a challenge; returns its id and the relay page the user is sent to. */
async function challenge(path: string, body: Record<string, unknown> = {}) {
  const created = await relay.call('POST', `/v2/customers/${customerId}/${path}`, {
    ...body,
    redirectUrl: returnUrl(),
    idempotencyKey: crypto.randomUUID(),
  });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  return { challengeId: created.json.data.challengeId as string, redirectUrl: created.json.data.redirectUrl as string };
}

async function readChallenge(challengeId: string) {
  return (await relay.call('GET', `/v2/customers/${customerId}/challenges/${challengeId}`)).json.data;
}

/** Opens the relay's gateway page in a tab (the user following the business's link) and the Gateway window. */
async function openGateway(redirectUrl: string): Promise<{ tab: Page; gateway: Page }> {
  const tab = await chromium.browser.newPage();
  await tab.goto(redirectUrl);
  const gateway = await gatewayWindow(chromium.browser, chromium.extensionId);
  await gateway.setViewport({ width: 420, height: 720 });
  return { tab, gateway };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** Approve → PIN → done; returns ms from the last PIN digit to the done screen. */
/**
 * Approve → PIN → done; returns ms from the PIN's last digit (the progress screen replaces the PIN pad
 * in the same task) to the done screen, both stamped inside the page so screenshots do not count.
 */
async function approveWithPin(gateway: Page, name: string, pin = PIN): Promise<number> {
  await screen(gateway, 'approval');
  await shot(gateway, `${name}-approval`);
  await gateway.click('[data-testid="approve"]');
  await screen(gateway, 'enter-pin');
  await gateway.evaluate(() => {
    const stamps: Record<string, number> = {};
    (window as unknown as { __stamps: Record<string, number> }).__stamps = stamps;
    new MutationObserver(() => {
      for (const name of ['progress', 'done']) {
        if (!stamps[name] && document.querySelector(`[data-screen="${name}"]`)) stamps[name] = performance.now();
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
  await typePin(gateway, pin);
  await screen(gateway, 'progress');
  await shot(gateway, `${name}-progress`);
  // The live round count, when the ceremony is still running by then (screenshots are slow).
  await gateway
    .waitForFunction(
      () =>
        document.querySelector('[data-testid="progress-status"]')?.textContent?.includes('exchanged') ||
        document.querySelector('[data-screen="done"]'),
      { timeout: 5_000 },
    )
    .catch(() => undefined);
  if (!(await gateway.$('[data-screen="done"]'))) await shot(gateway, `${name}-rounds`);
  try {
    await screen(gateway, 'done', 90_000);
  } catch (error) {
    await shot(gateway, `${name}-failed`);
    throw error;
  }
  await shot(gateway, `${name}-done`);
  const stamps = await gateway.evaluate(() => (window as unknown as { __stamps: Record<string, number> }).__stamps);
  return Math.round((stamps.done as number) - (stamps.progress as number));
}

async function returnedTo(tab: Page, challengeId: string): Promise<URLSearchParams> {
  await tab.waitForFunction(() => location.pathname === '/demo' && location.search.includes('status='), {
    timeout: 15_000,
  });
  const back = new URL(tab.url()).searchParams;
  expect(back.get('challengeId')).toBe(challengeId);
  return back;
}

let evmWallet: { id: string; address: string };
let solWallet: { id: string; address: string };
let nearWallet: { id: string; address: string };
let solLocalWallet: { id: string; address: string };
let btcWallet: { id: string; address: string };
let taprootWallet: { id: string; address: string };

describe('onboarding in Chromium', () => {
  it('sets the PIN, sets up a recovery kit, security questions and email, completes, and returns to the business', async () => {
    const { challengeId, redirectUrl } = await challenge('initialize');
    const { tab, gateway } = await openGateway(redirectUrl);
    await screen(gateway, 'choose-pin');
    await typePin(gateway, PIN);
    await screen(gateway, 'confirm-pin');
    await typePin(gateway, PIN);
    await screen(gateway, 'recovery-setup', 30_000);
    expect(await gateway.$eval('[data-testid="finish-setup"]', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    await shot(gateway, 'onboarding-recovery-choice');

    // The recovery kit: shown once; Continue only after "I saved it".
    await gateway.click('[data-testid="recovery-kit"]');
    await screen(gateway, 'recovery-kit');
    const code = await gateway.$eval('[data-testid="kit-code"]', (el) => el.textContent ?? '');
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){6}$/);
    expect(await gateway.$eval('[data-testid="kit-saved"]', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    await shot(gateway, 'onboarding-recovery-kit');
    await gateway.click('[data-testid="kit-saved-check"]');
    await gateway.click('[data-testid="kit-saved"]');
    await screen(gateway, 'recovery-setup');
    await gateway.waitForSelector('[data-testid="recovery-kit"].done');
    await shot(gateway, 'onboarding-recovery-kit-done');

    // Security questions.
    await gateway.click('[data-testid="recovery-questions"]');
    await screen(gateway, 'recovery-questions');
    await gateway.click('[data-testid="save-questions"]');
    expect(await gateway.$eval('[data-testid="questions-error"]', (el) => el.textContent)).toContain(
      'Answer question 1',
    );
    for (const [i, answer] of ['Rex', 'Elm Street', 'Ms Ng'].entries()) {
      await gateway.type(`[data-testid="answer-${i}"]`, answer);
    }
    await shot(gateway, 'onboarding-recovery-questions');
    await gateway.click('[data-testid="save-questions"]');
    await screen(gateway, 'recovery-setup', 30_000);
    await gateway.waitForSelector('[data-testid="recovery-questions"].done');

    // Email: a real code through the relay's dev mailbox.
    const email = `ada-${crypto.randomUUID().slice(0, 8)}@example.com`;
    await gateway.click('[data-testid="recovery-email"]');
    await screen(gateway, 'recovery-email');
    await gateway.type('[data-testid="email"]', email);
    const sentAt = Date.now();
    await gateway.click('[data-testid="send-code"]');
    await screen(gateway, 'recovery-email-code');
    await gateway.type('[data-testid="email-code"]', '000000');
    await gateway.click('[data-testid="confirm-code"]');
    await gateway.waitForFunction(
      () => document.querySelector('[data-testid="email-error"]')?.textContent?.includes('not right'),
      { timeout: 10_000 },
    );
    await shot(gateway, 'onboarding-recovery-email-wrong-code');
    const mail = await relay.mailbox?.waitFor(email, { after: sentAt - 1 });
    await gateway.$eval('[data-testid="email-code"]', (el) => {
      (el as HTMLInputElement).value = '';
    });
    await gateway.type('[data-testid="email-code"]', codeOf(mail?.raw ?? ''));
    await gateway.click('[data-testid="confirm-code"]');
    await screen(gateway, 'recovery-setup');
    await gateway.waitForSelector('[data-testid="recovery-email"].done');
    await shot(gateway, 'onboarding-recovery-all-done');

    await gateway.click('[data-testid="finish-setup"]');
    await screen(gateway, 'done', 30_000);
    await shot(gateway, 'onboarding-done');
    expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
    expect((await readChallenge(challengeId)).status).toBe('verified');
    const customer = (await relay.call('GET', `/v2/customers/${customerId}`)).json.data;
    expect(customer).toMatchObject({ hasPin: true, hasRecovery: true });
    // The PIN copy is on this device (wrapped, never clear) and at the relay.
    const stored = await (await chromium.worker()).evaluate(
      async (key) => (await chrome.storage.local.get(key))[key],
      WALLETS_KEY,
    );
    expect(JSON.stringify(stored)).toContain('"method":"pin"');
    await gateway.close();
    await tab.close();
  });
});

describe('wallet creation in Chromium', () => {
  it('creates EVM and Solana wallets over /v2/mpc after the PIN, shows the addresses and lists them in the popup', async () => {
    const { challengeId, redirectUrl } = await challenge('wallet/create', {
      blockchains: ['EVM-LOCAL', 'SOL-DEVNET'],
      accountType: 'eoa',
    });
    const { tab, gateway } = await openGateway(redirectUrl);
    timings.walletCreateEvmSol = await approveWithPin(gateway, 'wallet-create');
    expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
    const wallets = (await relay.call('GET', `/v2/wallets?customerId=${customerId}`)).json.data.wallets as any[];
    evmWallet = wallets.find((w) => w.blockchain === 'EVM-LOCAL');
    solWallet = wallets.find((w) => w.blockchain === 'SOL-DEVNET');
    expect(evmWallet.address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(solWallet.address).toMatch(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
    const shown = await gateway.$eval('[data-testid="approval-fields"]', (el) => el.textContent ?? '');
    expect(shown).toContain(evmWallet.address);
    expect(shown).toContain(solWallet.address);
    await gateway.close();
    await tab.close();

    const accounts = await (await chromium.worker()).evaluate(
      async (key) => (await chrome.storage.local.get(key))[key],
      ACCOUNTS_KEY,
    );
    expect(JSON.stringify(accounts)).toContain(evmWallet.address);
    const popup = await chromium.browser.newPage();
    await popup.setViewport({ width: 360, height: 600 });
    await popup.goto(`chrome-extension://${chromium.extensionId}/popup.html`);
    await popup.waitForSelector('[data-testid="accounts"]');
    expect(await popup.$eval('[data-testid="accounts"]', (el) => el.textContent)).toContain(solWallet.address);
    await shot(popup, 'popup-accounts-after-wallet-create');
    await popup.close();
  });
});

describe('signing in Chromium', () => {
  it('signs an EVM personal_sign message that viem verifies for the wallet address', async () => {
    const message = 'Sign in to Acme Shop\nNonce: 8c1f';
    const { challengeId, redirectUrl } = await challenge('sign/message', { walletId: evmWallet.id, message });
    const { tab, gateway } = await openGateway(redirectUrl);
    timings.signEcdsa = await approveWithPin(gateway, 'sign-message-evm');
    expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
    const { result } = await readChallenge(challengeId);
    const signature = result.signature as `0x${string}`;
    expect(await verifyMessage({ address: evmWallet.address as `0x${string}`, message, signature })).toBe(true);
    await gateway.close();
    await tab.close();
  });

  it('signs a Solana message that verifies under the wallet key (ed25519)', async () => {
    const message = 'Acme Shop wants you to sign in with your Solana account';
    const { challengeId, redirectUrl } = await challenge('sign/message', { walletId: solWallet.id, message });
    const { tab, gateway } = await openGateway(redirectUrl);
    timings.signEd25519 = await approveWithPin(gateway, 'sign-message-solana');
    expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
    const { result } = await readChallenge(challengeId);
    expect(
      ed25519.verify(
        base58.decode(result.signature),
        new TextEncoder().encode(message),
        base58.decode(solWallet.address),
      ),
    ).toBe(true);
    await gateway.close();
    await tab.close();
  });

  it('sends an EVM transfer the relay builds, Node 1 checks and co-signs, confirmed on anvil', async () => {
    const chain = createPublicClient({ chain: foundry, transport: http(anvil.url) });
    const funder = createWalletClient({
      account: privateKeyToAccount(ANVIL_FUNDER_KEY),
      chain: foundry,
      transport: http(anvil.url),
    });
    await chain.waitForTransactionReceipt({
      hash: await funder.sendTransaction({ to: evmWallet.address as `0x${string}`, value: parseEther('2') }),
    });
    const before = await chain.getBalance({ address: RECIPIENT });
    const { challengeId, redirectUrl } = await challenge('transactions/transfer', {
      walletId: evmWallet.id,
      destinationAddress: RECIPIENT,
      amounts: ['0.5'],
      feeLevel: 'medium',
    });
    const { tab, gateway } = await openGateway(redirectUrl);
    timings.transferEvm = await approveWithPin(gateway, 'transfer-evm');
    expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
    const { result } = await readChallenge(challengeId);
    expect(result.transactionHash).toMatch(/^0x[0-9a-f]{64}$/);
    await waitForStatus(relay, result.transactionId, 'confirmed', 30_000);
    expect((await chain.getBalance({ address: RECIPIENT })) - before).toBe(parseEther('0.5'));
    await gateway.close();
    await tab.close();
  });
});

const TYPED_DATA = {
  domain: {
    name: 'Acme Shop',
    version: '1',
    chainId: 31337,
    verifyingContract: '0x00000000000000000000000000000000000000aa',
  },
  types: {
    Order: [
      { name: 'buyer', type: 'address' },
      { name: 'item', type: 'string' },
      { name: 'amount', type: 'uint256' },
    ],
  },
  primaryType: 'Order',
  message: { buyer: '0x00000000000000000000000000000000000000bb', item: 'Blue mug', amount: '3' },
} as const;

describe('more EVM signing kinds in Chromium', () => {
  it('signs EIP-712 typed data that viem verifies for the wallet address', async () => {
    const typedData = {
      ...TYPED_DATA,
      types: {
        EIP712Domain: [
          { name: 'name', type: 'string' },
          { name: 'version', type: 'string' },
          { name: 'chainId', type: 'uint256' },
          { name: 'verifyingContract', type: 'address' },
        ],
        ...TYPED_DATA.types,
      },
    };
    const { challengeId, redirectUrl } = await challenge('sign/typed-data', {
      walletId: evmWallet.id,
      typedData: JSON.stringify(typedData),
    });
    const { tab, gateway } = await openGateway(redirectUrl);
    await approveWithPin(gateway, 'sign-typed-data');
    expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
    const { result } = await readChallenge(challengeId);
    expect(
      await verifyTypedData({
        address: evmWallet.address as `0x${string}`,
        ...TYPED_DATA,
        message: { ...TYPED_DATA.message, amount: 3n },
        signature: result.signature,
      }),
    ).toBe(true);
    await gateway.close();
    await tab.close();
  });

  it('signs a caller-built EIP-1559 transaction whose sender recovers to the wallet', async () => {
    const rawTransaction = serializeTransaction({
      chainId: 31337,
      type: 'eip1559',
      nonce: 7,
      to: RECIPIENT,
      value: parseEther('0.01'),
      gas: 21_000n,
      maxFeePerGas: parseGwei('3'),
      maxPriorityFeePerGas: parseGwei('1'),
    });
    const { challengeId, redirectUrl } = await challenge('sign/transaction', {
      walletId: evmWallet.id,
      rawTransaction,
    });
    const { tab, gateway } = await openGateway(redirectUrl);
    await approveWithPin(gateway, 'sign-transaction-evm');
    expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
    const { result } = await readChallenge(challengeId);
    const signed = result.signedTransaction as `0x${string}`;
    expect(parseTransaction(signed)).toMatchObject({ nonce: 7, to: RECIPIENT.toLowerCase() });
    expect(getAddress(await recoverTransactionAddress({ serializedTransaction: signed as any }))).toBe(
      getAddress(evmWallet.address),
    );
    await gateway.close();
    await tab.close();
  });
});

describe('a contract call in Chromium', () => {
  it('executes an ERC-20 transfer(address,uint256) the relay builds and Node 1 checks, confirmed on anvil', async () => {
    const chain = createPublicClient({ chain: foundry, transport: http(anvil.url) });
    const funder = createWalletClient({
      account: privateKeyToAccount(ANVIL_FUNDER_KEY),
      chain: foundry,
      transport: http(anvil.url),
    });
    const deployed = await chain.waitForTransactionReceipt({
      hash: await funder.deployContract({ abi: [], bytecode: tinyErc20CreationCode(1_000_000n) }),
    });
    const token = deployed.contractAddress as `0x${string}`;
    await chain.waitForTransactionReceipt({
      hash: await funder.writeContract({
        address: token,
        abi: ERC20,
        functionName: 'transfer',
        args: [evmWallet.address as `0x${string}`, 5_000n],
      }),
    });
    const { challengeId, redirectUrl } = await challenge('transactions/contract-execution', {
      walletId: evmWallet.id,
      contractAddress: getAddress(token),
      abiFunctionSignature: 'transfer(address,uint256)',
      abiParameters: [RECIPIENT, '1234'],
      feeLevel: 'medium',
    });
    const { tab, gateway } = await openGateway(redirectUrl);
    await approveWithPin(gateway, 'contract-execution-evm');
    expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
    const { result } = await readChallenge(challengeId);
    await waitForStatus(relay, result.transactionId, 'confirmed', 30_000);
    expect(await chain.readContract({ address: token, abi: ERC20, functionName: 'balanceOf', args: [RECIPIENT] })).toBe(
      1234n,
    );
    await gateway.close();
    await tab.close();
  });
});

describe('a service-worker stop in the middle of a ceremony', () => {
  it('ends in a clear failure (never a spinner), the relay fails the challenge and no round state is left', async () => {
    const { challengeId, redirectUrl } = await challenge('wallet/create', {
      blockchains: ['BTC-TESTNET'],
      accountType: 'eoa',
    });
    const { tab, gateway } = await openGateway(redirectUrl);
    await screen(gateway, 'approval');
    await gateway.click('[data-testid="approve"]');
    await screen(gateway, 'enter-pin');
    await typePin(gateway, PIN);
    // "Create your keys together with the relay" is the current step: the DKGs are running.
    await gateway.waitForSelector('.progress .step:nth-child(2).current', { timeout: 20_000 });
    await (await chromium.worker()).close();
    await gateway.waitForSelector('[data-testid="progress-status"].error', { timeout: 20_000 });
    expect(await gateway.$eval('[data-testid="progress-status"]', (el) => el.textContent)).toContain(
      'stopped before it could finish',
    );
    await shot(gateway, 'worker-stopped-mid-ceremony');
    const deadline = Date.now() + 20_000;
    while ((await readChallenge(challengeId)).status !== 'failed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await readChallenge(challengeId)).status).toBe('failed');
    // A page message wakes a fresh worker, which fails every recorded ceremony and wipes its state.
    const popup = await chromium.browser.newPage();
    await popup.goto(`chrome-extension://${chromium.extensionId}/popup.html`);
    await popup.waitForSelector('#status.ok, #status[class*="ok"]', { timeout: 10_000 }).catch(() => undefined);
    const worker = await chromium.worker();
    const left = await worker.evaluate(
      async () => (await chrome.storage.session.get('tandem.ceremonies'))['tandem.ceremonies'],
    );
    expect(left === undefined || Object.keys(left as object).length === 0).toBe(true);
    await popup.close();
    await gateway.close();
    await tab.close();
  });
});

describe('all four chain families in Chromium', () => {
  // A second customer on a second browser profile: the relay binds a device key to one customer.
  let first: { chromium: ExtensionBrowser; customerId: string };
  beforeAll(async () => {
    first = { chromium, customerId };
    chromium = await launchWithExtension();
    const w = await chromium.worker();
    if (process.env.TANDEM_E2E_DEBUG) w.on('console', (m) => console.log('worker:', m.text()));
    await setRelayUrl(w, new URL(relay.url).origin);
    const created = await relay.call('POST', '/v2/customers', { name: 'Grace', refId: crypto.randomUUID() });
    customerId = created.json.data.id;
  });
  afterAll(async () => {
    await chromium.close();
    ({ chromium, customerId } = first);
  });

  it('onboards a second customer and creates EVM, Bitcoin (P2WPKH + Taproot), Solana and NEAR wallets in one approval', async () => {
    const driver = createGatewayDriver({
      browser: chromium.browser,
      extensionId: chromium.extensionId,
      call: relay.call,
      customerId,
      returnUrl: returnUrl(),
    });
    await onboardWithKit(driver, PIN);

    const { challengeId, redirectUrl } = await challenge('wallet/create', {
      blockchains: ['EVM-LOCAL', 'BTC-REGTEST', 'SOL-LOCAL', 'NEAR-LOCAL'],
      accountType: 'eoa',
    });
    const { tab, gateway } = await openGateway(redirectUrl);
    timings.walletCreateAllChains = await approveWithPin(gateway, 'wallet-create-all-chains');
    expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
    const wallets = (await relay.call('GET', `/v2/wallets?customerId=${customerId}`)).json.data.wallets as any[];
    expect(wallets.map((w) => w.blockchain).sort()).toEqual(
      ['BTC-REGTEST', 'BTC-REGTEST', 'EVM-LOCAL', 'NEAR-LOCAL', 'SOL-LOCAL'].sort(),
    );
    const shown = await gateway.$eval('[data-testid="approval-fields"]', (el) => el.textContent ?? '');
    for (const w of wallets) expect(shown).toContain(w.address);
    await gateway.close();
    await tab.close();
    nearWallet = wallets.find((w) => w.blockchain === 'NEAR-LOCAL');
    solLocalWallet = wallets.find((w) => w.blockchain === 'SOL-LOCAL');
    btcWallet = wallets.find((w) => w.blockchain === 'BTC-REGTEST' && w.addressType === 'p2wpkh');
    taprootWallet = wallets.find((w) => w.blockchain === 'BTC-REGTEST' && w.addressType === 'p2tr');
  });

  it('signs a Bitcoin message (BIP-137) whose recovered key is the P2WPKH address’s', async () => {
    const message = 'Acme Shop: prove you own this address';
    const { challengeId, redirectUrl } = await challenge('sign/message', { walletId: btcWallet.id, message });
    const { tab, gateway } = await openGateway(redirectUrl);
    await approveWithPin(gateway, 'sign-message-bitcoin');
    expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
    const { result } = await readChallenge(challengeId);
    const raw = Buffer.from(result.signature, 'base64');
    expect(raw[0]).toBeGreaterThanOrEqual(39); // P2WPKH header
    const text = new TextEncoder().encode(message);
    const prefix = new TextEncoder().encode('\x18Bitcoin Signed Message:\n');
    const digest = sha256(sha256(new Uint8Array([...prefix, text.length, ...text])));
    const publicKey = secp256k1.Signature.fromBytes(raw.subarray(1), 'compact')
      .addRecoveryBit(((raw[0] as number) - 39) & 3)
      .recoverPublicKey(digest)
      .toBytes(true);
    expect(p2wpkh(publicKey, REGTEST).address).toBe(btcWallet.address);
    await gateway.close();
    await tab.close();
  });

  it('sends a Bitcoin P2WPKH transfer with two inputs (one ECDSA session each), accepted by Esplora', async () => {
    const script = OutScript.encode(Address(REGTEST).decode(btcWallet.address));
    esplora.utxos.set(btcWallet.address, [
      { txid: 'c1'.repeat(32), vout: 0, value: 150_000, script },
      { txid: 'c2'.repeat(32), vout: 1, value: 80_000, script },
    ]);
    const recipient = p2wpkh(secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true), REGTEST)
      .address as string;
    const { challengeId, redirectUrl } = await challenge('transactions/transfer', {
      walletId: btcWallet.id,
      destinationAddress: recipient,
      amounts: ['0.002'],
      feeLevel: 'medium',
    });
    const { tab, gateway } = await openGateway(redirectUrl);
    timings.transferBitcoinTwoInputs = await approveWithPin(gateway, 'transfer-bitcoin');
    expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
    const { result } = await readChallenge(challengeId);
    expect(esplora.accepted.has(result.transactionHash)).toBe(true);
    esplora.mine();
    await waitForStatus(relay, result.transactionId, 'confirmed', 30_000);
    await gateway.close();
    await tab.close();
  });

  it('sends a Bitcoin Taproot (BIP86) transfer signed with FROST/BIP340 under the tweaked key, accepted by Esplora', async () => {
    const script = OutScript.encode(Address(REGTEST).decode(taprootWallet.address));
    esplora.utxos.set(taprootWallet.address, [{ txid: 'd1'.repeat(32), vout: 0, value: 90_000, script }]);
    const recipient = p2wpkh(secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true), REGTEST)
      .address as string;
    const { challengeId, redirectUrl } = await challenge('transactions/transfer', {
      walletId: taprootWallet.id,
      destinationAddress: recipient,
      amounts: ['0.0005'],
      feeLevel: 'low',
    });
    const { tab, gateway } = await openGateway(redirectUrl);
    timings.transferTaproot = await approveWithPin(gateway, 'transfer-taproot');
    expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
    const { result } = await readChallenge(challengeId);
    expect(esplora.accepted.has(result.transactionHash)).toBe(true);
    await gateway.close();
    await tab.close();
  });

  it('sends a Solana transfer the relay builds, Node 1 checks and co-signs with FROST, executed by litesvm', async () => {
    solana.airdrop(solLocalWallet.address, 2_000_000_000n);
    const recipient = base58.encode(ed25519.getPublicKey(ed25519.utils.randomSecretKey()));
    const { challengeId, redirectUrl } = await challenge('transactions/transfer', {
      walletId: solLocalWallet.id,
      destinationAddress: recipient,
      amounts: ['0.25'],
      feeLevel: 'medium',
    });
    const { tab, gateway } = await openGateway(redirectUrl);
    timings.transferSolana = await approveWithPin(gateway, 'transfer-solana');
    expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
    const { result } = await readChallenge(challengeId);
    await waitForStatus(relay, result.transactionId, 'confirmed', 30_000);
    expect(solana.calls).toContain('sendTransaction');
    expect(solana.svm.getBalance(recipient as Parameters<typeof solana.svm.getBalance>[0])).toBe(250_000_000n);
    await gateway.close();
    await tab.close();
  });

  it('signs a caller-built Solana transaction (@solana/web3.js) that litesvm then executes', async () => {
    solana.airdrop(solLocalWallet.address, 1_000_000_000n);
    const payer = new PublicKey(solLocalWallet.address);
    const recipient = new PublicKey(ed25519.getPublicKey(ed25519.utils.randomSecretKey()));
    const tx = new Transaction({ feePayer: payer, recentBlockhash: solana.svm.latestBlockhash() }).add(
      SystemProgram.transfer({ fromPubkey: payer, toPubkey: recipient, lamports: 12_345_678 }),
    );
    const rawTransaction = Buffer.from(tx.serializeMessage()).toString('base64');
    const { challengeId, redirectUrl } = await challenge('sign/transaction', {
      walletId: solLocalWallet.id,
      rawTransaction,
    });
    const { tab, gateway } = await openGateway(redirectUrl);
    await approveWithPin(gateway, 'sign-transaction-solana');
    expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
    const { result } = await readChallenge(challengeId);
    solana.execute(Buffer.from(result.signedTransaction, 'base64'));
    expect(solana.svm.getBalance(recipient.toBase58() as Parameters<typeof solana.svm.getBalance>[0])).toBe(
      12_345_678n,
    );
    await gateway.close();
    await tab.close();
  });

  it('sends a NEAR transfer the relay builds, Node 1 checks and co-signs with FROST ed25519, accepted by the node', async () => {
    const publicKey = Uint8Array.from(Buffer.from(nearWallet.address, 'hex'));
    near.accounts.set(nearWallet.address, {
      amount: 5n * 10n ** 24n,
      publicKey: nearPublicKeyString(publicKey),
      nonce: 41,
    });
    const { challengeId, redirectUrl } = await challenge('transactions/transfer', {
      walletId: nearWallet.id,
      destinationAddress: 'bob.near',
      amounts: ['1.5'],
      feeLevel: 'medium',
    });
    const { tab, gateway } = await openGateway(redirectUrl);
    timings.transferNear = await approveWithPin(gateway, 'transfer-near');
    expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
    // The fake node checked the ed25519 signature over the transaction hash under the account key.
    expect(near.received).toHaveLength(1);
    await gateway.close();
    await tab.close();
  });

  it('signs a NEAR delegate action (NEP-366) that verifies under the account key', async () => {
    const publicKey = Uint8Array.from(Buffer.from(nearWallet.address, 'hex'));
    const delegate = {
      senderId: nearWallet.address,
      receiverId: 'app.near',
      actions: [{ type: 'Transfer' as const, deposit: '1000' }],
      nonce: '42',
      maxBlockHeight: '1000',
      publicKey: nearPublicKeyString(publicKey),
    };
    const borsh = serializeNearDelegateAction(delegate);
    const { challengeId, redirectUrl } = await challenge('sign/delegate-action', {
      walletId: nearWallet.id,
      unsignedDelegateAction: Buffer.from(borsh).toString('base64'),
    });
    const { tab, gateway } = await openGateway(redirectUrl);
    await approveWithPin(gateway, 'sign-delegate-action-near');
    expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
    const { result } = await readChallenge(challengeId);
    // NEP-461: SHA-256 over the u32 little-endian prefix 2^30 + 366, then the borsh delegate action.
    const prefix = new Uint8Array(4);
    new DataView(prefix.buffer).setUint32(0, 2 ** 30 + 366, true);
    const hash = sha256(new Uint8Array([...prefix, ...borsh]));
    expect(ed25519.verify(Buffer.from(result.signature, 'base64'), hash, publicKey)).toBe(true);
    await gateway.close();
    await tab.close();
  });

  it('signs a NEAR message that verifies under the implicit account key', async () => {
    const message = 'Acme Shop login on NEAR, nonce 42';
    const { challengeId, redirectUrl } = await challenge('sign/message', { walletId: nearWallet.id, message });
    const { tab, gateway } = await openGateway(redirectUrl);
    await approveWithPin(gateway, 'sign-message-near');
    expect((await returnedTo(tab, challengeId)).get('status')).toBe('verified');
    const { result } = await readChallenge(challengeId);
    expect(
      ed25519.verify(
        Buffer.from(result.signature, 'base64'),
        new TextEncoder().encode(message),
        Buffer.from(nearWallet.address, 'hex'),
      ),
    ).toBe(true);
    await gateway.close();
    await tab.close();
  });
});

describe('wrong PINs in Chromium', () => {
  it('says how many tries are left, and after five wrong PINs shows the locked screen', async () => {
    const { redirectUrl } = await challenge('sign/message', { walletId: evmWallet.id, message: 'locked?' });
    const { tab, gateway } = await openGateway(redirectUrl);
    await screen(gateway, 'approval');
    await gateway.click('[data-testid="approve"]');
    for (let attempt = 1; attempt <= 4; attempt++) {
      await screen(gateway, 'enter-pin');
      await typePin(gateway, '739164');
      await gateway.waitForFunction(
        () => document.querySelector('[data-testid="pin-error"]')?.textContent?.includes('Wrong PIN'),
        { timeout: 20_000 },
      );
      if (attempt === 4) {
        expect(await gateway.$eval('[data-testid="pin-error"]', (el) => el.textContent)).toContain('1 try left');
        await shot(gateway, 'wrong-pin-last-try');
      }
    }
    await typePin(gateway, '739164');
    await screen(gateway, 'problem-locked', 20_000);
    await shot(gateway, 'wrong-pin-locked');
    const customer = (await relay.call('GET', `/v2/customers/${customerId}`)).json.data;
    expect(customer.locked ?? customer.isLocked ?? customer.lockedOut).toBeTruthy();
    await gateway.close();
    await tab.close();
  });
});
