import {
  ComputeBudgetProgram,
  Keypair,
  PublicKey,
  SystemProgram,
  Transaction,
  TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
} from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { describeFields } from '../../../../../extension/gateway/describe.js';
import { buildSplTransfer } from '../../../../../protocol/chains/solana/transaction.js';
import { challenge, find, warnings } from './helpers.js';

const seed = (n: number) => Keypair.fromSeed(Uint8Array.from({ length: 32 }, () => n));
const WALLET = seed(1).publicKey;
const RECIPIENT = seed(2).publicKey;
const USDC = new PublicKey('EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v');
const TOKEN_PROGRAM = new PublicKey('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');
const BLOCKHASH = seed(3).publicKey.toBase58();
const base = { blockchain: 'SOL', fromAddress: WALLET.toBase58(), walletId: 'w1' };

function transferChecked(
  source: PublicKey,
  mint: PublicKey,
  dest: PublicKey,
  owner: PublicKey,
  amount: bigint,
  decimals: number,
) {
  const data = Buffer.alloc(10);
  data[0] = 12;
  data.writeBigUInt64LE(amount, 1);
  data[9] = decimals;
  return new TransactionInstruction({
    programId: TOKEN_PROGRAM,
    keys: [
      { pubkey: source, isSigner: false, isWritable: true },
      { pubkey: mint, isSigner: false, isWritable: false },
      { pubkey: dest, isSigner: false, isWritable: true },
      { pubkey: owner, isSigner: true, isWritable: false },
    ],
    data,
  });
}

function rawOf(...instructions: TransactionInstruction[]): string {
  const tx = new Transaction({ feePayer: WALLET, recentBlockhash: BLOCKHASH }).add(...instructions);
  return tx.compileMessage().serialize().toString('base64');
}

