import { describe, expect, it } from 'vitest';
import { createApprovalQueue } from '../../../../extension/background/approvals.js';
import type { ChallengeReader, ChallengeReadResult } from '../../../../extension/background/challenge-reader.js';
import { createBackgroundController, NotAvailableError } from '../../../../extension/background/controller.js';
import { SigningRefusedError } from '../../../../extension/background/flows/signing-requests.js';
import { createLockState } from '../../../../extension/background/lock.js';
import type { MessageSenderInfo } from '../../../../extension/background/messages.js';
import { PinGuardError } from '../../../../extension/background/pin-guard-client.js';
import { createSettingsStore } from '../../../../extension/background/settings.js';
import { FakeBadge, FakeStorageArea, FakeWindows, fakeClock, sequentialUuids } from '../fakes.js';

const EXT = 'ekbkjpbnbeckoidcedncpjdbchagnhef';
const PAGE: MessageSenderInfo = { id: EXT, url: `chrome-extension://${EXT}/gateway.html#x` };
const RELAY_TAB: MessageSenderInfo = { id: EXT, url: 'http://127.0.0.1:8787/gateway/abc', tab: { id: 12 } };
const CHALLENGE = '11111111-1111-4111-8111-111111111111';

function setup(readResult: ChallengeReadResult = { state: 'unknown' }) {
  const session = new FakeStorageArea();
  const local = new FakeStorageArea();
  const windows = new FakeWindows();
  const badge = new FakeBadge();
  const clock = fakeClock();
  const queue = createApprovalQueue({
    storage: session,
    windows,
    badge,
    clock: clock.now,
    newId: sequentialUuids(),
    gatewayUrl: (id) => `gateway.html#${id}`,
  });
  const settings = createSettingsStore({ storage: local });
  const lock = createLockState({
    session,
    alarms: { create: () => undefined, clear: async () => true },
    clock: clock.now,
    autoLockMinutes: async () => 15,
  });
  const reads: string[] = [];
  const published: Array<{ approvalId: string; event: unknown }> = [];
  const challenges: ChallengeReader = {
    async read(relayOrigin, challengeId) {
      reads.push(`${relayOrigin} ${challengeId}`);
      return readResult;
    },
  };
  const controller = createBackgroundController({
    extensionId: EXT,
    version: '0.1.0',
    bootCount: async () => 1,
    queue,
    settings,
    lock,
    challenges,
    accounts: async () => [],
    publish: (approvalId, event) => {
      published.push({ approvalId, event });
    },
    approve: async (approval, pin, report) => {
      report({ type: 'progress', step: 0 });
      if (pin === '000000') throw new NotAvailableError('not built yet');
      if (pin === '111111') throw new PinGuardError('wrong-pin', 'wrong PIN: 3 attempts left', 3);
      if (pin === '222222') throw new PinGuardError('locked', 'locked');
      if (pin === '333333') throw new PinGuardError('unreachable', 'relay down');
      return { approvedWith: approval.request.kind === 'business-challenge' ? approval.request.challengeId : null };
    },
    onboarding: {
      setPin: async (_approval, pin, report) => {
        report({ type: 'progress', step: 1 });
        if (pin === '444444') throw new SigningRefusedError('not what was approved');
      },
      unlockForRecovery: async (_approval, pin, report) => {
        report({ type: 'progress', step: 0 });
        if (pin === '111111') throw new PinGuardError('wrong-pin', 'wrong PIN: 3 attempts left', 3);
        return ['kit'];
      },
      createKit: async () => ({ code: 'KIT-CODE' }),
      confirmKit: async () => ['kit'],
      setUpQuestions: async () => ['questions'],
      sendEmailCode: async () => undefined,
      confirmEmailCode: async (_approval, code) => {
        if (code === '000000') throw new PinGuardError('wrong-code', 'that code is not right; 4 attempts left');
        return ['email'];
      },
      complete: async () => ({ customerId: 'c1', hasPin: true, hasRecovery: true }),
    },
  });
  return { controller, queue, windows, badge, local, reads, published };
}

async function errorCode(promise: Promise<unknown>): Promise<unknown> {
  const answer = (await promise) as { ok: boolean; error?: { code: string } };
  expect(answer.ok).toBe(false);
  return answer.error?.code;
}

