import { describe, expect, it } from 'vitest';
import { InvalidMessageError } from '../../../../protocol/errors.js';
import { encodeFrame, parseEnvelope, parseFrame, utf8Length } from '../../../../protocol/wire/envelope.js';

const SID = 'ab'.repeat(32);
const good = () => ({ v: 1, protocol: 'ecdsa2p/sign', sessionId: SID, round: 1, from: 'client', payload: { a: '00' } });

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidMessageError);
    return (error as InvalidMessageError).field;
  }
  throw new Error('expected a refusal');
}

describe('parseEnvelope', () => {
  it('accepts a well-formed envelope and returns the payload unparsed', () => {
    const env = parseEnvelope(good());
    expect(env.payload).toEqual({ a: '00' });
    expect(parseFrame(encodeFrame(env))).toEqual(env);
  });
  it('refuses a non-object', () => expect(fieldOf(() => parseEnvelope([1]))).toBe('envelope'));
  it('refuses an unknown key', () => expect(fieldOf(() => parseEnvelope({ ...good(), to: 'server' }))).toBe('to'));
  it('refuses a missing key', () => {
    const { round: _round, ...rest } = good();
    expect(fieldOf(() => parseEnvelope(rest))).toBe('round');
  });
  it('refuses another wire version', () => expect(fieldOf(() => parseEnvelope({ ...good(), v: 2 }))).toBe('v'));
  it('refuses a malformed protocol tag', () =>
    expect(fieldOf(() => parseEnvelope({ ...good(), protocol: 'ECDSA SIGN' }))).toBe('protocol'));
  it('refuses an over-long protocol tag', () =>
    expect(fieldOf(() => parseEnvelope({ ...good(), protocol: 'a'.repeat(65) }))).toBe('protocol'));
  it('refuses a short session id', () =>
    expect(fieldOf(() => parseEnvelope({ ...good(), sessionId: 'ab'.repeat(31) }))).toBe('sessionId'));
  it('refuses upper-case hex in the session id', () =>
    expect(fieldOf(() => parseEnvelope({ ...good(), sessionId: 'AB'.repeat(32) }))).toBe('sessionId'));
  it('refuses a fractional round', () => expect(fieldOf(() => parseEnvelope({ ...good(), round: 1.5 }))).toBe('round'));
  it('refuses a negative round', () => expect(fieldOf(() => parseEnvelope({ ...good(), round: -1 }))).toBe('round'));
  it('refuses a round above the limit', () =>
    expect(fieldOf(() => parseEnvelope({ ...good(), round: 65 }))).toBe('round'));
  it('refuses an unknown sender', () =>
    expect(fieldOf(() => parseEnvelope({ ...good(), from: 'dealer' }))).toBe('from'));
  it('refuses a sender other than the authenticated peer', () =>
    expect(fieldOf(() => parseEnvelope(good(), { from: 'server' }))).toBe('from'));
  it('refuses a non-object payload', () =>
    expect(fieldOf(() => parseEnvelope({ ...good(), payload: 'x' }))).toBe('payload'));
  it('refuses a payload above maxBytes', () =>
    expect(fieldOf(() => parseEnvelope({ ...good(), payload: { a: 'x'.repeat(100) } }, { maxBytes: 64 }))).toBe(
      'payload',
    ));
});

describe('parseFrame', () => {
  it('refuses an oversize frame before parsing it', () => {
    // Not JSON at all: the size check must fire first.
    expect(fieldOf(() => parseFrame('{'.repeat(2000), { maxFrameBytes: 1024 }))).toBe('frame');
    try {
      parseFrame('{'.repeat(2000), { maxFrameBytes: 1024 });
    } catch (error) {
      expect((error as Error).message).toContain('2000 bytes');
    }
  });
  it('refuses malformed JSON', () => expect(fieldOf(() => parseFrame('{"v":1,'))).toBe('frame'));
  it('refuses invalid UTF-8 bytes', () =>
    expect(fieldOf(() => parseFrame(Uint8Array.of(0x7b, 0xff, 0x7d)))).toBe('frame'));
  it('counts UTF-8 bytes, not UTF-16 units', () => {
    expect(utf8Length('aé€😀')).toBe(1 + 2 + 3 + 4);
  });
});
