import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../protocol/bytes.js';
import {
  type FrostSignState,
  receiveFrostSign,
  type SignRound1Payload,
  type SignRound2Payload,
  startFrostSign,
} from '../../../../protocol/frost/sign.js';
import { groupInfo } from '../../../../protocol/frost/suites.js';
import { applyAdditiveTweak } from '../../../../protocol/frost/tweak.js';
import { createSeededRng } from '../../../../protocol/rng.js';
import type { Envelope } from '../../../../protocol/session.js';
import { expectAbort, expectInvalidArgument, expectInvalidMessage, expectStateError } from './assert.js';
import { dealerShares, json, runSign, startBoth } from './helpers.js';

const message = new TextEncoder().encode('tandem frost signing test message');
const ed = dealerShares('ed25519');
const k1 = dealerShares('secp256k1');

// A point of order 8 on edwards25519 (RFC 8032 low-order list) and a mixed-order point G·5 + T.
const LOW_ORDER = '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05';
const MIXED_ORDER = toHex(
  ed25519.Point.BASE.multiply(5n)
    .add(ed25519.Point.fromBytes(fromHex(LOW_ORDER)))
    .toBytes(),
);

describe('FROST signing 2-of-2: happy paths', () => {
  it('ed25519: both parties get the same RFC 8032 signature (strict verification)', () => {
    const out = runSign({ scheme: 'ed25519', client: ed.client, server: ed.server, message });
    expect(out.client.signature).toBe(out.server.signature);
    expect(
      ed25519.verify(fromHex(out.client.signature), message, fromHex(out.client.groupPublicKey), { zip215: false }),
    ).toBe(true);
  });

  it('bip340: the signature verifies with schnorr.verify under the x-only group key', () => {
    const sighash = createSeededRng('sighash')(32);
    const out = runSign({
      scheme: 'bip340',
      client: k1.client,
      server: k1.server,
      message: sighash,
      derivationPath: '',
    });
    expect(out.client.signature).toHaveLength(128);
    expect(schnorr.verify(fromHex(out.client.signature), sighash, fromHex(out.client.groupPublicKey).subarray(1))).toBe(
      true,
    );
  });

  it('states and messages survive JSON; finished states hold no nonce or share', () => {
    const { c0, s0 } = startBoth({ scheme: 'ed25519', client: ed.client, server: ed.server, message });
    expect(json(c0.state)).toEqual(c0.state);
    expect(json(c0.outgoing)).toEqual(c0.outgoing);
    const nonce = (c0.state as { secret: { hidingNonce: string } }).secret.hidingNonce;
    const c1 = receiveFrostSign(json(c0.state), json(s0.outgoing[0]));
    const s1 = receiveFrostSign(json(s0.state), json(c0.outgoing[0]));
    expect(json(c1)).toEqual(c1);
    const c2 = receiveFrostSign(json(c1.state), json(s1.outgoing[0]));
    expect(json(c2)).toEqual(c2);
    for (const st of [c1.state, c2.state]) {
      const text = JSON.stringify(st);
      expect(text).not.toContain(nonce);
      expect(text).not.toContain(ed.client.signingShare);
    }
  });

  it('two signatures of the same message use fresh nonces (different R)', () => {
    const a = runSign({ scheme: 'ed25519', client: ed.client, server: ed.server, message, ceremonyId: 'a' });
    const b = runSign({
      scheme: 'ed25519',
      client: ed.client,
      server: ed.server,
      message,
      ceremonyId: 'b',
      rngClient: createSeededRng('other/c'),
      rngServer: createSeededRng('other/s'),
    });
    expect(a.client.signature.slice(0, 64)).not.toBe(b.client.signature.slice(0, 64));
  });
});

