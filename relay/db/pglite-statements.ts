/**
 * Named prepared statements for PGlite. `PGlite.query` parses, analyses and plans every statement
 * from scratch and crosses into wasm six times (Parse, Describe, Bind, Describe, Execute, Sync);
 * the relay runs the same few dozen SQL texts over and over (≈ 5–8 per signing ceremony). Here each
 * distinct text is prepared once (Parse + Describe + Sync) and later runs are one wasm call (Bind +
 * Execute + Sync): measured ≈ 3× less CPU per statement (0.24 → 0.06 ms for a SELECT by key).
 *
 * Semantics are PGlite's own: parameters are serialised by the type PostgreSQL inferred for them
 * (PGlite's serializers), results parsed by PGlite's parsers, errors are PGlite's DatabaseError with
 * the query attached, and outside a transaction a statement commits and syncs to the file system
 * before it resolves (PGlite's `syncToFs`), inside one the COMMIT does.
 *
 * The caller holds PGlite's locks (see pglite.ts): statements never interleave.
 */
import { type PGlite, parse, protocol } from '@electric-sql/pglite';
import { concatBytes } from '../../protocol/bytes.js';
import type { QueryResult } from './database.js';

type BackendMessage = Awaited<ReturnType<PGlite['execProtocol']>>['messages'][number];

/** Distinct SQL texts kept prepared; texts beyond run unnamed (prepared, used once, replaced). */
export const MAX_PREPARED = 512;
/**
 * Errors after which a statement is prepared again (once, outside a transaction): "cached plan must
 * not change result type" (a migration changed the columns behind a prepared SELECT *), and
 * "prepared statement does not exist" (someone ran DEALLOCATE ALL / DISCARD ALL through exec).
 */
const PREPARE_AGAIN = new Set(['0A000', '26000']);

interface Prepared {
  name: string;
  paramTypes: number[];
  /** The statement's result columns; undefined when it returns no rows (NoData). */
  rowDescription: BackendMessage | undefined;
}

export interface PreparedStatements {
  /** Runs `sql` with `params`. `inTransaction`: the caller's open transaction commits (and syncs) later. */
  run<T>(sql: string, params: readonly unknown[], inTransaction: boolean): Promise<QueryResult<T>>;
  /** How many texts are prepared (tests). */
  readonly size: number;
}

export function preparedStatements(db: PGlite): PreparedStatements {
  const cache = new Map<string, Prepared>();
  let counter = 0;
  const { serialize } = protocol;

  async function prepare(sql: string, name: string): Promise<Prepared> {
    const { messages } = await db.execProtocol(
      concatBytes(
        serialize.parse({ name, text: sql, types: [] }),
        serialize.describe({ type: 'S', name }),
        serialize.sync(),
      ),
      { syncToFs: false },
    );
    return {
      name,
      paramTypes: parse.parseDescribeStatementResults(messages),
      rowDescription: messages.find((m) => m.name === 'rowDescription'),
    };
  }

  async function execute<T>(
    statement: Prepared,
    params: readonly unknown[],
    inTransaction: boolean,
  ): Promise<QueryResult<T>> {
    const values = params.map((param, i) => {
      if (param === null || param === undefined) return null;
      const serializer = db.serializers[statement.paramTypes[i] as number];
      return serializer ? serializer(param) : String(param);
    });
    const { messages } = await db.execProtocol(
      concatBytes(serialize.bind({ statement: statement.name, values }), serialize.execute({}), serialize.sync()),
      // Outside a transaction the statement committed: sync it to the file system like PGlite.query.
      { syncToFs: !inTransaction },
    );
    const results = parse.parseResults(
      statement.rowDescription ? [statement.rowDescription, ...messages] : messages,
      db.parsers,
    );
    return { rows: (results[0]?.rows ?? []) as T[], affectedRows: results[0]?.affectedRows ?? 0 };
  }

  async function runOnce<T>(sql: string, params: readonly unknown[], inTransaction: boolean) {
    let statement = cache.get(sql);
    if (!statement) {
      const name = cache.size < MAX_PREPARED ? `tandem_${++counter}` : '';
      statement = await prepare(sql, name);
      if (name !== '') cache.set(sql, statement);
    }
    return execute<T>(statement, params, inTransaction);
  }

  return {
    async run<T>(sql: string, params: readonly unknown[], inTransaction: boolean): Promise<QueryResult<T>> {
      try {
        try {
          return await runOnce<T>(sql, params, inTransaction);
        } catch (error) {
          const prepared = cache.get(sql);
          if (!prepared || !PREPARE_AGAIN.has((error as { code?: string }).code ?? '') || inTransaction) throw error;
          cache.delete(sql);
          // Closing a statement that no longer exists is not an error.
          await db.execProtocol(concatBytes(serialize.close({ type: 'S', name: prepared.name }), serialize.sync()), {
            syncToFs: false,
          });
          return await runOnce<T>(sql, params, inTransaction);
        }
      } catch (error) {
        // As PGlite.query does, the failing statement travels with the error (for logs and tests).
        // Not its parameters: they may hold sealed key material.
        if (error instanceof Error && 'code' in error) Object.assign(error, { query: sql });
        throw error;
      }
    },
    get size() {
      return cache.size;
    },
  };
}