describe('background message refusals', () => {
  it('refuses a message from another extension (foreign-sender)', async () => {
    const { controller } = setup();
    expect(await errorCode(controller.handle({ type: 'status' }, { ...PAGE, id: 'other' }))).toBe('foreign-sender');
  });

  it('refuses a sender that is neither our page nor a tab (foreign-sender)', async () => {
    const { controller } = setup();
    expect(await errorCode(controller.handle({ type: 'status' }, { id: EXT, url: 'file:///x' }))).toBe(
      'foreign-sender',
    );
  });

  it('refuses a non-object (not-an-object)', async () => {
    const { controller } = setup();
    expect(await errorCode(controller.handle('status', PAGE))).toBe('not-an-object');
    expect(await errorCode(controller.handle(null, PAGE))).toBe('not-an-object');
    expect(await errorCode(controller.handle(['status'], PAGE))).toBe('not-an-object');
  });

  it('refuses an unknown type, including inherited names (unknown-type)', async () => {
    const { controller } = setup();
    expect(await errorCode(controller.handle({ type: 'approval.approveAll' }, PAGE))).toBe('unknown-type');
    expect(await errorCode(controller.handle({ type: 'toString' }, PAGE))).toBe('unknown-type');
    expect(await errorCode(controller.handle({}, PAGE))).toBe('unknown-type');
  });

  it('refuses unknown keys (invalid-fields, naming the key)', async () => {
    const { controller } = setup();
    const answer = (await controller.handle({ type: 'status', extra: 1 }, PAGE)) as any;
    expect(answer.error).toMatchObject({ code: 'invalid-fields', field: 'extra' });
  });

  it('refuses a malformed approval id (invalid-fields)', async () => {
    const { controller } = setup();
    const answer = (await controller.handle({ type: 'approval.get', approvalId: 'x' }, PAGE)) as any;
    expect(answer.error).toMatchObject({ code: 'invalid-fields', field: 'approvalId' });
  });

  it('refuses gateway.open from an extension page (wrong-context)', async () => {
    const { controller } = setup();
    expect(await errorCode(controller.handle({ type: 'gateway.open', challengeId: CHALLENGE }, PAGE))).toBe(
      'wrong-context',
    );
  });

  it('refuses page messages from a content script (wrong-context)', async () => {
    const { controller } = setup();
    expect(await errorCode(controller.handle({ type: 'settings.get' }, RELAY_TAB))).toBe('wrong-context');
    expect(await errorCode(controller.handle({ type: 'lock.lock' }, RELAY_TAB))).toBe('wrong-context');
  });

  it('refuses gateway.open from a page that is not the configured relay (wrong-context)', async () => {
    const { controller, windows } = setup();
    const elsewhere = { ...RELAY_TAB, url: 'https://phish.example/gateway/abc' };
    const answer = (await controller.handle({ type: 'gateway.open', challengeId: CHALLENGE }, elsewhere)) as any;
    expect(answer.error).toMatchObject({ code: 'wrong-context', field: 'sender' });
    expect(windows.open_.size).toBe(0);
  });

  it('refuses an unknown approval id (unknown-approval)', async () => {
    const { controller } = setup();
    expect(await errorCode(controller.handle({ type: 'approval.reject', approvalId: CHALLENGE }, PAGE))).toBe(
      'unknown-approval',
    );
  });

  it('refuses an invalid setting, naming the field (invalid-setting)', async () => {
    const { controller } = setup();
    const answer = (await controller.handle(
      { type: 'settings.update', relayUrl: 'http://relay.example' },
      PAGE,
    )) as any;
    expect(answer.error).toMatchObject({ code: 'invalid-setting', field: 'relayUrl' });
  });
});