describe('FROST signing: start-time checks on our own inputs', () => {
  const base = {
    role: 'client' as const,
    scheme: 'ed25519' as const,
    keyShare: ed.client,
    message,
    keyId: 'key-1',
    ceremonyId: 'c',
    derivationPath: '',
    rng: createSeededRng('x'),
  };
  it('a signing share that does not match its verifying share', () => {
    const keyShare = { ...ed.client, signingShare: ed.server.signingShare };
    expectInvalidArgument(() => startFrostSign({ ...base, keyShare }), 'keyShare.signingShare');
  });
  it('a verifying share inconsistent with the commitments', () => {
    const keyShare = {
      ...ed.client,
      verifyingShares: {
        ...ed.client.verifyingShares,
        [ed.client.identifiers.server]: toHex(ed25519.Point.BASE.toBytes()),
      },
    };
    expectInvalidArgument(
      () => startFrostSign({ ...base, keyShare }),
      `keyShare.verifyingShares[${ed.client.identifiers.server}]`,
    );
  });
  it('a share of the wrong group for the scheme', () => {
    expectInvalidArgument(
      () => startFrostSign({ ...base, scheme: 'bip340', message: new Uint8Array(32) }),
      'keyShare.group',
    );
  });
  it("the other party's share", () => {
    expectInvalidArgument(() => startFrostSign({ ...base, keyShare: ed.server }), 'keyShare.role');
  });
  it('bip340 refuses anything but a 32-byte sighash', () => {
    expectInvalidArgument(() => startFrostSign({ ...base, scheme: 'bip340', keyShare: k1.client, message }), 'message');
  });
  it('an empty ceremony id', () => {
    expectInvalidArgument(() => startFrostSign({ ...base, ceremonyId: '' }), 'ceremonyId');
  });
});

describe('FROST signing: round 1 (nonce commitments) rejections name the server', () => {
  const { c0, s0 } = startBoth({ scheme: 'ed25519', client: ed.client, server: ed.server, message });
  const deliver = (mutate: (m: Envelope<SignRound1Payload>) => unknown) =>
    receiveFrostSign(json(c0.state), mutate(json(s0.outgoing[0]) as Envelope<SignRound1Payload>));
  const withPayload = (p: Partial<Record<string, unknown>>) => (m: Envelope<SignRound1Payload>) => ({
    ...m,
    payload: { ...m.payload, ...p },
  });

  it('unknown payload key', () => {
    expectInvalidMessage(() => deliver(withPayload({ extra: '00' })), 'payload.extra', 'server');
  });
  it("identifier is the client's", () => {
    expectInvalidMessage(
      () => deliver(withPayload({ identifier: ed.client.identifiers.client })),
      'identifier',
      'server',
    );
  });
  it('identity hiding commitment', () => {
    expectInvalidMessage(
      () => deliver(withPayload({ hiding: toHex(ed25519.Point.ZERO.toBytes()) })),
      'hiding',
      'server',
    );
  });
  it('low-order (torsion) binding commitment', () => {
    expectInvalidMessage(() => deliver(withPayload({ binding: LOW_ORDER })), 'binding', 'server');
  });
  it('mixed-order binding commitment (not in the prime-order subgroup)', () => {
    expectInvalidMessage(() => deliver(withPayload({ binding: MIXED_ORDER })), 'binding', 'server');
  });
  // Each order exercises a different level of the halving subgroup test (ed25519-subgroup.ts).
  for (const [order, multiple] of [
    [2, 4n],
    [4, 2n],
    [8, 3n],
  ] as const) {
    it(`mixed-order hiding commitment with a torsion component of order ${order}`, () => {
      const torsion = ed25519.Point.fromBytes(fromHex(LOW_ORDER)).multiplyUnsafe(multiple);
      const hiding = toHex(ed25519.Point.BASE.multiply(7n).add(torsion).toBytes());
      expectInvalidMessage(() => deliver(withPayload({ hiding })), 'hiding', 'server');
    });
  }
  it('hiding commitment with a non-canonical y (y + p for the curve point with y = 3)', () => {
    const y = 2n ** 255n - 19n + 3n;
    const bytes = new Uint8Array(32);
    for (let i = 0, t = y; i < 32; i++, t >>= 8n) bytes[i] = Number(t & 255n);
    expectInvalidMessage(() => deliver(withPayload({ hiding: toHex(bytes) })), 'hiding', 'server');
  });
  it('hiding commitment that is not on the curve', () => {
    expectInvalidMessage(() => deliver(withPayload({ hiding: `02${'00'.repeat(30)}80` })), 'hiding', 'server');
  });
  it('binding equal to hiding', () => {
    expectInvalidMessage(() => deliver((m) => withPayload({ binding: m.payload.hiding })(m)), 'binding', 'server');
  });
  it('our own commitments reflected back', () => {
    const own = (c0.outgoing[0] as Envelope<SignRound1Payload>).payload;
    expectInvalidMessage(() => deliver(withPayload({ hiding: own.hiding, binding: own.binding })), 'hiding', 'server');
  });
  it('replay from another signing session of the same message', () => {
    const other = startBoth({ scheme: 'ed25519', client: ed.client, server: ed.server, message, ceremonyId: 'sign-2' });
    expectInvalidMessage(() => receiveFrostSign(json(c0.state), json(other.s0.outgoing[0])), 'sessionId', 'server');
  });
  it('the server approved a different message (session ids differ, nothing signed)', () => {
    const other = startBoth({
      scheme: 'ed25519',
      client: ed.client,
      server: ed.server,
      message: new Uint8Array([1, 2, 3]),
    });
    expectInvalidMessage(() => receiveFrostSign(json(c0.state), json(other.s0.outgoing[0])), 'sessionId', 'server');
  });
  it('the server signs for another derivation path', () => {
    const other = startBoth({
      scheme: 'ed25519',
      client: ed.client,
      server: ed.server,
      message,
      derivationPath: "m/44'/501'/1'/0'",
    });
    expectInvalidMessage(() => receiveFrostSign(json(c0.state), json(other.s0.outgoing[0])), 'sessionId', 'server');
  });
  it('reordered: a round-2 message first', () => {
    expectInvalidMessage(() => deliver((m) => ({ ...m, round: 2 })), 'round', 'server');
  });
  it('sender field says client', () => {
    expectInvalidMessage(() => deliver((m) => ({ ...m, from: 'client' })), 'from', 'server');
  });
  it('not an object at all', () => {
    expectInvalidMessage(() => receiveFrostSign(json(c0.state), 'hello'), '', 'server');
  });
});

