/**
 * Node 1's check that the unsigned transaction Node 2 built is exactly what the user approved.
 * The relay builds transfers (it has the chain RPC); the Gateway shows the approved intent
 * (recipient, amount, token, call) and, before co-signing, verifies that the transaction pays that
 * recipient that amount of that asset from that wallet and nothing else — so a compromised relay
 * cannot swap the recipient or the amount. Fees are capped by the caller (`maxNetworkFee`).
 */
import { base64 } from '@scure/base';
import { InvalidArgumentError } from '../errors.js';
import { parseUnits } from './amounts.js';
import type { BitcoinUnsignedTransaction } from './bitcoin/transaction.js';
import { type AbiValue, encodeFunctionCall } from './evm/abi.js';
import { parseEvmAddress } from './evm/address.js';
import { type EvmUnsignedTransaction, erc20TransferCalldata, evmMaxFee } from './evm/transaction.js';
import type { NearUnsignedTransaction } from './near/transaction.js';
import { COMPUTE_BUDGET_PROGRAM, TOKEN_2022_PROGRAM, TOKEN_PROGRAM } from './solana/address.js';
import {
  createAssociatedTokenAccountIdempotentInstruction,
  type SolanaUnsignedTransaction,
  splTransferCheckedInstruction,
  systemTransferInstruction,
} from './solana/transaction.js';
import type { UnsignedTransaction } from './unsigned.js';

export type ApprovedIntent =
  | {
      kind: 'transfer';
      /** The wallet address. */
      from: string;
      to: string;
      /** Display units, as approved ("1.5"). */
      amount: string;
      /** Omitted for the native asset. */
      token?: { address: string; decimals: number };
      nativeDecimals: number;
    }
  | {
      kind: 'contract-execution';
      from: string;
      contract: string;
      abiFunctionSignature: string;
      abiParameters: unknown[];
      /** Native value attached, display units. */
      amount?: string;
      nativeDecimals: number;
    };

export interface ApprovalCheckOptions {
  /** Largest acceptable network fee, native base units (the Gateway shows it; this bounds it). */
  maxNetworkFee?: bigint;
  /** EVM: the chain id of the wallet's blockchain (a transaction for another chain is refused). */
  evmChainId?: number;
}

function mismatch(what: string, expected: string, got: string): never {
  throw new InvalidArgumentError('transaction', `${what} ${expected} (as approved)`, got);
}

const same = (a: string, b: string) => a === b;

/** Throws InvalidArgumentError naming the first difference; returns normally when it matches. */
export function checkTransactionMatchesApproval(
  tx: UnsignedTransaction,
  intent: ApprovedIntent,
  options: ApprovalCheckOptions = {},
): void {
  if (tx.family === 'evm') checkEvm(tx, intent, options);
  else if (tx.family === 'bitcoin') checkBitcoin(tx, intent, options);
  else if (tx.family === 'solana') checkSolana(tx, intent);
  else checkNear(tx, intent);
}

function checkEvm(tx: EvmUnsignedTransaction, intent: ApprovedIntent, options: ApprovalCheckOptions): void {
  if (parseEvmAddress(tx.from) !== parseEvmAddress(intent.from)) mismatch('sender', intent.from, tx.from);
  if (options.evmChainId !== undefined && tx.chainId !== options.evmChainId)
    mismatch('chain id', String(options.evmChainId), String(tx.chainId));
  let to: string;
  let value: bigint;
  let data: string;
  if (intent.kind === 'transfer' && intent.token) {
    to = intent.token.address;
    value = 0n;
    data = erc20TransferCalldata(intent.to, parseUnits(intent.amount, intent.token.decimals).toString());
  } else if (intent.kind === 'transfer') {
    to = intent.to;
    value = parseUnits(intent.amount, intent.nativeDecimals);
    data = '0x';
  } else {
    to = intent.contract;
    value = intent.amount === undefined ? 0n : parseUnits(intent.amount, intent.nativeDecimals);
    data = encodeFunctionCall(intent.abiFunctionSignature, intent.abiParameters as AbiValue[]);
  }
  if (parseEvmAddress(tx.to) !== parseEvmAddress(to)) mismatch('to', to, tx.to);
  if (BigInt(tx.value) !== value) mismatch('value', value.toString(), tx.value);
  if (tx.data.toLowerCase() !== data.toLowerCase()) mismatch('calldata', data.slice(0, 74), tx.data.slice(0, 74));
  if (options.maxNetworkFee !== undefined && evmMaxFee(tx) > options.maxNetworkFee) {
    mismatch('a maximum fee of at most', options.maxNetworkFee.toString(), evmMaxFee(tx).toString());
  }
}

function checkBitcoin(tx: BitcoinUnsignedTransaction, intent: ApprovedIntent, options: ApprovalCheckOptions): void {
  if (intent.kind !== 'transfer' || intent.token) mismatch('a native transfer', 'on Bitcoin', intent.kind);
  if (tx.from !== intent.from) mismatch('sender', intent.from, tx.from);
  const payments = tx.outputs.filter((o) => !o.change);
  const amount = parseUnits(intent.amount, intent.nativeDecimals);
  if (payments.length !== 1 || payments[0]?.address !== intent.to || BigInt(payments[0].value) !== amount) {
    mismatch(
      'one payment of',
      `${amount} sat to ${intent.to}`,
      payments.map((o) => `${o.value} sat to ${o.address}`).join(', ') || 'none',
    );
  }
  for (const o of tx.outputs) if (o.change && o.address !== intent.from) mismatch('change to', intent.from, o.address);
  if (options.maxNetworkFee !== undefined && BigInt(tx.fee) > options.maxNetworkFee)
    mismatch('a fee of at most', options.maxNetworkFee.toString(), tx.fee);
}

