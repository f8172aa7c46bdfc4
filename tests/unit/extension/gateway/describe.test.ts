import { describe, expect, it } from 'vitest';
import { describeFields, isKnownKind } from '../../../../extension/gateway/describe.js';
import { challenge, find, labels } from './approval-views/helpers.js';

describe('approval fields from a challenge payload', () => {
  it('dispatches a transfer to its chain view, then the reference, who asks and until when', () => {
    const fields = describeFields(
      challenge('transfer', {
        blockchain: 'BASE',
        fromAddress: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
        destinationAddress: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
        amounts: ['1.5'],
        tokenId: 'BASE:USDC',
        refId: 'order-77',
      }),
    );
    expect(fields.map((f) => [f.label, f.value])).toEqual([
      ['Amount', '1.5 USDC'],
      ['To', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'],
      ['Network', 'Base'],
      ['From', '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'],
      ['Reference', 'order-77'],
      ['Requested by', 'Acme Shop'],
      ['Valid until', expect.any(String)],
    ]);
  });

  it('shows only who asks and until when for a setup kind', () => {
    expect(labels(describeFields(challenge('initialize', {})))).toEqual(['Requested by', 'Valid until']);
  });

  it('wallet-create lists the networks by name', () => {
    const fields = describeFields(challenge('wallet-create', { blockchains: ['ETH-SEPOLIA', 'SOL-DEVNET', 'XYZ'] }));
    expect(find(fields, 'Wallets')).toMatchObject({
      value: 'Ethereum Sepolia, Solana Devnet, XYZ',
      hint: 'ETH-SEPOLIA, SOL-DEVNET, XYZ',
    });
  });

  it('export-private-keys warns what it means', () => {
    expect(find(describeFields(challenge('export-private-keys', {})), 'Private keys').tone).toBe('warning');
  });

  it('flags a request for a wallet this device does not hold, when the device lists its wallets', () => {
    const payload = { blockchain: 'ETH', fromAddress: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', message: 'hi' };
    const mine = describeFields(challenge('sign-message', payload), undefined, {
      ownAddresses: ['0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266'],
    });
    expect(mine.map((f) => f.label)).not.toContain('Not your wallet');
    const other = describeFields(challenge('sign-message', payload), undefined, { ownAddresses: ['bc1qxyz'] });
    expect(other[0]).toMatchObject({ label: 'Not your wallet', tone: 'warning' });
  });

  it('knows the DESIGN.md kinds and nothing else', () => {
    expect(isKnownKind('sign-typed-data')).toBe(true);
    expect(isKnownKind('constructor')).toBe(false);
  });
});
