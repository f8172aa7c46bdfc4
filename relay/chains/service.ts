/**
 * The chain service: what the API routes and the MPC engine call.
 *  - `prepareTransfer` / `prepareContractExecution`: fetch nonce/UTXOs/blockhash/fees, build the
 *    unsigned transaction, store it (`pending`, `transaction.created`), and return it with the
 *    SigningRequests both signers derive from it and the Gateway description.
 *  - `finalizeAndBroadcast`: check the signatures, assemble, store (`signed`), broadcast (`broadcast`)
 *    or record the failure (`failed`).
 *  - `estimateFees`, `getBalances` for the read endpoints; the tracker (tracker.ts) does the rest.
 */
import { formatUnits } from '../../protocol/chains/amounts.js';
import { type DescribeContext, describeTransaction } from '../../protocol/chains/describe.js';
import type { ChainSignature, FeeLevel, SigningRequest, TransactionDescription } from '../../protocol/chains/types.js';
import { assembleTransaction, signingRequestsFor, type UnsignedTransaction } from '../../protocol/chains/unsigned.js';
import { InvalidArgumentError } from '../../protocol/errors.js';
import type { Database, Queryable } from '../db/database.js';
import { ApiError } from '../http/api-error.js';
import { getWallet, type Wallet } from '../wallets/store.js';
import { createAdapter } from './adapters/index.js';
import { type Balance, type ChainAdapter, ChainOperationError, FEE_LEVELS } from './adapters/types.js';
import type { HttpOptions } from './http-client.js';
import {
  type ContractPayload,
  type ResolvedIntent,
  resolveContractCall,
  resolveTransfer,
  type TransferPayload,
} from './intent.js';
import type { ChainConfig, ChainRegistry } from './registry.js';
import {
  getTransactionByChallenge,
  getTransactionRow,
  insertTransaction,
  type TransactionOperation,
  type TransactionRecord,
  type TransactionRow,
  toRecord,
  transition,
  unsignedOf,
} from './store.js';

export interface PreparedTransaction {
  transaction: TransactionRecord;
  /** The exact unsigned transaction; Node 1 recomputes the requests from it independently. */
  unsigned: UnsignedTransaction;
  requests: SigningRequest[];
  description: TransactionDescription;
}

export interface FeeEstimate {
  /** Maximum network fee, display units of the native asset. */
  networkFee: string;
  networkFeeRaw: string;
  symbol: string;
}

export interface PrepareParams {
  organisationId: string;
  /** The wallet must belong to this customer (and organisation). */
  customerId: string;
  walletId: string;
  challengeId?: string | undefined;
  feeLevel: FeeLevel;
  refId?: string | undefined;
}

export interface ChainService {
  readonly registry: ChainRegistry;
  adapter(chainId: string): ChainAdapter;
  prepareTransfer(p: PrepareParams & { payload: TransferPayload }): Promise<PreparedTransaction>;
  prepareContractExecution(p: PrepareParams & { payload: ContractPayload }): Promise<PreparedTransaction>;
  /** The prepared transaction again (e.g. for Node 1, or after a restart mid-ceremony). */
  getPrepared(transactionId: string): Promise<PreparedTransaction | undefined>;
  finalizeAndBroadcast(transactionId: string, signatures: ChainSignature[]): Promise<TransactionRecord>;
  /** Signing failed or was abandoned: `pending` → `failed` with the reason. */
  markFailed(transactionId: string, reason: string): Promise<TransactionRecord | undefined>;
  estimateFees(
    organisationId: string,
    walletId: string,
    request: { kind: 'transfer'; payload: TransferPayload } | { kind: 'contract-execution'; payload: ContractPayload },
  ): Promise<Record<FeeLevel, FeeEstimate>>;
  getBalances(wallet: Wallet): Promise<Balance[]>;
  describeContext(chain: ChainConfig, abiFunctionSignature?: string): DescribeContext;
}

export interface ChainServiceOptions {
  db: Database;
  registry: ChainRegistry;
  log?: (line: string) => void;
  http?: HttpOptions;
  /** Replaces the adapter of a chain (tests with local fakes). */
  adapters?: Record<string, ChainAdapter>;
}

