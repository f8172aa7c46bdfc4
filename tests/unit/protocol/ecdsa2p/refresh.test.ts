import { secp256k1 } from '@noble/curves/secp256k1.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../../../protocol/bytes.js';
import { Fn } from '../../../../protocol/ecdsa2p/group.js';
import { burnShare, type Ecdsa2pKeyShare } from '../../../../protocol/ecdsa2p/key-share.js';
import type { RefreshReveal } from '../../../../protocol/ecdsa2p/messages.js';
import { type RefreshState, receiveRefresh, startRefresh } from '../../../../protocol/ecdsa2p/refresh.js';
import { receiveSign } from '../../../../protocol/ecdsa2p/sign.js';
import { InvalidMessageError, type PartyRole, ProtocolAbortError } from '../../../../protocol/errors.js';
import type { Envelope } from '../../../../protocol/session.js';
import {
  attack,
  clone,
  expectBlamesPeer,
  isJsonSafe,
  type Run,
  rngFor,
  runDkg,
  runRefresh,
  runSign,
  SETUP_TIMEOUT_MS,
  startSigning,
} from './helpers.js';
import { envelopeMutations, type FieldKind, mutateField, mutationsFor, REMOVE } from './mutations.js';

type RefreshRun = Run<RefreshState, Ecdsa2pKeyShare>;
const receive = receiveRefresh as (
  s: RefreshState,
  m: unknown,
  rng: (n: number) => Uint8Array,
) => ReturnType<typeof receiveRefresh>;

let old: { client: Ecdsa2pKeyShare; server: Ecdsa2pKeyShare };
let snapshot: string;
let fresh: { client: Ecdsa2pKeyShare; server: Ecdsa2pKeyShare; run: RefreshRun };
const digest = new Uint8Array(32).fill(0x5a);

beforeAll(() => {
  const dkg = runDkg('refresh-suite');
  old = { client: dkg.client, server: dkg.server };
  snapshot = JSON.stringify(old);
  fresh = runRefresh('refresh-suite-1', old.client, old.server) as typeof fresh;
}, SETUP_TIMEOUT_MS);

const secret = (s: Ecdsa2pKeyShare) => Fn.fromBytes(fromHex(s.secretShare));

describe('ecdsa2p share refresh', () => {
  it('keeps the public key, chain code and key id, and moves the shares by ±r', () => {
    for (const role of ['client', 'server'] as const) {
      expect(fresh[role].publicKey).toBe(old[role].publicKey);
      expect(fresh[role].chainCode).toBe(old[role].chainCode);
      expect(fresh[role].keyId).toBe(old[role].keyId);
      expect(fresh[role].epoch).toBe(1);
      expect(fresh[role].secretShare).not.toBe(old[role].secretShare);
      expect(fresh[role].transcriptHash).not.toBe(old[role].transcriptHash);
    }
    const r = Fn.sub(secret(fresh.client), secret(old.client));
    expect(Fn.sub(secret(old.server), secret(fresh.server))).toBe(r);
    expect(fresh.client.transcriptHash).toBe(fresh.server.transcriptHash);
    expect(fresh.client.zeroShareSeed).toBe(fresh.server.zeroShareSeed);
  });

  it('runs a fresh OT pairing', () => {
    expect(fresh.client.ot.sender.setupId).not.toBe(old.client.ot.sender.setupId);
    expect(fresh.client.ot.sender.setupId).toBe(fresh.server.ot.receiver.setupId);
  });

  it('leaves the input shares untouched and keeps states and messages JSON-safe', () => {
    expect(JSON.stringify(old)).toBe(snapshot);
    for (const state of fresh.run.trace.states) expect(isJsonSafe(state)).toBe(true);
    for (const message of fresh.run.trace.messages) expect(isJsonSafe(message)).toBe(true);
    const done = fresh.run.trace.states.filter((s) => s.kind === 'ecdsa2p/refresh/done');
    for (const state of done) expect(JSON.stringify(state)).not.toContain(fresh.client.secretShare);
  });

  it('new shares sign under the unchanged public key', () => {
    const sig = runSign('refresh-new', { ...fresh, digest, path: 'm/2' }).outputs.client;
    expect(sig).toBeDefined();
    const pub = runSign('refresh-old', { ...old, digest, path: 'm/2' }).outputs.client?.publicKey;
    expect(sig?.publicKey).toBe(pub);
    expect(
      secp256k1.verify(fromHex(sig?.signature ?? ''), digest, fromHex(sig?.publicKey ?? ''), { prehash: false }),
    ).toBe(true);
  });

  const mixes: [string, () => { client: Ecdsa2pKeyShare; server: Ecdsa2pKeyShare }][] = [
    ['an old client share with a new server share', () => ({ client: old.client, server: fresh.server })],
    ['a new client share with an old server share', () => ({ client: fresh.client, server: old.server })],
  ];
  for (const [name, pick] of mixes) {
    it(`rejects ${name} at the first signing message (another share generation)`, () => {
      const started = startSigning(`mix-${name}`, { ...pick(), digest, path: 'm' });
      expect(() => receiveSign(started.server.state, started.client.outgoing[0], rngFor('mix', 'server', 1))).toThrow(
        InvalidMessageError,
      );
    });
  }

  it('aborts on the pk check when an old secret share is spliced into the new generation', () => {
    const spliced = { ...fresh.client, secretShare: old.client.secretShare };
    const started = startSigning('refresh-splice', { client: spliced, server: fresh.server, digest, path: 'm' });
    const m2 = receiveSign(started.server.state, started.client.outgoing[0], rngFor('splice', 'server', 1));
    expect(() => receiveSign(started.client.state, m2.outgoing[0], rngFor('splice', 'client', 1))).toThrow(
      /public-key-mismatch/,
    );
  });

  it('heals a burned share: the refreshed share is not burned and signs', () => {
    const healed = runRefresh('refresh-heal', burnShare(old.client), burnShare(old.server));
    expect(healed.client.burned).toBe(false);
    expect(runSign('refresh-healed', { ...healed, digest, path: 'm/1' }).outputs.server).toBeDefined();
  });

  it('refreshes twice in a row (epochs chain)', () => {
    const twice = runRefresh('refresh-suite-2', fresh.client, fresh.server);
    expect(twice.client.epoch).toBe(2);
    expect(twice.client.publicKey).toBe(old.client.publicKey);
  });
});

