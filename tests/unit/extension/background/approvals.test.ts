import { describe, expect, it } from 'vitest';
import {
  APPROVALS_KEY,
  type ApprovalOutcome,
  type BusinessChallengeRequest,
  createApprovalQueue,
  parseStoredQueue,
  UnknownApprovalError,
  USER_REJECTED,
} from '../../../../extension/background/approvals.js';
import { FakeBadge, FakeStorageArea, FakeWindows, fakeClock, sequentialUuids } from '../fakes.js';

const RELAY = 'http://127.0.0.1:8787';
const C1 = '11111111-1111-4111-8111-111111111111';
const C2 = '22222222-2222-4222-8222-222222222222';
const C3 = '33333333-3333-4333-8333-333333333333';

function challenge(challengeId: string, tabId: number | null = 7): BusinessChallengeRequest {
  return { kind: 'business-challenge', relayOrigin: RELAY, challengeId, tabId, returnUrl: null };
}

function setup(storage = new FakeStorageArea()) {
  const windows = new FakeWindows();
  const badge = new FakeBadge();
  const clock = fakeClock();
  const queue = createApprovalQueue({
    storage,
    windows,
    badge,
    clock: clock.now,
    newId: sequentialUuids(),
    gatewayUrl: (id) => `gateway.html#${id}`,
  });
  const settled: Array<{ id: string; outcome: ApprovalOutcome }> = [];
  queue.onSettled((approval, outcome) => {
    settled.push({ id: approval.id, outcome });
  });
  return { queue, windows, badge, clock, storage, settled };
}

const approved: ApprovalOutcome = { status: 'approved', result: {} };

