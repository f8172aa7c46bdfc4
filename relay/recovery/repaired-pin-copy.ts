/**
 * The one copy a signing challenge may write: the PIN copy holding a re-paired ECDSA share.
 *
 * A signature whose pairing was burned (DESIGN.md §3 abort policy) first re-pairs (ecdsa-sign.ts:
 * same shares, fresh OT correlations) and Node 2 replaces its share at once. Node 1's share changed
 * too, so its PIN copy must be re-wrapped — at the relay as well, or a restore on a new device would
 * bring back a pairing the relay no longer holds. A signing challenge may therefore store the `pin`
 * copy, but only when its own ceremony re-paired (the `mpc.share.repaired` audit entry the ceremony
 * writes, targeted at this challenge — the same entry the re-pairing rate limit counts), and only once.
 * Recovery copies are never written here: they keep the old pairing on purpose (the shares are the
 * same), and a restored copy with a stale pairing re-pairs at its next signature.
 */
import { audit } from '../audit/log.js';
import type { Challenge, ChallengeKind } from '../challenges/store.js';
import type { Queryable } from '../db/database.js';
import { ApiError } from '../http/api-error.js';
import { ecdsaSignHandler } from '../mpc/ceremonies/ecdsa-sign.js';

/** Signing kinds whose ceremony (ecdsa-sign) can re-pair. */
export const REPAIR_COPY_KINDS: readonly ChallengeKind[] = ecdsaSignHandler.challengeKinds;

export const REPAIRED_PIN_COPY_ACTION = 'wrapped_copy.repaired_pin_stored';

/**
 * Inside the transaction that stores the copy: refuses unless this challenge's ceremony re-paired and
 * no re-paired PIN copy was stored under it yet, then records that one was. The challenge row is
 * locked first so two concurrent uploads cannot both pass the "only once" check.
 */
export async function claimRepairedPinCopy(tx: Queryable, challenge: Challenge): Promise<void> {
  await tx.query('SELECT id FROM challenges WHERE id = $1 FOR UPDATE', [challenge.id]);
  const target = `challenge:${challenge.id}`;
  const marks = await tx.query<{ action: string }>(
    'SELECT action FROM audit_log WHERE target = $1 AND action IN ($2, $3)',
    [target, 'mpc.share.repaired', REPAIRED_PIN_COPY_ACTION],
  );
  const actions = marks.rows.map((r) => r.action);
  if (!actions.includes('mpc.share.repaired')) {
    throw new ApiError(
      409,
      'not_repaired',
      `a ${challenge.kind} challenge stores the PIN copy only after its signing re-paired the key, which it has not (yet)`,
    );
  }
  if (actions.includes(REPAIRED_PIN_COPY_ACTION)) {
    throw new ApiError(409, 'copy_already_stored', 'the re-paired PIN copy was already stored for this challenge');
  }
  await audit(tx, {
    organisationId: challenge.organisationId,
    customerId: challenge.customerId,
    actor: `customer:${challenge.customerId}`,
    action: REPAIRED_PIN_COPY_ACTION,
    target,
  });
}
