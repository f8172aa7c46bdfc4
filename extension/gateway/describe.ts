/**
 * Titles and fields for a challenge. `describeFields` picks the approval view for the challenge's kind
 * and chain family (extension/gateway/approval-views/*): transfers and contract calls as asked for,
 * and — once Node 2 has built it (`signable`, DESIGN.md §3) — the transaction that will actually be
 * signed, checked against the request with `checkTransactionMatchesApproval`. It never throws: a
 * payload that no view can read is shown raw under a warning.
 */

import { base64 } from '@scure/base';
import { knownNetwork } from '../../protocol/chains/networks.js';
import { parseEvmTransactionJson, parseRawEvmTransaction, solanaMessageFromRaw } from '../../protocol/chains/raw.js';
import type { ChainFamily } from '../../protocol/chains/types.js';
import type { UnsignedTransaction } from '../../protocol/chains/unsigned.js';
import type { GatewayChallenge } from '../background/challenge-reader.js';
import type { ApprovalField } from '../ui/components/approval-fields.js';
import { bitcoinTransactionFields, bitcoinTransferFields } from './approval-views/bitcoin.js';
import { field, rawFallback, section, str, type ViewContext, warning } from './approval-views/common.js';
import { evmContractExecutionFields, evmTransactionFields, evmTransferFields } from './approval-views/evm.js';
import { typedDataFields } from './approval-views/evm-typed-data.js';
import { transactionMatchFields } from './approval-views/match.js';
import { signMessageFields } from './approval-views/messages.js';
import {
  nearContractExecutionFields,
  nearDelegateActionFields,
  nearRawTransactionFields,
  nearTransactionFields,
  nearTransferFields,
} from './approval-views/near.js';
import { solanaRawTransactionFields, solanaTransactionFields, solanaTransferFields } from './approval-views/solana.js';

export const KIND_TITLES: Record<string, string> = {
  initialize: 'Set up your wallet',
  recovery: 'Set up account recovery',
  'update-pin': 'Change your PIN',
  'reset-pin': 'Reset a forgotten PIN',
  'wallet-create': 'Create wallets',
  transfer: 'Approve a transfer',
  'contract-execution': 'Approve a contract call',
  'sign-message': 'Sign a message',
  'sign-typed-data': 'Sign typed data',
  'sign-transaction': 'Sign a transaction',
  'sign-delegate-action': 'Sign a NEAR delegate action',
  'export-private-keys': 'Export your private keys',
};

export function isKnownKind(kind: string): boolean {
  return Object.hasOwn(KIND_TITLES, kind);
}

/**
 * What Node 2 derived the signing requests from (relay/chains/challenge-signing.ts `signable`):
 * the unsigned transaction it built for a transfer or contract call (shown, and checked against the
 * request), or the Solana message bytes it extracted for `sign-transaction` (base64; compared with the
 * request's own). Optional: before the ceremony starts only the approved payload is known.
 */
export interface Signable {
  unsignedTransaction?: unknown;
  message?: unknown;
}

/** Kinds whose approval is about the payload: without it there is nothing to approve. */
const NEEDS_PAYLOAD = new Set([
  'wallet-create',
  'transfer',
  'contract-execution',
  'sign-message',
  'sign-typed-data',
  'sign-transaction',
  'sign-delegate-action',
]);

/** The message bytes Node 2 signs for a Solana rawTransaction (base64), or undefined when there are none. */
function solanaMessageBase64(raw: string): string | undefined {
  try {
    return base64.encode(solanaMessageFromRaw(raw));
  } catch {
    return undefined;
  }
}

const ZERO_EVM = '0x0000000000000000000000000000000000000000';

function familyOf(
  challenge: GatewayChallenge,
  ctx: ViewContext,
  signable: Signable | undefined,
): ChainFamily | undefined {
  if (ctx.network) return ctx.network.family;
  const tx = signable?.unsignedTransaction as { family?: unknown } | undefined;
  if (tx && ['evm', 'bitcoin', 'solana', 'near'].includes(String(tx.family))) return tx.family as ChainFamily;
  if (challenge.kind === 'sign-typed-data') return 'evm';
  if (challenge.kind === 'sign-delegate-action') return 'near';
  return undefined;
}

function transactionFields(tx: UnsignedTransaction, ctx: ViewContext): ApprovalField[] {
  switch (tx.family) {
    case 'evm':
      return evmTransactionFields(tx, ctx);
    case 'bitcoin':
      return bitcoinTransactionFields(tx, ctx);
    case 'solana':
      return solanaTransactionFields(tx, ctx);
    case 'near':
      return nearTransactionFields(tx, ctx);
    default:
      return rawFallback('The transaction is of an unknown chain family.', tx);
  }
}

function intentFields(
  kind: string,
  family: ChainFamily,
  p: Record<string, unknown>,
  ctx: ViewContext,
): ApprovalField[] {
  if (kind === 'transfer') {
    if (family === 'evm') return evmTransferFields(p, ctx);
    if (family === 'bitcoin') return bitcoinTransferFields(p, ctx);
    if (family === 'solana') return solanaTransferFields(p, ctx);
    return nearTransferFields(p, ctx);
  }
  if (family === 'evm') return evmContractExecutionFields(p, ctx);
  if (family === 'near') return nearContractExecutionFields(p, ctx);
  return rawFallback(`Contract calls are not offered on ${ctx.network?.name ?? family}.`, p);
}

