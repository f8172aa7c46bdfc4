/**
 * A malicious or faulty peer in every message of the signing protocol. In each case the honest
 * party must throw a typed error naming the peer, output no signature, and keep its share intact.
 * The honest party is replayed from its recorded state with its recorded RNG, so a tampering that
 * went unnoticed would reproduce the honest run and fail the test.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Ecdsa2pKeyShare } from '../../../../protocol/ecdsa2p/key-share.js';
import { burnShare, isBurningAbort } from '../../../../protocol/ecdsa2p/key-share.js';
import {
  type Ecdsa2pSignature,
  receiveSign,
  type SignState,
  startSignServer,
} from '../../../../protocol/ecdsa2p/sign.js';
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
  type Run,
  rngFor,
  runDkg,
  runRefresh,
  runSign,
  SETUP_TIMEOUT_MS,
  startSigning,
} from './helpers.js';
import {
  BYTES_MUTATIONS,
  envelopeMutations,
  type FieldKind,
  flipLeaf,
  mutateField,
  mutationsFor,
  POINT_MUTATIONS,
  REMOVE,
  SCALAR_MUTATIONS,
  stringLeaves,
} from './mutations.js';

type SignRun = Run<SignState, Ecdsa2pSignature>;
const receive = receiveSign as (
  s: SignState,
  m: unknown,
  rng: (n: number) => Uint8Array,
) => ReturnType<typeof receiveSign>;

let shares: { client: Ecdsa2pKeyShare; server: Ecdsa2pKeyShare };
let snapshot: string;
let honest: SignRun;
let earlier: SignRun;
let concurrent: SignRun;
const digest = new Uint8Array(32).fill(0x42);
const path = 'm/0/5';

beforeAll(() => {
  shares = runDkg('sign-adversarial');
  snapshot = JSON.stringify(shares);
  honest = runSign('adv-honest', { ...shares, digest, path });
  earlier = runSign('adv-earlier', { ...shares, digest: new Uint8Array(32).fill(0x41), path });
  concurrent = runSign('adv-concurrent', { ...shares, digest, path });
}, SETUP_TIMEOUT_MS);

/** Runs the attack on delivery `index` and checks the outcome; returns the error for finer checks. */
function expectRejected(index: number, mutate: (m: Envelope<unknown>) => unknown): unknown {
  const delivery = honest.deliveries[index];
  if (!delivery) throw new Error(`no delivery ${index}`);
  const peer: PartyRole = delivery.to === 'client' ? 'server' : 'client';
  const error = attack(honest, index, receive, mutate);
  expectBlamesPeer(error, peer);
  expect(JSON.stringify(shares), 'the honest share is unchanged').toBe(snapshot);
  return error;
}

const MESSAGES: { index: number; name: string; fields: Record<string, FieldKind> }[] = [
  {
    index: 0,
    name: 'message 1 (client → server)',
    fields: { clientNonce: 'bytes', commitment: 'bytes', rvole: 'ot' },
  },
  {
    index: 1,
    name: 'message 2 (server → client)',
    fields: {
      commitment: 'bytes',
      rvoleReceiver: 'ot',
      rvoleSender: 'ot',
      instancePoint: 'point',
      salt: 'bytes',
      publicShare: 'point',
      gammaU: 'point',
      gammaV: 'point',
      psi: 'scalar',
    },
  },
  {
    index: 2,
    name: 'message 3 (client → server)',
    fields: {
      rvoleSender: 'ot',
      instancePoint: 'point',
      salt: 'bytes',
      publicShare: 'point',
      gammaU: 'point',
      gammaV: 'point',
      psi: 'scalar',
      u: 'scalar',
      w: 'scalar',
    },
  },
  { index: 3, name: 'message 4 (server → client)', fields: { u: 'scalar', w: 'scalar' } },
];