describe('ecdsa2p share refresh rejects a tampering peer', () => {
  const to: PartyRole = 'server';
  const run = () => fresh.run;
  const index = (round: number) => run().deliveries.findIndex((d) => d.message.round === round && d.to === to);

  function expectRejected(round: number, mutate: (m: Envelope<unknown>) => unknown): unknown {
    const error = attack(run(), index(round), receive, mutate);
    expectBlamesPeer(error, 'client');
    expect(JSON.stringify(old)).toBe(snapshot);
    return error;
  }

  const fields: Record<number, Record<string, FieldKind>> = {
    1: { shareTranscriptHash: 'bytes', commitment: 'bytes', pairing: 'ot' },
    2: {
      'reveal.offsetContribution': 'bytes',
      'reveal.zeroSeedContribution': 'bytes',
      'reveal.salt': 'bytes',
      pairing: 'ot',
    },
    3: { transcriptHash: 'bytes' },
  };
  for (const round of [1, 2, 3]) {
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
      it('rejects a message of another round sent out of order', () => {
        const other = run().deliveries[index(round === 3 ? 1 : round + 1)]?.message;
        expect((expectRejected(round, () => clone(other)) as InvalidMessageError).field).toBe('round');
      });
    });
  }

  const reason = (e: unknown) => (e as ProtocolAbortError).reason;
  it('aborts with "share-generation-mismatch" when the peer refreshes another generation', () => {
    const e = expectRejected(1, (m) => mutateField(m, 'shareTranscriptHash', () => 'cd'.repeat(32)));
    expect(reason(e)).toBe('share-generation-mismatch');
  });

  it('aborts with "commitment-mismatch" when the offset contribution changes after the commitment', () => {
    const e = expectRejected(2, (m) =>
      mutateField(m, 'reveal', (r) => ({ ...(r as RefreshReveal), offsetContribution: '00'.repeat(32) })),
    );
    expect(reason(e)).toBe('commitment-mismatch');
  });

  it('aborts with "transcript-mismatch" on another transcript hash in round 3', () => {
    expect(reason(expectRejected(3, (m) => mutateField(m, 'transcriptHash', () => 'ef'.repeat(32))))).toBe(
      'transcript-mismatch',
    );
  });

  it('refuses to refresh shares of two different keys', () => {
    const other = runDkg('refresh-other-key');
    const sessionId = '33'.repeat(32);
    const c = startRefresh({ share: old.client, sessionId, rng: rngFor('two-keys', 'client', 0) });
    const s = startRefresh({ share: other.server, sessionId, rng: rngFor('two-keys', 'server', 0) });
    expect(() => receiveRefresh(s.state, c.outgoing[0], rngFor('two-keys', 'server', 1))).toThrow(ProtocolAbortError);
  });
});
