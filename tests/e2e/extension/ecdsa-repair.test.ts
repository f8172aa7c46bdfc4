/**
 * The ECDSA abort policy through the Gateway in Chromium (DESIGN.md §3): the relay's share of a
 * customer's EVM key is burned directly in its database (as after a failed consistency check). The
 * next sign-message re-pairs first (same shares, fresh OT correlations) and signs — viem verifies —,
 * the relay's share is live again, the extension's stored PIN copy (on the device and at the relay)
 * holds the new pairing, and a second signature needs no re-pairing.
 */
import { mkdirSync } from 'node:fs';
import { verifyMessage } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WALLETS_KEY } from '../../../extension/background/wallet-store.js';
import { burnShare, type Ecdsa2pKeyShare } from '../../../protocol/ecdsa2p/index.js';
import { parseWrappedSecret, unwrapBundleJson, type WrappedSecret } from '../../../protocol/pin/wrap.js';
import { loadMasterKey } from '../../../relay/crypto/master-key.js';
import { ecdsaRootKeyId } from '../../../relay/mpc/key-ids.js';
import { loadKeyShare, replaceKeyShare } from '../../../relay/mpc/key-shares.js';
import { type ExtensionBrowser, launchWithExtension } from '../../helpers/browser.js';
import { setRelayUrl } from '../../helpers/extension-pages.js';
import { createGatewayClient } from '../../helpers/gateway-client.js';
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

const PIN = '593106';

let relay: TestRelay;
let chromium: ExtensionBrowser;
let business: Business;
let evm: { id: string; address: `0x${string}` };
/** The device's PIN copy from before the re-pairing (its pairing goes stale once the relay re-pairs). */
let staleCopy: WrappedSecret;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  relay = await startTestRelay();
  chromium = await launchWithExtension();
  await setRelayUrl(await chromium.worker(), new URL(relay.url).origin);
  const customer = await relay.call('POST', '/v2/customers', { name: 'Kofi', refId: crypto.randomUUID() });
  business = { relay, customerId: customer.json.data.id };
  await onboardWithWallets(chromium, business, PIN, ['EVM-LOCAL']);
  evm = (await customerWallets(business)).find((w) => w.blockchain === 'EVM-LOCAL');
});
afterAll(async () => {
  await chromium?.close();
  await relay?.stop();
});

async function relayShare() {
  const masterKey = loadMasterKey({ dataDir: relay.dataDir });
  const keyId = ecdsaRootKeyId(business.customerId, 'evm');
  const stored = await loadKeyShare<Ecdsa2pKeyShare>(
    relay.db,
    { current: masterKey, retired: [] },
    business.customerId,
    keyId,
  );
  if (!stored) throw new Error('the relay holds no EVM share');
  return { stored, masterKey };
}

async function auditCount(action: string): Promise<number> {
  const r = await relay.db.query('SELECT 1 FROM audit_log WHERE customer_id = $1 AND action = $2', [
    business.customerId,
    action,
  ]);
  return r.rows.length;
}

async function deviceCopy(): Promise<WrappedSecret> {
  const stored = await (await chromium.worker()).evaluate(
    async (key) => (await chrome.storage.local.get(key))[key],
    WALLETS_KEY,
  );
  return parseWrappedSecret((stored as { wallets: { wrapped: unknown }[] }).wallets[0]?.wrapped);
}

/** The EVM share inside a PIN copy, opened with the PIN through the relay's guard (as the extension does). */
async function shareIn(copy: WrappedSecret): Promise<Ecdsa2pKeyShare> {
  const probe = await challenge(business, 'sign/message', { walletId: evm.id, message: 'probe' });
  const opened = await createGatewayClient(relay.url).unlockPin(probe.challengeId, business.customerId, PIN, copy);
  if (!('key' in opened)) throw new Error(`the PIN did not open the copy: ${JSON.stringify(opened.refused.json)}`);
  const bundle = (await unwrapBundleJson(copy, opened.key.rootKey)) as { ecdsa: { evm: Ecdsa2pKeyShare } };
  return bundle.ecdsa.evm;
}

async function signThroughGateway(message: string, name: string): Promise<void> {
  const { challengeId, redirectUrl } = await challenge(business, 'sign/message', { walletId: evm.id, message });
  const pages = await openGateway(chromium, redirectUrl);
  await approveWithPin(pages.gateway, name, PIN);
  await pages.gateway.close();
  await pages.tab.close();
  const read = await readChallenge(business, challengeId);
  expect(read.status).toBe('verified');
  expect(await verifyMessage({ address: evm.address, message, signature: read.result.signature })).toBe(true);
}

