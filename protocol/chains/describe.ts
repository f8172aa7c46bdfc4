/**
 * What the Gateway shows for an unsigned transaction, computed from the transaction alone plus the
 * asset metadata the caller vouches for (symbol/decimals). It decodes what will actually be signed —
 * ERC-20 transfer calldata, SPL TransferChecked, NEP-141 ft_transfer args — rather than trusting any
 * description sent alongside, so the user sees the recipient and amount the signature commits to.
 */
import { base64 } from '@scure/base';
import { formatUnits } from './amounts.js';
import type { BitcoinUnsignedTransaction } from './bitcoin/transaction.js';
import { type AbiValue, decodeFunctionCall, formatAbiType } from './evm/abi.js';
import { ERC20_TRANSFER_SELECTOR, type EvmUnsignedTransaction, evmMaxFee } from './evm/transaction.js';
import type { NearUnsignedTransaction } from './near/transaction.js';
import { decodeSolanaInstruction } from './solana/instructions.js';
import type { SolanaUnsignedTransaction } from './solana/transaction.js';
import type { TransactionDescription } from './types.js';
import type { UnsignedTransaction } from './unsigned.js';

export interface AssetInfo {
  symbol: string;
  decimals: number;
}

export interface DescribeContext {
  /** The chain's native asset (ETH 18, BTC 8, SOL 9, NEAR 24). */
  native: AssetInfo;
  /** Known token metadata by contract / mint / NEP-141 account id. */
  tokens?: Record<string, AssetInfo>;
  /** Function signature to decode an EVM contract call with, when known (e.g. from the challenge). */
  abiFunctionSignature?: string;
}

const amount = (raw: bigint, asset: AssetInfo) => ({
  raw: raw.toString(),
  formatted: formatUnits(raw, asset.decimals),
  symbol: asset.symbol,
  decimals: asset.decimals,
});
const unknownToken = (id: string): AssetInfo => ({ symbol: `${id.slice(0, 10)}…`, decimals: 0 });

export function describeTransaction(tx: UnsignedTransaction, ctx: DescribeContext): TransactionDescription {
  switch (tx.family) {
    case 'evm':
      return describeEvm(tx, ctx);
    case 'bitcoin':
      return describeBitcoin(tx, ctx);
    case 'solana':
      return describeSolana(tx, ctx);
    case 'near':
      return describeNear(tx, ctx);
  }
}

function findToken(ctx: DescribeContext, id: string): AssetInfo {
  const tokens = ctx.tokens ?? {};
  return (
    tokens[id] ??
    tokens[id.toLowerCase()] ??
    Object.entries(tokens).find(([k]) => k.toLowerCase() === id.toLowerCase())?.[1] ??
    unknownToken(id)
  );
}

function describeEvm(tx: EvmUnsignedTransaction, ctx: DescribeContext): TransactionDescription {
  const fee = amount(evmMaxFee(tx), ctx.native);
  const details = [
    { label: 'Network fee (max)', value: `${fee.formatted} ${fee.symbol}` },
    { label: 'Nonce', value: String(tx.nonce) },
    { label: 'Chain id', value: String(tx.chainId) },
  ];
  if (tx.data === '0x') {
    return {
      family: 'evm',
      kind: 'native-transfer',
      from: tx.from,
      to: tx.to,
      amount: amount(BigInt(tx.value), ctx.native),
      fee,
      details,
    };
  }
  if (tx.data.startsWith(ERC20_TRANSFER_SELECTOR) && BigInt(tx.value) === 0n) {
    try {
      const { values } = decodeFunctionCall('transfer(address,uint256)', tx.data);
      const token = findToken(ctx, tx.to);
      return {
        family: 'evm',
        kind: 'token-transfer',
        from: tx.from,
        to: values[0] as string,
        token: tx.to,
        amount: amount(BigInt(values[1] as string), token),
        fee,
        details,
      };
    } catch {
      // Not a well-formed transfer: fall through and show it as a raw contract call.
    }
  }
  let call: TransactionDescription['call'] = {
    contract: tx.to,
    function: `unknown ${tx.data.slice(0, 10)}`,
    args: [{ name: 'data', type: 'bytes', value: tx.data }],
  };
  if (ctx.abiFunctionSignature) {
    const decoded = decodeFunctionCall(ctx.abiFunctionSignature, tx.data);
    call = {
      contract: tx.to,
      function: decoded.function.signature,
      args: decoded.function.inputs.map((input, i) => ({
        name: input.name ?? `arg${i}`,
        type: formatAbiType(input.type),
        value: show(decoded.values[i] as AbiValue),
      })),
    };
  }
  const value = BigInt(tx.value);
  return {
    family: 'evm',
    kind: 'contract-call',
    from: tx.from,
    to: tx.to,
    amount: value > 0n ? amount(value, ctx.native) : undefined,
    fee,
    call,
    details,
  };
}

