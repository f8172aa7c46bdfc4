/**
 * The extension's Node 1 code against one real relay (PGlite, real HTTP and WebSocket), started once
 * for the file because a relay start dominates the run time:
 * - the relay's /gateway page opens the Gateway window in Chromium, which reads the challenge through
 *   the Gateway API;
 * - the relay client registers and authenticates a device on /v2/mpc;
 * - the PIN guard client enrols, stores/fetches the wrapped copy and unlocks (production Argon2id).
 */
import { webcrypto } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createDeviceKey, type DeviceKey } from '../../../extension/background/device-key.js';
import { createLockState, UNLOCKED_KEY } from '../../../extension/background/lock.js';
import { setPinAtOnboarding } from '../../../extension/background/onboarding.js';
import { createPinGuardClient, PinGuardError } from '../../../extension/background/pin-guard-client.js';
import {
  connectRelay,
  type RelayClientDependencies,
  RelayConnectionError,
  type SocketLike,
} from '../../../extension/background/relay-client.js';
import { createWalletStore } from '../../../extension/background/wallet-store.js';
import { equalBytes } from '../../../protocol/bytes.js';
import { unwrapBundleJson, wrapBundle } from '../../../protocol/pin/wrap.js';
import { secureRng } from '../../../protocol/rng.js';
import { type ExtensionBrowser, launchWithExtension } from '../../helpers/browser.js';
import {
  badgeText,
  countGatewayWindows,
  gatewayWindow,
  setRelayUrl,
  waitForValue,
} from '../../helpers/extension-pages.js';
import { startTestRelay, type TestRelay } from '../../helpers/relay.js';
import { FakeStorageArea } from '../../unit/extension/fakes.js';

const SHOTS = 'tests/screenshots';

let relay: TestRelay;
let chromium: ExtensionBrowser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  relay = await startTestRelay();
  chromium = await launchWithExtension();
  await setRelayUrl(await chromium.worker(), new URL(relay.url).origin);
});
afterAll(async () => {
  await chromium?.close();
  await relay?.stop();
});

async function initialize(refId: string) {
  const customer = await relay.call('POST', '/v2/customers', { name: 'Ada', refId });
  const customerId = customer.json.data.id as string;
  const created = await relay.call('POST', `/v2/customers/${customerId}/initialize`, {
    redirectUrl: `${relay.url}/demo`,
  });
  expect(created.status).toBe(201);
  return {
    customerId,
    challengeId: created.json.data.challengeId as string,
    redirectUrl: created.json.data.redirectUrl as string,
  };
}

describe('the Gateway with the real relay', () => {
  it('opens from the relay’s /gateway page for an initialize challenge and asks for a new PIN', async () => {
    const { challengeId, redirectUrl } = await initialize('grace-gw');

    const tab = await chromium.browser.newPage();
    await tab.goto(redirectUrl);
    await tab.waitForFunction(() => document.documentElement.dataset.tandemGateway === 'opened');
    // The relay page's own status line now points to the window, and its install hint is hidden.
    expect(await tab.$eval('[data-tandem-gateway-status]', (el) => el.textContent)).toContain(
      'Continue in the Tandem window',
    );
    await tab.screenshot({ path: `${SHOTS}/relay-gateway-page-opened.png`, fullPage: true });

    const gateway = await gatewayWindow(chromium.browser, chromium.extensionId);
    await gateway.waitForSelector('[data-screen="choose-pin"]', { timeout: 10_000 });
    const stored = await (await chromium.worker()).evaluate(
      async () => (await chrome.storage.session.get('tandem.approvals'))['tandem.approvals'],
    );
    expect((stored as { items: Array<{ request: { challengeId: string } }> }).items[0]?.request.challengeId).toBe(
      challengeId,
    );
    await gateway.screenshot({ path: `${SHOTS}/relay-gateway-choose-pin.png` });

    await gateway.close();
    const worker = await chromium.worker();
    expect(await waitForValue(() => badgeText(worker), '')).toBe('');
    expect(countGatewayWindows(chromium.browser, chromium.extensionId)).toBe(0);
    await tab.close();
  });

  it('does not open a window for an unknown challenge: the relay page explains it', async () => {
    const tab = await chromium.browser.newPage();
    await tab.goto(`${relay.url}/gateway/0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b`);
    await new Promise((r) => setTimeout(r, 500));
    expect(await tab.evaluate(() => document.documentElement.dataset.tandemGateway ?? null)).toBeNull();
    expect(countGatewayWindows(chromium.browser, chromium.extensionId)).toBe(0);
    await tab.close();
  });
});

function memoryDeviceKey(): DeviceKey {
  let pair: CryptoKeyPair | undefined;
  return createDeviceKey({
    store: {
      get: async () => pair,
      add: async (p) => {
        if (pair) return false;
        pair = p;
        return true;
      },
    },
    subtle: webcrypto.subtle as unknown as SubtleCrypto,
  });
}

function deps(deviceKey: DeviceKey): RelayClientDependencies {
  return {
    relayOrigin: new URL(relay.url).origin,
    openSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    deviceKey,
  };
}

