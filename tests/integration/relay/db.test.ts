import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../relay/db/database.js';
import { applyMigrations } from '../../../relay/db/migrate.js';
import { openDatabase } from '../../../relay/db/open.js';
import { RELAY_MIGRATIONS } from '../../../relay/db/schema.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';

const dirs: string[] = [];
const dbs: Database[] = [];
const testDatabases: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((d) => d.close()));
  await Promise.all(testDatabases.splice(0).map((d) => d.drop()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const urls = new Map<string, string | undefined>();
async function open(dataDir: string) {
  // One database per data directory, so reopening the same directory reopens the same database.
  if (!urls.has(dataDir)) {
    const created = await createTestDatabase();
    testDatabases.push(created);
    urls.set(dataDir, created.url);
  }
  const db = await openDatabase({ dataDir, databaseUrl: urls.get(dataDir) });
  dbs.push(db);
  return db;
}

describe('database', () => {
  it('applies migrations once and keeps committed rows across a reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-db-'));
    dirs.push(dir);
    const db = await open(dir);
    const first = await applyMigrations(db, RELAY_MIGRATIONS);
    expect(first).toEqual(RELAY_MIGRATIONS.map((m) => m.id));
    expect(await applyMigrations(db, RELAY_MIGRATIONS)).toEqual([]);
    const id = crypto.randomUUID();
    await db.query('INSERT INTO organisations (id, name) VALUES ($1, $2)', [id, 'Acme']);
    await db.close();
    dbs.pop();
    const again = await open(dir);
    const rows = await again.query<{ name: string }>('SELECT name FROM organisations WHERE id = $1', [id]);
    expect(rows.rows).toEqual([{ name: 'Acme' }]);
  });

  it('rolls back every write of a failed transaction', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-db-'));
    dirs.push(dir);
    const db = await open(dir);
    await applyMigrations(db, RELAY_MIGRATIONS);
    const id = crypto.randomUUID();
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO organisations (id, name) VALUES ($1, $2)', [id, 'Half']);
        await tx.query('INSERT INTO organisations (id, name) VALUES ($1, $2)', [id, 'Duplicate id']);
      }),
    ).rejects.toThrow();
    const rows = await db.query('SELECT 1 FROM organisations WHERE id = $1', [id]);
    expect(rows.rows).toHaveLength(0);
  });
});
