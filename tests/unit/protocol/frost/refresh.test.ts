import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../protocol/bytes.js';
import { assertValidKeyShare, type FrostKeyShare } from '../../../../protocol/frost/key-share.js';
import {
  type FrostRefreshOutput,
  type RefreshRound2Payload,
  receiveFrostRefresh,
  startFrostRefresh,
} from '../../../../protocol/frost/refresh.js';
import { groupInfo } from '../../../../protocol/frost/suites.js';
import { combineShares } from '../../../../protocol/frost/tweak.js';
import { createSeededRng } from '../../../../protocol/rng.js';
import type { Envelope } from '../../../../protocol/session.js';
import { expectAbort, expectInvalidArgument, expectInvalidMessage, expectStateError } from './assert.js';
import { dealerShares, json, runDkg, runSign } from './helpers.js';

function startRefresh(client: FrostKeyShare, server: FrostKeyShare, ceremonyId = 'pin-reset-1') {
  const c0 = startFrostRefresh({
    role: 'client',
    keyShare: client,
    keyId: 'key-1',
    ceremonyId,
    rng: createSeededRng(`r/c/${ceremonyId}`),
  });
  const s0 = startFrostRefresh({
    role: 'server',
    keyShare: server,
    keyId: 'key-1',
    ceremonyId,
    rng: createSeededRng(`r/s/${ceremonyId}`),
  });
  return { c0, s0 };
}

function runRefresh(client: FrostKeyShare, server: FrostKeyShare, ceremonyId?: string) {
  const { c0, s0 } = startRefresh(client, server, ceremonyId);
  const c1 = receiveFrostRefresh(json(c0.state), json(s0.outgoing[0]));
  const s1 = receiveFrostRefresh(json(s0.state), json(c0.outgoing[0]));
  const c2 = receiveFrostRefresh(json(c1.state), json(s1.outgoing[0]));
  const s2 = receiveFrostRefresh(json(s1.state), json(c1.outgoing[0]));
  return {
    client: (c2.output as FrostRefreshOutput).keyShare,
    server: (s2.output as FrostRefreshOutput).keyShare,
    steps: { c0, s0, c1, s1, c2, s2 },
  };
}

const message = new TextEncoder().encode('after refresh');

describe.each(['ed25519', 'secp256k1'] as const)('FROST 2-of-2 share refresh (%s)', (group) => {
  const old =
    group === 'ed25519'
      ? dealerShares(group)
      : (() => {
          const d = runDkg(group);
          return { client: d.client.keyShare, server: d.server.keyShare };
        })();
  const fresh = runRefresh(old.client, old.server);
  const scheme = group === 'ed25519' ? 'ed25519' : 'bip340';
  const msg = group === 'ed25519' ? message : new Uint8Array(32).fill(3);

  it('keeps the group key, changes every share, verifying share and the linear commitment', () => {
    expect(fresh.client.commitments[0]).toBe(old.client.commitments[0]);
    expect(fresh.server.commitments[0]).toBe(old.server.commitments[0]);
    expect(fresh.client.commitments[1]).not.toBe(old.client.commitments[1]);
    expect(fresh.client.commitments).toEqual(fresh.server.commitments);
    expect(fresh.client.verifyingShares).toEqual(fresh.server.verifyingShares);
    for (const id of Object.keys(old.client.verifyingShares))
      expect(fresh.client.verifyingShares[id]).not.toBe(old.client.verifyingShares[id]);
    expect(fresh.client.signingShare).not.toBe(old.client.signingShare);
    expect(fresh.server.signingShare).not.toBe(old.server.signingShare);
    assertValidKeyShare(fresh.client);
    assertValidKeyShare(fresh.server);
  });

  it('s_1 += a and s_2 += 2a (zero-sharing polynomial a·x)', () => {
    const F = groupInfo(group).Fn;
    const d1 = F.sub(F.fromBytes(fromHex(fresh.client.signingShare)), F.fromBytes(fromHex(old.client.signingShare)));
    const d2 = F.sub(F.fromBytes(fromHex(fresh.server.signingShare)), F.fromBytes(fromHex(old.server.signingShare)));
    expect(d2).toBe(F.mul(2n, d1));
  });

  it('new shares sign under the unchanged key', () => {
    const out = runSign({ scheme, client: fresh.client, server: fresh.server, message: msg, derivationPath: '' });
    expect(out.client.groupPublicKey).toBe(old.client.commitments[0]);
  });

  it('an old share no longer combines with a new one', () => {
    const info = groupInfo(group);
    const mixed = combineShares([old.client, fresh.server]);
    expect(toHex(info.base.multiply(mixed).toBytes())).not.toBe(old.client.commitments[0]);
    const good = combineShares([fresh.client, fresh.server]);
    expect(toHex(info.base.multiply(good).toBytes())).toBe(old.client.commitments[0]);
  });

  it('an old signing share cannot be used with the new public package', () => {
    const frankenstein = { ...fresh.client, signingShare: old.client.signingShare };
    expectInvalidArgument(
      () => runSign({ scheme, client: frankenstein, server: fresh.server, message: msg, derivationPath: '' }),
      'keyShare.signingShare',
    );
  });

  it('an old client package cannot sign with a new server package', () => {
    expectInvalidMessage(
      () => runSign({ scheme, client: old.client, server: fresh.server, message: msg, derivationPath: '' }),
      'sessionId',
      'server',
    );
  });

  it('states and messages survive JSON; the finished state holds no secrets', () => {
    for (const step of Object.values(fresh.steps)) expect(json(step)).toEqual(step);
    expect(JSON.stringify(fresh.steps.c2.state)).not.toContain(fresh.client.signingShare);
  });
});

