/**
 * `/v2/webhooks`: register endpoints (the signing secret is returned once, at creation or rotation),
 * list, read, change (url, events, description, enabled, rotateSecret), delete, and see recent deliveries.
 *
 * URLs are checked here as far as the text allows (scheme, credentials, literal addresses, localhost
 * names); hostnames are resolved and checked at each delivery (webhooks/delivery.ts), where DNS answers.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { audit } from '../audit/log.js';
import { checkReturnUrl } from '../challenges/validation.js';
import { notFound } from '../http/api-error.js';
import type { AuthEnv } from '../http/auth.js';
import { respond } from '../http/envelope.js';
import { PaginationInfo, PaginationQuery } from '../http/pagination.js';
import { validationHook } from '../http/validation.js';
import { type DestinationPolicy, isLocalhostName, literalAddress, refusalFor } from '../webhooks/destination.js';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  updateWebhookEndpoint,
} from '../webhooks/endpoints.js';
import { ALL_EVENTS, WEBHOOK_EVENTS } from '../webhooks/events.js';
import { IdempotencyKeyField } from './challenge-schemas.js';
import { type ApiContext, apiActor } from './context.js';
import { ErrorEnvelope, envelopeOf } from './schemas.js';

/** Why `value` cannot be a webhook URL under `policy`, or undefined. */
export function checkWebhookUrl(value: string, policy: DestinationPolicy): string | undefined {
  const problem = checkReturnUrl(value);
  if (problem) return problem;
  const { hostname } = new URL(value); // already normalised: 0x7f.1, 2130706433 and 0177.0.0.1 read 127.0.0.1
  const address = literalAddress(hostname);
  if (address !== undefined) {
    const refused = refusalFor(address, policy);
    if (refused?.kind === 'link-local')
      return `must not target a link-local (cloud metadata) address (${refused.range})`;
    if (refused) {
      return `must not target a ${refused.kind} address (${refused.range}): this relay delivers webhooks to public addresses only (TANDEM_WEBHOOK_ALLOW_PRIVATE)`;
    }
  } else if (!policy.allowPrivate && isLocalhostName(hostname)) {
    return 'must not target localhost: this relay delivers webhooks to public addresses only (TANDEM_WEBHOOK_ALLOW_PRIVATE)';
  }
  return undefined;
}