/** Maps chain-side refusals to 4xx, keeping node errors (unreachable, 5xx) as 502. */
export function toApiError(error: unknown): unknown {
  // A protocol encoder refusing a value from the request (ABI parameter, amount range…): the caller's fault.
  if (error instanceof InvalidArgumentError) {
    return new ApiError(400, 'validation_error', error.shortMessage, [
      { path: error.argument, message: error.shortMessage },
    ]);
  }
  if (error instanceof ChainOperationError) return new ApiError(422, 'chain_rejected', error.message);
  if (error instanceof Error && error.name === 'ChainRpcError')
    return new ApiError(502, 'chain_unavailable', error.message);
  return error;
}

export function createChainService(options: ChainServiceOptions): ChainService {
  const { db, registry } = options;
  const log = options.log ?? (() => undefined);
  const adapters = new Map<string, ChainAdapter>();

  function adapter(chainId: string): ChainAdapter {
    const override = options.adapters?.[chainId];
    if (override) return override;
    let a = adapters.get(chainId);
    if (!a) {
      const chain = registry.get(chainId);
      if (!chain)
        throw new ApiError(422, 'chain_not_configured', `blockchain ${chainId} is not configured on this relay`);
      a = createAdapter(chain, options.http);
      adapters.set(chainId, a);
    }
    return a;
  }

  function describeContext(chain: ChainConfig, abiFunctionSignature?: string): DescribeContext {
    return {
      native: { symbol: chain.nativeSymbol, decimals: chain.nativeDecimals },
      tokens: Object.fromEntries(chain.tokens.map((t) => [t.address, { symbol: t.symbol, decimals: t.decimals }])),
      ...(abiFunctionSignature && chain.family === 'evm' ? { abiFunctionSignature } : {}),
    };
  }

  function prepared(row: TransactionRow): PreparedTransaction {
    const unsigned = unsignedOf(row);
    const a = adapter(row.blockchain);
    return {
      transaction: toRecord(row),
      unsigned,
      requests: signingRequestsFor(unsigned),
      description: describeTransaction(unsigned, describeContext(a.chain, row.abi_function_signature ?? undefined)),
    };
  }

  async function walletFor(p: PrepareParams): Promise<Wallet> {
    const wallet = await getWallet(db, p.organisationId, p.walletId);
    if (!wallet || wallet.customerId !== p.customerId)
      throw new ApiError(404, 'not_found', `wallet ${p.walletId} not found for this customer`);
    return wallet;
  }

  async function prepare(
    p: PrepareParams,
    operation: TransactionOperation,
    resolve: (a: ChainAdapter) => Promise<ResolvedIntent>,
    abiFunctionSignature?: string,
  ): Promise<PreparedTransaction> {
    if (p.challengeId) {
      // One transaction per challenge: a retried ceremony gets the same unsigned transaction back.
      const existing = await getTransactionByChallenge(db, p.challengeId);
      if (existing) {
        if (existing.status !== 'pending')
          throw new ApiError(
            409,
            'conflict',
            `challenge ${p.challengeId} already has a ${existing.status} transaction`,
          );
        return prepared(existing);
      }
    }
    const wallet = await walletFor(p);
    const a = adapter(wallet.blockchain);
    try {
      const resolved = await resolve(a);
      const built = (await a.build(wallet, resolved.intent))[p.feeLevel];
      const row = await db.transaction((tx: Queryable) =>
        insertTransaction(tx, {
          organisationId: p.organisationId,
          customerId: p.customerId,
          walletId: wallet.id,
          challengeId: p.challengeId,
          blockchain: wallet.blockchain,
          operation,
          sourceAddress: wallet.address,
          destinationAddress: resolved.destinationAddress,
          contractAddress: resolved.intent.kind === 'contract-execution' ? resolved.intent.contract : undefined,
          tokenAddress: resolved.token?.address,
          tokenId: resolved.token?.id,
          amount: resolved.amount,
          symbol: resolved.symbol,
          feeLevel: p.feeLevel,
          networkFee: formatUnits(built.networkFee, a.chain.nativeDecimals),
          abiFunctionSignature,
          refId: p.refId,
          unsigned: built.unsigned,
        }),
      );
      return prepared(row);
    } catch (error) {
      // Two ceremonies for one challenge raced: the unique index kept the first; return it.
      if (p.challengeId && /duplicate key|unique/i.test((error as Error).message ?? '')) {
        const existing = await getTransactionByChallenge(db, p.challengeId);
        if (existing?.status === 'pending') return prepared(existing);
      }
      throw toApiError(error);
    }
  }

  return {
    registry,
    adapter,
    describeContext,

    prepareTransfer(p) {
      return prepare(p, 'transfer', (a) => resolveTransfer(registry, a, p.payload));
    },

    prepareContractExecution(p) {
      return prepare(
        p,
        'contract-execution',
        async (a) => resolveContractCall(a, p.payload),
        p.payload.abiFunctionSignature,
      );
    },

    async getPrepared(transactionId) {
      const row = await getTransactionRow(db, transactionId);
      return row ? prepared(row) : undefined;
    },

    async finalizeAndBroadcast(transactionId, signatures) {
      const row = await getTransactionRow(db, transactionId);
      if (!row) throw new ApiError(404, 'not_found', `transaction ${transactionId} not found`);
      if (row.status !== 'pending')
        throw new ApiError(409, 'conflict', `transaction ${transactionId} is ${row.status}, not pending`);
      // Assembly verifies every signature against the request and the wallet key: a bad signature
      // fails here, before anything reaches the network, and the row stays pending for a retry.
      const signed = assembleTransaction(unsignedOf(row), signatures);
      const afterSign = await db.transaction((tx) =>
        transition(tx, row.id, ['pending'], 'signed', { rawTx: signed.raw, txHash: signed.hash, nextCheckSeconds: 30 }),
      );
      if (!afterSign) throw new ApiError(409, 'conflict', `transaction ${transactionId} was finalised concurrently`);
      return broadcastSigned(row.id, row.blockchain, signed.raw, signed.hash);
    },

    async markFailed(transactionId, reason) {
      return db.transaction((tx) =>
        transition(tx, transactionId, ['pending', 'signed'], 'failed', { errorReason: reason.slice(0, 500) }),
      );
    },

    async estimateFees(organisationId, walletId, request) {
      const wallet = await getWallet(db, organisationId, walletId);
      if (!wallet) throw new ApiError(404, 'not_found', `wallet ${walletId} not found`);
      const a = adapter(wallet.blockchain);
      try {
        const resolved =
          request.kind === 'transfer'
            ? await resolveTransfer(registry, a, request.payload)
            : resolveContractCall(a, request.payload);
        const built = await a.build(wallet, resolved.intent);
        return Object.fromEntries(
          FEE_LEVELS.map((l) => [
            l,
            {
              networkFee: formatUnits(built[l].networkFee, a.chain.nativeDecimals),
              networkFeeRaw: built[l].networkFee.toString(),
              symbol: a.chain.nativeSymbol,
            },
          ]),
        ) as Record<FeeLevel, FeeEstimate>;
      } catch (error) {
        throw toApiError(error);
      }
    },

    async getBalances(wallet) {
      try {
        return await adapter(wallet.blockchain).getBalances(wallet.address);
      } catch (error) {
        throw toApiError(error);
      }
    },
  };

  /** Broadcasts a signed row; a refusal by the node marks it failed, an unreachable node leaves it for the tracker. */
  async function broadcastSigned(id: string, chainId: string, raw: string, hash: string): Promise<TransactionRecord> {
    try {
      const returned = await adapter(chainId).broadcast(raw, hash);
      if (returned && returned !== hash)
        log(`chains: ${chainId} returned id ${returned} for transaction ${id}, expected ${hash}`);
      const record = await db.transaction((tx) => transition(tx, id, ['signed'], 'broadcast', { nextCheckSeconds: 1 }));
      return record ?? toRecord((await getTransactionRow(db, id)) as TransactionRow);
    } catch (error) {
      if (error instanceof Error && error.name === 'ChainRpcError' && (error as { code?: number }).code === undefined) {
        log(`chains: broadcast of ${id} on ${chainId} deferred: ${error.message}`);
        return toRecord((await getTransactionRow(db, id)) as TransactionRow);
      }
      const reason = `broadcast rejected: ${(error as Error).message}`.slice(0, 500);
      const record = await db.transaction((tx) => transition(tx, id, ['signed'], 'failed', { errorReason: reason }));
      return record ?? toRecord((await getTransactionRow(db, id)) as TransactionRow);
    }
  }
}