function show(v: AbiValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function describeBitcoin(tx: BitcoinUnsignedTransaction, ctx: DescribeContext): TransactionDescription {
  const payments = tx.outputs.filter((o) => !o.change);
  const total = payments.reduce((s, o) => s + BigInt(o.value), 0n);
  const fee = amount(BigInt(tx.fee), ctx.native);
  return {
    family: 'bitcoin',
    kind: 'native-transfer',
    from: tx.from,
    to: payments.map((o) => o.address).join(', '),
    amount: amount(total, ctx.native),
    fee,
    details: [
      ...tx.outputs.map((o, i) => ({
        label: `Output ${i}${o.change ? ' (change back to you)' : ''}`,
        value: `${o.address}: ${formatUnits(BigInt(o.value), ctx.native.decimals)} ${ctx.native.symbol}`,
      })),
      { label: 'Fee rate', value: `${tx.feeRate} sat/vB` },
      { label: 'Inputs', value: String(tx.inputs.length) },
    ],
  };
}

function describeSolana(tx: SolanaUnsignedTransaction, ctx: DescribeContext): TransactionDescription {
  const details: { label: string; value: string }[] = [];
  let result: Pick<TransactionDescription, 'kind' | 'to' | 'amount' | 'token'> | undefined;
  for (const ix of tx.instructions) {
    // One decoder for instructions (solana/instructions.ts); the wording here is this summary's own.
    const d = decodeSolanaInstruction(ix);
    if (d.kind === 'system-transfer') {
      const a = amount(BigInt(d.lamports), ctx.native);
      details.push({ label: 'System: transfer', value: `${a.formatted} ${a.symbol} to ${d.to}` });
      result ??= { kind: 'native-transfer', to: d.to, amount: a };
    } else if (d.kind === 'token-transfer-checked') {
      // The recipient wallet is the owner passed to the ATA-create instruction for this destination.
      const create = tx.instructions
        .map(decodeSolanaInstruction)
        .find((c) => c.kind === 'create-token-account' && c.account === d.destination);
      const to = create?.kind === 'create-token-account' ? create.owner : d.destination;
      const token = findToken(ctx, d.mint);
      const a = amount(BigInt(d.amount), { ...token, decimals: d.decimals });
      details.push({ label: 'Token: transfer', value: `${a.formatted} ${a.symbol} to ${to}` });
      result ??= { kind: 'token-transfer', to, amount: a, token: d.mint };
    } else if (d.kind === 'create-token-account') {
      details.push({ label: 'Create token account (if missing)', value: `for ${d.owner}` });
    } else if (d.kind === 'compute-unit-price') {
      details.push({ label: 'Priority fee', value: `${d.microLamports} micro-lamports per compute unit` });
    } else {
      details.push({
        label: `Program ${ix.programId}`,
        value: `${ix.accounts.length} accounts, ${ix.data.length / 2} bytes of data`,
      });
    }
  }
  return {
    family: 'solana',
    from: tx.feePayer,
    ...(result ?? { kind: 'contract-call', to: tx.instructions[0]?.programId ?? '' }),
    details,
  };
}

function describeNear(tx: NearUnsignedTransaction, ctx: DescribeContext): TransactionDescription {
  const details = tx.actions.map((a) =>
    a.type === 'Transfer'
      ? { label: 'Transfer', value: `${formatUnits(BigInt(a.deposit), ctx.native.decimals)} ${ctx.native.symbol}` }
      : {
          label: `Call ${a.methodName}`,
          value: `${new TextDecoder().decode(base64.decode(a.args))} (gas ${a.gas}, deposit ${a.deposit} yocto)`,
        },
  );
  const first = tx.actions[0];
  if (tx.actions.length === 1 && first?.type === 'Transfer') {
    return {
      family: 'near',
      kind: 'native-transfer',
      from: tx.signerId,
      to: tx.receiverId,
      amount: amount(BigInt(first.deposit), ctx.native),
      details,
    };
  }
  if (tx.actions.length === 1 && first?.type === 'FunctionCall' && first.methodName === 'ft_transfer') {
    try {
      const args = JSON.parse(new TextDecoder().decode(base64.decode(first.args))) as {
        receiver_id?: unknown;
        amount?: unknown;
      };
      if (typeof args.receiver_id === 'string' && typeof args.amount === 'string' && /^\d+$/.test(args.amount)) {
        return {
          family: 'near',
          kind: 'token-transfer',
          from: tx.signerId,
          to: args.receiver_id,
          token: tx.receiverId,
          amount: amount(BigInt(args.amount), findToken(ctx, tx.receiverId)),
          details,
        };
      }
    } catch {
      // fall through to a generic call
    }
  }
  const call =
    first?.type === 'FunctionCall'
      ? {
          contract: tx.receiverId,
          function: first.methodName,
          args: [{ name: 'args', type: 'json', value: new TextDecoder().decode(base64.decode(first.args)) }],
        }
      : undefined;
  return { family: 'near', kind: 'contract-call', from: tx.signerId, to: tx.receiverId, call, details };
}
