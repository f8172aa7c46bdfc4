/**
 * EVM approvals: a transfer (native or ERC-20) as the business asked for it, a contract call with its
 * function and typed parameters, and an unsigned EIP-1559 transaction (relay-built or supplied for
 * `sign/transaction`) with its chain, value, decoded calldata and maximum fee. Calldata is decoded
 * from the bytes that will be signed; a selector this wallet does not know is shown as hex under a
 * warning, never hidden.
 */
import { U256_MAX } from '../../../protocol/chains/amounts.js';
import { type AbiType, type AbiValue, encodeFunctionCall, formatAbiType } from '../../../protocol/chains/evm/abi.js';
import { type DecodedEvmCall, decodeEvmCall } from '../../../protocol/chains/evm/known-functions.js';
import { type EvmUnsignedTransaction, evmMaxFee } from '../../../protocol/chains/evm/transaction.js';
import { type KnownNetwork, knownEvmNetwork, knownToken } from '../../../protocol/chains/networks.js';
import {
  type ApprovalField,
  address,
  field,
  formatAmount,
  networkField,
  rawJson,
  section,
  str,
  toBigInt,
  type ViewContext,
  walletField,
  warning,
} from './common.js';

const ETH = { symbol: 'ETH', decimals: 18 };
const native = (ctx: ViewContext) => ctx.network?.native ?? ETH;

/** The token a transfer names (registry id or contract address), with what this extension knows of it. */
function tokenOf(p: Record<string, unknown>, network: KnownNetwork | undefined) {
  const tokenId = str(p, 'tokenId');
  const tokenAddress = str(p, 'tokenAddress');
  if (!tokenId && !tokenAddress) return undefined;
  const known = knownToken(network, { id: tokenId, address: tokenAddress });
  return { tokenId, tokenAddress: known?.address ?? tokenAddress, known };
}

/** Transfer as approved (the relay builds the transaction from it; Node 1 checks it matches). */
export function evmTransferFields(p: Record<string, unknown>, ctx: ViewContext): ApprovalField[] {
  const amounts = Array.isArray(p.amounts) ? p.amounts : [];
  const amount = typeof amounts[0] === 'string' ? amounts[0] : undefined;
  const token = tokenOf(p, ctx.network);
  const fields: ApprovalField[] = [];
  const symbol = token ? (token.known?.symbol ?? 'tokens') : native(ctx).symbol;
  fields.push(
    amount
      ? field('Amount', `${amount} ${symbol}`, {
          style: 'amount',
          hint: token
            ? `ERC-20 token${token.tokenAddress ? ` at ${token.tokenAddress}` : ` ${token.tokenId}`}`
            : 'Native coin',
        })
      : warning('Amount', `The request states no single amount: ${rawJson(p.amounts)}`),
  );
  if (amounts.length > 1)
    fields.push(warning('Several amounts', `Only one transfer amount is expected: ${rawJson(amounts)}`));
  const to = str(p, 'destinationAddress');
  fields.push(to ? address('To', to) : warning('To', 'The request names no recipient.'));
  if (token && !token.known)
    fields.push(
      warning(
        'Unknown token',
        `This extension does not know ${token.tokenAddress ?? token.tokenId}: check the token contract before approving.`,
      ),
    );
  fields.push(...networkField(ctx), ...walletField(ctx), ...feeLevel(p));
  return fields;
}

export function feeLevel(p: Record<string, unknown>): ApprovalField[] {
  const level = str(p, 'feeLevel');
  return level
    ? [field('Network fee', level, { hint: 'Fee level; the exact maximum is fixed when the transaction is built.' })]
    : [];
}

