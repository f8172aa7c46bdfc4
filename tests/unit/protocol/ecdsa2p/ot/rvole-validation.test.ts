/** Every rejected condition of the RVOLE messages, states and arguments gets its own named test. */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeRvoleReceiverMessage,
  decodeRvoleSenderMessage,
  parseRvoleReceiverMessage,
  parseRvoleSenderMessage,
  type RvoleReceiverMessage,
  type RvoleReceiverState,
  type RvoleSenderMessage,
  rvoleReceiverFinish,
  rvoleReceiverStart,
  rvoleSenderRespond,
} from '../../../../../protocol/ecdsa2p/ot/rvole.js';
import { N } from '../../../../../protocol/ecdsa2p/ot/scalar.js';
import {
  InvalidArgumentError,
  InvalidMessageError,
  ProtocolAbortError,
  ProtocolStateError,
} from '../../../../../protocol/errors.js';
import { createSeededRng } from '../../../../../protocol/rng.js';
import { type PairingRun, runPairing, thrown, viaJson } from './helpers.js';

const rng = createSeededRng('rvole validation');
const INPUTS: [bigint, bigint] = [11n, 22n];
let run: PairingRun;
let sessionId: Uint8Array;
let msg1: RvoleReceiverMessage;
let msg2: RvoleSenderMessage;
let bobState: RvoleReceiverState;

// Direction: client = Alice (OT-extension sender), server = Bob.
beforeAll(() => {
  run = runPairing('rvole validation');
  sessionId = rng(32);
  const start = rvoleReceiverStart({ setup: run.server.receiver, sessionId, rng });
  msg1 = viaJson(start.message);
  bobState = viaJson(start.state);
  msg2 = viaJson(
    rvoleSenderRespond({ setup: run.client.sender, sessionId, inputs: INPUTS, message: msg1, rng, peer: 'server' })
      .message,
  );
});

function expectInvalid(fn: () => unknown, field: string, from: 'client' | 'server'): void {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(InvalidMessageError);
  expect((error as InvalidMessageError).field).toBe(field);
  expect((error as InvalidMessageError).from).toBe(from);
}

function respond(message: unknown) {
  return rvoleSenderRespond({ setup: run.client.sender, sessionId, inputs: INPUTS, message, rng, peer: 'server' });
}

function rejectMsg1(mutate: (m: Record<string, unknown>) => void, field: string): void {
  const message = viaJson(msg1) as unknown as Record<string, unknown>;
  mutate(message);
  expectInvalid(() => parseRvoleReceiverMessage(message, 'server'), field, 'server');
  expectInvalid(() => respond(message), field, 'server');
}

function finish(message: unknown, state: RvoleReceiverState = viaJson(bobState)) {
  return rvoleReceiverFinish({ state, message, peer: 'client' });
}

function rejectMsg2(mutate: (m: Record<string, unknown>) => void, field: string): void {
  const message = viaJson(msg2) as unknown as Record<string, unknown>;
  mutate(message);
  expectInvalid(() => parseRvoleSenderMessage(message, 'client'), field, 'client');
  expectInvalid(() => finish(message), field, 'client');
}

const scalarHex = (x: bigint) => x.toString(16).padStart(64, '0');

