/**
 * Changing and resetting the PIN in Chromium (built extension, relay on PGlite, business side through
 * the REST API, the relay's dev SMTP mailbox for email codes):
 *   onboarding with all three recovery methods → EVM + Solana wallets → update-pin → five wrong PINs
 *   lock → reset-pin by recovery kit → by security answers → by email code.
 * After each change a personal_sign with the new PIN verifies with viem, the previous PIN is refused,
 * and the previously wrapped copies no longer open. Screenshots go to .tmp/screenshots/ (git-ignored).
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { base58 } from '@scure/base';
import type { Page } from 'puppeteer';
import { verifyMessage } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WALLETS_KEY } from '../../../extension/background/wallet-store.js';
import { deriveRecoveryKitKey } from '../../../protocol/pin/recovery-kit.js';
import { parseWrappedSecret, unwrapBundleJson, type WrappedSecret } from '../../../protocol/pin/wrap.js';
import { EXTENSION_DIR, type ExtensionBrowser, launchWithExtension } from '../../helpers/browser.js';
import { gatewayWindow, setRelayUrl } from '../../helpers/extension-pages.js';
import { codeOf, createGatewayClient } from '../../helpers/gateway-client.js';
import { typePin } from '../../helpers/gateway-driver.js';
import { startTestRelay, type TestRelay } from '../../helpers/relay.js';

const SHOTS = '.tmp/screenshots';
const FIRST_PIN = '402917';
const UPDATED_PIN = '581736';
const KIT_PIN = '736185';
const ANSWERS_PIN = '615824';
const EMAIL_PIN = '927304';
const ANSWERS = ['Rex', 'Elm Street', 'Ms Ng'];

let relay: TestRelay;
let chromium: ExtensionBrowser;
let extensionDir: string | undefined;
let customerId: string;
let kitCode: string;
let email: string;
let evmWallet: { id: string; address: string };
let solWallet: { id: string; address: string };
let gateway: ReturnType<typeof createGatewayClient>;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  relay = await startTestRelay();
  gateway = createGatewayClient(relay.url);
  // A private copy of the build: the checkout is shared, and a rebuild meanwhile would swap the files.
  extensionDir = mkdtempSync(join(tmpdir(), 'tandem-ext-'));
  cpSync(EXTENSION_DIR, extensionDir, { recursive: true });
  chromium = await launchWithExtension({ extensionDir });
  const worker = await chromium.worker();
  if (process.env.TANDEM_E2E_DEBUG) worker.on('console', (m) => console.log('worker:', m.text()));
  await setRelayUrl(worker, new URL(relay.url).origin);
  const customer = await relay.call('POST', '/v2/customers', { name: 'Ada', refId: crypto.randomUUID() });
  customerId = customer.json.data.id;
});
afterAll(async () => {
  await chromium?.close();
  await relay?.stop();
  if (extensionDir) rmSync(extensionDir, { recursive: true, force: true });
});

async function challenge(path: string, body: Record<string, unknown> = {}) {
  const created = await relay.call('POST', `/v2/customers/${customerId}/${path}`, {
    ...body,
    redirectUrl: `${relay.url}/demo`,
    idempotencyKey: crypto.randomUUID(),
  });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  return { challengeId: created.json.data.challengeId as string, redirectUrl: created.json.data.redirectUrl as string };
}

async function challengeStatus(challengeId: string): Promise<string> {
  return (await relay.call('GET', `/v2/customers/${customerId}/challenges/${challengeId}`)).json.data.status;
}

async function openGateway(redirectUrl: string): Promise<{ tab: Page; gateway: Page }> {
  const tab = await chromium.browser.newPage();
  await tab.goto(redirectUrl);
  const page = await gatewayWindow(chromium.browser, chromium.extensionId);
  await page.setViewport({ width: 420, height: 720 });
  return { tab, gateway: page };
}

async function screen(page: Page, name: string, timeout = 20_000): Promise<void> {
  try {
    await page.waitForSelector(`[data-screen="${name}"]`, { timeout });
  } catch (error) {
    await shot(page, `pin-failed-waiting-for-${name}`);
    throw new Error(`no ${name} screen; showing: ${await page.$eval('main', (m) => m.textContent).catch(() => '?')}`, {
      cause: error,
    });
  }
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

async function pinError(page: Page, includes: string): Promise<string> {
  await page.waitForFunction(
    (text) => document.querySelector('[data-testid="pin-error"]')?.textContent?.includes(text),
    { timeout: 30_000 },
    includes,
  );
  return page.$eval('[data-testid="pin-error"]', (el) => el.textContent ?? '');
}

/** After a wrong PIN: the PIN pad's message, or 'locked' once the locked screen shows. */
async function wrongPinOutcome(page: Page): Promise<string> {
  const handle = await page.waitForFunction(
    () => {
      if (document.querySelector('[data-screen="problem-locked"]')) return 'locked';
      const text = document.querySelector('[data-screen="enter-pin"] [data-testid="pin-error"]')?.textContent;
      return text?.includes('Wrong PIN') ? text : false;
    },
    { timeout: 30_000 },
  );
  return (await handle.jsonValue()) as string;
}

