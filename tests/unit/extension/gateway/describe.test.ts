import { describe, expect, it } from 'vitest';
import type { GatewayChallenge } from '../../../../extension/background/challenge-reader.js';
import { describeFields, isKnownKind } from '../../../../extension/gateway/describe.js';

const base: GatewayChallenge = {
  challengeId: '11111111-1111-4111-8111-111111111111',
  kind: 'transfer',
  status: 'pending',
  expiresAt: '2030-01-01T00:00:00.000Z',
  customerId: 'cus_1',
  businessName: 'Acme Shop',
  hasPin: true,
  hasRecovery: true,
  locked: false,
  payload: null,
  returnUrl: null,
};

describe('approval fields from a challenge payload', () => {
  it('lists recipient, amount with symbol, network and message, then who asks', () => {
    const fields = describeFields({
      ...base,
      payload: { destinationAddress: '0xabc', amount: '1.5', symbol: 'USDC', blockchain: 'BASE', message: 'hi' },
    });
    expect(fields.map((f) => [f.label, f.value])).toEqual([
      ['Recipient', '0xabc'],
      ['Amount', '1.5 USDC'],
      ['Network', 'BASE'],
      ['Message', 'hi'],
      ['Requested by', 'Acme Shop'],
      ['Valid until', expect.any(String)],
    ]);
  });

  it('shows only who asks and until when for an empty payload', () => {
    expect(describeFields(base).map((f) => f.label)).toEqual(['Requested by', 'Valid until']);
  });

  it('knows the DESIGN.md kinds and nothing else', () => {
    expect(isKnownKind('sign-typed-data')).toBe(true);
    expect(isKnownKind('constructor')).toBe(false);
  });
});