describe('FROST signing: round 2 (signature shares) rejections name the server, nothing is output', () => {
  const { c0, s0 } = startBoth({ scheme: 'ed25519', client: ed.client, server: ed.server, message });
  const c1 = receiveFrostSign(json(c0.state), json(s0.outgoing[0]));
  const s1 = receiveFrostSign(json(s0.state), json(c0.outgoing[0]));
  const deliver = (mutate: (m: Envelope<SignRound2Payload>) => unknown) =>
    receiveFrostSign(json(c1.state), mutate(json(s1.outgoing[0]) as Envelope<SignRound2Payload>));
  const share = (signatureShare: string) => (m: Envelope<SignRound2Payload>) => ({
    ...m,
    payload: { ...m.payload, signatureShare },
  });

  it('a signature share that does not verify (another valid scalar)', () => {
    expectAbort(() => deliver(share(toHex(groupInfo('ed25519').Fn.toBytes(42n)))), 'invalid-signature-share', 'server');
  });
  it('the server computed its share over a different nonce-commitment list', () => {
    // The server's round-1 commitments are altered in flight to the client: the lists differ.
    const alteredBinding = toHex(ed25519.Point.BASE.multiply(99n).toBytes());
    const c1x = receiveFrostSign(json(c0.state), {
      ...json(s0.outgoing[0]),
      payload: { ...(json(s0.outgoing[0]) as Envelope<SignRound1Payload>).payload, binding: alteredBinding },
    });
    expectAbort(() => receiveFrostSign(c1x.state, json(s1.outgoing[0])), 'invalid-signature-share', 'server');
    // ...and the server, which saw the honest list, rejects the client's share in turn.
    expectAbort(() => receiveFrostSign(json(s1.state), json(c1x.outgoing[0])), 'invalid-signature-share', 'client');
  });
  it('our stored own share altered: the peer share passes §5.4, the signature fails (invalid-signature)', () => {
    const state = json(c1.state) as Extract<FrostSignState, { kind: 'frost-sign/await-share' }>;
    state.ownShare = toHex(groupInfo('ed25519').Fn.toBytes(42n));
    expectAbort(() => receiveFrostSign(state, json(s1.outgoing[0])), 'invalid-signature', 'server');
  });
  it('zero share', () => {
    expectInvalidMessage(() => deliver(share('00'.repeat(32))), 'signatureShare', 'server');
  });
  it('share not below the group order', () => {
    expectInvalidMessage(() => deliver(share('ff'.repeat(32))), 'signatureShare', 'server');
  });
  it('share of the wrong length', () => {
    expectInvalidMessage(() => deliver(share('11'.repeat(33))), 'signatureShare', 'server');
  });
  it("identifier is the client's", () => {
    expectInvalidMessage(
      () => deliver((m) => ({ ...m, payload: { ...m.payload, identifier: ed.client.identifiers.client } })),
      'identifier',
      'server',
    );
  });
  it('duplicate: round 1 delivered again', () => {
    expectInvalidMessage(() => receiveFrostSign(json(c1.state), json(s0.outgoing[0])), 'round', 'server');
  });
  it('a share replayed from another session', () => {
    const other = runSignRound2('sign-other');
    expectInvalidMessage(() => receiveFrostSign(json(c1.state), other), 'sessionId', 'server');
  });
});