async function close(pages: { tab: Page; gateway: Page }): Promise<void> {
  await pages.gateway.close().catch(() => undefined);
  await pages.tab.close();
}

/** Chooses the new PIN twice and waits for the done screen; returns ms from the last digit. */
async function setNewPin(page: Page, pin: string, name: string): Promise<number> {
  await screen(page, 'new-pin', 60_000);
  await shot(page, `${name}-new-pin`);
  await typePin(page, pin);
  await screen(page, 'confirm-new-pin');
  const started = Date.now();
  await typePin(page, pin);
  await screen(page, 'progress');
  await shot(page, `${name}-progress`);
  await screen(page, 'done', 120_000);
  await shot(page, `${name}-done`);
  return Date.now() - started;
}

/** A sign-message approved with `pin` (EVM personal_sign unless `walletId`): returns the signature. */
async function signWith(pin: string, message: string, name: string, walletId = evmWallet.id): Promise<string> {
  const { challengeId, redirectUrl } = await challenge('sign/message', { walletId, message });
  const pages = await openGateway(redirectUrl);
  await screen(pages.gateway, 'approval');
  await pages.gateway.click('[data-testid="approve"]');
  await screen(pages.gateway, 'enter-pin');
  await typePin(pages.gateway, pin);
  await screen(pages.gateway, 'done', 90_000);
  await shot(pages.gateway, `${name}-signed`);
  await close(pages);
  const { result } = (await relay.call('GET', `/v2/customers/${customerId}/challenges/${challengeId}`)).json.data;
  return result.signature;
}

/** The old PIN is refused on a signing request (a counted wrong attempt, with the tries left). */
async function expectPinRefused(pin: string, name: string): Promise<void> {
  const { redirectUrl } = await challenge('sign/message', { walletId: evmWallet.id, message: 'old PIN?' });
  const pages = await openGateway(redirectUrl);
  await screen(pages.gateway, 'approval');
  await pages.gateway.click('[data-testid="approve"]');
  await screen(pages.gateway, 'enter-pin');
  await typePin(pages.gateway, pin);
  expect(await pinError(pages.gateway, 'Wrong PIN')).toMatch(/tries left/);
  await shot(pages.gateway, `${name}-old-pin-refused`);
  await close(pages);
}

async function signsWith(pin: string, name: string): Promise<void> {
  const message = `Signed after ${name}`;
  const signature = await signWith(pin, message, name);
  expect(
    await verifyMessage({
      address: evmWallet.address as `0x${string}`,
      message,
      signature: signature as `0x${string}`,
    }),
  ).toBe(true);
}

async function devicePinCopy(): Promise<WrappedSecret> {
  const stored = await (await chromium.worker()).evaluate(
    async (key) => (await chrome.storage.local.get(key))[key],
    WALLETS_KEY,
  );
  return parseWrappedSecret((stored as { wallets: { wrapped: unknown }[] }).wallets[0]?.wrapped);
}

