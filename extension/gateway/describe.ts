/**
 * Titles and fields for a challenge. Only generic payload fields are known here; the per-chain
 * decoders (EVM calls, Bitcoin outputs, Solana instructions, NEAR actions) replace `describeFields`
 * for their kinds in later steps.
 */
import type { GatewayChallenge } from '../background/challenge-reader.js';
import type { ApprovalField } from '../ui/components/approval-fields.js';

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

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;

/** Generic fields from the approved payload: recipient, amount, network, message. */
export function describeFields(challenge: GatewayChallenge): ApprovalField[] {
  const p = challenge.payload ?? {};
  const fields: ApprovalField[] = [];
  const recipient = text(p.destinationAddress) ?? text(p.to) ?? text(p.recipient);
  if (recipient) fields.push({ label: 'Recipient', value: recipient, style: 'address' });
  const amount = text(p.amount);
  if (amount) {
    const symbol = text(p.symbol) ?? text(p.tokenSymbol);
    fields.push({ label: 'Amount', value: symbol ? `${amount} ${symbol}` : amount, style: 'amount' });
  }
  const network = text(p.blockchain) ?? text(p.network);
  if (network) fields.push({ label: 'Network', value: network });
  const message = text(p.message);
  if (message) fields.push({ label: 'Message', value: message, style: 'mono' });
  fields.push({ label: 'Requested by', value: challenge.businessName });
  fields.push({ label: 'Valid until', value: new Date(challenge.expiresAt).toLocaleTimeString() });
  return fields;
}
