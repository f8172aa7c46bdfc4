/**
 * Read endpoints of the chain layer: supported chains, wallet balances, transactions, and fee
 * estimates. Transfers themselves start as challenges (relay/api); the MPC engine then calls the
 * chain service to build, sign and broadcast them.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { formatUnits } from '../../protocol/chains/amounts.js';
import { ErrorEnvelope, envelopeOf } from '../api/schemas.js';
import type { Queryable } from '../db/database.js';
import { ApiError, notFound } from '../http/api-error.js';
import { type AuthEnv, apiKeyAuth } from '../http/auth.js';
import { respond } from '../http/envelope.js';
import { PaginationInfo, PaginationQuery } from '../http/pagination.js';
import { requireJsonBody, validationHook } from '../http/validation.js';
import { getWallet } from '../wallets/store.js';
import { checkAddress } from './intent.js';
import type { ChainConfig } from './registry.js';
import type { ChainService } from './service.js';
import { getTransaction, listTransactions } from './store.js';

const Decimal = z
  .string()
  .regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'must be a decimal string such as "1.5"')
  .openapi({ example: '0.01' });
const WalletId = z.string().uuid('must be a wallet id (UUID)');
const Idempotency = z.string().min(1).max(200).optional();

const ChainSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    family: z.enum(['evm', 'bitcoin', 'solana', 'near']),
    testnet: z.boolean(),
    nativeCurrency: z.object({ symbol: z.string(), decimals: z.number().int() }),
    evmChainId: z.number().int().optional(),
    bitcoinNetwork: z.string().optional(),
    addressTypes: z
      .array(z.enum(['p2wpkh', 'p2tr']))
      .optional()
      .openapi({
        description:
          "Bitcoin only: the address types wallet-create gives a customer on this chain (one wallet row each, told apart by the wallet's addressType).",
      }),
    confirmations: z.number().int(),
    explorerTxUrl: z.string().optional(),
    tokens: z.array(
      z.object({
        id: z.string(),
        symbol: z.string(),
        decimals: z.number().int(),
        address: z.string(),
        standard: z.string(),
      }),
    ),
    features: z.object({
      transfer: z.boolean(),
      tokenTransfer: z.boolean(),
      contractExecution: z.boolean(),
      signMessage: z.boolean(),
      signTypedData: z.boolean(),
      signDelegateAction: z.boolean(),
    }),
  })
  .openapi('Chain');

const BalanceSchema = z
  .object({
    blockchain: z.string(),
    symbol: z.string(),
    amount: z.string().openapi({ description: 'Base units (wei, satoshi, lamports, yoctoNEAR).' }),
    formatted: z.string(),
    decimals: z.number().int(),
    isNative: z.boolean(),
    tokenId: z.string().nullable(),
    tokenAddress: z.string().nullable(),
  })
  .openapi('Balance');

const TransactionSchema = z
  .object({
    id: z.string().uuid(),
    customerId: z.string(),
    walletId: z.string(),
    challengeId: z.string().nullable(),
    blockchain: z.string(),
    operation: z.enum(['transfer', 'contract-execution']),
    status: z.enum(['pending', 'signed', 'broadcast', 'confirmed', 'failed']),
    sourceAddress: z.string(),
    destinationAddress: z.string(),
    contractAddress: z.string().nullable(),
    tokenAddress: z.string().nullable(),
    tokenId: z.string().nullable(),
    amounts: z.array(z.string()),
    symbol: z.string(),
    feeLevel: z.enum(['low', 'medium', 'high']),
    networkFee: z.string(),
    abiFunctionSignature: z.string().nullable(),
    refId: z.string().nullable(),
    txHash: z.string().nullable(),
    blockNumber: z.number().int().nullable(),
    errorReason: z.string().nullable(),
    signedAt: z.string().nullable(),
    broadcastAt: z.string().nullable(),
    confirmedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Transaction');

const FeeEstimateSchema = z.object({ networkFee: z.string(), networkFeeRaw: z.string(), symbol: z.string() });
const FeeEstimates = z
  .object({ low: FeeEstimateSchema, medium: FeeEstimateSchema, high: FeeEstimateSchema })
  .openapi('FeeEstimates');

export const TransferEstimateBody = z
  .object({
    walletId: WalletId,
    destinationAddress: z.string().min(1).max(128),
    tokenId: z.string().min(1).max(64).optional(),
    tokenAddress: z.string().min(1).max(128).optional(),
    amounts: z.array(Decimal).length(1, 'must hold exactly one amount'),
    idempotencyKey: Idempotency,
  })
  .strict()
  .refine((b) => !(b.tokenId && b.tokenAddress), {
    path: ['tokenAddress'],
    message: 'give tokenId or tokenAddress, not both',
  })
  .openapi('TransferFeeEstimateRequest');

export const ContractEstimateBody = z
  .object({
    walletId: WalletId,
    contractAddress: z.string().min(1).max(128),
    abiFunctionSignature: z.string().min(3).max(1024),
    abiParameters: z
      .array(z.unknown())
      .max(64)
      .default([])
      .openapi({ description: 'Values in signature order (numbers as decimal strings).' }),
    amount: Decimal.optional(),
    idempotencyKey: Idempotency,
  })
  .strict()
  .openapi('ContractExecutionFeeEstimateRequest');

const errors = {
  400: { description: 'Invalid request', content: { 'application/json': { schema: ErrorEnvelope } } },
  401: { description: 'Missing or unknown API key', content: { 'application/json': { schema: ErrorEnvelope } } },
};
const chainErrors = {
  404: { description: 'Unknown wallet', content: { 'application/json': { schema: ErrorEnvelope } } },
  422: {
    description: 'Refused by the chain (insufficient funds, reverting call, unknown chain)',
    content: { 'application/json': { schema: ErrorEnvelope } },
  },
  502: { description: 'The chain node did not answer', content: { 'application/json': { schema: ErrorEnvelope } } },
};

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema: envelopeOf(schema) } },
});

const chainsRoute = createRoute({
  method: 'get',
  path: '/config/chains',
  summary: 'Supported blockchains, their native assets, tokens and features',
  responses: { 200: json(z.object({ chains: z.array(ChainSchema) }), 'Supported chains'), ...errors },
});

const balancesRoute = createRoute({
  method: 'get',
  path: '/wallets/{id}/balances',
  summary: 'Native and token balances of a wallet',
  request: { params: z.object({ id: WalletId }) },
  responses: {
    200: json(
      z.object({ walletId: z.string(), blockchain: z.string(), address: z.string(), balances: z.array(BalanceSchema) }),
      'Balances',
    ),
    ...errors,
    ...chainErrors,
  },
});

const TransactionListQuery = PaginationQuery.extend({
  blockchain: z.string().max(32).optional(),
  status: z.enum(['pending', 'signed', 'broadcast', 'confirmed', 'failed']).optional(),
  operation: z.enum(['transfer', 'contract-execution']).optional(),
  walletIds: z
    .string()
    .max(3700)
    .optional()
    .refine(
      (s) => s === undefined || s.split(',').every((id) => /^[0-9a-f-]{36}$/i.test(id.trim())),
      'must be comma-separated wallet ids',
    ),
  customerId: z.string().uuid().optional(),
  txHash: z.string().max(200).optional(),
  destinationAddress: z.string().max(128).optional(),
  contractAddress: z.string().max(128).optional(),
  refId: z.string().max(200).optional(),
}).strict();

const listRoute = createRoute({
  method: 'get',
  path: '/transactions',
  summary: 'Transaction history',
  request: { query: TransactionListQuery },
  responses: {
    200: json(
      z.object({ transactions: z.array(TransactionSchema), pagination: PaginationInfo }),
      'A page of transactions',
    ),
    ...errors,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/transactions/{id}',
  summary: 'One transaction (status, hash, fee, error)',
  request: { params: z.object({ id: z.string().uuid('must be a transaction id (UUID)') }) },
  responses: { 200: json(TransactionSchema, 'The transaction'), 404: chainErrors[404], ...errors },
});

const transferEstimateRoute = createRoute({
  method: 'post',
  path: '/transactions/transfer/estimate-fee',
  summary: 'Network fee of a transfer at each fee level',
  request: { body: { required: true, content: { 'application/json': { schema: TransferEstimateBody } } } },
  responses: { 200: json(FeeEstimates, 'Fee estimates'), ...errors, ...chainErrors },
});

const contractEstimateRoute = createRoute({
  method: 'post',
  path: '/transactions/contract-execution/estimate-fee',
  summary: 'Network fee of a contract call at each fee level',
  request: { body: { required: true, content: { 'application/json': { schema: ContractEstimateBody } } } },
  responses: { 200: json(FeeEstimates, 'Fee estimates'), ...errors, ...chainErrors },
});

export const ValidateAddressBody = z
  .object({
    blockchain: z.string().min(1).max(32),
    address: z.string().min(1).max(256),
    idempotencyKey: Idempotency,
  })
  .strict()
  .openapi('ValidateAddressRequest');

const validateAddressRoute = createRoute({
  method: 'post',
  path: '/transactions/validate-address',
  summary: 'Whether an address is valid on a blockchain (and its normalised form)',
  request: { body: { required: true, content: { 'application/json': { schema: ValidateAddressBody } } } },
  responses: {
    200: json(
      z.object({
        isValid: z.boolean(),
        blockchain: z.string(),
        address: z.string(),
        normalized: z.string().nullable(),
        reason: z.string().nullable(),
      }),
      'Validation result',
    ),
    ...errors,
    422: chainErrors[422],
  },
});

export function chainSummary(chain: ChainConfig): z.infer<typeof ChainSchema> {
  return {
    id: chain.id,
    name: chain.name,
    family: chain.family,
    testnet: chain.testnet,
    nativeCurrency: { symbol: chain.nativeSymbol, decimals: chain.nativeDecimals },
    ...(chain.evmChainId !== undefined ? { evmChainId: chain.evmChainId } : {}),
    ...(chain.bitcoinNetwork !== undefined ? { bitcoinNetwork: chain.bitcoinNetwork } : {}),
    ...(chain.family === 'bitcoin' ? { addressTypes: ['p2wpkh' as const, 'p2tr' as const] } : {}),
    confirmations: chain.confirmations,
    ...(chain.explorerTxUrl ? { explorerTxUrl: chain.explorerTxUrl } : {}),
    tokens: chain.tokens.map((t) => ({
      id: t.id,
      symbol: t.symbol,
      decimals: t.decimals,
      address: t.address,
      standard: t.standard,
    })),
    features: {
      transfer: true,
      tokenTransfer: chain.family !== 'bitcoin',
      contractExecution: chain.family === 'evm' || chain.family === 'near',
      signMessage: true,
      signTypedData: chain.family === 'evm',
      signDelegateAction: chain.family === 'near',
    },
  };
}

/** API-key auth unless an outer middleware already authenticated this request. */
function authOnce(db: Queryable): MiddlewareHandler<AuthEnv> {
  const auth = apiKeyAuth(db);
  return async (c, next) => {
    if (c.get('organisation')) return next();
    return auth(c, next);
  };
}

