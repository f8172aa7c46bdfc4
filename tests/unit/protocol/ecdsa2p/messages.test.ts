import { describe, expect, it } from 'vitest';
import { hexBytes, makeEnvelope, parseEnvelope, SIGN_PROTOCOL } from '../../../../protocol/ecdsa2p/messages.js';
import { InvalidMessageError } from '../../../../protocol/errors.js';

const sessionId = 'ab'.repeat(32);
const expected = { protocol: SIGN_PROTOCOL, sessionId, round: 2, from: 'server' } as const;

describe('ecdsa2p envelopes', () => {
  it('accepts the envelope the state expects', () => {
    const envelope = makeEnvelope(SIGN_PROTOCOL, sessionId, 2, 'server', { u: '01' });
    expect(parseEnvelope(JSON.parse(JSON.stringify(envelope)), expected)).toEqual(envelope);
  });

  it('names the peer, the field and the round when it rejects', () => {
    const envelope = makeEnvelope(SIGN_PROTOCOL, sessionId, 3, 'server', {});
    let error: unknown;
    try {
      parseEnvelope(envelope, expected);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(error).toMatchObject({ from: 'server', field: 'round', round: 2 });
    expect(String((error as Error).message)).toBe('invalid message from server: field "round" expected round 2, got 3');
  });

  it('defers the session id check when the caller derives it from the payload', () => {
    const envelope = makeEnvelope(SIGN_PROTOCOL, 'cd'.repeat(32), 2, 'server', {});
    expect(() => parseEnvelope(envelope, { ...expected, sessionId: undefined })).not.toThrow();
    expect(() => parseEnvelope(envelope, expected)).toThrow(/field "sessionId"/);
  });
});

describe('hexBytes', () => {
  it('counts the raw bytes of every hex string, ignoring names, numbers and non-hex text', () => {
    const envelope = makeEnvelope(SIGN_PROTOCOL, sessionId, 1, 'client', { a: 'ff00', b: ['00', 'aa'], c: 7 });
    expect(hexBytes(envelope)).toBe(32 + 2 + 1 + 1);
  });
});
