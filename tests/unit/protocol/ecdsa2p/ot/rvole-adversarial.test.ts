/**
 * Malicious parties: a receiver (Bob) that cheats in the OT extension and a sender (Alice) that
 * cheats in the RVOLE. Cheating must end in a ProtocolAbortError that names the peer; the caller
 * then burns the setup (docs/security/ecdsa2p-ot.md).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../../protocol/bytes.js';
import {
  deriveChallenges,
  expandColumns,
  hashColumns,
  sessionDigest,
  weightedBitSum,
  weightedRowSum,
} from '../../../../../protocol/ecdsa2p/ot/extension.js';
import { gfToBytes } from '../../../../../protocol/ecdsa2p/ot/gf128.js';
import { COLUMN_BYTES, LAMBDA_C, XI } from '../../../../../protocol/ecdsa2p/ot/params.js';
import {
  _rvoleSenderRespondDeviating,
  type RvoleReceiverMessage,
  rvoleReceiverFinish,
  rvoleReceiverStart,
  rvoleSenderRespond,
} from '../../../../../protocol/ecdsa2p/ot/rvole.js';
import { N } from '../../../../../protocol/ecdsa2p/ot/scalar.js';
import { ProtocolAbortError } from '../../../../../protocol/errors.js';
import { createSeededRng, type Rng } from '../../../../../protocol/rng.js';
import { flipHexBit, flipHexChar, hexBit, type PairingRun, runPairing, thrown, viaJson } from './helpers.js';

const INPUTS: [bigint, bigint] = [123456789n, N - 987654321n];
let run: PairingRun;

// Direction: client = Alice (OT-extension sender), server = Bob (receiver).
beforeAll(() => {
  run = runPairing('rvole adversarial');
});

function randomInt(rng: Rng, bound: number): number {
  const b = rng(4);
  return (
    ((((b[0] as number) << 24) | ((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number)) >>> 0) % bound
  );
}

/**
 * A receiver that follows the protocol except that in column i it uses the choice bit x_j ⊕ 1 for
 * each flipped (i, j): inconsistent choice bits. It computes x̃ and t̃ from its own view (its
 * x and T0, and the challenges of the u it actually sends), as a real cheater would.
 */
function cheatingReceiverMessage(rng: Rng, flips: readonly [number, number][]) {
  const sessionId = rng(32);
  const setup = run.server.receiver;
  const digest = sessionDigest(fromHex(setup.setupId), sessionId);
  const choice = rng(COLUMN_BYTES);
  const t0 = expandColumns(
    setup.seeds0.map((x) => fromHex(x)),
    digest,
  );
  const u = expandColumns(
    setup.seeds1.map((x) => fromHex(x)),
    digest,
  );
  for (let k = 0; k < u.length; k++) u[k] = (u[k] as number) ^ (t0[k] as number) ^ (choice[k % COLUMN_BYTES] as number);
  for (const [column, row] of flips) {
    const at = column * COLUMN_BYTES + (row >>> 3);
    u[at] = (u[at] as number) ^ (1 << (row & 7));
  }
  const chi = deriveChallenges(hashColumns(digest, u));
  const message: RvoleReceiverMessage = {
    sessionId: toHex(sessionId),
    setupId: setup.setupId,
    u: [...Array(LAMBDA_C).keys()].map((i) => toHex(u.subarray(i * COLUMN_BYTES, (i + 1) * COLUMN_BYTES))),
    xTilde: toHex(gfToBytes(weightedBitSum(choice, chi))),
    tTilde: toHex(gfToBytes(weightedRowSum(t0, chi))),
  };
  return { sessionId, message };
}

/** Outcome of Alice's step on Bob's message: 'accepted' or the abort reason. */
function aliceOutcome(sessionId: Uint8Array, message: unknown, rng: Rng): string {
  try {
    rvoleSenderRespond({ setup: run.client.sender, sessionId, inputs: INPUTS, message, rng, peer: 'server' });
    return 'accepted';
  } catch (error) {
    if (error instanceof ProtocolAbortError && error.culprit === 'server') return error.reason;
    throw error;
  }
}

function deltaBit(i: number): number {
  return hexBit(run.client.sender.delta, i);
}

