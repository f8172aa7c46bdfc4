import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../../protocol/bytes.js';
import { getBit } from '../../../../../protocol/ecdsa2p/ot/bit-matrix.js';
import { extendAsReceiver, extendAsSender, sessionDigest } from '../../../../../protocol/ecdsa2p/ot/extension.js';
import {
  PAIRING_ROUND1_MESSAGE_BYTES,
  PAIRING_ROUND2_MESSAGE_BYTES,
  PAIRING_ROUNDS,
} from '../../../../../protocol/ecdsa2p/ot/pairing.js';
import { COLUMN_BYTES, LAMBDA_C, PAD_ROWS, ROW_BYTES, XI } from '../../../../../protocol/ecdsa2p/ot/params.js';
import type { OtReceiverSetup, OtSenderSetup } from '../../../../../protocol/ecdsa2p/ot/setup.js';
import { createSeededRng } from '../../../../../protocol/rng.js';
import { type PairingRun, rawBytes, runPairing } from './helpers.js';

let run: PairingRun;
beforeAll(() => {
  run = runPairing('pairing.test');
});

function checkBaseOt(sender: OtSenderSetup, receiver: OtReceiverSetup): void {
  expect(sender.setupId).toBe(receiver.setupId);
  expect(sender.role).toBe(receiver.peer);
  const delta = fromHex(sender.delta);
  for (let i = 0; i < LAMBDA_C; i++) {
    const chosen = getBit(delta, i) === 1 ? receiver.seeds1[i] : receiver.seeds0[i];
    const other = getBit(delta, i) === 1 ? receiver.seeds0[i] : receiver.seeds1[i];
    expect(sender.seeds[i]).toBe(chosen);
    expect(sender.seeds[i]).not.toBe(other);
  }
}

describe('pairing', () => {
  it('finishes after PAIRING_ROUNDS rounds with both directions set up', () => {
    expect(PAIRING_ROUNDS).toBe(2);
    expect(run.messages.client).toHaveLength(PAIRING_ROUNDS);
    expect(run.client.sender.role).toBe('client');
    expect(run.server.sender.role).toBe('server');
    expect(run.client.sender.setupId).not.toBe(run.server.sender.setupId);
  });

  it('gives the base-OT receiver the seed of its choice bit in the client-as-sender direction', () => {
    checkBaseOt(run.client.sender, run.server.receiver);
  });

  it('gives the base-OT receiver the seed of its choice bit in the server-as-sender direction', () => {
    checkBaseOt(run.server.sender, run.client.receiver);
  });

  it('sends exactly the advertised number of raw bytes', () => {
    expect(rawBytes(run.messages.client[0])).toBe(PAIRING_ROUND1_MESSAGE_BYTES);
    expect(rawBytes(run.messages.server[1])).toBe(PAIRING_ROUND2_MESSAGE_BYTES);
  });

  it('drops secrets from the finished states', () => {
    const done = run.states.client[2];
    expect(done?.kind).toBe('ecdsa2p/ot-pairing/done');
    expect(JSON.stringify(done)).not.toContain(run.client.sender.delta);
  });

  for (const direction of ['client', 'server'] as const) {
    it(`extends to rows with t_j xor q_j = x_j * delta (${direction} as sender)`, () => {
      const sender = direction === 'client' ? run.client.sender : run.server.sender;
      const receiver = direction === 'client' ? run.server.receiver : run.client.receiver;
      const rng = createSeededRng(`extension ${direction}`);
      const digest = sessionDigest(fromHex(sender.setupId), rng(32));
      const choice = rng(COLUMN_BYTES);
      const bob = extendAsReceiver({
        seeds0: receiver.seeds0.map((s) => fromHex(s)),
        seeds1: receiver.seeds1.map((s) => fromHex(s)),
        digest,
        choice,
      });
      const alice = extendAsSender({
        seeds: sender.seeds.map((s) => fromHex(s)),
        delta: fromHex(sender.delta),
        digest,
        u: bob.u,
        xTilde: bob.xTilde,
        tTilde: bob.tTilde,
      });
      expect(alice.consistent).toBe(true);
      const zero = toHex(new Uint8Array(ROW_BYTES));
      for (let j = 0; j < XI; j++) {
        const xor = new Uint8Array(ROW_BYTES);
        for (let k = 0; k < ROW_BYTES; k++)
          xor[k] = (bob.rows[j * ROW_BYTES + k] as number) ^ (alice.rows[j * ROW_BYTES + k] as number);
        expect(toHex(xor)).toBe(getBit(choice, j) === 1 ? sender.delta : zero);
      }
      expect(PAD_ROWS).toBe(LAMBDA_C);
    });
  }
});
