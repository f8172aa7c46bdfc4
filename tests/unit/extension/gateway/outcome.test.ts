import { describe, expect, it } from 'vitest';
import type { GatewayChallenge } from '../../../../extension/background/challenge-reader.js';
import { outcomeText } from '../../../../extension/gateway/outcome.js';

const base: GatewayChallenge = {
  challengeId: 'a1111111-1111-4111-8111-111111111111',
  kind: 'sign-message',
  status: 'in_progress',
  expiresAt: new Date(0).toISOString(),
  customerId: 'c1',
  businessName: 'Acme Shop',
  hasPin: true,
  hasRecovery: true,
  locked: false,
  payload: null,
  returnUrl: null,
};

describe('what the Gateway says when a request is done', () => {
  it('lists the new wallets’ addresses, Taproot marked', () => {
    const outcome = outcomeText(
      { ...base, kind: 'wallet-create' },
      {
        wallets: [
          { blockchain: 'ETH-SEPOLIA', address: '0xabc' },
          { blockchain: 'BTC-TESTNET', address: 'tb1p', addressType: 'p2tr' },
        ],
      },
    );
    expect(outcome.title).toBe('Your wallets are ready');
    expect(outcome.fields.map((f) => `${f.label}: ${f.value}`)).toEqual([
      'ETH-SEPOLIA: 0xabc',
      'BTC-TESTNET (Taproot): tb1p',
    ]);
  });

  it('shows the signature of a signed message and says the business has it', () => {
    const outcome = outcomeText(base, { signature: '0xsig' });
    expect(outcome).toMatchObject({ title: 'Signed', fields: [{ label: 'Signature', value: '0xsig' }] });
    expect(outcome.body).toContain('Acme Shop has the result');
  });

  it('shows the transaction hash of a sent transfer', () => {
    const outcome = outcomeText({ ...base, kind: 'transfer' }, { transactionHash: '0xhash', status: 'broadcast' });
    expect(outcome).toMatchObject({ title: 'Sent', fields: [{ label: 'Transaction', value: '0xhash' }] });
  });

  it('says the wallet is set up after onboarding, without fields', () => {
    expect(outcomeText({ ...base, kind: 'initialize' }, {})).toMatchObject({
      title: 'Your wallet is set up',
      fields: [],
    });
  });
});