describe('RVOLE receiver message (Bob → Alice) validation', () => {
  it('accepts the honest message', () => {
    expect(parseRvoleReceiverMessage(viaJson(msg1), 'server')).toEqual(msg1);
  });

  it('rejects a message that is not an object', () => {
    expectInvalid(() => parseRvoleReceiverMessage([msg1], 'server'), 'message', 'server');
  });

  it('rejects an extra key', () => {
    rejectMsg1((m) => {
      m.b = '00';
    }, 'b');
  });

  it('rejects a missing key', () => {
    rejectMsg1((m) => {
      delete m.u;
    }, 'u');
  });

  it('rejects a truncated session id', () => {
    rejectMsg1((m) => {
      m.sessionId = (m.sessionId as string).slice(2);
    }, 'sessionId');
  });

  it('rejects a truncated setup id', () => {
    rejectMsg1((m) => {
      m.setupId = (m.setupId as string).slice(2);
    }, 'setupId');
  });

  it('rejects too few columns', () => {
    rejectMsg1((m) => {
      (m.u as string[]).pop();
    }, 'u');
  });

  it('rejects too many columns', () => {
    rejectMsg1((m) => {
      (m.u as string[]).push((m.u as string[])[0] as string);
    }, 'u');
  });

  it('rejects a truncated column', () => {
    rejectMsg1((m) => {
      (m.u as string[])[5] = ((m.u as string[])[5] as string).slice(2);
    }, 'u[5]');
  });

  it('rejects a padded column', () => {
    rejectMsg1((m) => {
      (m.u as string[])[5] = `${(m.u as string[])[5] as string}00`;
    }, 'u[5]');
  });

  it('rejects a column in upper-case hex', () => {
    rejectMsg1((m) => {
      (m.u as string[])[6] = `AB${((m.u as string[])[6] as string).slice(2)}`;
    }, 'u[6]');
  });

  it('rejects a column that is not a string', () => {
    rejectMsg1((m) => {
      (m.u as unknown[])[7] = 7;
    }, 'u[7]');
  });

  it('rejects a wrong-length x̃', () => {
    rejectMsg1((m) => {
      m.xTilde = `${m.xTilde as string}00`;
    }, 'xTilde');
  });

  it('rejects a non-hex t̃', () => {
    rejectMsg1((m) => {
      m.tTilde = `g${(m.tTilde as string).slice(1)}`;
    }, 'tTilde');
  });

  it("rejects a message for the other direction's setup", () => {
    const message = viaJson(msg1);
    message.setupId = run.server.sender.setupId;
    expectInvalid(() => respond(message), 'setupId', 'server');
  });

  it('rejects a message from another session (replay)', () => {
    const other = rvoleReceiverStart({ setup: run.server.receiver, sessionId: rng(32), rng }).message;
    expectInvalid(() => respond(other), 'sessionId', 'server');
  });

  it('detects a message from another session relabelled with this session id (consistency abort)', () => {
    const other = viaJson(rvoleReceiverStart({ setup: run.server.receiver, sessionId: rng(32), rng }).message);
    other.sessionId = msg1.sessionId;
    const error = thrown(() => respond(other));
    expect(error).toBeInstanceOf(ProtocolAbortError);
    expect((error as ProtocolAbortError).reason).toBe('ot-consistency');
  });
});

describe('RVOLE sender message (Alice → Bob) validation', () => {
  it('accepts the honest message', () => {
    expect(parseRvoleSenderMessage(viaJson(msg2), 'client')).toEqual(msg2);
  });

  it('rejects a message that is not an object', () => {
    expectInvalid(() => parseRvoleSenderMessage(null, 'client'), 'message', 'client');
  });

  it('rejects an extra key', () => {
    rejectMsg2((m) => {
      m.c = '00';
    }, 'c');
  });

  it('rejects a missing key', () => {
    rejectMsg2((m) => {
      delete m.mu;
    }, 'mu');
  });

  it('rejects too few ã rows', () => {
    rejectMsg2((m) => {
      (m.aTilde as string[]).pop();
    }, 'aTilde');
  });

  it('rejects too many ã rows', () => {
    rejectMsg2((m) => {
      (m.aTilde as string[]).push((m.aTilde as string[])[0] as string);
    }, 'aTilde');
  });

  it('rejects a truncated ã row', () => {
    rejectMsg2((m) => {
      (m.aTilde as string[])[9] = ((m.aTilde as string[])[9] as string).slice(64);
    }, 'aTilde[9]');
  });

  it('rejects a padded ã row', () => {
    rejectMsg2((m) => {
      (m.aTilde as string[])[9] = `${(m.aTilde as string[])[9] as string}00`;
    }, 'aTilde[9]');
  });

  it('rejects a non-hex ã row', () => {
    rejectMsg2((m) => {
      (m.aTilde as string[])[10] = `x${((m.aTilde as string[])[10] as string).slice(1)}`;
    }, 'aTilde[10]');
  });

  it('rejects an ã entry equal to n', () => {
    rejectMsg2((m) => {
      const row = (m.aTilde as string[])[11] as string;
      (m.aTilde as string[])[11] = row.slice(0, 64) + scalarHex(N) + row.slice(128);
    }, 'aTilde[11]');
  });

  it('rejects an η equal to n', () => {
    rejectMsg2((m) => {
      m.eta = scalarHex(N);
    }, 'eta');
  });

  it('rejects an η above n', () => {
    rejectMsg2((m) => {
      m.eta = scalarHex(N + 1n);
    }, 'eta');
  });

  it('rejects a truncated η', () => {
    rejectMsg2((m) => {
      m.eta = (m.eta as string).slice(2);
    }, 'eta');
  });

  it('rejects a truncated μ', () => {
    rejectMsg2((m) => {
      m.mu = (m.mu as string).slice(2);
    }, 'mu');
  });

  it('rejects a message for another setup', () => {
    const message = viaJson(msg2);
    message.setupId = run.server.sender.setupId;
    expectInvalid(() => finish(message), 'setupId', 'client');
  });

  it('rejects a message from another session (replay)', () => {
    const otherSession = rng(32);
    const otherStart = rvoleReceiverStart({ setup: run.server.receiver, sessionId: otherSession, rng });
    const otherReply = rvoleSenderRespond({
      setup: run.client.sender,
      sessionId: otherSession,
      inputs: INPUTS,
      message: otherStart.message,
      rng,
      peer: 'server',
    }).message;
    expectInvalid(() => finish(otherReply), 'sessionId', 'client');
  });
});

