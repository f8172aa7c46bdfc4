/**
 * Whether the transaction Node 2 built is the one the business asked for, as Node 1 checks it before
 * co-signing (`checkTransactionMatchesApproval`): shown above the transaction so a mismatch is the
 * first thing the user reads. A token this extension does not know cannot be checked (its decimals
 * are unknown), and the view says so rather than claiming a match.
 */
import { type ApprovedIntent, checkTransactionMatchesApproval } from '../../../protocol/chains/approval.js';
import { knownToken } from '../../../protocol/chains/networks.js';
import type { ChainFamily } from '../../../protocol/chains/types.js';
import type { UnsignedTransaction } from '../../../protocol/chains/unsigned.js';
import { type ApprovalField, field, str, type ViewContext, warning } from './common.js';

function intentOf(kind: string, p: Record<string, unknown>, ctx: ViewContext): ApprovedIntent | string {
  const from = ctx.walletAddress;
  const nativeDecimals = ctx.network?.native.decimals;
  if (!from) return 'the request does not name the wallet';
  if (nativeDecimals === undefined) return 'the network is unknown';
  if (kind === 'transfer') {
    const to = str(p, 'destinationAddress');
    const amount = Array.isArray(p.amounts) && typeof p.amounts[0] === 'string' ? p.amounts[0] : undefined;
    if (!to || !amount || (p.amounts as unknown[]).length !== 1)
      return 'the request has no single recipient and amount';
    const tokenId = str(p, 'tokenId');
    const tokenAddress = str(p, 'tokenAddress');
    if (tokenId === undefined && tokenAddress === undefined) return { kind, from, to, amount, nativeDecimals };
    const token = knownToken(ctx.network, { id: tokenId, address: tokenAddress });
    if (!token) return 'the token is unknown to this extension, so its decimals are too';
    return { kind, from, to, amount, nativeDecimals, token: { address: token.address, decimals: token.decimals } };
  }
  const contract = str(p, 'contractAddress');
  const abiFunctionSignature = str(p, 'abiFunctionSignature');
  if (!contract || !abiFunctionSignature) return 'the request names no contract or function';
  const amount = str(p, 'amount');
  return {
    kind: 'contract-execution',
    from,
    contract,
    abiFunctionSignature,
    abiParameters: Array.isArray(p.abiParameters) ? p.abiParameters : [],
    nativeDecimals,
    ...(amount !== undefined ? { amount } : {}),
  };
}

export function transactionMatchFields(
  kind: string,
  family: ChainFamily,
  p: Record<string, unknown>,
  tx: UnsignedTransaction,
  ctx: ViewContext,
): ApprovalField[] {
  if (tx === null || typeof tx !== 'object' || tx.family !== family)
    return [warning('Wrong chain', `The transaction built is not a ${family} transaction.`)];
  const intent = intentOf(kind, p, ctx);
  if (typeof intent === 'string')
    return [warning('Not checked', `The transaction could not be checked against the request: ${intent}.`)];
  try {
    checkTransactionMatchesApproval(
      tx,
      intent,
      ctx.network?.evmChainId !== undefined ? { evmChainId: ctx.network.evmChainId } : {},
    );
  } catch (error) {
    const detail = (error as Error).message.replace(/^invalid argument "transaction": /i, '');
    return [
      field(
        'Does not match the request',
        `The relay built a transaction that differs from what ${ctx.businessName} asked for. Do not approve.`,
        { tone: 'warning', hint: `Expected ${detail.replace(/^expected /, '')}` },
      ),
    ];
  }
  return [field('Checked', 'This transaction is exactly what was requested', { tone: 'ok' })];
}