function sameInstruction(
  a: { programId: string; accounts: { pubkey: string; isSigner: boolean; isWritable: boolean }[]; data: string },
  b: typeof a,
): boolean {
  return (
    a.programId === b.programId &&
    a.data === b.data &&
    a.accounts.length === b.accounts.length &&
    a.accounts.every(
      (x, i) =>
        x.pubkey === b.accounts[i]?.pubkey &&
        x.isSigner === b.accounts[i]?.isSigner &&
        x.isWritable === b.accounts[i]?.isWritable,
    )
  );
}

function checkSolana(tx: SolanaUnsignedTransaction, intent: ApprovedIntent): void {
  if (intent.kind !== 'transfer') mismatch('a transfer', 'on Solana', intent.kind);
  if (tx.feePayer !== intent.from) mismatch('fee payer', intent.from, tx.feePayer);
  // Only a priority-fee instruction may accompany the transfer itself.
  const rest = tx.instructions.filter(
    (ix) => !(ix.programId === COMPUTE_BUDGET_PROGRAM && ix.data.startsWith('03') && ix.accounts.length === 0),
  );
  let expected: ReturnType<typeof systemTransferInstruction>[];
  if (intent.token) {
    const tokenProgram = rest.find((ix) => ix.programId === TOKEN_2022_PROGRAM) ? TOKEN_2022_PROGRAM : TOKEN_PROGRAM;
    const amount = parseUnits(intent.amount, intent.token.decimals).toString();
    expected = [
      createAssociatedTokenAccountIdempotentInstruction(intent.from, intent.to, intent.token.address, tokenProgram),
      splTransferCheckedInstruction({
        owner: intent.from,
        to: intent.to,
        mint: intent.token.address,
        amount,
        decimals: intent.token.decimals,
        tokenProgram,
      }),
    ];
  } else {
    expected = [
      systemTransferInstruction(intent.from, intent.to, parseUnits(intent.amount, intent.nativeDecimals).toString()),
    ];
  }
  if (rest.length !== expected.length || !rest.every((ix, i) => sameInstruction(ix, expected[i] as typeof ix))) {
    mismatch(
      'instructions',
      expected.map((ix) => ix.programId).join(' + '),
      rest.map((ix) => ix.programId).join(' + '),
    );
  }
}

function checkNear(tx: NearUnsignedTransaction, intent: ApprovedIntent): void {
  if (tx.signerId !== intent.from) mismatch('signer', intent.from, tx.signerId);
  const action = tx.actions[0];
  if (tx.actions.length !== 1 || !action) mismatch('exactly one action', '', `${tx.actions.length}`);
  const args = (a: typeof action) => {
    if (a.type !== 'FunctionCall') return undefined;
    try {
      return JSON.parse(new TextDecoder().decode(base64.decode(a.args)));
    } catch {
      return undefined;
    }
  };
  if (intent.kind === 'transfer' && !intent.token) {
    const deposit = parseUnits(intent.amount, intent.nativeDecimals).toString();
    if (!same(tx.receiverId, intent.to) || action.type !== 'Transfer' || action.deposit !== deposit) {
      mismatch('a transfer of', `${deposit} yocto to ${intent.to}`, `${action.type} to ${tx.receiverId}`);
    }
    return;
  }
  if (intent.kind === 'transfer' && intent.token) {
    const amount = parseUnits(intent.amount, intent.token.decimals).toString();
    const a = action.type === 'FunctionCall' ? args(action) : undefined;
    const ok =
      tx.receiverId === intent.token.address &&
      action.type === 'FunctionCall' &&
      action.methodName === 'ft_transfer' &&
      action.deposit === '1' &&
      a?.receiver_id === intent.to &&
      a?.amount === amount &&
      Object.keys(a).every((k) => k === 'receiver_id' || k === 'amount' || k === 'memo');
    if (!ok)
      mismatch(
        'ft_transfer of',
        `${amount} to ${intent.to} on ${intent.token.address}`,
        `${action.type} on ${tx.receiverId}`,
      );
    return;
  }
  if (intent.kind === 'contract-execution') {
    const method = intent.abiFunctionSignature.replace(/\(.*$/s, '').trim();
    const deposit = intent.amount === undefined ? '0' : parseUnits(intent.amount, intent.nativeDecimals).toString();
    const expectedArgs = JSON.stringify(intent.abiParameters[0] ?? {});
    const ok =
      tx.receiverId === intent.contract &&
      action.type === 'FunctionCall' &&
      action.methodName === method &&
      action.deposit === deposit &&
      JSON.stringify(args(action)) === expectedArgs;
    if (!ok) mismatch('a call of', `${method} on ${intent.contract}`, `${action.type} on ${tx.receiverId}`);
  }
}
