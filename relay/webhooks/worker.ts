/**
 * The webhook delivery worker. It claims due outbox rows with FOR UPDATE SKIP LOCKED (so several relay
 * instances never send the same row at once), leases them by pushing next_attempt_at forward, sends
 * them signed with a timeout, and records the outcome: delivered on 2xx; otherwise retried with
 * exponential backoff and jitter, or `dead` after `maxAttempts`. Because the schedule lives in the
 * table, retries survive restarts; a relay that dies mid-send leaves the lease to expire and the row is
 * sent again (at-least-once: receivers deduplicate on X-Webhook-Id or the body's idempotencyKey).
 *
 * Each attempt goes through the destination guard (delivery.ts): the host is resolved once, every address
 * must be public unless private destinations are allowed, and the connection is pinned to the checked
 * addresses. A refused destination is a failed attempt like any other (retried on the same schedule:
 * DNS may change back), with the reason on the row and one audit entry per endpoint and refusal kind.
 */
import { audit } from '../audit/log.js';
import type { Database, Queryable } from '../db/database.js';
import {
  DestinationRefusedError,
  postPinned,
  type ResolveHost,
  resolveDestination,
  systemResolver,
} from './delivery.js';
import { signWebhook } from './signature.js';

export interface WebhookWorkerOptions {
  /** Sleep between polls when nothing is due. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Rows claimed per poll, sent concurrently. Default 20. */
  batchSize?: number;
  /** Timeout of one outbound request. Default 10 s. */
  timeoutMs?: number;
  /** Attempts before a row is dead. Default 12 (about 34 hours with the default backoff). */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt up to maxDelayMs. Default 30 s. */
  baseDelayMs?: number;
  /** Default 6 h. */
  maxDelayMs?: number;
  log?: (line: string) => void;
  /**
   * Deliver to private, loopback, shared and reserved addresses (never link-local). Default false; the relay
   * passes TANDEM_WEBHOOK_ALLOW_PRIVATE (config.ts), which defaults to true only when it listens on loopback.
   */
  allowPrivateDestinations?: boolean;
  /** Resolves a webhook host to all its addresses; the system resolver by default. */
  lookup?: ResolveHost;
  random?: () => number;
}

interface ClaimedRow {
  id: string;
  organisation_id: string;
  endpoint_id: string;
  event: string;
  body: string;
  attempts: number;
  url: string;
  secret: string;
  enabled: boolean;
  deleted: boolean;
}

export interface WebhookWorker {
  /** Runs one claim-and-send round now; resolves with the number of rows handled. */
  runOnce(): Promise<number>;
  /** Asks the loop to poll now (e.g. right after an event was queued). */
  wake(): void;
  stop(): Promise<void>;
}

/** Delay before retry number `attempt` (1-based): base·2^(attempt−1), capped, with 50–100 % jitter. */
export function retryDelayMs(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(30, attempt - 1));
  return Math.round(exponential * (0.5 + random() * 0.5));
}

