/**
 * `/v2/wallets`: list (filters customerId, blockchain, address, refId), read, and edit metadata of the
 * organisation's customer wallets. Balances live with the chain code.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { audit } from '../audit/log.js';
import { notFound } from '../http/api-error.js';
import type { AuthEnv } from '../http/auth.js';
import { respond } from '../http/envelope.js';
import { PaginationInfo, PaginationQuery } from '../http/pagination.js';
import { validationHook } from '../http/validation.js';
import { getWallet, listWallets, updateWalletMetadata } from '../wallets/store.js';
import { type ApiContext, apiActor } from './context.js';
import { ErrorEnvelope, envelopeOf } from './schemas.js';

export const WalletSchema = z
  .object({
    id: z.string().uuid(),
    customerId: z.string().uuid(),
    blockchain: z.string(),
    address: z.string(),
    publicKey: z.string(),
    derivationPath: z.string(),
    keyFamily: z.enum(['evm', 'bitcoin', 'solana', 'near']),
    addressType: z
      .enum(['p2wpkh', 'p2tr'])
      .nullable()
      .openapi({ description: 'Bitcoin only: P2WPKH (ECDSA) or P2TR (BIP86 key path, FROST); null on other chains' }),
    accountType: z.literal('eoa'),
    name: z.string().nullable(),
    refId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Wallet');

const MetadataText = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');

const UpdateWalletBody = z
  .object({
    name: MetadataText.nullable().optional(),
    refId: MetadataText.nullable().optional(),
    metadata: z
      .object({ name: MetadataText.nullable().optional(), refId: MetadataText.nullable().optional() })
      .strict()
      .optional()
      .openapi({ description: 'Planbok-style nesting; same meaning as the top-level fields.' }),
  })
  .strict()
  .openapi('UpdateWalletRequest');

const WalletListQuery = PaginationQuery.extend({
  customerId: z.string().uuid('must be a customer id (UUID)').optional(),
  blockchain: z.string().max(40).optional(),
  address: z.string().max(128).optional(),
  refId: z.string().max(200).optional(),
});

const WalletIdParams = z.object({ id: z.string().uuid('must be a wallet id (UUID)') });
const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const errors = {
  400: { description: 'Invalid request', content: json(ErrorEnvelope) },
  401: { description: 'Missing or unknown API key', content: json(ErrorEnvelope) },
  429: { description: 'Rate limited', content: json(ErrorEnvelope) },
};

export function walletRoutes(api: ApiContext) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  const { db } = api;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/wallets',
      summary: 'List wallets',
      tags: ['Wallets'],
      request: { query: WalletListQuery },
      responses: {
        200: {
          description: 'A page of wallets',
          content: json(envelopeOf(z.object({ wallets: z.array(WalletSchema), pagination: PaginationInfo }))),
        },
        ...errors,
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const { wallets, total } = await listWallets(db, c.get('organisation').id, query);
      return respond(c, 200, 'List of wallets', {
        wallets,
        pagination: { page: query.page, limit: query.limit, order: query.order, total },
      });
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/wallets/{id}',
      summary: 'Get a wallet',
      tags: ['Wallets'],
      request: { params: WalletIdParams },
      responses: {
        200: { description: 'The wallet', content: json(envelopeOf(WalletSchema)) },
        404: { description: 'No such wallet', content: json(ErrorEnvelope) },
        ...errors,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const wallet = await getWallet(db, c.get('organisation').id, id);
      if (!wallet) throw notFound(`wallet ${id}`);
      return respond(c, 200, 'Wallet retrieved', wallet);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/wallets/{id}',
      summary: "Update a wallet's metadata (name, refId)",
      tags: ['Wallets'],
      request: { params: WalletIdParams, body: { required: true, content: json(UpdateWalletBody) } },
      responses: {
        200: { description: 'The updated wallet', content: json(envelopeOf(WalletSchema)) },
        404: { description: 'No such wallet', content: json(ErrorEnvelope) },
        ...errors,
      },
    }),
    async (c) => {
      const organisation = c.get('organisation');
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const metadata = { name: body.metadata?.name ?? body.name, refId: body.metadata?.refId ?? body.refId };
      const wallet = await db.transaction(async (tx) => {
        const updated = await updateWalletMetadata(tx, organisation.id, id, metadata);
        if (updated) {
          await audit(tx, {
            organisationId: organisation.id,
            customerId: updated.customerId,
            ...apiActor(c),
            action: 'wallet.metadata_updated',
            target: `wallet:${id}`,
            details: metadata,
          });
        }
        return updated;
      });
      if (!wallet) throw notFound(`wallet ${id}`);
      return respond(c, 200, 'Wallet updated', wallet);
    },
  );

  return app;
}
