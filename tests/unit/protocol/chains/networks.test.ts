import { describe, expect, it } from 'vitest';
import { KNOWN_NETWORKS, knownEvmNetwork, knownNetwork, knownToken } from '../../../../protocol/chains/networks.js';

describe('known networks', () => {
  it('finds a network by registry id, and nothing for an unknown or non-string id', () => {
    expect(knownNetwork('ETH-SEPOLIA')).toMatchObject({
      family: 'evm',
      name: 'Ethereum Sepolia',
      evmChainId: 11155111,
    });
    expect(knownNetwork('eth-sepolia')).toBeUndefined();
    expect(knownNetwork(42)).toBeUndefined();
  });

  it('finds an EVM network by chain id as number, bigint or string; not a garbage id', () => {
    expect(knownEvmNetwork(8453)?.id).toBe('BASE');
    expect(knownEvmNetwork(31337n)?.id).toBe('EVM-LOCAL');
    expect(knownEvmNetwork('0x1')?.id).toBe('ETH');
    expect(knownEvmNetwork('one')).toBeUndefined();
    expect(knownEvmNetwork(999)).toBeUndefined();
  });

  it('finds tokens by id or address; EVM addresses in any casing, others exactly', () => {
    const eth = knownNetwork('ETH');
    expect(knownToken(eth, { id: 'ETH:USDC' })?.decimals).toBe(6);
    expect(knownToken(eth, { address: '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48' })?.symbol).toBe('USDC');
    const sol = knownNetwork('SOL');
    expect(knownToken(sol, { address: 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v' })?.symbol).toBe('USDC');
    expect(knownToken(sol, { address: 'epjfwdd5aufqssqem2qn1xzybapc8g4weggkzwytdt1v' })).toBeUndefined();
    expect(knownToken(undefined, { id: 'ETH:USDC' })).toBeUndefined();
  });

  it('native assets per family', () => {
    for (const n of KNOWN_NETWORKS) {
      const expected = { evm: ['ETH', 18], bitcoin: ['BTC', 8], solana: ['SOL', 9], near: ['NEAR', 24] }[n.family];
      expect([n.native.symbol, n.native.decimals]).toEqual(expected);
    }
  });
});
