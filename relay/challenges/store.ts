/**
 * The challenge store. A challenge records one action a customer must approve: its kind, the exact
 * approved payload, the business's return URL and, once done, the result. Node 2 co-signs only what a
 * claimed challenge's payload allows, and a challenge can be claimed once, before it expires.
 *
 * All time checks use the database clock (`now()`), so several relay instances agree on expiry.
 *
 * Pruning: `sweepChallenges` erases payload, result and return URL of challenges whose expiry lies more
 * than `resultRetentionMs` in the past (default 24 h) and sets `prunedAt`; the row itself (id, kind,
 * status, timestamps) stays so the history and the audit log keep their references.
 */
import { randomUUID } from 'node:crypto';
import { audit, redactSecrets } from '../audit/log.js';
import type { Queryable } from '../db/database.js';
import { ApiError } from '../http/api-error.js';
import type { Pagination } from '../http/pagination.js';
import { enqueueWebhookEvent } from '../webhooks/outbox.js';
import { CHALLENGE_LIFETIME_MS, type ChallengeKind, type ChallengeStatus } from './kinds.js';

export * from './kinds.js';

export type JsonObject = Record<string, unknown>;

export interface Challenge {
  id: string;
  organisationId: string;
  customerId: string;
  kind: ChallengeKind;
  status: ChallengeStatus;
  /** The approved payload exactly as stored at creation; null once pruned. */
  payload: JsonObject | null;
  /** The business's return URL; null once pruned. */
  returnUrl: string | null;
  result: JsonObject | null;
  failureReason: string | null;
  createdAt: string;
  expiresAt: string;
  claimedAt: string | null;
  completedAt: string | null;
  prunedAt: string | null;
}

/** Why a challenge cannot be used. The HTTP status fits an API answer; the WebSocket maps `reason`. */
export type ChallengeUnavailableReason = 'unknown' | 'expired' | 'already_used' | 'wrong_kind' | 'not_in_progress';

export class ChallengeUnavailableError extends ApiError {
  readonly reason: ChallengeUnavailableReason;
  readonly challengeId: string;

  constructor(reason: ChallengeUnavailableReason, challengeId: string, detail: string) {
    const status = reason === 'unknown' ? 404 : reason === 'expired' ? 410 : 409;
    super(status, `challenge_${reason}`, `challenge ${challengeId} ${detail}`);
    this.reason = reason;
    this.challengeId = challengeId;
  }
}

interface ChallengeRow {
  id: string;
  organisation_id: string;
  customer_id: string;
  kind: ChallengeKind;
  status: ChallengeStatus;
  payload: JsonObject | null;
  return_url: string | null;
  result: JsonObject | null;
  failure_reason: string | null;
  created_at: Date | string;
  expires_at: Date | string;
  claimed_at: Date | string | null;
  completed_at: Date | string | null;
  pruned_at: Date | string | null;
}

/** The status as a reader should see it: a pending challenge past its expiry is expired. */
const EFFECTIVE_STATUS = `CASE WHEN status = 'pending' AND expires_at <= now() THEN 'expired' ELSE status END`;

const COLUMNS = `id, organisation_id, customer_id, kind, ${EFFECTIVE_STATUS} AS status, payload, return_url, result,
  failure_reason, created_at, expires_at, claimed_at, completed_at, pruned_at`;

/** The columns an UPDATE … RETURNING gives back (the status it just wrote needs no expiry rewrite). */
const RETURNED_COLUMNS = COLUMNS.replace(EFFECTIVE_STATUS, 'status');

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

function toChallenge(row: ChallengeRow): Challenge {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    customerId: row.customer_id,
    kind: row.kind,
    status: row.status,
    payload: row.payload,
    returnUrl: row.return_url,
    result: row.result,
    failureReason: row.failure_reason,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
    claimedAt: iso(row.claimed_at),
    completedAt: iso(row.completed_at),
    prunedAt: iso(row.pruned_at),
  };
}

/** Who caused a change, for the audit log. */
export interface ChallengeActor {
  actor?: string | undefined;
  ip?: string | undefined;
}

export interface CreateChallengeParameters extends ChallengeActor {
  organisationId: string;
  customerId: string;
  kind: ChallengeKind;
  payload: JsonObject;
  returnUrl: string;
  /** Defaults to 15 minutes. */
  lifetimeMs?: number;
}