describe('approval queue', () => {
  it('keeps arrival order and counts pending approvals on the badge', async () => {
    const { queue, badge, clock } = setup();
    const a = await queue.enqueue(challenge(C1));
    clock.advance(10);
    const b = await queue.enqueue(challenge(C2));
    clock.advance(10);
    const c = await queue.enqueue(challenge(C3));
    expect((await queue.list()).map((x) => x.id)).toEqual([a.id, b.id, c.id]);
    expect(badge.count).toBe(3);
    await queue.settle(b.id, approved);
    expect((await queue.list()).map((x) => x.id)).toEqual([a.id, c.id]);
    expect(badge.count).toBe(2);
  });

  it('opens exactly one Gateway window and focuses it for later requests', async () => {
    const { queue, windows } = setup();
    const a = await queue.enqueue(challenge(C1));
    await queue.enqueue(challenge(C2));
    await queue.enqueue(challenge(C3));
    expect(windows.open_.size).toBe(1);
    expect([...windows.open_.values()]).toEqual([`gateway.html#${a.id}`]);
    expect(windows.log.filter((l) => l.startsWith('focus')).length).toBeGreaterThanOrEqual(2);
  });

  it('does not queue the same challenge twice when its page is reloaded, and keeps the newer tab', async () => {
    const { queue, badge } = setup();
    const first = await queue.enqueue(challenge(C1, 7));
    const again = await queue.enqueue(challenge(C1, 9));
    expect(again.id).toBe(first.id);
    expect(again.request.tabId).toBe(9);
    expect(badge.count).toBe(1);
  });

  it('shows the next approval in the same window when one is settled, and closes it after the last', async () => {
    const { queue, windows } = setup();
    const a = await queue.enqueue(challenge(C1));
    const b = await queue.enqueue(challenge(C2));
    const [windowId] = [...windows.open_.keys()];
    await queue.settle(a.id, approved);
    expect(windows.open_.get(windowId!)).toBe(`gateway.html#${b.id}`);
    await queue.settle(b.id, approved);
    expect(windows.open_.size).toBe(0);
  });

  it('rejects the shown request with 4001 when the user closes the window, then opens the next', async () => {
    const { queue, windows, badge, settled } = setup();
    const a = await queue.enqueue(challenge(C1));
    const b = await queue.enqueue(challenge(C2));
    const [windowId] = [...windows.open_.keys()];
    await queue.handleWindowRemoved(windows.userCloses(windowId!));
    expect(settled).toEqual([{ id: a.id, outcome: expect.objectContaining({ status: 'rejected' }) }]);
    expect(settled[0]!.outcome.status === 'rejected' && settled[0]!.outcome.error.code).toBe(USER_REJECTED);
    expect(badge.count).toBe(1);
    expect([...windows.open_.values()]).toEqual([`gateway.html#${b.id}`]);
  });

  it('rejects nothing when the window it closed itself reports its removal', async () => {
    const { queue, windows, settled } = setup();
    const a = await queue.enqueue(challenge(C1));
    const [windowId] = [...windows.open_.keys()];
    await queue.settle(a.id, approved);
    await queue.handleWindowRemoved(windowId!);
    expect(settled.map((s) => s.outcome.status)).toEqual(['approved']);
  });

  it('ignores the removal of a window that is not the Gateway', async () => {
    const { queue, settled } = setup();
    await queue.enqueue(challenge(C1));
    await queue.handleWindowRemoved(4242);
    expect(settled).toEqual([]);
    expect(await queue.list()).toHaveLength(1);
  });

  it('refuses to settle an unknown id, and an id twice', async () => {
    const { queue } = setup();
    const a = await queue.enqueue(challenge(C1));
    await expect(queue.settle('44444444-4444-4444-8444-444444444444', approved)).rejects.toBeInstanceOf(
      UnknownApprovalError,
    );
    await queue.settle(a.id, approved);
    await expect(queue.settle(a.id, approved)).rejects.toBeInstanceOf(UnknownApprovalError);
  });

  it('serializes concurrent mutations: parallel enqueues all land, one window', async () => {
    const { queue, windows, badge } = setup();
    await Promise.all([queue.enqueue(challenge(C1)), queue.enqueue(challenge(C2)), queue.enqueue(challenge(C3))]);
    expect(badge.count).toBe(3);
    expect(windows.open_.size).toBe(1);
  });

  it('records the business return URL and refuses a non-http one', async () => {
    const { queue } = setup();
    const a = await queue.enqueue(challenge(C1));
    const updated = await queue.setReturnUrl(a.id, 'https://shop.example/done');
    expect(updated.request).toMatchObject({ returnUrl: 'https://shop.example/done' });
    await expect(queue.setReturnUrl(a.id, 'javascript:alert(1)')).rejects.toThrow(/http/);
  });

  it('survives a service-worker restart: a new queue on the same storage.session sees the same approvals', async () => {
    const first = setup();
    const a = await first.queue.enqueue(challenge(C1));
    const b = await first.queue.enqueue(challenge(C2));
    const [windowId] = [...first.windows.open_.keys()];
    const restarted = createApprovalQueue({
      storage: first.storage,
      windows: first.windows,
      badge: first.badge,
      clock: first.clock.now,
      newId: sequentialUuids(),
      gatewayUrl: (id) => `gateway.html#${id}`,
    });
    expect((await restarted.list()).map((x) => x.id)).toEqual([a.id, b.id]);
    // The restarted queue still knows which window is the Gateway: closing it rejects `a`.
    const settled: string[] = [];
    restarted.onSettled((approval) => {
      settled.push(approval.id);
    });
    await restarted.handleWindowRemoved(first.windows.userCloses(windowId!));
    expect(settled).toEqual([a.id]);
  });

  it('drops malformed stored items and keeps the valid ones', async () => {
    const storage = new FakeStorageArea();
    const good = { id: '55555555-5555-4555-8555-555555555555', createdAt: 1, request: challenge(C1) };
    await storage.set({
      [APPROVALS_KEY]: {
        v: 1,
        items: [
          good,
          { ...good, id: 'not-a-uuid' },
          { ...good, id: '66666666-6666-4666-8666-666666666666', request: { ...challenge(C2), extra: true } },
          {
            ...good,
            id: '77777777-7777-4777-8777-777777777777',
            request: { ...challenge(C2), relayOrigin: 'file://x' },
          },
          { ...good, id: '88888888-8888-4888-8888-888888888888', request: { ...challenge(C2), returnUrl: 'data:,x' } },
          'garbage',
        ],
        window: { windowId: 3, approvalId: 'not-a-uuid' },
      },
    });
    const { queue } = setup(storage);
    expect((await queue.list()).map((x) => x.id)).toEqual([good.id]);
  });

  it('starts empty when the stored queue has another version or shape', () => {
    expect(parseStoredQueue({ v: 2, items: [], window: null })).toEqual({ items: [], window: null });
    expect(parseStoredQueue('x')).toEqual({ items: [], window: null });
    expect(parseStoredQueue({ v: 1, items: 'x' })).toEqual({ items: [], window: null });
  });

  it('opens a new window when the recorded one has disappeared', async () => {
    const { queue, windows } = setup();
    await queue.enqueue(challenge(C1));
    const [windowId] = [...windows.open_.keys()];
    windows.userCloses(windowId!); // onRemoved lost (e.g. the worker was stopped at that moment)
    await queue.enqueue(challenge(C2));
    expect(windows.open_.size).toBe(1);
    expect([...windows.open_.keys()][0]).not.toBe(windowId);
  });

  it('show() brings the window back for waiting approvals and says when none wait', async () => {
    const { queue, windows } = setup();
    expect(await queue.show()).toBe(false);
    const a = await queue.enqueue(challenge(C1));
    const [windowId] = [...windows.open_.keys()];
    windows.userCloses(windowId!); // onRemoved not delivered yet
    expect(await queue.show()).toBe(true);
    expect([...windows.open_.values()]).toEqual([`gateway.html#${a.id}`]);
  });

  it('queues dApp requests on the same path: arrival order across kinds, no de-duplication for them', async () => {
    const { queue, windows, badge, settled } = setup();
    const dapp = {
      kind: 'dapp-request' as const,
      origin: 'http://127.0.0.1:5173',
      tabId: 3,
      method: 'personal_sign',
      params: ['0x68656c6c6f', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'],
    };
    const a = await queue.enqueue(dapp);
    const b = await queue.enqueue(challenge(C1));
    const c = await queue.enqueue(dapp);
    expect((await queue.list()).map((x) => x.id)).toEqual([a.id, b.id, c.id]);
    expect(badge.count).toBe(3);
    expect(windows.open_.size).toBe(1);
    const [windowId] = [...windows.open_.keys()];
    await queue.handleWindowRemoved(windows.userCloses(windowId!));
    expect(settled[0]).toMatchObject({ id: a.id, outcome: { status: 'rejected', error: { code: 4001 } } });
    await expect(queue.setReturnUrl(c.id, 'https://x.example/')).rejects.toThrow(/only business challenges/);
  });

  it('refuses a malformed request at enqueue (e.g. a dApp origin with a path)', async () => {
    const { queue } = setup();
    await expect(
      queue.enqueue({ kind: 'dapp-request', origin: 'http://a.example/x', tabId: 1, method: 'eth_sign', params: [] }),
    ).rejects.toThrow(/malformed dapp-request/);
  });
});

describe('keeping the window to show an outcome', () => {
  it('forgets the window instead of closing it when nothing else waits, so closing it later rejects nothing', async () => {
    const { queue, windows, settled } = setup();
    const a = await queue.enqueue(challenge(C1));
    const [windowId] = [...windows.open_.keys()];
    await queue.settle(a.id, approved, { keepWindowOpen: true });
    expect(windows.open_.has(windowId as number)).toBe(true);
    await queue.handleWindowRemoved(windows.userCloses(windowId as number));
    expect(settled).toEqual([{ id: a.id, outcome: approved }]);
  });

  it('still moves the window on to the next approval when one waits', async () => {
    const { queue, windows } = setup();
    const a = await queue.enqueue(challenge(C1));
    const b = await queue.enqueue(challenge(C2));
    const [windowId] = [...windows.open_.keys()];
    await queue.settle(a.id, approved, { keepWindowOpen: true });
    expect(windows.open_.get(windowId as number)).toBe(`gateway.html#${b.id}`);
  });

  it('opens a new window for a request that arrives after the outcome window was forgotten', async () => {
    const { queue, windows } = setup();
    const a = await queue.enqueue(challenge(C1));
    await queue.settle(a.id, approved, { keepWindowOpen: true });
    await queue.enqueue(challenge(C2));
    expect(windows.open_.size).toBe(2);
  });
});
