import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { base58 } from '@scure/base';
import { hashMessage } from 'viem';
import { describe, expect, it } from 'vitest';
import { buildBitcoinTransfer } from '../../../../protocol/chains/bitcoin/transaction.js';
import { describeTransaction } from '../../../../protocol/chains/describe.js';
import {
  buildEvmContractCall,
  buildEvmNativeTransfer,
  buildEvmTokenTransfer,
} from '../../../../protocol/chains/evm/transaction.js';
import { messageSigningRequest } from '../../../../protocol/chains/messages.js';
import { buildNearTokenTransfer, nearPublicKeyString } from '../../../../protocol/chains/near/transaction.js';
import { buildSolanaTransfer, buildSplTransfer } from '../../../../protocol/chains/solana/transaction.js';
import { signingRequestsFor, validateUnsignedTransaction } from '../../../../protocol/chains/unsigned.js';

const FROM = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const TO = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const TOKEN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const evmBase = {
  chainId: 31337,
  from: FROM,
  derivationPath: 'm/0/0',
  nonce: 0,
  gasLimit: '21000',
  fees: { maxFeePerGas: '2000000000', maxPriorityFeePerGas: '1000000000' },
};
const ETH = { native: { symbol: 'ETH', decimals: 18 }, tokens: { [TOKEN]: { symbol: 'USDC', decimals: 6 } } };

describe('describeTransaction', () => {
  it('EVM native transfer shows recipient, amount and max fee', () => {
    const d = describeTransaction(buildEvmNativeTransfer({ ...evmBase, to: TO, value: '1500000000000000000' }), ETH);
    expect(d).toMatchObject({
      kind: 'native-transfer',
      to: TO,
      amount: { formatted: '1.5', symbol: 'ETH' },
      fee: { formatted: '0.000042' },
    });
  });

  it('ERC-20 transfer shows the token recipient (not the contract) with token decimals', () => {
    const d = describeTransaction(
      buildEvmTokenTransfer({ ...evmBase, gasLimit: '65000', token: TOKEN, to: TO, amount: '2500000' }),
      ETH,
    );
    expect(d).toMatchObject({
      kind: 'token-transfer',
      to: TO,
      token: TOKEN,
      amount: { formatted: '2.5', symbol: 'USDC' },
    });
  });

  it('contract call is decoded with its signature and argument names', () => {
    const tx = buildEvmContractCall({
      ...evmBase,
      gasLimit: '90000',
      contract: TOKEN,
      abiFunctionSignature: 'approve(address spender,uint256 amount)',
      abiParameters: [TO, '7'],
    });
    const d = describeTransaction(tx, { ...ETH, abiFunctionSignature: 'approve(address spender,uint256 amount)' });
    expect(d.call).toEqual({
      contract: TOKEN,
      function: 'approve(address,uint256)',
      args: [
        { name: 'spender', type: 'address', value: TO },
        { name: 'amount', type: 'uint256', value: '7' },
      ],
    });
  });

  it('Bitcoin transfer lists outputs and marks change', () => {
    const pub = bytesToHex(secp256k1.getPublicKey(new Uint8Array(32).fill(1), true));
    const tx = buildBitcoinTransfer({
      network: 'testnet',
      addressType: 'p2wpkh',
      publicKey: pub,
      derivationPath: 'm/0/0',
      utxos: [{ txid: 'aa'.repeat(32), vout: 0, value: '100000' }],
      to: 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx',
      amount: '25000',
      feeRate: 2,
    });
    const d = describeTransaction(tx, { native: { symbol: 'BTC', decimals: 8 } });
    expect(d).toMatchObject({
      kind: 'native-transfer',
      to: 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx',
      amount: { formatted: '0.00025' },
    });
    expect(d.details.some((l) => l.label.includes('change back to you'))).toBe(true);
  });

  it('SPL transfer shows the recipient wallet and mint decimals', () => {
    const from = base58.encode(ed25519.getPublicKey(new Uint8Array(32).fill(1)));
    const to = base58.encode(ed25519.getPublicKey(new Uint8Array(32).fill(2)));
    const mint = base58.encode(ed25519.getPublicKey(new Uint8Array(32).fill(3)));
    const tx = buildSplTransfer({
      from,
      account: 0,
      recentBlockhash: from,
      lastValidBlockHeight: 1,
      to,
      mint,
      amount: '1234500',
      decimals: 6,
    });
    const d = describeTransaction(tx, {
      native: { symbol: 'SOL', decimals: 9 },
      tokens: { [mint]: { symbol: 'USDC', decimals: 6 } },
    });
    expect(d).toMatchObject({
      kind: 'token-transfer',
      to,
      token: mint,
      amount: { formatted: '1.2345', symbol: 'USDC' },
    });
  });

  it('Solana details: priority fee, SOL transfer, and any other program by id and size', () => {
    const from = base58.encode(ed25519.getPublicKey(new Uint8Array(32).fill(1)));
    const to = base58.encode(ed25519.getPublicKey(new Uint8Array(32).fill(2)));
    const tx = buildSolanaTransfer({
      from,
      account: 0,
      recentBlockhash: from,
      lastValidBlockHeight: 1,
      to,
      lamports: '1500000000',
      computeUnitPriceMicroLamports: '7',
    });
    const other = { programId: to, accounts: [{ pubkey: from, isSigner: true, isWritable: true }], data: 'abcd' };
    const d = describeTransaction(
      { ...tx, instructions: [...tx.instructions, other] },
      { native: { symbol: 'SOL', decimals: 9 } },
    );
    expect(d).toMatchObject({ kind: 'native-transfer', to, amount: { formatted: '1.5' } });
    expect(d.details).toEqual([
      { label: 'Priority fee', value: '7 micro-lamports per compute unit' },
      { label: 'System: transfer', value: `1.5 SOL to ${to}` },
      { label: `Program ${to}`, value: '1 accounts, 2 bytes of data' },
    ]);
  });

  it('NEP-141 transfer shows the ft_transfer receiver', () => {
    const pub = ed25519.getPublicKey(new Uint8Array(32).fill(1));
    const tx = buildNearTokenTransfer({
      signerId: bytesToHex(pub),
      publicKey: nearPublicKeyString(pub),
      nonce: '1',
      blockHash: base58.encode(new Uint8Array(32).fill(1)),
      account: 0,
      token: 'usdt.tether-token.near',
      to: 'bob.near',
      amount: '1000000',
    });
    const d = describeTransaction(tx, {
      native: { symbol: 'NEAR', decimals: 24 },
      tokens: { 'usdt.tether-token.near': { symbol: 'USDt', decimals: 6 } },
    });
    expect(d).toMatchObject({ kind: 'token-transfer', to: 'bob.near', amount: { formatted: '1', symbol: 'USDt' } });
  });
});

