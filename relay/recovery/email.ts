/**
 * Email recovery on the relay (DESIGN.md §4.2): a 6-digit code sent by real SMTP, valid 10 minutes and
 * 5 attempts; a correct code releases the relay-held key part R of the email-wrapped copy, after an
 * optional time lock (`RECOVERY_EMAIL_DELAY`) during which `customer.recovery_initiated` lets the user or
 * the business react. The code logic itself is the pure protocol/pin/email-recovery.ts.
 *
 * This method trusts the operator: the relay holds R and the email copy, so whoever controls the relay
 * (or the relay plus the user's mailbox) can open that copy. SECURITY.md says so.
 */
import { toHex } from '../../protocol/bytes.js';
import {
  attemptEmailCode,
  createEmailCodeRecord,
  createEmailKeyPart,
  EMAIL_CODE_MAX_ATTEMPTS,
  type EmailCodeOutcome,
  type EmailCodeRecord,
  generateEmailCode,
} from '../../protocol/pin/email-recovery.js';
import type { WrappedSecret } from '../../protocol/pin/wrap.js';
import { secureRng } from '../../protocol/rng.js';
import { audit } from '../audit/log.js';
import type { Challenge } from '../challenges/store.js';
import type { MasterKey } from '../crypto/master-key.js';
import { open, seal } from '../crypto/seal.js';
import type { Database, Queryable } from '../db/database.js';
import { ApiError } from '../http/api-error.js';
import type { Mailer } from '../mail/mailer.js';
import { enqueueWebhookEvent } from '../webhooks/outbox.js';
import { getCopy } from './copies.js';

/** How many codes one challenge may have sent, per purpose (a resend keeps the attempts already used). */
export const MAX_CODE_SENDS = 3;
const EMAIL_RE =
  /^[^\s@"<>()[\]\\,;:]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export interface EmailRecoveryDependencies {
  db: Database;
  masterKey: MasterKey;
  mailer: Mailer;
  /** RECOVERY_EMAIL_DELAY in ms: the time lock between a correct code and the release of R. */
  releaseDelayMs: number;
  now?: () => number;
}

export type EmailPurpose = 'setup' | 'recover';

export function parseEmailAddress(value: unknown): string {
  if (typeof value !== 'string' || value.length > 254 || !EMAIL_RE.test(value.trim())) {
    throw new ApiError(
      400,
      'invalid_request',
      'email must be an address like name@example.com (at most 254 characters)',
    );
  }
  return value.trim().toLowerCase();
}