/** $1–$10 of both challenge inserts: the row, then the audit entry's actor, details and address. */
function insertParameters(id: string, params: CreateChallengeParameters): unknown[] {
  return [
    id,
    params.organisationId,
    params.customerId,
    params.kind,
    JSON.stringify(params.payload),
    params.returnUrl,
    (params.lifetimeMs ?? CHALLENGE_LIFETIME_MS) / 1000,
    params.actor ?? 'api',
    JSON.stringify({ kind: params.kind }),
    params.ip ?? null,
  ];
}

export async function createChallenge(tx: Queryable, params: CreateChallengeParameters): Promise<Challenge> {
  const id = randomUUID();
  // One statement writes the challenge and its audit entry: atomic even outside a transaction, and one
  // round trip instead of four on the hot path of the API.
  const r = await tx.query<ChallengeRow>(
    `WITH created AS (
       INSERT INTO challenges (id, organisation_id, customer_id, kind, payload, return_url, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))
       RETURNING *
     ), audited AS (
       INSERT INTO audit_log (organisation_id, customer_id, actor, action, target, details, ip)
       SELECT organisation_id, customer_id, $8, 'challenge.created', 'challenge:' || id, $9::jsonb, $10 FROM created
     )
     SELECT ${COLUMNS} FROM created`,
    insertParameters(id, params),
  );
  return toChallenge(r.rows[0] as ChallengeRow);
}

/** What the customer's flags must be for a challenge kind (null: either). */
export interface CustomerRequirement {
  hasPin: boolean | null;
  hasRecovery: boolean | null;
  allowLocked: boolean;
}

/**
 * Creates the challenge only if the customer exists in the organisation and its flags meet
 * `require`, checked in the same statement as the insert (no window between check and write).
 * Returns undefined when the customer is missing or does not qualify; the caller explains why.
 * The returned challenge carries the given payload (it is not read back).
 */
