/**
 * RFC 9591 Appendix E vectors (2-of-3, participants 1 and 3 sign) run through our signing state
 * machines: participant 1 plays the client and participant 3 the server. Round-one randomness is
 * replayed so nonces, commitments, signature shares and the final signature must match byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../protocol/bytes.js';
import { type FrostKeyShare, frostIdentifier } from '../../../../protocol/frost/key-share.js';
import { receiveFrostSign, startFrostSign } from '../../../../protocol/frost/sign.js';
import { type FrostGroup, type FrostScheme, groupInfo } from '../../../../protocol/frost/suites.js';
import vectors from '../../../fixtures/frost/rfc9591-vectors.json' with { type: 'json' };
import { json, replayRng } from './helpers.js';

type Vector = (typeof vectors)['ed25519'];

function vectorShares(group: FrostGroup, v: Vector): { client: FrostKeyShare; server: FrostKeyShare } {
  const info = groupInfo(group);
  const coefficient = info.Fn.fromBytes(fromHex(v.sharePolynomialCoefficients[0] as string));
  const commitments = [v.groupPublicKey, toHex(info.base.multiply(coefficient).toBytes())];
  const verifyingShares: Record<string, string> = {};
  for (const [n, share] of Object.entries(v.participantShares)) {
    verifyingShares[frostIdentifier(group, Number(n))] = toHex(
      info.base.multiply(info.Fn.fromBytes(fromHex(share))).toBytes(),
    );
  }
  const identifiers = { client: frostIdentifier(group, 1), server: frostIdentifier(group, 3) };
  const base = {
    group,
    identifiers,
    signers: { min: v.minParticipants, max: v.maxParticipants },
    commitments,
    verifyingShares,
  };
  return {
    client: { ...base, role: 'client', signingShare: v.participantShares['1'] },
    server: { ...base, role: 'server', signingShare: v.participantShares['3'] },
  };
}

const cases: [string, FrostGroup, FrostScheme, Vector][] = [
  ['FROST(Ed25519, SHA-512) E.1', 'ed25519', 'ed25519', vectors.ed25519],
  ['FROST(secp256k1, SHA-256) E.5', 'secp256k1', 'secp256k1', vectors.secp256k1],
];

describe('RFC 9591 Appendix E through the signing state machines', () => {
  it.each(cases)('%s: commitments, shares and signature match the vector', (_name, group, scheme, v) => {
    const { client, server } = vectorShares(group, v);
    const r1 = v.roundOne['1'];
    const r3 = v.roundOne['3'];
    const common = {
      scheme,
      message: fromHex(v.message),
      keyId: 'rfc9591',
      ceremonyId: 'appendix-e',
      derivationPath: '',
    };
    const c0 = startFrostSign({
      ...common,
      role: 'client',
      keyShare: client,
      rng: replayRng([r1.hidingNonceRandomness, r1.bindingNonceRandomness]),
    });
    const s0 = startFrostSign({
      ...common,
      role: 'server',
      keyShare: server,
      rng: replayRng([r3.hidingNonceRandomness, r3.bindingNonceRandomness]),
    });
    // RFC 9591 §5.1: nonces from H3(random ‖ secret); the state holds exactly the vector's nonces.
    const c0state = c0.state as { secret: { hidingNonce: string; bindingNonce: string } };
    expect(c0state.secret.hidingNonce).toBe(r1.hidingNonce);
    expect(c0state.secret.bindingNonce).toBe(r1.bindingNonce);
    expect(c0.outgoing[0]?.payload).toMatchObject({
      hiding: r1.hidingNonceCommitment,
      binding: r1.bindingNonceCommitment,
    });
    expect(s0.outgoing[0]?.payload).toMatchObject({
      hiding: r3.hidingNonceCommitment,
      binding: r3.bindingNonceCommitment,
    });

    const c1 = receiveFrostSign(json(c0.state), json(s0.outgoing[0]));
    const s1 = receiveFrostSign(json(s0.state), json(c0.outgoing[0]));
    expect(c1.outgoing[0]?.payload).toMatchObject({ signatureShare: v.signatureShares['1'] });
    expect(s1.outgoing[0]?.payload).toMatchObject({ signatureShare: v.signatureShares['3'] });

    const c2 = receiveFrostSign(json(c1.state), json(s1.outgoing[0]));
    const s2 = receiveFrostSign(json(s1.state), json(c1.outgoing[0]));
    expect(c2.output?.signature).toBe(v.signature);
    expect(s2.output?.signature).toBe(v.signature);
    expect(c2.output?.groupPublicKey).toBe(v.groupPublicKey);
  });

  it('the vector group secret matches the group public key (fixture sanity)', () => {
    for (const [group, v] of [
      ['ed25519', vectors.ed25519],
      ['secp256k1', vectors.secp256k1],
    ] as const) {
      const info = groupInfo(group);
      const pk = info.base.multiply(info.Fn.fromBytes(fromHex(v.groupSecretKey))).toBytes();
      expect(toHex(pk)).toBe(v.groupPublicKey);
    }
  });
});