describe('family dispatch', () => {
  it('gives one request per Bitcoin input and one for the other families', () => {
    expect(signingRequestsFor(buildEvmNativeTransfer({ ...evmBase, to: TO, value: '1' }))).toHaveLength(1);
  });
  it('refuses an unknown family', () => {
    expect(() => validateUnsignedTransaction({ family: 'dogecoin' } as never)).toThrow(
      /"evm", "bitcoin", "solana" or "near"/,
    );
  });
});

describe('messageSigningRequest', () => {
  it('EVM text uses the personal_sign digest under the EVM root', () => {
    const r = messageSigningRequest({
      family: 'evm',
      derivationPath: 'm/0/0',
      message: new TextEncoder().encode('hi'),
    });
    expect(r).toMatchObject({ scheme: 'ecdsa-secp256k1', keyFamily: 'evm' });
    expect(bytesToHex((r as { digest: Uint8Array }).digest)).toBe(hashMessage('hi').slice(2));
  });
  it('Solana signs the raw bytes with the account key path', () => {
    const r = messageSigningRequest({ family: 'solana', account: 2, message: Uint8Array.of(1, 2) });
    expect(r).toMatchObject({ scheme: 'ed25519', derivationPath: "m/44'/501'/2'/0'" });
  });
  it('NEAR NEP-413 message is 32 bytes', () => {
    const r = messageSigningRequest({
      family: 'near',
      account: 0,
      payload: { message: 'hi', nonce: '00'.repeat(32), recipient: 'app.near' },
    });
    expect((r as { message: Uint8Array }).message).toHaveLength(32);
  });
  it('refuses an empty message', () => {
    expect(() =>
      messageSigningRequest({ family: 'bitcoin', derivationPath: 'm/0/0', message: new Uint8Array(0) }),
    ).toThrow(/1 to 16384 bytes/);
  });
});
