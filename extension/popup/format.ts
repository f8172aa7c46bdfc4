/**
 * Words and numbers the popup shows for balances and activity. Pure functions (no DOM), so each rule
 * is unit-tested: amounts come from the relay in base units and are shown exactly up to 6 decimals,
 * never rounded up (a balance must not look larger than it is).
 */
import { formatUnits } from '../../protocol/chains/amounts.js';
import type { ActivityEntry, WalletBalances } from '../../protocol/wire/control.js';

const SHOWN_DECIMALS = 6;

/** "2.5", "0.000001", "< 0.000001" for dust, "1,234.5" with thousands separators. */
export function formatBalance(amount: string, decimals: number): string {
  const exact = formatUnits(BigInt(amount), decimals);
  const [whole = '0', fraction = ''] = exact.split('.');
  const kept = fraction.slice(0, SHOWN_DECIMALS).replace(/0+$/, '');
  if (whole === '0' && kept === '' && fraction !== '') return `< 0.${'0'.repeat(SHOWN_DECIMALS - 1)}1`;
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return kept ? `${grouped}.${kept}` : grouped;
}

/** The native balance first, then tokens in the relay's order. */
export function orderedBalances(wallet: Extract<WalletBalances, { balances: unknown }>) {
  return [...wallet.balances.filter((b) => b.tokenId === undefined), ...wallet.balances.filter((b) => b.tokenId)];
}

/** `0x1234…abcd`: enough to recognise, short enough for one line; the copy button copies it whole. */
export function shortAddress(address: string): string {
  return address.length <= 16 ? address : `${address.slice(0, 8)}…${address.slice(-6)}`;
}

const KIND_WORDS: Record<string, string> = {
  initialize: 'Wallet set up',
  recovery: 'Recovery set up',
  'update-pin': 'PIN changed',
  'reset-pin': 'PIN reset',
  'wallet-create': 'Wallets created',
  transfer: 'Transfer',
  'contract-execution': 'Contract call',
  'sign-message': 'Message signed',
  'sign-typed-data': 'Typed data signed',
  'sign-transaction': 'Transaction signed',
  'sign-delegate-action': 'NEAR action signed',
  'export-private-keys': 'Keys exported',
};

const PENDING_WORDS: Record<string, string> = {
  initialize: 'Wallet set-up',
  recovery: 'Recovery set-up',
  'update-pin': 'PIN change',
  'reset-pin': 'PIN reset',
  'wallet-create': 'Wallet creation',
  'sign-message': 'Message to sign',
  'sign-typed-data': 'Typed data to sign',
  'sign-transaction': 'Transaction to sign',
  'sign-delegate-action': 'NEAR action to sign',
  'export-private-keys': 'Key export',
};

/** The kind in words; a request not (yet) done is named as a request ("Message to sign"). */
export function activityKindLabel(entry: Pick<ActivityEntry, 'kind' | 'status'>): string {
  const done = entry.status === 'verified';
  return (done ? KIND_WORDS[entry.kind] : PENDING_WORDS[entry.kind]) ?? KIND_WORDS[entry.kind] ?? entry.kind;
}

export type StatusTone = 'ok' | 'bad' | 'wait' | 'muted';

/** The status in words: the transaction's once there is one, else the request's. */
export function activityStatus(entry: ActivityEntry): { text: string; tone: StatusTone } {
  switch (entry.transactionStatus) {
    case 'confirmed':
      return { text: 'Confirmed', tone: 'ok' };
    case 'failed':
      return { text: 'Failed', tone: 'bad' };
    case 'broadcast':
    case 'signed':
      return { text: 'Sent, not confirmed yet', tone: 'wait' };
    default:
      break;
  }
  switch (entry.status) {
    case 'pending':
      return { text: 'Waiting for your approval', tone: 'wait' };
    case 'in_progress':
      return { text: 'In progress', tone: 'wait' };
    case 'verified':
      return { text: 'Done', tone: 'ok' };
    case 'failed':
      return { text: 'Failed', tone: 'bad' };
    case 'expired':
      return { text: 'Expired', tone: 'muted' };
  }
}

/** "1.25 ETH to 0x000000…0da7a1", "1.25 to …" before the relay knows the symbol, or null. */
export function activityAmount(entry: ActivityEntry): string | null {
  if (!entry.amount && !entry.recipient) return null;
  const amount = entry.amount ? `${entry.amount}${entry.symbol ? ` ${entry.symbol}` : ''}` : '';
  const to = entry.recipient ? `to ${shortAddress(entry.recipient)}` : '';
  return [amount, to].filter(Boolean).join(' ');
}

/** "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", then the date. */
export function relativeTime(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days === 1) return 'yesterday';
  if (days < 7) return `${days} days ago`;
  return new Date(iso).toISOString().slice(0, 10);
}

/** Chain ids the relay uses, in words for the popup ("EVM-LOCAL" stays as it is when unknown). */
const CHAIN_NAMES: Record<string, string> = {
  ETH: 'Ethereum',
  'ETH-SEPOLIA': 'Ethereum Sepolia',
  BASE: 'Base',
  'BASE-SEPOLIA': 'Base Sepolia',
  BTC: 'Bitcoin',
  'BTC-TESTNET': 'Bitcoin Testnet',
  'BTC-SIGNET': 'Bitcoin Signet',
  'BTC-REGTEST': 'Bitcoin (local)',
  SOL: 'Solana',
  'SOL-DEVNET': 'Solana Devnet',
  'SOL-TESTNET': 'Solana Testnet',
  'SOL-LOCAL': 'Solana (local)',
  NEAR: 'NEAR',
  'NEAR-TESTNET': 'NEAR Testnet',
  'NEAR-LOCAL': 'NEAR (local)',
  'EVM-LOCAL': 'Local EVM (anvil)',
};

export function chainName(blockchain: string): string {
  return CHAIN_NAMES[blockchain] ?? blockchain;
}
