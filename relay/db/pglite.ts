import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable, QueryResult } from './database.js';
import { preparedStatements } from './pglite-statements.js';

/** PostgreSQL's type oid of `bytea`. */
const BYTEA_OID = 17;

/**
 * PGlite's own bytea codec handles one byte per callback (`Uint8Array.from` with a `parseInt` per
 * pair of hex digits, and `Array.from(...).map(...).join('')` on the way in): reading a 27 KB sealed
 * ECDSA share cost ≈ 2 ms of CPU and 27 000 short-lived strings. These do the same in native code.
 * Both speak PostgreSQL's hex format (`\x` followed by two lower-case hex digits per byte), the only
 * output format of a server with the default `bytea_output = hex`.
 */
export function parseByteaHex(text: string): Uint8Array {
  if (!text.startsWith('\\x')) throw new Error('bytea value not in hex format');
  const hex = text.slice(2);
  const bytes = Buffer.from(hex, 'hex');
  // Buffer.from stops at the first invalid pair; refuse rather than return a truncated value.
  if (bytes.length * 2 !== hex.length) throw new Error('bytea value is not valid hex');
  // A copy with its own buffer: small Buffers are views into a shared pool.
  return new Uint8Array(bytes);
}

export function serializeByteaHex(value: Uint8Array): string {
  if (!(value instanceof Uint8Array)) throw new Error('Invalid input for bytea type');
  return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
}

/** Opens (or creates) an embedded PostgreSQL in `dataDir`; `undefined` keeps it in memory (tests only). */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  const options = { parsers: { [BYTEA_OID]: parseByteaHex }, serializers: { [BYTEA_OID]: serializeByteaHex } };
  const db = dataDir === undefined ? new PGlite(options) : new PGlite(dataDir, options);
  await db.waitReady;
  const statements = preparedStatements(db);
  let closed = false;
  return {
    kind: 'pglite',
    // PGlite.query's locks: the transaction lock (no statement runs inside another caller's open
    // transaction), then the statement lock.
    query: <T>(sql: string, params: readonly unknown[] = []) =>
      db._runExclusiveTransaction(() => db.runExclusive(() => statements.run<T>(sql, params, false))),
    async exec(sql: string) {
      await db.exec(sql);
    },
    transaction: (fn) =>
      // PGlite holds the transaction lock while `fn` runs; its statements take the statement lock.
      db.transaction((tx) => {
        const queryable: Queryable = {
          query: <T>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> => {
            if (tx.closed) return Promise.reject(new Error('Transaction is closed'));
            return db.runExclusive(() => statements.run<T>(sql, params, true));
          },
          async exec(sql: string) {
            await tx.exec(sql);
          },
        };
        return fn(queryable);
      }),
    async close() {
      if (closed) return;
      closed = true;
      await db.close();
    },
  };
}
