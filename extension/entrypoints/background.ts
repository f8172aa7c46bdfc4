/**
 * The service worker (Node 1). Wiring only: every listener is registered synchronously in the first
 * turn (so Chrome can wake the worker for it), and the logic lives in the factories it wires.
 */
import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { secureRng } from '../../protocol/rng.js';
import { createAccountOverview } from '../background/account-overview.js';
import { createAccountStore } from '../background/accounts.js';
import { createApprovalQueue } from '../background/approvals.js';
import { recordBoot } from '../background/boot-log.js';
import { createCeremonyStore } from '../background/ceremonies.js';
import { createHttpChallengeReader } from '../background/challenge-reader.js';
import { createBackgroundController } from '../background/controller.js';
import { createDeviceKey, createIndexedDbKeyStore } from '../background/device-key.js';
import { createFlowHost } from '../background/flows/host.js';
import { createPinChangeHost } from '../background/flows/pin-change-host.js';
import { createGatewayChannel } from '../background/gateway-channel.js';
import { createChromeBadge, createChromeGatewayWindows } from '../background/gateway-window.js';
import { createLockState } from '../background/lock.js';
import { createPinGuardClient } from '../background/pin-guard-client.js';
import { connectRelayWithRetry, type SocketLike } from '../background/relay-client.js';
import { createReturnToBusiness } from '../background/return-to-business.js';
import { createSettingsStore } from '../background/settings.js';
import { createWalletStore } from '../background/wallet-store.js';

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
  const challenges = createHttpChallengeReader({ fetch: (...args) => fetch(...args) });
  const accounts = createAccountStore({ storage: browser.storage.local });
  const wallets = createWalletStore({ local: browser.storage.local });
  const flowDependencies: Parameters<typeof createFlowHost>[0] = {
    challenges,
    newId: () => crypto.randomUUID(),
    context: (relayOrigin) => ({
      relayOrigin,
      connect: (identity) =>
        connectRelayWithRetry(
          { relayOrigin, openSocket: (url) => new WebSocket(url) as unknown as SocketLike, deviceKey },
          identity,
        ),
      pinGuard: createPinGuardClient({ relayOrigin, fetch: (...args) => fetch(...args), rng: secureRng }),
      wallets,
      accounts,
      lock,
      ceremonies,
      rng: secureRng,
      clock: Date.now,
      deviceKey,
    }),
  };
  const flows = createFlowHost(flowDependencies);
  // The popup's balances and activity, asked of the configured relay as this device (no API key).
  const accountOverview = createAccountOverview({
    settings,
    wallets,
    newId: () => crypto.randomUUID(),
    connect: (relayOrigin, identity) =>
      connectRelayWithRetry(
        { relayOrigin, openSocket: (url) => new WebSocket(url) as unknown as SocketLike, deviceKey },
        identity,
        { backoffMs: [500] },
      ),
  });
  const pinChange = createPinChangeHost(flowDependencies);
  queue.onSettled((approval) => flows.forget(approval.id));
  queue.onSettled((approval) => pinChange.forget(approval.id));
  const controller = createBackgroundController({
    extensionId: browser.runtime.id,
    version: browser.runtime.getManifest().version,
    bootCount: async () => (await booted).length,
    queue,
    settings,
    lock,
    challenges,
    accounts: accounts.list,
    accountOverview,
    publish: gatewayChannel.publish,
    // Flows (PIN guard, wrapped bundle, MPC ceremonies) live in background/flows/.
    approve: flows.approve,
    onboarding: flows.onboarding,
    pinChange,
    takeExport: flows.takeExport,
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
