/**
 * A malicious or faulty peer in every message of every DKG round (both directions). The honest
 * party must throw a typed error naming the peer and output no key share.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../../protocol/bytes.js';
import { commitDkgReveal, type DkgState, dkgProofContext, receiveDkg } from '../../../../protocol/ecdsa2p/dkg.js';
import { Fn, G } from '../../../../protocol/ecdsa2p/group.js';
import type { Ecdsa2pKeyShare } from '../../../../protocol/ecdsa2p/key-share.js';
import type { DkgReveal } from '../../../../protocol/ecdsa2p/messages.js';
import { CEREMONY_ROUNDS, PAIRING_ROUNDS } from '../../../../protocol/ecdsa2p/pairing-carrier.js';
import { proveDlog } from '../../../../protocol/ecdsa2p/schnorr-proof.js';
import { InvalidMessageError, type PartyRole, ProtocolAbortError } from '../../../../protocol/errors.js';
import { createSeededRng } from '../../../../protocol/rng.js';
import type { Envelope } from '../../../../protocol/session.js';
import { attack, clone, expectBlamesPeer, type Run, rngFor, runDkg, SETUP_TIMEOUT_MS } from './helpers.js';
import {
  envelopeMutations,
  type FieldKind,
  flipLeaf,
  mutateField,
  mutationsFor,
  POINT_MUTATIONS,
  REMOVE,
  stringLeaves,
} from './mutations.js';

type DkgRun = Run<DkgState, Ecdsa2pKeyShare>;
const receive = receiveDkg as (
  s: DkgState,
  m: unknown,
  rng: (n: number) => Uint8Array,
) => ReturnType<typeof receiveDkg>;
const KEY_ID = 'wallet-1';

let honest: DkgRun;
let honestSessionId: string;
let earlier: DkgRun;

beforeAll(() => {
  const h = runDkg('dkg-adversarial', KEY_ID);
  honest = h.run as DkgRun;
  honestSessionId = h.sessionId;
  earlier = runDkg('dkg-adversarial-earlier', KEY_ID).run as DkgRun;
}, SETUP_TIMEOUT_MS);

const peerOf = (role: PartyRole): PartyRole => (role === 'client' ? 'server' : 'client');

/** Index of the delivery of `round` that goes to `to`. */
function deliveryIndex(run: DkgRun, round: number, to: PartyRole): number {
  const i = run.deliveries.findIndex((d) => d.message.round === round && d.to === to);
  if (i < 0) throw new Error(`no round ${round} delivery to ${to}`);
  return i;
}

function expectRejected(
  round: number,
  to: PartyRole,
  mutate: (m: Envelope<unknown>) => unknown,
  mutateLater?: (m: Envelope<unknown>) => unknown,
): unknown {
  const error = attack(honest, deliveryIndex(honest, round, to), receive, mutate, mutateLater);
  expectBlamesPeer(error, peerOf(to));
  return error;
}

function fieldsOf(round: number): Record<string, FieldKind> {
  const pairing: Record<string, FieldKind> = round <= PAIRING_ROUNDS ? { pairing: 'ot' } : {};
  if (round === 1) return { commitment: 'bytes', ...pairing };
  if (round === 2) {
    return {
      'reveal.publicShare': 'point',
      'reveal.proofCommitment': 'point',
      'reveal.proofResponse': 'scalar',
      'reveal.chainContribution': 'bytes',
      'reveal.zeroSeedContribution': 'bytes',
      'reveal.salt': 'bytes',
      ...pairing,
    };
  }
  if (round === 3) return { transcriptHash: 'bytes', ...pairing };
  return pairing;
}

const ROUNDS = Array.from({ length: CEREMONY_ROUNDS }, (_, i) => i + 1);

