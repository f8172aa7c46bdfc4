/**
 * EVM JSON-RPC adapter (any node speaking the standard eth_* methods: geth, reth, anvil, providers).
 * Fees: EIP-1559 with maxFeePerGas = baseFee × m + tip, the tip from eth_maxPriorityFeePerGas.
 */
import {
  type AbiValue,
  decodeAbiParameters,
  encodeFunctionCall,
  parseAbiType,
} from '../../../protocol/chains/evm/abi.js';
import { from0x } from '../../../protocol/chains/evm/hex.js';
import {
  buildEvmContractCall,
  buildEvmNativeTransfer,
  buildEvmTokenTransfer,
  type EvmFees,
  type EvmUnsignedTransaction,
  evmMaxFee,
} from '../../../protocol/chains/evm/transaction.js';
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

const LEVELS: Record<FeeLevel, { base: [bigint, bigint]; tip: [bigint, bigint] }> = {
  low: { base: [11n, 10n], tip: [1n, 1n] },
  medium: { base: [3n, 2n], tip: [5n, 4n] },
  high: { base: [2n, 1n], tip: [2n, 1n] },
};
const FALLBACK_TIP = 1_000_000_000n;

interface Receipt {
  status: string;
  blockNumber: string;
}

export function createEvmAdapter(chain: ChainConfig, http: HttpOptions = {}): ChainAdapter {
  const rpc = new JsonRpcClient(chain.rpcUrl, chain.id, http);
  const q = (hex: string) => BigInt(hex);

  async function call(to: string, data: string): Promise<Uint8Array> {
    return from0x(await rpc.call<string>('eth_call', [{ to, data }, 'latest']), 'eth_call result');
  }

  async function tokenInfo(address: string): Promise<AssetRef> {
    const known = chain.tokens.find((t) => t.address.toLowerCase() === address.toLowerCase());
    if (known) return { address: known.address, symbol: known.symbol, decimals: known.decimals };
    try {
      const [decimals] = decodeAbiParameters(
        [parseAbiType('uint8')],
        await call(address, encodeFunctionCall('decimals()', [])),
      );
      let symbol = 'TOKEN';
      try {
        const [s] = decodeAbiParameters(
          [parseAbiType('string')],
          await call(address, encodeFunctionCall('symbol()', [])),
        );
        if (typeof s === 'string' && /^[\w.$-]{1,16}$/.test(s)) symbol = s;
      } catch {
        // symbol() is optional in ERC-20
      }
      return { address, symbol, decimals: Number(decimals) };
    } catch {
      throw new ChainOperationError(`${address} on ${chain.id} does not answer decimals(): not an ERC-20 token`);
    }
  }

  return {
    chain,
    tokenInfo,

    async getBalances(address) {
      const native = q(await rpc.call<string>('eth_getBalance', [address, 'latest']));
      return listBalances(chain, native, async (token) => {
        try {
          const [v] = decodeAbiParameters(
            [parseAbiType('uint256')],
            await call(token.address, encodeFunctionCall('balanceOf(address)', [address])),
          );
          return BigInt(v as string);
        } catch {
          return 0n; // a token not deployed on this network reads as zero rather than failing the whole list
        }
      });
    },

    async build(wallet: WalletRef, intent: TransactionIntent) {
      const evmChainId = chain.evmChainId as number;
      let to: string;
      let value: bigint;
      let data: string;
      if (intent.kind === 'transfer') {
        if (intent.token) {
          to = intent.token.address;
          value = 0n;
          data = encodeFunctionCall('transfer(address,uint256)', [intent.to, intent.amount.toString()]);
        } else {
          to = intent.to;
          value = intent.amount;
          data = '0x';
        }
      } else {
        to = intent.contract;
        value = intent.value;
        data = encodeFunctionCall(intent.abiFunctionSignature, intent.abiParameters as AbiValue[]);
      }
      const hexValue = `0x${value.toString(16)}`;
      const [nonceHex, block, tipHex, gasHex] = await Promise.all([
        rpc.call<string>('eth_getTransactionCount', [wallet.address, 'pending']),
        rpc.call<{ baseFeePerGas?: string }>('eth_getBlockByNumber', ['latest', false]),
        rpc.call<string>('eth_maxPriorityFeePerGas', []).catch(() => `0x${FALLBACK_TIP.toString(16)}`),
        rpc
          .call<string>('eth_estimateGas', [{ from: wallet.address, to, value: hexValue, data }])
          .catch((error: unknown) => {
            if (error instanceof ChainRpcError)
              throw new ChainOperationError(`the transaction would fail on ${chain.id}: ${error.message}`);
            throw error;
          }),
      ]);
      const baseFee = block?.baseFeePerGas ? q(block.baseFeePerGas) : 0n;
      const tip = q(tipHex);
      const estimated = q(gasHex);
      // 21000 is exact for a plain transfer; anything else gets 20% headroom (state can change before inclusion).
      const gasLimit = estimated === 21000n ? estimated : (estimated * 12n) / 10n;
      const common = {
        chainId: evmChainId,
        from: wallet.address,
        derivationPath: wallet.derivationPath,
        nonce: Number(q(nonceHex)),
        gasLimit: gasLimit.toString(),
      };
      const out = {} as Record<FeeLevel, BuiltTransaction>;
      for (const level of FEE_LEVELS) {
        const m = LEVELS[level];
        const priority = (tip * m.tip[0]) / m.tip[1];
        const fees: EvmFees = {
          maxFeePerGas: ((baseFee * m.base[0]) / m.base[1] + priority).toString(),
          maxPriorityFeePerGas: priority.toString(),
        };
        let unsigned: EvmUnsignedTransaction;
        if (intent.kind === 'transfer' && intent.token) {
          unsigned = buildEvmTokenTransfer({
            ...common,
            fees,
            token: intent.token.address,
            to: intent.to,
            amount: intent.amount.toString(),
          });
        } else if (intent.kind === 'transfer') {
          unsigned = buildEvmNativeTransfer({ ...common, fees, to: intent.to, value: intent.amount.toString() });
        } else {
          unsigned = buildEvmContractCall({
            ...common,
            fees,
            contract: intent.contract,
            abiFunctionSignature: intent.abiFunctionSignature,
            abiParameters: intent.abiParameters as AbiValue[],
            value: intent.value.toString(),
          });
        }
        out[level] = { unsigned, networkFee: evmMaxFee(unsigned) };
      }
      return out;
    },

    async broadcast(raw, expectedHash) {
      try {
        return await rpc.call<string>('eth_sendRawTransaction', [raw]);
      } catch (error) {
        // A retry after a lost response: the node already has exactly this transaction.
        if (error instanceof ChainRpcError && /already known/i.test(error.message)) return expectedHash;
        throw error;
      }
    },

    async getStatus(hash: string, unsigned: UnsignedTransaction): Promise<ChainTxState> {
      const receipt = await rpc.call<Receipt | null>('eth_getTransactionReceipt', [hash]);
      if (!receipt) {
        const tx = unsigned as EvmUnsignedTransaction;
        const mined = Number(q(await rpc.call<string>('eth_getTransactionCount', [tx.from, 'latest'])));
        if (mined > tx.nonce)
          return { state: 'failed', reason: `nonce ${tx.nonce} was used by another transaction (replaced or dropped)` };
        return { state: 'pending' };
      }
      const blockNumber = Number(q(receipt.blockNumber));
      if (receipt.status === '0x0') return { state: 'failed', reason: 'reverted on chain', blockNumber };
      const latest = Number(q(await rpc.call<string>('eth_blockNumber', [])));
      return latest - blockNumber + 1 >= chain.confirmations
        ? { state: 'confirmed', blockNumber }
        : { state: 'pending' };
    },
  };
}
