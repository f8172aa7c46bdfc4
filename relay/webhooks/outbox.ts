/**
 * The webhook outbox. Events are written in the same transaction as the change they announce, one row
 * per subscribed endpoint, so a committed change always has its webhook queued and a rolled-back one
 * never does. The delivery worker (worker.ts) sends them later, with retries.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.js';
import { ALL_EVENTS, type WebhookEvent } from './events.js';

export interface WebhookEventInput {
  organisationId: string;
  event: WebhookEvent;
  /** JSON-safe event data; must not contain secrets (it leaves the relay). */
  data: Record<string, unknown>;
}

/** The body every delivery carries; `idempotencyKey` is the same for every endpoint and every retry. */
export interface WebhookBody {
  event: WebhookEvent;
  timestamp: string;
  idempotencyKey: string;
  data: Record<string, unknown>;
}

/**
 * Queues `event` for every enabled endpoint of the organisation subscribed to it (or to `*`).
 * Returns the event id (the body's `idempotencyKey`) and how many deliveries were queued.
 */
export async function enqueueWebhookEvent(
  tx: Queryable,
  input: WebhookEventInput,
): Promise<{ eventId: string; deliveries: number }> {
  const eventId = randomUUID();
  const body: WebhookBody = {
    event: input.event,
    timestamp: new Date().toISOString(),
    idempotencyKey: eventId,
    data: input.data,
  };
  const r = await tx.query(
    `INSERT INTO webhook_outbox (id, organisation_id, endpoint_id, event, event_id, body)
     SELECT gen_random_uuid(), e.organisation_id, e.id, $2, $3, $4
       FROM webhook_endpoints e
      WHERE e.organisation_id = $1 AND e.enabled AND e.deleted_at IS NULL
        AND ($2 = ANY (e.events) OR $5 = ANY (e.events))`,
    [input.organisationId, input.event, eventId, JSON.stringify(body), ALL_EVENTS],
  );
  return { eventId, deliveries: r.affectedRows };
}

/** Deletes delivered and dead deliveries older than `retentionDays` (default 30); pending ones stay. */
export async function purgeWebhookOutbox(db: Queryable, retentionDays = 30): Promise<number> {
  const r = await db.query(
    `DELETE FROM webhook_outbox WHERE status IN ('delivered', 'dead')
        AND created_at < now() - make_interval(days => $1)`,
    [retentionDays],
  );
  return r.affectedRows;
}
