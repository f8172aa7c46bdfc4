/**
 * A `recovery` challenge in Chromium (built extension, relay on PGlite): a customer onboarded with a
 * recovery kit only, with an EVM wallet, is asked by the business to add recovery methods. The Gateway
 * shows the approval, asks for the PIN (the new copies wrap the same bundle), shows the kit as already
 * set up, takes three security answers and completes at the relay. A reset-pin through those answers
 * then works and the new PIN signs (viem verifies) — the new questions copy is real.
 */
import { mkdirSync } from 'node:fs';
import { verifyMessage } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  SHOTS,
  screen,
  shot,
  typePin,
} from './export-flow-helpers.js';

const PIN = '418263';
const NEW_PIN = '750394';
const ANSWERS = ['Juniper', 'Harbour Road', 'Mr Osei'];

let relay: TestRelay;
let chromium: ExtensionBrowser;
let business: Business;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  relay = await startTestRelay();
  chromium = await launchWithExtension();
  await setRelayUrl(await chromium.worker(), new URL(relay.url).origin);
  const customer = await relay.call('POST', '/v2/customers', { name: 'Ama', refId: crypto.randomUUID() });
  business = { relay, customerId: customer.json.data.id };
  await onboardWithWallets(chromium, business, PIN, ['EVM-LOCAL']);
});
afterAll(async () => {
  await chromium?.close();
  await relay?.stop();
});

async function storedCopies(): Promise<string[]> {
  const r = await relay.db.query<{ method: string }>(
    'SELECT method FROM wrapped_copies WHERE customer_id = $1 ORDER BY method',
    [business.customerId],
  );
  return r.rows.map((row) => row.method);
}

