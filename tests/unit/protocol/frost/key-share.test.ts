import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../protocol/bytes.js';
import {
  assertValidKeyShare,
  type FrostKeyShare,
  fromNobleKey,
  frostIdentifier,
  identifierScalar,
  publicPackage,
  publicPackageDigest,
} from '../../../../protocol/frost/key-share.js';
import { frostSessionId } from '../../../../protocol/frost/session-id.js';
import { groupInfo } from '../../../../protocol/frost/suites.js';
import { expectInvalidArgument } from './assert.js';
import { dealerShares } from './helpers.js';

const { client } = dealerShares('ed25519', 'key-share-tests');
const info = groupInfo('ed25519');
const mutate = (patch: Partial<FrostKeyShare>): FrostKeyShare => ({ ...structuredClone(client), ...patch });

describe('assertValidKeyShare rejects a damaged stored share', () => {
  it('accepts the genuine share', () => {
    expect(() => assertValidKeyShare(client)).not.toThrow();
  });
  it('unknown group', () => {
    expectInvalidArgument(() => assertValidKeyShare(mutate({ group: 'p256' as 'ed25519' })), 'keyShare.group');
  });
  it('unknown role', () => {
    expectInvalidArgument(() => assertValidKeyShare(mutate({ role: 'relay' as 'client' })), 'keyShare.role');
  });
  it('threshold other than two signers', () => {
    expectInvalidArgument(() => assertValidKeyShare(mutate({ signers: { min: 3, max: 3 } })), 'keyShare.signers');
  });
  it('the same identifier for both parties', () => {
    expectInvalidArgument(
      () =>
        assertValidKeyShare(
          mutate({ identifiers: { client: client.identifiers.client, server: client.identifiers.client } }),
        ),
      'keyShare.identifiers',
    );
  });
  it('a missing commitment', () => {
    expectInvalidArgument(
      () => assertValidKeyShare(mutate({ commitments: client.commitments.slice(0, 1) })),
      'keyShare.commitments',
    );
  });
  it('an identity commitment', () => {
    expectInvalidArgument(
      () => assertValidKeyShare(mutate({ commitments: [toHex(info.zero.toBytes()), client.commitments[1] as string] })),
      'keyShare.commitments[0]',
    );
  });
  it('a missing verifying share', () => {
    expectInvalidArgument(
      () =>
        assertValidKeyShare(
          mutate({
            verifyingShares: {
              [client.identifiers.client]: client.verifyingShares[client.identifiers.client] as string,
            },
          }),
        ),
      'keyShare.verifyingShares',
    );
  });
  it('a zero signing share', () => {
    expectInvalidArgument(
      () => assertValidKeyShare(mutate({ signingShare: '00'.repeat(32) })),
      'keyShare.signingShare',
    );
  });
  it("another party's signing share, checked with the blinded base multiplication (blindSeed)", () => {
    const blindSeed = new Uint8Array(64).fill(7);
    expect(() => assertValidKeyShare(client, 'keyShare', { blindSeed })).not.toThrow();
    const signingShare = dealerShares('ed25519', 'key-share-tests').server.signingShare;
    expectInvalidArgument(
      () => assertValidKeyShare(mutate({ signingShare }), 'keyShare', { blindSeed }),
      'keyShare.signingShare',
    );
  });
});

