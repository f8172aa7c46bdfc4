import { describe, expect, it } from 'vitest';
import { accountsFromResult } from '../../../../../extension/background/flows/wallet-create.js';

describe('the accounts a finished wallet-create adds to the popup', () => {
  it('names each by chain, Bitcoin by address type', () => {
    expect(
      accountsFromResult({
        wallets: [
          { blockchain: 'EVM-LOCAL', keyFamily: 'evm', address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' },
          { blockchain: 'BTC-TESTNET', keyFamily: 'bitcoin', addressType: 'p2wpkh', address: 'tb1qxyz' },
          { blockchain: 'BTC-TESTNET', keyFamily: 'bitcoin', addressType: 'p2tr', address: 'tb1pxyz' },
          { blockchain: 'SOL-DEVNET', address: '7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV' },
        ],
      }),
    ).toEqual([
      { chain: 'evm', address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', label: 'EVM-LOCAL' },
      { chain: 'bitcoin', address: 'tb1qxyz', label: 'BTC-TESTNET SegWit' },
      { chain: 'bitcoin', address: 'tb1pxyz', label: 'BTC-TESTNET Taproot' },
      { chain: 'solana', address: '7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV', label: 'SOL-DEVNET' },
    ]);
  });

  it('adds nothing for a result without wallets', () => {
    expect(accountsFromResult({})).toEqual([]);
  });
});
