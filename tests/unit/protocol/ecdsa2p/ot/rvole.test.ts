import { beforeAll, describe, expect, it } from 'vitest';
import {
  RVOLE_RECEIVER_MESSAGE_BYTES,
  RVOLE_SENDER_MESSAGE_BYTES,
  rvoleReceiverFinish,
  rvoleReceiverStart,
  rvoleSenderRespond,
} from '../../../../../protocol/ecdsa2p/ot/rvole.js';
import { N } from '../../../../../protocol/ecdsa2p/ot/scalar.js';
import { createSeededRng } from '../../../../../protocol/rng.js';
import { type PairingRun, rawBytes, runPairing, viaJson } from './helpers.js';

let run: PairingRun;
beforeAll(() => {
  run = runPairing('rvole.test');
});

function randomScalarFrom(rng: (n: number) => Uint8Array): bigint {
  let x = 0n;
  for (const b of rng(40)) x = (x << 8n) | BigInt(b);
  return x % N;
}

describe('rvole', () => {
  for (const direction of ['client', 'server'] as const) {
    it(`satisfies c_i + d_i = a_i * b over many runs (${direction} as sender)`, () => {
      const alice = direction === 'client' ? run.client : run.server;
      const bob = direction === 'client' ? run.server : run.client;
      const rng = createSeededRng(`rvole invariant ${direction}`);
      for (let k = 0; k < 20; k++) {
        const sessionId = rng(32);
        // Edge inputs first (0, 1, n − 1), then random scalars.
        const edges: [bigint, bigint][] = [
          [0n, 1n],
          [N - 1n, 0n],
        ];
        const inputs: [bigint, bigint] = edges[k] ?? [randomScalarFrom(rng), randomScalarFrom(rng)];
        const start = rvoleReceiverStart({ setup: bob.receiver, sessionId, rng });
        const respond = rvoleSenderRespond({
          setup: alice.sender,
          sessionId,
          inputs,
          message: viaJson(start.message),
          rng,
          peer: bob.receiver.role,
        });
        const finish = rvoleReceiverFinish({
          state: viaJson(start.state),
          message: viaJson(respond.message),
          peer: alice.sender.role,
        });
        for (const i of [0, 1]) {
          expect((respond.shares[i]! + finish.shares[i]!) % N).toBe(((inputs[i] as bigint) * start.b) % N);
        }
      }
    });
  }

  it('sends exactly the advertised number of raw bytes', () => {
    const rng = createSeededRng('rvole bytes');
    const sessionId = rng(32);
    const start = rvoleReceiverStart({ setup: run.server.receiver, sessionId, rng });
    const reply = rvoleSenderRespond({
      setup: run.client.sender,
      sessionId,
      inputs: [1n, 2n],
      message: start.message,
      rng,
      peer: 'server',
    });
    expect(rawBytes(start.message)).toBe(RVOLE_RECEIVER_MESSAGE_BYTES);
    expect(rawBytes(reply.message)).toBe(RVOLE_SENDER_MESSAGE_BYTES);
  });
});
