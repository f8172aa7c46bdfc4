/**
 * Decoder fuzzing (mpc-design §1.5.6): random mutations of honest messages must end in success or
 * a typed protocol error (InvalidMessageError, ProtocolAbortError), never in any other exception.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePairingMessage } from '../../../../../protocol/ecdsa2p/ot/pairing.js';
import {
  type RvoleReceiverMessage,
  type RvoleReceiverState,
  type RvoleSenderMessage,
  rvoleReceiverFinish,
  rvoleReceiverStart,
  rvoleSenderRespond,
} from '../../../../../protocol/ecdsa2p/ot/rvole.js';
import { InvalidMessageError, ProtocolAbortError } from '../../../../../protocol/errors.js';
import { createSeededRng } from '../../../../../protocol/rng.js';
import { type PairingRun, runPairing, viaJson } from './helpers.js';

const rng = createSeededRng('ot fuzz');
let run: PairingRun;
let sessionId: Uint8Array;
let msg1: RvoleReceiverMessage;
let msg2: RvoleSenderMessage;
let bobState: RvoleReceiverState;

beforeAll(() => {
  run = runPairing('ot fuzz');
  sessionId = rng(32);
  const start = rvoleReceiverStart({ setup: run.server.receiver, sessionId, rng });
  msg1 = viaJson(start.message);
  bobState = viaJson(start.state);
  msg2 = viaJson(
    rvoleSenderRespond({ setup: run.client.sender, sessionId, inputs: [3n, 4n], message: msg1, rng, peer: 'server' })
      .message,
  );
});

/** Paths to every string leaf of a message, e.g. ['u', 17] or ['eta']. */
function stringPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [prefix];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...prefix, i]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...prefix, k]));
  return [];
}

type Mutation = { kind: 'flip' | 'truncate' | 'extend' | 'upper' | 'junk' | 'number' | 'drop'; at: number };

function mutate<T>(message: T, path: (string | number)[], m: Mutation): T {
  const copy = viaJson(message) as Record<string | number, unknown>;
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const key = path[path.length - 1] as string | number;
  const s = parent[key] as string;
  const i = s.length === 0 ? 0 : m.at % s.length;
  const hexFlip = (c: string) => (Number.parseInt(c, 16) ^ 1).toString(16);
  switch (m.kind) {
    case 'flip':
      parent[key] = s.slice(0, i) + hexFlip(s[i] ?? '0') + s.slice(i + 1);
      break;
    case 'truncate':
      parent[key] = s.slice(0, i);
      break;
    case 'extend':
      parent[key] = `${s}0`;
      break;
    case 'upper':
      parent[key] = s.toUpperCase();
      break;
    case 'junk':
      parent[key] = `${s.slice(0, i)}g${s.slice(i + 1)}`;
      break;
    case 'number':
      parent[key] = m.at;
      break;
    case 'drop':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
  }
  return copy as T;
}

const mutationArb = fc.record({
  kind: fc.constantFrom('flip', 'truncate', 'extend', 'upper', 'junk', 'number', 'drop' as const),
  at: fc.nat(),
}) as fc.Arbitrary<Mutation>;

function expectTypedOutcome(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(error instanceof InvalidMessageError || error instanceof ProtocolAbortError, String(error)).toBe(true);
  }
}

describe('OT message fuzzing', () => {
  it('Alice only ever accepts or throws a typed error on a mutated message 1', () => {
    const paths = stringPaths(msg1);
    fc.assert(
      fc.property(fc.nat(), mutationArb, (p, m) => {
        const message = mutate(msg1, paths[p % paths.length] as (string | number)[], m);
        expectTypedOutcome(() =>
          rvoleSenderRespond({ setup: run.client.sender, sessionId, inputs: [3n, 4n], message, rng, peer: 'server' }),
        );
      }),
      { numRuns: 60, seed: 1 },
    );
  });

  it('Bob only ever accepts or throws a typed error on a mutated message 2', () => {
    const paths = stringPaths(msg2);
    fc.assert(
      fc.property(fc.nat(), mutationArb, (p, m) => {
        const message = mutate(msg2, paths[p % paths.length] as (string | number)[], m);
        expectTypedOutcome(() => rvoleReceiverFinish({ state: viaJson(bobState), message, peer: 'client' }));
      }),
      { numRuns: 100, seed: 2 },
    );
  });

  it('the pairing parser only ever accepts or throws InvalidMessageError on a mutated round-1 message', () => {
    const message = run.messages.server[0];
    const paths = stringPaths(message);
    fc.assert(
      fc.property(fc.nat(), mutationArb, (p, m) => {
        const mutated = mutate(message, paths[p % paths.length] as (string | number)[], m);
        try {
          parsePairingMessage(mutated, 'server');
        } catch (error) {
          expect(error, String(error)).toBeInstanceOf(InvalidMessageError);
        }
      }),
      { numRuns: 25, seed: 3 },
    );
  });
});
