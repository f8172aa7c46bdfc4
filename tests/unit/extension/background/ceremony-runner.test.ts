import { describe, expect, it } from 'vitest';
import { createCeremonyStore } from '../../../../extension/background/ceremonies.js';
import {
  type CeremonyDriver,
  CeremonyFailedError,
  runCeremony,
} from '../../../../extension/background/ceremony-runner.js';
import { type RelayConnection, RelayConnectionError } from '../../../../extension/background/relay-client.js';
import { InvalidMessageError } from '../../../../protocol/errors.js';
import type { Envelope } from '../../../../protocol/session.js';
import type { ControlMessage } from '../../../../protocol/wire/index.js';
import { controlEnvelope } from '../../../../protocol/wire/index.js';
import { FakeStorageArea, fakeClock } from '../fakes.js';

const APPROVAL = '11111111-1111-4111-8111-111111111111';
const SESSION = 'ab'.repeat(32);
const PROTOCOL = 'test/count';

/** A toy two-party protocol: the parties count up in turns until `target`. */
interface CountState {
  n: number;
  target: number;
}
const envelope = (n: number, from: 'client' | 'server', sessionId = SESSION): Envelope<unknown> => ({
  v: 1,
  protocol: PROTOCOL,
  sessionId,
  round: n,
  from,
  payload: { n },
});
const counting: CeremonyDriver<CountState, number> = {
  protocol: PROTOCOL,
  receive(state, env) {
    const n = (env.payload as { n: unknown }).n;
    if (n !== state.n + 1)
      throw new InvalidMessageError({ from: 'server', field: 'payload.n', expected: `${state.n + 1}` });
    const next = (n as number) + 1;
    if (next >= state.target) return { state: { n: next, target: state.target }, outgoing: [], output: next };
    return { state: { n: next, target: state.target }, outgoing: [envelope(next, 'client')] };
  },
};

/** The relay side of a connection, in memory: `respond` decides what it answers to each client frame. */
function fakeConnection(respond: (env: Envelope<unknown>, push: (e: Envelope<unknown>) => void) => void) {
  const listeners = new Set<(e: Envelope<unknown>) => void>();
  const closers: Array<(e: RelayConnectionError) => void> = [];
  const sent: Envelope<unknown>[] = [];
  const push = (e: Envelope<unknown>) =>
    queueMicrotask(() => {
      for (const listener of listeners) listener(e);
    });
  const connection: RelayConnection = {
    deviceId: 'dev_1',
    customerId: 'cus_1',
    registered: false,
    hello: {} as any,
    send(env) {
      sent.push(env);
      respond(env, push);
    },
    sendControl(message: ControlMessage) {
      sent.push(controlEnvelope('client', message));
    },
    onEnvelope(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onClose(listener) {
      closers.push(listener);
    },
    close() {},
  };
  return {
    connection,
    sent,
    push,
    drop: () => {
      for (const close of closers) close(new RelayConnectionError('closed', 'gone', true));
    },
  };
}

function setup() {
  const session = new FakeStorageArea();
  return { store: createCeremonyStore({ session, clock: fakeClock().now }), session };
}

const honest = (env: Envelope<unknown>, push: (e: Envelope<unknown>) => void) => {
  const n = (env.payload as { n: number }).n;
  push(envelope(n + 1, 'server'));
};

async function failure(promise: Promise<unknown>): Promise<CeremonyFailedError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CeremonyFailedError) return error;
    throw error;
  }
  throw new Error('expected a CeremonyFailedError');
}

const run = (connection: RelayConnection, store: ReturnType<typeof setup>['store'], extra = {}) =>
  runCeremony({
    connection,
    store,
    ceremonyId: 'cer_1',
    approvalId: APPROVAL,
    sessionId: SESSION,
    driver: counting,
    first: { state: { n: 1, target: 6 }, outgoing: [envelope(1, 'client')] },
    roundTimeoutMs: 2_000,
    ...extra,
  });

describe('ceremony runner', () => {
  it('runs the rounds to the output, storing each state before sending, then wipes the record', async () => {
    const { store } = setup();
    const { connection, sent } = fakeConnection(honest);
    const stored: number[] = [];
    const output = await run(connection, store, {
      onRound: () =>
        void store.get('cer_1').then((r) => {
          if (r) stored.push((r.state as CountState).n);
        }),
    });
    expect(output).toBe(7);
    expect(sent.map((e) => (e.payload as { n: number }).n)).toEqual([1, 3, 5]);
    await new Promise((r) => setTimeout(r, 0));
    expect(stored).toEqual([3, 5, 7]);
    expect(await store.get('cer_1')).toBeUndefined();
  });

  it('ignores envelopes of another session or protocol', async () => {
    const { store } = setup();
    const { connection } = fakeConnection((env, push) => {
      push(envelope(99, 'server', 'cd'.repeat(32)));
      push({ ...envelope(99, 'server'), protocol: 'other/proto' });
      honest(env, push);
    });
    expect(await run(connection, store)).toBe(7);
  });

  it('fails with "protocol" on a message the protocol refuses, and tells the relay', async () => {
    const { store } = setup();
    const { connection, sent } = fakeConnection((_env, push) => push(envelope(7, 'server')));
    const error = await failure(run(connection, store));
    expect(error.code).toBe('protocol');
    expect(error.message).toContain('InvalidMessageError');
    expect(sent.at(-1)?.payload).toMatchObject({ type: 'session.abort', ceremonyId: 'cer_1', code: 'client-protocol' });
    expect(await store.get('cer_1')).toBeUndefined();
  });

  it('fails with "aborted" when the relay stops the ceremony', async () => {
    const { store } = setup();
    const { connection } = fakeConnection((_env, push) =>
      push(
        controlEnvelope('server', {
          type: 'session.abort',
          ceremonyId: 'cer_1',
          code: 'expired',
          reason: 'challenge expired',
        }),
      ),
    );
    const error = await failure(run(connection, store));
    expect(error).toMatchObject({ code: 'aborted' });
    expect(error.message).toContain('challenge expired');
  });

  it('fails with "timeout" when the relay goes quiet, instead of hanging', async () => {
    const { store } = setup();
    const { connection, sent } = fakeConnection(() => undefined);
    const error = await failure(run(connection, store, { roundTimeoutMs: 50 }));
    expect(error.code).toBe('timeout');
    expect(sent.at(-1)?.payload).toMatchObject({ type: 'session.abort', code: 'client-timeout' });
  });

  it('fails with "disconnected" when the connection closes mid-ceremony', async () => {
    const { store } = setup();
    const fake = fakeConnection(() => undefined);
    const running = run(fake.connection, store);
    await new Promise((r) => setTimeout(r, 10));
    fake.drop();
    expect((await failure(running)).code).toBe('disconnected');
  });

  it('fails with "store" when a ceremony with the same id is already recorded', async () => {
    const { store } = setup();
    await store.begin({
      ceremonyId: 'cer_1',
      approvalId: APPROVAL,
      protocol: PROTOCOL,
      sessionId: null,
      round: 0,
      state: {},
    });
    const { connection } = fakeConnection(honest);
    expect((await failure(run(connection, store))).code).toBe('store');
  });
});
