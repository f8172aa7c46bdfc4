/**
 * Forward-only migrations. Each runs in its own transaction together with its bookkeeping row, under
 * an advisory lock so several relay instances starting at once against one PostgreSQL apply each once.
 */
import type { Database } from './database.js';

export interface Migration {
  /** Monotonic, never reused. */
  id: number;
  name: string;
  sql: string;
}

const LOCK_KEY = 0x7a4d3e; // arbitrary constant shared by every Tandem instance

export async function applyMigrations(db: Database, migrations: readonly Migration[]): Promise<number[]> {
  const ids = migrations.map((m) => m.id);
  if (new Set(ids).size !== ids.length || ids.some((id, i) => i > 0 && id <= (ids[i - 1] as number))) {
    throw new Error('migrations must have strictly increasing, unique ids');
  }
  await db.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  const applied: number[] = [];
  for (const m of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const seen = await tx.query('SELECT 1 FROM schema_migrations WHERE id = $1', [m.id]);
      if (seen.rows.length > 0) return false;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
      return true;
    });
    if (done) applied.push(m.id);
  }
  return applied;
}
