import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../relay/db/database.js';
import { applyMigrations } from '../../../relay/db/migrate.js';
import { openDatabase } from '../../../relay/db/open.js';
import { openPglite, parseByteaHex, serializeByteaHex } from '../../../relay/db/pglite.js';
import { MAX_PREPARED, preparedStatements } from '../../../relay/db/pglite-statements.js';
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

  it('stores and reads bytea values byte for byte (every byte value, empty, 27 KB)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-db-'));
    dirs.push(dir);
    const db = await open(dir);
    await db.exec('CREATE TABLE blobs (id integer PRIMARY KEY, b bytea NOT NULL)');
    const values = [
      Uint8Array.from({ length: 256 }, (_, i) => i),
      new Uint8Array(0),
      Uint8Array.from({ length: 27_000 }, (_, i) => (i * 131 + 7) & 0xff),
    ];
    for (const [i, v] of values.entries()) await db.query('INSERT INTO blobs (id, b) VALUES ($1, $2)', [i, v]);
    const r = await db.query<{ id: number; b: Uint8Array; hex: string }>(
      `SELECT id, b, encode(b, 'hex') AS hex FROM blobs ORDER BY id`,
    );
    for (const [i, v] of values.entries()) {
      const row = r.rows[i];
      expect(row?.b).toBeInstanceOf(Uint8Array);
      expect(Array.from(row?.b ?? [])).toEqual(Array.from(v));
      // What the server stored, independently of our parser.
      expect(row?.hex).toBe(Buffer.from(v).toString('hex'));
    }
  });

  it('refuses a bytea text that is not complete hex instead of returning a truncated value', () => {
    expect(() => parseByteaHex('\\x0g')).toThrow(/not valid hex/);
    expect(() => parseByteaHex('\\x012')).toThrow(/not valid hex/);
    expect(() => parseByteaHex('\\001')).toThrow(/hex format/);
    expect(parseByteaHex(serializeByteaHex(Uint8Array.of(0, 255)))).toEqual(Uint8Array.of(0, 255));
  });
});

describe('PGlite prepared statements', () => {
  async function memory() {
    const db = await openPglite(undefined);
    dbs.push(db);
    await db.exec(
      'CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, tags text[], doc jsonb, ok boolean)',
    );
    return db;
  }

  it('gives the same rows and counts on every run of a statement, with every parameter type', async () => {
    const db = await memory();
    const insert = 'INSERT INTO items (id, name, tags, doc, ok) VALUES ($1, $2, $3, $4, $5)';
    for (let id = 1; id <= 3; id++) {
      const r = await db.query(insert, [id, `n${id}`, ['a', `t${id}`], JSON.stringify({ id }), id % 2 === 0]);
      expect(r.affectedRows).toBe(1);
    }
    const select = 'SELECT id, name, tags, doc, ok FROM items WHERE id = ANY ($1::int[]) ORDER BY id';
    const first = await db.query(select, [[1, 3]]);
    const again = await db.query(select, [[1, 3]]);
    expect(again.rows).toEqual(first.rows);
    expect(first.rows).toEqual([
      { id: 1, name: 'n1', tags: ['a', 't1'], doc: { id: 1 }, ok: false },
      { id: 3, name: 'n3', tags: ['a', 't3'], doc: { id: 3 }, ok: false },
    ]);
    const updated = await db.query("UPDATE items SET name = name || '!' WHERE id > $1", [1]);
    expect(updated.affectedRows).toBe(2);
    expect((await db.query('SELECT id FROM items WHERE ok IS NULL')).rows).toEqual([]);
  });

  it('reports a failing statement with its code and runs it again afterwards', async () => {
    const db = await memory();
    const insert = 'INSERT INTO items (id, name) VALUES ($1, $2)';
    await db.query(insert, [1, 'one']);
    const error = await db.query(insert, [1, 'duplicate']).then(
      () => undefined,
      (e: unknown) => e as { code?: string; query?: string },
    );
    expect(error?.code).toBe('23505');
    expect(error?.query).toBe(insert);
    await db.query(insert, [2, 'two']);
    expect((await db.query('SELECT count(*)::int AS n FROM items')).rows).toEqual([{ n: 2 }]);
  });

  it('rolls back a transaction whose statement failed, and keeps working', async () => {
    const db = await memory();
    const insert = 'INSERT INTO items (id, name) VALUES ($1, $2)';
    await expect(
      db.transaction(async (tx) => {
        await tx.query(insert, [1, 'kept?']);
        await tx.query(insert, [1, 'duplicate']);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect((await db.query('SELECT count(*)::int AS n FROM items')).rows).toEqual([{ n: 0 }]);
    await db.transaction((tx) => tx.query(insert, [1, 'one']));
    expect((await db.query('SELECT name FROM items')).rows).toEqual([{ name: 'one' }]);
  });

  it("never runs a statement inside another caller's open transaction", async () => {
    const db = await memory();
    let seen: unknown;
    let outside: Promise<unknown> | undefined;
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO items (id, name) VALUES ($1, $2)', [1, 'rolled back']);
        outside = db.query('SELECT count(*)::int AS n FROM items').then((r) => {
          seen = r.rows;
        });
        // Give the outside statement every chance to run now, inside this transaction.
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await outside;
    expect(seen).toEqual([{ n: 0 }]);
  });

  it('prepares a statement again when a migration changed the columns behind it', async () => {
    const db = await memory();
    await db.query('INSERT INTO items (id, name) VALUES ($1, $2)', [1, 'one']);
    const select = 'SELECT * FROM items WHERE id = $1';
    expect(Object.keys((await db.query(select, [1])).rows[0] ?? {})).toEqual(['id', 'name', 'tags', 'doc', 'ok']);
    await db.exec("ALTER TABLE items ADD COLUMN extra text NOT NULL DEFAULT 'x'");
    expect((await db.query(select, [1])).rows).toEqual([
      { id: 1, name: 'one', tags: null, doc: null, ok: null, extra: 'x' },
    ]);
  });

  it('prepares its statements again after DEALLOCATE ALL', async () => {
    const db = await memory();
    const select = 'SELECT count(*)::int AS n FROM items WHERE id > $1';
    expect((await db.query(select, [0])).rows).toEqual([{ n: 0 }]);
    await db.exec('DEALLOCATE ALL');
    expect((await db.query(select, [0])).rows).toEqual([{ n: 0 }]);
  });

  it('keeps at most MAX_PREPARED texts prepared and still runs the texts beyond', async () => {
    const raw = new PGlite();
    await raw.waitReady;
    try {
      const statements = preparedStatements(raw);
      for (let i = 0; i < MAX_PREPARED + 5; i++) {
        const r = await statements.run<{ n: number }>(`SELECT $1::int + ${i} AS n`, [1], false);
        expect(r.rows).toEqual([{ n: 1 + i }]);
      }
      expect(statements.size).toBe(MAX_PREPARED);
      const beyond = await statements.run<{ n: number }>(`SELECT $1::int + ${MAX_PREPARED + 1} AS n`, [2], false);
      expect(beyond.rows).toEqual([{ n: MAX_PREPARED + 3 }]);
    } finally {
      await raw.close();
    }
  });
});
