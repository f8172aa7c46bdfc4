/**
 * Challenge-creating endpoints (`POST /v2/customers/{id}/initialize`, `…/wallet/create`,
 * `…/transactions/transfer`, `…/sign/message`, …) and challenge reads. Each POST checks the customer's
 * state (PIN, recovery, lock) and, for wallet actions, that the wallet is this customer's and that its
 * chain supports the action; then stores the exact approved payload and answers with the Gateway link.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { type ChainFamily, WALLET_OPERATION_FAMILIES } from '../challenges/chains.js';
import type { ChallengeKind } from '../challenges/kinds.js';
import {
  type Challenge,
  createChallengeForCustomer,
  getCustomerChallenge,
  type JsonObject,
  listCustomerChallenges,
} from '../challenges/store.js';
import {
  checkAbiValue,
  checkAddress,
  checkBase64,
  checkEvmRawTransaction,
  checkTypedData,
  parseEvmFunctionSignature,
  parseNamedSignature,
} from '../challenges/validation.js';
import { type Customer, getCustomer } from '../customers/store.js';
import type { Queryable } from '../db/database.js';
import { ApiError, notFound } from '../http/api-error.js';
import type { AuthEnv } from '../http/auth.js';
import { respond } from '../http/envelope.js';
import { validationHook } from '../http/validation.js';
import { getWallet, type Wallet } from '../wallets/store.js';
import {
  ChallengeCreatedSchema,
  ChallengeListQuery,
  ChallengeListSchema,
  ChallengeSchema,
  ContractExecutionBody,
  RedirectOnlyBody,
  SignDelegateActionBody,
  SignMessageBody,
  SignTransactionBody,
  SignTypedDataBody,
  TransferBody,
  WalletCreateBody,
} from './challenge-schemas.js';
import { type ApiContext, apiActor, type ChainCatalog, publicBase } from './context.js';
import { ErrorEnvelope, envelopeOf } from './schemas.js';

const CustomerIdParams = z.object({ id: z.string().uuid('must be a customer id (UUID)') });
const ChallengeIdParams = CustomerIdParams.extend({ challengeId: z.string().uuid('must be a challenge id (UUID)') });

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const errorResponses = {
  400: { description: 'Invalid request', content: json(ErrorEnvelope) },
  401: { description: 'Missing or unknown API key', content: json(ErrorEnvelope) },
  404: { description: 'Unknown customer or wallet', content: json(ErrorEnvelope) },
  409: {
    description: "The customer's state does not allow this, or idempotency conflict",
    content: json(ErrorEnvelope),
  },
  422: { description: "The wallet's chain does not support this action", content: json(ErrorEnvelope) },
  423: { description: 'The customer is locked out (reset the PIN)', content: json(ErrorEnvelope) },
  429: { description: 'Rate limited', content: json(ErrorEnvelope) },
};

/** State a customer must be in for each kind (planbok-reference.md §3; DESIGN.md §4). */
const PRECONDITIONS: Record<ChallengeKind, { pin: 'required' | 'forbidden'; recovery?: true; whileLocked?: true }> = {
  initialize: { pin: 'forbidden' },
  recovery: { pin: 'required' },
  'update-pin': { pin: 'required' },
  'reset-pin': { pin: 'required', recovery: true, whileLocked: true },
  'wallet-create': { pin: 'required', recovery: true },
  transfer: { pin: 'required' },
  'contract-execution': { pin: 'required' },
  'sign-message': { pin: 'required' },
  'sign-typed-data': { pin: 'required' },
  'sign-transaction': { pin: 'required' },
  'sign-delegate-action': { pin: 'required' },
  'export-private-keys': { pin: 'required' },
};

function checkCustomerState(customer: Customer, kind: ChallengeKind) {
  const rule = PRECONDITIONS[kind];
  if (rule.pin === 'forbidden' && customer.hasPin) {
    throw new ApiError(
      409,
      'pin_already_set',
      `customer ${customer.id} is already initialised (hasPin is true); use update-pin or reset-pin`,
    );
  }
  if (rule.pin === 'required' && !customer.hasPin) {
    throw new ApiError(
      409,
      'pin_not_set',
      `customer ${customer.id} has no PIN yet (hasPin is false); create an initialize challenge first`,
    );
  }
  if (rule.recovery && !customer.hasRecovery) {
    throw new ApiError(
      409,
      'recovery_not_set',
      `customer ${customer.id} has no recovery method (hasRecovery is false); create a recovery challenge first`,
    );
  }
  if (customer.locked && !rule.whileLocked) {
    throw new ApiError(
      423,
      'customer_locked',
      `customer ${customer.id} is locked after failed PIN attempts; only reset-pin is allowed`,
    );
  }
}