/** `a***@example.com`: enough for the user to recognise the address, not enough to harvest it. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

function sealContext(customerId: string) {
  return { table: 'email_recovery', rowId: customerId, customerId, purpose: 'email-key-part' };
}

interface CodeRow {
  record: EmailCodeRecord | string;
  email: string;
  sends: number;
}

function recordOf(row: CodeRow): EmailCodeRecord {
  return typeof row.record === 'string' ? (JSON.parse(row.record) as EmailCodeRecord) : row.record;
}

export function createEmailRecovery(deps: EmailRecoveryDependencies) {
  const now = deps.now ?? Date.now;

  /** Issues (or re-issues) the code for a challenge and purpose, then mails it. */
  async function sendCode(challenge: Challenge, purpose: EmailPurpose, email: string): Promise<{ expiresAt: string }> {
    const code = generateEmailCode(secureRng);
    const issued = await deps.db.transaction(async (tx) => {
      const existing = await tx.query<CodeRow & { sends: number }>(
        'SELECT record, email, sends FROM email_codes WHERE challenge_id = $1 AND purpose = $2 FOR UPDATE',
        [challenge.id, purpose],
      );
      const previous = existing.rows[0];
      if (previous && previous.sends >= MAX_CODE_SENDS) {
        throw new ApiError(
          429,
          'too_many_codes',
          `at most ${MAX_CODE_SENDS} codes can be sent for one request; start a new one`,
        );
      }
      const record = createEmailCodeRecord({ challengeId: challenge.id, code, nowMs: now() });
      // A resend must not hand out fresh attempts: carry over the ones already used.
      if (previous) record.attempts = recordOf(previous).attempts;
      await tx.query(
        `INSERT INTO email_codes (challenge_id, purpose, customer_id, email, record, sends) VALUES ($1, $2, $3, $4, $5, 1)
           ON CONFLICT (challenge_id, purpose) DO UPDATE
             SET record = EXCLUDED.record, email = EXCLUDED.email, sends = email_codes.sends + 1`,
        [challenge.id, purpose, challenge.customerId, email, JSON.stringify(record)],
      );
      await audit(tx, {
        organisationId: challenge.organisationId,
        customerId: challenge.customerId,
        actor: `customer:${challenge.customerId}`,
        action: `recovery.email.code_sent`,
        target: `challenge:${challenge.id}`,
        details: { purpose, to: maskEmail(email) },
      });
      return record;
    });
    await deps.mailer.send({
      to: email,
      subject: purpose === 'setup' ? 'Your Tandem email recovery code' : 'Your Tandem wallet recovery code',
      text: [
        purpose === 'setup'
          ? 'Enter this code in the Tandem window to turn on email recovery for your wallet:'
          : 'Someone (hopefully you) asked to recover your Tandem wallet. Enter this code in the Tandem window:',
        '',
        `    ${code}`,
        '',
        'It expires in 10 minutes. If you did not ask for it, ignore this email and tell the service you use.',
      ].join('\n'),
    });
    return { expiresAt: new Date(issued.expiresAtMs).toISOString() };
  }

  /** One attempt at a code; counted and stored before anything is released. */
  async function attempt(tx: Queryable, challenge: Challenge, purpose: EmailPurpose, typed: string, delayMs: number) {
    const r = await tx.query<CodeRow>(
      'SELECT record, email, sends FROM email_codes WHERE challenge_id = $1 AND purpose = $2 FOR UPDATE',
      [challenge.id, purpose],
    );
    const row = r.rows[0];
    if (!row) throw new ApiError(409, 'no_code', 'no code was sent for this request yet: ask for one first');
    const { outcome, record } = attemptEmailCode(recordOf(row), typed, now(), { delayMs });
    await tx.query('UPDATE email_codes SET record = $3 WHERE challenge_id = $1 AND purpose = $2', [
      challenge.id,
      purpose,
      JSON.stringify(record),
    ]);
    return { outcome, record, email: row.email };
  }

  function refuse(outcome: EmailCodeOutcome, record: EmailCodeRecord): never {
    if (outcome === 'wrong') {
      const left = EMAIL_CODE_MAX_ATTEMPTS - record.attempts;
      throw new ApiError(400, 'wrong_code', `that code is not right; ${left} attempt${left === 1 ? '' : 's'} left`);
    }
    if (outcome === 'expired') throw new ApiError(410, 'code_expired', 'the code has expired: ask for a new one');
    if (outcome === 'already-verified') throw new ApiError(409, 'code_already_used', 'this code was already used');
    throw new ApiError(429, 'code_attempts_exhausted', 'too many wrong codes: start a new recovery request');
  }

  return {
    /** Setup, step 1 (initialize/recovery challenges): mail a code to prove the address. */
    async startSetup(challenge: Challenge, emailInput: unknown) {
      const email = parseEmailAddress(emailInput);
      const sent = await sendCode(challenge, 'setup', email);
      return { sentTo: maskEmail(email), ...sent };
    },

    /**
     * Setup, step 2: a correct code creates (or replaces) the relay-held key part R for this customer and
     * returns it so the Gateway can wrap the email copy with it.
     */
    async confirmSetup(challenge: Challenge, typed: string): Promise<{ keyPartHex: string }> {
      // The attempt is committed even when refused (so a crash or a refusal never gives a free attempt);
      // the refusal is thrown after the commit.
      const result = await deps.db.transaction(async (tx) => {
        const attempted = await attempt(tx, challenge, 'setup', typed, 0);
        if (attempted.outcome !== 'verified') return { refused: attempted };
        const keyPart = createEmailKeyPart(secureRng);
        const sealed = seal(deps.masterKey, keyPart, sealContext(challenge.customerId));
        await tx.query(
          `INSERT INTO email_recovery (customer_id, email, key_part_sealed, verified_at) VALUES ($1, $2, $3, now())
             ON CONFLICT (customer_id) DO UPDATE
               SET email = EXCLUDED.email, key_part_sealed = EXCLUDED.key_part_sealed,
                   verified_at = now(), updated_at = now()`,
          [challenge.customerId, attempted.email, sealed],
        );
        await tx.query("DELETE FROM email_codes WHERE challenge_id = $1 AND purpose = 'setup'", [challenge.id]);
        await audit(tx, {
          organisationId: challenge.organisationId,
          customerId: challenge.customerId,
          actor: `customer:${challenge.customerId}`,
          action: 'recovery.email.enabled',
          target: `customer:${challenge.customerId}`,
          details: { to: maskEmail(attempted.email) },
        });
        try {
          return { keyPartHex: toHex(keyPart) };
        } finally {
          keyPart.fill(0);
        }
      });
      if (result.refused) refuse(result.refused.outcome, result.refused.record);
      return { keyPartHex: result.keyPartHex };
    },

    /** Recovery, step 1 (reset-pin challenges): mail a code to the stored address; tell the business. */
    async startRecovery(challenge: Challenge) {
      const r = await deps.db.query<{ email: string }>('SELECT email FROM email_recovery WHERE customer_id = $1', [
        challenge.customerId,
      ]);
      const row = r.rows[0];
      if (!row) throw new ApiError(409, 'email_recovery_not_set_up', 'email recovery is not set up for this wallet');
      const sent = await sendCode(challenge, 'recover', row.email);
      await deps.db.transaction(async (tx) => {
        await enqueueWebhookEvent(tx, {
          organisationId: challenge.organisationId,
          event: 'customer.recovery_initiated',
          data: { customerId: challenge.customerId, method: 'email', challengeId: challenge.id },
        });
      });
      return { sentTo: maskEmail(row.email), ...sent, releaseDelayMs: deps.releaseDelayMs };
    },

    /**
     * Recovery, step 2 and later polls: a correct code starts the time lock; once it has passed, the key
     * part R and the email copy are released.
     */
    async verifyRecovery(
      challenge: Challenge,
      typed: string | undefined,
    ): Promise<
      { status: 'time_locked'; releaseAt: string } | { status: 'released'; keyPartHex: string; wrapped: WrappedSecret }
    > {
      const outcome = await deps.db.transaction(async (tx) => {
        let record: EmailCodeRecord;
        if (typed === undefined) {
          const r = await tx.query<CodeRow>(
            "SELECT record, email, sends FROM email_codes WHERE challenge_id = $1 AND purpose = 'recover'",
            [challenge.id],
          );
          if (!r.rows[0])
            throw new ApiError(409, 'no_code', 'no code was sent for this request yet: ask for one first');
          record = recordOf(r.rows[0]);
          if (record.verifiedAtMs === null)
            throw new ApiError(409, 'code_not_verified', 'enter the emailed code first');
        } else {
          const result = await attempt(tx, challenge, 'recover', typed, deps.releaseDelayMs);
          if (result.outcome !== 'verified') return { refused: result };
          record = result.record;
          if (result.outcome === 'verified') {
            await audit(tx, {
              organisationId: challenge.organisationId,
              customerId: challenge.customerId,
              actor: `customer:${challenge.customerId}`,
              action: 'recovery.email.code_verified',
              target: `challenge:${challenge.id}`,
              details: { releaseAt: new Date(record.releaseAtMs ?? now()).toISOString() },
            });
          }
        }
        return { record };
      });
      if (outcome.refused) refuse(outcome.refused.outcome, outcome.refused.record);
      const releaseAtMs = outcome.record.releaseAtMs ?? now();
      if (now() < releaseAtMs) return { status: 'time_locked', releaseAt: new Date(releaseAtMs).toISOString() };
      const [keyRow, wrapped] = await Promise.all([
        deps.db.query<{ key_part_sealed: Uint8Array }>(
          'SELECT key_part_sealed FROM email_recovery WHERE customer_id = $1',
          [challenge.customerId],
        ),
        getCopy(deps.db, challenge.customerId, 'email'),
      ]);
      const sealed = keyRow.rows[0]?.key_part_sealed;
      if (!sealed || !wrapped) {
        throw new ApiError(409, 'email_recovery_incomplete', 'email recovery was never completed for this wallet');
      }
      const keyPart = open(deps.masterKey, new Uint8Array(sealed), sealContext(challenge.customerId));
      await deps.db.transaction((tx) =>
        audit(tx, {
          organisationId: challenge.organisationId,
          customerId: challenge.customerId,
          actor: `customer:${challenge.customerId}`,
          action: 'recovery.email.key_part_released',
          target: `challenge:${challenge.id}`,
        }),
      );
      try {
        return { status: 'released', keyPartHex: toHex(keyPart), wrapped };
      } finally {
        keyPart.fill(0);
      }
    },
  };
}

export type EmailRecovery = ReturnType<typeof createEmailRecovery>;