function signTransactionFields(
  family: ChainFamily,
  p: Record<string, unknown>,
  ctx: ViewContext,
  signable?: Signable,
): ApprovalField[] {
  const raw = str(p, 'rawTransaction');
  if (family === 'evm') {
    const wallet = { address: ctx.walletAddress ?? ZERO_EVM, derivationPath: 'm' };
    try {
      const tx =
        raw !== undefined
          ? parseRawEvmTransaction(raw, wallet)
          : parseEvmTransactionJson(JSON.parse(str(p, 'transaction') ?? 'null'), wallet);
      return evmTransactionFields(tx, ctx);
    } catch (error) {
      return rawFallback(
        `This is not an EIP-1559 transaction this wallet can show (${(error as Error).message}); it will not be signed.`,
        raw ?? p.transaction,
      );
    }
  }
  if (family === 'solana') {
    if (raw === undefined) return rawFallback('The request has no rawTransaction.', p);
    const fields = solanaRawTransactionFields(raw, ctx);
    // Node 2 signs the message it extracted from the same rawTransaction; any other bytes are suspect.
    if (signable?.message !== undefined && signable.message !== solanaMessageBase64(raw))
      fields.unshift(
        warning('Different bytes', 'The relay wants to sign other bytes than this request holds. Do not approve.'),
      );
    return fields;
  }
  if (family === 'near') return nearRawTransactionFields(raw, ctx);
  return rawFallback(`Raw transactions are not signed on ${ctx.network?.name ?? family}.`, p);
}

function viewFor(
  challenge: GatewayChallenge,
  signable: Signable | undefined,
  p: Record<string, unknown>,
  ctx: ViewContext,
): ApprovalField[] {
  const { kind } = challenge;
  if (kind === 'wallet-create') {
    const chains = Array.isArray(p.blockchains) ? p.blockchains : [];
    return [
      field('Wallets', chains.map((c) => knownNetwork(c)?.name ?? String(c)).join(', ') || '(none)', {
        hint: chains.map(String).join(', '),
      }),
    ];
  }
  if (kind === 'export-private-keys')
    return [
      warning(
        'Private keys',
        'Your full private keys will be shown on this device. Anyone who sees them can take your funds.',
      ),
    ];
  if (!NEEDS_PAYLOAD.has(kind)) return [];
  const family = familyOf(challenge, ctx, signable);
  if (kind === 'sign-message') return signMessageFields(p, family, ctx);
  if (family === undefined)
    return rawFallback(`This extension does not know the network "${ctx.blockchain ?? '(none)'}".`, p);
  if (kind === 'sign-typed-data')
    return family === 'evm'
      ? typedDataFields(p.typedData, ctx)
      : rawFallback('Typed data is signed on EVM chains only.', p);
  if (kind === 'sign-delegate-action')
    return family === 'near'
      ? nearDelegateActionFields(p.unsignedDelegateAction, ctx)
      : rawFallback('Delegate actions are NEAR only.', p);
  if (kind === 'sign-transaction') return signTransactionFields(family, p, ctx, signable);
  // transfer, contract-execution: the intent, and the built transaction once there is one.
  const tx = signable?.unsignedTransaction as UnsignedTransaction | undefined;
  if (tx === undefined) return intentFields(kind, family, p, ctx);
  const match = transactionMatchFields(kind, family, p, tx, ctx);
  const fields = [...match, ...transactionFields(tx, ctx)];
  // On a mismatch, what was asked for goes next to what was built, so the difference can be seen.
  if (match.some((f) => f.tone === 'warning'))
    fields.push(section(`What ${ctx.businessName} asked for`, intentFields(kind, family, p, ctx)));
  return fields;
}

/**
 * The fields to show for `challenge`: the chain view of its kind, then the business's reference, who
 * asks and until when. `signable` (optional) is what Node 2 built from the payload; `options` what the
 * device itself knows (its wallet addresses).
 */
export interface DescribeOptions {
  /**
   * The wallet addresses this device holds (from its own wallet store). When given, a payload whose
   * `fromAddress` is not among them is flagged: "Your wallet" labels then rest on the device's own
   * knowledge, not on the relay's word.
   */
  ownAddresses?: readonly string[];
}

const sameAddress = (a: string, b: string) =>
  a === b || (/^0x[0-9a-fA-F]{40}$/.test(a) && a.toLowerCase() === b.toLowerCase());

export function describeFields(
  challenge: GatewayChallenge,
  signable?: Signable,
  options: DescribeOptions = {},
): ApprovalField[] {
  const p = challenge.payload;
  const blockchain = p ? str(p, 'blockchain') : undefined;
  const ctx: ViewContext = {
    blockchain,
    network: knownNetwork(blockchain),
    walletAddress: p ? str(p, 'fromAddress') : undefined,
    businessName: challenge.businessName,
  };
  let fields: ApprovalField[];
  if (p === null)
    fields = NEEDS_PAYLOAD.has(challenge.kind)
      ? [warning('Details missing', 'The relay no longer has the details of this request; do not approve it.')]
      : [];
  else {
    try {
      fields = viewFor(challenge, signable, p, ctx);
    } catch (error) {
      fields = rawFallback(
        `This request could not be laid out (${(error as Error).message}).`,
        signable === undefined ? p : { request: p, built: signable },
      );
    }
  }
  const from = ctx.walletAddress;
  if (from !== undefined && options.ownAddresses && !options.ownAddresses.some((a) => sameAddress(a, from)))
    fields.unshift(warning('Not your wallet', `The request acts for ${from}, which is not a wallet on this device.`));
  const refId = p ? str(p, 'refId') : undefined;
  if (refId) fields.push(field('Reference', refId, { hint: `${challenge.businessName}'s own reference` }));
  fields.push(field('Requested by', challenge.businessName));
  fields.push(field('Valid until', new Date(challenge.expiresAt).toLocaleTimeString()));
  return fields;
}