describe('background message handling', () => {
  it('opens the Gateway for the configured relay, with the relay origin and tab taken from the sender', async () => {
    const { controller, queue, windows, badge } = setup();
    const answer = (await controller.handle({ type: 'gateway.open', challengeId: CHALLENGE }, RELAY_TAB)) as any;
    expect(answer.ok).toBe(true);
    const [approval] = await queue.list();
    expect(approval).toMatchObject({
      id: answer.approvalId,
      request: { relayOrigin: 'http://127.0.0.1:8787', challengeId: CHALLENGE, tabId: 12 },
    });
    expect(windows.open_.size).toBe(1);
    expect(badge.count).toBe(1);
  });

  it('reads the challenge for an approval and records its return URL', async () => {
    const { controller, queue, reads } = setup({
      state: 'ready',
      challenge: {
        challengeId: CHALLENGE,
        kind: 'initialize',
        status: 'pending',
        expiresAt: '2030-01-01T00:00:00Z',
        customerId: 'cus_1',
        businessName: 'Acme Shop',
        hasPin: false,
        hasRecovery: false,
        locked: false,
        payload: null,
        returnUrl: 'https://shop.example/back',
      },
    });
    const { approvalId } = (await controller.handle(
      { type: 'gateway.open', challengeId: CHALLENGE },
      RELAY_TAB,
    )) as any;
    const answer = (await controller.handle({ type: 'challenge.read', approvalId }, PAGE)) as any;
    expect(answer.challenge.state).toBe('ready');
    expect(reads).toEqual([`http://127.0.0.1:8787 ${CHALLENGE}`]);
    expect((await queue.get(approvalId))?.request).toMatchObject({ returnUrl: 'https://shop.example/back' });
  });

  it('refuses to read a challenge for a dApp request (invalid-fields)', async () => {
    const { controller, queue } = setup();
    const dapp = await queue.enqueue({
      kind: 'dapp-request',
      origin: 'http://127.0.0.1:5173',
      tabId: 1,
      method: 'personal_sign',
      params: [],
    });
    const answer = (await controller.handle({ type: 'challenge.read', approvalId: dapp.id }, PAGE)) as any;
    expect(answer.error).toMatchObject({ code: 'invalid-fields', field: 'approvalId' });
  });

  it('rejects an approval by id and updates the badge', async () => {
    const { controller, badge } = setup();
    const { approvalId } = (await controller.handle(
      { type: 'gateway.open', challengeId: CHALLENGE },
      RELAY_TAB,
    )) as any;
    expect(await controller.handle({ type: 'approval.reject', approvalId }, PAGE)).toEqual({ ok: true });
    expect(badge.count).toBe(0);
  });

  it('counts pending approvals and shows the Gateway window on request', async () => {
    const { controller, windows } = setup();
    expect(await controller.handle({ type: 'gateway.show' }, PAGE)).toEqual({ ok: true, shown: false });
    await controller.handle({ type: 'gateway.open', challengeId: CHALLENGE }, RELAY_TAB);
    expect(await controller.handle({ type: 'approvals.pending' }, PAGE)).toEqual({ ok: true, count: 1 });
    expect(await controller.handle({ type: 'gateway.show' }, PAGE)).toEqual({ ok: true, shown: true });
    expect(windows.open_.size).toBe(1);
  });

  it('approves by id: runs the flow, settles the approval as approved and leaves the window to show the outcome', async () => {
    const { controller, windows, badge } = setup();
    const { approvalId } = (await controller.handle(
      { type: 'gateway.open', challengeId: CHALLENGE },
      RELAY_TAB,
    )) as any;
    const answer = await controller.handle({ type: 'approval.approve', approvalId, pin: '402917' }, PAGE);
    expect(answer).toEqual({ ok: true, result: { approvedWith: CHALLENGE } });
    expect(badge.count).toBe(0);
    // Forgotten by the queue, not closed: closing it later rejects nothing.
    expect(windows.open_.size).toBe(1);
    expect(await controller.handle({ type: 'approvals.pending' }, PAGE)).toEqual({ ok: true, count: 0 });
  });

  it('runs onboarding step by step and settles only on completion', async () => {
    const { controller, badge } = setup();
    const { approvalId } = (await controller.handle(
      { type: 'gateway.open', challengeId: CHALLENGE },
      RELAY_TAB,
    )) as any;
    expect(await controller.handle({ type: 'onboarding.pin', approvalId, pin: '402917' }, PAGE)).toEqual({ ok: true });
    expect(await controller.handle({ type: 'onboarding.kit', approvalId }, PAGE)).toEqual({
      ok: true,
      code: 'KIT-CODE',
    });
    expect(await controller.handle({ type: 'onboarding.kit.saved', approvalId }, PAGE)).toEqual({
      ok: true,
      methods: ['kit'],
    });
    expect(badge.count).toBe(1);
    const done = (await controller.handle({ type: 'onboarding.complete', approvalId }, PAGE)) as any;
    expect(done).toMatchObject({ ok: true, result: { hasRecovery: true } });
    expect(badge.count).toBe(0);
  });

  it('opens a recovery request with the PIN (the copies the relay holds), settling nothing until completion', async () => {
    const { controller, badge } = setup();
    const { approvalId } = (await controller.handle(
      { type: 'gateway.open', challengeId: CHALLENGE },
      RELAY_TAB,
    )) as any;
    expect(await controller.handle({ type: 'recovery.unlock', approvalId, pin: '402917' }, PAGE)).toEqual({
      ok: true,
      existing: ['kit'],
    });
    expect(badge.count).toBe(1);
    expect(await errorCode(controller.handle({ type: 'recovery.unlock', approvalId, pin: '111111' }, PAGE))).toBe(
      'wrong-pin',
    );
    expect(badge.count).toBe(1);
    const done = (await controller.handle({ type: 'onboarding.complete', approvalId }, PAGE)) as any;
    expect(done).toMatchObject({ ok: true });
    expect(badge.count).toBe(0);
  });

  it('refuses a recovery unlock whose PIN is not 6 digits (invalid-fields)', async () => {
    const { controller } = setup();
    expect(
      await errorCode(controller.handle({ type: 'recovery.unlock', approvalId: CHALLENGE, pin: '12345' }, PAGE)),
    ).toBe('invalid-fields');
  });

  it('reports a wrong email code (wrong-code) and a refused step (refused), settling nothing', async () => {
    const { controller, badge } = setup();
    const { approvalId } = (await controller.handle(
      { type: 'gateway.open', challengeId: CHALLENGE },
      RELAY_TAB,
    )) as any;
    expect(
      await errorCode(controller.handle({ type: 'onboarding.email.code', approvalId, code: '000000' }, PAGE)),
    ).toBe('wrong-code');
    expect(await errorCode(controller.handle({ type: 'onboarding.pin', approvalId, pin: '444444' }, PAGE))).toBe(
      'refused',
    );
    expect(badge.count).toBe(1);
  });

  it('refuses malformed recovery input before any flow runs (invalid-fields)', async () => {
    const { controller } = setup();
    const two = (await controller.handle(
      { type: 'onboarding.questions', approvalId: CHALLENGE, questions: ['a', 'b'], answers: ['x', 'y', 'z'] },
      PAGE,
    )) as any;
    expect(two.error).toMatchObject({ code: 'invalid-fields', field: 'questions' });
    const email = (await controller.handle(
      { type: 'onboarding.email', approvalId: CHALLENGE, email: 'nope' },
      PAGE,
    )) as any;
    expect(email.error).toMatchObject({ code: 'invalid-fields', field: 'email' });
  });

  it('keeps the approval pending when its flow is not available (not-available)', async () => {
    const { controller, badge } = setup();
    const { approvalId } = (await controller.handle(
      { type: 'gateway.open', challengeId: CHALLENGE },
      RELAY_TAB,
    )) as any;
    expect(await errorCode(controller.handle({ type: 'approval.approve', approvalId, pin: '000000' }, PAGE))).toBe(
      'not-available',
    );
    expect(badge.count).toBe(1);
  });

  it('reports a wrong PIN with the attempts left, a locked PIN and relay trouble by code, settling nothing', async () => {
    const { controller, badge } = setup();
    const { approvalId } = (await controller.handle(
      { type: 'gateway.open', challengeId: CHALLENGE },
      RELAY_TAB,
    )) as any;
    const wrong = (await controller.handle({ type: 'approval.approve', approvalId, pin: '111111' }, PAGE)) as any;
    expect(wrong.error).toMatchObject({ code: 'wrong-pin', attemptsLeft: 3 });
    expect(await errorCode(controller.handle({ type: 'approval.approve', approvalId, pin: '222222' }, PAGE))).toBe(
      'pin-locked',
    );
    expect(await errorCode(controller.handle({ type: 'approval.approve', approvalId, pin: '333333' }, PAGE))).toBe(
      'relay-failed',
    );
    expect(badge.count).toBe(1);
  });

  it('refuses a PIN that is not 6 digits before any flow runs (invalid-fields)', async () => {
    const { controller } = setup();
    const answer = (await controller.handle(
      { type: 'approval.approve', approvalId: CHALLENGE, pin: '12a456' },
      PAGE,
    )) as any;
    expect(answer.error).toMatchObject({ code: 'invalid-fields', field: 'pin' });
  });

  it('refuses approval from a content script (wrong-context)', async () => {
    const { controller } = setup();
    expect(
      await errorCode(controller.handle({ type: 'approval.approve', approvalId: CHALLENGE, pin: '402917' }, RELAY_TAB)),
    ).toBe('wrong-context');
  });

  it('updates settings from a page', async () => {
    const { controller } = setup();
    const answer = (await controller.handle({ type: 'settings.update', autoLockMinutes: 5 }, PAGE)) as any;
    expect(answer.settings).toEqual({ relayUrl: 'http://127.0.0.1:8787', autoLockMinutes: 5 });
  });

  it('answers status, lock and accounts', async () => {
    const { controller } = setup();
    expect(await controller.handle({ type: 'status' }, PAGE)).toEqual({ ok: true, version: '0.1.0', bootCount: 1 });
    expect(await controller.handle({ type: 'lock.status' }, PAGE)).toEqual({
      ok: true,
      lock: { unlocked: false, lockAt: null },
    });
    expect(await controller.handle({ type: 'accounts.list' }, PAGE)).toEqual({ ok: true, accounts: [] });
  });
});