function fieldError(path: string, problem: string): ApiError {
  return new ApiError(400, 'invalid_request', `invalid json: ${path}: ${problem}`, [{ path, message: problem }]);
}

function requireFamily(api: ApiContext, wallet: Wallet, kind: ChallengeKind): ChainFamily {
  const family = api.chainFamily(wallet.blockchain) ?? wallet.keyFamily;
  const allowed = WALLET_OPERATION_FAMILIES[kind] ?? [];
  if (!allowed.includes(family)) {
    throw new ApiError(
      422,
      'operation_not_supported',
      `${kind} is not supported on ${wallet.blockchain} (${family}); it works on: ${allowed.join(', ')}`,
    );
  }
  // Bitcoin message signatures are BIP-137 (ECDSA): a Taproot (FROST) wallet cannot make one.
  if (kind === 'sign-message' && wallet.addressType === 'p2tr') {
    throw new ApiError(
      422,
      'operation_not_supported',
      `sign-message is not supported for the Taproot (P2TR) wallet ${wallet.id}: Bitcoin messages are signed BIP-137 style by the P2WPKH wallet`,
    );
  }
  return family;
}

function checkDecimals(field: string, amount: unknown, decimals: number | undefined) {
  if (typeof amount !== 'string' || decimals === undefined) return;
  const fraction = amount.split('.')[1] ?? '';
  if (fraction.length > decimals)
    throw fieldError(field, `has ${fraction.length} decimal places; at most ${decimals} here`);
}

/** With the chain registry: tokenId must exist on the wallet's chain; amounts must fit their decimals. */
function checkAgainstCatalog(catalog: ChainCatalog | undefined, kind: ChallengeKind, wallet: Wallet, body: JsonObject) {
  const chain = catalog?.get(wallet.blockchain);
  if (!catalog || !chain) return;
  if (kind === 'transfer') {
    let decimals: number | undefined = chain.nativeDecimals;
    if (typeof body.tokenId === 'string') {
      const token = catalog.findToken(wallet.blockchain, body.tokenId);
      if (!token) {
        throw new ApiError(
          422,
          'unknown_token',
          `tokenId ${body.tokenId} is not a token of ${wallet.blockchain} (see GET /v2/config/chains)`,
          [{ path: 'tokenId', message: `not a token of ${wallet.blockchain}` }],
        );
      }
      decimals = token.decimals;
    } else if (typeof body.tokenAddress === 'string') {
      decimals = catalog.findToken(wallet.blockchain, body.tokenAddress)?.decimals; // unknown tokens: read on chain later
    }
    checkDecimals('amounts.0', (body.amounts as unknown[])[0], decimals);
  } else if (kind === 'contract-execution') {
    checkDecimals('amount', body.amount, chain.nativeDecimals);
  }
}

/** Per-kind checks that need the wallet's chain; returns extra payload fields to store. */
function checkWalletPayload(kind: ChallengeKind, family: ChainFamily, wallet: Wallet, body: JsonObject) {
  const chain = wallet.blockchain;
  const address = (field: string) => {
    const value = body[field];
    if (typeof value !== 'string') return;
    const problem = checkAddress(family, chain, value);
    if (problem) throw fieldError(field, `${problem} (${chain})`);
  };
  switch (kind) {
    case 'transfer':
      address('destinationAddress');
      if (body.tokenAddress !== undefined) {
        if (family === 'bitcoin') throw fieldError('tokenAddress', 'Bitcoin has no fungible tokens here; omit it');
        address('tokenAddress');
      }
      return;
    case 'contract-execution': {
      address('contractAddress');
      const signature = body.abiFunctionSignature as string;
      const params = body.abiParameters as unknown[];
      if (family === 'evm') {
        const parsed = parseEvmFunctionSignature(signature);
        if (typeof parsed === 'string') throw fieldError('abiFunctionSignature', parsed);
        if (params.length !== parsed.inputs.length) {
          throw fieldError(
            'abiParameters',
            `must hold ${parsed.inputs.length} values for ${signature}, got ${params.length}`,
          );
        }
        parsed.inputs.forEach((type, i) => {
          const problem = checkAbiValue(type, params[i], `abiParameters.${i}`);
          if (problem) throw fieldError(`abiParameters.${i}`, problem.replace(/^abiParameters\.\d+ /, ''));
        });
      } else {
        const parsed = parseNamedSignature(signature);
        if (typeof parsed === 'string') throw fieldError('abiFunctionSignature', parsed);
        if (params.length !== parsed.params.length) {
          throw fieldError(
            'abiParameters',
            `must hold ${parsed.params.length} values for ${signature}, got ${params.length}`,
          );
        }
      }
      return;
    }
    case 'sign-typed-data': {
      const problem = checkTypedData(body.typedData as string);
      if (problem) throw fieldError('typedData', problem);
      return;
    }
    case 'sign-transaction': {
      if (typeof body.rawTransaction === 'string') {
        const problem =
          family === 'evm' ? checkEvmRawTransaction(body.rawTransaction) : checkBase64(body.rawTransaction, 32_768);
        if (problem) throw fieldError('rawTransaction', problem);
      } else {
        try {
          const parsed = JSON.parse(body.transaction as string) as unknown;
          if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        } catch {
          throw fieldError('transaction', 'must be a JSON object encoded as a string');
        }
      }
      return;
    }
    default:
      return;
  }
}

