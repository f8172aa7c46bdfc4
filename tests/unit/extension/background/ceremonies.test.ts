import { describe, expect, it } from 'vitest';
import {
  CEREMONIES_KEY,
  CeremonyStoreError,
  createCeremonyStore,
  MAX_STATE_BYTES,
} from '../../../../extension/background/ceremonies.js';
import { FakeStorageArea, fakeClock } from '../fakes.js';

const APPROVAL = '11111111-1111-4111-8111-111111111111';
const SESSION = 'ab'.repeat(32);

function setup(session = new FakeStorageArea(), clock = fakeClock()) {
  return { store: createCeremonyStore({ session, clock: clock.now }), session, clock };
}

const start = {
  ceremonyId: 'cer_1',
  approvalId: APPROVAL,
  protocol: 'ecdsa2p/sign',
  sessionId: null,
  round: 0,
  state: { kind: 'sign/await-msg1' },
};

describe('ceremony round state in storage.session', () => {
  it('stores each round and reads it back after a worker restart', async () => {
    const { store, session, clock } = setup();
    await store.begin(start);
    clock.advance(100);
    await store.advance('cer_1', { round: 1, state: { kind: 'sign/await-msg2', k: 'aa' }, sessionId: SESSION });
    const restarted = setup(session, clock).store;
    expect(await restarted.get('cer_1')).toMatchObject({ round: 1, sessionId: SESSION, state: { k: 'aa' } });
  });

  it('refuses a round that does not move forward (stale or replayed state)', async () => {
    const { store } = setup();
    await store.begin(start);
    await store.advance('cer_1', { round: 1, state: {} });
    await expect(store.advance('cer_1', { round: 1, state: {} })).rejects.toBeInstanceOf(CeremonyStoreError);
    await expect(store.advance('cer_1', { round: 0, state: {} })).rejects.toThrow(/does not follow/);
  });

  it('refuses to advance an unknown ceremony', async () => {
    const { store } = setup();
    await expect(store.advance('cer_x', { round: 1, state: {} })).rejects.toThrow(/no running ceremony/);
  });

  it('refuses to begin the same ceremony twice', async () => {
    const { store } = setup();
    await store.begin(start);
    await expect(store.begin(start)).rejects.toThrow(/already running/);
  });

  it('refuses a malformed record and an oversized state', async () => {
    const { store } = setup();
    await expect(store.begin({ ...start, approvalId: 'x' })).rejects.toThrow(/malformed/);
    await expect(store.begin({ ...start, protocol: 'Bad Tag' })).rejects.toThrow(/malformed/);
    await expect(store.begin({ ...start, state: 'x'.repeat(MAX_STATE_BYTES + 1) })).rejects.toThrow(/above/);
  });

  it('wipes a ceremony when it ends, and all ceremonies of a settled approval', async () => {
    const { store, session } = setup();
    await store.begin(start);
    await store.begin({ ...start, ceremonyId: 'cer_2', protocol: 'frost/sign' });
    await store.end('cer_1');
    expect(await store.get('cer_1')).toBeUndefined();
    expect((await store.endForApproval(APPROVAL)).map((r) => r.ceremonyId)).toEqual(['cer_2']);
    expect(session.peek(CEREMONIES_KEY)).toEqual({});
  });

  it('splits records into resumable and stale after a restart', async () => {
    const { store, clock } = setup();
    await store.begin(start);
    clock.advance(60_000);
    await store.begin({ ...start, ceremonyId: 'cer_2' });
    clock.advance(10_000);
    const { resumable, stale } = await store.recover(30_000);
    expect(resumable.map((r) => r.ceremonyId)).toEqual(['cer_2']);
    expect(stale.map((r) => r.ceremonyId)).toEqual(['cer_1']);
  });

  it('drops malformed stored records', async () => {
    const session = new FakeStorageArea();
    const good = { ...start, startedAt: 1, updatedAt: 1 };
    await session.set({ [CEREMONIES_KEY]: { a: good, b: { ...good, ceremonyId: 'cer_b', round: -1 }, c: 'junk' } });
    const { store } = setup(session);
    expect((await store.recover(Number.MAX_SAFE_INTEGER)).resumable.map((r) => r.ceremonyId)).toEqual(['cer_1']);
  });

  it('endAll() wipes every record at worker start and names the interrupted ceremonies', async () => {
    const { store, session } = setup();
    await store.begin(start);
    await store.begin({ ...start, ceremonyId: 'cer_2' });
    expect((await store.endAll()).map((r) => r.ceremonyId)).toEqual(['cer_1', 'cer_2']);
    expect(session.peek(CEREMONIES_KEY)).toBeUndefined();
  });
});
