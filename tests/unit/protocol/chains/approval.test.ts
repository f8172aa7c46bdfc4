import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { base58, base64 } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { type ApprovedIntent, checkTransactionMatchesApproval } from '../../../../protocol/chains/approval.js';
import { buildBitcoinTransfer } from '../../../../protocol/chains/bitcoin/transaction.js';
import {
  buildEvmContractCall,
  buildEvmNativeTransfer,
  buildEvmTokenTransfer,
} from '../../../../protocol/chains/evm/transaction.js';
import {
  buildNearTokenTransfer,
  buildNearTransfer,
  nearPublicKeyString,
} from '../../../../protocol/chains/near/transaction.js';
import {
  buildSolanaTransfer,
  buildSplTransfer,
  systemTransferInstruction,
} from '../../../../protocol/chains/solana/transaction.js';

const FROM = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const TO = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const OTHER = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const TOKEN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const evmBase = {
  chainId: 1,
  from: FROM,
  derivationPath: 'm/0/0',
  nonce: 0,
  gasLimit: '60000',
  fees: { maxFeePerGas: '100', maxPriorityFeePerGas: '1' },
};

describe('EVM approvals', () => {
  const native: ApprovedIntent = { kind: 'transfer', from: FROM, to: TO, amount: '1.5', nativeDecimals: 18 };
  it('accepts the native transfer the user approved', () => {
    expect(() =>
      checkTransactionMatchesApproval(
        buildEvmNativeTransfer({ ...evmBase, to: TO, value: '1500000000000000000' }),
        native,
      ),
    ).not.toThrow();
  });
  it('refuses another recipient', () => {
    expect(() =>
      checkTransactionMatchesApproval(
        buildEvmNativeTransfer({ ...evmBase, to: OTHER, value: '1500000000000000000' }),
        native,
      ),
    ).toThrow(/to/);
  });
  it('refuses another amount', () => {
    expect(() =>
      checkTransactionMatchesApproval(
        buildEvmNativeTransfer({ ...evmBase, to: TO, value: '1500000000000000001' }),
        native,
      ),
    ).toThrow(/value/);
  });
  it('refuses added calldata', () => {
    const tx = {
      ...buildEvmNativeTransfer({ ...evmBase, to: TO, value: '1500000000000000000' }),
      data: '0x01' as const,
    };
    expect(() => checkTransactionMatchesApproval(tx, native)).toThrow(/calldata/);
  });
  it('refuses a fee above the cap', () => {
    expect(() =>
      checkTransactionMatchesApproval(
        buildEvmNativeTransfer({ ...evmBase, to: TO, value: '1500000000000000000' }),
        native,
        { maxNetworkFee: 5_999_999n },
      ),
    ).toThrow(/maximum fee/);
  });
  it('accepts the ERC-20 transfer and refuses one to another recipient', () => {
    const intent: ApprovedIntent = {
      kind: 'transfer',
      from: FROM,
      to: TO,
      amount: '2.5',
      token: { address: TOKEN, decimals: 6 },
      nativeDecimals: 18,
    };
    expect(() =>
      checkTransactionMatchesApproval(
        buildEvmTokenTransfer({ ...evmBase, token: TOKEN, to: TO, amount: '2500000' }),
        intent,
      ),
    ).not.toThrow();
    expect(() =>
      checkTransactionMatchesApproval(
        buildEvmTokenTransfer({ ...evmBase, token: TOKEN, to: OTHER, amount: '2500000' }),
        intent,
      ),
    ).toThrow(/calldata/);
  });
  it('accepts the contract call and refuses other parameters', () => {
    const intent: ApprovedIntent = {
      kind: 'contract-execution',
      from: FROM,
      contract: TOKEN,
      abiFunctionSignature: 'approve(address,uint256)',
      abiParameters: [TO, '7'],
      nativeDecimals: 18,
    };
    const tx = buildEvmContractCall({
      ...evmBase,
      contract: TOKEN,
      abiFunctionSignature: 'approve(address,uint256)',
      abiParameters: [TO, '7'],
    });
    expect(() => checkTransactionMatchesApproval(tx, intent)).not.toThrow();
    const other = buildEvmContractCall({
      ...evmBase,
      contract: TOKEN,
      abiFunctionSignature: 'approve(address,uint256)',
      abiParameters: [OTHER, '7'],
    });
    expect(() => checkTransactionMatchesApproval(other, intent)).toThrow(/calldata/);
  });
});

describe('Bitcoin approvals', () => {
  const pub = bytesToHex(secp256k1.getPublicKey(new Uint8Array(32).fill(3), true));
  const RECIPIENT = 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx';
  const tx = buildBitcoinTransfer({
    network: 'testnet',
    addressType: 'p2wpkh',
    publicKey: pub,
    derivationPath: 'm/0/0',
    utxos: [{ txid: 'aa'.repeat(32), vout: 0, value: '100000' }],
    to: RECIPIENT,
    amount: '25000',
    feeRate: 2,
  });
  const intent: ApprovedIntent = {
    kind: 'transfer',
    from: tx.from,
    to: RECIPIENT,
    amount: '0.00025',
    nativeDecimals: 8,
  };
  it('accepts the payment with change back', () => {
    expect(() => checkTransactionMatchesApproval(tx, intent)).not.toThrow();
  });
  it('refuses a second payment hidden among the outputs', () => {
    const outputs = tx.outputs.map((o) => (o.change ? { ...o, change: false } : o));
    expect(() => checkTransactionMatchesApproval({ ...tx, outputs }, intent)).toThrow(/one payment/);
  });
  it('refuses a fee above the cap', () => {
    expect(() => checkTransactionMatchesApproval(tx, intent, { maxNetworkFee: 10n })).toThrow(/fee/);
  });
});