describe('ecdsa2p signing rejects a tampering peer', () => {
  it('covers exactly the fields the protocol sends', () => {
    for (const { index, fields } of MESSAGES) {
      const payload = honest.deliveries[index]?.message.payload as Record<string, unknown>;
      expect(Object.keys(payload).sort()).toEqual(Object.keys(fields).sort());
    }
  });

  for (const { index, name, fields } of MESSAGES) {
    describe(name, () => {
      const receiver = index % 2 === 0 ? 'server' : 'client';
      for (const [what, mutate] of Object.entries(envelopeMutations(receiver))) {
        it(`rejects an envelope with ${what}`, () => {
          expect(expectRejected(index, mutate)).toBeInstanceOf(InvalidMessageError);
        });
      }

      for (const [field, kind] of Object.entries(fields)) {
        it(`rejects a message without ${field}`, () => {
          const error = expectRejected(index, (m) => mutateField(m, field, () => REMOVE));
          expect((error as InvalidMessageError).field).toBe(`payload.${field}`);
        });
        const table = mutationsFor(kind);
        for (const [what, mutate] of Object.entries(table)) {
          it(`rejects ${field} replaced by ${what}`, () => {
            expectRejected(index, (m) => mutateField(m, field, mutate));
          });
        }
      }

      it('rejects the same message replayed from an earlier session', () => {
        const error = expectRejected(index, () => clone(earlier.deliveries[index]?.message));
        expect((error as InvalidMessageError).field).toBe('sessionId');
      });

      it('rejects the payload of an earlier session under our session id', () => {
        expectRejected(index, (m) => ({ ...m, payload: clone(earlier.deliveries[index]?.message.payload) }));
      });

      it("rejects the concurrent session's message swapped in", () => {
        const error = expectRejected(index, () => clone(concurrent.deliveries[index]?.message));
        expect((error as InvalidMessageError).field).toBe('sessionId');
      });

      it("rejects the concurrent session's payload under our session id", () => {
        expectRejected(index, (m) => ({ ...m, payload: clone(concurrent.deliveries[index]?.message.payload) }));
      });

      it('rejects a message of another round sent out of order', () => {
        const other = honest.deliveries[(index + 2) % 4]?.message;
        const error = expectRejected(index, () => clone(other));
        expect((error as InvalidMessageError).field).toBe('round');
      });
    });
  }

  // Bits flipped inside the OT-layer messages. The receiver's matrix u is left out here: a flip in
  // column i goes unnoticed exactly when Δ_i = 0 and then changes nothing (see the next suite).
  const RECEIVER_LEAVES = ['sessionId', 'setupId', 'xTilde', 'tTilde'];
  const SENDER_LEAVES = ['sessionId', 'setupId', 'aTilde.0', 'aTilde.511', 'eta', 'mu'];
  const OT_FIELDS: [number, string, string[]][] = [
    [0, 'rvole', RECEIVER_LEAVES],
    [1, 'rvoleReceiver', RECEIVER_LEAVES],
    [1, 'rvoleSender', SENDER_LEAVES],
    [2, 'rvoleSender', SENDER_LEAVES],
  ];
  for (const [index, field, leaves] of OT_FIELDS) {
    for (const leaf of leaves) {
      it(`message ${index + 1}: rejects a bit flipped in ${field}.${leaf}`, () => {
        const delivery = honest.deliveries[index];
        if (!delivery) throw new Error(`no delivery ${index}`);
        const nested = (delivery.message.payload as Record<string, unknown>)[field];
        expect(stringLeaves(nested)).toContain(leaf);
        expectRejected(index, (m) => mutateField(m, field, (v) => flipLeaf(v, leaf)));
      });
    }
  }

  for (const index of [0, 1]) {
    it(`rejects message ${index + 1} delivered twice`, () => {
      const later = honest.deliveries.find((d, i) => i > index && d.to === honest.deliveries[index]?.to);
      if (!later) throw new Error('no later delivery');
      const state = clone(later.stateBefore);
      const again = clone(honest.deliveries[index]?.message);
      let error: unknown;
      try {
        receiveSign(state, again, rngFor('twice', later.to, 0));
      } catch (e) {
        error = e;
      }
      expectBlamesPeer(error, later.to === 'client' ? 'server' : 'client');
      expect((error as InvalidMessageError).field).toBe('round');
    });
  }
});

