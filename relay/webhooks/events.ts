/**
 * Webhook event names: Planbok's documented set (planbok-reference.md §5) plus `challenge.completed`,
 * which Planbok lacks and which saves integrators from polling challenges.
 */
export const WEBHOOK_EVENTS = [
  'transaction.created',
  'transaction.signed',
  'transaction.broadcast',
  'transaction.confirmed',
  'transaction.failed',
  'transaction.accelerated',
  'transaction.cancelled',
  'wallet.created',
  'customer.created',
  'customer.pin_setup',
  'customer.locked_out',
  'customer.recovery_initiated',
  'customer.recovery_completed',
  'challenge.completed',
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** An endpoint subscribed to `*` receives every event, including ones added later. */
export const ALL_EVENTS = '*';

export function isWebhookEvent(value: string): value is WebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(value);
}
