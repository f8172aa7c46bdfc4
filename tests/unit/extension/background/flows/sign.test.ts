import { describe, expect, it } from 'vitest';
import { isTaprootAddress } from '../../../../../extension/background/flows/sign.js';

describe('which Bitcoin wallets sign with FROST/BIP340', () => {
  it.each([
    'bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr',
    'tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c',
    'bcrt1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c',
  ])('%s is Taproot', (address) => {
    expect(isTaprootAddress(address)).toBe(true);
  });

  it.each([
    'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4',
    'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx',
    '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  ])('%s is not', (address) => {
    expect(isTaprootAddress(address)).toBe(false);
  });
});
