/**
 * The relay's one storage interface. Two engines speak the same SQL dialect (PostgreSQL):
 * embedded PGlite in a data directory by default, a PostgreSQL server when DATABASE_URL is set.
 */

export interface QueryResult<T> {
  rows: T[];
  /** Rows changed by INSERT/UPDATE/DELETE (0 for SELECT on some engines). */
  affectedRows: number;
}

/** Anything that can run a parameterised statement: the database itself or an open transaction. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** Runs a parameterless script of one or more statements (migrations). */
  exec(sql: string): Promise<void>;
}

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /** Runs `fn` in one transaction: all its writes commit together or none do. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Flushes and closes; the process may exit afterwards without losing committed writes. */
  close(): Promise<void>;
}
