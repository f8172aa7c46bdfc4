import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, listAuditLogs, redactSecrets } from '../../../../relay/audit/log.js';
import type { Database } from '../../../../relay/db/database.js';
import { openTestDatabase, seedCustomer } from './db.js';

let db: Database;
let org: { organisationId: string; customerId: string };
beforeAll(async () => {
  db = await openTestDatabase();
  org = await seedCustomer(db);
});
afterAll(async () => {
  await db.close();
});

describe('audit log', () => {
  it('replaces values under secret-sounding keys, at any depth', () => {
    expect(
      redactSecrets({
        secret: 's',
        apiKey: 'k',
        pin: '123456',
        code: '654321',
        nested: { privateKey: 'p', serverShare: 'x', mnemonic: 'm', kS: 'q', name: 'kept' },
        list: [{ password: 'pw', kind: 'kept' }],
      }),
    ).toEqual({
      secret: '[redacted]',
      apiKey: '[redacted]',
      pin: '[redacted]',
      code: '[redacted]',
      nested: {
        privateKey: '[redacted]',
        serverShare: '[redacted]',
        mnemonic: '[redacted]',
        kS: '[redacted]',
        name: 'kept',
      },
      list: [{ password: '[redacted]', kind: 'kept' }],
    });
  });

  it('writes redacted details and lists them for the organisation only', async () => {
    await audit(db, {
      ...org,
      actor: 'system',
      action: 'test.redaction',
      target: 'x:1',
      details: { webhookSecret: 'whsec_abc', url: 'https://a.example' },
      ip: '127.0.0.1',
    });
    const mine = await listAuditLogs(db, org.organisationId, {
      page: 1,
      limit: 10,
      order: 'desc',
      action: 'test.redaction',
    });
    expect(mine.entries).toHaveLength(1);
    expect(mine.entries[0]).toMatchObject({
      actor: 'system',
      target: 'x:1',
      ip: '127.0.0.1',
      details: { webhookSecret: '[redacted]', url: 'https://a.example' },
    });
    const other = await listAuditLogs(db, crypto.randomUUID(), { page: 1, limit: 10, order: 'desc' });
    expect(other.total).toBe(0);
  });

  it('truncates very long values', () => {
    const out = redactSecrets({ note: 'x'.repeat(2000) }) as { note: string };
    expect(out.note).toBe(`${'x'.repeat(512)}…`);
  });
});