/** A copy wrapped before the change does not open with the PIN it was made for (nor the new one). */
async function expectCopyRefused(copy: WrappedSecret, pins: string[]): Promise<void> {
  const probe = await challenge('sign/message', { walletId: evmWallet.id, message: 'probe' });
  for (const pin of pins) {
    const attempt = await gateway.unlockPin(probe.challengeId, customerId, pin, copy);
    expect('refused' in attempt, `${pin} opened an old copy`).toBe(true);
    if ('refused' in attempt) expect(attempt.refused.json.error.code).toBe('stale_epoch');
  }
}

async function serverEpochs(): Promise<number[]> {
  const r = await relay.db.query<{ epoch: number }>(
    // ECDSA roots (EVM, Bitcoin), the Taproot root, the Solana and NEAR accounts; k_S (export:…) is not refreshed.
    "SELECT epoch FROM mpc_key_shares WHERE customer_id = $1 AND key_id NOT LIKE 'export:%' ORDER BY key_id",
    [customerId],
  );
  return r.rows.map((row) => row.epoch);
}

describe('setup: onboarding with three recovery methods and wallets of every key kind', () => {
  it('onboards with a kit, security questions and email, and creates EVM, Bitcoin (with Taproot), Solana and NEAR wallets', async () => {
    const init = await challenge('initialize');
    const pages = await openGateway(init.redirectUrl);
    const g = pages.gateway;
    await screen(g, 'choose-pin');
    await typePin(g, FIRST_PIN);
    await screen(g, 'confirm-pin');
    await typePin(g, FIRST_PIN);
    await screen(g, 'recovery-setup', 30_000);
    await g.click('[data-testid="recovery-kit"]');
    await screen(g, 'recovery-kit');
    kitCode = await g.$eval('[data-testid="kit-code"]', (el) => el.textContent ?? '');
    await g.click('[data-testid="kit-saved-check"]');
    await g.click('[data-testid="kit-saved"]');
    await g.waitForSelector('[data-testid="recovery-kit"].done');
    // The worker stops while the user sets up recovery (MV3 stops an idle worker after 30 s): the PIN's key,
    // which completion needs to seal every recovery key into the bundle, waits in storage.session.
    await (await chromium.worker()).close();
    await g.click('[data-testid="recovery-questions"]');
    await screen(g, 'recovery-questions');
    for (const [i, answer] of ANSWERS.entries()) await g.type(`[data-testid="answer-${i}"]`, answer);
    await g.click('[data-testid="save-questions"]');
    await g.waitForSelector('[data-testid="recovery-questions"].done', { timeout: 30_000 });
    email = `ada-${crypto.randomUUID().slice(0, 8)}@example.com`;
    await g.click('[data-testid="recovery-email"]');
    await screen(g, 'recovery-email');
    await g.type('[data-testid="email"]', email);
    const sentAt = Date.now();
    await g.click('[data-testid="send-code"]');
    await screen(g, 'recovery-email-code');
    const mail = await relay.mailbox?.waitFor(email, { after: sentAt - 1 });
    await g.type('[data-testid="email-code"]', codeOf(mail?.raw ?? ''));
    await g.click('[data-testid="confirm-code"]');
    await g.waitForSelector('[data-testid="recovery-email"].done', { timeout: 30_000 });
    await g.click('[data-testid="finish-setup"]');
    await screen(g, 'done', 30_000);
    await close(pages);
    expect(await challengeStatus(init.challengeId)).toBe('verified');

    // Every key kind the refresh must move: DKLs23 roots (EVM, Bitcoin), the Taproot FROST root, ed25519 accounts.
    const create = await challenge('wallet/create', {
      blockchains: ['EVM-LOCAL', 'BTC-TESTNET', 'SOL-DEVNET', 'NEAR-TESTNET'],
      accountType: 'eoa',
    });
    const w = await openGateway(create.redirectUrl);
    await screen(w.gateway, 'approval');
    await w.gateway.click('[data-testid="approve"]');
    await screen(w.gateway, 'enter-pin');
    await typePin(w.gateway, FIRST_PIN);
    await screen(w.gateway, 'done', 120_000);
    await close(w);
    const wallets = (await relay.call('GET', `/v2/wallets?customerId=${customerId}`)).json.data.wallets as any[];
    evmWallet = wallets.find((x) => x.blockchain === 'EVM-LOCAL');
    solWallet = wallets.find((x) => x.blockchain === 'SOL-DEVNET');
    expect(evmWallet.address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(await serverEpochs()).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('update-pin in Chromium', () => {
  it('checks the current PIN (tries left on a wrong one), refuses weak or unchanged new PINs, refreshes the shares and re-wraps every copy; the new PIN signs and the old PIN and copy are refused', async () => {
    const before = await devicePinCopy();
    const { challengeId, redirectUrl } = await challenge('update-pin');
    const pages = await openGateway(redirectUrl);
    const g = pages.gateway;
    await screen(g, 'current-pin');
    await shot(g, 'update-pin-current');
    await typePin(g, '739164');
    expect(await pinError(g, 'Wrong PIN')).toContain('4 tries left');
    await shot(g, 'update-pin-wrong-current');
    await typePin(g, FIRST_PIN);
    await screen(g, 'new-pin', 30_000);
    await typePin(g, '123456');
    expect(await pinError(g, '123456')).toContain('Choose another PIN');
    await typePin(g, FIRST_PIN);
    expect(await pinError(g, 'current PIN')).toContain('Choose a different one');
    await shot(g, 'update-pin-same-pin');
    const ms = await setNewPin(g, UPDATED_PIN, 'update-pin');
    console.log(`update-pin: ${ms} ms from the confirmed PIN to done`);
    expect(await g.$eval('[data-testid="done-body"]', (el) => el.textContent)).toContain('old one no longer works');
    await close(pages);
    expect(await challengeStatus(challengeId)).toBe('verified');
    expect(await serverEpochs()).toEqual([1, 1, 1, 1, 1]);
    // The PIN copy with the new shares was stored before the relay could store its own (Node 1 held
    // back its last refresh messages), so no moment existed where the new shares lived only in memory.
    const order = await relay.db.query<{ copy: string; shares: string }>(
      `SELECT (SELECT updated_at FROM wrapped_copies WHERE customer_id = $1 AND method = 'pin')::text AS copy,
              (SELECT min(updated_at) FROM mpc_key_shares WHERE customer_id = $1 AND epoch = 1)::text AS shares`,
      [customerId],
    );
    const row = order.rows[0] as { copy: string; shares: string };
    expect(Date.parse(row.copy)).toBeLessThan(Date.parse(row.shares));

    await signsWith(UPDATED_PIN, 'update-pin');
    await expectPinRefused(FIRST_PIN, 'update-pin');
    await expectCopyRefused(before, [FIRST_PIN, UPDATED_PIN]);
  });
});

describe('locked wallet in Chromium', () => {
  it('locks after five wrong PINs and the locked screen says what to ask the business for', async () => {
    const { redirectUrl } = await challenge('sign/message', { walletId: evmWallet.id, message: 'locked?' });
    const pages = await openGateway(redirectUrl);
    const g = pages.gateway;
    await screen(g, 'approval');
    await g.click('[data-testid="approve"]');
    // Earlier refusals may have counted already: type wrong PINs until the wallet locks (at most five),
    // and see the tries left counted down on the way.
    const seen: string[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      await screen(g, 'enter-pin');
      await typePin(g, '739164');
      const outcome = await wrongPinOutcome(g);
      if (outcome === 'locked') break;
      seen.push(outcome);
      if (outcome.includes('1 try left')) await shot(g, 'wrong-pin-last-try');
    }
    expect(seen.at(-1)).toContain('1 try left');
    await screen(g, 'problem-locked', 30_000);
    const next = await g.$eval('[data-testid="locked-next"]', (el) => el.textContent ?? '');
    expect(next).toContain('reset your PIN');
    expect(next).toMatch(/ask .+ to reset your PIN/);
    await shot(g, 'locked');
    await close(pages);
    expect((await relay.call('GET', `/v2/customers/${customerId}`)).json.data.locked).toBe(true);
  });
});

describe('reset-pin in Chromium', () => {
  it('resets a locked wallet with the recovery kit (a mistyped code is caught by its check symbols); the new PIN signs, the old PIN is refused and the old shares are gone', async () => {
    const { challengeId, redirectUrl } = await challenge('reset-pin');
    // The kit copy as it is before the reset (fetched with the same reset-pin challenge).
    const oldKitCopy = await gateway.fetchCopy(challengeId, 'kit');
    const pages = await openGateway(redirectUrl);
    const g = pages.gateway;
    await screen(g, 'reset-choose', 30_000);
    for (const m of ['kit', 'questions', 'email']) expect(await g.$(`[data-testid="reset-${m}"]`)).not.toBeNull();
    await shot(g, 'reset-choose');
    await g.click('[data-testid="reset-kit"]');
    await screen(g, 'reset-kit');
    // Swap two characters: the check symbols catch every transposition.
    const at = [...kitCode].findIndex((c, i) => c !== '-' && kitCode[i + 1] !== '-' && c !== kitCode[i + 1]);
    const swapped = `${kitCode.slice(0, at)}${kitCode[at + 1]}${kitCode[at]}${kitCode.slice(at + 2)}`;
    expect(swapped).not.toBe(kitCode);
    await g.type('[data-testid="reset-kit-code"]', swapped);
    await g.click('[data-testid="submit-kit"]');
    expect(await g.$eval('[data-testid="reset-kit-error"]', (el) => el.textContent)).toContain('typo');
    await shot(g, 'reset-kit-typo');
    await g.$eval('[data-testid="reset-kit-code"]', (el) => {
      (el as HTMLInputElement).value = '';
    });
    await g.type('[data-testid="reset-kit-code"]', kitCode.toLowerCase().replaceAll('-', ' '));
    await g.click('[data-testid="submit-kit"]');
    await setNewPin(g, KIT_PIN, 'reset-kit');
    await close(pages);
    expect(await challengeStatus(challengeId)).toBe('verified');
    expect((await relay.call('GET', `/v2/customers/${customerId}`)).json.data.locked).toBe(false);
    expect(await serverEpochs()).toEqual([2, 2, 2, 2, 2]);

    await signsWith(KIT_PIN, 'reset-kit');
    await expectPinRefused(UPDATED_PIN, 'reset-kit');
    // The pre-reset kit copy still opens with the code, but holds shares of the previous epoch.
    const probe = await challenge('reset-pin');
    const newKitCopy = await gateway.fetchCopy(probe.challengeId, 'kit');
    const open = (copy: WrappedSecret) =>
      unwrapBundleJson<{ ecdsa: { evm: { epoch: number; secretShare: string; publicKey: string } } }>(
        copy,
        deriveRecoveryKitKey(kitCode, customerId, (copy.kdf as { saltHex: string }).saltHex),
      );
    const [oldBundle, newBundle] = [await open(oldKitCopy), await open(newKitCopy)];
    expect(newBundle.ecdsa.evm.publicKey).toBe(oldBundle.ecdsa.evm.publicKey);
    expect(newBundle.ecdsa.evm.epoch).toBe(2);
    expect(oldBundle.ecdsa.evm.epoch).toBe(1);
    expect(newBundle.ecdsa.evm.secretShare).not.toBe(oldBundle.ecdsa.evm.secretShare);
  });

  it('resets with the security answers (wrong answers say how many tries are left); the new PIN signs and the old one is refused', async () => {
    const { challengeId, redirectUrl } = await challenge('reset-pin');
    const pages = await openGateway(redirectUrl);
    const g = pages.gateway;
    await screen(g, 'reset-choose', 30_000);
    await g.click('[data-testid="reset-questions"]');
    await screen(g, 'reset-questions');
    await g.type('[data-testid="reset-answer-0"]', 'Rex');
    await g.type('[data-testid="reset-answer-1"]', 'Oak Street');
    await g.type('[data-testid="reset-answer-2"]', 'Ms Ng');
    await shot(g, 'reset-questions');
    await g.click('[data-testid="submit-answers"]');
    await screen(g, 'reset-questions', 30_000);
    await g.waitForFunction(
      () => document.querySelector('[data-testid="reset-answers-error"]')?.textContent?.includes('4 tries left'),
      { timeout: 30_000 },
    );
    await shot(g, 'reset-questions-wrong');
    // What was typed stays; only the wrong answer is corrected (case and spacing do not matter).
    expect(await g.$eval('[data-testid="reset-answer-0"]', (el) => (el as HTMLInputElement).value)).toBe('Rex');
    await g.$eval('[data-testid="reset-answer-1"]', (el) => {
      (el as HTMLInputElement).value = '';
    });
    await g.type('[data-testid="reset-answer-1"]', 'ELM   street');
    await g.click('[data-testid="submit-answers"]');
    await screen(g, 'new-pin', 60_000);
    // The worker stops while the user thinks of a new PIN: the recovered bundle waits in storage.session.
    await (await chromium.worker()).close();
    await setNewPin(g, ANSWERS_PIN, 'reset-questions');
    await close(pages);
    expect(await challengeStatus(challengeId)).toBe('verified');
    expect(await serverEpochs()).toEqual([3, 3, 3, 3, 3]);
    await signsWith(ANSWERS_PIN, 'reset-questions');
    await expectPinRefused(KIT_PIN, 'reset-questions');
  });

  it('resets with a code mailed to the recovery address; the new PIN signs and the old PIN and copy are refused', async () => {
    const before = await devicePinCopy();
    const { challengeId, redirectUrl } = await challenge('reset-pin');
    const pages = await openGateway(redirectUrl);
    const g = pages.gateway;
    await screen(g, 'reset-choose', 30_000);
    await g.click('[data-testid="reset-email"]');
    await screen(g, 'reset-email');
    await shot(g, 'reset-email');
    const sentAt = Date.now();
    await g.click('[data-testid="send-reset-code"]');
    await screen(g, 'reset-email-code', 30_000);
    expect(await g.$eval('main', (el) => el.textContent)).toMatch(/\*\*\*@example\.com/);
    await g.type('[data-testid="reset-email-code"]', '000000');
    await g.click('[data-testid="confirm-reset-code"]');
    await g.waitForFunction(
      () => document.querySelector('[data-testid="reset-email-error"]')?.textContent?.includes('not right'),
      { timeout: 20_000 },
    );
    await shot(g, 'reset-email-wrong-code');
    const mail = await relay.mailbox?.waitFor(email, { after: sentAt - 1 });
    await g.$eval('[data-testid="reset-email-code"]', (el) => {
      (el as HTMLInputElement).value = '';
    });
    await g.type('[data-testid="reset-email-code"]', codeOf(mail?.raw ?? ''));
    await g.click('[data-testid="confirm-reset-code"]');
    await setNewPin(g, EMAIL_PIN, 'reset-email');
    await close(pages);
    expect(await challengeStatus(challengeId)).toBe('verified');
    expect(await serverEpochs()).toEqual([4, 4, 4, 4, 4]);
    await signsWith(EMAIL_PIN, 'reset-email');
    // The ed25519 account shares went through four refreshes too: a Solana message still verifies.
    const message = 'Solana after four PIN changes';
    const signature = await signWith(EMAIL_PIN, message, 'reset-email-solana', solWallet.id);
    expect(
      ed25519.verify(base58.decode(signature), new TextEncoder().encode(message), base58.decode(solWallet.address)),
    ).toBe(true);
    await expectPinRefused(ANSWERS_PIN, 'reset-email');
    await expectCopyRefused(before, [ANSWERS_PIN, EMAIL_PIN]);
  });
});

describe('email recovery behind a time lock (RECOVERY_EMAIL_DELAY)', () => {
  const DELAY_MS = 4_000;
  let first: { relay: TestRelay; chromium: ExtensionBrowser; customerId: string; evmWallet: typeof evmWallet };
  let ownDir: string;
  beforeAll(async () => {
    first = { relay, chromium, customerId, evmWallet };
    relay = await startTestRelay({ env: { RECOVERY_EMAIL_DELAY: `${DELAY_MS}ms` } });
    ownDir = mkdtempSync(join(tmpdir(), 'tandem-ext-'));
    cpSync(EXTENSION_DIR, ownDir, { recursive: true });
    chromium = await launchWithExtension({ extensionDir: ownDir });
    await setRelayUrl(await chromium.worker(), new URL(relay.url).origin);
    customerId = (await relay.call('POST', '/v2/customers', { name: 'Grace', refId: crypto.randomUUID() })).json.data
      .id;
  });
  afterAll(async () => {
    await chromium?.close();
    await relay?.stop();
    rmSync(ownDir, { recursive: true, force: true });
    ({ relay, chromium, customerId, evmWallet } = first);
  });

  it('says when the code is right but recovery opens later, and goes on once the time lock is over', async () => {
    const address = `grace-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const init = await challenge('initialize');
    const onboarding = await openGateway(init.redirectUrl);
    const g0 = onboarding.gateway;
    await screen(g0, 'choose-pin');
    await typePin(g0, FIRST_PIN);
    await screen(g0, 'confirm-pin');
    await typePin(g0, FIRST_PIN);
    await screen(g0, 'recovery-setup', 30_000);
    await g0.click('[data-testid="recovery-email"]');
    await screen(g0, 'recovery-email');
    await g0.type('[data-testid="email"]', address);
    const setupAt = Date.now();
    await g0.click('[data-testid="send-code"]');
    await screen(g0, 'recovery-email-code');
    await g0.type(
      '[data-testid="email-code"]',
      codeOf((await relay.mailbox?.waitFor(address, { after: setupAt - 1 }))?.raw ?? ''),
    );
    await g0.click('[data-testid="confirm-code"]');
    await g0.waitForSelector('[data-testid="recovery-email"].done', { timeout: 30_000 });
    await g0.click('[data-testid="finish-setup"]');
    await screen(g0, 'done', 30_000);
    await close(onboarding);
    const create = await challenge('wallet/create', { blockchains: ['EVM-LOCAL'], accountType: 'eoa' });
    const w = await openGateway(create.redirectUrl);
    await screen(w.gateway, 'approval');
    await w.gateway.click('[data-testid="approve"]');
    await screen(w.gateway, 'enter-pin');
    await typePin(w.gateway, FIRST_PIN);
    await screen(w.gateway, 'done', 120_000);
    await close(w);
    evmWallet = (await relay.call('GET', `/v2/wallets?customerId=${customerId}`)).json.data.wallets[0];

    const reset = await challenge('reset-pin');
    const pages = await openGateway(reset.redirectUrl);
    const g = pages.gateway;
    await screen(g, 'reset-choose', 30_000);
    // Only the method this customer set up is offered.
    expect(await g.$('[data-testid="reset-kit"]')).toBeNull();
    await g.click('[data-testid="reset-email"]');
    await screen(g, 'reset-email');
    const sentAt = Date.now();
    await g.click('[data-testid="send-reset-code"]');
    await screen(g, 'reset-email-code', 30_000);
    await g.type(
      '[data-testid="reset-email-code"]',
      codeOf((await relay.mailbox?.waitFor(address, { after: sentAt - 1 }))?.raw ?? ''),
    );
    await g.click('[data-testid="confirm-reset-code"]');
    await screen(g, 'reset-email-wait', 20_000);
    await shot(g, 'reset-email-time-lock');
    // Too early: still waiting, and it says so.
    await g.click('[data-testid="check-again"]');
    await g.waitForSelector('[data-testid="too-early"]', { timeout: 20_000 });
    await shot(g, 'reset-email-time-lock-too-early');
    await new Promise((r) => setTimeout(r, DELAY_MS));
    await g.click('[data-testid="check-again"]');
    await setNewPin(g, EMAIL_PIN, 'reset-email-time-lock');
    await close(pages);
    expect(await challengeStatus(reset.challengeId)).toBe('verified');
    await signsWith(EMAIL_PIN, 'reset-email-time-lock');
  });
});