export function chainRoutes(db: Queryable, chains: ChainService) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  const guard = authOnce(db);
  app.use('/config/chains', guard);
  app.use('/wallets/:id/balances', guard);
  app.use('/transactions', guard);
  app.use('/transactions/*', requireJsonBody, guard);

  app.openapi(chainsRoute, (c) =>
    respond(c, 200, 'Supported blockchains', { chains: chains.registry.list().map(chainSummary) }),
  );

  app.openapi(balancesRoute, async (c) => {
    const { id } = c.req.valid('param');
    const wallet = await getWallet(db, c.get('organisation').id, id);
    if (!wallet) throw notFound(`wallet ${id}`);
    const balances = await chains.getBalances(wallet);
    return respond(c, 200, 'Wallet balances', {
      walletId: wallet.id,
      blockchain: wallet.blockchain,
      address: wallet.address,
      balances: balances.map((b) => ({
        blockchain: wallet.blockchain,
        symbol: b.symbol,
        amount: b.amount.toString(),
        formatted: formatUnits(b.amount, b.decimals),
        decimals: b.decimals,
        isNative: b.isNative,
        tokenId: b.tokenId ?? null,
        tokenAddress: b.tokenAddress ?? null,
      })),
    });
  });

  app.openapi(listRoute, async (c) => {
    const q = c.req.valid('query');
    const walletIds = q.walletIds?.split(',').map((s) => s.trim().toLowerCase());
    const { transactions, total } = await listTransactions(db, c.get('organisation').id, { ...q, walletIds });
    return respond(c, 200, 'List of transactions', {
      transactions,
      pagination: { page: q.page, limit: q.limit, order: q.order, total },
    });
  });

  app.openapi(getRoute, async (c) => {
    const { id } = c.req.valid('param');
    const transaction = await getTransaction(db, c.get('organisation').id, id);
    if (!transaction) throw notFound(`transaction ${id}`);
    return respond(c, 200, 'Transaction retrieved', transaction);
  });

  app.openapi(validateAddressRoute, (c) => {
    const { blockchain, address } = c.req.valid('json');
    const adapter = chains.adapter(blockchain);
    try {
      const normalized = checkAddress(adapter, address, 'address');
      return respond(c, 200, 'Address validated', { isValid: true, blockchain, address, normalized, reason: null });
    } catch (error) {
      const reason = error instanceof ApiError ? (error.issues?.[0]?.message ?? error.message) : 'invalid address';
      return respond(c, 200, 'Address validated', { isValid: false, blockchain, address, normalized: null, reason });
    }
  });

  app.openapi(transferEstimateRoute, async (c) => {
    const body = c.req.valid('json');
    const estimates = await chains.estimateFees(c.get('organisation').id, body.walletId, {
      kind: 'transfer',
      payload: body,
    });
    return respond(c, 200, 'Fee estimates', estimates);
  });

  app.openapi(contractEstimateRoute, async (c) => {
    const body = c.req.valid('json');
    const estimates = await chains.estimateFees(c.get('organisation').id, body.walletId, {
      kind: 'contract-execution',
      payload: body,
    });
    return respond(c, 200, 'Fee estimates', estimates);
  });

  return app;
}