describe('Solana', () => {
  it('transfer as requested: SOL amount, recipient, network', () => {
    const fields = describeFields(
      challenge('transfer', { ...base, destinationAddress: RECIPIENT.toBase58(), amounts: ['1.25'] }),
    );
    expect(find(fields, 'Amount').value).toBe('1.25 SOL');
    expect(find(fields, 'To').value).toBe(RECIPIENT.toBase58());
    expect(find(fields, 'Network').value).toBe('Solana');
  });

  it('sign/transaction: System transfer as SOL with from and to, priority fee, compute limit', () => {
    const raw = rawOf(
      ComputeBudgetProgram.setComputeUnitLimit({ units: 200_000 }),
      ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 5000 }),
      SystemProgram.transfer({ fromPubkey: WALLET, toPubkey: RECIPIENT, lamports: 1_500_000_000 }),
    );
    const fields = describeFields(challenge('sign-transaction', { ...base, rawTransaction: raw }));
    expect(find(fields, '1. Compute limit').value).toBe('200000 units');
    expect(find(fields, '2. Priority fee').value).toBe('5000 micro-lamports per compute unit');
    expect(find(fields, '3. Send SOL').children?.map((c) => [c.label, c.value])).toEqual([
      ['Amount', '1.5 SOL'],
      ['From', WALLET.toBase58()],
      ['To', RECIPIENT.toBase58()],
    ]);
    expect(find(fields, 'Fee payer')).toMatchObject({ value: WALLET.toBase58(), hint: 'Your wallet' });
    expect(warnings(fields)).toEqual([]);
  });

  it('SPL TransferChecked: mint named (USDC), amount with the instruction decimals', () => {
    const raw = rawOf(transferChecked(seed(4).publicKey, USDC, seed(5).publicKey, WALLET, 2_500_000n, 6));
    const fields = describeFields(challenge('sign-transaction', { ...base, rawTransaction: raw }));
    const send = find(fields, '1. Send tokens');
    expect(send.hint).toBe('SPL Token');
    expect(find(send.children ?? [], 'Amount').value).toBe('2.5 USDC');
    expect(find(send.children ?? [], 'Mint')).toMatchObject({ value: USDC.toBase58(), hint: 'USDC' });
  });

  it('SPL Transfer (no mint) shows base units with a warning', () => {
    const data = Buffer.alloc(9);
    data[0] = 3;
    data.writeBigUInt64LE(777n, 1);
    const ix = new TransactionInstruction({
      programId: TOKEN_PROGRAM,
      keys: [
        { pubkey: seed(4).publicKey, isSigner: false, isWritable: true },
        { pubkey: seed(5).publicKey, isSigner: false, isWritable: true },
        { pubkey: WALLET, isSigner: true, isWritable: false },
      ],
      data,
    });
    const fields = describeFields(challenge('sign-transaction', { ...base, rawTransaction: rawOf(ix) }));
    expect(find(fields, 'Amount').value).toBe('777 base units');
    expect(warnings(fields)).toContain('Token not named');
  });

  it('an unknown program is listed with its id, account count and data, under a warning', () => {
    const program = seed(7).publicKey;
    const ix = new TransactionInstruction({
      programId: program,
      keys: [
        { pubkey: WALLET, isSigner: true, isWritable: true },
        { pubkey: seed(8).publicKey, isSigner: false, isWritable: true },
      ],
      data: Buffer.from('c0ffee', 'hex'),
    });
    const fields = describeFields(challenge('sign-transaction', { ...base, rawTransaction: rawOf(ix) }));
    const unknown = find(fields, '1. Unknown program');
    expect(unknown.children?.map((c) => [c.label, c.value])).toEqual([
      ['Not decoded', expect.stringContaining('a program this wallet does not know')],
      ['Program', program.toBase58()],
      ['Accounts', '2'],
      ['Data', 'c0ffee'],
    ]);
    expect(warnings(fields)).toEqual(['Not decoded']);
  });

  it('a v0 message with lookup-table accounts warns that some accounts cannot be named', () => {
    const message = new TransactionMessage({
      payerKey: WALLET,
      recentBlockhash: BLOCKHASH,
      instructions: [SystemProgram.transfer({ fromPubkey: WALLET, toPubkey: RECIPIENT, lamports: 1 })],
    }).compileToV0Message([
      {
        key: seed(9).publicKey,
        state: {
          deactivationSlot: 2n ** 64n - 1n,
          lastExtendedSlot: 0,
          lastExtendedSlotStartIndex: 0,
          addresses: [RECIPIENT],
        },
      } as never,
    ]);
    const raw = Buffer.from(new VersionedTransaction(message).serialize()).toString('base64');
    const fields = describeFields(challenge('sign-transaction', { ...base, rawTransaction: raw }));
    expect(find(fields, 'Format').value).toBe('Versioned transaction (v0)');
    expect(find(fields, 'Accounts not shown').value).toContain('1 accounts');
  });

  it('sign/transaction: the message Node 2 extracted is checked against the request; other bytes are flagged', () => {
    const wire = new Transaction({ feePayer: WALLET, recentBlockhash: BLOCKHASH }).add(
      SystemProgram.transfer({ fromPubkey: WALLET, toPubkey: RECIPIENT, lamports: 5 }),
    );
    const message = wire.compileMessage().serialize();
    const raw = wire.serialize({ requireAllSignatures: false, verifySignatures: false }).toString('base64');
    const same = describeFields(challenge('sign-transaction', { ...base, rawTransaction: raw }), {
      message: message.toString('base64'),
    });
    expect(warnings(same)).toEqual([]);
    const other = describeFields(challenge('sign-transaction', { ...base, rawTransaction: raw }), {
      message: rawOf(SystemProgram.transfer({ fromPubkey: WALLET, toPubkey: seed(9).publicKey, lamports: 5 })),
    });
    expect(other[0]?.label).toBe('Different bytes');
  });

  it('relay-built SPL transfer: create-account step, token transfer, and the match with the request', () => {
    const tx = buildSplTransfer({
      from: WALLET.toBase58(),
      account: 0,
      recentBlockhash: BLOCKHASH,
      lastValidBlockHeight: 100,
      to: RECIPIENT.toBase58(),
      mint: USDC.toBase58(),
      amount: '2500000',
      decimals: 6,
    });
    const fields = describeFields(
      challenge('transfer', {
        ...base,
        destinationAddress: RECIPIENT.toBase58(),
        amounts: ['2.5'],
        tokenId: 'SOL:USDC',
      }),
      { unsignedTransaction: tx },
    );
    expect(find(fields, 'Checked').tone).toBe('ok');
    expect(find(fields, /Create the recipient's token account/).children?.[0]?.value).toBe(RECIPIENT.toBase58());
    expect(find(fields, /Send tokens/).children?.[0]?.value).toBe('2.5 USDC');
  });
});
