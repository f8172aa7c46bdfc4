import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bech32m } from '@scure/base';
import { HDKey } from '@scure/bip32';
import { NETWORK, p2tr } from '@scure/btc-signer';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../protocol/bytes.js';
import { taprootSigningPayload } from '../../../../protocol/frost/payloads.js';
import {
  deriveBip32PublicTweak,
  deriveTaprootKeyShare,
  exportTaprootInternalKey,
} from '../../../../protocol/frost/tweak.js';
import { createSeededRng } from '../../../../protocol/rng.js';
import { expectInvalidArgument } from './assert.js';
import { dealerShares, runDkg, runSign } from './helpers.js';

/** The P2TR address straight from an x-only output key (BIP350 bech32m, witness v1). */
function addressFromOutputKey(outputXOnly: string): string {
  return bech32m.encode('bc', [1, ...bech32m.toWords(fromHex(outputXOnly))]);
}

describe('Taproot (BIP86 key path) on a secp256k1 FROST DKG root', () => {
  const dkg = runDkg('secp256k1', 'taproot-root');
  const root = { client: dkg.client.keyShare, server: dkg.server.keyShare, chainCode: dkg.client.chainCode };
  const xpub = new HDKey({ publicKey: fromHex(dkg.client.groupPublicKey), chainCode: fromHex(root.chainCode) });

  // Walk receive addresses 0/i until both parities of the internal key have been seen.
  const derived = Array.from({ length: 12 }, (_, i) => ({
    index: i,
    client: deriveTaprootKeyShare(root.client, root.chainCode, [0, i]),
    server: deriveTaprootKeyShare(root.server, root.chainCode, [0, i]),
  }));
  const even = derived.find((d) => d.client.internalPublicKey.startsWith('02'));
  const odd = derived.find((d) => d.client.internalPublicKey.startsWith('03'));

  it('the root is untweaked: the DKG group key is the internal key of the root', () => {
    expect(dkg.client.groupPublicKey).toMatch(/^0[23][0-9a-f]{64}$/);
    expect(dkg.client.groupPublicKey).toBe(dkg.server.groupPublicKey);
  });

  it('the child internal key equals @scure/bip32 public derivation on (root key, chain code)', () => {
    for (const d of derived.slice(0, 4)) {
      expect(d.client.internalPublicKey).toBe(toHex(xpub.derive(`m/0/${d.index}`).publicKey as Uint8Array));
      expect(d.server.internalPublicKey).toBe(d.client.internalPublicKey);
    }
  });

  it('both parities of the internal key occur in the sample', () => {
    expect(even).toBeDefined();
    expect(odd).toBeDefined();
  });

  it.each([
    ['even', () => even],
    ['odd', () => odd],
  ])('%s-y internal key: output key and address equal @scure/btc-signer p2tr(internal)', (_p, pick) => {
    const d = pick();
    if (!d) throw new Error('no such parity in the sample');
    const payment = p2tr(fromHex(d.client.internalXOnly), undefined, NETWORK);
    expect(toHex(payment.tweakedPubkey)).toBe(d.client.outputXOnly);
    expect(payment.address).toBe(addressFromOutputKey(d.client.outputXOnly));
    expect(d.server.outputXOnly).toBe(d.client.outputXOnly);
  });

  it.each([
    ['even', () => even],
    ['odd', () => odd],
  ])('%s-y internal key: the 2-of-2 signature verifies with BIP340 under the P2TR output key', (_p, pick) => {
    const d = pick();
    if (!d) throw new Error('no such parity in the sample');
    const sighash = taprootSigningPayload(createSeededRng(`sighash/${d.index}`)(32));
    const out = runSign({
      scheme: 'bip340',
      client: d.client.keyShare,
      server: d.server.keyShare,
      message: sighash,
      derivationPath: `0/${d.index}`,
    });
    const outputKey = p2tr(fromHex(d.client.internalXOnly)).tweakedPubkey;
    expect(schnorr.verify(fromHex(out.client.signature), sighash, outputKey)).toBe(true);
    // The same signature must not verify under the internal key (the tweak really was applied).
    expect(schnorr.verify(fromHex(out.client.signature), sighash, fromHex(d.client.internalXOnly))).toBe(false);
  });

  it.each([
    ['even', '02'],
    ['odd', '03'],
  ])('%s-y output key Q: signing still verifies (schnorr_FROST normalises Q to even y)', (_p, prefix) => {
    const d = derived.find((x) => (x.client.keyShare.commitments[0] as string).startsWith(prefix));
    if (!d) throw new Error('no such output-key parity in the sample');
    const sighash = createSeededRng(`q/${prefix}`)(32);
    const out = runSign({
      scheme: 'bip340',
      client: d.client.keyShare,
      server: d.server.keyShare,
      message: sighash,
      derivationPath: '',
    });
    expect(schnorr.verify(fromHex(out.client.signature), sighash, fromHex(d.client.outputXOnly))).toBe(true);
  });

  it('export gives the internal private key, which UniSat-style p2tr(internal) maps to the same address', () => {
    const d = odd ?? derived[0];
    if (!d) throw new Error('setup');
    const exported = exportTaprootInternalKey(root.client, root.server, root.chainCode, [0, d.index]);
    expect(toHex(secp256k1.getPublicKey(exported.secretKey, true))).toBe(d.client.internalPublicKey);
    const payment = p2tr(schnorr.getPublicKey(exported.secretKey));
    expect(payment.address).toBe(addressFromOutputKey(d.client.outputXOnly));
  });

  it('hardened indices are refused (they need the full key)', () => {
    expectInvalidArgument(() => deriveTaprootKeyShare(root.client, root.chainCode, [0x80000000]), 'path');
  });

  it('an ed25519 share is refused', () => {
    const ed = dealerShares('ed25519');
    expectInvalidArgument(() => deriveTaprootKeyShare(ed.client, '00'.repeat(32), [0]), 'rootShare.group');
  });

  it('BIP32 CKDpub tweak equals the child minus the root', () => {
    const t = deriveBip32PublicTweak(fromHex(dkg.client.groupPublicKey), fromHex(root.chainCode), [0, 7]);
    const expected = secp256k1.Point.fromBytes(fromHex(dkg.client.groupPublicKey)).add(
      secp256k1.Point.BASE.multiply(t.tweak),
    );
    expect(toHex(expected.toBytes(true))).toBe(t.publicKey);
    expect(t.chainCode).toBe(toHex(xpub.derive('m/0/7').chainCode as Uint8Array));
  });
});
