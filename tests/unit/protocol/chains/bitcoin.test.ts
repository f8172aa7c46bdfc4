import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import * as btc from '@scure/btc-signer';
import { taprootTweakPrivKey } from '@scure/btc-signer/utils.js';
import * as bitcoin from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import {
  assembleBitcoinTransaction,
  bip137Digest,
  bip137Signature,
  bitcoinAddressFromPublicKey,
  bitcoinOutputScript,
  bitcoinSigningRequests,
  buildBitcoinTransfer,
  estimateBitcoinVsize,
  taprootOutputKey,
} from '../../../../protocol/chains/bitcoin/index.js';
import type { ChainSignature } from '../../../../protocol/chains/types.js';

const SECRET = hexToBytes('0000000000000000000000000000000000000000000000000000000000000001'.replace(/1$/, '7'));
const PUB = secp256k1.getPublicKey(SECRET, true);
const RECIPIENT = 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx';
const utxos = [
  { txid: '11'.repeat(32), vout: 0, value: '50000' },
  { txid: '22'.repeat(32), vout: 3, value: '120000' },
  { txid: '33'.repeat(32), vout: 1, value: '7000' },
];

function ecdsaSign(digest: Uint8Array): ChainSignature {
  const s = secp256k1.Signature.fromBytes(
    secp256k1.sign(digest, SECRET, { prehash: false, format: 'recovered' }),
    'recovered',
  );
  return {
    scheme: 'ecdsa-secp256k1',
    r: s.r.toString(16).padStart(64, '0'),
    s: s.s.toString(16).padStart(64, '0'),
    recovery: s.recovery as number,
  };
}

/** The BIP86-tweaked secret, as the FROST signer would effectively sign with. */
function tweakedSecret(): Uint8Array {
  return taprootTweakPrivKey(SECRET);
}

describe('Bitcoin addresses', () => {
  it('P2WPKH matches bitcoinjs-lib', () => {
    expect(bitcoinAddressFromPublicKey(PUB, 'p2wpkh', 'testnet')).toBe(
      bitcoin.payments.p2wpkh({ pubkey: PUB, network: bitcoin.networks.testnet }).address,
    );
    expect(bitcoinAddressFromPublicKey(PUB, 'p2wpkh', 'mainnet')).toMatch(/^bc1q/);
  });
  it('P2TR (BIP86) matches bitcoinjs-lib from the internal key', async () => {
    const ecc = await import('@bitcoinerlab/secp256k1');
    bitcoin.initEccLib(ecc);
    expect(bitcoinAddressFromPublicKey(PUB, 'p2tr', 'testnet')).toBe(
      bitcoin.payments.p2tr({ internalPubkey: PUB.slice(1), network: bitcoin.networks.testnet }).address,
    );
  });
  it('regtest uses the bcrt prefix', () => {
    expect(bitcoinAddressFromPublicKey(PUB, 'p2wpkh', 'regtest')).toMatch(/^bcrt1q/);
  });
  it('refuses a mainnet address on testnet', () => {
    expect(() => bitcoinOutputScript(bitcoinAddressFromPublicKey(PUB, 'p2wpkh', 'mainnet'), 'testnet')).toThrow(
      /valid testnet Bitcoin address/,
    );
  });
  it('refuses a malformed address', () => {
    expect(() => bitcoinOutputScript('tb1qnotanaddress', 'testnet')).toThrow(/valid testnet/);
  });
});

