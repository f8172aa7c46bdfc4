import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { p2wpkh, TEST_NETWORK } from '@scure/btc-signer';
import { describe, expect, it } from 'vitest';
import { describeFields } from '../../../../../extension/gateway/describe.js';
import { buildBitcoinTransfer } from '../../../../../protocol/chains/bitcoin/transaction.js';
import { challenge, find, labels, warnings } from './helpers.js';

const KEY = secp256k1.getPublicKey(
  Uint8Array.from({ length: 32 }, (_, i) => i + 1),
  true,
);
const WALLET = p2wpkh(KEY, TEST_NETWORK).address as string;
const RECIPIENT = p2wpkh(
  secp256k1.getPublicKey(
    Uint8Array.from({ length: 32 }, () => 9),
    true,
  ),
  TEST_NETWORK,
).address as string;
const utxos = [
  { txid: '11'.repeat(32), vout: 0, value: '50000' },
  { txid: '22'.repeat(32), vout: 3, value: '120000' },
];
const tx = buildBitcoinTransfer({
  network: 'testnet',
  addressType: 'p2wpkh',
  publicKey: bytesToHex(KEY),
  derivationPath: 'm/0/0',
  utxos,
  to: RECIPIENT,
  amount: '100000',
  feeRate: 5,
});
const payload = {
  blockchain: 'BTC-TESTNET',
  fromAddress: WALLET,
  walletId: 'w1',
  destinationAddress: RECIPIENT,
  amounts: ['0.001'],
  feeLevel: 'low',
};

describe('Bitcoin transfer', () => {
  it('as requested: amount in BTC, recipient, network, wallet, fee level', () => {
    const fields = describeFields(challenge('transfer', payload));
    expect(find(fields, 'Amount').value).toBe('0.001 BTC');
    expect(find(fields, 'To').value).toBe(RECIPIENT);
    expect(find(fields, 'Network').value).toBe('Bitcoin Testnet');
    expect(find(fields, 'Network fee').value).toBe('low');
  });

  it('built by the relay: each output with its address and BTC amount, change marked, fee and fee rate', () => {
    expect(tx.from).toBe(WALLET);
    const fields = describeFields(challenge('transfer', payload), { unsignedTransaction: tx });
    expect(labels(fields).slice(0, 4)).toEqual(['Checked', 'Total sent', 'Payment 1', 'Change (back to your wallet)']);
    expect(find(fields, 'Total sent').value).toBe('0.001 BTC');
    expect(find(fields, 'Payment 1').children?.map((c) => c.value)).toEqual([RECIPIENT, '0.001 BTC']);
    const change = find(fields, 'Change (back to your wallet)');
    expect(change.children?.[0]).toMatchObject({ value: WALLET, hint: 'Your wallet' });
    expect(change.children?.[1]?.value).toBe(`${Number(tx.outputs[1]?.value) / 1e8} BTC`);
    const fee = find(fields, 'Network fee');
    expect(fee.value).toBe(`${Number(tx.fee) / 1e8} BTC`);
    expect(fee.hint).toMatch(new RegExp(`^${tx.fee} sat; fee rate 5 sat/vB, ≈ 5(\\.\\d+)? sat/vB over ~\\d+ vB$`));
    expect(warnings(fields)).toEqual([]);
  });

  it('an output flagged as change that does not go to the wallet is a payment, with a warning', () => {
    const attacker = RECIPIENT;
    const forged = {
      ...tx,
      outputs: tx.outputs.map((o) => (o.change ? { ...o, address: attacker } : o)),
    };
    const fields = describeFields(challenge('transfer', payload), { unsignedTransaction: forged });
    expect(find(fields, 'Payment 2').children?.map((c) => c.label)).toContain('Marked as change');
    expect(warnings(fields)).toContain('Does not match the request');
  });

  it('a stated fee that differs from inputs minus outputs is flagged', () => {
    const fields = describeFields(challenge('transfer', payload), { unsignedTransaction: { ...tx, fee: '1' } });
    expect(find(fields, 'Fee mismatch').value).toContain('states a fee of 1 sat');
  });

  it('a fee over a tenth of the amount is flagged as high', () => {
    const greedy = { ...tx, outputs: tx.outputs.slice(0, 1) };
    const fields = describeFields(challenge('transfer', payload), { unsignedTransaction: greedy });
    expect(warnings(fields)).toContain('High fee');
  });
});
