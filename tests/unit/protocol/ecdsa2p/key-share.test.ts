import { beforeAll, describe, expect, it } from 'vitest';
import {
  assertNotBurned,
  BURNING_ABORT_REASONS,
  burnShare,
  type Ecdsa2pKeyShare,
  isBurningAbort,
  parseKeyShare,
} from '../../../../protocol/ecdsa2p/key-share.js';
import { InvalidArgumentError, ProtocolAbortError, ProtocolStateError } from '../../../../protocol/errors.js';
import { runDkg, SETUP_TIMEOUT_MS } from './helpers.js';

let client: Ecdsa2pKeyShare;
let server: Ecdsa2pKeyShare;

beforeAll(() => {
  ({ client, server } = runDkg('key-share-suite'));
}, SETUP_TIMEOUT_MS);

const flip = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);

describe('parseKeyShare', () => {
  it('accepts both DKG outputs after a JSON round trip', () => {
    expect(parseKeyShare(JSON.parse(JSON.stringify(client)))).toEqual(client);
    expect(parseKeyShare(JSON.parse(JSON.stringify(server)))).toEqual(server);
  });

  const rejected: [string, (s: Ecdsa2pKeyShare) => unknown, RegExp][] = [
    ['a non-object', () => 'share', /an Ecdsa2pKeyShare object/],
    ['an unknown field', (s) => ({ ...s, extra: 1 }), /share\.extra/],
    ['another version', (s) => ({ ...s, version: 2 }), /share\.version/],
    ['an unknown role', (s) => ({ ...s, role: 'relay' }), /share\.role/],
    ['a key id with spaces', (s) => ({ ...s, keyId: 'a b' }), /share\.keyId/],
    ['a negative epoch', (s) => ({ ...s, epoch: -1 }), /share\.epoch/],
    ['a truncated public key', (s) => ({ ...s, publicKey: s.publicKey.slice(2) }), /share\.publicKey/],
    [
      'a secret share that does not match the public share',
      (s) => ({ ...s, secretShare: flip(s.secretShare) }),
      /a share matching publicShare/,
    ],
    ['a zero secret share', (s) => ({ ...s, secretShare: '00'.repeat(32) }), /share\.secretShare/],
    [
      'a public key that is not X_i + X_j',
      (s) => ({ ...s, publicKey: s.publicShare }),
      /publicShare \+ peerPublicShare/,
    ],
    ['a missing chain code', ({ chainCode: _c, ...s }) => s, /share\.chainCode/],
    ['a non-boolean burned flag', (s) => ({ ...s, burned: 'no' }), /share\.burned/],
    ['missing OT setups', (s) => ({ ...s, ot: null }), /share\.ot/],
    [
      'OT setups with a truncated seed list',
      (s) => ({ ...s, ot: { ...s.ot, sender: { ...s.ot.sender, seeds: [] } } }),
      /seeds/,
    ],
    ['OT setups of the other party', (s) => ({ ...s, ot: server.ot }), /share\.ot/],
  ];
  for (const [name, make, message] of rejected) {
    it(`rejects ${name}`, () => {
      expect(() => parseKeyShare(make(client))).toThrow(InvalidArgumentError);
      expect(() => parseKeyShare(make(client))).toThrow(message);
    });
  }
});

describe('burned shares', () => {
  it('burnShare returns a burned copy and leaves the original alone', () => {
    const burned = burnShare(client);
    expect(burned.burned).toBe(true);
    expect(client.burned).toBe(false);
    expect(parseKeyShare(burned)).toEqual(burned);
  });

  it('assertNotBurned refuses a burned share and tells the caller to re-pair', () => {
    expect(() => assertNotBurned(burnShare(server))).toThrow(ProtocolStateError);
    expect(() => assertNotBurned(burnShare(server))).toThrow(
      /re-pair \(repair.ts, a fresh OT pairing\) before signing again/,
    );
    expect(() => assertNotBurned(server)).not.toThrow();
  });

  for (const reason of BURNING_ABORT_REASONS) {
    it(`treats a "${reason}" abort as burning`, () => {
      expect(isBurningAbort(new ProtocolAbortError({ culprit: 'server', reason, detail: 'x' }))).toBe(true);
    });
  }

  for (const reason of ['commitment-mismatch', 'public-key-mismatch', 'signature-invalid']) {
    it(`does not burn on a "${reason}" abort`, () => {
      expect(isBurningAbort(new ProtocolAbortError({ culprit: 'server', reason, detail: 'x' }))).toBe(false);
    });
  }

  it('does not burn on other error types', () => {
    expect(isBurningAbort(new Error('ot-consistency'))).toBe(false);
  });
});
