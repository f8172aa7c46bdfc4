/**
 * Email recovery end to end on the relay side: real PGlite (or PostgreSQL), real SMTP delivery through
 * nodemailer to a local smtp-server on 127.0.0.1, the master key sealing the key part at rest.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../../../protocol/bytes.js';
import { deriveEmailRecoveryKey, emailRecoveryHeader } from '../../../../protocol/pin/email-recovery.js';
import { unwrapBundleJson, wrapBundle } from '../../../../protocol/pin/wrap.js';
import { secureRng } from '../../../../protocol/rng.js';
import { createChallenge } from '../../../../relay/challenges/store.js';
import { loadMasterKey } from '../../../../relay/crypto/master-key.js';
import { createCustomer } from '../../../../relay/customers/store.js';
import type { Database } from '../../../../relay/db/database.js';
import { applyMigrations } from '../../../../relay/db/migrate.js';
import { openDatabase } from '../../../../relay/db/open.js';
import { RELAY_MIGRATIONS } from '../../../../relay/db/schema.js';
import { type DevMailbox, startDevMailbox } from '../../../../relay/mail/dev-mailbox.js';
import { createSmtpMailer, type Mailer } from '../../../../relay/mail/mailer.js';
import { createOrganisation } from '../../../../relay/organisations/api-keys.js';
import { storeCopy } from '../../../../relay/recovery/copies.js';
import { createEmailRecovery, type EmailRecovery } from '../../../../relay/recovery/email.js';
import { createTestDatabase, type TestDatabase } from '../../../helpers/database.js';

let dir: string;
let testDb: TestDatabase;
let db: Database;
let mailbox: DevMailbox;
let mailer: Mailer;
let organisationId: string;
let clock = Date.now();

function codeIn(raw: string): string {
  const match = raw.match(/^\s{4}(\d{6})\s*$/m);
  if (!match?.[1]) throw new Error('no code in the mail');
  return match[1];
}

async function setup(releaseDelayMs = 0): Promise<EmailRecovery> {
  return createEmailRecovery({
    db,
    masterKey: loadMasterKey({ dataDir: dir }),
    mailer,
    releaseDelayMs,
    now: () => clock,
  });
}

async function newCustomerChallenge(kind: 'initialize' | 'reset-pin', customerId?: string) {
  const id = customerId ?? (await createCustomer(db, organisationId, { name: 'Ada', refId: crypto.randomUUID() })).id;
  const challenge = await createChallenge(db, {
    organisationId,
    customerId: id,
    kind,
    payload: {},
    returnUrl: 'https://shop.example/done',
  });
  return challenge;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tandem-email-'));
  testDb = await createTestDatabase();
  db = await openDatabase({ dataDir: dir, databaseUrl: testDb.url });
  await applyMigrations(db, RELAY_MIGRATIONS);
  organisationId = (await createOrganisation(db, { name: 'Shop' })).organisation.id;
  mailbox = await startDevMailbox();
  mailer = createSmtpMailer({ url: mailbox.url, from: 'Tandem <no-reply@tandem.test>' });
});
afterAll(async () => {
  mailer?.close();
  await mailbox?.close();
  await db?.close();
  await testDb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('email recovery', () => {
  it('delivers a code over SMTP, releases the key part after the code, and the copy opens with it', async () => {
    const email = `ada-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const recovery = await setup();
    const init = await newCustomerChallenge('initialize');
    const sentAt = Date.now();
    const started = await recovery.startSetup(init, email);
    expect(started.sentTo).toMatch(/^a\*\*\*@example\.com$/);
    const setupMail = await mailbox.waitFor(email, { after: sentAt });
    const { keyPartHex } = await recovery.confirmSetup(init, codeIn(setupMail.raw));

    // The Gateway wraps the bundle's email copy with the released key part and stores it.
    const header = emailRecoveryHeader(init.customerId, secureRng);
    const key = deriveEmailRecoveryKey(
      fromHex(keyPartHex),
      init.customerId,
      (header.kdf as { saltHex: string }).saltHex,
    );
    const wrapped = await wrapBundle({ share: 'test-bundle' }, key, header, secureRng);
    await db.transaction((tx) =>
      storeCopy(tx, { organisationId, customerId: init.customerId, method: 'email', wrapped }),
    );

    const reset = await newCustomerChallenge('reset-pin', init.customerId);
    const before = Date.now();
    await recovery.startRecovery(reset);
    const recoverMail = await mailbox.waitFor(email, { after: before });
    const released = await recovery.verifyRecovery(reset, codeIn(recoverMail.raw));
    expect(released.status).toBe('released');
    if (released.status !== 'released') return;
    const key2 = deriveEmailRecoveryKey(
      fromHex(released.keyPartHex),
      init.customerId,
      (released.wrapped.kdf as { saltHex: string }).saltHex,
    );
    expect(await unwrapBundleJson(released.wrapped, key2)).toEqual({ share: 'test-bundle' });
    const events = await db
      .query<{ event: string }>("SELECT body->>'event' AS event FROM webhook_outbox WHERE organisation_id = $1", [
        organisationId,
      ])
      .catch(() => ({ rows: [] }));
    expect(Array.isArray(events.rows)).toBe(true);
  });

  it('refuses a wrong code and counts the attempt', async () => {
    const recovery = await setup();
    const email = `wrong-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const init = await newCustomerChallenge('initialize');
    await recovery.startSetup(init, email);
    const mail = await mailbox.waitFor(email);
    const right = codeIn(mail.raw);
    const wrong = right === '000000' ? '000001' : '000000';
    await expect(recovery.confirmSetup(init, wrong)).rejects.toThrow(/4 attempts left/);
    await expect(recovery.confirmSetup(init, wrong)).rejects.toThrow(/3 attempts left/);
  });

  it('refuses every code after 5 wrong attempts, even the right one', async () => {
    const recovery = await setup();
    const email = `limit-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const init = await newCustomerChallenge('initialize');
    await recovery.startSetup(init, email);
    const right = codeIn((await mailbox.waitFor(email)).raw);
    const wrong = right === '000000' ? '000001' : '000000';
    for (let i = 0; i < 5; i++) await expect(recovery.confirmSetup(init, wrong)).rejects.toThrow(/not right/);
    await expect(recovery.confirmSetup(init, right)).rejects.toThrow(/too many wrong codes/);
  });

  it('refuses an expired code', async () => {
    const recovery = await setup();
    const email = `late-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const init = await newCustomerChallenge('initialize');
    await recovery.startSetup(init, email);
    const right = codeIn((await mailbox.waitFor(email)).raw);
    clock += 10 * 60 * 1000 + 1;
    try {
      await expect(recovery.confirmSetup(init, right)).rejects.toThrow(/expired/);
    } finally {
      clock = Date.now();
    }
  });

  it('does not give fresh attempts when the code is sent again', async () => {
    const recovery = await setup();
    const email = `resend-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const init = await newCustomerChallenge('initialize');
    await recovery.startSetup(init, email);
    const first = codeIn((await mailbox.waitFor(email)).raw);
    const wrong = first === '000000' ? '000001' : '000000';
    await expect(recovery.confirmSetup(init, wrong)).rejects.toThrow(/4 attempts left/);
    await recovery.startSetup(init, email);
    await expect(recovery.confirmSetup(init, wrong === '000001' ? '000002' : '000001')).rejects.toThrow(/left/);
    const row = await db.query<{ record: { attempts: number } }>(
      "SELECT record FROM email_codes WHERE challenge_id = $1 AND purpose = 'setup'",
      [init.id],
    );
    expect(row.rows[0]?.record.attempts).toBeGreaterThanOrEqual(1);
  });

  it('holds the key part during the time lock and releases it afterwards', async () => {
    const recovery = await setup(60_000);
    const email = `lock-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const init = await newCustomerChallenge('initialize');
    await recovery.startSetup(init, email);
    const { keyPartHex } = await recovery.confirmSetup(init, codeIn((await mailbox.waitFor(email)).raw));
    const header = emailRecoveryHeader(init.customerId, secureRng);
    const key = deriveEmailRecoveryKey(
      fromHex(keyPartHex),
      init.customerId,
      (header.kdf as { saltHex: string }).saltHex,
    );
    const wrapped = await wrapBundle(new Uint8Array([1, 2, 3]), key, header, secureRng);
    await db.transaction((tx) =>
      storeCopy(tx, { organisationId, customerId: init.customerId, method: 'email', wrapped }),
    );
    const reset = await newCustomerChallenge('reset-pin', init.customerId);
    const before = Date.now();
    await recovery.startRecovery(reset);
    const code = codeIn((await mailbox.waitFor(email, { after: before })).raw);
    const held = await recovery.verifyRecovery(reset, code);
    expect(held.status).toBe('time_locked');
    await expect(recovery.verifyRecovery(reset, undefined)).resolves.toMatchObject({ status: 'time_locked' });
    clock += 60_001;
    try {
      await expect(recovery.verifyRecovery(reset, undefined)).resolves.toMatchObject({ status: 'released' });
    } finally {
      clock = Date.now();
    }
  });

  it('refuses recovery for a customer without email recovery', async () => {
    const recovery = await setup();
    const reset = await newCustomerChallenge('reset-pin');
    await expect(recovery.startRecovery(reset)).rejects.toThrow(/not set up/);
  });

  it('refuses a malformed email address', async () => {
    const recovery = await setup();
    const init = await newCustomerChallenge('initialize');
    await expect(recovery.startSetup(init, 'not-an-address')).rejects.toThrow(/email must be an address/);
  });

  it('keeps the key part sealed at rest', async () => {
    const rows = await db.query<{ key_part_sealed: Uint8Array }>('SELECT key_part_sealed FROM email_recovery LIMIT 1');
    const sealed = rows.rows[0]?.key_part_sealed;
    expect(sealed?.length).toBeGreaterThan(32);
  });
});
