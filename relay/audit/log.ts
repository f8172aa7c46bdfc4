/**
 * The audit log: one append-only row per security-relevant event (who, what, on what, from where, when).
 * Callers pass their transaction so the entry commits with the change it describes. Values under keys
 * that name secrets are replaced before writing, as a second line of defence: callers must not pass
 * secrets in the first place.
 */
import type { Queryable } from '../db/database.js';
import type { Pagination } from '../http/pagination.js';

export interface AuditEntryInput {
  organisationId?: string | undefined;
  customerId?: string | undefined;
  /** Who acted: `api_key:<id>`, `device:<customerId>`, `system`, `anonymous`… */
  actor: string;
  /** Dotted verb, e.g. `api_key.created`, `challenge.claimed`. */
  action: string;
  /** What it acted on, e.g. `challenge:<id>`. */
  target?: string | undefined;
  details?: Record<string, unknown> | undefined;
  ip?: string | undefined;
}

export interface AuditEntry {
  id: string;
  organisationId: string | null;
  customerId: string | null;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown> | null;
  ip: string | null;
  createdAt: string;
}

const SECRET_KEY_RE = /secret|password|passphrase|mnemonic|private|share|^pin$|^apikey$|^key$|^code$|^token$|k_?s$/i;
const MAX_DEPTH = 4;

/** Copies `value`, replacing anything under a secret-sounding key with "[redacted]". */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY_RE.test(k) ? '[redacted]' : redactSecrets(v, depth + 1);
    }
    return out;
  }
  if (typeof value === 'string' && value.length > 512) return `${value.slice(0, 512)}…`;
  return value;
}

export async function audit(tx: Queryable, entry: AuditEntryInput): Promise<void> {
  await tx.query(
    `INSERT INTO audit_log (organisation_id, customer_id, actor, action, target, details, ip)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      entry.organisationId ?? null,
      entry.customerId ?? null,
      entry.actor,
      entry.action,
      entry.target ?? null,
      entry.details === undefined ? null : JSON.stringify(redactSecrets(entry.details)),
      entry.ip ?? null,
    ],
  );
}

interface AuditRow {
  id: string | number;
  organisation_id: string | null;
  customer_id: string | null;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown> | null;
  ip: string | null;
  created_at: Date | string;
}

export async function listAuditLogs(
  db: Queryable,
  organisationId: string,
  page: Pagination & { action?: string | undefined; customerId?: string | undefined },
): Promise<{ entries: AuditEntry[]; total: number }> {
  const direction = page.order === 'asc' ? 'ASC' : 'DESC';
  const where = ['organisation_id = $1'];
  const params: unknown[] = [organisationId];
  if (page.action) {
    params.push(page.action);
    where.push(`action = $${params.length}`);
  }
  if (page.customerId) {
    params.push(page.customerId);
    where.push(`customer_id = $${params.length}`);
  }
  const filter = where.join(' AND ');
  const [rows, count] = await Promise.all([
    db.query<AuditRow>(
      `SELECT id, organisation_id, customer_id, actor, action, target, details, ip, created_at FROM audit_log
        WHERE ${filter} ORDER BY id ${direction} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, page.limit, (page.page - 1) * page.limit],
    ),
    db.query<{ n: number | string }>(`SELECT count(*)::int AS n FROM audit_log WHERE ${filter}`, params),
  ]);
  return {
    entries: rows.rows.map((r) => ({
      id: String(r.id),
      organisationId: r.organisation_id,
      customerId: r.customer_id,
      actor: r.actor,
      action: r.action,
      target: r.target,
      details: r.details,
      ip: r.ip,
      createdAt: new Date(r.created_at).toISOString(),
    })),
    total: Number(count.rows[0]?.n ?? 0),
  };
}

/** Deletes entries older than `retentionDays` (Planbok keeps 365 days). Returns how many went. */
export async function purgeAuditLog(db: Queryable, retentionDays: number): Promise<number> {
  const r = await db.query('DELETE FROM audit_log WHERE created_at < now() - make_interval(days => $1)', [
    retentionDays,
  ]);
  return r.affectedRows;
}