describe('FROST signing bip340: failures are attributed under both parities of the group key', () => {
  const sighash = createSeededRng('bip340-attribution')(32);
  // Public additive tweaks move the group key; keep the first with even and the first with odd y.
  const byParity = new Map<string, { client: typeof k1.client; server: typeof k1.server }>();
  for (let t = 1n; byParity.size < 2; t++) {
    const client = applyAdditiveTweak(k1.client, t);
    const prefix = (client.commitments[0] as string).slice(0, 2);
    if (!byParity.has(prefix)) byParity.set(prefix, { client, server: applyAdditiveTweak(k1.server, t) });
  }
  it.each([['02'], ['03']])(
    'group key prefix %s: a wrong share is invalid-signature-share, naming the server',
    (prefix) => {
      const keys = byParity.get(prefix);
      if (!keys) throw new Error('test setup');
      const { c0, s0 } = startBoth({ scheme: 'bip340', ...keys, message: sighash, derivationPath: '' });
      const c1 = receiveFrostSign(json(c0.state), json(s0.outgoing[0]));
      const s1 = receiveFrostSign(json(s0.state), json(c0.outgoing[0]));
      const honest = json(s1.outgoing[0]) as Envelope<SignRound2Payload>;
      const F = groupInfo('secp256k1').Fn;
      const wrong = toHex(F.toBytes(F.add(F.fromBytes(fromHex(honest.payload.signatureShare)), 1n)));
      expectAbort(
        () => receiveFrostSign(json(c1.state), { ...honest, payload: { ...honest.payload, signatureShare: wrong } }),
        'invalid-signature-share',
        'server',
      );
      // The honest share still completes the same session state (it was never consumed above).
      const done = receiveFrostSign(json(c1.state), honest);
      expect(
        schnorr.verify(
          fromHex(done.output?.signature as string),
          sighash,
          fromHex(keys.client.commitments[0] as string).subarray(1),
        ),
      ).toBe(true);
    },
  );
});

function runSignRound2(ceremonyId: string) {
  const { c0, s0 } = startBoth({ scheme: 'ed25519', client: ed.client, server: ed.server, message, ceremonyId });
  return json(receiveFrostSign(json(s0.state), json(c0.outgoing[0])).outgoing[0]);
}

describe('FROST signing: nonces are single-use', () => {
  it('reusing the commitment state after it produced a share is a ProtocolStateError', () => {
    const { c0, s0 } = startBoth({ scheme: 'ed25519', client: ed.client, server: ed.server, message });
    const state = json(c0.state);
    receiveFrostSign(state, json(s0.outgoing[0]));
    expect(state.consumed).toBe(true);
    expect(state.secret).toBeNull();
    // A second share over different peer commitments would leak the share; it must be impossible.
    const other = startBoth({
      scheme: 'ed25519',
      client: ed.client,
      server: ed.server,
      message,
      rngServer: createSeededRng('z'),
    });
    expectStateError(() => receiveFrostSign(state, json(other.s0.outgoing[0])));
  });
  it('a state rejected once cannot be retried', () => {
    const { c0, s0 } = startBoth({ scheme: 'ed25519', client: ed.client, server: ed.server, message });
    const state = json(c0.state);
    expect(() => receiveFrostSign(state, { ...json(s0.outgoing[0]), round: 7 })).toThrow();
    expectStateError(() => receiveFrostSign(state, json(s0.outgoing[0])));
  });
  it('a hand-made state with zeroed nonces is refused (fail closed)', () => {
    const { c0, s0 } = startBoth({ scheme: 'ed25519', client: ed.client, server: ed.server, message });
    const state = json(c0.state) as Extract<FrostSignState, { kind: 'frost-sign/await-commitments' }>;
    if (!state.secret) throw new Error('test setup');
    state.secret.hidingNonce = '00'.repeat(32);
    state.secret.bindingNonce = '00'.repeat(32);
    expect(() => receiveFrostSign(state, json(s0.outgoing[0]))).toThrow(/nonces already used/);
  });
  it('the finished state accepts nothing', () => {
    const { c0, s0 } = startBoth({ scheme: 'ed25519', client: ed.client, server: ed.server, message });
    const c1 = receiveFrostSign(json(c0.state), json(s0.outgoing[0]));
    const s1 = receiveFrostSign(json(s0.state), json(c0.outgoing[0]));
    const c2 = receiveFrostSign(json(c1.state), json(s1.outgoing[0]));
    expectStateError(() => receiveFrostSign(c2.state, json(s1.outgoing[0])));
  });
});
