import { describe, expect, it } from 'vitest';
import { CeremonyRefusedError, sessionDone, startSession } from '../../../../../extension/background/flows/session.js';
import { type RelayConnection, RelayConnectionError } from '../../../../../extension/background/relay-client.js';
import type { Envelope } from '../../../../../protocol/session.js';
import type { ControlMessage } from '../../../../../protocol/wire/control.js';

/** A connection whose relay side the test plays: it records what Node 1 sends and delivers control messages. */
function fakeConnection() {
  const listeners = new Set<(e: Envelope<unknown>) => void>();
  const closers: Array<(e: RelayConnectionError) => void> = [];
  const sent: ControlMessage[] = [];
  const connection: RelayConnection = {
    deviceId: 'dev_1',
    customerId: 'c1',
    registered: false,
    hello: {} as RelayConnection['hello'],
    send: () => undefined,
    sendControl: (m) => sent.push(m),
    onEnvelope(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    onClose: (l) => closers.push(l),
    close: () => undefined,
  };
  const deliver = (payload: Record<string, unknown>) => {
    for (const l of [...listeners]) {
      l({ v: 1, protocol: 'control', sessionId: '00'.repeat(32), round: 0, from: 'server', payload });
    }
  };
  return {
    connection,
    sent,
    deliver,
    listeners,
    close: (e: RelayConnectionError) => {
      for (const c of closers) c(e);
    },
  };
}

const newId = () => '0123456789abcdef0123456789abcdef';

describe('asking the relay for a ceremony', () => {
  it('sends session.start and resolves with the session.ready that answers its request id', async () => {
    const relay = fakeConnection();
    const ready = startSession(relay.connection, { challengeId: 'ch1', ceremony: 'ecdsa-sign', newId });
    const start = relay.sent[0] as Extract<ControlMessage, { type: 'session.start' }>;
    expect(start).toMatchObject({ type: 'session.start', challengeId: 'ch1', ceremony: 'ecdsa-sign', params: {} });
    relay.deliver({
      type: 'session.ready',
      requestId: 'req_other',
      ceremonyId: 'x',
      protocol: 'p',
      sessionId: null,
      params: {},
    });
    relay.deliver({
      type: 'session.ready',
      requestId: start.requestId,
      ceremonyId: 'cer_1',
      protocol: 'p',
      sessionId: null,
      params: {},
    });
    expect((await ready).ceremonyId).toBe('cer_1');
    expect(relay.listeners.size).toBe(0);
  });

  it('rejects with the relay’s code when it refuses the request', async () => {
    const relay = fakeConnection();
    const ready = startSession(relay.connection, { challengeId: 'ch1', ceremony: 'ecdsa-sign', newId });
    const { requestId } = relay.sent[0] as Extract<ControlMessage, { type: 'session.start' }>;
    relay.deliver({
      type: 'error',
      requestId,
      code: 'digest-mismatch',
      message: 'not the approved digest',
      fatal: false,
    });
    await expect(ready).rejects.toMatchObject({ name: 'CeremonyRefusedError', code: 'digest-mismatch' });
  });

  it('rejects when the connection closes while waiting', async () => {
    const relay = fakeConnection();
    const ready = startSession(relay.connection, { challengeId: 'ch1', ceremony: 'ecdsa-sign', newId });
    relay.close(new RelayConnectionError('closed', 'gone', true));
    await expect(ready).rejects.toMatchObject({ code: 'disconnected' });
  });

  it('rejects after its deadline when the relay never answers', async () => {
    const relay = fakeConnection();
    const ready = startSession(relay.connection, { challengeId: 'ch1', ceremony: 'ecdsa-sign', newId, timeoutMs: 20 });
    await expect(ready).rejects.toBeInstanceOf(CeremonyRefusedError);
    await expect(ready).rejects.toMatchObject({ code: 'timeout' });
  });
});

describe('waiting for the end of a ceremony', () => {
  it('resolves with the result of session.done for its ceremony id only', async () => {
    const relay = fakeConnection();
    const done = sessionDone(relay.connection, 'cer_1');
    relay.deliver({ type: 'session.done', ceremonyId: 'cer_2', result: { other: true } });
    relay.deliver({ type: 'session.done', ceremonyId: 'cer_1', result: { signature: '0xab' } });
    expect(await done).toEqual({ signature: '0xab' });
  });

  it('rejects with the abort code when the relay stops the ceremony', async () => {
    const relay = fakeConnection();
    const done = sessionDone(relay.connection, 'cer_1');
    relay.deliver({ type: 'session.abort', ceremonyId: 'cer_1', code: 'protocol-abort', reason: 'bad round' });
    await expect(done).rejects.toMatchObject({ code: 'protocol-abort', message: 'bad round' });
  });
});