describe('Solana approvals', () => {
  const from = base58.encode(ed25519.getPublicKey(new Uint8Array(32).fill(1)));
  const to = base58.encode(ed25519.getPublicKey(new Uint8Array(32).fill(2)));
  const mint = base58.encode(ed25519.getPublicKey(new Uint8Array(32).fill(3)));
  const base = {
    from,
    account: 0,
    recentBlockhash: from,
    lastValidBlockHeight: 1,
    computeUnitPriceMicroLamports: '100',
  };
  it('accepts the SOL transfer (with a priority fee)', () => {
    expect(() =>
      checkTransactionMatchesApproval(buildSolanaTransfer({ ...base, to, lamports: '1500000000' }), {
        kind: 'transfer',
        from,
        to,
        amount: '1.5',
        nativeDecimals: 9,
      }),
    ).not.toThrow();
  });
  it('refuses an extra instruction', () => {
    const tx = buildSolanaTransfer({ ...base, to, lamports: '1500000000' });
    const extra = { ...tx, instructions: [...tx.instructions, systemTransferInstruction(from, mint, '1')] };
    expect(() =>
      checkTransactionMatchesApproval(extra, { kind: 'transfer', from, to, amount: '1.5', nativeDecimals: 9 }),
    ).toThrow(/instructions/);
  });
  it('accepts the SPL transfer and refuses another mint', () => {
    const tx = buildSplTransfer({ ...base, to, mint, amount: '2000000', decimals: 6 });
    expect(() =>
      checkTransactionMatchesApproval(tx, {
        kind: 'transfer',
        from,
        to,
        amount: '2',
        token: { address: mint, decimals: 6 },
        nativeDecimals: 9,
      }),
    ).not.toThrow();
    expect(() =>
      checkTransactionMatchesApproval(tx, {
        kind: 'transfer',
        from,
        to,
        amount: '2',
        token: { address: to, decimals: 6 },
        nativeDecimals: 9,
      }),
    ).toThrow(/instructions/);
  });
});

describe('NEAR approvals', () => {
  const pub = ed25519.getPublicKey(new Uint8Array(32).fill(4));
  const common = {
    signerId: bytesToHex(pub),
    publicKey: nearPublicKeyString(pub),
    nonce: '1',
    blockHash: base58.encode(new Uint8Array(32).fill(1)),
    account: 0,
  };
  it('accepts the NEAR transfer and refuses another receiver', () => {
    const intent: ApprovedIntent = {
      kind: 'transfer',
      from: common.signerId,
      to: 'bob.near',
      amount: '1',
      nativeDecimals: 24,
    };
    expect(() =>
      checkTransactionMatchesApproval(
        buildNearTransfer({ ...common, to: 'bob.near', yocto: (10n ** 24n).toString() }),
        intent,
      ),
    ).not.toThrow();
    expect(() =>
      checkTransactionMatchesApproval(
        buildNearTransfer({ ...common, to: 'eve.near', yocto: (10n ** 24n).toString() }),
        intent,
      ),
    ).toThrow(/transfer of/);
  });
  it('accepts the NEP-141 transfer and refuses extra args', () => {
    const intent: ApprovedIntent = {
      kind: 'transfer',
      from: common.signerId,
      to: 'bob.near',
      amount: '1',
      token: { address: 'usdc.near', decimals: 6 },
      nativeDecimals: 24,
    };
    const tx = buildNearTokenTransfer({ ...common, token: 'usdc.near', to: 'bob.near', amount: '1000000' });
    expect(() => checkTransactionMatchesApproval(tx, intent)).not.toThrow();
    const action = tx.actions[0];
    if (action?.type !== 'FunctionCall') throw new Error('type');
    const sneaky = {
      ...tx,
      actions: [
        {
          ...action,
          args: base64.encode(
            new TextEncoder().encode(JSON.stringify({ receiver_id: 'bob.near', amount: '1000000', msg: 'x' })),
          ),
        },
      ],
    };
    expect(() => checkTransactionMatchesApproval(sneaky, intent)).toThrow(/ft_transfer/);
  });
});

describe('EVM chain binding', () => {
  it('refuses a transaction for another chain', () => {
    const intent: ApprovedIntent = { kind: 'transfer', from: FROM, to: TO, amount: '1', nativeDecimals: 18 };
    const tx = buildEvmNativeTransfer({ ...evmBase, to: TO, value: '1000000000000000000' });
    expect(() => checkTransactionMatchesApproval(tx, intent, { evmChainId: 1 })).not.toThrow();
    expect(() => checkTransactionMatchesApproval(tx, intent, { evmChainId: 11155111 })).toThrow(/chain id/);
  });
});
