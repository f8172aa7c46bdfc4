/**
 * The in-process PIN guard: holds the POPRF key, counts attempts per customer and purpose, checks
 * proofs against the stored verifier, and locks after `maxFailures` consecutive failures.
 *
 * Counting rule: every unlock evaluation is a failure until a valid proof over its nonce arrives.
 * The increment and the nonce are committed in one transaction BEFORE the POPRF is computed, so no
 * crash, timeout or abandoned request yields an uncounted evaluation; row locks (FOR UPDATE)
 * serialise concurrent attempts on PostgreSQL, and PGlite runs one transaction at a time.
 */
import { fromHex, toHex } from '../../protocol/bytes.js';
import { InvalidMessageError } from '../../protocol/errors.js';
import { checkProof, type GuardContext, NONCE_BYTES, parseVerifier } from '../../protocol/pin/keys.js';
import {
  type CompleteEnrolmentRequest,
  type EnrolEvaluateRequest,
  type EvaluateRequest,
  isWellFormedProof,
  parseCustomerField,
  parseEnrolEvaluateRequest,
  parseEvaluateRequest,
  parseNonce,
  parsePurposeField,
  type VerifyRequest,
} from '../../protocol/pin/messages.js';
import {
  evaluateBlinded,
  type GuardPublicKey,
  type GuardPurpose,
  guardPublicKeyFromSecret,
  parseElement,
  poprfInfo,
} from '../../protocol/pin/oprf.js';
import { type Rng, secureRng } from '../../protocol/rng.js';
import type { Database, Queryable } from '../db/database.js';
import { applyMigrations } from '../db/migrate.js';
import { PIN_GUARD_MIGRATIONS } from './schema.js';
import type {
  AllowEnrolmentResult,
  CompleteEnrolmentResult,
  EnrolEvaluateResult,
  EvaluateResult,
  GuardInfo,
  GuardStatus,
  LockedOutEvent,
  PinGuard,
  UnlockResult,
  VerifyResult,
} from './types.js';

export interface PinGuardOptions {
  db: Database;
  /** 32-byte P-256 scalar (see key-file.ts); never logged. */
  oprfKey: Uint8Array;
  /** Milliseconds since the epoch. */
  clock?: () => number;
  rng?: Rng;
  /** Called after the transaction that locked a customer's purpose has committed. */
  onLockedOut?: (event: LockedOutEvent) => Promise<void> | void;
  maxFailures?: number;
  nonceTtlMs?: number;
  enrolmentWindowMs?: number;
  /** Enrolment evaluations allowed per opening (and before the first enrolment). */
  maxEnrolEvaluations?: number;
  /** `unlock` (reset without re-enrolment) calls allowed per customer and purpose per window. */
  maxResets?: number;
  resetWindowMs?: number;
  /** false when the caller applies PIN_GUARD_MIGRATIONS itself. */
  migrate?: boolean;
}

export const PIN_GUARD_DEFAULTS = {
  maxFailures: 5,
  nonceTtlMs: 2 * 60 * 1000,
  enrolmentWindowMs: 15 * 60 * 1000,
  maxEnrolEvaluations: 10,
  maxResets: 3,
  resetWindowMs: 24 * 60 * 60 * 1000,
} as const;

interface SecretRow {
  epoch: number;
  next_epoch: number;
  verifier_hex: string | null;
  failures: number;
  locked: boolean;
  enrolment_open: boolean;
  enrol_evaluations: number;
}

const SELECT_ROW = `
  SELECT epoch, next_epoch, verifier_hex, failures, enrol_evaluations,
         locked_at_ms IS NOT NULL AS locked,
         (enrolment_open_until_ms IS NOT NULL AND enrolment_open_until_ms > $3) AS enrolment_open
    FROM pin_guard_secrets WHERE customer_id = $1 AND purpose = $2`;

