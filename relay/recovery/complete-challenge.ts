/**
 * Completing the challenges that have no signature to show for themselves: `initialize`, `recovery`,
 * `update-pin`, `reset-pin`. The Gateway asks for completion when it has done its part; the relay checks
 * the facts it can see for itself before it marks the challenge verified — it never takes the Gateway's
 * word for it:
 *
 * - initialize: a PIN enrolled at the guard in this challenge, the PIN copy stored, and at least one
 *   recovery copy (hasRecovery) — recovery is mandatory before any wallet (DESIGN.md §4.2);
 * - recovery: a recovery copy written during this challenge;
 * - update-pin / reset-pin: a new PIN enrolled in this challenge and the PIN copy re-written since; when the
 *   customer has keys, the share refresh (which claims the challenge) must have run, so the old bundle is
 *   useless, and every stored copy must have been re-written since (none may keep the old shares);
 *   reset-pin queues `customer.recovery_completed`.
 */
import { audit } from '../audit/log.js';
import {
  type Challenge,
  type ChallengeKind,
  ChallengeUnavailableError,
  claimChallenge,
  completeChallenge,
} from '../challenges/store.js';
import type { Database, Queryable } from '../db/database.js';
import { ApiError } from '../http/api-error.js';
import { listKeyShares } from '../mpc/key-shares.js';
import { enqueueWebhookEvent } from '../webhooks/outbox.js';

export const COMPLETABLE_KINDS: readonly ChallengeKind[] = ['initialize', 'recovery', 'update-pin', 'reset-pin'];

async function enrolledInChallenge(db: Queryable, challenge: Challenge): Promise<boolean> {
  const r = await db.query('SELECT 1 FROM audit_log WHERE action = $1 AND target = $2 LIMIT 1', [
    'pin.enrolled',
    `challenge:${challenge.id}`,
  ]);
  return r.rows.length > 0;
}

async function copiesWrittenSince(db: Queryable, customerId: string, since: string): Promise<string[]> {
  const r = await db.query<{ method: string }>(
    'SELECT method FROM wrapped_copies WHERE customer_id = $1 AND updated_at >= $2',
    [customerId, since],
  );
  return r.rows.map((row) => row.method);
}

function missing(what: string): never {
  throw new ApiError(409, 'challenge_incomplete', `cannot complete yet: ${what}`);
}

export async function completeGatewayChallenge(db: Database, challenge: Challenge) {
  const written = await copiesWrittenSince(db, challenge.customerId, challenge.createdAt);
  const flags = await db.query<{ has_pin: boolean; has_recovery: boolean }>(
    'SELECT has_pin, has_recovery FROM customers WHERE id = $1',
    [challenge.customerId],
  );
  const customer = flags.rows[0];
  if (!customer) throw new ApiError(404, 'not_found', 'customer not found');
  const recoveryWritten = written.filter((m) => m !== 'pin');
  let result: Record<string, unknown>;
  switch (challenge.kind) {
    case 'initialize':
      if (!(await enrolledInChallenge(db, challenge))) missing('no PIN was set in this request');
      if (!written.includes('pin')) missing('the PIN-wrapped copy was not stored');
      if (!customer.has_recovery) missing('set up at least one recovery method first');
      result = { customerId: challenge.customerId, hasPin: true, hasRecovery: true };
      break;
    case 'recovery':
      if (recoveryWritten.length === 0) missing('no recovery method was set up in this request');
      result = { customerId: challenge.customerId, recoveryMethods: recoveryWritten.sort() };
      break;
    case 'update-pin':
    case 'reset-pin': {
      if (!(await enrolledInChallenge(db, challenge))) missing('no new PIN was set in this request');
      if (!written.includes('pin')) missing('the bundle was not re-wrapped under the new PIN');
      const keys = await listKeyShares(db, challenge.customerId);
      if (keys.length > 0 && challenge.status !== 'in_progress') {
        missing('the shares were not refreshed (run the share refresh first)');
      }
      if (keys.length > 0) {
        // After a refresh every copy must hold the new shares: a copy left behind would restore shares
        // that no longer sign. The Gateway re-wraps each (asking for the answers, issuing a new kit).
        const stored = await db.query<{ method: string }>('SELECT method FROM wrapped_copies WHERE customer_id = $1', [
          challenge.customerId,
        ]);
        const stale = stored.rows.map((r) => r.method).filter((m) => !written.includes(m));
        if (stale.length > 0)
          missing(`re-wrap the ${stale.sort().join(', ')} cop${stale.length === 1 ? 'y' : 'ies'} with the new shares`);
      }
      result = { customerId: challenge.customerId, pinChanged: true, sharesRefreshed: keys.length > 0 };
      break;
    }
    default:
      throw new ChallengeUnavailableError(
        'wrong_kind',
        challenge.id,
        `is a ${challenge.kind} challenge, which completes with its ceremony`,
      );
  }
  return db.transaction(async (tx) => {
    // A challenge with no ceremony is still pending here; claim it so it completes exactly once.
    if (challenge.status === 'pending') await claimChallenge(tx, challenge.id, { expectKind: challenge.kind });
    const completed = await completeChallenge(tx, challenge.id, result, { actor: `customer:${challenge.customerId}` });
    if (challenge.kind === 'reset-pin') {
      await enqueueWebhookEvent(tx, {
        organisationId: challenge.organisationId,
        event: 'customer.recovery_completed',
        data: { customerId: challenge.customerId, challengeId: challenge.id },
      });
    }
    await audit(tx, {
      organisationId: challenge.organisationId,
      customerId: challenge.customerId,
      actor: `customer:${challenge.customerId}`,
      action: `${challenge.kind}.completed`,
      target: `challenge:${challenge.id}`,
    });
    return completed;
  });
}