export async function createChallengeForCustomer(
  db: Queryable,
  params: CreateChallengeParameters & { require: CustomerRequirement },
): Promise<Challenge | undefined> {
  const id = randomUUID();
  const r = await db.query<{ created_at: Date | string; expires_at: Date | string }>(
    `WITH customer AS (
       SELECT id, organisation_id FROM customers
        WHERE id = $3 AND organisation_id = $2
          AND ($11::boolean IS NULL OR has_pin = $11) AND ($12::boolean IS NULL OR has_recovery = $12)
          AND ($13 OR NOT locked)
     ), created AS (
       INSERT INTO challenges (id, organisation_id, customer_id, kind, payload, return_url, expires_at)
       SELECT $1, organisation_id, id, $4, $5, $6, now() + make_interval(secs => $7) FROM customer
       RETURNING id, organisation_id, customer_id, created_at, expires_at
     ), audited AS (
       INSERT INTO audit_log (organisation_id, customer_id, actor, action, target, details, ip)
       SELECT organisation_id, customer_id, $8, 'challenge.created', 'challenge:' || id, $9::jsonb, $10 FROM created
     )
     SELECT created_at, expires_at FROM created`,
    [...insertParameters(id, params), params.require.hasPin, params.require.hasRecovery, params.require.allowLocked],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  return {
    id,
    organisationId: params.organisationId,
    customerId: params.customerId,
    kind: params.kind,
    status: 'pending',
    payload: params.payload,
    returnUrl: params.returnUrl,
    result: null,
    failureReason: null,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
    claimedAt: null,
    completedAt: null,
    prunedAt: null,
  };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Any challenge by id (for Node 2 and the /gateway page); undefined when unknown or not a UUID. */
export async function getChallenge(db: Queryable, id: string): Promise<Challenge | undefined> {
  if (!UUID_RE.test(id)) return undefined;
  const r = await db.query<ChallengeRow>(`SELECT ${COLUMNS} FROM challenges WHERE id = $1`, [id]);
  return r.rows[0] ? toChallenge(r.rows[0]) : undefined;
}

/** A challenge as its organisation sees it: undefined unless it belongs to that organisation and customer. */
export async function getCustomerChallenge(
  db: Queryable,
  organisationId: string,
  customerId: string,
  id: string,
): Promise<Challenge | undefined> {
  const r = await db.query<ChallengeRow>(
    `SELECT ${COLUMNS} FROM challenges WHERE id = $1 AND organisation_id = $2 AND customer_id = $3`,
    [id, organisationId, customerId],
  );
  return r.rows[0] ? toChallenge(r.rows[0]) : undefined;
}

export async function listCustomerChallenges(
  db: Queryable,
  organisationId: string,
  customerId: string,
  page: Pagination & { status?: ChallengeStatus | undefined; kind?: ChallengeKind | undefined },
): Promise<{ challenges: Challenge[]; total: number }> {
  const direction = page.order === 'asc' ? 'ASC' : 'DESC';
  const where = ['organisation_id = $1', 'customer_id = $2'];
  const params: unknown[] = [organisationId, customerId];
  if (page.status) {
    params.push(page.status);
    where.push(`(${EFFECTIVE_STATUS}) = $${params.length}`);
  }
  if (page.kind) {
    params.push(page.kind);
    where.push(`kind = $${params.length}`);
  }
  const filter = where.join(' AND ');
  const [rows, count] = await Promise.all([
    db.query<ChallengeRow>(
      `SELECT ${COLUMNS} FROM challenges WHERE ${filter}
        ORDER BY created_at ${direction}, id ${direction} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, page.limit, (page.page - 1) * page.limit],
    ),
    db.query<{ n: number | string }>(`SELECT count(*)::int AS n FROM challenges WHERE ${filter}`, params),
  ]);
  return { challenges: rows.rows.map(toChallenge), total: Number(count.rows[0]?.n ?? 0) };
}

export interface ClaimChallengeOptions extends ChallengeActor {
  /** Refuse (wrong_kind) unless the challenge is of this kind, or one of these kinds. */
  expectKind?: ChallengeKind | readonly ChallengeKind[] | undefined;
  /** Refuse (unknown, so ids of other customers are not confirmed) unless it belongs to this customer. */
  expectCustomerId?: string | undefined;
}

/**
 * Atomically moves a challenge from pending to in_progress. Succeeds once: only while it is pending,
 * unexpired and unclaimed; otherwise throws ChallengeUnavailableError saying why.
 *
 * One statement claims the row and writes its `challenge.claimed` audit entry, so the two commit
 * together even outside a transaction (Node 2 claims on every ceremony: one round trip, not four).
 */
export async function claimChallenge(
  tx: Queryable,
  id: string,
  options: ClaimChallengeOptions = {},
): Promise<Challenge> {
  if (!UUID_RE.test(id)) throw new ChallengeUnavailableError('unknown', id.slice(0, 64), 'does not exist');
  if (options.expectCustomerId !== undefined && !UUID_RE.test(options.expectCustomerId)) {
    throw new ChallengeUnavailableError('unknown', id, 'does not exist');
  }
  const kinds = options.expectKind === undefined ? undefined : ([] as ChallengeKind[]).concat(options.expectKind);
  const r = await tx.query<ChallengeRow>(
    `WITH claimed AS (
       UPDATE challenges SET status = 'in_progress', claimed_at = now()
        WHERE id = $1 AND status = 'pending' AND expires_at > now()
          AND ($2::text[] IS NULL OR kind = ANY ($2::text[]))
          AND ($3::uuid IS NULL OR customer_id = $3::uuid)
        RETURNING ${RETURNED_COLUMNS}
     ), audited AS (
       INSERT INTO audit_log (organisation_id, customer_id, actor, action, target, details, ip)
       SELECT organisation_id, customer_id, COALESCE($4::text, 'customer:' || customer_id), 'challenge.claimed',
              'challenge:' || id, jsonb_build_object('kind', kind), $5::text FROM claimed
     )
     SELECT * FROM claimed`,
    [id, kinds ?? null, options.expectCustomerId ?? null, options.actor ?? null, options.ip ?? null],
  );
  const row = r.rows[0];
  if (!row) throw await explainUnavailable(tx, id, kinds, options.expectCustomerId);
  return toChallenge(row);
}

async function explainUnavailable(
  db: Queryable,
  id: string,
  kinds: readonly ChallengeKind[] | undefined,
  customerId: string | undefined,
): Promise<ChallengeUnavailableError> {
  const existing = await getChallenge(db, id);
  if (!existing || (customerId !== undefined && existing.customerId !== customerId)) {
    return new ChallengeUnavailableError('unknown', id, 'does not exist');
  }
  if (kinds && !kinds.includes(existing.kind)) {
    return new ChallengeUnavailableError(
      'wrong_kind',
      id,
      `is a ${existing.kind} challenge, not ${kinds.join(' or ')}`,
    );
  }
  if (existing.status === 'expired')
    return new ChallengeUnavailableError('expired', id, `expired at ${existing.expiresAt}`);
  return new ChallengeUnavailableError('already_used', id, `was already used (status ${existing.status})`);
}

/** An audit entry written with a challenge's completion, about that challenge (same organisation, customer, ip). */
export interface CompletionAudit {
  actor: string;
  action: string;
  details: Record<string, unknown>;
}

/**
 * Marks an in-progress challenge verified with its result, and queues `challenge.completed`.
 * `alsoAudit` (e.g. Node 2's `mpc.ceremony.completed`) is written by the same statement as the
 * completion and its own `challenge.completed` audit entry, after it.
 */
export async function completeChallenge(
  tx: Queryable,
  id: string,
  result: JsonObject,
  actor: ChallengeActor = {},
  alsoAudit?: CompletionAudit,
): Promise<Challenge> {
  if (!UUID_RE.test(id)) throw new ChallengeUnavailableError('unknown', id.slice(0, 64), 'does not exist');
  const r = await tx.query<ChallengeRow>(
    `WITH done AS (
       UPDATE challenges SET status = 'verified', result = $2, completed_at = now()
        WHERE id = $1 AND status = 'in_progress'
        RETURNING ${RETURNED_COLUMNS}
     ), audited AS (
       INSERT INTO audit_log (organisation_id, customer_id, actor, action, target, details, ip)
       SELECT organisation_id, customer_id, $3::text, 'challenge.completed', 'challenge:' || id,
              jsonb_build_object('kind', kind), $4::text FROM done
       UNION ALL
       SELECT organisation_id, customer_id, $5::text, $6::text, 'challenge:' || id, $7::jsonb, $4::text FROM done
        WHERE $6::text IS NOT NULL
     )
     SELECT * FROM done`,
    [
      id,
      JSON.stringify(result),
      actor.actor ?? 'system',
      actor.ip ?? null,
      alsoAudit?.actor ?? null,
      alsoAudit?.action ?? null,
      alsoAudit ? JSON.stringify(redactSecrets(alsoAudit.details)) : null,
    ],
  );
  const row = r.rows[0];
  if (!row) throw await explainNotInProgress(tx, id);
  const challenge = toChallenge(row);
  await enqueueFinishedEvent(tx, challenge);
  return challenge;
}

/**
 * Marks a pending or in-progress challenge failed, and queues `challenge.completed` with status failed.
 * `reason` is shown to the business: say what went wrong, never include secrets.
 */
export async function failChallenge(
  tx: Queryable,
  id: string,
  reason: string,
  actor: ChallengeActor = {},
): Promise<Challenge> {
  if (!UUID_RE.test(id)) throw new ChallengeUnavailableError('unknown', id.slice(0, 64), 'does not exist');
  const r = await tx.query<ChallengeRow>(
    `UPDATE challenges SET status = 'failed', failure_reason = $2, completed_at = now()
      WHERE id = $1 AND status IN ('pending', 'in_progress')
      RETURNING ${RETURNED_COLUMNS}`,
    [id, reason.slice(0, 500)],
  );
  const row = r.rows[0];
  if (!row) throw await explainNotInProgress(tx, id);
  const challenge = toChallenge(row);
  await announceFinished(tx, challenge, actor, 'challenge.failed');
  return challenge;
}

async function explainNotInProgress(db: Queryable, id: string): Promise<ChallengeUnavailableError> {
  const existing = await getChallenge(db, id);
  if (!existing) return new ChallengeUnavailableError('unknown', id, 'does not exist');
  return new ChallengeUnavailableError('not_in_progress', id, `is ${existing.status}, not in progress`);
}

/** The data of a `challenge.completed` webhook. */
export function challengeEventData(challenge: Challenge): JsonObject {
  return {
    challengeId: challenge.id,
    customerId: challenge.customerId,
    kind: challenge.kind,
    status: challenge.status,
    result: challenge.result,
    failureReason: challenge.failureReason,
    completedAt: challenge.completedAt,
  };
}

async function announceFinished(tx: Queryable, challenge: Challenge, who: ChallengeActor, action: string) {
  await audit(tx, {
    organisationId: challenge.organisationId,
    customerId: challenge.customerId,
    actor: who.actor ?? 'system',
    action,
    target: `challenge:${challenge.id}`,
    details: { kind: challenge.kind, ...(challenge.failureReason ? { reason: challenge.failureReason } : {}) },
    ip: who.ip,
  });
  await enqueueFinishedEvent(tx, challenge);
}

async function enqueueFinishedEvent(tx: Queryable, challenge: Challenge) {
  await enqueueWebhookEvent(tx, {
    organisationId: challenge.organisationId,
    event: 'challenge.completed',
    data: challengeEventData(challenge),
  });
}
