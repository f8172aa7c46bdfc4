/** Challenge kinds (DESIGN.md §5) and statuses. */

export const CHALLENGE_KINDS = [
  'initialize',
  'recovery',
  'update-pin',
  'reset-pin',
  'wallet-create',
  'transfer',
  'contract-execution',
  'sign-message',
  'sign-typed-data',
  'sign-transaction',
  'sign-delegate-action',
  'export-private-keys',
] as const;

export type ChallengeKind = (typeof CHALLENGE_KINDS)[number];

/**
 * `pending` (created, waiting for the customer) → `in_progress` (claimed by the Gateway; the ceremony is
 * running) → `verified` | `failed`. A pending challenge past `expiresAt` reads as `expired`.
 */
export const CHALLENGE_STATUSES = ['pending', 'in_progress', 'verified', 'failed', 'expired'] as const;

export type ChallengeStatus = (typeof CHALLENGE_STATUSES)[number];

/** Planbok's challenge lifetime: 15 minutes. */
export const CHALLENGE_LIFETIME_MS = 15 * 60 * 1000;

/** Human labels, shown on the /gateway page and in the Gateway window. */
export const CHALLENGE_KIND_LABELS: Record<ChallengeKind, string> = {
  initialize: 'Set up your PIN and recovery',
  recovery: 'Set up account recovery',
  'update-pin': 'Change your PIN',
  'reset-pin': 'Reset a forgotten PIN',
  'wallet-create': 'Create wallets',
  transfer: 'Approve a transfer',
  'contract-execution': 'Approve a contract call',
  'sign-message': 'Sign a message',
  'sign-typed-data': 'Sign typed data',
  'sign-transaction': 'Sign a transaction',
  'sign-delegate-action': 'Sign a NEAR delegate action',
  'export-private-keys': 'Export your private keys',
};
