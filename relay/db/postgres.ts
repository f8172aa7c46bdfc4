import pg from 'pg';
import type { Database, Queryable, QueryResult } from './database.js';

/** Connects to a PostgreSQL server; several relay instances may share it. */
export async function openPostgres(
  connectionString: string,
  onIdleError: (error: Error) => void = (error) => console.error(`postgres: idle connection failed: ${error.message}`),
): Promise<Database> {
  const pool = new pg.Pool({ connectionString, max: 10 });
  // An idle pooled connection can fail (server restart, admin termination); without a listener the
  // pool's 'error' event would crash the process. The pool drops that client and opens a new one.
  pool.on('error', (error) => {
    onIdleError(error);
  });
  // Fail at start-up, not on the first request, when the server is unreachable.
  const probe = await pool.connect();
  probe.release();
  const run = async <T>(client: pg.Pool | pg.PoolClient, sql: string, params: readonly unknown[] = []) => {
    const r = await client.query(sql, [...params]);
    return { rows: r.rows as T[], affectedRows: r.rowCount ?? 0 } satisfies QueryResult<T>;
  };
  return {
    kind: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    exec: async (sql) => {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const tx: Queryable = {
          query: (sql, params) => run(client, sql, params),
          exec: async (sql) => {
            await client.query(sql);
          },
        };
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
