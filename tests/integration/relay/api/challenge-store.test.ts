import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChallengeUnavailableError,
  claimChallenge,
  completeChallenge,
  createChallenge,
  failChallenge,
  getChallenge,
  getCustomerChallenge,
  listCustomerChallenges,
} from '../../../../relay/challenges/store.js';
import { sweepChallenges } from '../../../../relay/challenges/sweeper.js';
import type { Database } from '../../../../relay/db/database.js';
import { openTestDatabase, seedCustomer } from './db.js';

let db: Database;
let org: { organisationId: string; customerId: string };
beforeAll(async () => {
  db = await openTestDatabase();
  org = await seedCustomer(db, { hasPin: true, hasRecovery: true });
});
afterAll(async () => {
  await db.close();
});

const newChallenge = (kind: 'transfer' | 'sign-message' = 'sign-message') =>
  db.transaction((tx) =>
    createChallenge(tx, {
      ...org,
      kind,
      payload: { walletId: 'w', message: 'hi' },
      returnUrl: 'https://shop.example/done',
    }),
  );

async function expectUnavailable(promise: Promise<unknown>, reason: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChallengeUnavailableError);
  expect((error as ChallengeUnavailableError).reason).toBe(reason);
}

async function auditActions(challengeId: string): Promise<string[]> {
  const r = await db.query<{ action: string }>('SELECT action FROM audit_log WHERE target = $1 ORDER BY id', [
    `challenge:${challengeId}`,
  ]);
  return r.rows.map((row) => row.action);
}

