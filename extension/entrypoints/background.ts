/**
 * The service worker (Node 1). Wiring only: every listener is registered synchronously in the first
 * turn (so Chrome can wake the worker for it), and the logic lives in the factories it wires.
 */
import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { createAccountStore } from '../background/accounts.js';
import { createApprovalQueue } from '../background/approvals.js';
import { recordBoot } from '../background/boot-log.js';
import { createCeremonyStore } from '../background/ceremonies.js';
import { createHttpChallengeReader } from '../background/challenge-reader.js';
import { createBackgroundController, NotAvailableError } from '../background/controller.js';
import { createDeviceKey, createIndexedDbKeyStore } from '../background/device-key.js';
import { createGatewayChannel } from '../background/gateway-channel.js';
import { createChromeBadge, createChromeGatewayWindows } from '../background/gateway-window.js';
import { createLockState } from '../background/lock.js';
import { createReturnToBusiness } from '../background/return-to-business.js';
import { createSettingsStore } from '../background/settings.js';

export default defineBackground(() => {
  const booted = recordBoot(browser.storage.session, Date.now);
  const settings = createSettingsStore({ storage: browser.storage.local });
  const queue = createApprovalQueue({
    storage: browser.storage.session,
    windows: createChromeGatewayWindows(browser),
    badge: createChromeBadge(browser),
    clock: Date.now,
    newId: () => crypto.randomUUID(),
    gatewayUrl: (approvalId) => `chrome-extension://${browser.runtime.id}/gateway.html#${approvalId}`,
  });
  const ceremonies = createCeremonyStore({ session: browser.storage.session, clock: Date.now });
  // Ceremony runners live in worker memory: any record found at start belongs to one that died with the
  // previous worker. It fails cleanly (its secret round state is wiped) instead of hanging.
  void ceremonies.endAll().then((interrupted) => {
    for (const record of interrupted)
      console.warn(`ceremony ${record.ceremonyId} (${record.protocol}) was interrupted`);
  });
  // A settled approval's ceremonies are over: their round states (secrets included) are wiped.
  queue.onSettled(async (approval) => {
    await ceremonies.endForApproval(approval.id);
  });
  queue.onSettled(createReturnToBusiness({ tabs: browser.tabs }));
  const lock = createLockState({
    session: browser.storage.session,
    alarms: browser.alarms,
    clock: Date.now,
    autoLockMinutes: async () => (await settings.get()).autoLockMinutes,
  });
  const deviceKey = createDeviceKey({ store: createIndexedDbKeyStore(indexedDB), subtle: crypto.subtle });
  const gatewayChannel = createGatewayChannel({ extensionId: browser.runtime.id });
  const controller = createBackgroundController({
    extensionId: browser.runtime.id,
    version: browser.runtime.getManifest().version,
    bootCount: async () => (await booted).length,
    queue,
    settings,
    lock,
    challenges: createHttpChallengeReader({ fetch: (...args) => fetch(...args) }),
    // Wallet creation (a later step) adds to this store.
    accounts: createAccountStore({ storage: browser.storage.local }).list,
    // The PIN guard, the wrapped bundle and the MPC ceremonies plug in here (relay-client.ts,
    // ceremony-runner.ts, ceremonies.ts and lock.ts are ready for them).
    publish: gatewayChannel.publish,
    approve: async () => {
      throw new NotAvailableError(
        'this version of Tandem cannot finish this request yet: its relay ceremonies are still being built',
      );
    },
  });

  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    void controller.handle(message, sender).then(sendResponse);
    return true; // the answer is sent asynchronously
  });
  browser.runtime.onConnect.addListener((port) => gatewayChannel.handleConnect(port));
  browser.windows.onRemoved.addListener((windowId) => {
    void queue.handleWindowRemoved(windowId);
  });
  browser.alarms.onAlarm.addListener((alarm) => {
    void lock.handleAlarm(alarm);
  });
  // The device key is made on first start, so registration at onboarding never waits for key generation.
  browser.runtime.onInstalled.addListener(() => {
    void deviceKey.publicKeyRaw().catch((error) => console.error('device key creation failed', error));
  });
  // Restore the badge after a worker restart (the badge text survives, but a stale count would not).
  void queue.list().then((items) => createChromeBadge(browser).setCount(items.length));
});
