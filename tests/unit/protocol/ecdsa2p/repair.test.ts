import { secp256k1 } from '@noble/curves/secp256k1.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../../../protocol/bytes.js';
import { assertNotBurned, burnShare, type Ecdsa2pKeyShare } from '../../../../protocol/ecdsa2p/key-share.js';
import { type RepairState, receiveRepair, startRepair } from '../../../../protocol/ecdsa2p/repair.js';
import { receiveSign } from '../../../../protocol/ecdsa2p/sign.js';
import {
  InvalidMessageError,
  type PartyRole,
  ProtocolAbortError,
  ProtocolStateError,
} from '../../../../protocol/errors.js';
import type { Envelope } from '../../../../protocol/session.js';
import {
  attack,
  clone,
  expectBlamesPeer,
  isJsonSafe,
  type Run,
  rngFor,
  runDkg,
  runRepair,
  runSign,
  SETUP_TIMEOUT_MS,
  startSigning,
} from './helpers.js';
import { envelopeMutations, type FieldKind, mutateField, mutationsFor, REMOVE } from './mutations.js';

type RepairRun = Run<RepairState, Ecdsa2pKeyShare>;
const receive = receiveRepair as (
  s: RepairState,
  m: unknown,
  rng: (n: number) => Uint8Array,
) => ReturnType<typeof receiveRepair>;

let old: { client: Ecdsa2pKeyShare; server: Ecdsa2pKeyShare };
let snapshot: string;
let repaired: { client: Ecdsa2pKeyShare; server: Ecdsa2pKeyShare; run: RepairRun };
const digest = new Uint8Array(32).fill(0x6b);

beforeAll(() => {
  const dkg = runDkg('repair-suite');
  old = { client: burnShare(dkg.client), server: burnShare(dkg.server) };
  snapshot = JSON.stringify(old);
  repaired = runRepair('repair-suite-1', old.client, old.server) as typeof repaired;
}, SETUP_TIMEOUT_MS);