/** A contract call as approved: the calldata is encoded from the signature and parameters, then shown decoded. */
export function evmContractExecutionFields(p: Record<string, unknown>, ctx: ViewContext): ApprovalField[] {
  const contract = str(p, 'contractAddress');
  const signature = str(p, 'abiFunctionSignature');
  const fields: ApprovalField[] = [
    contract ? address('Contract', contract) : warning('Contract', 'The request names no contract.'),
  ];
  const value = str(p, 'amount');
  if (value && value !== '0')
    fields.push(
      field('Also sends', `${value} ${native(ctx).symbol}`, {
        style: 'amount',
        hint: 'Native coin sent to the contract with the call',
      }),
    );
  let data: string | undefined;
  try {
    data = encodeFunctionCall(signature ?? '', (Array.isArray(p.abiParameters) ? p.abiParameters : []) as AbiValue[]);
  } catch (error) {
    fields.push(
      warning(
        'Cannot encode the call',
        `The parameters do not fit the function signature: ${(error as Error).message}`,
      ),
      field('Function signature', signature ?? '(none)', { style: 'mono' }),
      field('Parameters', rawJson(p.abiParameters), { style: 'mono' }),
    );
  }
  if (data !== undefined) fields.push(...evmCallFields(data, ctx, { signature, contract }));
  fields.push(...networkField(ctx), ...walletField(ctx), ...feeLevel(p));
  return fields;
}

/** The fields of a call's calldata: function, named and typed parameters, and what it grants. */
export function evmCallFields(
  data: string,
  ctx: ViewContext,
  options: { signature?: string | undefined; contract?: string | undefined } = {},
): ApprovalField[] {
  const decoded = decodeEvmCall(data, options.signature);
  return callFields(decoded, ctx, options.contract);
}

function callFields(decoded: DecodedEvmCall, ctx: ViewContext, contract: string | undefined): ApprovalField[] {
  if (decoded.kind === 'none') return [];
  if (decoded.kind === 'unknown')
    return [
      warning(
        'Unknown function',
        `This wallet cannot decode function ${decoded.selector}. Approve only if you trust ${ctx.businessName} and this contract.`,
      ),
      field('Call data', decoded.data, { style: 'mono', hint: `${(decoded.data.length - 2) / 2} bytes` }),
    ];
  if (decoded.kind === 'malformed')
    return [
      warning('Undecodable call', `The call data is not what the function says (${decoded.reason}).`),
      field('Call data', decoded.data, { style: 'mono', hint: `${Math.max(0, (decoded.data.length - 2) / 2)} bytes` }),
    ];
  const fn = decoded.function;
  const token = contract ? knownToken(ctx.network, { address: contract }) : undefined;
  const fields: ApprovalField[] = [
    field('Function', fn.signature, {
      style: 'mono',
      hint: decoded.known?.title ?? 'Decoded with the signature in the request',
    }),
  ];
  const params = fn.inputs.map((input, i) => {
    const name = input.name ?? `argument ${i + 1}`;
    const value = decoded.values[i] as AbiValue;
    const isAmount = /^(amount|value|addedValue|subtractedValue)$/.test(input.name ?? '');
    return valueField(`${name} (${formatAbiType(input.type)})`, input.type, value, isAmount ? token : undefined);
  });
  if (params.length > 0) fields.push(section('Parameters', params));
  const grants = decoded.known?.grants;
  const arg = (name: string) => decoded.values[fn.inputs.findIndex((i) => i.name === name)];
  if (grants === 'allowance') {
    const spender = String(arg('spender') ?? '');
    const amount = toBigInt(arg('amount') ?? arg('addedValue') ?? arg('value'));
    const what = token ? token.symbol : 'this token';
    fields.push(
      warning(
        'Spending permission',
        amount === U256_MAX
          ? `Lets ${spender} spend ALL your ${what}, without limit and without asking you again.`
          : `Lets ${spender} spend your ${what} later without asking you again.`,
      ),
    );
  }
  if (grants === 'operator' && arg('approved') === true)
    fields.push(
      warning('Collection permission', `Lets ${String(arg('operator'))} move every NFT you own in this collection.`),
    );
  return fields;
}