const webhookUrl = (policy: DestinationPolicy) =>
  z
    .string()
    .max(2048, 'must be at most 2048 characters')
    .superRefine((value, ctx) => {
      const problem = checkWebhookUrl(value, policy);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .openapi({
      example: 'https://shop.example/webhooks/tandem',
      description:
        'https (http only on loopback). Delivered to public addresses only unless the relay allows private ones ' +
        '(TANDEM_WEBHOOK_ALLOW_PRIVATE); literal private addresses and localhost are refused here, hostnames at each delivery.',
    });

const Events = z
  .array(z.enum([...WEBHOOK_EVENTS, ALL_EVENTS]))
  .min(1, 'must name at least one event (or "*")')
  .refine((a) => new Set(a).size === a.length, 'must not repeat an event')
  .openapi({ example: ['challenge.completed', 'transaction.confirmed'] });

const Description = z
  .string()
  .max(500)
  .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');

const WebhookSchema = z
  .object({
    id: z.string().uuid(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Webhook');

const WithSecret = WebhookSchema.extend({
  secret: z.string().openapi({ description: 'HMAC-SHA256 key; shown only in this response.' }),
});

const createBody = (url: ReturnType<typeof webhookUrl>) =>
  z
    .object({
      url,
      events: Events,
      description: Description.optional(),
      enabled: z.boolean().default(true),
      idempotencyKey: IdempotencyKeyField,
    })
    .strict()
    .openapi('CreateWebhookRequest');

const patchBody = (url: ReturnType<typeof webhookUrl>) =>
  z
    .object({
      url: url.optional(),
      events: Events.optional(),
      description: Description.nullable().optional(),
      enabled: z.boolean().optional(),
      rotateSecret: z.boolean().optional().openapi({ description: 'Issue a new secret (returned once).' }),
    })
    .strict()
    .openapi('UpdateWebhookRequest');

const DeliverySchema = z.object({
  id: z.string(),
  event: z.string(),
  eventId: z.string(),
  status: z.enum(['pending', 'delivered', 'dead']),
  attempts: z.number().int(),
  nextAttemptAt: z.string(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});

const IdParams = z.object({ id: z.string().uuid('must be a webhook id (UUID)') });
const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const errors = {
  400: { description: 'Invalid request', content: json(ErrorEnvelope) },
  401: { description: 'Missing or unknown API key', content: json(ErrorEnvelope) },
  404: { description: 'No such webhook', content: json(ErrorEnvelope) },
  429: { description: 'Rate limited', content: json(ErrorEnvelope) },
};

export function webhookRoutes(
  api: ApiContext,
  onChange: () => void = () => undefined,
  destinations: { allowPrivateDestinations: boolean } = { allowPrivateDestinations: false },
) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  const { db } = api;
  const url = webhookUrl({ allowPrivate: destinations.allowPrivateDestinations });
  const CreateBody = createBody(url);
  const PatchBody = patchBody(url);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/webhooks',
      summary: 'List webhook endpoints',
      tags: ['Webhooks'],
      request: { query: PaginationQuery },
      responses: {
        200: {
          description: 'A page of endpoints',
          content: json(envelopeOf(z.object({ webhooks: z.array(WebhookSchema), pagination: PaginationInfo }))),
        },
        ...errors,
      },
    }),
    async (c) => {
      const page = c.req.valid('query');
      const { webhooks, total } = await listWebhookEndpoints(db, c.get('organisation').id, page);
      return respond(c, 200, 'List of webhooks', { webhooks, pagination: { ...page, total } });
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/webhooks',
      summary: 'Register a webhook endpoint',
      tags: ['Webhooks'],
      request: { body: { required: true, content: json(CreateBody) } },
      responses: {
        201: { description: 'Created; the secret is shown once', content: json(envelopeOf(WithSecret)) },
        ...errors,
      },
    }),
    async (c) => {
      const organisation = c.get('organisation');
      const body = c.req.valid('json');
      const created = await db.transaction(async (tx) => {
        const result = await createWebhookEndpoint(tx, organisation.id, body);
        await audit(tx, {
          organisationId: organisation.id,
          ...apiActor(c),
          action: 'webhook.created',
          target: `webhook:${result.endpoint.id}`,
          details: { url: body.url, events: body.events, enabled: body.enabled },
        });
        return result;
      });
      onChange();
      return respond(c, 201, 'Webhook created; its secret is shown only now', {
        ...created.endpoint,
        secret: created.secret,
      });
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/webhooks/{id}',
      summary: 'Get a webhook endpoint',
      tags: ['Webhooks'],
      request: { params: IdParams },
      responses: { 200: { description: 'The endpoint', content: json(envelopeOf(WebhookSchema)) }, ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const endpoint = await getWebhookEndpoint(db, c.get('organisation').id, id);
      if (!endpoint) throw notFound(`webhook ${id}`);
      return respond(c, 200, 'Webhook retrieved', endpoint);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/webhooks/{id}',
      summary: 'Change a webhook endpoint (url, events, enabled, rotate the secret)',
      tags: ['Webhooks'],
      request: { params: IdParams, body: { required: true, content: json(PatchBody) } },
      responses: {
        200: {
          description: 'Updated; includes the new secret only when rotated',
          content: json(envelopeOf(WebhookSchema.extend({ secret: z.string().optional() }))),
        },
        ...errors,
      },
    }),
    async (c) => {
      const organisation = c.get('organisation');
      const { id } = c.req.valid('param');
      const patch = c.req.valid('json');
      const updated = await db.transaction(async (tx) => {
        const result = await updateWebhookEndpoint(tx, organisation.id, id, patch);
        if (result) {
          await audit(tx, {
            organisationId: organisation.id,
            ...apiActor(c),
            action: 'webhook.updated',
            target: `webhook:${id}`,
            details: {
              url: patch.url,
              events: patch.events,
              enabled: patch.enabled,
              secretRotated: patch.rotateSecret === true,
            },
          });
        }
        return result;
      });
      if (!updated) throw notFound(`webhook ${id}`);
      onChange();
      return respond(c, 200, 'Webhook updated', {
        ...updated.endpoint,
        ...(updated.secret ? { secret: updated.secret } : {}),
      });
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/webhooks/{id}',
      summary: 'Delete a webhook endpoint (queued deliveries are dropped)',
      tags: ['Webhooks'],
      request: { params: IdParams },
      responses: {
        200: { description: 'Deleted', content: json(envelopeOf(z.object({ id: z.string() }))) },
        ...errors,
      },
    }),
    async (c) => {
      const organisation = c.get('organisation');
      const { id } = c.req.valid('param');
      const deleted = await db.transaction(async (tx) => {
        const ok = await deleteWebhookEndpoint(tx, organisation.id, id);
        if (ok) {
          await audit(tx, {
            organisationId: organisation.id,
            ...apiActor(c),
            action: 'webhook.deleted',
            target: `webhook:${id}`,
          });
        }
        return ok;
      });
      if (!deleted) throw notFound(`webhook ${id}`);
      return respond(c, 200, 'Webhook deleted', { id });
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/webhooks/{id}/deliveries',
      summary: 'Recent deliveries of a webhook endpoint',
      tags: ['Webhooks'],
      request: { params: IdParams, query: PaginationQuery },
      responses: {
        200: {
          description: 'A page of deliveries',
          content: json(envelopeOf(z.object({ deliveries: z.array(DeliverySchema), pagination: PaginationInfo }))),
        },
        ...errors,
      },
    }),
    async (c) => {
      const organisation = c.get('organisation');
      const { id } = c.req.valid('param');
      const page = c.req.valid('query');
      if (!(await getWebhookEndpoint(db, organisation.id, id))) throw notFound(`webhook ${id}`);
      const { deliveries, total } = await listWebhookDeliveries(db, organisation.id, id, page);
      return respond(c, 200, 'List of deliveries', { deliveries, pagination: { ...page, total } });
    },
  );

  return app;
}