type EdPoint = InstanceType<typeof ed25519.Point>;
/** A point of order 8 and the point of order 2 of edwards25519 (RFC 8032 low-order points). */
const ORDER8 = ed25519.Point.fromBytes(fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'));
const ORDER2 = ed25519.Point.fromBytes(fromHex('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'));

/** A 2-of-2 ed25519 share for identifiers 1 and `serverNumber` (dealer split). */
function shareWithIds(serverNumber: number): FrostKeyShare {
  const ids = { client: frostIdentifier('ed25519', 1), server: frostIdentifier('ed25519', serverNumber) };
  const deal = info.frost.trustedDealer({ min: 2, max: 2 }, [ids.client, ids.server]);
  return fromNobleKey('ed25519', 'client', ids, {
    public: deal.public,
    secret: deal.secretShares[ids.client] as { signingShare: Uint8Array },
  });
}

/**
 * Moves torsion T into the polynomial while keeping every algebraic check true: C_1' = C_1 + T,
 * C_0' = C_0 − id_own·T, Y_i' = C_0' + id_i·C_1' (so our own Y stays s·G).
 */
function withTorsion(share: FrostKeyShare, T: EdPoint): FrostKeyShare {
  const P = (hex: string) => ed25519.Point.fromBytes(fromHex(hex));
  const idOwn = identifierScalar('ed25519', share.identifiers[share.role]);
  const c1 = P(share.commitments[1] as string).add(T);
  const c0 = P(share.commitments[0] as string).subtract(T.multiplyUnsafe(idOwn));
  const verifyingShares = Object.fromEntries(
    Object.keys(share.verifyingShares).map((id) => [
      id,
      toHex(c0.add(c1.multiplyUnsafe(identifierScalar('ed25519', id))).toBytes()),
    ]),
  );
  return { ...structuredClone(share), commitments: [toHex(c0.toBytes()), toHex(c1.toBytes())], verifyingShares };
}

describe('assertValidKeyShare: prime-order subgroup of every package point (ed25519, cofactor 8)', () => {
  it('fixture sanity: the torsion points have orders 8 and 2', () => {
    expect(ORDER8.multiplyUnsafe(4n).is0()).toBe(false);
    expect(ORDER8.multiplyUnsafe(8n).is0()).toBe(true);
    expect(ORDER2.is0()).toBe(false);
    expect(ORDER2.multiplyUnsafe(2n).is0()).toBe(true);
  });
  it('torsion hidden in the commitments (identifiers 1, 2) is rejected at commitments[0]', () => {
    expectInvalidArgument(() => assertValidKeyShare(withTorsion(client, ORDER8)), 'keyShare.commitments[0]');
  });
  it('an order-2 component invisible in the verifying shares (identifiers 1, 3) is still rejected', () => {
    // (3 − 1)·T2 = 0, so both verifying shares are torsion-free: only the per-point test catches it.
    const share = withTorsion(shareWithIds(3), ORDER2);
    const peerY = ed25519.Point.fromBytes(fromHex(share.verifyingShares[share.identifiers.server] as string));
    expect(peerY.isTorsionFree()).toBe(true);
    expectInvalidArgument(() => assertValidKeyShare(share), 'keyShare.commitments[0]');
  });
  it('a genuine share with identifiers of even difference (1, 3) is accepted', () => {
    expect(() => assertValidKeyShare(shareWithIds(3))).not.toThrow();
  });
});

describe('session ids bind every input', () => {
  const base = {
    protocol: 'frost/sign' as const,
    keyId: 'k',
    ceremonyId: 'c',
    identifiers: client.identifiers,
    scheme: 'ed25519',
    publicPackageDigest: publicPackageDigest(publicPackage(client)),
    messageDigest: new Uint8Array(32),
    derivationPath: "m/44'/501'/0'/0'",
  };
  const sid = frostSessionId(base);
  it.each([
    ['protocol', { protocol: 'frost/refresh' as const }],
    ['key id', { keyId: 'k2' }],
    ['ceremony id', { ceremonyId: 'c2' }],
    ['identifiers', { identifiers: { client: client.identifiers.server, server: client.identifiers.client } }],
    ['scheme', { scheme: 'bip340' }],
    ['public package', { publicPackageDigest: new Uint8Array(32) }],
    ['message digest', { messageDigest: new Uint8Array(32).fill(1) }],
    ['derivation path', { derivationPath: "m/44'/501'/1'/0'" }],
  ])('changing the %s changes the session id', (_name, patch) => {
    expect(frostSessionId({ ...base, ...patch })).not.toBe(sid);
  });
  it('is deterministic', () => {
    expect(frostSessionId({ ...base })).toBe(sid);
  });
});
