/**
 * Challenge housekeeping, run periodically by the relay (and safe to run on several instances at once:
 * every step is one conditional UPDATE per row).
 *  1. pending challenges past expiry become `expired` (audited; readers already saw them as expired);
 *  2. in-progress challenges whose ceremony did not finish within `abandonAfterMs` of expiry become
 *     `failed` (with `challenge.completed`), so a dropped Gateway never leaves a challenge open forever;
 *  3. challenges whose expiry lies more than `resultRetentionMs` in the past are pruned: payload, result
 *     and return URL are erased and `prunedAt` set (the row and its status stay).
 */

import { audit } from '../audit/log.js';
import type { Database } from '../db/database.js';
import { failChallenge } from './store.js';

export interface SweepOptions {
  /** How long after expiry an in-progress ceremony may still finish. Default 5 minutes. */
  abandonAfterMs?: number;
  /** How long after expiry payload and result stay readable. Default 24 hours. */
  resultRetentionMs?: number;
  /** At most this many rows per step and run. */
  batch?: number;
}

export interface SweepReport {
  expired: number;
  abandoned: number;
  pruned: number;
}

export const DEFAULT_ABANDON_AFTER_MS = 5 * 60 * 1000;
export const DEFAULT_RESULT_RETENTION_MS = 24 * 60 * 60 * 1000;

export async function sweepChallenges(db: Database, options: SweepOptions = {}): Promise<SweepReport> {
  const batch = options.batch ?? 500;
  const expired = await db.transaction(async (tx) => {
    const r = await tx.query<{ id: string; organisation_id: string; customer_id: string; kind: string }>(
      `UPDATE challenges SET status = 'expired'
        WHERE id IN (SELECT id FROM challenges WHERE status = 'pending' AND expires_at <= now()
                     ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, organisation_id, customer_id, kind`,
      [batch],
    );
    for (const row of r.rows) {
      await audit(tx, {
        organisationId: row.organisation_id,
        customerId: row.customer_id,
        actor: 'system',
        action: 'challenge.expired',
        target: `challenge:${row.id}`,
        details: { kind: row.kind },
      });
    }
    return r.rows.length;
  });

  const stale = await db.query<{ id: string }>(
    `SELECT id FROM challenges WHERE status = 'in_progress'
      AND expires_at <= now() - make_interval(secs => $1) ORDER BY expires_at LIMIT $2`,
    [(options.abandonAfterMs ?? DEFAULT_ABANDON_AFTER_MS) / 1000, batch],
  );
  let abandoned = 0;
  for (const { id } of stale.rows) {
    const done = await db
      .transaction((tx) => failChallenge(tx, id, 'the approval did not finish in time', { actor: 'system' }))
      .then(() => true)
      .catch(() => false); // another instance finished or failed it first
    if (done) abandoned++;
  }

  const pruned = await db.query(
    `UPDATE challenges SET payload = NULL, result = NULL, return_url = NULL, pruned_at = now()
      WHERE id IN (SELECT id FROM challenges WHERE pruned_at IS NULL AND status NOT IN ('pending', 'in_progress')
                   AND expires_at <= now() - make_interval(secs => $1) ORDER BY expires_at LIMIT $2)`,
    [(options.resultRetentionMs ?? DEFAULT_RESULT_RETENTION_MS) / 1000, batch],
  );
  return { expired, abandoned, pruned: pruned.affectedRows };
}