async function lockRow(
  tx: Queryable,
  customerId: string,
  purpose: GuardPurpose,
  now: number,
): Promise<SecretRow | undefined> {
  const r = await tx.query<SecretRow>(`${SELECT_ROW} FOR UPDATE`, [customerId, purpose, now]);
  return r.rows[0];
}

async function ensureRow(tx: Queryable, customerId: string, purpose: GuardPurpose, now: number): Promise<SecretRow> {
  await tx.query(
    'INSERT INTO pin_guard_secrets (customer_id, purpose) VALUES ($1, $2) ON CONFLICT (customer_id, purpose) DO NOTHING',
    [customerId, purpose],
  );
  return (await lockRow(tx, customerId, purpose, now)) as SecretRow;
}

async function takeNonce(
  tx: Queryable,
  nonceHex: string,
  customerId: string,
  purpose: GuardPurpose,
  kind: 'unlock' | 'enrol',
  now: number,
): Promise<{ epoch: number } | undefined> {
  // Deleting is what makes a nonce single-use: a replay finds nothing, whatever the outcome was.
  const r = await tx.query<{ epoch: number; fresh: boolean }>(
    `DELETE FROM pin_guard_nonces
      WHERE nonce_hex = $1 AND customer_id = $2 AND purpose = $3 AND kind = $4
      RETURNING epoch, expires_at_ms > $5 AS fresh`,
    [nonceHex, customerId, purpose, kind, now],
  );
  const row = r.rows[0];
  return row?.fresh ? { epoch: row.epoch } : undefined;
}

function parseOwner(value: { customerId?: unknown; purpose?: unknown }): { customerId: string; purpose: GuardPurpose } {
  return {
    customerId: parseCustomerField(value.customerId, 'client'),
    purpose: parsePurposeField(value.purpose, 'client'),
  };
}

function assertOnlyKeys(value: unknown, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidMessageError({ from: 'client', field: 'message', expected: 'an object', got: typeof value });
  }
  const extra = Object.keys(value).find((k) => !keys.includes(k));
  if (extra !== undefined) throw new InvalidMessageError({ from: 'client', field: extra, expected: 'no such field' });
  return value as Record<string, unknown>;
}

