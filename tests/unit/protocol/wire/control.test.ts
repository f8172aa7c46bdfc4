import { describe, expect, it } from 'vitest';
import { InvalidMessageError } from '../../../../protocol/errors.js';
import {
  type ControlMessage,
  controlEnvelope,
  parseControlEnvelope,
  parseControlMessage,
} from '../../../../protocol/wire/control.js';
import { CONTROL_SESSION_ID, parseEnvelope } from '../../../../protocol/wire/envelope.js';

const NONCE = '11'.repeat(32);

function refusal(fn: () => unknown): InvalidMessageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidMessageError);
    return error as InvalidMessageError;
  }
  throw new Error('expected a refusal');
}

const samples: [ControlMessage, 'client' | 'server'][] = [
  [
    {
      type: 'hello',
      protocolVersion: 1,
      nonce: NONCE,
      origin: 'http://127.0.0.1:8787',
      nonceTtlMs: 30000,
      maxFrameBytes: 262144,
      keepAliveMs: 20000,
      idleTimeoutMs: 60000,
    },
    'server',
  ],
  [
    { type: 'handshake', mode: 'authenticate', deviceId: 'dev_1', customerId: 'c1', signature: '22'.repeat(64) },
    'client',
  ],
  [
    {
      type: 'handshake',
      mode: 'register',
      deviceId: 'dev_1',
      customerId: 'c1',
      challengeId: 'ch1',
      publicKey: `04${'33'.repeat(64)}`,
      signature: '22'.repeat(64),
    },
    'client',
  ],
  [{ type: 'ack', deviceId: 'dev_1', customerId: 'c1', registered: true }, 'server'],
  [{ type: 'error', code: 'frame-too-large', message: 'too big', fatal: true }, 'server'],
  [{ type: 'error', code: 'digest-mismatch', message: 'no', fatal: false, ceremonyId: 'cer_1' }, 'server'],
  [{ type: 'ping', at: 1 }, 'client'],
  [{ type: 'pong', at: 1 }, 'server'],
  [{ type: 'session.start', requestId: 'r1', challengeId: 'ch1', ceremony: 'ecdsa-sign', params: {} }, 'client'],
  [
    {
      type: 'session.ready',
      requestId: 'r1',
      ceremonyId: 'cer_1',
      protocol: 'ecdsa2p/sign',
      sessionId: null,
      params: {},
    },
    'server',
  ],
  [{ type: 'session.done', ceremonyId: 'cer_1', result: { ok: true } }, 'server'],
  [{ type: 'session.abort', ceremonyId: 'cer_1', code: 'client-gone', reason: 'bye' }, 'client'],
];

describe('control messages', () => {
  it.each(samples)('round-trips %j through JSON', (message, from) => {
    const env = parseEnvelope(JSON.parse(JSON.stringify(controlEnvelope(from, message))), { from });
    expect(parseControlEnvelope(env)).toEqual(message);
  });

  it('refuses an unknown type', () => {
    expect(refusal(() => parseControlMessage({ type: 'shutdown' }, 'client')).field).toBe('payload.type');
  });
  it('refuses a message the sender may not send (client hello)', () => {
    const [hello] = samples[0] as [ControlMessage, string];
    expect(refusal(() => parseControlMessage(hello, 'client')).field).toBe('payload.type');
  });
  it('refuses an unknown field', () => {
    expect(refusal(() => parseControlMessage({ type: 'ping', at: 1, extra: 1 }, 'client')).field).toBe('payload.extra');
  });
  it('refuses a missing field', () => {
    expect(refusal(() => parseControlMessage({ type: 'ping' }, 'client')).field).toBe('payload.at');
  });
  it('refuses a short signature', () => {
    const e = refusal(() =>
      parseControlMessage(
        { type: 'handshake', mode: 'authenticate', deviceId: 'dev_1', customerId: 'c1', signature: '22'.repeat(63) },
        'client',
      ),
    );
    expect(e.field).toBe('payload.signature');
  });
  it('refuses a DER-length signature', () => {
    const e = refusal(() =>
      parseControlMessage(
        { type: 'handshake', mode: 'authenticate', deviceId: 'dev_1', customerId: 'c1', signature: '30'.repeat(70) },
        'client',
      ),
    );
    expect(e.field).toBe('payload.signature');
  });
  it('refuses an unknown handshake mode', () => {
    expect(refusal(() => parseControlMessage({ type: 'handshake', mode: 'guest' }, 'client')).field).toBe(
      'payload.mode',
    );
  });
  it('refuses register without the public key', () => {
    const e = refusal(() =>
      parseControlMessage(
        {
          type: 'handshake',
          mode: 'register',
          deviceId: 'dev_1',
          customerId: 'c1',
          challengeId: 'ch',
          signature: '22'.repeat(64),
        },
        'client',
      ),
    );
    expect(e.field).toBe('payload.publicKey');
  });
  it('refuses an id with forbidden characters', () => {
    const e = refusal(() =>
      parseControlMessage(
        { type: 'session.start', requestId: 'r 1', challengeId: 'c', ceremony: 'ecdsa-sign', params: {} },
        'client',
      ),
    );
    expect(e.field).toBe('payload.requestId');
  });
  it('refuses params that are not an object', () => {
    const e = refusal(() =>
      parseControlMessage(
        { type: 'session.start', requestId: 'r1', challengeId: 'c', ceremony: 'ecdsa-sign', params: [] },
        'client',
      ),
    );
    expect(e.field).toBe('payload.params');
  });
  it('refuses a control envelope with a non-zero session id', () => {
    const env = { ...controlEnvelope('client', { type: 'ping', at: 1 }), sessionId: 'ab'.repeat(32) };
    expect(refusal(() => parseControlEnvelope(parseEnvelope(env))).field).toBe('sessionId');
  });
  it('refuses a control envelope with a round other than 0', () => {
    const env = { ...controlEnvelope('client', { type: 'ping', at: 1 }), round: 1 };
    expect(refusal(() => parseControlEnvelope(parseEnvelope(env))).field).toBe('round');
  });
  it('refuses an oversize control payload', () => {
    const env = controlEnvelope('server', { type: 'error', code: 'x', message: 'm', fatal: false });
    (env.payload as any).message = 'm'.repeat(9000);
    expect(refusal(() => parseControlEnvelope(parseEnvelope(env))).field).toBe('payload');
  });
  it('uses the all-zero control session id', () => {
    expect(controlEnvelope('client', { type: 'ping', at: 0 }).sessionId).toBe(CONTROL_SESSION_ID);
  });
});