describe('a cheating OT-extension receiver', () => {
  it('is caught when it flips a choice bit in a column where Δ_i = 1', () => {
    const rng = createSeededRng('flip where delta is 1');
    const column = [...Array(LAMBDA_C).keys()].find((i) => deltaBit(i) === 1) as number;
    const { sessionId, message } = cheatingReceiverMessage(rng, [[column, 17]]);
    const error = thrown(() =>
      rvoleSenderRespond({ setup: run.client.sender, sessionId, inputs: INPUTS, message, rng, peer: 'server' }),
    );
    expect(error).toBeInstanceOf(ProtocolAbortError);
    expect((error as ProtocolAbortError).culprit).toBe('server');
    expect((error as ProtocolAbortError).reason).toBe('ot-consistency');
  });

  it('passes unnoticed, and learns only that Δ_i = 0, when it flips a bit in a column where Δ_i = 0', () => {
    // The inherent selective-failure leak of KOS-style checks: one guessed bit of Δ per attempt,
    // which is why a failed check must burn the setup instead of allowing a retry.
    const rng = createSeededRng('flip where delta is 0');
    const column = [...Array(LAMBDA_C).keys()].find((i) => deltaBit(i) === 0) as number;
    const { sessionId, message } = cheatingReceiverMessage(rng, [[column, 17]]);
    expect(aliceOutcome(sessionId, message, rng)).toBe('accepted');
  });

  it('is accepted when it follows the protocol (the cheater model is otherwise honest)', () => {
    const rng = createSeededRng('no flips');
    const { sessionId, message } = cheatingReceiverMessage(rng, []);
    expect(aliceOutcome(sessionId, message, rng)).toBe('accepted');
  });

  it('is caught when its u no longer matches the x̃ and t̃ it sent', () => {
    const rng = createSeededRng('u altered after the fact');
    const { sessionId, message } = cheatingReceiverMessage(rng, []);
    message.u[3] = flipHexBit(message.u[3] as string, 100);
    expect(aliceOutcome(sessionId, message, rng)).toBe('ot-consistency');
  });

  it('is caught when it sends a wrong x̃', () => {
    const rng = createSeededRng('wrong x tilde');
    const { sessionId, message } = cheatingReceiverMessage(rng, []);
    message.xTilde = flipHexChar(message.xTilde, 5);
    expect(aliceOutcome(sessionId, message, rng)).toBe('ot-consistency');
  });

  it('is caught when it sends a wrong t̃', () => {
    const rng = createSeededRng('wrong t tilde');
    const { sessionId, message } = cheatingReceiverMessage(rng, []);
    message.tTilde = flipHexChar(message.tTilde, 9);
    expect(aliceOutcome(sessionId, message, rng)).toBe('ot-consistency');
  });

  it('is caught in every one of 100 runs when it uses inconsistent choice bits in 12 random rows and columns', () => {
    const rng = createSeededRng('random cheating');
    let caught = 0;
    const trials = 100;
    for (let t = 0; t < trials; t++) {
      const flips: [number, number][] = [];
      for (let k = 0; k < 12; k++) flips.push([randomInt(rng, LAMBDA_C), randomInt(rng, XI)]);
      const { sessionId, message } = cheatingReceiverMessage(rng, flips);
      if (aliceOutcome(sessionId, message, rng) === 'ot-consistency') caught++;
    }
    console.info(`random cheating (12 flips): caught ${caught}/${trials}`);
    expect(caught).toBe(trials);
  });

  it('is caught about half the time with a single random flip (it must guess one Δ bit)', () => {
    const rng = createSeededRng('single flips');
    let caught = 0;
    const trials = 100;
    for (let t = 0; t < trials; t++) {
      const { sessionId, message } = cheatingReceiverMessage(rng, [[randomInt(rng, LAMBDA_C), randomInt(rng, XI)]]);
      if (aliceOutcome(sessionId, message, rng) === 'ot-consistency') caught++;
    }
    console.info(`single flip: caught ${caught}/${trials}`);
    expect(caught).toBeGreaterThan(30);
    expect(caught).toBeLessThan(70);
  });

  it('is caught when it changes its choice bits in one pad row only', () => {
    const rng = createSeededRng('pad row');
    const column = [...Array(LAMBDA_C).keys()].find((i) => deltaBit(i) === 1) as number;
    const { sessionId, message } = cheatingReceiverMessage(rng, [[column, XI + 3]]);
    expect(aliceOutcome(sessionId, message, rng)).toBe('ot-consistency');
  });
});

