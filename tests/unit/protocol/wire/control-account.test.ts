import { describe, expect, it } from 'vitest';
import { InvalidMessageError } from '../../../../protocol/errors.js';
import {
  type AccountActivityResult,
  type AccountBalancesResult,
  type ActivityEntry,
  type ControlMessage,
  controlEnvelope,
  MAX_ACCOUNT_RESULT_BYTES,
  parseControlEnvelope,
  parseControlMessage,
} from '../../../../protocol/wire/control.js';
import { parseEnvelope } from '../../../../protocol/wire/envelope.js';
import { MAX_CONTROL_PAYLOAD_BYTES } from '../../../../protocol/wire/limits.js';

function refusal(fn: () => unknown): InvalidMessageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidMessageError);
    return error as InvalidMessageError;
  }
  throw new Error('expected a refusal');
}

const WALLET_ID = '0b9d1c7e-3f52-4f7a-9a0e-8d7c1e2f3a4b';

const balances = (): AccountBalancesResult => ({
  type: 'account.balances.result',
  requestId: 'bal_1',
  wallets: [
    {
      walletId: WALLET_ID,
      blockchain: 'ETH-SEPOLIA',
      address: '0x00000000000000000000000000000000000da7a1',
      addressType: null,
      balances: [
        { symbol: 'ETH', amount: '5000000000000000000', decimals: 18 },
        { symbol: 'USDC', amount: '0', decimals: 6, tokenId: 'USDC-ETH-SEPOLIA' },
      ],
    },
    {
      walletId: 'w2',
      blockchain: 'BTC-TESTNET',
      address: 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx',
      addressType: 'p2wpkh',
      error: 'the BTC-TESTNET node did not answer',
    },
  ],
});

const entry = (): ActivityEntry => ({
  challengeId: WALLET_ID,
  kind: 'transfer',
  status: 'verified',
  createdAt: '2026-11-21T09:30:00.000Z',
  blockchain: 'EVM-LOCAL',
  amount: '1.5',
  symbol: 'ETH',
  recipient: '0x00000000000000000000000000000000000da7a1',
  transactionStatus: 'confirmed',
  transactionHash: `0x${'ab'.repeat(32)}`,
});

const activity = (): AccountActivityResult => ({
  type: 'account.activity.result',
  requestId: 'act_1',
  entries: [
    entry(),
    {
      ...entry(),
      kind: 'wallet-create',
      status: 'pending',
      blockchain: null,
      amount: null,
      symbol: null,
      recipient: null,
      transactionStatus: null,
      transactionHash: null,
    },
  ],
});

const roundTrip = (message: ControlMessage, from: 'client' | 'server') =>
  parseControlEnvelope(parseEnvelope(JSON.parse(JSON.stringify(controlEnvelope(from, message))), { from }));