describe('RVOLE states and arguments', () => {
  it('refuses to reuse a receiver state', () => {
    const state = viaJson(bobState);
    finish(viaJson(msg2), state);
    expect(thrown(() => finish(viaJson(msg2), state))).toBeInstanceOf(ProtocolStateError);
  });

  it('keeps the receiver state usable after a malformed message', () => {
    const state = viaJson(bobState);
    const bad = viaJson(msg2);
    bad.eta = 'zz';
    expect(thrown(() => finish(bad, state))).toBeInstanceOf(InvalidMessageError);
    expect(finish(viaJson(msg2), state).shares).toHaveLength(2);
  });

  it('wipes β and the rows from a consumed receiver state', () => {
    const state = viaJson(bobState);
    finish(viaJson(msg2), state);
    expect(state.beta).toBe('');
    expect(state.rows).toBe('');
  });

  it('rejects a state of another kind', () => {
    const state = { ...viaJson(bobState), kind: 'ecdsa2p/ot-pairing/done' } as unknown as RvoleReceiverState;
    expect(thrown(() => finish(viaJson(msg2), state))).toBeInstanceOf(ProtocolStateError);
  });

  it("rejects a peer that does not match the setup's peer", () => {
    const error = thrown(() =>
      rvoleSenderRespond({ setup: run.client.sender, sessionId, inputs: INPUTS, message: msg1, rng, peer: 'client' }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
  });

  it('rejects an input that is not below n', () => {
    const error = thrown(() =>
      rvoleSenderRespond({ setup: run.client.sender, sessionId, inputs: [N, 1n], message: msg1, rng, peer: 'server' }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
  });

  it('rejects a session id that is not 32 bytes', () => {
    expect(thrown(() => rvoleReceiverStart({ setup: run.server.receiver, sessionId: rng(31), rng }))).toBeInstanceOf(
      InvalidArgumentError,
    );
  });

  it('rejects a setup with a truncated seed', () => {
    const setup = viaJson(run.server.receiver);
    setup.seeds0[3] = (setup.seeds0[3] as string).slice(2);
    expect(thrown(() => rvoleReceiverStart({ setup, sessionId, rng }))).toBeInstanceOf(InvalidArgumentError);
  });

  it('rejects a sender setup passed where a receiver setup is expected', () => {
    const setup = run.client.sender as unknown as typeof run.server.receiver;
    expect(thrown(() => rvoleReceiverStart({ setup, sessionId, rng }))).toBeInstanceOf(InvalidArgumentError);
  });
});

describe('RVOLE pre-decoded messages', () => {
  it('accepts a message 1 decoded up front and gives the same shares as the raw message', () => {
    const fromRaw = rvoleSenderRespond({
      setup: run.client.sender,
      sessionId,
      inputs: INPUTS,
      message: msg1,
      rng: createSeededRng('decoded'),
      peer: 'server',
    });
    const decoded = decodeRvoleReceiverMessage(viaJson(msg1), 'server');
    const fromDecoded = rvoleSenderRespond({
      setup: run.client.sender,
      sessionId,
      inputs: INPUTS,
      decoded,
      rng: createSeededRng('decoded'),
      peer: 'server',
    });
    expect(fromDecoded.shares).toEqual(fromRaw.shares);
    expect(fromDecoded.message).toEqual(fromRaw.message);
  });

  it('rejects a message 1 decoded as coming from the other party', () => {
    const decoded = decodeRvoleReceiverMessage(viaJson(msg1), 'client');
    const error = thrown(() =>
      rvoleSenderRespond({ setup: run.client.sender, sessionId, inputs: INPUTS, decoded, rng, peer: 'server' }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
  });

  it('rejects a message 2 decoded as coming from the other party, leaving the state usable', () => {
    const state = viaJson(bobState);
    const decoded = decodeRvoleSenderMessage(viaJson(msg2), 'server');
    expect(thrown(() => rvoleReceiverFinish({ state, decoded, peer: 'client' }))).toBeInstanceOf(InvalidArgumentError);
    expect(state.consumed).toBe(false);
  });

  it('accepts a message 2 decoded up front', () => {
    const decoded = decodeRvoleSenderMessage(viaJson(msg2), 'client');
    const raw = rvoleReceiverFinish({ state: viaJson(bobState), message: msg2, peer: 'client' });
    expect(rvoleReceiverFinish({ state: viaJson(bobState), decoded, peer: 'client' }).shares).toEqual(raw.shares);
  });
});