describe('FROST refresh rejections', () => {
  const { client, server } = dealerShares('ed25519', 'refresh-adv');
  const { c0, s0 } = startRefresh(client, server);
  const c1 = receiveFrostRefresh(json(c0.state), json(s0.outgoing[0]));
  const s1 = receiveFrostRefresh(json(s0.state), json(c0.outgoing[0]));
  const deliver2 = (offset: string) =>
    receiveFrostRefresh(json(c1.state), {
      ...json(s1.outgoing[0]),
      payload: { ...(json(s1.outgoing[0]) as Envelope<RefreshRound2Payload>).payload, offset },
    });

  it('round 1 with the wrong identifier', () => {
    expectInvalidMessage(
      () =>
        receiveFrostRefresh(json(c0.state), {
          ...json(s0.outgoing[0]),
          payload: { identifier: client.identifiers.client, commitment: '00'.repeat(32) },
        }),
      'identifier',
      'server',
    );
  });
  it('round 1 commitment of the wrong length', () => {
    expectInvalidMessage(
      () =>
        receiveFrostRefresh(json(c0.state), {
          ...json(s0.outgoing[0]),
          payload: { identifier: client.identifiers.server, commitment: '00' },
        }),
      'commitment',
      'server',
    );
  });
  it('round 1 replayed from another refresh', () => {
    const other = startRefresh(client, server, 'pin-reset-2');
    expectInvalidMessage(() => receiveFrostRefresh(json(c0.state), json(other.s0.outgoing[0])), 'sessionId', 'server');
  });
  it('round 2 offset that does not open the commitment (chosen after seeing ours)', () => {
    expectAbort(() => deliver2(toHex(groupInfo('ed25519').Fn.toBytes(5n))), 'refresh-commitment', 'server');
  });
  it('round 2 zero offset', () => {
    expectInvalidMessage(() => deliver2('00'.repeat(32)), 'offset', 'server');
  });
  it('round 2 before round 1 (reordered)', () => {
    expectInvalidMessage(() => receiveFrostRefresh(json(c0.state), json(s1.outgoing[0])), 'round', 'server');
  });
  it('state reuse', () => {
    const st = json(c0.state);
    receiveFrostRefresh(st, json(s0.outgoing[0]));
    expectStateError(() => receiveFrostRefresh(st, json(s0.outgoing[0])));
  });
  it('refuses a share of a 2-of-3 key (the zero-sharing here is for 2-of-2 only)', () => {
    const info = groupInfo('ed25519');
    const ids = [1, 2, 3].map((n) => info.frost.Identifier.fromNumber(n));
    const deal = info.frost.trustedDealer({ min: 2, max: 3 }, ids);
    const keyShare: FrostKeyShare = {
      group: 'ed25519',
      role: 'client',
      identifiers: { client: ids[0] as string, server: ids[1] as string },
      signers: { min: 2, max: 3 },
      signingShare: toHex(deal.secretShares[ids[0] as string]?.signingShare as Uint8Array),
      commitments: deal.public.commitments.map((c) => toHex(c)),
      verifyingShares: Object.fromEntries(Object.entries(deal.public.verifyingShares).map(([k, v]) => [k, toHex(v)])),
    };
    expectInvalidArgument(
      () => startFrostRefresh({ role: 'client', keyShare, keyId: 'k', ceremonyId: 'c', rng: createSeededRng('q') }),
      'keyShare.signers',
    );
  });
});
