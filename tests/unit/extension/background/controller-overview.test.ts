/**
 * The popup's account.balances / account.activity messages in the background controller: who may send
 * them, what they answer, and how an unavailable overview is reported. The overview itself runs
 * against a real relay in tests/integration/extension/account-overview.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { type AccountOverview, OverviewUnavailableError } from '../../../../extension/background/account-overview.js';
import { createApprovalQueue } from '../../../../extension/background/approvals.js';
import {
  type BackgroundControllerDependencies,
  createBackgroundController,
} from '../../../../extension/background/controller.js';
import { createLockState } from '../../../../extension/background/lock.js';
import type { MessageSenderInfo } from '../../../../extension/background/messages.js';
import { createSettingsStore } from '../../../../extension/background/settings.js';
import { FakeBadge, FakeStorageArea, FakeWindows, fakeClock, sequentialUuids } from '../fakes.js';

const EXT = 'ekbkjpbnbeckoidcedncpjdbchagnhef';
const POPUP: MessageSenderInfo = { id: EXT, url: `chrome-extension://${EXT}/popup.html` };
const TAB: MessageSenderInfo = { id: EXT, url: 'http://127.0.0.1:8787/gateway/abc', tab: { id: 3 } };
const RELAY = 'http://127.0.0.1:8787';
const CUSTOMER = '0c0c0c0c-0c0c-4c0c-8c0c-0c0c0c0c0c0c';

function controllerWith(accountOverview?: Pick<AccountOverview, 'balances' | 'activity'>) {
  const session = new FakeStorageArea();
  const clock = fakeClock();
  const deps: BackgroundControllerDependencies = {
    extensionId: EXT,
    version: '0.1.0',
    bootCount: async () => 1,
    queue: createApprovalQueue({
      storage: session,
      windows: new FakeWindows(),
      badge: new FakeBadge(),
      clock: clock.now,
      newId: sequentialUuids(),
      gatewayUrl: (id) => `gateway.html#${id}`,
    }),
    settings: createSettingsStore({ storage: new FakeStorageArea() }),
    lock: createLockState({
      session,
      alarms: { create: () => undefined, clear: async () => true },
      clock: clock.now,
      autoLockMinutes: async () => 15,
    }),
    challenges: { read: async () => ({ state: 'unknown' }) },
    accounts: async () => [],
    publish: () => undefined,
    approve: async () => ({}),
    onboarding: {
      setPin: async () => undefined,
      unlockForRecovery: async () => [],
      createKit: async () => ({ code: 'KIT' }),
      confirmKit: async () => ['kit'],
      setUpQuestions: async () => ['questions'],
      sendEmailCode: async () => undefined,
      confirmEmailCode: async () => ['email'],
      complete: async () => ({}),
    },
    ...(accountOverview ? { accountOverview } : {}),
  };
  return createBackgroundController(deps);
}

const overview: Pick<AccountOverview, 'balances' | 'activity'> = {
  balances: async () => ({
    relayOrigin: RELAY,
    customerId: CUSTOMER,
    wallets: [
      {
        walletId: 'w1',
        blockchain: 'ETH-SEPOLIA',
        address: '0x00000000000000000000000000000000000da7a1',
        addressType: null,
        balances: [{ symbol: 'ETH', amount: '1', decimals: 18 }],
      },
    ],
  }),
  activity: async () => ({ relayOrigin: RELAY, customerId: null }),
};

describe('account.balances and account.activity messages', () => {
  it('answers the overview to the popup', async () => {
    const answer = await controllerWith(overview).handle({ type: 'account.balances' }, POPUP);
    expect(answer).toEqual({ ok: true, overview: await overview.balances() });
  });

  it('answers "no customer" as it is', async () => {
    const answer = await controllerWith(overview).handle({ type: 'account.activity' }, POPUP);
    expect(answer).toEqual({ ok: true, overview: { relayOrigin: RELAY, customerId: null } });
  });

  it('refuses them from a web page (wrong-context)', async () => {
    const answer = await controllerWith(overview).handle({ type: 'account.balances' }, TAB);
    expect(answer).toMatchObject({ ok: false, error: { code: 'wrong-context' } });
  });

  it('refuses an extra field (invalid-fields)', async () => {
    const answer = await controllerWith(overview).handle({ type: 'account.activity', customerId: CUSTOMER }, POPUP);
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid-fields', field: 'customerId' } });
  });

  it('reports an unavailable overview as relay-failed with its words', async () => {
    const failing = {
      ...overview,
      balances: async () => {
        throw new OverviewUnavailableError('Cannot reach the relay at http://127.0.0.1:8787: closed.');
      },
    };
    const answer = await controllerWith(failing).handle({ type: 'account.balances' }, POPUP);
    expect(answer).toEqual({
      ok: false,
      error: { code: 'relay-failed', message: 'Cannot reach the relay at http://127.0.0.1:8787: closed.' },
    });
  });

  it('says not-available where no overview is wired', async () => {
    const answer = await controllerWith().handle({ type: 'account.balances' }, POPUP);
    expect(answer).toMatchObject({ ok: false, error: { code: 'not-available' } });
  });
});