describe('ecdsa2p re-pairing', () => {
  it('keeps every share field but the OT correlations, and clears the burn', () => {
    for (const role of ['client', 'server'] as const) {
      const { ot: newOt, burned, ...kept } = repaired[role];
      const { ot: oldOt, burned: wasBurned, ...before } = old[role];
      expect(kept).toEqual(before);
      expect(wasBurned).toBe(true);
      expect(burned).toBe(false);
      expect(newOt.sender.setupId).not.toBe(oldOt.sender.setupId);
      expect(newOt.sender.delta).not.toBe(oldOt.sender.delta);
    }
    expect(repaired.client.ot.sender.setupId).toBe(repaired.server.ot.receiver.setupId);
    expect(repaired.server.ot.sender.setupId).toBe(repaired.client.ot.receiver.setupId);
  });

  it('a burned share refuses to sign, the re-paired one signs under the same public key', () => {
    expect(() => assertNotBurned(old.client)).toThrow(ProtocolStateError);
    const sig = runSign('repair-signs', { ...repaired, digest, path: 'm/0/3' }).outputs.client;
    expect(sig).toBeDefined();
    expect(
      secp256k1.verify(fromHex(sig?.signature ?? ''), digest, fromHex(sig?.publicKey ?? ''), { prehash: false }),
    ).toBe(true);
  });

  it('leaves the input shares untouched and keeps states and messages JSON-safe without secrets when done', () => {
    expect(JSON.stringify(old)).toBe(snapshot);
    for (const state of repaired.run.trace.states) expect(isJsonSafe(state)).toBe(true);
    for (const message of repaired.run.trace.messages) expect(isJsonSafe(message)).toBe(true);
    const done = repaired.run.trace.states.filter((s) => s.kind === 'ecdsa2p/repair/done');
    expect(done.length).toBe(2);
    for (const state of done) expect(JSON.stringify(state)).not.toContain(old.client.secretShare);
  });

  it('refuses a stale pairing at the first signing message, cleanly (setup id), not as a burning abort', () => {
    const stale = { ...old.client, burned: false };
    const started = startSigning('repair-stale', { client: stale, server: repaired.server, digest, path: 'm' });
    let error: unknown;
    try {
      receiveSign(started.server.state, started.client.outgoing[0], rngFor('repair-stale', 'server', 1));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(String((error as Error).message)).toMatch(/setupId/);
  });

  it('re-pairs a share that is not burned (a copy restored with a stale pairing)', () => {
    const again = runRepair('repair-suite-2', repaired.client, repaired.server);
    expect(again.client.ot.sender.setupId).not.toBe(repaired.client.ot.sender.setupId);
    expect(runSign('repair-again', { ...again, digest, path: 'm/1' }).outputs.server).toBeDefined();
  });

  it('refuses a used state', () => {
    const started = startRepair({ share: old.server, sessionId: '44'.repeat(32), rng: rngFor('reuse', 'server', 0) });
    const peer = startRepair({ share: old.client, sessionId: '44'.repeat(32), rng: rngFor('reuse', 'client', 0) });
    receiveRepair(started.state, peer.outgoing[0], rngFor('reuse', 'server', 1));
    expect(() => receiveRepair(started.state, peer.outgoing[0], rngFor('reuse', 'server', 2))).toThrow(
      ProtocolStateError,
    );
  });

  it('refuses to start with a malformed session id', () => {
    expect(() => startRepair({ share: old.client, sessionId: 'zz', rng: rngFor('bad-sid', 'client', 0) })).toThrow();
  });

  it('refuses to re-pair shares of two different keys', () => {
    const other = runDkg('repair-other-key');
    const sessionId = '55'.repeat(32);
    const c = startRepair({ share: old.client, sessionId, rng: rngFor('two-keys', 'client', 0) });
    const s = startRepair({ share: other.server, sessionId, rng: rngFor('two-keys', 'server', 0) });
    expect(() => receiveRepair(s.state, c.outgoing[0], rngFor('two-keys', 'server', 1))).toThrow(ProtocolAbortError);
  });
});

describe('ecdsa2p re-pairing rejects a tampering peer', () => {
  const to: PartyRole = 'server';
  const run = () => repaired.run;
  const index = (round: number) => run().deliveries.findIndex((d) => d.message.round === round && d.to === to);

  function expectRejected(round: number, mutate: (m: Envelope<unknown>) => unknown): unknown {
    const error = attack(run(), index(round), receive, mutate);
    expectBlamesPeer(error, 'client');
    expect(JSON.stringify(old)).toBe(snapshot);
    return error;
  }

  const fields: Record<number, Record<string, FieldKind>> = {
    1: { shareTranscriptHash: 'bytes', pairing: 'ot' },
    2: { pairing: 'ot' },
  };
  for (const round of [1, 2]) {
    describe(`round ${round}, client → server`, () => {
      for (const [what, mutate] of Object.entries(envelopeMutations(to))) {
        it(`rejects an envelope with ${what}`, () => {
          expect(expectRejected(round, mutate)).toBeInstanceOf(InvalidMessageError);
        });
      }
      for (const [field, kind] of Object.entries(fields[round] ?? {})) {
        it(`rejects a message without ${field}`, () => {
          expectRejected(round, (m) => mutateField(m, field, () => REMOVE));
        });
        for (const [what, mutate] of Object.entries(mutationsFor(kind))) {
          it(`rejects ${field} replaced by ${what}`, () => {
            expectRejected(round, (m) => mutateField(m, field, mutate));
          });
        }
      }
      it('rejects a message of the other round sent out of order', () => {
        const other = run().deliveries[index(round === 1 ? 2 : 1)]?.message;
        expect((expectRejected(round, () => clone(other)) as InvalidMessageError).field).toBe('round');
      });
    });
  }

  const reason = (e: unknown) => (e as ProtocolAbortError).reason;
  it('aborts with "share-generation-mismatch" when the peer re-pairs another generation', () => {
    const e = expectRejected(1, (m) => mutateField(m, 'shareTranscriptHash', () => 'cd'.repeat(32)));
    expect(reason(e)).toBe('share-generation-mismatch');
  });

  it('aborts with "pairing-transcript-mismatch" when the confirmation covers another round-1 transcript', () => {
    const e = expectRejected(2, (m) =>
      mutateField(m, 'pairing', (p) => ({ ...(p as Record<string, unknown>), confirm: 'ab'.repeat(32) })),
    );
    expect(reason(e)).toBe('pairing-transcript-mismatch');
  });

  it('rejects a round-1 message replayed from another re-pairing session', () => {
    const other = runRepair('repair-suite-3', old.client, old.server);
    const replay = other.run.deliveries.find((d) => d.to === to && d.message.round === 1)?.message;
    expect(expectRejected(1, () => clone(replay))).toBeInstanceOf(InvalidMessageError);
  });
});
