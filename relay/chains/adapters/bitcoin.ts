/**
 * Bitcoin adapter over an Esplora REST API (blockstream.info, mempool.space, or a self-hosted
 * electrs/esplora). Fee levels from /fee-estimates: low = 144 blocks, medium = 6, high = 2.
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import { type BitcoinAddressType, bitcoinAddressFromPublicKey } from '../../../protocol/chains/bitcoin/address.js';
import { type BitcoinUnsignedTransaction, buildBitcoinTransfer } from '../../../protocol/chains/bitcoin/transaction.js';
import type { UnsignedTransaction } from '../../../protocol/chains/unsigned.js';
import { ChainRpcError, type HttpOptions, RestClient } from '../http-client.js';
import type { ChainConfig } from '../registry.js';
import {
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

interface EsploraUtxo {
  txid: string;
  vout: number;
  value: number;
  status: { confirmed: boolean };
}

interface EsploraStats {
  funded_txo_sum: number;
  spent_txo_sum: number;
}

export function bitcoinAddressType(wallet: WalletRef, network: 'mainnet' | 'testnet' | 'regtest'): BitcoinAddressType {
  const pub = hexToBytes(wallet.publicKey);
  for (const type of ['p2wpkh', 'p2tr'] as const) {
    try {
      if (bitcoinAddressFromPublicKey(pub, type, network) === wallet.address) return type;
    } catch {
      // a 32-byte key cannot be P2WPKH; try the next type
    }
  }
  throw new ChainOperationError(
    `wallet address ${wallet.address} is neither the P2WPKH nor the P2TR address of its public key`,
  );
}

export function createBitcoinAdapter(chain: ChainConfig, http: HttpOptions = {}): ChainAdapter {
  const api = new RestClient(chain.rpcUrl, chain.id, http);
  const network = chain.bitcoinNetwork as 'mainnet' | 'testnet' | 'regtest';

  return {
    chain,
    async tokenInfo() {
      throw new ChainOperationError(`${chain.id} has no tokens`);
    },

    async getBalances(address) {
      const info = await api.getJson<{ chain_stats: EsploraStats; mempool_stats: EsploraStats }>(
        `/address/${encodeURIComponent(address)}`,
      );
      const sum = (s: EsploraStats | undefined) => BigInt(s?.funded_txo_sum ?? 0) - BigInt(s?.spent_txo_sum ?? 0);
      const amount = info ? sum(info.chain_stats) + sum(info.mempool_stats) : 0n;
      // Bitcoin has no tokens in the registry: the list is the native balance alone.
      return listBalances({ ...chain, tokens: [] }, amount, async () => 0n);
    },

    async build(wallet: WalletRef, intent: TransactionIntent) {
      if (intent.kind !== 'transfer')
        throw new ChainOperationError(`contract execution is not supported on ${chain.id}`);
      if (intent.token) throw new ChainOperationError(`${chain.id} has no tokens`);
      const addressType = bitcoinAddressType(wallet, network);
      const [utxos, estimates] = await Promise.all([
        api.getJson<EsploraUtxo[]>(`/address/${encodeURIComponent(wallet.address)}/utxo`),
        api.getJson<Record<string, number>>('/fee-estimates'),
      ]);
      const rate = (targets: string[]) => {
        for (const t of targets) {
          const v = estimates?.[t];
          if (typeof v === 'number' && Number.isFinite(v) && v > 0) return Math.max(1, Math.ceil(v));
        }
        return 1;
      };
      const rates: Record<FeeLevel, number> = {
        low: rate(['144', '25', '6']),
        medium: rate(['6', '3', '2']),
        high: rate(['2', '1', '3']),
      };
      const spendable = (utxos ?? []).map((u) => ({ txid: u.txid, vout: u.vout, value: String(u.value) }));
      if (spendable.length === 0)
        throw new ChainOperationError(`wallet ${wallet.address} has no spendable outputs on ${chain.id}`);
      const out = {} as Record<FeeLevel, BuiltTransaction>;
      for (const level of FEE_LEVELS) {
        let unsigned: BitcoinUnsignedTransaction;
        try {
          unsigned = buildBitcoinTransfer({
            network,
            addressType,
            publicKey: wallet.publicKey,
            derivationPath: wallet.derivationPath,
            utxos: spendable,
            to: intent.to,
            amount: intent.amount.toString(),
            feeRate: rates[level],
          });
        } catch (error) {
          throw new ChainOperationError((error as Error).message);
        }
        out[level] = { unsigned, networkFee: BigInt(unsigned.fee) };
      }
      return out;
    },

    async broadcast(raw) {
      return (await api.postText('/tx', raw)).trim();
    },

    async getStatus(hash: string, _unsigned: UnsignedTransaction): Promise<ChainTxState> {
      const status = await api.getJson<{ confirmed: boolean; block_height?: number }>(`/tx/${hash}/status`);
      if (!status?.confirmed) return { state: 'pending' };
      const tipText = await api.getText('/blocks/tip/height');
      const tip = Number(tipText);
      if (!Number.isFinite(tip)) throw new ChainRpcError(`${chain.id}: bad tip height`);
      const height = status.block_height ?? tip;
      return tip - height + 1 >= chain.confirmations
        ? { state: 'confirmed', blockNumber: height }
        : { state: 'pending' };
    },
  };
}
