import { describe, expect, it } from 'vitest';
import { BundleError, ed25519Account, emptyBundle, parseBundle } from '../../../../extension/background/bundle.js';

const clientShare = { role: 'client', keyId: 'k' };

describe('the Node 1 bundle', () => {
  it('starts empty and survives a JSON round trip', () => {
    const bundle = emptyBundle();
    expect(parseBundle(JSON.parse(JSON.stringify(bundle)))).toEqual({ v: 1, ecdsa: {}, ed25519: null });
  });

  it('accepts client shares per ECDSA family, an ed25519 family and a Taproot root', () => {
    const bundle = {
      v: 1,
      ecdsa: { evm: clientShare, bitcoin: clientShare },
      ed25519: {
        exportKeyPart: 'ab'.repeat(32),
        accounts: [{ chain: 'solana', index: 0, path: "m/44'/501'/0'/0'", publicKey: '', address: 'x', keyShare: {} }],
        sealedMnemonic: { v: 1 },
      },
      taproot: { keyShare: {}, chainCode: 'cd'.repeat(32) },
    };
    expect(parseBundle(bundle)).toBe(bundle);
    expect(ed25519Account(parseBundle(bundle), "m/44'/501'/0'/0'")?.address).toBe('x');
    expect(ed25519Account(parseBundle(bundle), "m/44'/397'/0'")).toBeUndefined();
  });

  it('refuses something that is not an object', () => {
    expect(() => parseBundle('bundle')).toThrow(BundleError);
  });

  it('refuses another version', () => {
    expect(() => parseBundle({ v: 2, ecdsa: {}, ed25519: null })).toThrow(/version 1, got 2/);
  });

  it('refuses an unknown ECDSA family', () => {
    expect(() => parseBundle({ v: 1, ecdsa: { tron: clientShare }, ed25519: null })).toThrow(/unknown family "tron"/);
  });

  it('refuses a server share in the client bundle', () => {
    expect(() => parseBundle({ v: 1, ecdsa: { evm: { role: 'server' } }, ed25519: null })).toThrow(
      /ecdsa.evm: not a client share/,
    );
  });

  it('refuses an ed25519 family without a 32-byte export key part', () => {
    expect(() =>
      parseBundle({ v: 1, ecdsa: {}, ed25519: { exportKeyPart: 'ab', accounts: [], sealedMnemonic: {} } }),
    ).toThrow(/exportKeyPart/);
  });

  it('refuses an ed25519 family without its sealed mnemonic', () => {
    expect(() =>
      parseBundle({ v: 1, ecdsa: {}, ed25519: { exportKeyPart: 'ab'.repeat(32), accounts: [], sealedMnemonic: null } }),
    ).toThrow(/sealedMnemonic/);
  });

  it('refuses a Taproot root without its chain code', () => {
    expect(() => parseBundle({ v: 1, ecdsa: {}, ed25519: null, taproot: { keyShare: {} } })).toThrow(/taproot/);
  });

  it('refuses unknown fields', () => {
    expect(() => parseBundle({ v: 1, ecdsa: {}, ed25519: null, mnemonic: 'words' })).toThrow(
      /unknown field "mnemonic"/,
    );
  });
});