describe('ecdsa2p signing: each protocol check', () => {
  const named: [string, number, (m: Envelope<unknown>) => unknown, string][] = [
    [
      'the server R_S opened to another R',
      1,
      (m) => mutateField(m, 'instancePoint', POINT_MUTATIONS['another valid point'] as never),
      'commitment-mismatch',
    ],
    [
      'the client R_C opened to another R',
      2,
      (m) => mutateField(m, 'instancePoint', POINT_MUTATIONS['another valid point'] as never),
      'commitment-mismatch',
    ],
    [
      'the server salt changed',
      1,
      (m) => mutateField(m, 'salt', BYTES_MUTATIONS['another 32-byte value'] as never),
      'commitment-mismatch',
    ],
    [
      'the client commitment changed',
      0,
      (m) => mutateField(m, 'commitment', BYTES_MUTATIONS['another 32-byte value'] as never),
      'commitment-mismatch',
    ],
    [
      'the server pk_S inconsistent with X + tG',
      1,
      (m) => mutateField(m, 'publicShare', POINT_MUTATIONS['another valid point'] as never),
      'public-key-mismatch',
    ],
    [
      'the client pk_C inconsistent with X + tG',
      2,
      (m) => mutateField(m, 'publicShare', POINT_MUTATIONS['another valid point'] as never),
      'public-key-mismatch',
    ],
    [
      'the server Γ^u inconsistent with its RVOLE input',
      1,
      (m) => mutateField(m, 'gammaU', POINT_MUTATIONS['another valid point'] as never),
      'gamma-u-inconsistent',
    ],
    [
      'the server Γ^v inconsistent with its RVOLE input',
      1,
      (m) => mutateField(m, 'gammaV', POINT_MUTATIONS['another valid point'] as never),
      'gamma-v-inconsistent',
    ],
    [
      'the client Γ^u inconsistent with its RVOLE input',
      2,
      (m) => mutateField(m, 'gammaU', POINT_MUTATIONS['another valid point'] as never),
      'gamma-u-inconsistent',
    ],
    [
      'the client Γ^v inconsistent with its RVOLE input',
      2,
      (m) => mutateField(m, 'gammaV', POINT_MUTATIONS['another valid point'] as never),
      'gamma-v-inconsistent',
    ],
    [
      'the server ψ_S wrong',
      1,
      (m) => mutateField(m, 'psi', SCALAR_MUTATIONS['another valid scalar'] as never),
      'signature-invalid',
    ],
    [
      'the client ψ_C wrong',
      2,
      (m) => mutateField(m, 'psi', SCALAR_MUTATIONS['another valid scalar'] as never),
      'signature-invalid',
    ],
    [
      'the client u_C wrong',
      2,
      (m) => mutateField(m, 'u', SCALAR_MUTATIONS['another valid scalar'] as never),
      'signature-invalid',
    ],
    [
      'the client w_C wrong',
      2,
      (m) => mutateField(m, 'w', SCALAR_MUTATIONS['another valid scalar'] as never),
      'signature-invalid',
    ],
    [
      'the server u_S wrong',
      3,
      (m) => mutateField(m, 'u', SCALAR_MUTATIONS['another valid scalar'] as never),
      'signature-invalid',
    ],
    [
      'the server w_S wrong',
      3,
      (m) => mutateField(m, 'w', SCALAR_MUTATIONS['another valid scalar'] as never),
      'signature-invalid',
    ],
  ];
  for (const [name, index, mutate, reason] of named) {
    it(`aborts with "${reason}" on ${name}`, () => {
      const error = expectRejected(index, mutate);
      expect(error).toBeInstanceOf(ProtocolAbortError);
      expect((error as ProtocolAbortError).reason).toBe(reason);
    });
  }

  it('aborts when the server negates s (u_S = −2u_C − u_S): valid after low-s, but its v would recover another key', () => {
    const n = secp256k1.Point.Fn;
    const msg3 = honest.deliveries[2];
    if (!msg3) throw new Error('no message 3');
    const uClient = BigInt(`0x${(msg3.message.payload as { u: string }).u}`);
    const error = expectRejected(3, (m) => {
      const payload = m.payload as { u: string; w: string };
      const uServer = BigInt(`0x${payload.u}`);
      const negated = n.create(-2n * uClient - uServer);
      return { ...m, payload: { ...payload, u: negated.toString(16).padStart(64, '0') } };
    });
    expect(error).toBeInstanceOf(ProtocolAbortError);
    expect((error as ProtocolAbortError).reason).toBe('signature-invalid');
    expect((error as ProtocolAbortError).message).toMatch(/recovery id/);
  });

  it('rejects a client that signs another digest (server sees another session id)', () => {
    const started = startSigning('digest-mismatch-2', {
      ...shares,
      digest,
      path,
      serverDigest: new Uint8Array(32).fill(0x43),
    });
    expect(() => receiveSign(started.server.state, started.client.outgoing[0], rngFor('dm', 'server', 1))).toThrow(
      /invalid message from client: field "sessionId"/,
    );
  });

  it('rejects a client that derives another path', () => {
    const started = startSigning('path-mismatch', { ...shares, digest, path, serverPath: 'm/0/6' });
    expect(() => receiveSign(started.server.state, started.client.outgoing[0], rngFor('pm', 'server', 1))).toThrow(
      /field "sessionId"/,
    );
  });

  it('rejects a client nonce bound to another server nonce', () => {
    const started = startSigning('nonce-mismatch', { ...shares, digest, path });
    const otherServer = startSignServer({
      share: shares.server,
      digest,
      path,
      rng: rngFor('nonce-mismatch-2', 'server', 0),
    });
    expect(() => receiveSign(otherServer.state, started.client.outgoing[0], rngFor('nm', 'server', 1))).toThrow(
      /field "sessionId"/,
    );
  });

  it('marks Γ and RVOLE consistency failures as burning, the others not', () => {
    const gamma = expectRejected(1, (m) => mutateField(m, 'gammaV', POINT_MUTATIONS['another valid point'] as never));
    expect(isBurningAbort(gamma)).toBe(true);
    const commitment = expectRejected(1, (m) =>
      mutateField(m, 'salt', BYTES_MUTATIONS['another 32-byte value'] as never),
    );
    expect(isBurningAbort(commitment)).toBe(false);
  });

  it('refuses to sign with a share burned after a burning abort, naming the remedy', () => {
    const burned = burnShare(shares.client);
    expect(shares.client.burned).toBe(false);
    expect(() => startSigning('burned', { ...shares, client: burned, digest, path })).toThrow(ProtocolStateError);
    expect(() => startSigning('burned', { ...shares, client: burned, digest, path })).toThrow(
      /re-pair \(repair.ts, a fresh OT pairing\)/,
    );
  });

  it('a flipped bit in the OT receiver matrix u either aborts with "ot-consistency" or changes nothing', () => {
    // KOS selective failure: the flip in column i matters only when Δ_i = 1 (then the check fails);
    // when Δ_i = 0 the run is identical. Each such abort may leak one bit of Δ, hence the burn.
    const outcomes = new Set<string>();
    for (let column = 0; column < 16; column++) {
      try {
        const error = attack(honest, 0, receive, (m) => mutateField(m, 'rvole', (v) => flipLeaf(v, `u.${column}`)));
        expect((error as ProtocolAbortError).reason).toBe('ot-consistency');
        expect((error as ProtocolAbortError).culprit).toBe('client');
        expect(isBurningAbort(error)).toBe(true);
        outcomes.add('abort');
      } catch (e) {
        expect(String(e)).toMatch(/accepted the attack without an error/);
        outcomes.add('unchanged');
      }
    }
    expect(outcomes.has('abort')).toBe(true);
  });

  it('drives the burn policy end to end: rvole-consistency → burn → refusal → refresh → signs again', () => {
    // The server tampers with μ; the client's RVOLE check fails.
    const error = expectRejected(1, (m) => mutateField(m, 'rvoleSender', (v) => flipLeaf(v, 'mu')));
    expect((error as ProtocolAbortError).reason).toBe('rvole-consistency');
    expect(isBurningAbort(error)).toBe(true);
    // The driver persists the burned copy (the protocol never mutates the caller's share).
    const burnedClient = burnShare(shares.client);
    const burnedServer = burnShare(shares.server);
    expect(() => startSigning('after-burn', { client: burnedClient, server: shares.server, digest, path })).toThrow(
      /burned share.*re-pair \(repair.ts/,
    );
    const healed = runRefresh('after-burn-refresh', burnedClient, burnedServer);
    expect(healed.client.publicKey).toBe(shares.client.publicKey);
    expect(runSign('after-burn-sign', { ...healed, digest, path }).outputs.client).toBeDefined();
  });

  it('still signs with the honest shares after all of the above', () => {
    expect(runSign('adv-after', { ...shares, digest, path }).outputs.client).toBeDefined();
  });
});