describe('challenge store', () => {
  it('creates a pending challenge that expires 15 minutes later and keeps the exact payload', async () => {
    const c = await newChallenge();
    expect(c.status).toBe('pending');
    expect(Date.parse(c.expiresAt) - Date.parse(c.createdAt)).toBe(15 * 60 * 1000);
    expect(c.payload).toEqual({ walletId: 'w', message: 'hi' });
    expect(await getChallenge(db, c.id)).toEqual(c);
    expect(await auditActions(c.id)).toEqual(['challenge.created']);
  });

  it('claims once, then completes with a result and queues the audit trail', async () => {
    const c = await newChallenge();
    const claimed = await db.transaction((tx) => claimChallenge(tx, c.id, { expectKind: 'sign-message' }));
    expect(claimed.status).toBe('in_progress');
    const done = await db.transaction((tx) => completeChallenge(tx, c.id, { signature: '0xabc' }));
    expect(done).toMatchObject({ status: 'verified', result: { signature: '0xabc' } });
    expect(await auditActions(c.id)).toEqual(['challenge.created', 'challenge.claimed', 'challenge.completed']);
  });

  it('claims outside a transaction with its audit entry (actor, address, kind) written by the same statement', async () => {
    const c = await newChallenge();
    await claimChallenge(db, c.id, { actor: 'device:d1', ip: '203.0.113.9' });
    const byDefault = await newChallenge();
    await claimChallenge(db, byDefault.id);
    const r = await db.query<Record<string, unknown>>(
      `SELECT organisation_id, customer_id, actor, target, details, ip FROM audit_log
        WHERE action = 'challenge.claimed' AND target = ANY ($1::text[]) ORDER BY id`,
      [[`challenge:${c.id}`, `challenge:${byDefault.id}`]],
    );
    expect(r.rows).toEqual([
      {
        organisation_id: org.organisationId,
        customer_id: org.customerId,
        actor: 'device:d1',
        target: `challenge:${c.id}`,
        details: { kind: 'sign-message' },
        ip: '203.0.113.9',
      },
      {
        organisation_id: org.organisationId,
        customer_id: org.customerId,
        actor: `customer:${org.customerId}`,
        target: `challenge:${byDefault.id}`,
        details: { kind: 'sign-message' },
        ip: null,
      },
    ]);
  });

  it("writes the completing party's own audit entry after challenge.completed, redacted, in the same statement", async () => {
    const c = await newChallenge();
    await claimChallenge(db, c.id);
    await db.transaction((tx) =>
      completeChallenge(
        tx,
        c.id,
        { signature: '0xabc' },
        { actor: 'device:d1', ip: '203.0.113.9' },
        { actor: 'device:d1', action: 'mpc.ceremony.completed', details: { ceremony: 'ecdsa-sign', share: 'x' } },
      ),
    );
    const r = await db.query<Record<string, unknown>>(
      `SELECT organisation_id, customer_id, actor, action, details, ip FROM audit_log
        WHERE target = $1 AND action <> 'challenge.created' AND action <> 'challenge.claimed' ORDER BY id`,
      [`challenge:${c.id}`],
    );
    const common = { organisation_id: org.organisationId, customer_id: org.customerId, ip: '203.0.113.9' };
    expect(r.rows).toEqual([
      { ...common, actor: 'device:d1', action: 'challenge.completed', details: { kind: 'sign-message' } },
      {
        ...common,
        actor: 'device:d1',
        action: 'mpc.ceremony.completed',
        details: { ceremony: 'ecdsa-sign', share: '[redacted]' },
      },
    ]);
  });

  it('writes no completion audit entry when the challenge is not in progress', async () => {
    const c = await newChallenge();
    await expectUnavailable(
      db.transaction((tx) =>
        completeChallenge(tx, c.id, {}, {}, { actor: 'device:d1', action: 'mpc.ceremony.completed', details: {} }),
      ),
      'not_in_progress',
    );
    expect(await auditActions(c.id)).toEqual(['challenge.created']);
  });

  it('refuses a second claim as already used', async () => {
    const c = await newChallenge();
    await db.transaction((tx) => claimChallenge(tx, c.id));
    await expectUnavailable(
      db.transaction((tx) => claimChallenge(tx, c.id)),
      'already_used',
    );
  });

  it('lets exactly one of two concurrent claims win', async () => {
    const c = await newChallenge();
    const results = await Promise.allSettled([
      db.transaction((tx) => claimChallenge(tx, c.id)),
      db.transaction((tx) => claimChallenge(tx, c.id)),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('refuses to claim an expired challenge and reads it as expired', async () => {
    const c = await newChallenge();
    await db.query("UPDATE challenges SET expires_at = now() - interval '1 second' WHERE id = $1", [c.id]);
    expect((await getChallenge(db, c.id))?.status).toBe('expired');
    await expectUnavailable(
      db.transaction((tx) => claimChallenge(tx, c.id)),
      'expired',
    );
  });

  it('refuses to claim an unknown challenge', async () => {
    await expectUnavailable(
      db.transaction((tx) => claimChallenge(tx, crypto.randomUUID())),
      'unknown',
    );
  });

  it('treats an id that is not a UUID as unknown everywhere', async () => {
    expect(await getChallenge(db, 'nope')).toBeUndefined();
    await expectUnavailable(
      db.transaction((tx) => claimChallenge(tx, 'nope')),
      'unknown',
    );
    await expectUnavailable(
      db.transaction((tx) => completeChallenge(tx, "x' OR 1=1", {})),
      'unknown',
    );
    await expectUnavailable(
      db.transaction((tx) => failChallenge(tx, '', 'r')),
      'unknown',
    );
  });

  it('refuses to claim a challenge of another kind', async () => {
    const c = await newChallenge('sign-message');
    await expectUnavailable(
      db.transaction((tx) => claimChallenge(tx, c.id, { expectKind: 'transfer' })),
      'wrong_kind',
    );
  });

  it("refuses to claim another customer's challenge as unknown", async () => {
    const c = await newChallenge();
    await expectUnavailable(
      db.transaction((tx) => claimChallenge(tx, c.id, { expectCustomerId: crypto.randomUUID() })),
      'unknown',
    );
  });

  it('refuses to complete a challenge that was not claimed', async () => {
    const c = await newChallenge();
    await expectUnavailable(
      db.transaction((tx) => completeChallenge(tx, c.id, {})),
      'not_in_progress',
    );
  });

  it('fails a claimed challenge with a reason and refuses to complete it afterwards', async () => {
    const c = await newChallenge();
    await db.transaction((tx) => claimChallenge(tx, c.id));
    const failed = await db.transaction((tx) => failChallenge(tx, c.id, 'customer cancelled'));
    expect(failed).toMatchObject({ status: 'failed', failureReason: 'customer cancelled' });
    await expectUnavailable(
      db.transaction((tx) => completeChallenge(tx, c.id, {})),
      'not_in_progress',
    );
  });

  it('rolls the challenge back with the transaction that created it', async () => {
    let id = '';
    await db
      .transaction(async (tx) => {
        id = (await createChallenge(tx, { ...org, kind: 'transfer', payload: {}, returnUrl: 'https://x.example' })).id;
        throw new Error('boom');
      })
      .catch(() => undefined);
    expect(await getChallenge(db, id)).toBeUndefined();
  });

  it('scopes reads to the organisation and customer, and filters lists by status', async () => {
    const c = await newChallenge();
    expect(await getCustomerChallenge(db, org.organisationId, crypto.randomUUID(), c.id)).toBeUndefined();
    expect(await getCustomerChallenge(db, crypto.randomUUID(), org.customerId, c.id)).toBeUndefined();
    const pending = await listCustomerChallenges(db, org.organisationId, org.customerId, {
      page: 1,
      limit: 100,
      order: 'desc',
      status: 'pending',
    });
    expect(pending.challenges.every((x) => x.status === 'pending')).toBe(true);
    expect(pending.challenges.map((x) => x.id)).toContain(c.id);
  });

  it('sweeps: expires stale pending, fails abandoned in-progress, prunes old results', async () => {
    const stale = await newChallenge();
    const abandoned = await newChallenge();
    const old = await newChallenge();
    await db.transaction((tx) => claimChallenge(tx, abandoned.id));
    await db.transaction((tx) => claimChallenge(tx, old.id));
    await db.transaction((tx) => completeChallenge(tx, old.id, { ok: true }));
    await db.query("UPDATE challenges SET expires_at = now() - interval '1 minute' WHERE id = $1", [stale.id]);
    await db.query("UPDATE challenges SET expires_at = now() - interval '10 minutes' WHERE id = $1", [abandoned.id]);
    await db.query("UPDATE challenges SET expires_at = now() - interval '2 days' WHERE id = $1", [old.id]);
    const report = await sweepChallenges(db);
    expect(report.expired).toBeGreaterThanOrEqual(1);
    expect(report.abandoned).toBeGreaterThanOrEqual(1);
    expect(report.pruned).toBeGreaterThanOrEqual(1);
    expect((await getChallenge(db, stale.id))?.status).toBe('expired');
    expect(await getChallenge(db, abandoned.id)).toMatchObject({ status: 'failed' });
    const pruned = await getChallenge(db, old.id);
    expect(pruned).toMatchObject({ status: 'verified', payload: null, result: null, returnUrl: null });
    expect(pruned?.prunedAt).not.toBeNull();
  });
});
