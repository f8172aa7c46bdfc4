/**
 * `/v2/customers`: create, list and read the customers of the calling organisation.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { audit } from '../audit/log.js';
import { createCustomer, getCustomer, listCustomers } from '../customers/store.js';
import type { Database } from '../db/database.js';
import { notFound } from '../http/api-error.js';
import type { AuthEnv } from '../http/auth.js';
import { respond } from '../http/envelope.js';
import { PaginationInfo, PaginationQuery } from '../http/pagination.js';
import { validationHook } from '../http/validation.js';
import { enqueueWebhookEvent } from '../webhooks/outbox.js';
import { IdempotencyKeyField } from './challenge-schemas.js';
import { apiActor } from './context.js';
import { ErrorEnvelope, envelopeOf } from './schemas.js';

// Printable text without control characters; names are shown in the Gateway and the demo console.
const displayText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');

export const CreateCustomerBody = z
  .object({
    name: displayText(200).openapi({ example: 'Ada Lovelace' }),
    refId: displayText(200).openapi({
      example: 'user-42',
      description: 'Your own id for this user; unique per organisation.',
    }),
    idempotencyKey: IdempotencyKeyField,
  })
  .strict()
  .openapi('CreateCustomerRequest');

export const CustomerSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    refId: z.string(),
    hasPin: z.boolean(),
    hasRecovery: z.boolean(),
    locked: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('Customer');

const CustomerIdParams = z.object({ id: z.string().uuid('must be a customer id (UUID)') });

const errors = {
  400: { description: 'Invalid request', content: { 'application/json': { schema: ErrorEnvelope } } },
  401: { description: 'Missing or unknown API key', content: { 'application/json': { schema: ErrorEnvelope } } },
};

const createRouteDef = createRoute({
  method: 'post',
  path: '/customers',
  summary: 'Create a customer',
  request: { body: { required: true, content: { 'application/json': { schema: CreateCustomerBody } } } },
  responses: {
    201: { description: 'Customer created', content: { 'application/json': { schema: envelopeOf(CustomerSchema) } } },
    409: { description: 'refId already used', content: { 'application/json': { schema: ErrorEnvelope } } },
    ...errors,
  },
});

const listRouteDef = createRoute({
  method: 'get',
  path: '/customers',
  summary: 'List customers',
  request: { query: PaginationQuery },
  responses: {
    200: {
      description: 'A page of customers',
      content: {
        'application/json': {
          schema: envelopeOf(z.object({ customers: z.array(CustomerSchema), pagination: PaginationInfo })),
        },
      },
    },
    ...errors,
  },
});

const getRouteDef = createRoute({
  method: 'get',
  path: '/customers/{id}',
  summary: 'Get a customer (with hasPin, hasRecovery, locked)',
  description:
    'hasPin: a PIN was set up (initialize verified). hasRecovery: at least one recovery method exists (required before wallet/create). locked: too many wrong PINs; only reset-pin is accepted until a recovery-based reset.',
  request: { params: CustomerIdParams },
  responses: {
    200: { description: 'The customer', content: { 'application/json': { schema: envelopeOf(CustomerSchema) } } },
    404: { description: 'No such customer', content: { 'application/json': { schema: ErrorEnvelope } } },
    ...errors,
  },
});

export function customerRoutes(db: Database) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });

  app.openapi(createRouteDef, async (c) => {
    const { name, refId } = c.req.valid('json');
    const organisationId = c.get('organisation').id;
    // The customer, its audit entry and its customer.created webhook commit together.
    const customer = await db.transaction(async (tx) => {
      const created = await createCustomer(tx, organisationId, { name, refId });
      await audit(tx, {
        organisationId,
        customerId: created.id,
        ...apiActor(c),
        action: 'customer.created',
        target: `customer:${created.id}`,
        details: { refId },
      });
      await enqueueWebhookEvent(tx, { organisationId, event: 'customer.created', data: { ...created } });
      return created;
    });
    return respond(c, 201, 'Customer created successfully', customer);
  });

  app.openapi(listRouteDef, async (c) => {
    const page = c.req.valid('query');
    const { customers, total } = await listCustomers(db, c.get('organisation').id, page);
    return respond(c, 200, 'List of customers', { customers, pagination: { ...page, total } });
  });

  app.openapi(getRouteDef, async (c) => {
    const { id } = c.req.valid('param');
    const customer = await getCustomer(db, c.get('organisation').id, id);
    if (!customer) throw notFound(`customer ${id}`);
    return respond(c, 200, 'Customer retrieved', customer);
  });

  return app;
}
