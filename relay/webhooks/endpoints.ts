/**
 * Webhook endpoints an organisation registers: a URL, the events it wants, and a signing secret that is
 * shown once at creation (and on rotation). Deleting an endpoint keeps its row (deleted_at) so queued
 * deliveries keep their reference and are dropped as dead.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.js';
import type { Pagination } from '../http/pagination.js';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

interface EndpointRow {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  created_at: Date | string;
  updated_at: Date | string;
}

const COLUMNS = 'id, url, description, events, enabled, created_at, updated_at';

const toEndpoint = (r: EndpointRow): WebhookEndpoint => ({
  id: r.id,
  url: r.url,
  description: r.description,
  events: r.events,
  enabled: r.enabled,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

export function generateWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(32).toString('base64url');
}

export async function createWebhookEndpoint(
  db: Queryable,
  organisationId: string,
  input: { url: string; events: string[]; description?: string | undefined; enabled?: boolean | undefined },
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const secret = generateWebhookSecret();
  const r = await db.query<EndpointRow>(
    `INSERT INTO webhook_endpoints (id, organisation_id, url, description, events, secret, enabled)
     VALUES ($1, $2, $3, $4, $5::text[], $6, $7) RETURNING ${COLUMNS}`,
    [randomUUID(), organisationId, input.url, input.description ?? null, input.events, secret, input.enabled ?? true],
  );
  return { endpoint: toEndpoint(r.rows[0] as EndpointRow), secret };
}

export async function getWebhookEndpoint(
  db: Queryable,
  organisationId: string,
  id: string,
): Promise<WebhookEndpoint | undefined> {
  const r = await db.query<EndpointRow>(
    `SELECT ${COLUMNS} FROM webhook_endpoints WHERE organisation_id = $1 AND id = $2 AND deleted_at IS NULL`,
    [organisationId, id],
  );
  return r.rows[0] ? toEndpoint(r.rows[0]) : undefined;
}

export async function listWebhookEndpoints(
  db: Queryable,
  organisationId: string,
  page: Pagination,
): Promise<{ webhooks: WebhookEndpoint[]; total: number }> {
  const direction = page.order === 'asc' ? 'ASC' : 'DESC';
  const [rows, count] = await Promise.all([
    db.query<EndpointRow>(
      `SELECT ${COLUMNS} FROM webhook_endpoints WHERE organisation_id = $1 AND deleted_at IS NULL
        ORDER BY created_at ${direction}, id ${direction} LIMIT $2 OFFSET $3`,
      [organisationId, page.limit, (page.page - 1) * page.limit],
    ),
    db.query<{ n: number | string }>(
      'SELECT count(*)::int AS n FROM webhook_endpoints WHERE organisation_id = $1 AND deleted_at IS NULL',
      [organisationId],
    ),
  ]);
  return { webhooks: rows.rows.map(toEndpoint), total: Number(count.rows[0]?.n ?? 0) };
}

export interface WebhookEndpointPatch {
  url?: string | undefined;
  events?: string[] | undefined;
  description?: string | null | undefined;
  enabled?: boolean | undefined;
  rotateSecret?: boolean | undefined;
}

/** Applies a partial update; returns the new secret when rotated. Undefined when unknown. */
export async function updateWebhookEndpoint(
  db: Queryable,
  organisationId: string,
  id: string,
  patch: WebhookEndpointPatch,
): Promise<{ endpoint: WebhookEndpoint; secret?: string } | undefined> {
  const secret = patch.rotateSecret ? generateWebhookSecret() : undefined;
  const r = await db.query<EndpointRow>(
    `UPDATE webhook_endpoints SET
        url = COALESCE($3, url),
        events = COALESCE($4::text[], events),
        description = CASE WHEN $5 THEN $6 ELSE description END,
        enabled = COALESCE($7, enabled),
        secret = COALESCE($8, secret),
        updated_at = now()
      WHERE organisation_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING ${COLUMNS}`,
    [
      organisationId,
      id,
      patch.url ?? null,
      patch.events ?? null,
      patch.description !== undefined,
      patch.description ?? null,
      patch.enabled ?? null,
      secret ?? null,
    ],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  return { endpoint: toEndpoint(row), ...(secret ? { secret } : {}) };
}

export async function deleteWebhookEndpoint(db: Queryable, organisationId: string, id: string): Promise<boolean> {
  const r = await db.query(
    `UPDATE webhook_endpoints SET deleted_at = now(), enabled = false, updated_at = now()
      WHERE organisation_id = $1 AND id = $2 AND deleted_at IS NULL`,
    [organisationId, id],
  );
  return r.affectedRows === 1;
}

export interface WebhookDelivery {
  id: string;
  event: string;
  eventId: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  nextAttemptAt: string;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export async function listWebhookDeliveries(
  db: Queryable,
  organisationId: string,
  endpointId: string,
  page: Pagination,
): Promise<{ deliveries: WebhookDelivery[]; total: number }> {
  const direction = page.order === 'asc' ? 'ASC' : 'DESC';
  const [rows, count] = await Promise.all([
    db.query<{
      id: string;
      event: string;
      event_id: string;
      status: WebhookDelivery['status'];
      attempts: number;
      next_attempt_at: Date | string;
      last_status_code: number | null;
      last_error: string | null;
      created_at: Date | string;
      delivered_at: Date | string | null;
    }>(
      `SELECT id, event, event_id, status, attempts, next_attempt_at, last_status_code, last_error, created_at, delivered_at
         FROM webhook_outbox WHERE organisation_id = $1 AND endpoint_id = $2
        ORDER BY created_at ${direction}, id ${direction} LIMIT $3 OFFSET $4`,
      [organisationId, endpointId, page.limit, (page.page - 1) * page.limit],
    ),
    db.query<{ n: number | string }>(
      'SELECT count(*)::int AS n FROM webhook_outbox WHERE organisation_id = $1 AND endpoint_id = $2',
      [organisationId, endpointId],
    ),
  ]);
  return {
    deliveries: rows.rows.map((r) => ({
      id: r.id,
      event: r.event,
      eventId: r.event_id,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: new Date(r.next_attempt_at).toISOString(),
      lastStatusCode: r.last_status_code,
      lastError: r.last_error,
      createdAt: new Date(r.created_at).toISOString(),
      deliveredAt: r.delivered_at === null ? null : new Date(r.delivered_at).toISOString(),
    })),
    total: Number(count.rows[0]?.n ?? 0),
  };
}
