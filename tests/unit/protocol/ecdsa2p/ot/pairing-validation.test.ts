/** Every rejected condition of pairing gets its own named test (style anchors §9.6). */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../../../protocol/bytes.js';
import { baseOtGenerator } from '../../../../../protocol/ecdsa2p/ot/base-ot.js';
import {
  type PairingMessage,
  type PairingRound1Message,
  type PairingRound2Message,
  type PairingState,
  parsePairingMessage,
  receivePairing,
  startPairing,
} from '../../../../../protocol/ecdsa2p/ot/pairing.js';
import {
  InvalidArgumentError,
  InvalidMessageError,
  ProtocolAbortError,
  ProtocolStateError,
} from '../../../../../protocol/errors.js';
import { createSeededRng } from '../../../../../protocol/rng.js';
import { flipHexChar, thrown, viaJson } from './helpers.js';

const rng = createSeededRng('pairing validation');
let sessionId: Uint8Array;
let clientStart: { state: PairingState; message: PairingMessage };
let serverStart: { state: PairingState; message: PairingMessage };
let serverRound2: PairingRound2Message;
let clientRound2State: PairingState;

beforeAll(() => {
  sessionId = rng(32);
  clientStart = startPairing({ sessionId, role: 'client', rng });
  serverStart = startPairing({ sessionId, role: 'server', rng });
  const server2 = receivePairing({ state: viaJson(serverStart.state), message: clientStart.message, rng });
  serverRound2 = server2.message as PairingRound2Message;
  clientRound2State = receivePairing({ state: viaJson(clientStart.state), message: serverStart.message, rng }).state;
});

function round1(): PairingRound1Message {
  return viaJson(serverStart.message) as PairingRound1Message;
}

function clientState(): PairingState {
  return viaJson(clientStart.state);
}

function expectInvalid(fn: () => unknown, field: string): void {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(InvalidMessageError);
  expect((error as InvalidMessageError).field).toBe(field);
  expect((error as InvalidMessageError).from).toBe('server');
}

function rejectRound1(mutate: (m: Record<string, unknown>) => void, field: string): void {
  const message = round1() as unknown as Record<string, unknown>;
  mutate(message);
  expectInvalid(() => parsePairingMessage(message, 'server'), field);
  expectInvalid(() => receivePairing({ state: clientState(), message, rng }), field);
}

const OFF_CURVE_X = `02${'00'.repeat(31)}05`; // x = 5: x^3 + 7 = 132 is not a square mod p

