/**
 * Idempotency for every POST: a key in the `Idempotency-Key` header or the body's `idempotencyKey`,
 * scoped per organisation. Same key + same request → the first successful response (status and body,
 * with `Idempotent-Replayed: true`); same key + another request → 409. Only 2xx responses are kept: a
 * refused request changed nothing, so retrying it with the same key runs it again.
 *
 * Concurrent duplicates: the first request inserts the key (primary key on organisation + key); the
 * others wait for its response (up to `waitMs`) and replay it, or get 409 if it is still running.
 * A request interrupted by a crash leaves its key "running"; after `staleMs` a retry runs again (the
 * crashed attempt may or may not have committed: docs/security/relay-api.md says so).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Queryable } from '../db/database.js';
import { ApiError } from './api-error.js';
import type { AuthEnv } from './auth.js';

export interface IdempotencyOptions {
  /** How long a duplicate waits for the first request to finish. Default 10 s. */
  waitMs?: number;
  /** After this long a key still marked running is taken over by a retry. Default 5 min. */
  staleMs?: number;
}

const KEY_RE = /^[A-Za-z0-9_\-:.]{1,255}$/;

/** Key order–independent JSON, so `{a,b}` and `{b,a}` are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

async function readKeyAndHash(c: Context): Promise<{ key: string | undefined; hash: string }> {
  const headerKey = c.req.header('idempotency-key') || undefined;
  const text = await c.req.text();
  let bodyKey: unknown;
  let material = text;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const { idempotencyKey, ...rest } = parsed as Record<string, unknown>;
      bodyKey = idempotencyKey;
      material = canonicalJson(rest);
    }
  } catch {
    // not JSON: the route's validation refuses it; hash the raw text meanwhile
  }
  if (bodyKey !== undefined && typeof bodyKey !== 'string') {
    throw new ApiError(400, 'invalid_request', 'invalid json: idempotencyKey: must be a string', [
      { path: 'idempotencyKey', message: 'must be a string' },
    ]);
  }
  const key = headerKey ?? bodyKey;
  if (key !== undefined && !KEY_RE.test(key)) {
    throw new ApiError(400, 'invalid_request', 'idempotency key must be 1–255 characters of A-Z a-z 0-9 _ - : .');
  }
  if (headerKey !== undefined && bodyKey !== undefined && headerKey !== bodyKey) {
    throw new ApiError(400, 'invalid_request', 'the Idempotency-Key header and the body idempotencyKey differ');
  }
  const hash = bytesToHex(sha256(utf8ToBytes(`${c.req.method} ${c.req.path}\n${material}`)));
  return { key, hash };
}

interface StoredRow {
  request_hash: string;
  status_code: number | null;
  response_body: string | null;
  age_ms: number | string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function idempotency(db: Queryable, options: IdempotencyOptions = {}): MiddlewareHandler<AuthEnv> {
  const waitMs = options.waitMs ?? 10_000;
  const staleMs = options.staleMs ?? 5 * 60_000;
  return async (c, next) => {
    const organisation = c.get('organisation');
    if (c.req.method !== 'POST' || !organisation) return next();
    const { key, hash } = await readKeyAndHash(c);
    if (key === undefined) return next();

    const claim = () =>
      db.query(
        `INSERT INTO idempotency_keys (organisation_id, key, method, path, request_hash) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (organisation_id, key) DO NOTHING`,
        [organisation.id, key, c.req.method, c.req.path, hash],
      );
    let owned = (await claim()).affectedRows === 1;
    const deadline = Date.now() + waitMs;
    while (!owned) {
      const r = await db.query<StoredRow>(
        `SELECT request_hash, status_code, response_body,
                (extract(epoch FROM now() - created_at) * 1000)::float8 AS age_ms
           FROM idempotency_keys WHERE organisation_id = $1 AND key = $2`,
        [organisation.id, key],
      );
      const row = r.rows[0];
      if (!row) {
        owned = (await claim()).affectedRows === 1; // the first attempt failed and released the key
        continue;
      }
      if (row.request_hash !== hash) {
        throw new ApiError(
          409,
          'idempotency_key_reused',
          `idempotency key "${key}" was already used for a different request`,
        );
      }
      if (row.status_code !== null) {
        return c.body(row.response_body ?? '', row.status_code as ContentfulStatusCode, {
          'Content-Type': 'application/json',
          'Idempotent-Replayed': 'true',
        });
      }
      if (Number(row.age_ms) > staleMs) {
        const taken = await db.query(
          `UPDATE idempotency_keys SET created_at = now()
            WHERE organisation_id = $1 AND key = $2 AND status_code IS NULL
              AND now() - created_at > make_interval(secs => $3)`,
          [organisation.id, key, staleMs / 1000],
        );
        owned = taken.affectedRows === 1;
        continue;
      }
      if (Date.now() > deadline) {
        throw new ApiError(409, 'idempotency_in_progress', `a request with idempotency key "${key}" is still running`);
      }
      await sleep(25);
    }

    const release = () =>
      db.query('DELETE FROM idempotency_keys WHERE organisation_id = $1 AND key = $2 AND status_code IS NULL', [
        organisation.id,
        key,
      ]);
    try {
      await next();
    } catch (error) {
      await release();
      throw error;
    }
    const status = c.res.status;
    if (status < 200 || status >= 300) {
      await release();
      return;
    }
    // Read the body once and hand the client a fresh Response with the same status and headers: much
    // cheaper than Response.clone(), which tees the stream. (Unsetting c.res first stops Hono from
    // re-wrapping the new Response and merging headers.)
    const original = c.res;
    const body = await original.text();
    c.res = undefined;
    c.res = new Response(body, { status: original.status, headers: original.headers });
    await db.query(
      'UPDATE idempotency_keys SET status_code = $3, response_body = $4 WHERE organisation_id = $1 AND key = $2',
      [organisation.id, key, status, body],
    );
  };
}

/** Forgets keys older than `maxAgeMs` (default 24 h); a later request with such a key runs again. */
export async function purgeIdempotencyKeys(db: Queryable, maxAgeMs = 24 * 60 * 60_000): Promise<number> {
  const r = await db.query('DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)', [
    maxAgeMs / 1000,
  ]);
  return r.affectedRows;
}
