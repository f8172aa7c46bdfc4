/**
 * Wrapped copies of the Node 1 bundle kept by the relay: the PIN copy (`wrappedSecret`, for restore on a
 * new device) and one copy per recovery method. The relay cannot open them (except the email copy, whose
 * key part it holds — see email.ts); it stores them, validates their shape, and keeps the customer's
 * `hasPin` / `hasRecovery` flags true to what is stored.
 */
import { parseWrappedSecret, type WrapMethod, type WrappedSecret } from '../../protocol/pin/wrap.js';
import { audit } from '../audit/log.js';
import type { Queryable } from '../db/database.js';
import { ApiError } from '../http/api-error.js';
import { enqueueWebhookEvent } from '../webhooks/outbox.js';

export const RECOVERY_METHODS: readonly WrapMethod[] = ['questions', 'email', 'kit'];

export function parseCopy(value: unknown, method: WrapMethod, customerId: string): WrappedSecret {
  let wrapped: WrappedSecret;
  try {
    wrapped = parseWrappedSecret(value);
  } catch (error) {
    throw new ApiError(400, 'invalid_wrapped_secret', `invalid wrapped copy: ${(error as Error).message}`);
  }
  if (wrapped.method !== method) {
    throw new ApiError(
      400,
      'invalid_wrapped_secret',
      `wrapped copy is for method "${wrapped.method}", not "${method}"`,
    );
  }
  if (wrapped.customerId !== customerId) {
    throw new ApiError(400, 'invalid_wrapped_secret', 'wrapped copy is bound to another customer');
  }
  return wrapped;
}

/** Stores (or replaces) a copy and updates the customer's flags, queuing the matching webhooks. */
export async function storeCopy(
  tx: Queryable,
  params: { organisationId: string; customerId: string; method: WrapMethod; wrapped: WrappedSecret; ip?: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO wrapped_copies (customer_id, method, wrapped) VALUES ($1, $2, $3)
       ON CONFLICT (customer_id, method) DO UPDATE SET wrapped = EXCLUDED.wrapped, updated_at = now()`,
    [params.customerId, params.method, JSON.stringify(params.wrapped)],
  );
  const flags = await tx.query<{ has_pin: boolean; has_recovery: boolean }>(
    'SELECT has_pin, has_recovery FROM customers WHERE id = $1 FOR UPDATE',
    [params.customerId],
  );
  const before = flags.rows[0];
  if (params.method === 'pin' && before && !before.has_pin) {
    await tx.query('UPDATE customers SET has_pin = true WHERE id = $1', [params.customerId]);
    await enqueueWebhookEvent(tx, {
      organisationId: params.organisationId,
      event: 'customer.pin_setup',
      data: { customerId: params.customerId },
    });
  }
  if (params.method !== 'pin' && before && !before.has_recovery) {
    await tx.query('UPDATE customers SET has_recovery = true WHERE id = $1', [params.customerId]);
  }
  await audit(tx, {
    organisationId: params.organisationId,
    customerId: params.customerId,
    actor: `customer:${params.customerId}`,
    action: 'wrapped_copy.stored',
    target: `customer:${params.customerId}`,
    details: { method: params.method },
    ip: params.ip,
  });
}

export async function getCopy(
  db: Queryable,
  customerId: string,
  method: WrapMethod,
): Promise<WrappedSecret | undefined> {
  const r = await db.query<{ wrapped: unknown }>(
    'SELECT wrapped FROM wrapped_copies WHERE customer_id = $1 AND method = $2',
    [customerId, method],
  );
  const row = r.rows[0];
  // Stored records are validated on the way out too: a corrupted row is an error, not a silent pass.
  return row ? parseWrappedSecret(typeof row.wrapped === 'string' ? JSON.parse(row.wrapped) : row.wrapped) : undefined;
}

export async function listCopyMethods(db: Queryable, customerId: string): Promise<WrapMethod[]> {
  const r = await db.query<{ method: WrapMethod }>(
    'SELECT method FROM wrapped_copies WHERE customer_id = $1 ORDER BY method',
    [customerId],
  );
  return r.rows.map((row) => row.method);
}