describe('Bitcoin P2WPKH transfers', () => {
  const params = {
    network: 'testnet' as const,
    addressType: 'p2wpkh' as const,
    publicKey: bytesToHex(PUB),
    derivationPath: 'm/0/0',
    utxos,
    to: RECIPIENT,
    amount: '100000',
    feeRate: 5,
  };

  it('selects the largest UTXO first and returns change to the sender', () => {
    const tx = buildBitcoinTransfer(params);
    expect(tx.inputs.map((i) => i.vout)).toEqual([3]);
    expect(tx.outputs).toHaveLength(2);
    expect(tx.outputs[1]).toMatchObject({ change: true, address: tx.from });
    expect(BigInt(tx.fee)).toBe(
      BigInt(
        Math.ceil(
          estimateBitcoinVsize(
            1,
            'p2wpkh',
            tx.outputs.map((o) => bitcoinOutputScript(o.address, 'testnet')),
          ) * 5,
        ),
      ),
    );
  });

  it('signs with BIP143 sighashes that bitcoinjs-lib computes identically', () => {
    const tx = buildBitcoinTransfer({ ...params, amount: '160000' });
    expect(tx.inputs).toHaveLength(2);
    const requests = bitcoinSigningRequests(tx);
    const psbt = new bitcoin.Transaction();
    psbt.version = 2;
    for (const i of tx.inputs) psbt.addInput(Buffer.from(hexToBytes(i.txid)).reverse(), i.vout, 0xfffffffd);
    for (const o of tx.outputs)
      psbt.addOutput(bitcoin.address.toOutputScript(o.address, bitcoin.networks.testnet), BigInt(o.value));
    const scriptCode = bitcoin.payments.p2pkh({ pubkey: PUB }).output as Uint8Array;
    requests.forEach((r, i) => {
      expect(r.scheme).toBe('ecdsa-secp256k1');
      if (r.scheme === 'ed25519') throw new Error('scheme');
      const expected = psbt.hashForWitnessV0(
        i,
        scriptCode,
        BigInt(tx.inputs[i]!.value),
        bitcoin.Transaction.SIGHASH_ALL,
      );
      expect(bytesToHex(r.digest)).toBe(bytesToHex(expected));
    });
    const signed = assembleBitcoinTransaction(
      tx,
      requests.map((r) => ecdsaSign((r as { digest: Uint8Array }).digest)),
    );
    const parsed = bitcoin.Transaction.fromHex(signed.raw);
    expect(parsed.getId()).toBe(signed.hash);
    expect(parsed.ins[0]!.witness).toHaveLength(2);
    // The fee really is vsize × feerate or a little above (estimates are upper bounds).
    expect(BigInt(tx.fee)).toBeGreaterThanOrEqual(BigInt(parsed.virtualSize() * 5));
  });

  it('refuses a signature by another key', () => {
    const tx = buildBitcoinTransfer(params);
    const other = secp256k1.Signature.fromBytes(
      secp256k1.sign(new Uint8Array(32).fill(9), secp256k1.utils.randomSecretKey(), {
        prehash: false,
        format: 'recovered',
      }),
      'recovered',
    );
    expect(() =>
      assembleBitcoinTransaction(tx, [
        {
          scheme: 'ecdsa-secp256k1',
          r: other.r.toString(16).padStart(64, '0'),
          s: other.s.toString(16).padStart(64, '0'),
          recovery: 0,
        },
      ]),
    ).toThrow(/does not verify/);
  });

  it('refuses the wrong number of signatures', () => {
    expect(() => assembleBitcoinTransaction(buildBitcoinTransfer(params), [])).toThrow(/one per input/);
  });

  it('refuses an amount above the balance', () => {
    expect(() => buildBitcoinTransfer({ ...params, amount: '177000' })).toThrow(/spendable balance/);
  });

  it('refuses a dust amount', () => {
    expect(() => buildBitcoinTransfer({ ...params, amount: '100' })).toThrow(/dust/);
  });

  it('refuses a fee rate below 1 sat/vB', () => {
    expect(() => buildBitcoinTransfer({ ...params, feeRate: 0.5 })).toThrow(/feeRate/);
  });

  it('refuses an unsigned transaction whose fee does not balance', () => {
    const tx = buildBitcoinTransfer(params);
    expect(() => bitcoinSigningRequests({ ...tx, fee: '1' })).toThrow(/inputs − outputs/);
  });

  it('refuses change to another address', () => {
    const tx = buildBitcoinTransfer(params);
    const outputs = tx.outputs.map((o) => (o.change ? { ...o, address: RECIPIENT } : o));
    expect(() => bitcoinSigningRequests({ ...tx, outputs })).toThrow(/change back to the sender/);
  });

  it('drops dust change into the fee', () => {
    const tx = buildBitcoinTransfer({ ...params, utxos: [utxos[2]!], amount: '6600', feeRate: 1 });
    expect(tx.outputs).toHaveLength(1);
    expect(tx.fee).toBe('400');
  });
});

