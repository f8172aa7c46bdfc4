/**
 * The one interface every chain adapter implements, so the transaction service, the tracker and the
 * routes never branch on the chain family.
 */
import type { FeeLevel } from '../../../protocol/chains/types.js';
import type { UnsignedTransaction } from '../../../protocol/chains/unsigned.js';
import type { ChainConfig } from '../registry.js';

export type { FeeLevel };

/** The wallet fields adapters need (a row of the wallets table). */
export interface WalletRef {
  address: string;
  /** Hex: compressed secp256k1, x-only for Taproot, or 32-byte ed25519. */
  publicKey: string;
  derivationPath: string;
}

export interface AssetRef {
  /** Contract / mint / NEP-141 account. */
  address: string;
  symbol: string;
  decimals: number;
}

export type TransactionIntent =
  | { kind: 'transfer'; to: string /** base units */; amount: bigint; token: AssetRef | undefined }
  | {
      kind: 'contract-execution';
      contract: string;
      abiFunctionSignature: string;
      abiParameters: unknown[];
      /** native base units attached to the call */
      value: bigint;
    };

export interface BuiltTransaction {
  unsigned: UnsignedTransaction;
  /** Upper bound of the network fee, in native base units. */
  networkFee: bigint;
}

export interface Balance {
  symbol: string;
  decimals: number;
  /** Base units. */
  amount: bigint;
  isNative: boolean;
  /** Registry token id, for tokens. */
  tokenId: string | undefined;
  tokenAddress: string | undefined;
}

/**
 * The native balance first, then one entry per registry token. `tokenAmount` reads one token's balance and
 * decides itself which failures mean "zero" (an absent token account) and which must propagate.
 */
export async function listBalances(
  chain: Pick<ChainConfig, 'nativeSymbol' | 'nativeDecimals' | 'tokens'>,
  native: bigint,
  tokenAmount: (token: ChainConfig['tokens'][number]) => Promise<bigint>,
): Promise<Balance[]> {
  const balances: Balance[] = [
    {
      symbol: chain.nativeSymbol,
      decimals: chain.nativeDecimals,
      amount: native,
      isNative: true,
      tokenId: undefined,
      tokenAddress: undefined,
    },
  ];
  for (const token of chain.tokens) {
    balances.push({
      symbol: token.symbol,
      decimals: token.decimals,
      amount: await tokenAmount(token),
      isNative: false,
      tokenId: token.id,
      tokenAddress: token.address,
    });
  }
  return balances;
}

export type ChainTxState =
  | { state: 'pending' }
  | { state: 'confirmed'; blockNumber: number | undefined }
  | { state: 'failed'; reason: string; blockNumber?: number | undefined };

/** A refusal caused by the request or the chain state (insufficient funds, reverting call…), not by the relay. */
export class ChainOperationError extends Error {
  override readonly name = 'ChainOperationError';
}

export interface ChainAdapter {
  readonly chain: ChainConfig;
  getBalances(address: string): Promise<Balance[]>;
  /** Symbol/decimals of a token given by address, from the registry or the chain. */
  tokenInfo(address: string): Promise<AssetRef>;
  /**
   * Fetches what the chain must tell us (nonce, UTXOs, recent blockhash, fees…) and builds the
   * unsigned transaction at each fee level (one round of RPC calls for all three).
   */
  build(wallet: WalletRef, intent: TransactionIntent): Promise<Record<FeeLevel, BuiltTransaction>>;
  /** Sends the signed transaction; returns the chain's transaction id. */
  broadcast(raw: string, expectedHash: string): Promise<string>;
  getStatus(hash: string, unsigned: UnsignedTransaction): Promise<ChainTxState>;
}

export const FEE_LEVELS: FeeLevel[] = ['low', 'medium', 'high'];
