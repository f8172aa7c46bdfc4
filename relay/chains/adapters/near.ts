/**
 * NEAR JSON-RPC adapter. The access-key nonce comes from `view_access_key` (use nonce + 1) together
 * with a recent block hash; the fee is gas × gas_price, the same at every level (NEAR has no fee
 * market; the levels exist for API symmetry).
 */
import { hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { base64 } from '@scure/base';
import {
  buildNearTokenTransfer,
  buildNearTransfer,
  DEFAULT_FUNCTION_CALL_GAS,
  type NearUnsignedTransaction,
  nearPublicKeyString,
  validateNearTransaction,
} from '../../../protocol/chains/near/transaction.js';
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

/** Gas burnt by a Transfer, rounded up (send + exec fees of action and receipt, nearcore config). */
const TRANSFER_GAS = 450_000_000_000n;
const RECEIPT_OVERHEAD_GAS = 500_000_000_000n;

export function nearAccountIndex(derivationPath: string): number {
  const m = /^m\/44'\/397'\/(\d+)'$/.exec(derivationPath);
  if (!m)
    throw new ChainOperationError(`wallet derivation path ${derivationPath} is not a NEAR account path m/44'/397'/i'`);
  return Number(m[1]);
}

export function createNearAdapter(chain: ChainConfig, http: HttpOptions = {}): ChainAdapter {
  const rpc = new JsonRpcClient(chain.rpcUrl, chain.id, http);

  async function view<T>(contract: string, method: string, args: unknown): Promise<T> {
    const r = await rpc.call<{ result: number[] }>('query', {
      request_type: 'call_function',
      finality: 'final',
      account_id: contract,
      method_name: method,
      args_base64: base64.encode(utf8ToBytes(JSON.stringify(args))),
    });
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(r.result))) as T;
  }

  async function tokenInfo(address: string): Promise<AssetRef> {
    const known = chain.tokens.find((t) => t.address === address);
    if (known) return { address, symbol: known.symbol, decimals: known.decimals };
    try {
      const meta = await view<{ symbol?: string; decimals: number }>(address, 'ft_metadata', {});
      return {
        address,
        symbol: typeof meta.symbol === 'string' && /^[\w.$-]{1,16}$/.test(meta.symbol) ? meta.symbol : 'FT',
        decimals: meta.decimals,
      };
    } catch {
      throw new ChainOperationError(`${address} on ${chain.id} does not answer ft_metadata: not a NEP-141 token`);
    }
  }

  return {
    chain,
    tokenInfo,

    async getBalances(address) {
      let native = 0n;
      try {
        const account = await rpc.call<{ amount: string }>('query', {
          request_type: 'view_account',
          finality: 'final',
          account_id: address,
        });
        native = BigInt(account.amount);
      } catch (error) {
        // An implicit account exists only once funded: unknown means zero.
        if (
          !(
            error instanceof ChainRpcError &&
            /UNKNOWN_ACCOUNT|does not exist/i.test(`${error.message} ${JSON.stringify(error.data)}`)
          )
        )
          throw error;
      }
      return listBalances(chain, native, async (token) => {
        try {
          return BigInt(await view<string>(token.address, 'ft_balance_of', { account_id: address }));
        } catch {
          return 0n;
        }
      });
    },

    async build(wallet: WalletRef, intent: TransactionIntent) {
      const account = nearAccountIndex(wallet.derivationPath);
      const publicKey = nearPublicKeyString(hexToBytes(wallet.publicKey));
      let key: { nonce: number | string; block_hash: string };
      try {
        key = await rpc.call('query', {
          request_type: 'view_access_key',
          finality: 'final',
          account_id: wallet.address,
          public_key: publicKey,
        });
      } catch (error) {
        if (error instanceof ChainRpcError)
          throw new ChainOperationError(
            `account ${wallet.address} has no access key on ${chain.id} yet (fund the implicit account first): ${error.message}`,
          );
        throw error;
      }
      const { gas_price } = await rpc.call<{ gas_price: string }>('gas_price', [null]);
      const nonce = (BigInt(key.nonce) + 1n).toString();
      const common = { signerId: wallet.address, publicKey, nonce, blockHash: key.block_hash, account };
      let unsigned: NearUnsignedTransaction;
      let gas: bigint;
      if (intent.kind === 'transfer' && !intent.token) {
        unsigned = buildNearTransfer({ ...common, to: intent.to, yocto: intent.amount.toString() });
        gas = TRANSFER_GAS;
      } else if (intent.kind === 'transfer' && intent.token) {
        unsigned = buildNearTokenTransfer({
          ...common,
          token: intent.token.address,
          to: intent.to,
          amount: intent.amount.toString(),
        });
        gas = BigInt(DEFAULT_FUNCTION_CALL_GAS) + RECEIPT_OVERHEAD_GAS;
      } else if (intent.kind === 'contract-execution') {
        // NEAR contract args are JSON (planbok-reference §6): abiFunctionSignature is the method name
        // ("ft_transfer" or "ft_transfer(…)"), abiParameters[0] the args object.
        const method = intent.abiFunctionSignature.replace(/\(.*$/s, '').trim();
        const args = intent.abiParameters.length === 0 ? {} : intent.abiParameters[0];
        if (intent.abiParameters.length > 1 || args === null || typeof args !== 'object' || Array.isArray(args)) {
          throw new ChainOperationError('on NEAR, abiParameters must be [ { …JSON args… } ] (or empty)');
        }
        unsigned = validateNearTransaction({
          family: 'near',
          ...common,
          receiverId: intent.contract,
          actions: [
            {
              type: 'FunctionCall',
              methodName: method,
              args: base64.encode(utf8ToBytes(JSON.stringify(args))),
              gas: DEFAULT_FUNCTION_CALL_GAS,
              deposit: intent.value.toString(),
            },
          ],
        });
        gas = BigInt(DEFAULT_FUNCTION_CALL_GAS) + RECEIPT_OVERHEAD_GAS;
      } else {
        throw new ChainOperationError('unsupported intent');
      }
      const fee = gas * BigInt(gas_price);
      return Object.fromEntries(FEE_LEVELS.map((l) => [l, { unsigned, networkFee: fee }])) as Record<
        FeeLevel,
        BuiltTransaction
      >;
    },

    async broadcast(raw, expectedHash) {
      await rpc.call('send_tx', { signed_tx_base64: raw, wait_until: 'NONE' });
      return expectedHash;
    },

    async getStatus(hash: string, unsigned: UnsignedTransaction): Promise<ChainTxState> {
      const tx = unsigned as NearUnsignedTransaction;
      let r: {
        status: Record<string, unknown>;
        receipts_outcome?: { outcome: { status: Record<string, unknown> } }[];
        transaction_outcome?: { block_hash: string };
      };
      try {
        r = await rpc.call('tx', { tx_hash: hash, sender_account_id: tx.signerId, wait_until: 'EXECUTED_OPTIMISTIC' });
      } catch (error) {
        if (
          error instanceof ChainRpcError &&
          /UNKNOWN_TRANSACTION|TIMEOUT_ERROR|doesn't exist/i.test(`${error.message} ${JSON.stringify(error.data)}`)
        )
          return { state: 'pending' };
        throw error;
      }
      if (!r?.status) return { state: 'pending' };
      const failure =
        r.status.Failure ?? r.receipts_outcome?.find((o) => o.outcome.status.Failure)?.outcome.status.Failure;
      if (failure) return { state: 'failed', reason: `execution failed: ${JSON.stringify(failure).slice(0, 200)}` };
      if ('SuccessValue' in r.status || 'SuccessReceiptId' in r.status)
        return { state: 'confirmed', blockNumber: undefined };
      return { state: 'pending' };
    },
  };
}
