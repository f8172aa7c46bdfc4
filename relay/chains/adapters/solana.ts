/**
 * Solana JSON-RPC adapter. The blockhash from getLatestBlockhash bounds the transaction's life:
 * past `lastValidBlockHeight` without a status, it can never land and is marked failed.
 * Priority fee levels come from getRecentPrioritizationFees (0 / median / 75th percentile).
 */
import { associatedTokenAddress } from '../../../protocol/chains/solana/address.js';
import {
  buildSolanaTransfer,
  buildSplTransfer,
  type SolanaUnsignedTransaction,
} from '../../../protocol/chains/solana/transaction.js';
import type { UnsignedTransaction } from '../../../protocol/chains/unsigned.js';
import { ChainRpcError, type HttpOptions, JsonRpcClient } from '../http-client.js';
import type { ChainConfig } from '../registry.js';
import {
  type AssetRef,
  type BuiltTransaction,
  type ChainAdapter,
  ChainOperationError,
  type ChainTxState,
  FEE_LEVELS,
  type FeeLevel,
  listBalances,
  type TransactionIntent,
  type WalletRef,
} from './types.js';

const LAMPORTS_PER_SIGNATURE = 5000n;
const DEFAULT_COMPUTE_UNITS_PER_INSTRUCTION = 200_000n;

export function solanaAccountIndex(derivationPath: string): number {
  const m = /^m\/44'\/501'\/(\d+)'\/0'$/.exec(derivationPath);
  if (!m)
    throw new ChainOperationError(
      `wallet derivation path ${derivationPath} is not a Solana account path m/44'/501'/i'/0'`,
    );
  return Number(m[1]);
}

function percentile(values: bigint[], p: number): bigint {
  if (values.length === 0) return 0n;
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] as bigint;
}

export function createSolanaAdapter(chain: ChainConfig, http: HttpOptions = {}): ChainAdapter {
  const rpc = new JsonRpcClient(chain.rpcUrl, chain.id, http);

  async function tokenInfo(address: string): Promise<AssetRef> {
    const known = chain.tokens.find((t) => t.address === address);
    if (known) return { address, symbol: known.symbol, decimals: known.decimals };
    try {
      const supply = await rpc.call<{ value: { decimals: number } }>('getTokenSupply', [address]);
      return { address, symbol: 'SPL', decimals: supply.value.decimals };
    } catch {
      throw new ChainOperationError(`${address} on ${chain.id} is not an SPL token mint`);
    }
  }

  return {
    chain,
    tokenInfo,

    async getBalances(address) {
      const native = await rpc.call<{ value: number }>('getBalance', [address, { commitment: 'confirmed' }]);
      return listBalances(chain, BigInt(native.value), async (token) => {
        try {
          const r = await rpc.call<{ value: { amount: string } }>('getTokenAccountBalance', [
            associatedTokenAddress(address, token.address),
            { commitment: 'confirmed' },
          ]);
          return BigInt(r.value.amount);
        } catch (error) {
          if (!(error instanceof ChainRpcError)) throw error; // no token account yet: zero
          return 0n;
        }
      });
    },

    async build(wallet: WalletRef, intent: TransactionIntent) {
      if (intent.kind !== 'transfer')
        throw new ChainOperationError(
          `contract execution is not supported on ${chain.id} (Solana programs take instructions, not an ABI call)`,
        );
      const account = solanaAccountIndex(wallet.derivationPath);
      const [latest, recentFees] = await Promise.all([
        rpc.call<{ value: { blockhash: string; lastValidBlockHeight: number } }>('getLatestBlockhash', [
          { commitment: 'confirmed' },
        ]),
        rpc.call<{ prioritizationFee: number }[]>('getRecentPrioritizationFees', [[wallet.address]]).catch(() => []),
      ]);
      const nonZero = recentFees.map((f) => BigInt(f.prioritizationFee)).filter((f) => f > 0n);
      const prices: Record<FeeLevel, bigint> = {
        low: 0n,
        medium: percentile(nonZero, 0.5),
        high: percentile(nonZero, 0.75),
      };
      const out = {} as Record<FeeLevel, BuiltTransaction>;
      for (const level of FEE_LEVELS) {
        const base = {
          from: wallet.address,
          account,
          recentBlockhash: latest.value.blockhash,
          lastValidBlockHeight: latest.value.lastValidBlockHeight,
          computeUnitPriceMicroLamports: prices[level].toString(),
        };
        const unsigned = intent.token
          ? buildSplTransfer({
              ...base,
              to: intent.to,
              mint: intent.token.address,
              amount: intent.amount.toString(),
              decimals: intent.token.decimals,
            })
          : buildSolanaTransfer({ ...base, to: intent.to, lamports: intent.amount.toString() });
        const units = DEFAULT_COMPUTE_UNITS_PER_INSTRUCTION * BigInt(unsigned.instructions.length);
        out[level] = { unsigned, networkFee: LAMPORTS_PER_SIGNATURE + (prices[level] * units + 999_999n) / 1_000_000n };
      }
      return out;
    },

    async broadcast(raw) {
      return rpc.call<string>('sendTransaction', [raw, { encoding: 'base64', preflightCommitment: 'confirmed' }]);
    },

    async getStatus(hash: string, unsigned: UnsignedTransaction): Promise<ChainTxState> {
      const r = await rpc.call<{ value: ({ slot: number; err: unknown; confirmationStatus?: string } | null)[] }>(
        'getSignatureStatuses',
        [[hash], { searchTransactionHistory: true }],
      );
      const status = r.value[0];
      if (!status) {
        const height = await rpc.call<number>('getBlockHeight', [{ commitment: 'confirmed' }]);
        if (height > (unsigned as SolanaUnsignedTransaction).lastValidBlockHeight)
          return { state: 'failed', reason: 'blockhash expired before the transaction landed' };
        return { state: 'pending' };
      }
      if (status.err)
        return {
          state: 'failed',
          reason: `program error: ${JSON.stringify(status.err).slice(0, 200)}`,
          blockNumber: status.slot,
        };
      const done =
        status.confirmationStatus === 'finalized' ||
        (status.confirmationStatus === 'confirmed' && chain.confirmations <= 1);
      return done ? { state: 'confirmed', blockNumber: status.slot } : { state: 'pending' };
    },
  };
}
