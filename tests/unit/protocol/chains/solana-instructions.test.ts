import { ComputeBudgetProgram, Keypair, SystemProgram, type TransactionInstruction } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { decodeSolanaInstruction, MEMO_PROGRAM } from '../../../../protocol/chains/solana/instructions.js';
import {
  createAssociatedTokenAccountIdempotentInstruction,
  type SolanaInstruction,
  splTransferCheckedInstruction,
} from '../../../../protocol/chains/solana/transaction.js';

const key = (n: number) => Keypair.fromSeed(new Uint8Array(32).fill(n)).publicKey.toBase58();
const A = key(1);
const B = key(2);
const MINT = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const TOKEN = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';

function ours(ix: TransactionInstruction): SolanaInstruction {
  return {
    programId: ix.programId.toBase58(),
    accounts: ix.keys.map((k) => ({ pubkey: k.pubkey.toBase58(), isSigner: k.isSigner, isWritable: k.isWritable })),
    data: ix.data.toString('hex'),
  };
}
const token = (data: number[], accounts: string[]): SolanaInstruction => ({
  programId: TOKEN,
  accounts: accounts.map((pubkey) => ({ pubkey, isSigner: false, isWritable: true })),
  data: Buffer.from(data).toString('hex'),
});
const u64 = (n: bigint) => [...Buffer.from(new BigUint64Array([n]).buffer)];

describe('decodeSolanaInstruction', () => {
  it('System transfer (web3.js): from, to, lamports', () => {
    const ix = ours(
      SystemProgram.transfer({
        fromPubkey: Keypair.fromSeed(new Uint8Array(32).fill(1)).publicKey,
        toPubkey: Keypair.fromSeed(new Uint8Array(32).fill(2)).publicKey,
        lamports: 123,
      }),
    );
    expect(decodeSolanaInstruction(ix)).toEqual({ kind: 'system-transfer', from: A, to: B, lamports: '123' });
  });

  it('another System instruction is unknown', () => {
    const ix = ours(
      SystemProgram.assign({
        accountPubkey: Keypair.fromSeed(new Uint8Array(32).fill(1)).publicKey,
        programId: Keypair.fromSeed(new Uint8Array(32).fill(2)).publicKey,
      }),
    );
    expect(decodeSolanaInstruction(ix).kind).toBe('unknown');
  });

  it('TransferChecked: mint, amount, decimals', () => {
    const ix = splTransferCheckedInstruction({ owner: A, to: B, mint: MINT, amount: '2500000', decimals: 6 });
    expect(decodeSolanaInstruction(ix)).toMatchObject({
      kind: 'token-transfer-checked',
      mint: MINT,
      owner: A,
      amount: '2500000',
      decimals: 6,
      program: 'SPL Token',
    });
  });

  it('Transfer, Approve, ApproveChecked, SetAuthority (to a key and to none), CloseAccount', () => {
    expect(decodeSolanaInstruction(token([3, ...u64(9n)], [A, B, A]))).toMatchObject({
      kind: 'token-transfer',
      amount: '9',
    });
    expect(decodeSolanaInstruction(token([4, ...u64(5n)], [A, B, A]))).toMatchObject({
      kind: 'token-approve',
      delegate: B,
      amount: '5',
    });
    expect(decodeSolanaInstruction(token([13, ...u64(5n), 6], [A, MINT, B, A]))).toMatchObject({
      kind: 'token-approve',
      mint: MINT,
      delegate: B,
      decimals: 6,
    });
    expect(decodeSolanaInstruction(token([6, 2, 0], [A, A]))).toMatchObject({
      kind: 'token-set-authority',
      authorityType: 2,
      newAuthority: null,
    });
    const newAuthority = [...Keypair.fromSeed(new Uint8Array(32).fill(2)).publicKey.toBytes()];
    expect(decodeSolanaInstruction(token([6, 2, 1, ...newAuthority], [A, A]))).toMatchObject({ newAuthority: B });
    expect(decodeSolanaInstruction(token([9], [A, B, A]))).toMatchObject({
      kind: 'token-close-account',
      destination: B,
    });
  });

  it('a token instruction of the wrong length is unknown', () => {
    expect(decodeSolanaInstruction(token([12, 1, 2], [A, MINT, B, A])).kind).toBe('unknown');
  });

  it('a token instruction with too few accounts is unknown', () => {
    expect(decodeSolanaInstruction(token([3, ...u64(9n)], [A])).kind).toBe('unknown');
  });

  it('associated token account creation: owner and mint', () => {
    expect(decodeSolanaInstruction(createAssociatedTokenAccountIdempotentInstruction(A, B, MINT))).toMatchObject({
      kind: 'create-token-account',
      payer: A,
      owner: B,
      mint: MINT,
      idempotent: true,
    });
  });

  it('compute budget: unit limit and unit price', () => {
    expect(decodeSolanaInstruction(ours(ComputeBudgetProgram.setComputeUnitLimit({ units: 300 })))).toEqual({
      kind: 'compute-unit-limit',
      units: 300,
    });
    expect(decodeSolanaInstruction(ours(ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 7 })))).toEqual({
      kind: 'compute-unit-price',
      microLamports: '7',
    });
  });

  it('memo: text when UTF-8, bytes otherwise', () => {
    expect(
      decodeSolanaInstruction({ programId: MEMO_PROGRAM, accounts: [], data: Buffer.from('thanks').toString('hex') }),
    ).toMatchObject({ kind: 'memo', text: 'thanks' });
    expect(decodeSolanaInstruction({ programId: MEMO_PROGRAM, accounts: [], data: 'ff' })).toMatchObject({
      kind: 'memo',
      text: undefined,
      data: 'ff',
    });
  });

  it('an unknown program: id, account count, data', () => {
    expect(
      decodeSolanaInstruction({
        programId: B,
        accounts: [{ pubkey: A, isSigner: true, isWritable: true }],
        data: 'abcd',
      }),
    ).toEqual({
      kind: 'unknown',
      programId: B,
      accountCount: 1,
      data: 'abcd',
      reason: 'a program this wallet does not know',
    });
  });

  it('data that is not hex is unknown, not a throw', () => {
    expect(decodeSolanaInstruction({ programId: B, accounts: [], data: 'xyz' }).kind).toBe('unknown');
    expect(decodeSolanaInstruction(null as unknown as SolanaInstruction).kind).toBe('unknown');
  });
});