describe('Bitcoin P2TR transfers', () => {
  const params = {
    network: 'testnet' as const,
    addressType: 'p2tr' as const,
    publicKey: bytesToHex(PUB),
    derivationPath: 'm/0/1',
    utxos,
    to: RECIPIENT,
    amount: '160000',
    feeRate: 3,
  };

  it('computes BIP341 sighashes like @scure/btc-signer signing and assembles a valid witness', () => {
    const tx = buildBitcoinTransfer(params);
    const requests = bitcoinSigningRequests(tx);
    expect(requests.every((r) => r.scheme === 'bip340' && r.taproot === 'bip86')).toBe(true);
    // Reference: @scure/btc-signer signing the same transaction with the tweaked key.
    const ref = new btc.Transaction({ version: 2 });
    const pay = btc.p2tr(PUB.slice(1), undefined, btc.TEST_NETWORK);
    for (const i of tx.inputs)
      ref.addInput({
        txid: i.txid,
        index: i.vout,
        sequence: 0xfffffffd,
        witnessUtxo: { script: pay.script, amount: BigInt(i.value) },
        tapInternalKey: PUB.slice(1),
      });
    for (const o of tx.outputs) ref.addOutputAddress(o.address, BigInt(o.value), btc.TEST_NETWORK);
    const sigs: ChainSignature[] = requests.map((r) => {
      const digest = (r as { digest: Uint8Array }).digest;
      const sig = schnorr.sign(digest, tweakedSecret(), new Uint8Array(32));
      expect(schnorr.verify(sig, digest, taprootOutputKey(PUB))).toBe(true);
      return { scheme: 'bip340', signature: bytesToHex(sig) };
    });
    ref.sign(SECRET, undefined, new Uint8Array(32));
    ref.finalize();
    const signed = assembleBitcoinTransaction(tx, sigs);
    expect(signed.raw).toBe(bytesToHex(ref.extract()));
    expect(signed.hash).toBe(ref.id);
  });

  it('refuses a Schnorr signature under the untweaked key', () => {
    const tx = buildBitcoinTransfer(params);
    const sigs: ChainSignature[] = bitcoinSigningRequests(tx).map((r) => ({
      scheme: 'bip340',
      signature: bytesToHex(schnorr.sign((r as { digest: Uint8Array }).digest, SECRET, new Uint8Array(32))),
    }));
    expect(() => assembleBitcoinTransaction(tx, sigs)).toThrow(/tweaked output key/);
  });
});

describe('BIP-137 messages', () => {
  it('digest is SHA-256d over the magic and the message, as bitcoinjs-message defines it (fixed vector)', () => {
    // varstr("Bitcoin Signed Message:\n") ‖ varstr("hello"), hashed twice.
    expect(bytesToHex(bip137Digest(new TextEncoder().encode('hello')))).toBe(
      bytesToHex(
        bitcoin.crypto.hash256(
          Buffer.concat([Buffer.from('\x18Bitcoin Signed Message:\n'), Buffer.from([5]), Buffer.from('hello')]),
        ),
      ),
    );
  });
  it('signature header is 39 + recovery id for P2WPKH and recovers the key', () => {
    const digest = bip137Digest(new TextEncoder().encode('hello'));
    const sig = ecdsaSign(digest);
    const bytes = Buffer.from(bip137Signature(sig), 'base64');
    expect(bytes[0]).toBe(39 + (sig as { recovery: number }).recovery);
    const recovered = secp256k1.Signature.fromBytes(
      Uint8Array.from([bytes[0]! - 39, ...bytes.subarray(1)]),
      'recovered',
    ).recoverPublicKey(digest);
    expect(bytesToHex(recovered.toBytes(true))).toBe(bytesToHex(PUB));
  });
});

describe('Bitcoin P2TR with an x-only internal key', () => {
  it('accepts the 32-byte x-only key the wallets table stores for Taproot', () => {
    const tx = buildBitcoinTransfer({
      network: 'testnet',
      addressType: 'p2tr',
      publicKey: bytesToHex(PUB.slice(1)),
      derivationPath: 'm/0/0',
      utxos,
      to: RECIPIENT,
      amount: '1000',
      feeRate: 1,
    });
    expect(tx.from).toBe(bitcoinAddressFromPublicKey(PUB, 'p2tr', 'testnet'));
  });
  it('refuses a 32-byte key for P2WPKH', () => {
    expect(() =>
      buildBitcoinTransfer({
        network: 'testnet',
        addressType: 'p2wpkh',
        publicKey: bytesToHex(PUB.slice(1)),
        derivationPath: 'm/0/0',
        utxos,
        to: RECIPIENT,
        amount: '1000',
        feeRate: 1,
      }),
    ).toThrow(/33 bytes/);
  });
});