describe('ecdsa2p DKG rejects a tampering peer', () => {
  for (const round of ROUNDS) {
    for (const to of ['server', 'client'] as const) {
      describe(`round ${round}, ${peerOf(to)} → ${to}`, () => {
        for (const [what, mutate] of Object.entries(envelopeMutations(to))) {
          it(`rejects an envelope with ${what}`, () => {
            expect(expectRejected(round, to, mutate)).toBeInstanceOf(InvalidMessageError);
          });
        }
        for (const [field, kind] of Object.entries(fieldsOf(round))) {
          it(`rejects a message without ${field}`, () => {
            const error = expectRejected(round, to, (m) => mutateField(m, field, () => REMOVE));
            expect((error as InvalidMessageError).field).toBe(`payload.${field}`);
          });
          for (const [what, mutate] of Object.entries(mutationsFor(kind))) {
            it(`rejects ${field} replaced by ${what}`, () => {
              expectRejected(round, to, (m) => mutateField(m, field, mutate));
            });
          }
        }
        const pairingLeaves =
          round === 1 ? ['sessionId', 'z', 'v.0', 'v.127'] : round === 2 ? ['sessionId', 'confirm'] : [];
        for (const leaf of round <= PAIRING_ROUNDS ? pairingLeaves : []) {
          it(`rejects a bit flipped in pairing.${leaf}`, () => {
            const delivery = honest.deliveries[deliveryIndex(honest, round, to)];
            if (!delivery) throw new Error(`no round ${round} delivery`);
            const pairing = (delivery.message.payload as Record<string, unknown>).pairing;
            expect(stringLeaves(pairing)).toContain(leaf);
            expectRejected(round, to, (m) => mutateField(m, 'pairing', (v) => flipLeaf(v, leaf)));
          });
        }
        it('rejects the same message replayed from another DKG session', () => {
          const other = earlier.deliveries[deliveryIndex(earlier, round, to)]?.message;
          const error = expectRejected(round, to, () => clone(other));
          expect((error as InvalidMessageError).field).toBe('sessionId');
        });
        it("rejects another session's payload under our session id", () => {
          const other = earlier.deliveries[deliveryIndex(earlier, round, to)]?.message;
          expectRejected(
            round,
            to,
            (m) => ({ ...m, payload: clone(other?.payload) }),
            (m) => ({ ...m, payload: clone(earlier.deliveries[deliveryIndex(earlier, m.round, to)]?.message.payload) }),
          );
        });
        it('rejects a message of another round sent out of order', () => {
          const otherRound = round === CEREMONY_ROUNDS ? 1 : round + 1;
          const other = honest.deliveries[deliveryIndex(honest, otherRound, to)]?.message;
          const error = expectRejected(round, to, () => clone(other));
          expect((error as InvalidMessageError).field).toBe('round');
        });
        if (round < CEREMONY_ROUNDS) {
          it('rejects the message delivered twice', () => {
            const next = honest.deliveries[deliveryIndex(honest, round + 1, to)];
            const again = honest.deliveries[deliveryIndex(honest, round, to)]?.message;
            let error: unknown;
            try {
              receiveDkg(clone(next?.stateBefore) as DkgState, clone(again), rngFor('twice', to, 0));
            } catch (e) {
              error = e;
            }
            expectBlamesPeer(error, peerOf(to));
            expect((error as InvalidMessageError).field).toBe('round');
          });
        }
      });
    }
  }
});

