import { describe, expect, it } from 'vitest';
import { accountLabel, familyOf, mergeAccounts } from '../../../../extension/popup/accounts-view.js';
import {
  activityAmount,
  activityKindLabel,
  activityStatus,
  chainName,
  formatBalance,
  orderedBalances,
  relativeTime,
  shortAddress,
} from '../../../../extension/popup/format.js';
import type { ActivityEntry } from '../../../../protocol/wire/control.js';

const entry = (patch: Partial<ActivityEntry> = {}): ActivityEntry => ({
  challengeId: 'c1',
  kind: 'transfer',
  status: 'verified',
  createdAt: '2026-11-21T09:00:00.000Z',
  blockchain: 'ETH-SEPOLIA',
  amount: '1.25',
  symbol: 'ETH',
  recipient: '0x00000000000000000000000000000000000da7a1',
  transactionStatus: 'confirmed',
  transactionHash: `0x${'ab'.repeat(32)}`,
  ...patch,
});

describe('formatBalance', () => {
  it('shows whole and fractional display units', () => {
    expect(formatBalance('2500000000000000000', 18)).toBe('2.5');
    expect(formatBalance('1500000000', 9)).toBe('1.5');
  });

  it('shows zero as 0', () => {
    expect(formatBalance('0', 18)).toBe('0');
  });

  it('groups thousands', () => {
    expect(formatBalance('1234567000000', 6)).toBe('1,234,567');
  });

  it('cuts after 6 decimals without rounding up', () => {
    expect(formatBalance('1999999999999999999', 18)).toBe('1.999999');
  });

  it('says "< 0.000001" for dust instead of 0', () => {
    expect(formatBalance('1', 18)).toBe('< 0.000001');
  });

  it('handles an asset without decimals', () => {
    expect(formatBalance('42', 0)).toBe('42');
  });
});

describe('orderedBalances', () => {
  it('puts the native asset first, tokens after in the relay order', () => {
    const wallet = {
      walletId: 'w',
      blockchain: 'ETH',
      address: '0x1',
      addressType: null,
      balances: [
        { symbol: 'USDC', amount: '1', decimals: 6, tokenId: 'USDC' },
        { symbol: 'ETH', amount: '1', decimals: 18 },
        { symbol: 'DAI', amount: '1', decimals: 18, tokenId: 'DAI' },
      ],
    };
    expect(orderedBalances(wallet).map((b) => b.symbol)).toEqual(['ETH', 'USDC', 'DAI']);
  });
});

describe('activity words', () => {
  it('names a finished request by what happened', () => {
    expect(activityKindLabel({ kind: 'sign-message', status: 'verified' })).toBe('Message signed');
    expect(activityKindLabel({ kind: 'wallet-create', status: 'verified' })).toBe('Wallets created');
  });

  it('names a request still open as a request', () => {
    expect(activityKindLabel({ kind: 'sign-message', status: 'pending' })).toBe('Message to sign');
  });

  it('keeps an unknown kind as it is', () => {
    expect(activityKindLabel({ kind: 'future-kind', status: 'verified' })).toBe('future-kind');
  });

  it("takes the transaction's status over the request's", () => {
    expect(activityStatus(entry())).toEqual({ text: 'Confirmed', tone: 'ok' });
    expect(activityStatus(entry({ transactionStatus: 'broadcast' })).text).toBe('Sent, not confirmed yet');
    expect(activityStatus(entry({ transactionStatus: 'failed' })).tone).toBe('bad');
  });

  it("uses the request's status without a transaction", () => {
    const open = { transactionStatus: null, transactionHash: null };
    expect(activityStatus(entry({ ...open, status: 'pending' })).text).toBe('Waiting for your approval');
    expect(activityStatus(entry({ ...open, status: 'in_progress' })).text).toBe('In progress');
    expect(activityStatus(entry({ ...open, status: 'expired' })).text).toBe('Expired');
    expect(activityStatus(entry({ ...open, status: 'failed' })).text).toBe('Failed');
    expect(activityStatus(entry({ ...open, status: 'verified' })).text).toBe('Done');
  });

  it('says amount, symbol and shortened recipient of a transfer', () => {
    expect(activityAmount(entry())).toBe('1.25 ETH to 0x000000…0da7a1');
  });

  it('says the amount without symbol before the relay built the transaction', () => {
    expect(activityAmount(entry({ symbol: null }))).toBe('1.25 to 0x000000…0da7a1');
  });

  it('says nothing for a request that moves no funds', () => {
    expect(activityAmount(entry({ amount: null, recipient: null }))).toBeNull();
  });
});

describe('relativeTime', () => {
  const at = Date.parse('2026-11-21T12:00:00.000Z');
  it.each([
    ['2026-11-21T11:59:40.000Z', 'just now'],
    ['2026-11-21T11:55:00.000Z', '5 min ago'],
    ['2026-11-21T09:00:00.000Z', '3 h ago'],
    ['2026-11-20T10:00:00.000Z', 'yesterday'],
    ['2026-11-17T12:00:00.000Z', '4 days ago'],
    ['2026-10-01T12:00:00.000Z', '2026-10-01'],
  ])('%s → %s', (iso, words) => {
    expect(relativeTime(iso, at)).toBe(words);
  });

  it('says "just now" for a time slightly ahead of the local clock', () => {
    expect(relativeTime('2026-11-21T12:00:30.000Z', at)).toBe('just now');
  });
});

describe('addresses and chains', () => {
  it('shortens a long address and keeps a short one', () => {
    expect(shortAddress('0x00000000000000000000000000000000000da7a1')).toBe('0x000000…0da7a1');
    expect(shortAddress('alice.near')).toBe('alice.near');
  });

  it('names known chains and keeps unknown ids', () => {
    expect(chainName('ETH-SEPOLIA')).toBe('Ethereum Sepolia');
    expect(chainName('FOO-1')).toBe('FOO-1');
  });

  it('reads a chain-id label as the chain name and keeps other labels', () => {
    expect(accountLabel('EVM-LOCAL')).toBe('Local EVM (anvil)');
    expect(accountLabel('Account 1')).toBe('Account 1');
  });

  it('tells the family of an address the relay returned', () => {
    expect(familyOf('0x00000000000000000000000000000000000da7a1')).toBe('evm');
    expect(familyOf('tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx')).toBe('bitcoin');
    expect(familyOf('7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV')).toBe('solana');
    expect(familyOf('alice.testnet')).toBe('near');
  });

  it("adds the relay's wallets this device does not list, once per address (EVM case-insensitive)", () => {
    const mine = [{ chain: 'evm' as const, address: '0xAbCdEf0000000000000000000000000000000001', label: 'Account 1' }];
    const wallet = (blockchain: string, address: string) => ({
      walletId: blockchain,
      blockchain,
      address,
      addressType: null,
      balances: [],
    });
    const merged = mergeAccounts(mine, [
      wallet('ETH-SEPOLIA', '0xabcdef0000000000000000000000000000000001'),
      wallet('BASE-SEPOLIA', '0xabcdef0000000000000000000000000000000001'),
      wallet('SOL-DEVNET', '7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV'),
    ]);
    expect(merged).toEqual([
      mine[0],
      { chain: 'solana', address: '7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV', label: 'SOL-DEVNET' },
    ]);
  });
});