describe('account query control messages', () => {
  it.each([
    [{ type: 'account.balances', requestId: 'r1' } as ControlMessage, 'client' as const],
    [{ type: 'account.activity', requestId: 'r2' } as ControlMessage, 'client' as const],
    [balances() as ControlMessage, 'server' as const],
    [activity() as ControlMessage, 'server' as const],
    [{ type: 'account.balances.result', requestId: 'r', wallets: [] } as ControlMessage, 'server' as const],
  ])('round-trips %j through JSON', (message, from) => {
    expect(roundTrip(message, from)).toEqual(message);
  });

  it('refuses a request from the server', () => {
    expect(refusal(() => parseControlMessage({ type: 'account.balances', requestId: 'r1' }, 'server')).field).toBe(
      'payload.type',
    );
  });

  it('refuses a result from the client', () => {
    expect(refusal(() => parseControlMessage(activity(), 'client')).field).toBe('payload.type');
  });

  it('refuses a request with an extra field', () => {
    const e = refusal(() =>
      parseControlMessage({ type: 'account.balances', requestId: 'r1', walletId: 'x' }, 'client'),
    );
    expect(e.field).toBe('payload.walletId');
  });

  it('refuses a request without requestId', () => {
    expect(refusal(() => parseControlMessage({ type: 'account.activity' }, 'client')).field).toBe('payload.requestId');
  });

  it('refuses a requestId that is not an id', () => {
    const e = refusal(() => parseControlMessage({ type: 'account.activity', requestId: 'a b' }, 'client'));
    expect(e.field).toBe('payload.requestId');
  });

  it('refuses wallets that are not an array', () => {
    const e = refusal(() => parseControlMessage({ ...balances(), wallets: {} }, 'server'));
    expect(e.field).toBe('payload.wallets');
  });

  it('refuses more than 50 wallets', () => {
    const w = balances().wallets[0];
    const e = refusal(() => parseControlMessage({ ...balances(), wallets: Array(51).fill(w) }, 'server'));
    expect(e.field).toBe('payload.wallets');
  });

  it('refuses a wallet that is not an object', () => {
    const e = refusal(() => parseControlMessage({ ...balances(), wallets: ['x'] }, 'server'));
    expect(e.field).toBe('payload.wallets.0');
  });

  it('refuses a wallet with both balances and error', () => {
    const m = balances();
    const e = refusal(() => parseControlMessage({ ...m, wallets: [{ ...m.wallets[0], error: 'x' }] }, 'server'));
    expect(e.field).toBe('payload.wallets.0.balances');
  });

  it('refuses a wallet with neither balances nor error', () => {
    const { balances: _b, ...bare } = balances().wallets[0] as { balances: unknown };
    const e = refusal(() => parseControlMessage({ ...balances(), wallets: [bare] }, 'server'));
    expect(e.field).toBe('payload.wallets.0.balances');
  });

  it('refuses an empty error', () => {
    const m = balances();
    const e = refusal(() => parseControlMessage({ ...m, wallets: [{ ...m.wallets[1], error: '' }] }, 'server'));
    expect(e.field).toBe('payload.wallets.0.error');
  });

  it('refuses an error longer than 200 characters', () => {
    const m = balances();
    const e = refusal(() =>
      parseControlMessage({ ...m, wallets: [{ ...m.wallets[1], error: 'x'.repeat(201) }] }, 'server'),
    );
    expect(e.field).toBe('payload.wallets.0.error');
  });

  it('refuses a lower-case chain id', () => {
    const m = balances();
    const e = refusal(() => parseControlMessage({ ...m, wallets: [{ ...m.wallets[0], blockchain: 'eth' }] }, 'server'));
    expect(e.field).toBe('payload.wallets.0.blockchain');
  });

  it('refuses an address with a space', () => {
    const m = balances();
    const e = refusal(() => parseControlMessage({ ...m, wallets: [{ ...m.wallets[0], address: '0x 1' }] }, 'server'));
    expect(e.field).toBe('payload.wallets.0.address');
  });

  it('refuses an unknown address type', () => {
    const m = balances();
    const e = refusal(() =>
      parseControlMessage({ ...m, wallets: [{ ...m.wallets[0], addressType: 'p2pkh' }] }, 'server'),
    );
    expect(e.field).toBe('payload.wallets.0.addressType');
  });

  it('refuses a missing address type', () => {
    const { addressType: _a, ...rest } = balances().wallets[0] as { addressType: unknown };
    const e = refusal(() => parseControlMessage({ ...balances(), wallets: [rest] }, 'server'));
    expect(e.field).toBe('payload.wallets.0.addressType');
  });

  it('refuses more than 12 balances in a wallet', () => {
    const m = balances();
    const many = Array(13).fill({ symbol: 'ETH', amount: '1', decimals: 18 });
    const e = refusal(() => parseControlMessage({ ...m, wallets: [{ ...m.wallets[0], balances: many }] }, 'server'));
    expect(e.field).toBe('payload.wallets.0.balances');
  });

  const withBalance = (balance: Record<string, unknown>) => {
    const m = balances();
    return { ...m, wallets: [{ ...m.wallets[0], balances: [balance] }] };
  };

  it('refuses a display-unit amount in a balance', () => {
    const e = refusal(() => parseControlMessage(withBalance({ symbol: 'ETH', amount: '1.5', decimals: 18 }), 'server'));
    expect(e.field).toBe('payload.wallets.0.balances.0.amount');
  });

  it('refuses an amount with a leading zero', () => {
    const e = refusal(() => parseControlMessage(withBalance({ symbol: 'ETH', amount: '01', decimals: 18 }), 'server'));
    expect(e.field).toBe('payload.wallets.0.balances.0.amount');
  });

  it('refuses a numeric amount', () => {
    const e = refusal(() => parseControlMessage(withBalance({ symbol: 'ETH', amount: 1, decimals: 18 }), 'server'));
    expect(e.field).toBe('payload.wallets.0.balances.0.amount');
  });

  it('refuses decimals above 36', () => {
    const e = refusal(() => parseControlMessage(withBalance({ symbol: 'ETH', amount: '1', decimals: 37 }), 'server'));
    expect(e.field).toBe('payload.wallets.0.balances.0.decimals');
  });

  it('refuses a symbol longer than 16 characters', () => {
    const e = refusal(() =>
      parseControlMessage(withBalance({ symbol: 'X'.repeat(17), amount: '1', decimals: 0 }), 'server'),
    );
    expect(e.field).toBe('payload.wallets.0.balances.0.symbol');
  });

  it('refuses a symbol with a control character', () => {
    const e = refusal(() => parseControlMessage(withBalance({ symbol: 'E\nTH', amount: '1', decimals: 0 }), 'server'));
    expect(e.field).toBe('payload.wallets.0.balances.0.symbol');
  });

  it('refuses a token id that is not an id', () => {
    const e = refusal(() =>
      parseControlMessage(withBalance({ symbol: 'USDC', amount: '1', decimals: 6, tokenId: '' }), 'server'),
    );
    expect(e.field).toBe('payload.wallets.0.balances.0.tokenId');
  });

  it('refuses an unknown field in a balance', () => {
    const e = refusal(() =>
      parseControlMessage(withBalance({ symbol: 'ETH', amount: '1', decimals: 18, usd: '3' }), 'server'),
    );
    expect(e.field).toBe('payload.wallets.0.balances.0.usd');
  });

  const withEntry = (patch: Record<string, unknown>) => ({ ...activity(), entries: [{ ...entry(), ...patch }] });

  it('refuses more than 20 activity entries', () => {
    const e = refusal(() => parseControlMessage({ ...activity(), entries: Array(21).fill(entry()) }, 'server'));
    expect(e.field).toBe('payload.entries');
  });

  it('refuses an activity entry with an unknown field', () => {
    const e = refusal(() => parseControlMessage(withEntry({ note: 'x' }), 'server'));
    expect(e.field).toBe('payload.entries.0.note');
  });

  it('refuses an activity entry with a missing field', () => {
    const { transactionHash: _h, ...rest } = entry();
    const e = refusal(() => parseControlMessage({ ...activity(), entries: [rest] }, 'server'));
    expect(e.field).toBe('payload.entries.0.transactionHash');
  });

  it('refuses an unknown activity status', () => {
    const e = refusal(() => parseControlMessage(withEntry({ status: 'done' }), 'server'));
    expect(e.field).toBe('payload.entries.0.status');
  });

  it('refuses an unknown transaction status', () => {
    const e = refusal(() => parseControlMessage(withEntry({ transactionStatus: 'mined' }), 'server'));
    expect(e.field).toBe('payload.entries.0.transactionStatus');
  });

  it('refuses a kind that is not a code', () => {
    const e = refusal(() => parseControlMessage(withEntry({ kind: 'Transfer!' }), 'server'));
    expect(e.field).toBe('payload.entries.0.kind');
  });

  it('refuses a createdAt that is not ISO 8601 UTC', () => {
    const e = refusal(() => parseControlMessage(withEntry({ createdAt: 'yesterday' }), 'server'));
    expect(e.field).toBe('payload.entries.0.createdAt');
  });

  it('refuses an amount that is not a decimal', () => {
    const e = refusal(() => parseControlMessage(withEntry({ amount: '1e18' }), 'server'));
    expect(e.field).toBe('payload.entries.0.amount');
  });

  it('refuses a recipient with a space', () => {
    const e = refusal(() => parseControlMessage(withEntry({ recipient: 'a b' }), 'server'));
    expect(e.field).toBe('payload.entries.0.recipient');
  });

  it('refuses a transaction hash with punctuation', () => {
    const e = refusal(() => parseControlMessage(withEntry({ transactionHash: '0x12-34' }), 'server'));
    expect(e.field).toBe('payload.entries.0.transactionHash');
  });

  it('refuses a blockchain that is neither a chain id nor null', () => {
    const e = refusal(() => parseControlMessage(withEntry({ blockchain: 5 }), 'server'));
    expect(e.field).toBe('payload.entries.0.blockchain');
  });

  it('accepts a result above the usual control size but refuses one above MAX_ACCOUNT_RESULT_BYTES', () => {
    const w = balances().wallets[0] as { balances: unknown[] };
    const longError = { ...balances().wallets[1], error: 'x'.repeat(200) };
    const big = { ...balances(), wallets: Array(40).fill(longError) };
    expect(JSON.stringify(big).length).toBeGreaterThan(MAX_CONTROL_PAYLOAD_BYTES);
    expect(roundTrip(big as ControlMessage, 'server')).toEqual(big);
    const huge = {
      type: 'account.balances.result',
      requestId: 'r',
      wallets: [
        { ...w, balances: [{ symbol: 'ETH', amount: '1', decimals: 1, pad: 'x'.repeat(MAX_ACCOUNT_RESULT_BYTES) }] },
      ],
    };
    const e = refusal(() => parseControlEnvelope({ ...controlEnvelope('server', huge as unknown as ControlMessage) }));
    expect(e.field).toBe('payload');
  });

  it('keeps the usual control size for a client pretending to send a result', () => {
    const big = { ...activity(), entries: Array(20).fill({ ...entry(), recipient: 'r'.repeat(128) }) };
    expect(JSON.stringify(big).length).toBeGreaterThan(MAX_CONTROL_PAYLOAD_BYTES);
    const e = refusal(() => parseControlEnvelope(controlEnvelope('client', big as ControlMessage)));
    expect(e.field).toBe('payload');
  });
});
