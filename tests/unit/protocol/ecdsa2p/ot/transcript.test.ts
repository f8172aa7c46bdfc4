/**
 * Frozen transcript: pairing plus one RVOLE per direction under `createSeededRng`, compared with
 * tests/fixtures/ecdsa2p/ot-transcript.json. Any byte change of a message, setup or output must be
 * intentional: regenerate with TANDEM_UPDATE_FIXTURES=1 and review the diff.
 *
 * Also checks that every state and message at every step survives a JSON round trip unchanged.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex, utf8ToBytes } from '../../../../../protocol/bytes.js';
import {
  rvoleReceiverFinish,
  rvoleReceiverStart,
  rvoleSenderRespond,
} from '../../../../../protocol/ecdsa2p/ot/rvole.js';
import { createSeededRng } from '../../../../../protocol/rng.js';
import { type PairingRun, runPairing, viaJson } from './helpers.js';

const FIXTURE = new URL('../../../../fixtures/ecdsa2p/ot-transcript.json', import.meta.url);

const digest = (value: unknown) => toHex(sha256(utf8ToBytes(JSON.stringify(value))));
const hex = (x: bigint) => x.toString(16).padStart(64, '0');

interface Transcript {
  pairing: { client: string[]; server: string[]; clientSetups: string; serverSetups: string };
  rvole: Record<string, { msg1: string; msg2: string; b: string; aliceShares: string[]; bobShares: string[] }>;
}

let run: PairingRun;
let transcript: Transcript;
const snapshots: { step: string; value: unknown }[] = [];

beforeAll(() => {
  const rng = createSeededRng('tandem/ecdsa2p/ot frozen transcript v1');
  run = runPairing('unused', rng);
  for (const role of ['client', 'server'] as const) {
    for (const [i, value] of run.messages[role].entries())
      snapshots.push({ step: `pairing ${role} message ${i + 1}`, value });
    for (const [i, value] of run.states[role].entries()) snapshots.push({ step: `pairing ${role} state ${i}`, value });
  }
  snapshots.push({ step: 'pairing outputs', value: [run.client, run.server] });
  transcript = {
    pairing: {
      client: run.messages.client.map(digest),
      server: run.messages.server.map(digest),
      clientSetups: digest(run.client),
      serverSetups: digest(run.server),
    },
    rvole: {},
  };
  for (const [alice, bob] of [
    [run.client, run.server],
    [run.server, run.client],
  ] as const) {
    const sessionId = rng(32);
    const inputs: [bigint, bigint] = [BigInt(`0x${toHex(rng(31))}`), BigInt(`0x${toHex(rng(31))}`)];
    const start = rvoleReceiverStart({ setup: bob.receiver, sessionId, rng });
    snapshots.push({ step: `rvole ${alice.sender.role}→ state`, value: start.state });
    snapshots.push({ step: `rvole ${alice.sender.role}→ message 1`, value: start.message });
    const reply = rvoleSenderRespond({
      setup: alice.sender,
      sessionId,
      inputs,
      message: viaJson(start.message),
      rng,
      peer: bob.receiver.role,
    });
    snapshots.push({ step: `rvole ${alice.sender.role}→ message 2`, value: reply.message });
    const finish = rvoleReceiverFinish({
      state: viaJson(start.state),
      message: viaJson(reply.message),
      peer: alice.sender.role,
    });
    transcript.rvole[`${alice.sender.role} as sender`] = {
      msg1: digest(start.message),
      msg2: digest(reply.message),
      b: hex(start.b),
      aliceShares: reply.shares.map(hex),
      bobShares: finish.shares.map(hex),
    };
  }
  if (process.env.TANDEM_UPDATE_FIXTURES === '1') writeFileSync(FIXTURE, `${JSON.stringify(transcript, null, 2)}\n`);
});

describe('frozen OT transcript', () => {
  it('reproduces the stored pairing messages and setups byte for byte', () => {
    const stored = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Transcript;
    expect(transcript.pairing).toEqual(stored.pairing);
  });

  it('reproduces the stored RVOLE messages and shares in both directions', () => {
    const stored = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Transcript;
    expect(transcript.rvole).toEqual(stored.rvole);
  });
});

describe('JSON safety', () => {
  it('keeps every state, message and setup unchanged through JSON at every step', () => {
    expect(snapshots.length).toBeGreaterThan(15);
    for (const { step, value } of snapshots) {
      expect(viaJson(value), step).toEqual(value);
    }
  });
});
