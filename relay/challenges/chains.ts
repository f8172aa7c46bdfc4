/**
 * Which chain family a chain id belongs to, and which challenge kinds each family supports. The chain
 * registry (relay/chains) can replace the built-in list through AppDependencies.chainFamily.
 */
import type { ChallengeKind } from './kinds.js';

export type ChainFamily = 'evm' | 'bitcoin' | 'solana' | 'near';

export type ChainFamilyLookup = (chainId: string) => ChainFamily | undefined;

const BUILT_IN: Record<string, ChainFamily> = {
  ETH: 'evm',
  'ETH-SEPOLIA': 'evm',
  BASE: 'evm',
  'BASE-SEPOLIA': 'evm',
  'EVM-LOCAL': 'evm',
  BTC: 'bitcoin',
  'BTC-TESTNET': 'bitcoin',
  'BTC-SIGNET': 'bitcoin',
  'BTC-REGTEST': 'bitcoin',
  SOL: 'solana',
  'SOL-DEVNET': 'solana',
  'SOL-TESTNET': 'solana',
  'SOL-LOCAL': 'solana',
  NEAR: 'near',
  'NEAR-TESTNET': 'near',
  'NEAR-LOCAL': 'near',
};

export const builtInChainFamily: ChainFamilyLookup = (chainId) => BUILT_IN[chainId];

/** Challenge kinds that act on one wallet, and the families that support each (planbok-reference.md §6). */
export const WALLET_OPERATION_FAMILIES: Partial<Record<ChallengeKind, readonly ChainFamily[]>> = {
  transfer: ['evm', 'bitcoin', 'solana', 'near'],
  'contract-execution': ['evm', 'solana', 'near'],
  'sign-message': ['evm', 'bitcoin', 'solana', 'near'],
  'sign-typed-data': ['evm'],
  'sign-transaction': ['evm', 'solana', 'near'],
  'sign-delegate-action': ['near'],
};

/** Bech32 prefix of a Bitcoin chain id: mainnet `bc`, regtest/local `bcrt`, other test networks `tb`. */
export function bitcoinHrp(chainId: string): 'bc' | 'tb' | 'bcrt' {
  if (/REGTEST|LOCAL/.test(chainId)) return 'bcrt';
  if (chainId === 'BTC') return 'bc';
  return 'tb';
}