/** Creates the guard on `db`, applying its migrations unless `migrate: false`. */
export async function createPinGuard(options: PinGuardOptions): Promise<PinGuard> {
  const { db } = options;
  const clock = options.clock ?? Date.now;
  const rng = options.rng ?? secureRng;
  const cfg = {
    maxFailures: options.maxFailures ?? PIN_GUARD_DEFAULTS.maxFailures,
    nonceTtlMs: options.nonceTtlMs ?? PIN_GUARD_DEFAULTS.nonceTtlMs,
    enrolmentWindowMs: options.enrolmentWindowMs ?? PIN_GUARD_DEFAULTS.enrolmentWindowMs,
    maxEnrolEvaluations: options.maxEnrolEvaluations ?? PIN_GUARD_DEFAULTS.maxEnrolEvaluations,
    maxResets: options.maxResets ?? PIN_GUARD_DEFAULTS.maxResets,
    resetWindowMs: options.resetWindowMs ?? PIN_GUARD_DEFAULTS.resetWindowMs,
  };
  const secretKey = options.oprfKey.slice();
  const publicKey: GuardPublicKey = guardPublicKeyFromSecret(secretKey);
  if (options.migrate !== false) await applyMigrations(db, PIN_GUARD_MIGRATIONS);
  let closed = false;

  const notifyLock = async (customerId: string, purpose: GuardPurpose, failures: number, lockedAtMs: number) => {
    await options.onLockedOut?.({ customerId, purpose, failures, lockedAtMs });
  };

  async function lockInTx(tx: Queryable, customerId: string, purpose: GuardPurpose, now: number): Promise<void> {
    await tx.query('UPDATE pin_guard_secrets SET locked_at_ms = $3 WHERE customer_id = $1 AND purpose = $2', [
      customerId,
      purpose,
      now,
    ]);
    await tx.query('DELETE FROM pin_guard_nonces WHERE customer_id = $1 AND purpose = $2', [customerId, purpose]);
  }

  function evaluateFor(blinded: string, ctx: GuardContext) {
    const { evaluated, proof } = evaluateBlinded(
      secretKey,
      parseElement(blinded, 'blinded', 'client'),
      poprfInfo(ctx.customerId, ctx.purpose, ctx.keyId, ctx.epoch),
      rng,
    );
    return { evaluated: toHex(evaluated), proof: toHex(proof) };
  }

  const assertOpen = () => {
    if (closed) throw new Error('PIN guard is closed');
  };

  return {
    async info(): Promise<GuardInfo> {
      return { ...publicKey, maxFailures: cfg.maxFailures };
    },

    async status(customerIdIn, purposeIn): Promise<GuardStatus> {
      assertOpen();
      const { customerId, purpose } = parseOwner({ customerId: customerIdIn, purpose: purposeIn });
      const now = clock();
      const r = await db.query<SecretRow>(SELECT_ROW, [customerId, purpose, now]);
      const row = r.rows[0];
      const enrolled = Boolean(row?.verifier_hex);
      const failures = row?.failures ?? 0;
      return {
        customerId,
        purpose,
        enrolled,
        epoch: row?.epoch ?? 0,
        failures,
        attemptsRemaining: Math.max(0, cfg.maxFailures - failures),
        locked: row?.locked ?? false,
        enrolmentOpen: !enrolled || Boolean(row?.enrolment_open),
      };
    },

    async evaluate(requestIn: EvaluateRequest): Promise<EvaluateResult> {
      assertOpen();
      const request = parseEvaluateRequest(requestIn);
      const { customerId, purpose } = request;
      const now = clock();
      const nonceHex = toHex(rng(NONCE_BYTES));
      const decision = await db.transaction(async (tx) => {
        const row = await lockRow(tx, customerId, purpose, now);
        if (!row?.verifier_hex) return { status: 'not-enrolled' } as const;
        if (row.locked) return { status: 'locked', lockedOut: false } as const;
        if (request.epoch !== row.epoch) return { status: 'stale-epoch', epoch: row.epoch } as const;
        if (row.failures >= cfg.maxFailures) {
          // Earlier attempts were evaluated but never proved: the limit is reached, lock now.
          await lockInTx(tx, customerId, purpose, now);
          return { status: 'locked', lockedOut: true, failures: row.failures } as const;
        }
        await tx.query('DELETE FROM pin_guard_nonces WHERE customer_id = $1 AND purpose = $2 AND expires_at_ms <= $3', [
          customerId,
          purpose,
          now,
        ]);
        await tx.query('UPDATE pin_guard_secrets SET failures = failures + 1 WHERE customer_id = $1 AND purpose = $2', [
          customerId,
          purpose,
        ]);
        await tx.query(
          `INSERT INTO pin_guard_nonces (nonce_hex, customer_id, purpose, kind, epoch, expires_at_ms)
           VALUES ($1, $2, $3, 'unlock', $4, $5)`,
          [nonceHex, customerId, purpose, row.epoch, now + cfg.nonceTtlMs],
        );
        return { status: 'counted', epoch: row.epoch, failures: row.failures + 1 } as const;
      });
      if (decision.status === 'locked' && decision.lockedOut) {
        await notifyLock(customerId, purpose, decision.failures, now);
        return { status: 'locked', lockedOut: true };
      }
      if (decision.status !== 'counted') return decision;
      const ctx: GuardContext = { customerId, purpose, keyId: publicKey.keyId, epoch: decision.epoch };
      const evaluation = { nonce: nonceHex, epoch: decision.epoch, ...evaluateFor(request.blinded, ctx) };
      return { status: 'ok', evaluation, attemptsRemaining: cfg.maxFailures - decision.failures };
    },

    async verify(requestIn: VerifyRequest): Promise<VerifyResult> {
      assertOpen();
      const record = assertOnlyKeys(requestIn, ['customerId', 'purpose', 'nonce', 'proof']);
      const { customerId, purpose } = parseOwner(record);
      const nonce = parseNonce(record.nonce, 'client');
      // A malformed proof (wrong length, not hex) is a failed attempt, not a free retry: the nonce
      // is consumed below like for any wrong proof.
      const proofHex = isWellFormedProof(record.proof) ? record.proof : undefined;
      const now = clock();
      const outcome = await db.transaction(async (tx) => {
        const row = await lockRow(tx, customerId, purpose, now);
        const taken = await takeNonce(tx, toHex(nonce), customerId, purpose, 'unlock', now);
        if (!taken) return { status: 'invalid-nonce' } as const;
        if (!row?.verifier_hex) return { status: 'not-enrolled' } as const;
        if (row.locked) return { status: 'locked', lockedOut: false } as const;
        if (taken.epoch !== row.epoch) return { status: 'invalid-nonce' } as const;
        const ctx: GuardContext = { customerId, purpose, keyId: publicKey.keyId, epoch: row.epoch };
        const ok =
          proofHex !== undefined &&
          checkProof(fromHex(row.verifier_hex, 'verifier_hex'), fromHex(proofHex, 'proof'), 'unlock', ctx, nonce);
        if (ok) {
          await tx.query('UPDATE pin_guard_secrets SET failures = 0 WHERE customer_id = $1 AND purpose = $2', [
            customerId,
            purpose,
          ]);
          return { status: 'ok' } as const;
        }
        if (row.failures >= cfg.maxFailures) {
          await lockInTx(tx, customerId, purpose, now);
          return { status: 'locked', lockedOut: true, failures: row.failures } as const;
        }
        return { status: 'wrong', attemptsRemaining: cfg.maxFailures - row.failures } as const;
      });
      if (outcome.status === 'locked' && outcome.lockedOut) {
        await notifyLock(customerId, purpose, outcome.failures, now);
        return { status: 'locked', lockedOut: true };
      }
      return outcome;
    },

    async beginEnrolment(requestIn: EnrolEvaluateRequest): Promise<EnrolEvaluateResult> {
      assertOpen();
      const request = parseEnrolEvaluateRequest(requestIn);
      const { customerId, purpose } = request;
      const now = clock();
      const nonceHex = toHex(rng(NONCE_BYTES));
      const decision = await db.transaction(async (tx) => {
        const row = await ensureRow(tx, customerId, purpose, now);
        const open = row.verifier_hex === null || row.enrolment_open;
        if (!open || row.enrol_evaluations >= cfg.maxEnrolEvaluations) return undefined;
        // A fresh epoch per enrolment evaluation: nothing evaluated here can ever be used against
        // the current enrolment or against any other attempt's epoch.
        await tx.query(
          `UPDATE pin_guard_secrets SET next_epoch = next_epoch + 1, enrol_evaluations = enrol_evaluations + 1
            WHERE customer_id = $1 AND purpose = $2`,
          [customerId, purpose],
        );
        await tx.query(
          `INSERT INTO pin_guard_nonces (nonce_hex, customer_id, purpose, kind, epoch, expires_at_ms)
           VALUES ($1, $2, $3, 'enrol', $4, $5)`,
          [nonceHex, customerId, purpose, row.next_epoch, now + cfg.nonceTtlMs],
        );
        return row.next_epoch;
      });
      if (decision === undefined) return { status: 'enrolment-closed' };
      const ctx: GuardContext = { customerId, purpose, keyId: publicKey.keyId, epoch: decision };
      return { status: 'ok', evaluation: { nonce: nonceHex, epoch: decision, ...evaluateFor(request.blinded, ctx) } };
    },

    async completeEnrolment(requestIn: CompleteEnrolmentRequest): Promise<CompleteEnrolmentResult> {
      assertOpen();
      const record = assertOnlyKeys(requestIn, ['customerId', 'purpose', 'nonce', 'verifier', 'proof']);
      const { customerId, purpose } = parseOwner(record);
      const nonce = parseNonce(record.nonce, 'client');
      const verifier = parseVerifier(record.verifier, 'verifier', 'client');
      const proofHex = isWellFormedProof(record.proof) ? record.proof : undefined;
      const now = clock();
      return db.transaction(async (tx) => {
        const row = await lockRow(tx, customerId, purpose, now);
        const taken = await takeNonce(tx, toHex(nonce), customerId, purpose, 'enrol', now);
        if (!row || !taken) return { status: 'invalid-nonce' } as const;
        if (!(row.verifier_hex === null || row.enrolment_open)) return { status: 'enrolment-closed' } as const;
        const ctx: GuardContext = { customerId, purpose, keyId: publicKey.keyId, epoch: taken.epoch };
        const ok = proofHex !== undefined && checkProof(verifier, fromHex(proofHex, 'proof'), 'enrol', ctx, nonce);
        if (!ok) return { status: 'bad-proof' } as const;
        await tx.query(
          `UPDATE pin_guard_secrets
              SET verifier_hex = $3, epoch = $4, failures = 0, locked_at_ms = NULL,
                  enrolment_open_until_ms = NULL, enrol_evaluations = 0
            WHERE customer_id = $1 AND purpose = $2`,
          [customerId, purpose, toHex(verifier), taken.epoch],
        );
        // Outstanding nonces belong to the old enrolment or to abandoned enrolment attempts.
        await tx.query('DELETE FROM pin_guard_nonces WHERE customer_id = $1 AND purpose = $2', [customerId, purpose]);
        return { status: 'ok', epoch: taken.epoch } as const;
      });
    },

    async allowEnrolment(customerIdIn, purposeIn): Promise<AllowEnrolmentResult> {
      assertOpen();
      const { customerId, purpose } = parseOwner({ customerId: customerIdIn, purpose: purposeIn });
      const now = clock();
      const openUntilMs = now + cfg.enrolmentWindowMs;
      await db.transaction(async (tx) => {
        await ensureRow(tx, customerId, purpose, now);
        await tx.query(
          `UPDATE pin_guard_secrets SET enrolment_open_until_ms = $3, enrol_evaluations = 0
            WHERE customer_id = $1 AND purpose = $2`,
          [customerId, purpose, openUntilMs],
        );
      });
      return { status: 'ok', openUntilMs };
    },

    async unlock(customerIdIn, purposeIn): Promise<UnlockResult> {
      assertOpen();
      const { customerId, purpose } = parseOwner({ customerId: customerIdIn, purpose: purposeIn });
      const now = clock();
      return db.transaction(async (tx) => {
        await ensureRow(tx, customerId, purpose, now);
        const since = now - cfg.resetWindowMs;
        const recent = await tx.query<{ n: number; oldest: string | null }>(
          `SELECT count(*)::int AS n, min(at_ms)::text AS oldest FROM pin_guard_resets
            WHERE customer_id = $1 AND purpose = $2 AND at_ms > $3`,
          [customerId, purpose, since],
        );
        const { n, oldest } = recent.rows[0] ?? { n: 0, oldest: null };
        if (n >= cfg.maxResets) {
          return {
            status: 'rate-limited',
            retryAfterMs: Math.max(0, Number(oldest) + cfg.resetWindowMs - now),
          } as const;
        }
        await tx.query('INSERT INTO pin_guard_resets (customer_id, purpose, at_ms) VALUES ($1, $2, $3)', [
          customerId,
          purpose,
          now,
        ]);
        await tx.query(
          'UPDATE pin_guard_secrets SET failures = 0, locked_at_ms = NULL WHERE customer_id = $1 AND purpose = $2',
          [customerId, purpose],
        );
        await tx.query('DELETE FROM pin_guard_nonces WHERE customer_id = $1 AND purpose = $2', [customerId, purpose]);
        return { status: 'ok' } as const;
      });
    },

    async close() {
      closed = true;
      secretKey.fill(0);
    },
  };
}
