/**
 * Display facts about the built-in networks, for the Gateway: which family a challenge's `blockchain`
 * id belongs to, its human name, its native asset, the EVM chain id it must sign for, and the tokens
 * the built-in registry lists. The relay's registry (relay/chains/registry.ts) can add chains from a
 * file; the Gateway cannot see those and shows their id with a warning instead of guessing.
 */
import type { ChainFamily } from './types.js';

export interface KnownToken {
  /** Registry id, e.g. "ETH:USDC". */
  id: string;
  symbol: string;
  decimals: number;
  /** ERC-20 contract, SPL mint or NEP-141 account. */
  address: string;
}

export interface KnownNetwork {
  id: string;
  family: ChainFamily;
  name: string;
  testnet: boolean;
  native: { symbol: string; decimals: number };
  evmChainId?: number;
  tokens: readonly KnownToken[];
}

const evm = (id: string, name: string, evmChainId: number, testnet: boolean, tokens: KnownToken[] = []) => ({
  id,
  family: 'evm' as const,
  name,
  testnet,
  native: { symbol: 'ETH', decimals: 18 },
  evmChainId,
  tokens,
});
const other = (
  id: string,
  family: 'bitcoin' | 'solana' | 'near',
  name: string,
  testnet: boolean,
  tokens: KnownToken[] = [],
) => ({
  id,
  family,
  name,
  testnet,
  native: {
    bitcoin: { symbol: 'BTC', decimals: 8 },
    solana: { symbol: 'SOL', decimals: 9 },
    near: { symbol: 'NEAR', decimals: 24 },
  }[family],
  tokens,
});
const usdc = (id: string, address: string): KnownToken => ({ id: `${id}:USDC`, symbol: 'USDC', decimals: 6, address });

export const KNOWN_NETWORKS: readonly KnownNetwork[] = [
  evm('ETH', 'Ethereum', 1, false, [usdc('ETH', '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48')]),
  evm('ETH-SEPOLIA', 'Ethereum Sepolia', 11155111, true, [
    usdc('ETH-SEPOLIA', '0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238'),
  ]),
  evm('BASE', 'Base', 8453, false, [usdc('BASE', '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913')]),
  evm('BASE-SEPOLIA', 'Base Sepolia', 84532, true),
  evm('EVM-LOCAL', 'Local EVM (anvil)', 31337, true),
  other('BTC', 'bitcoin', 'Bitcoin', false),
  other('BTC-TESTNET', 'bitcoin', 'Bitcoin Testnet', true),
  other('BTC-SIGNET', 'bitcoin', 'Bitcoin Signet', true),
  other('BTC-REGTEST', 'bitcoin', 'Local Bitcoin (regtest)', true),
  other('SOL', 'solana', 'Solana', false, [usdc('SOL', 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v')]),
  other('SOL-DEVNET', 'solana', 'Solana Devnet', true),
  other('SOL-TESTNET', 'solana', 'Solana Testnet', true),
  other('SOL-LOCAL', 'solana', 'Local Solana', true),
  other('NEAR', 'near', 'NEAR', false, [
    usdc('NEAR', '17208628f84f5d6ad33f0da3bbbeb27ffcb398eac501a31bd6ad2011e36133a1'),
  ]),
  other('NEAR-TESTNET', 'near', 'NEAR Testnet', true),
  other('NEAR-LOCAL', 'near', 'Local NEAR (sandbox)', true),
];

/** The built-in network with this registry id ("ETH-SEPOLIA"), or undefined. */
export function knownNetwork(id: unknown): KnownNetwork | undefined {
  return typeof id === 'string' ? KNOWN_NETWORKS.find((n) => n.id === id) : undefined;
}

/** The built-in EVM network with this EIP-155 chain id, or undefined. */
export function knownEvmNetwork(chainId: number | bigint | string): KnownNetwork | undefined {
  let n: bigint;
  try {
    n = BigInt(chainId);
  } catch {
    return undefined;
  }
  return KNOWN_NETWORKS.find((k) => k.evmChainId !== undefined && BigInt(k.evmChainId) === n);
}

/**
 * A token of `network` by registry id or by address (EVM addresses match in any casing, others
 * exactly), or undefined.
 */
export function knownToken(
  network: KnownNetwork | undefined,
  ref: { id?: unknown; address?: unknown },
): KnownToken | undefined {
  if (!network) return undefined;
  return network.tokens.find((t) => {
    if (typeof ref.id === 'string' && t.id === ref.id) return true;
    if (typeof ref.address !== 'string') return false;
    return network.family === 'evm' ? t.address.toLowerCase() === ref.address.toLowerCase() : t.address === ref.address;
  });
}