describe('pairing message validation', () => {
  it('accepts the honest round-1 and round-2 messages', () => {
    expect(parsePairingMessage(round1(), 'server')).toEqual(round1());
    expect(parsePairingMessage(viaJson(serverRound2), 'server')).toEqual(serverRound2);
  });

  it('rejects a message that is not an object', () => {
    expectInvalid(() => parsePairingMessage('hello', 'server'), 'message');
  });

  it('rejects an unknown round number', () => {
    rejectRound1((m) => {
      m.round = 3;
    }, 'round');
  });

  it('rejects an extra key', () => {
    rejectRound1((m) => {
      m.extra = 1;
    }, 'extra');
  });

  it('rejects a missing key', () => {
    rejectRound1((m) => {
      delete m.z;
    }, 'z');
  });

  it('rejects a truncated session id', () => {
    rejectRound1((m) => {
      m.sessionId = (m.sessionId as string).slice(0, 62);
    }, 'sessionId');
  });

  it('rejects a truncated point', () => {
    rejectRound1((m) => {
      m.z = (m.z as string).slice(0, 64);
    }, 'z');
  });

  it('rejects a padded point', () => {
    rejectRound1((m) => {
      m.z = `${m.z as string}00`;
    }, 'z');
  });

  it('rejects upper-case hex', () => {
    rejectRound1((m) => {
      m.z = (m.z as string).toUpperCase();
    }, 'z');
  });

  it('rejects non-hex characters', () => {
    rejectRound1((m) => {
      m.z = `zz${(m.z as string).slice(2)}`;
    }, 'z');
  });

  it('rejects a point that is not on the curve', () => {
    rejectRound1((m) => {
      m.z = OFF_CURVE_X;
    }, 'z');
  });

  it('rejects an identity encoding', () => {
    rejectRound1((m) => {
      (m.v as string[])[5] = '00'.repeat(33);
    }, 'v[5]');
  });

  it('rejects an invalid base-OT receiver point', () => {
    rejectRound1((m) => {
      (m.v as string[])[7] = OFF_CURVE_X;
    }, 'v[7]');
  });

  it('rejects too few base-OT points', () => {
    rejectRound1((m) => {
      (m.v as string[]).pop();
    }, 'v');
  });

  it('rejects too many base-OT points', () => {
    rejectRound1((m) => {
      (m.v as string[]).push((m.v as string[])[0] as string);
    }, 'v');
  });

  it('rejects v given as a string instead of an array', () => {
    rejectRound1((m) => {
      m.v = (m.v as string[]).join('');
    }, 'v');
  });

  it('rejects v_i equal to the session generator h (its second key would be the identity)', () => {
    const message = round1();
    message.v[3] = toHex(baseOtGenerator(sessionId, 'server').toBytes(true));
    expectInvalid(() => receivePairing({ state: clientState(), message, rng }), 'v[3]');
  });

  it('rejects a message from another session (replay)', () => {
    const other = startPairing({ sessionId: rng(32), role: 'server', rng }).message;
    expectInvalid(() => receivePairing({ state: clientState(), message: other, rng }), 'sessionId');
  });

  it('rejects a round-2 message while waiting for round 1', () => {
    expectInvalid(() => receivePairing({ state: clientState(), message: viaJson(serverRound2), rng }), 'round');
  });

  it('rejects a round-1 message while waiting for round 2', () => {
    expectInvalid(() => receivePairing({ state: viaJson(clientRound2State), message: round1(), rng }), 'round');
  });

  it('rejects a truncated confirmation', () => {
    const message = viaJson(serverRound2);
    message.confirm = message.confirm.slice(2);
    expectInvalid(() => parsePairingMessage(message, 'server'), 'confirm');
  });

  it('aborts when the peer confirms a different transcript', () => {
    const message = viaJson(serverRound2);
    message.confirm = flipHexChar(message.confirm);
    const error = thrown(() => receivePairing({ state: viaJson(clientRound2State), message, rng }));
    expect(error).toBeInstanceOf(ProtocolAbortError);
    expect((error as ProtocolAbortError).culprit).toBe('server');
    expect((error as ProtocolAbortError).reason).toBe('pairing-transcript-mismatch');
  });

  it('detects a round-1 message altered in transit at the confirmation', () => {
    // The client sees a server point that the server never sent: its round-1 transcript differs.
    const altered = round1();
    altered.v[0] = toHex(secp256k1.Point.BASE.multiply(7n).toBytes(true));
    const client = receivePairing({ state: clientState(), message: altered, rng });
    const error = thrown(() => receivePairing({ state: client.state, message: viaJson(serverRound2), rng }));
    expect(error).toBeInstanceOf(ProtocolAbortError);
    expect((error as ProtocolAbortError).reason).toBe('pairing-transcript-mismatch');
  });
});

describe('pairing state handling', () => {
  it('refuses to reuse a consumed round-1 state', () => {
    const state = clientState();
    receivePairing({ state, message: round1(), rng });
    expect(thrown(() => receivePairing({ state, message: round1(), rng }))).toBeInstanceOf(ProtocolStateError);
  });

  it('refuses to reuse a consumed round-2 state', () => {
    const state = viaJson(clientRound2State);
    receivePairing({ state, message: viaJson(serverRound2), rng });
    expect(thrown(() => receivePairing({ state, message: viaJson(serverRound2), rng }))).toBeInstanceOf(
      ProtocolStateError,
    );
  });

  it('refuses to continue from the finished state', () => {
    const done = receivePairing({ state: viaJson(clientRound2State), message: viaJson(serverRound2), rng }).state;
    expect(done.kind).toBe('ecdsa2p/ot-pairing/done');
    expect(thrown(() => receivePairing({ state: done, message: viaJson(serverRound2), rng }))).toBeInstanceOf(
      ProtocolStateError,
    );
  });

  it('wipes the secrets of a consumed state', () => {
    const state = clientState();
    receivePairing({ state, message: round1(), rng });
    expect(JSON.stringify(state)).not.toContain((clientStart.state as { secret: { s: string } }).secret.s);
  });

  it('keeps the state usable after a malformed message', () => {
    const state = clientState();
    const bad = round1();
    bad.z = OFF_CURVE_X;
    expect(thrown(() => receivePairing({ state, message: bad, rng }))).toBeInstanceOf(InvalidMessageError);
    expect(receivePairing({ state, message: round1(), rng }).message?.round).toBe(2);
  });

  it('rejects a session id that is not 32 bytes', () => {
    expect(thrown(() => startPairing({ sessionId: rng(16), role: 'client', rng }))).toBeInstanceOf(
      InvalidArgumentError,
    );
  });

  it('rejects an unknown role', () => {
    expect(thrown(() => startPairing({ sessionId, role: 'relay' as 'client', rng }))).toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});
