/** `GET /v2/audit-logs`: the organisation's audit trail, newest first by default. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { listAuditLogs } from '../audit/log.js';
import type { AuthEnv } from '../http/auth.js';
import { respond } from '../http/envelope.js';
import { PaginationInfo, PaginationQuery } from '../http/pagination.js';
import { validationHook } from '../http/validation.js';
import type { ApiContext } from './context.js';
import { ErrorEnvelope, envelopeOf } from './schemas.js';

const AuditEntrySchema = z
  .object({
    id: z.string(),
    organisationId: z.string().nullable(),
    customerId: z.string().nullable(),
    actor: z.string(),
    action: z.string(),
    target: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
    ip: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('AuditEntry');

const Query = PaginationQuery.extend({
  action: z.string().max(100).optional(),
  customerId: z.string().uuid('must be a customer id (UUID)').optional(),
});

export function auditLogRoutes(api: ApiContext) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/audit-logs',
      summary: "The organisation's audit log",
      tags: ['Audit'],
      request: { query: Query },
      responses: {
        200: {
          description: 'A page of entries',
          content: {
            'application/json': {
              schema: envelopeOf(z.object({ entries: z.array(AuditEntrySchema), pagination: PaginationInfo })),
            },
          },
        },
        400: { description: 'Invalid request', content: { 'application/json': { schema: ErrorEnvelope } } },
        401: { description: 'Missing or unknown API key', content: { 'application/json': { schema: ErrorEnvelope } } },
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const { entries, total } = await listAuditLogs(api.db, c.get('organisation').id, query);
      return respond(c, 200, 'Audit log', {
        entries,
        pagination: { page: query.page, limit: query.limit, order: query.order, total },
      });
    },
  );
  return app;
}