/**
 * Wallets by id, remembered after the first read: the fields a challenge needs (customer, chain,
 * address, key family) never change once a wallet exists, so they need no database round trip.
 */
class WalletCache {
  private readonly entries = new Map<string, Wallet & { organisationId: string }>();

  async get(db: Queryable, organisationId: string, id: string): Promise<Wallet | undefined> {
    let entry = this.entries.get(id);
    if (!entry) {
      const wallet = await getWallet(db, organisationId, id);
      if (!wallet) return undefined;
      if (this.entries.size >= 10_000) this.entries.clear();
      entry = { ...wallet, organisationId };
      this.entries.set(id, entry);
    }
    return entry.organisationId === organisationId ? entry : undefined;
  }
}

export function challengeView(challenge: Challenge, base: string) {
  return {
    challengeId: challenge.id,
    id: challenge.id,
    customerId: challenge.customerId,
    kind: challenge.kind,
    status: challenge.status,
    redirectUrl: `${base}/gateway/${challenge.id}`,
    expiresAt: challenge.expiresAt,
    createdAt: challenge.createdAt,
  };
}

export function challengeDetailView(challenge: Challenge, base: string) {
  return {
    ...challengeView(challenge, base),
    returnUrl: challenge.returnUrl,
    payload: challenge.payload,
    result: challenge.result,
    failureReason: challenge.failureReason,
    claimedAt: challenge.claimedAt,
    completedAt: challenge.completedAt,
    prunedAt: challenge.prunedAt,
  };
}

interface ChallengeEndpoint {
  path: string;
  kind: ChallengeKind;
  body: z.ZodType;
  summary: string;
  message: string;
}

const ENDPOINTS: ChallengeEndpoint[] = [
  {
    path: 'initialize',
    kind: 'initialize',
    body: RedirectOnlyBody,
    summary: 'Start PIN and recovery setup',
    message: 'Initialization challenge created',
  },
  {
    path: 'recovery',
    kind: 'recovery',
    body: RedirectOnlyBody,
    summary: 'Set up or change the recovery method',
    message: 'Recovery challenge created',
  },
  {
    path: 'update-pin',
    kind: 'update-pin',
    body: RedirectOnlyBody,
    summary: 'Change a known PIN',
    message: 'PIN update challenge created',
  },
  {
    path: 'reset-pin',
    kind: 'reset-pin',
    body: RedirectOnlyBody,
    summary: 'Reset a forgotten PIN through recovery',
    message: 'PIN reset challenge created',
  },
  {
    path: 'wallet/create',
    kind: 'wallet-create',
    body: WalletCreateBody,
    summary: 'Create wallets on one or more chains',
    message: 'Wallet creation challenge created',
  },
  {
    path: 'transactions/transfer',
    kind: 'transfer',
    body: TransferBody,
    summary: 'Transfer native coins or fungible tokens',
    message: 'Transfer challenge created',
  },
  {
    path: 'transactions/contract-execution',
    kind: 'contract-execution',
    body: ContractExecutionBody,
    summary: 'Call a contract',
    message: 'Contract execution challenge created',
  },
  {
    path: 'sign/message',
    kind: 'sign-message',
    body: SignMessageBody,
    summary: 'Sign a message',
    message: 'Sign message challenge created',
  },
  {
    path: 'sign/typed-data',
    kind: 'sign-typed-data',
    body: SignTypedDataBody,
    summary: 'Sign EIP-712 typed data',
    message: 'Sign typed data challenge created',
  },
  {
    path: 'sign/transaction',
    kind: 'sign-transaction',
    body: SignTransactionBody,
    summary: 'Sign (not broadcast) a transaction',
    message: 'Sign transaction challenge created',
  },
  {
    path: 'sign/delegate-action',
    kind: 'sign-delegate-action',
    body: SignDelegateActionBody,
    summary: 'Sign a NEAR delegate action',
    message: 'Sign delegate action challenge created',
  },
  {
    path: 'export-private-keys',
    kind: 'export-private-keys',
    body: RedirectOnlyBody,
    summary: "Export the customer's private keys (in the Gateway only)",
    message: 'Export private keys challenge created',
  },
];

