import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../../protocol/bytes.js';
import {
  type DkgRound1Payload,
  type DkgRound2Payload,
  type FrostDkgMessage,
  type FrostDkgState,
  receiveFrostDkg,
  startFrostDkg,
} from '../../../../protocol/frost/dkg.js';
import { assertValidKeyShare } from '../../../../protocol/frost/key-share.js';
import { type FrostGroup, groupInfo } from '../../../../protocol/frost/suites.js';
import { createSeededRng } from '../../../../protocol/rng.js';
import type { Envelope } from '../../../../protocol/session.js';
import { expectAbort, expectInvalidMessage, expectStateError } from './assert.js';
import { json, runDkg } from './helpers.js';

const groups: FrostGroup[] = ['ed25519', 'secp256k1'];

describe.each(groups)('FROST DKG 2-of-2 (%s)', (group) => {
  const info = groupInfo(group);
  const run = runDkg(group);
  const { c0, s0, c1, s1 } = run.steps;
  const otherPoint = toHex(info.base.multiply(12345n).toBytes());
  const otherScalar = toHex(info.Fn.toBytes(777n));

  /** Round 1 from the server, tampered, delivered to a fresh copy of the client's round-1 state. */
  const deliverRound1 = (mutate: (m: Envelope<DkgRound1Payload>) => unknown) =>
    receiveFrostDkg(json(c0.state), mutate(json(s0.outgoing[0]) as Envelope<DkgRound1Payload>));
  const deliverRound2 = (mutate: (m: Envelope<DkgRound2Payload>) => unknown) =>
    receiveFrostDkg(json(c1.state), mutate(json(s1.outgoing[0]) as Envelope<DkgRound2Payload>));

  it('both parties end with the same group key, chain code and consistent shares', () => {
    expect(run.client.groupPublicKey).toBe(run.server.groupPublicKey);
    expect(run.client.chainCode).toBe(run.server.chainCode);
    expect(run.client.chainCode).toMatch(/^[0-9a-f]{64}$/);
    expect(run.client.keyShare.commitments).toEqual(run.server.keyShare.commitments);
    expect(run.client.keyShare.verifyingShares).toEqual(run.server.keyShare.verifyingShares);
    expect(run.client.keyShare.signingShare).not.toBe(run.server.keyShare.signingShare);
    assertValidKeyShare(run.client.keyShare);
    assertValidKeyShare(run.server.keyShare);
    // Interpolating the two shares gives the secret of the group key.
    const F = info.Fn;
    const s1v = F.fromBytes(Buffer.from(run.client.keyShare.signingShare, 'hex'));
    const s2v = F.fromBytes(Buffer.from(run.server.keyShare.signingShare, 'hex'));
    const secret = F.sub(F.mul(2n, s1v), s2v); // λ1 = 2, λ2 = −1 at identifiers 1, 2
    expect(toHex(info.base.multiply(secret).toBytes())).toBe(run.client.groupPublicKey);
  });

  it('states and messages survive JSON, and the finished state holds no secrets', () => {
    for (const step of Object.values(run.steps)) {
      expect(json(step.state)).toEqual(step.state);
      for (const m of step.outgoing) expect(json(m)).toEqual(m);
    }
    const done = JSON.stringify(run.steps.c2.state);
    expect(done).not.toContain(run.client.keyShare.signingShare);
    expect(run.steps.c2.state.secret).toBeNull();
  });

  it('a second run gives a different key and chain code (fresh randomness)', () => {
    const other = runDkg(group, `other-${group}`);
    expect(other.client.groupPublicKey).not.toBe(run.client.groupPublicKey);
    expect(other.client.chainCode).not.toBe(run.client.chainCode);
  });

  describe('round 1 rejections name the server', () => {
    it('unknown envelope key', () => {
      expectInvalidMessage(() => deliverRound1((m) => ({ ...m, extra: 1 })), 'extra', 'server');
    });
    it('missing payload', () => {
      expectInvalidMessage(
        () =>
          deliverRound1((m) => {
            const { payload: _p, ...rest } = m;
            return rest;
          }),
        'payload',
        'server',
      );
    });
    it('wrong wire version', () => {
      expectInvalidMessage(() => deliverRound1((m) => ({ ...m, v: 2 })), 'v', 'server');
    });
    it('wrong protocol tag', () => {
      expectInvalidMessage(() => deliverRound1((m) => ({ ...m, protocol: 'frost/sign' })), 'protocol', 'server');
    });
    it('replay from another session (other ceremony id)', () => {
      const other = startFrostDkg({
        role: 'server',
        group,
        keyId: 'key-1',
        ceremonyId: 'ceremony-2',
        rng: createSeededRng('x'),
      });
      expectInvalidMessage(() => receiveFrostDkg(json(c0.state), json(other.outgoing[0])), 'sessionId', 'server');
    });
    it('malformed session id', () => {
      expectInvalidMessage(() => deliverRound1((m) => ({ ...m, sessionId: 'zz' })), 'sessionId', 'server');
    });
    it('reordered: a round-2 message while waiting for round 1', () => {
      expectInvalidMessage(() => receiveFrostDkg(json(c0.state), json(s1.outgoing[0])), 'round', 'server');
    });
    it('sender claims to be the client', () => {
      expectInvalidMessage(() => deliverRound1((m) => ({ ...m, from: 'client' })), 'from', 'server');
    });
    it('unknown payload key', () => {
      expectInvalidMessage(
        () => deliverRound1((m) => ({ ...m, payload: { ...m.payload, x: '00' } })),
        'payload.x',
        'server',
      );
    });
    it('missing chain-code commitment', () => {
      expectInvalidMessage(
        () =>
          deliverRound1((m) => {
            const { chainCodeCommitment: _c, ...payload } = m.payload;
            return { ...m, payload };
          }),
        'payload.chainCodeCommitment',
        'server',
      );
    });
    it("identifier is the client's own (impersonation)", () => {
      expectInvalidMessage(
        () =>
          deliverRound1((m) => ({
            ...m,
            payload: { ...m.payload, identifier: run.client.keyShare.identifiers.client },
          })),
        'identifier',
        'server',
      );
    });
    it('one commitment instead of two', () => {
      expectInvalidMessage(
        () => deliverRound1((m) => ({ ...m, payload: { ...m.payload, commitment: m.payload.commitment.slice(0, 1) } })),
        'commitment',
        'server',
      );
    });
    it('commitment that is not a curve point', () => {
      const bad = group === 'ed25519' ? `${'ff'.repeat(31)}7f`.replace(/^ff/, 'ee') : `02${'ff'.repeat(32)}`;
      expectInvalidMessage(
        () => deliverRound1((m) => ({ ...m, payload: { ...m.payload, commitment: [m.payload.commitment[0], bad] } })),
        'commitment[1]',
        'server',
      );
    });
    it('identity commitment', () => {
      const identity = group === 'ed25519' ? toHex(ed25519.Point.ZERO.toBytes()) : `00${'00'.repeat(32)}`;
      expectInvalidMessage(
        () =>
          deliverRound1((m) => ({ ...m, payload: { ...m.payload, commitment: [identity, m.payload.commitment[1]] } })),
        'commitment[0]',
        'server',
      );
    });
    it('upper-case hex', () => {
      expectInvalidMessage(
        () =>
          deliverRound1((m) => ({
            ...m,
            payload: { ...m.payload, commitment: [m.payload.commitment[0]?.toUpperCase(), m.payload.commitment[1]] },
          })),
        'commitment[0]',
        'server',
      );
    });
    it('proof of knowledge of the wrong length', () => {
      expectInvalidMessage(
        () =>
          deliverRound1((m) => ({
            ...m,
            payload: { ...m.payload, proofOfKnowledge: m.payload.proofOfKnowledge.slice(2) },
          })),
        'proofOfKnowledge',
        'server',
      );
    });
    it('proof of knowledge from another run does not verify', () => {
      const other = runDkg(group, `pok-${group}`).steps.s0.outgoing[0] as Envelope<DkgRound1Payload>;
      expectAbort(
        () =>
          deliverRound1((m) => ({ ...m, payload: { ...m.payload, proofOfKnowledge: other.payload.proofOfKnowledge } })),
        'proof-of-knowledge',
        'server',
      );
    });
    it('constant-term commitment swapped (proof no longer matches)', () => {
      expectAbort(
        () =>
          deliverRound1((m) => ({
            ...m,
            payload: { ...m.payload, commitment: [otherPoint, m.payload.commitment[1]] },
          })),
        'proof-of-knowledge',
        'server',
      );
    });
    it('higher commitment swapped: caught when the round-2 share is checked against it', () => {
      const c1bad = deliverRound1((m) => ({
        ...m,
        payload: { ...m.payload, commitment: [m.payload.commitment[0], otherPoint] },
      }));
      expectAbort(() => receiveFrostDkg(c1bad.state, json(s1.outgoing[0])), 'share-commitment-mismatch', 'server');
    });
  });

  describe('round 2 rejections name the server', () => {
    it('wrong identifier', () => {
      expectInvalidMessage(
        () =>
          deliverRound2((m) => ({
            ...m,
            payload: { ...m.payload, identifier: run.client.keyShare.identifiers.client },
          })),
        'identifier',
        'server',
      );
    });
    it('zero share', () => {
      expectInvalidMessage(
        () => deliverRound2((m) => ({ ...m, payload: { ...m.payload, signingShare: '00'.repeat(32) } })),
        'signingShare',
        'server',
      );
    });
    it('share not below the group order', () => {
      const err = expectInvalidMessage(
        () => deliverRound2((m) => ({ ...m, payload: { ...m.payload, signingShare: 'ff'.repeat(32) } })),
        'signingShare',
        'server',
      );
      expect(err.message).not.toContain('ff'.repeat(32));
    });
    it('share that does not match the round-1 commitments', () => {
      const err = expectAbort(
        () => deliverRound2((m) => ({ ...m, payload: { ...m.payload, signingShare: otherScalar } })),
        'share-commitment-mismatch',
        'server',
      );
      expect(err.message).not.toContain(otherScalar);
    });
    it('chain-code share that does not open the commitment', () => {
      expectAbort(
        () => deliverRound2((m) => ({ ...m, payload: { ...m.payload, chainCodeShare: '11'.repeat(32) } })),
        'chain-code-commitment',
        'server',
      );
    });
    it('chain-code share of the wrong length', () => {
      expectInvalidMessage(
        () => deliverRound2((m) => ({ ...m, payload: { ...m.payload, chainCodeShare: '11'.repeat(31) } })),
        'chainCodeShare',
        'server',
      );
    });
    it('duplicate: round 1 delivered again after round 1 was processed', () => {
      expectInvalidMessage(() => receiveFrostDkg(json(c1.state), json(s0.outgoing[0])), 'round', 'server');
    });
    it('round 2 from another session', () => {
      const other = runDkg(group, `replay2-${group}`, 'ceremony-9').steps.s1.outgoing[0] as FrostDkgMessage;
      expectInvalidMessage(() => receiveFrostDkg(json(c1.state), json(other)), 'sessionId', 'server');
    });
  });

  describe('the server blames the client the same way', () => {
    it('client round 1 with a foreign proof of knowledge', () => {
      const other = runDkg(group, `pok-c-${group}`).steps.c0.outgoing[0] as Envelope<DkgRound1Payload>;
      const msg = json(c0.outgoing[0]) as Envelope<DkgRound1Payload>;
      expectAbort(
        () =>
          receiveFrostDkg(json(s0.state), {
            ...msg,
            payload: { ...msg.payload, proofOfKnowledge: other.payload.proofOfKnowledge },
          }),
        'proof-of-knowledge',
        'client',
      );
    });
    it('client round 2 share that does not match its commitments', () => {
      const msg = json(c1.outgoing[0]) as Envelope<DkgRound2Payload>;
      expectAbort(
        () => receiveFrostDkg(json(s1.state), { ...msg, payload: { ...msg.payload, signingShare: otherScalar } }),
        'share-commitment-mismatch',
        'client',
      );
    });
    it('client message claiming to come from the server', () => {
      expectInvalidMessage(
        () => receiveFrostDkg(json(s0.state), { ...json(c0.outgoing[0]), from: 'server' }),
        'from',
        'client',
      );
    });
  });

  describe('state misuse', () => {
    it('a state cannot be used twice', () => {
      const state = json(c0.state);
      receiveFrostDkg(state, json(s0.outgoing[0]));
      expectStateError(() => receiveFrostDkg(state, json(s0.outgoing[0])));
    });
    it('a state that saw a bad message is burnt (no retry with the same polynomial)', () => {
      const state = json(c0.state);
      expect(() => receiveFrostDkg(state, { junk: true })).toThrow();
      expect(state.secret).toBeNull();
      expectStateError(() => receiveFrostDkg(state, json(s0.outgoing[0])));
    });
    it('the finished state accepts nothing', () => {
      expectStateError(() => receiveFrostDkg(json(run.steps.c2.state), json(s1.outgoing[0])));
    });
    it('a state of another protocol is refused', () => {
      expectStateError(() => receiveFrostDkg({ kind: 'frost-sign/await-share' } as unknown as FrostDkgState, {}));
    });
  });
});