describe('recovery challenge in Chromium', () => {
  it('adds security questions after onboarding with a kit: approval, PIN, the kit shown as set up, answers, completion', async () => {
    expect(await storedCopies()).toEqual(['kit', 'pin']);
    const { challengeId, redirectUrl } = await challenge(business, 'recovery');
    const { tab, gateway: g } = await openGateway(chromium, redirectUrl);
    await screen(g, 'approval');
    await shot(g, 'recovery-change-approval');
    await g.click('[data-testid="approve"]');
    await screen(g, 'enter-pin');
    // A wrong PIN is counted and the PIN pad asks again.
    await typePin(g, '135792');
    await g.waitForFunction(
      () => document.querySelector('[data-testid="pin-error"]')?.textContent?.includes('Wrong PIN'),
      { timeout: 30_000 },
    );
    await typePin(g, PIN);
    await screen(g, 'recovery-setup', 30_000);
    // The relay holds a kit copy already: the screen says so, and Finish waits for a new method.
    await g.waitForSelector('[data-testid="recovery-kit"] [data-state="existing"]');
    expect(await g.$eval('[data-testid="finish-setup"]', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    await shot(g, 'recovery-change-choose');
    // The worker stops while the user thinks of answers: the opened bundle and K wait in storage.session.
    await (await chromium.worker()).close();
    await g.click('[data-testid="recovery-questions"]');
    await screen(g, 'recovery-questions');
    for (const [i, answer] of ANSWERS.entries()) await g.type(`[data-testid="answer-${i}"]`, answer);
    await g.click('[data-testid="save-questions"]');
    await g.waitForSelector('[data-testid="recovery-questions"].done', { timeout: 30_000 });
    await g.click('[data-testid="finish-setup"]');
    await screen(g, 'done', 30_000);
    await shot(g, 'recovery-change-done');
    await g.close();
    await tab.close();
    const read = await readChallenge(business, challengeId);
    expect(read.status).toBe('verified');
    // The kit copy is sealed again too: it now carries the questions copy's key (recovery-copies.ts).
    expect(read.result).toMatchObject({ recoveryMethods: ['kit', 'questions'] });
    expect(await storedCopies()).toEqual(['kit', 'pin', 'questions']);
  });

  it('resets the PIN through the new security questions; the new PIN signs and viem verifies', async () => {
    const { challengeId, redirectUrl } = await challenge(business, 'reset-pin');
    const { tab, gateway: g } = await openGateway(chromium, redirectUrl);
    await screen(g, 'reset-choose', 30_000);
    await g.click('[data-testid="reset-questions"]');
    await screen(g, 'reset-questions');
    for (const [i, answer] of ANSWERS.entries()) await g.type(`[data-testid="reset-answer-${i}"]`, answer);
    await g.click('[data-testid="submit-answers"]');
    await screen(g, 'new-pin', 60_000);
    await typePin(g, NEW_PIN);
    await screen(g, 'confirm-new-pin');
    await typePin(g, NEW_PIN);
    await screen(g, 'done', 120_000);
    await shot(g, 'recovery-change-reset-done');
    await g.close();
    await tab.close();
    expect((await readChallenge(business, challengeId)).status).toBe('verified');

    const evm = (await customerWallets(business)).find((w) => w.blockchain === 'EVM-LOCAL');
    const message = 'Signed after a reset through questions added later';
    const sign = await challenge(business, 'sign/message', { walletId: evm.id, message });
    const pages = await openGateway(chromium, sign.redirectUrl);
    await approveWithPin(pages.gateway, 'recovery-change-sign', NEW_PIN);
    await pages.gateway.close();
    await pages.tab.close();
    const { result } = await readChallenge(business, sign.challengeId);
    expect(await verifyMessage({ address: evm.address, message, signature: result.signature as `0x${string}` })).toBe(
      true,
    );
  });

  it('replaces the recovery kit: a new code is shown once, the old kit key and copy are gone, and a reset works with the new code', async () => {
    const kitRow = async () =>
      (
        await relay.db.query<{ public_key: Uint8Array; wrapped: unknown }>(
          `SELECT k.public_key, c.wrapped FROM recovery_kit_keys k
             JOIN wrapped_copies c ON c.customer_id = k.customer_id AND c.method = 'kit' WHERE k.customer_id = $1`,
          [business.customerId],
        )
      ).rows[0];
    const before = await kitRow();
    const { challengeId, redirectUrl } = await challenge(business, 'recovery');
    const { tab, gateway: g } = await openGateway(chromium, redirectUrl);
    await screen(g, 'approval');
    await g.click('[data-testid="approve"]');
    await screen(g, 'enter-pin');
    await typePin(g, NEW_PIN);
    await screen(g, 'recovery-setup', 30_000);
    await g.waitForSelector('[data-testid="recovery-questions"] [data-state="existing"]');
    await g.click('[data-testid="recovery-kit"]');
    await screen(g, 'recovery-kit');
    const newCode = await g.$eval('[data-testid="kit-code"]', (el) => el.textContent ?? '');
    await g.click('[data-testid="kit-saved-check"]');
    await g.click('[data-testid="kit-saved"]');
    await g.waitForSelector('[data-testid="recovery-kit"].done', { timeout: 30_000 });
    await g.click('[data-testid="finish-setup"]');
    await screen(g, 'done', 30_000);
    await g.close();
    await tab.close();
    expect((await readChallenge(business, challengeId)).status).toBe('verified');
    const after = await kitRow();
    expect(Buffer.from(after?.public_key ?? []).equals(Buffer.from(before?.public_key ?? []))).toBe(false);
    expect(after?.wrapped).not.toEqual(before?.wrapped);

    const reset = await challenge(business, 'reset-pin');
    const pages = await openGateway(chromium, reset.redirectUrl);
    await screen(pages.gateway, 'reset-choose', 30_000);
    await pages.gateway.click('[data-testid="reset-kit"]');
    await screen(pages.gateway, 'reset-kit');
    await pages.gateway.type('[data-testid="reset-kit-code"]', newCode);
    await pages.gateway.click('[data-testid="submit-kit"]');
    await screen(pages.gateway, 'new-pin', 60_000);
    await typePin(pages.gateway, PIN);
    await screen(pages.gateway, 'confirm-new-pin');
    await typePin(pages.gateway, PIN);
    await screen(pages.gateway, 'done', 120_000);
    await pages.gateway.close();
    await pages.tab.close();
    expect((await readChallenge(business, reset.challengeId)).status).toBe('verified');
  });
});
