import { describe, expect, it } from 'vitest';
import { toHex } from '../../../../protocol/bytes.js';
import {
  assertValidKeyShare,
  type FrostKeyShare,
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
