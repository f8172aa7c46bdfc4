/**
 * `/v2/api-keys`: list the organisation's keys (prefix only), create one (the key is returned once),
 * revoke one (never the last active key, so an organisation cannot lock itself out).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { clearApiKeyCache } from '../audit/auth-failures.js';
import { audit } from '../audit/log.js';
import { ApiError, notFound } from '../http/api-error.js';
import type { AuthEnv } from '../http/auth.js';
import { respond } from '../http/envelope.js';
import { validationHook } from '../http/validation.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../organisations/api-keys.js';
import { IdempotencyKeyField } from './challenge-schemas.js';
import { type ApiContext, apiActor } from './context.js';
import { ErrorEnvelope, envelopeOf } from './schemas.js';

const ApiKeySchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    prefix: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiKey');

const CreateApiKeyBody = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(100, 'must be at most 100 characters')
      .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters'),
    idempotencyKey: IdempotencyKeyField,
  })
  .strict()
  .openapi('CreateApiKeyRequest');

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const errors = {
  400: { description: 'Invalid request', content: json(ErrorEnvelope) },
  401: { description: 'Missing or unknown API key', content: json(ErrorEnvelope) },
  429: { description: 'Rate limited', content: json(ErrorEnvelope) },
};

export function apiKeyRoutes(api: ApiContext) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  const { db } = api;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api-keys',
      summary: "List the organisation's API keys (prefixes only)",
      tags: ['API keys'],
      responses: {
        200: { description: 'The keys', content: json(envelopeOf(z.object({ apiKeys: z.array(ApiKeySchema) }))) },
        ...errors,
      },
    }),
    async (c) => respond(c, 200, 'List of API keys', { apiKeys: await listApiKeys(db, c.get('organisation').id) }),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api-keys',
      summary: 'Create an API key (shown once)',
      tags: ['API keys'],
      request: { body: { required: true, content: json(CreateApiKeyBody) } },
      responses: {
        201: {
          description: 'The key; store it now, it cannot be shown again',
          content: json(envelopeOf(ApiKeySchema.extend({ apiKey: z.string() }))),
        },
        ...errors,
      },
    }),
    async (c) => {
      const organisation = c.get('organisation');
      const { name } = c.req.valid('json');
      const created = await db.transaction(async (tx) => {
        const result = await createApiKey(tx, organisation.id, name);
        await audit(tx, {
          organisationId: organisation.id,
          ...apiActor(c),
          action: 'api_key.created',
          target: `api_key:${result.info.id}`,
          details: { name, prefix: result.info.prefix },
        });
        return result;
      });
      return respond(c, 201, 'API key created; it is shown only now', { ...created.info, apiKey: created.apiKey });
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api-keys/{id}',
      summary: 'Revoke an API key',
      tags: ['API keys'],
      request: { params: z.object({ id: z.string().uuid('must be an API key id (UUID)') }) },
      responses: {
        200: { description: 'Revoked', content: json(envelopeOf(ApiKeySchema)) },
        404: { description: 'No such active key', content: json(ErrorEnvelope) },
        409: { description: 'Refused: it is the last active key', content: json(ErrorEnvelope) },
        ...errors,
      },
    }),
    async (c) => {
      const organisation = c.get('organisation');
      const { id } = c.req.valid('param');
      const result = await db.transaction(async (tx) => {
        const r = await revokeApiKey(tx, organisation.id, id);
        if (r.outcome === 'revoked') {
          await audit(tx, {
            organisationId: organisation.id,
            ...apiActor(c),
            action: 'api_key.revoked',
            target: `api_key:${id}`,
            details: { name: r.info?.name, prefix: r.info?.prefix },
          });
        }
        return r;
      });
      if (result.outcome === 'revoked') clearApiKeyCache(db);
      if (result.outcome === 'unknown') throw notFound(`active API key ${id}`);
      if (result.outcome === 'last') {
        throw new ApiError(409, 'last_api_key', 'refusing to revoke the last active API key; create another one first');
      }
      return respond(c, 200, 'API key revoked', result.info as NonNullable<typeof result.info>);
    },
  );

  return app;
}