/** One decoded ABI value, nested for arrays and tuples; amounts of a known token formatted. */
export function valueField(
  label: string,
  type: AbiType,
  value: AbiValue,
  token?: { symbol: string; decimals: number },
): ApprovalField {
  if (type.kind === 'array' || type.kind === 'tuple') {
    const items = Array.isArray(value) ? value : [];
    const inner = (i: number): AbiType => (type.kind === 'array' ? type.inner : (type.components[i] as AbiType));
    return section(
      label,
      items.map((v, i) => valueField(`[${i}] (${formatAbiType(inner(i))})`, inner(i), v)),
      items.length === 0 ? '(empty)' : '',
    );
  }
  if (type.kind === 'address') return address(label, String(value));
  if (type.kind === 'uint' || type.kind === 'int') {
    let n: bigint;
    try {
      n = BigInt(String(value));
    } catch {
      return field(label, String(value), { style: 'mono' });
    }
    const max = type.kind === 'uint' ? (1n << BigInt(type.bits)) - 1n : undefined;
    if (max !== undefined && n === max && type.bits >= 96)
      return field(label, 'Unlimited', {
        tone: 'warning',
        hint: `The largest uint${type.bits} (${String(value)}): no limit`,
      });
    if (token) return field(label, formatAmount(n, token), { style: 'amount', hint: `${String(value)} base units` });
    return field(label, String(value), { style: 'mono' });
  }
  if (type.kind === 'bool') return field(label, value === true ? 'true' : 'false');
  if (type.kind === 'string') return field(label, JSON.stringify(String(value)));
  return field(label, String(value), { style: 'mono' });
}

/** An unsigned EIP-1559 transaction: what the signature commits to. */
export function evmTransactionFields(tx: EvmUnsignedTransaction, ctx: ViewContext): ApprovalField[] {
  const fields: ApprovalField[] = [];
  const chain = knownEvmNetwork(tx.chainId);
  const nativeAsset = chain?.native ?? native(ctx);
  const decoded = decodeEvmCall(tx.data);
  const value = toBigInt(tx.value) ?? 0n;
  const token = knownToken(chain ?? ctx.network, { address: tx.to });
  if (decoded.kind === 'decoded' && decoded.known?.signature.startsWith('transfer(') && value === 0n) {
    const [to, amount] = decoded.values as [string, string];
    fields.push(
      token
        ? field('Amount', formatAmount(BigInt(amount), token), { style: 'amount', hint: `ERC-20 token at ${tx.to}` })
        : field('Amount', `${amount} base units`, { style: 'amount', hint: `Token at ${tx.to}` }),
      address('To', to),
    );
    if (!token)
      fields.push(
        warning(
          'Unknown token',
          `This extension does not know the token at ${tx.to}; the amount is in its smallest units.`,
        ),
      );
  } else {
    if (decoded.kind === 'none')
      fields.push(field('Amount', formatAmount(value, nativeAsset), { style: 'amount' }), address('To', tx.to));
    else {
      fields.push(address('Contract', tx.to));
      if (value > 0n)
        fields.push(
          field('Also sends', formatAmount(value, nativeAsset), {
            style: 'amount',
            hint: 'Native coin sent to the contract with the call',
          }),
        );
    }
    fields.push(...callFields(decoded, { ...ctx, network: chain ?? ctx.network }, tx.to));
  }
  fields.push(field('Network', chain ? chain.name : `Chain id ${tx.chainId}`, { hint: `Chain id ${tx.chainId}` }));
  if (!chain) fields.push(warning('Unknown chain', `This extension does not know chain id ${tx.chainId}.`));
  if (ctx.network?.evmChainId !== undefined && ctx.network.evmChainId !== tx.chainId)
    fields.push(
      warning(
        'Other chain',
        `The wallet is on ${ctx.network.name} (chain id ${ctx.network.evmChainId}) but this transaction is for chain id ${tx.chainId}.`,
      ),
    );
  fields.push(address('From', tx.from, 'Your wallet'));
  let maxFee: bigint | undefined;
  try {
    maxFee = evmMaxFee(tx);
  } catch {
    maxFee = undefined;
  }
  const gwei = (wei: string) => `${formatAmount(toBigInt(wei) ?? 0n, { symbol: 'gwei', decimals: 9 })}`;
  fields.push(
    maxFee === undefined
      ? warning(
          'Network fee',
          `Unreadable gas figures: ${rawJson({ gasLimit: tx.gasLimit, maxFeePerGas: tx.maxFeePerGas })}`,
        )
      : field('Network fee (max)', formatAmount(maxFee, nativeAsset), {
          style: 'amount',
          hint: `Gas limit ${tx.gasLimit} × up to ${gwei(tx.maxFeePerGas)} (tip ${gwei(tx.maxPriorityFeePerGas)})`,
        }),
    field('Nonce', String(tx.nonce)),
  );
  return fields;
}