export function challengeRoutes(api: ApiContext) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  const { db } = api;
  const wallets = new WalletCache();

  for (const endpoint of ENDPOINTS) {
    const route = createRoute({
      method: 'post',
      path: `/customers/{id}/${endpoint.path}`,
      summary: endpoint.summary,
      tags: ['Challenges'],
      request: { params: CustomerIdParams, body: { required: true, content: json(endpoint.body) } },
      responses: {
        201: { description: 'Challenge created', content: json(envelopeOf(ChallengeCreatedSchema)) },
        ...errorResponses,
      },
    });
    app.openapi(route, async (c) => {
      const organisation = c.get('organisation');
      const { id: customerId } = c.req.valid('param');
      const {
        redirectUrl,
        idempotencyKey: _key,
        ...fields
      } = c.req.valid('json') as JsonObject & { redirectUrl: string };
      const walletId = typeof fields.walletId === 'string' ? fields.walletId : undefined;
      const payload: JsonObject = { ...fields };
      if (endpoint.kind === 'wallet-create') {
        const unknown = (fields.blockchains as string[]).filter((chain) => !api.chainFamily(chain));
        if (unknown.length > 0) {
          throw new ApiError(422, 'unsupported_blockchain', `unsupported blockchain(s): ${unknown.join(', ')}`, [
            { path: 'blockchains', message: `unsupported: ${unknown.join(', ')}` },
          ]);
        }
      }
      if (walletId !== undefined) {
        const wallet = await wallets.get(db, organisation.id, walletId);
        if (!wallet || wallet.customerId !== customerId) throw notFound(`wallet ${walletId} of customer ${customerId}`);
        const family = requireFamily(api, wallet, endpoint.kind);
        checkWalletPayload(endpoint.kind, family, wallet, fields);
        checkAgainstCatalog(api.chainCatalog, endpoint.kind, wallet, fields);
        payload.blockchain = wallet.blockchain;
        payload.fromAddress = wallet.address;
      }
      // One statement checks the customer's state, writes the challenge and its audit entry.
      const rule = PRECONDITIONS[endpoint.kind];
      const challenge = await createChallengeForCustomer(db, {
        organisationId: organisation.id,
        customerId,
        kind: endpoint.kind,
        payload,
        returnUrl: redirectUrl,
        ...apiActor(c),
        require: {
          hasPin: rule.pin === 'required',
          hasRecovery: rule.recovery ? true : null,
          allowLocked: rule.whileLocked === true,
        },
      });
      if (!challenge) {
        // Explain the refusal (the slow path only): unknown customer, or which flag is wrong.
        const customer = await getCustomer(db, organisation.id, customerId);
        if (!customer) throw notFound(`customer ${customerId}`);
        checkCustomerState(customer, endpoint.kind);
        throw new ApiError(409, 'customer_changed', `customer ${customerId} changed while the request ran; retry`);
      }
      return respond(c, 201, endpoint.message, challengeView(challenge, publicBase(api, c as unknown as Context)));
    });
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/customers/{id}/challenges',
      summary: "List a customer's challenges",
      tags: ['Challenges'],
      request: { params: CustomerIdParams, query: ChallengeListQuery },
      responses: {
        200: { description: 'A page of challenges', content: json(envelopeOf(ChallengeListSchema)) },
        ...errorResponses,
      },
    }),
    async (c) => {
      const organisation = c.get('organisation');
      const { id } = c.req.valid('param');
      const query = c.req.valid('query');
      if (!(await getCustomer(db, organisation.id, id))) throw notFound(`customer ${id}`);
      const { challenges, total } = await listCustomerChallenges(db, organisation.id, id, query);
      const base = publicBase(api, c as unknown as Context);
      return respond(c, 200, 'List of challenges', {
        challenges: challenges.map((ch) => challengeDetailView(ch, base)),
        pagination: { page: query.page, limit: query.limit, order: query.order, total },
      });
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/customers/{id}/challenges/{challengeId}',
      summary: 'Read a challenge (status and result)',
      tags: ['Challenges'],
      request: { params: ChallengeIdParams },
      responses: {
        200: { description: 'The challenge', content: json(envelopeOf(ChallengeSchema)) },
        ...errorResponses,
      },
    }),
    async (c) => {
      const organisation = c.get('organisation');
      const { id, challengeId } = c.req.valid('param');
      const challenge = await getCustomerChallenge(db, organisation.id, id, challengeId);
      if (!challenge) throw notFound(`challenge ${challengeId} of customer ${id}`);
      return respond(
        c,
        200,
        'Challenge retrieved',
        challengeDetailView(challenge, publicBase(api, c as unknown as Context)),
      );
    },
  );

  return app;
}
