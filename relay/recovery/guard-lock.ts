/**
 * Mirrors a PIN guard lock on the customer record and, on the attempt that caused it (`lockedOut`), queues
 * `customer.locked_out` and audits it — once. Driven by the guard's answer, so it works the same with an
 * in-process guard and a remote one, wherever the attempt came from (Gateway unlock, export ceremony).
 */
import type { GuardPurpose } from '../../protocol/pin/oprf.js';
import { audit } from '../audit/log.js';
import type { Challenge } from '../challenges/store.js';
import type { Database } from '../db/database.js';
import { enqueueWebhookEvent } from '../webhooks/outbox.js';

export async function recordGuardLock(db: Database, challenge: Challenge, purpose: GuardPurpose, lockedOut: boolean) {
  await db.transaction(async (tx) => {
    if (purpose === 'pin') await tx.query('UPDATE customers SET locked = true WHERE id = $1', [challenge.customerId]);
    if (!lockedOut) return;
    await enqueueWebhookEvent(tx, {
      organisationId: challenge.organisationId,
      event: 'customer.locked_out',
      data: { customerId: challenge.customerId, method: purpose },
    });
    await audit(tx, {
      organisationId: challenge.organisationId,
      customerId: challenge.customerId,
      actor: `customer:${challenge.customerId}`,
      action: `${purpose}.locked_out`,
      target: `challenge:${challenge.id}`,
    });
  });
}