describe('a cheating RVOLE sender', () => {
  function honestRun(seed: string) {
    const rng = createSeededRng(seed);
    const sessionId = rng(32);
    const start = rvoleReceiverStart({ setup: run.server.receiver, sessionId, rng });
    const reply = rvoleSenderRespond({
      setup: run.client.sender,
      sessionId,
      inputs: INPUTS,
      message: viaJson(start.message),
      rng,
      peer: 'server',
    });
    return { start, reply, message: viaJson(reply.message) };
  }

  function bobOutcome(state: unknown, message: unknown): string {
    try {
      rvoleReceiverFinish({ state: viaJson(state) as never, message, peer: 'client' });
      return 'accepted';
    } catch (error) {
      if (error instanceof ProtocolAbortError && error.culprit === 'client') return error.reason;
      throw error;
    }
  }

  function tamperRow(row: string, component: number): string {
    const hex = row.slice(64 * component, 64 * component + 64);
    const x = (BigInt(`0x${hex}`) + 1n) % N;
    return row.slice(0, 64 * component) + x.toString(16).padStart(64, '0') + row.slice(64 * component + 64);
  }

  /** A sender that adds `offsets(j)` to its inputs α in row j and otherwise follows the protocol. */
  function deviatingRun(seed: string, offsets: (j: number) => readonly bigint[] | undefined) {
    const rng = createSeededRng(seed);
    const sessionId = rng(32);
    const start = rvoleReceiverStart({ setup: run.server.receiver, sessionId, rng });
    const reply = _rvoleSenderRespondDeviating(
      { setup: run.client.sender, sessionId, inputs: INPUTS, message: viaJson(start.message), rng, peer: 'server' },
      offsets,
    );
    return { start, reply, message: viaJson(reply.message) };
  }

  function rowWithBeta(state: { beta: string }, bit: number): number {
    return [...Array(XI).keys()].find((k) => hexBit(state.beta, k) === bit) as number;
  }

  it('is accepted when it deviates nowhere (the deviation hook is otherwise honest)', () => {
    const { start, reply, message } = deviatingRun('no deviation', () => undefined);
    const { shares } = rvoleReceiverFinish({ state: viaJson(start.state), message, peer: 'client' });
    expect((shares[1] + reply.shares[1]) % N).toBe((INPUTS[1] * start.b) % N);
  });

  it('is caught when it uses a different input in a row where β_j = 1', () => {
    const probe = honestRun('probe beta 1');
    const j = rowWithBeta(probe.start.state, 1);
    const { start, message } = deviatingRun('probe beta 1', (row) => (row === j ? [5n, 0n, 0n] : undefined));
    expect(bobOutcome(start.state, message)).toBe('rvole-consistency');
  });

  it('is caught when it uses a different check value â in a row where β_j = 1', () => {
    const probe = honestRun('probe check column');
    const j = rowWithBeta(probe.start.state, 1);
    const { start, message } = deviatingRun('probe check column', (row) => (row === j ? [0n, 0n, 9n] : undefined));
    expect(bobOutcome(start.state, message)).toBe('rvole-consistency');
  });

  it('passes, learning only that β_j = 0, when it uses a different input in a row where β_j = 0', () => {
    // Bob ignores ã_j when β_j = 0: the inherent selective-failure leak of one β bit per guess,
    // which b = ⟨g, β⟩ tolerates thanks to the 2·λ_s slack in ξ (DKLs23 §5).
    const probe = honestRun('probe beta 0');
    const j = rowWithBeta(probe.start.state, 0);
    const { start, reply, message } = deviatingRun('probe beta 0', (row) => (row === j ? [5n, 0n, 0n] : undefined));
    const { shares } = rvoleReceiverFinish({ state: viaJson(start.state), message, peer: 'client' });
    expect((shares[0] + reply.shares[0]) % N).toBe((INPUTS[0] * start.b) % N);
  });

  it('is caught when it uses a different input in every other row', () => {
    const { start, message } = deviatingRun('every other row', (row) => (row % 2 === 0 ? [0n, 1n, 0n] : undefined));
    expect(bobOutcome(start.state, message)).toBe('rvole-consistency');
  });

  it('is caught when ã is altered after θ and μ were computed, even in a row where β_j = 0', () => {
    const { start, message } = honestRun('altered after the fact');
    const j = rowWithBeta(start.state, 0);
    message.aTilde[j] = tamperRow(message.aTilde[j] as string, 0);
    expect(bobOutcome(start.state, message)).toBe('rvole-consistency');
  });

  it('is caught when it tampers with η', () => {
    const { start, message } = honestRun('tamper eta');
    message.eta = ((BigInt(`0x${message.eta}`) + 1n) % N).toString(16).padStart(64, '0');
    expect(bobOutcome(start.state, message)).toBe('rvole-consistency');
  });

  it('is caught when it tampers with μ', () => {
    const { start, message } = honestRun('tamper mu');
    message.mu = flipHexChar(message.mu, 0);
    expect(bobOutcome(start.state, message)).toBe('rvole-consistency');
  });

  it('is caught exactly when a deviating row has β_j = 1, over 20 runs with 4 random deviating rows', () => {
    const rng = createSeededRng('random sender cheating');
    let caught = 0;
    for (let t = 0; t < 20; t++) {
      const rows = new Set<number>();
      while (rows.size < 4) rows.add(randomInt(rng, XI));
      const seed = `random sender cheating ${t}`;
      const probe = honestRun(seed);
      const exposed = [...rows].some((j) => hexBit(probe.start.state.beta, j) === 1);
      const { start, message } = deviatingRun(seed, (row) => (rows.has(row) ? [1n, 2n, 3n] : undefined));
      const outcome = bobOutcome(start.state, message);
      expect(outcome).toBe(exposed ? 'rvole-consistency' : 'accepted');
      if (outcome === 'rvole-consistency') caught++;
    }
    console.info(`random sender cheating (4 rows): caught ${caught}/20`);
    expect(caught).toBeGreaterThanOrEqual(17);
  });
});