export function startWebhookWorker(db: Database, options: WebhookWorkerOptions = {}): WebhookWorker {
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const batchSize = options.batchSize ?? 20;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? 12;
  const baseDelayMs = options.baseDelayMs ?? 30_000;
  const maxDelayMs = options.maxDelayMs ?? 6 * 60 * 60_000;
  const log = options.log ?? (() => undefined);
  const policy = { allowPrivate: options.allowPrivateDestinations ?? false };
  const resolveHost = options.lookup ?? systemResolver;
  const random = options.random ?? Math.random;
  const leaseMs = timeoutMs + 30_000;

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  const inFlight = new Set<AbortController>();

  async function claim(): Promise<ClaimedRow[]> {
    const r = await db.query<ClaimedRow>(
      `UPDATE webhook_outbox o SET next_attempt_at = now() + make_interval(secs => $2), attempts = o.attempts + 1
         FROM webhook_endpoints e
        WHERE o.id IN (SELECT id FROM webhook_outbox WHERE status = 'pending' AND next_attempt_at <= now()
                       ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
          AND e.id = o.endpoint_id
        RETURNING o.id, o.organisation_id, o.endpoint_id, o.event, o.body, o.attempts, e.url, e.secret, e.enabled, (e.deleted_at IS NOT NULL) AS deleted`,
      [batchSize, leaseMs / 1000],
    );
    return r.rows;
  }

  async function deliver(row: ClaimedRow): Promise<void> {
    if (row.deleted || !row.enabled) {
      await db.query(`UPDATE webhook_outbox SET status = 'dead', last_error = $2 WHERE id = $1`, [
        row.id,
        row.deleted ? 'endpoint deleted before delivery' : 'endpoint disabled before delivery',
      ]);
      return;
    }
    const timestamp = Math.floor(Date.now() / 1000);
    const controller = new AbortController();
    inFlight.add(controller);
    const timeout = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    let statusCode: number | null = null;
    let error: string | null = null;
    let refused: DestinationRefusedError | undefined;
    try {
      const url = new URL(row.url);
      const addresses = await resolveDestination(url, policy, resolveHost, controller.signal);
      statusCode = await postPinned({
        url,
        addresses,
        signal: controller.signal,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Tandem-Webhooks/1',
          'X-Webhook-Id': row.id,
          'X-Webhook-Event': row.event,
          'X-Webhook-Timestamp': String(timestamp),
          'X-Webhook-Signature': signWebhook(row.secret, timestamp, row.body),
        },
        body: row.body,
      });
      if (statusCode >= 300 && statusCode < 400) {
        error = `receiver answered HTTP ${statusCode} (redirects are not followed)`;
      } else if (statusCode < 200 || statusCode >= 300) {
        error = `receiver answered HTTP ${statusCode}`;
      }
    } catch (e) {
      if (e instanceof DestinationRefusedError) {
        refused = e;
        error = `destination refused: ${e.message}`;
      } else {
        error = controller.signal.aborted
          ? String((controller.signal.reason as Error | undefined)?.message ?? 'aborted')
          : `request failed: ${(e as Error).message}`.slice(0, 300);
      }
    } finally {
      clearTimeout(timeout);
      inFlight.delete(controller);
    }
    if (error === null) {
      await db.query(
        `UPDATE webhook_outbox SET status = 'delivered', delivered_at = now(), last_status_code = $2, last_error = NULL
          WHERE id = $1`,
        [row.id, statusCode],
      );
      return;
    }
    const failure = error;
    await db.transaction(async (tx) => {
      if (refused) await auditRefusal(tx, row, refused);
      if (row.attempts >= maxAttempts) {
        await tx.query(
          `UPDATE webhook_outbox SET status = 'dead', last_status_code = $2, last_error = $3 WHERE id = $1`,
          [row.id, statusCode, `${failure} (gave up after ${row.attempts} attempts)`],
        );
        log(`webhook ${row.id} (${row.event}) is dead after ${row.attempts} attempts: ${failure}`);
        return;
      }
      const delay = retryDelayMs(row.attempts, baseDelayMs, maxDelayMs, random);
      await tx.query(
        `UPDATE webhook_outbox SET next_attempt_at = now() + make_interval(secs => $2), last_status_code = $3, last_error = $4
          WHERE id = $1`,
        [row.id, delay / 1000, statusCode, failure],
      );
    });
  }

  /**
   * One audit entry per endpoint and refusal kind since the endpoint last changed, not one per attempt:
   * retries of a refused endpoint would otherwise fill the log. (Two relay instances refusing at the same
   * moment may both write one.)
   */
  async function auditRefusal(tx: Queryable, row: ClaimedRow, refused: DestinationRefusedError): Promise<void> {
    const target = `webhook:${row.endpoint_id}`;
    const seen = await tx.query(
      `SELECT 1 FROM audit_log
        WHERE organisation_id = $1 AND action = 'webhook.delivery_refused' AND target = $2 AND details->>'kind' = $3
          AND created_at >= (SELECT updated_at FROM webhook_endpoints WHERE id = $4)
        LIMIT 1`,
      [row.organisation_id, target, refused.kind, row.endpoint_id],
    );
    if (seen.rows.length > 0) return;
    await audit(tx, {
      organisationId: row.organisation_id,
      actor: 'system',
      action: 'webhook.delivery_refused',
      target,
      details: { kind: refused.kind, reason: refused.message },
    });
    log(`webhook endpoint ${row.endpoint_id}: destination refused: ${refused.message}`);
  }

  async function runOnce(): Promise<number> {
    const rows = await claim();
    await Promise.all(
      rows.map((row) =>
        deliver(row).catch((e: Error) => log(`webhook ${row.id}: could not record the outcome: ${e.message}`)),
      ),
    );
    return rows.length;
  }

  function schedule(delay: number) {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(loop, delay);
  }

  function loop() {
    if (stopped || running) return;
    running = runOnce().catch((e: Error) => {
      if (!stopped) log(`webhook worker: ${e.message}`);
      return 0;
    });
    void running.then((handled) => {
      running = undefined;
      schedule(handled === batchSize ? 0 : pollIntervalMs);
    });
  }

  schedule(0);
  return {
    runOnce,
    wake: () => schedule(0),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      for (const controller of inFlight) controller.abort(new Error('relay shutting down'));
      await running;
    },
  };
}