describe('ecdsa2p DKG: each protocol check', () => {
  const to: PartyRole = 'server';
  const peer: PartyRole = 'client';

  /** A client that commits in round 1 to `reveal` and opens it in round 2. */
  function craftedPeer(reveal: DkgReveal) {
    const commitment = commitDkgReveal(honestSessionId, KEY_ID, peer, reveal);
    return (m: Envelope<unknown>) => {
      if (m.round === 1) return mutateField(m, 'commitment', () => commitment);
      if (m.round === 2) return mutateField(m, 'reveal', () => reveal);
      return m;
    };
  }

  function honestReveal(): DkgReveal {
    const m = honest.deliveries[deliveryIndex(honest, 2, to)]?.message.payload as { reveal: DkgReveal };
    return clone(m.reveal);
  }

  function abortReason(error: unknown): string {
    expect(error).toBeInstanceOf(ProtocolAbortError);
    return (error as ProtocolAbortError).reason;
  }

  const opened: [string, string, (r: DkgReveal) => DkgReveal][] = [
    [
      'X_j changed after the commitment',
      'reveal.publicShare',
      (r) => ({ ...r, publicShare: POINT_MUTATIONS['another valid point']?.(r.publicShare) as string }),
    ],
    [
      'the chain-code contribution changed after the commitment',
      'reveal.chainContribution',
      (r) => ({ ...r, chainContribution: '00'.repeat(32) }),
    ],
    [
      'the zero-seed contribution changed after the commitment',
      'reveal.zeroSeedContribution',
      (r) => ({ ...r, zeroSeedContribution: '00'.repeat(32) }),
    ],
    ['the salt changed after the commitment', 'reveal.salt', (r) => ({ ...r, salt: '00'.repeat(32) })],
  ];
  for (const [name, , change] of opened) {
    it(`aborts with "commitment-mismatch" when ${name}`, () => {
      const error = expectRejected(2, to, (m) => mutateField(m, 'reveal', (r) => change(r as DkgReveal)));
      expect(abortReason(error)).toBe('commitment-mismatch');
    });
  }

  it('aborts with "commitment-mismatch" on an echo of our own messages (reflection)', () => {
    const own = (round: number) => honest.deliveries[deliveryIndex(honest, round, peer)]?.message;
    const echo = (m: Envelope<unknown>) => ({ ...m, payload: clone(own(m.round)?.payload) });
    expect(abortReason(expectRejected(1, to, echo, echo))).toBe('commitment-mismatch');
  });

  it('aborts with "proof-invalid" on a committed Schnorr proof that does not verify', () => {
    const r = honestReveal();
    const bad = {
      ...r,
      proofResponse: toHex(Fn.toBytes(Fn.add(Fn.fromBytes(Buffer.from(r.proofResponse, 'hex')), 1n))),
    };
    const mutate = craftedPeer(bad);
    expect(abortReason(expectRejected(1, to, mutate, mutate))).toBe('proof-invalid');
  });

  it('aborts with "proof-invalid" on a valid proof made for another session', () => {
    const x = 12345n;
    const X = G.multiply(x);
    const proof = proveDlog(x, X, dkgProofContext('22'.repeat(32), KEY_ID, peer), createSeededRng('other-session'));
    const reveal = {
      ...honestReveal(),
      publicShare: X.toHex(true),
      proofCommitment: proof.commitment.toHex(true),
      proofResponse: toHex(Fn.toBytes(proof.response)),
    };
    const mutate = craftedPeer(reveal);
    expect(abortReason(expectRejected(1, to, mutate, mutate))).toBe('proof-invalid');
  });

  it('aborts with "public-key-identity" when X_j = −X_i (even with a valid proof)', () => {
    const state = honest.deliveries[deliveryIndex(honest, 1, to)]?.stateBefore as { secretShare: string };
    const minusX = Fn.neg(Fn.fromBytes(Buffer.from(state.secretShare, 'hex')));
    const X = G.multiply(minusX);
    const proof = proveDlog(minusX, X, dkgProofContext(honestSessionId, KEY_ID, peer), createSeededRng('rogue'));
    const reveal = {
      ...honestReveal(),
      publicShare: X.toHex(true),
      proofCommitment: proof.commitment.toHex(true),
      proofResponse: toHex(Fn.toBytes(proof.response)),
    };
    const mutate = craftedPeer(reveal);
    expect(abortReason(expectRejected(1, to, mutate, mutate))).toBe('public-key-identity');
  });

  it('aborts with "transcript-mismatch" on another transcript hash in round 3', () => {
    const error = expectRejected(3, to, (m) => mutateField(m, 'transcriptHash', () => 'ab'.repeat(32)));
    expect(abortReason(error)).toBe('transcript-mismatch');
  });
});