describe('ECDSA re-pairing through the Gateway', () => {
  it('re-pairs a burned relay share during a sign-message, signs (viem verifies) and stores the re-paired share on the device and at the relay', async () => {
    staleCopy = await deviceCopy();
    const before = await shareIn(staleCopy);
    const { stored, masterKey } = await relayShare();
    await relay.db.transaction((tx) =>
      replaceKeyShare(tx, masterKey, stored, { epoch: stored.epoch, secret: burnShare(stored.secret) }),
    );
    expect((await relayShare()).stored.secret.burned).toBe(true);

    await signThroughGateway('Signed after a re-pairing', 'ecdsa-repair-sign');

    const relayAfter = (await relayShare()).stored.secret;
    expect(relayAfter.burned).toBe(false);
    expect(await auditCount('mpc.share.repaired')).toBe(1);
    expect(await auditCount('wrapped_copy.repaired_pin_stored')).toBe(1);
    const device = await deviceCopy();
    const after = await shareIn(device);
    // Same share, fresh correlations that match the relay's.
    expect(after.secretShare).toBe(before.secretShare);
    expect(after.ot.sender.setupId).not.toBe(before.ot.sender.setupId);
    expect(relayAfter.ot.receiver.setupId).toBe(after.ot.sender.setupId);
    // The relay's PIN copy is the device's (a restore elsewhere brings the new pairing).
    const atRelay = await relay.db.query<{ wrapped: unknown }>(
      "SELECT wrapped FROM wrapped_copies WHERE customer_id = $1 AND method = 'pin'",
      [business.customerId],
    );
    const relayCopy = atRelay.rows[0]?.wrapped;
    expect(typeof relayCopy === 'string' ? JSON.parse(relayCopy) : relayCopy).toEqual(device);
  });

  it('signs the next message without re-pairing', async () => {
    await signThroughGateway('Signed with the renewed pairing', 'ecdsa-repair-second');
    expect(await auditCount('mpc.share.repair_started')).toBe(1);
    expect(await auditCount('mpc.share.repaired')).toBe(1);
  });

  it('re-pairs a device copy with a stale pairing up front (Node 1 states its setup ids) and signs at once', async () => {
    const worker = await chromium.worker();
    // Put back the copy from before the re-pairing, as a second profile or an old backup would hold it.
    await worker.evaluate(
      async (key, wrapped) => {
        const stored = (await chrome.storage.local.get(key))[key] as { wallets: { wrapped: unknown }[] };
        (stored.wallets[0] as { wrapped: unknown }).wrapped = wrapped;
        await chrome.storage.local.set({ [key]: stored });
      },
      WALLETS_KEY,
      staleCopy as unknown as Record<string, unknown>,
    );
    await signThroughGateway('Signed with a copy restored from before the re-pairing', 'ecdsa-repair-stale');
    const requested = await relay.db.query<{ details: { because: string } }>(
      "SELECT details FROM audit_log WHERE customer_id = $1 AND action = 'mpc.share.repair_started' ORDER BY id",
      [business.customerId],
    );
    expect(requested.rows.map((r) => r.details.because)).toEqual(['burned', 'stale-pairing']);
    const device = await shareIn(await deviceCopy());
    expect(device.burned).toBe(false);
    expect((await relayShare()).stored.secret.ot.receiver.setupId).toBe(device.ot.sender.setupId);
  });

  it('says clearly when the relay refuses a fourth re-pairing of the day', async () => {
    const burnRelayShare = async () => {
      const { stored, masterKey } = await relayShare();
      await relay.db.transaction((tx) =>
        replaceKeyShare(tx, masterKey, stored, { epoch: stored.epoch, secret: burnShare(stored.secret) }),
      );
    };
    await burnRelayShare();
    await signThroughGateway('The third re-pairing today', 'ecdsa-repair-third');
    expect(await auditCount('mpc.share.repaired')).toBe(3);
    await burnRelayShare();
    const refused = await challenge(business, 'sign/message', { walletId: evm.id, message: 'a fourth' });
    const pages = await openGateway(chromium, refused.redirectUrl);
    await screen(pages.gateway, 'approval');
    await pages.gateway.click('[data-testid="approve"]');
    await screen(pages.gateway, 'enter-pin');
    await typePin(pages.gateway, PIN);
    await pages.gateway.waitForFunction(
      () =>
        document.querySelector('[data-testid="progress-status"]')?.textContent?.includes('re-paired too often today'),
      { timeout: 60_000 },
    );
    await shot(pages.gateway, 'ecdsa-repair-rate-limited');
    await pages.gateway.close();
    await pages.tab.close();
    expect(await auditCount('mpc.share.repair_refused')).toBe(1);
  });
});