describe('the relay client with the real relay', () => {
  it('registers the device under an initialize challenge, then authenticates with the same key', async () => {
    const { customerId, challengeId } = await initialize('ada-ws');
    const key = memoryDeviceKey();

    const first = await connectRelay(deps(key), {
      mode: 'register',
      customerId,
      challengeId,
    });
    expect(first.registered).toBe(true);
    expect(first.deviceId).toBe(await key.deviceId());
    first.close();

    const second = await connectRelay(deps(key), { mode: 'authenticate', customerId });
    expect(second.registered).toBe(false);
    second.close();
  });

  it('is refused, without retry, when an unknown device tries to authenticate', async () => {
    const customer = await relay.call('POST', '/v2/customers', { name: 'Eve', refId: 'eve-ws' });
    const error = await connectRelay(deps(memoryDeviceKey()), {
      mode: 'authenticate',
      customerId: customer.json.data.id,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(RelayConnectionError);
    expect(error.retryable).toBe(false);
  });
});

const client = () => createPinGuardClient({ relayOrigin: new URL(relay.url).origin, fetch, rng: secureRng });

async function failure(promise: Promise<unknown>): Promise<PinGuardError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PinGuardError) return error;
    throw error;
  }
  throw new Error('expected a PinGuardError');
}

describe('PIN guard client with the real relay', () => {
  it('enrols a PIN, stores the wrapped copy, fetches it and unlocks it with the same PIN', async () => {
    const { customerId, challengeId } = await initialize('pin-1');
    const enrolled = await client().enrolPin(challengeId, customerId, '402917');
    const wrapped = await wrapBundle(
      { shares: [] },
      enrolled.rootKey,
      { method: 'pin', customerId, kdf: enrolled.kdf },
      secureRng,
    );
    await client().storeCopy(challengeId, wrapped);
    const fetched = await client().fetchCopy(challengeId, 'pin');
    expect(fetched).toEqual(wrapped);
    const unlocked = await client().unlockPin(challengeId, customerId, '402917', fetched);
    expect(equalBytes(unlocked.rootKey, enrolled.rootKey)).toBe(true);
    expect(await unwrapBundleJson(fetched, unlocked.rootKey)).toEqual({ shares: [] });
    expect((await relay.call('GET', `/v2/customers/${customerId}`)).json.data.hasPin).toBe(true);
  });

  it('refuses a weak PIN before contacting the guard', async () => {
    const { customerId, challengeId } = await initialize('pin-2');
    await expect(client().enrolPin(challengeId, customerId, '123456')).rejects.toThrow(/PIN refused \(sequence\)/);
  });

  it('says how many tries are left after a wrong PIN', async () => {
    const { customerId, challengeId } = await initialize('pin-3');
    const enrolled = await client().enrolPin(challengeId, customerId, '402917');
    const wrapped = await wrapBundle(
      { shares: [] },
      enrolled.rootKey,
      { method: 'pin', customerId, kdf: enrolled.kdf },
      secureRng,
    );
    const wrong = await failure(client().unlockPin(challengeId, customerId, '771346', wrapped));
    expect(wrong).toMatchObject({ code: 'wrong-pin', attemptsLeft: 4 });
    // The right PIN still works and resets the count (the lock after 5 is the relay's own test).
    await client().unlockPin(challengeId, customerId, '402917', wrapped);
  });

  it('reports an unknown challenge as refused', async () => {
    const error = await failure(client().fetchCopy('0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b', 'pin'));
    expect(error.code).toBe('refused');
  });
});

describe('onboarding (PIN part) with the real relay', () => {
  it('registers the device, enrols the PIN, stores the wrapped bundle at the relay and locally, and unlocks', async () => {
    const { customerId, challengeId } = await initialize('onboard-1');
    const local = new FakeStorageArea();
    const session = new FakeStorageArea();
    const wallets = createWalletStore({ local });
    const lock = createLockState({
      session,
      alarms: { create: () => undefined, clear: async () => true },
      clock: Date.now,
      autoLockMinutes: async () => 15,
    });
    const key = memoryDeviceKey();
    const steps: number[] = [];
    const { deviceId } = await setPinAtOnboarding(
      {
        relayOrigin: new URL(relay.url).origin,
        connect: (identity) => connectRelay(deps(key), identity),
        pinGuard: client(),
        wallets,
        lock,
        rng: secureRng,
        clock: Date.now,
      },
      { challengeId, customerId, pin: '402917', bundle: { shares: [] }, report: (e) => steps.push(e.step) },
    );
    expect(deviceId).toBe(await key.deviceId());
    expect(steps).toEqual([0, 1, 2]);
    // The device copy is the relay's copy, and the PIN opens it (through the guard).
    const saved = await wallets.get(new URL(relay.url).origin, customerId);
    expect(saved?.wrapped).toEqual(await client().fetchCopy(challengeId, 'pin'));
    const unlocked = await client().unlockPin(challengeId, customerId, '402917', saved!.wrapped);
    expect(await unwrapBundleJson(saved!.wrapped, unlocked.rootKey)).toEqual({ shares: [] });
    // Unlocked material only in storage.session; storage.local holds the wrapped copy alone.
    expect(session.peek(UNLOCKED_KEY)).toMatchObject({ material: { customerId } });
    expect(JSON.stringify([...local.data.values()])).not.toContain('"shares":[]');
    // The device is registered: it authenticates with the same key.
    (await connectRelay(deps(key), { mode: 'authenticate', customerId })).close();
  });
});
