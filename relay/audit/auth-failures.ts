/**
 * API-key authentication with failures audited and throttled per client address. A burst of bad keys
 * from one address writes one audit row per minute (with the count), not one per request, so the log
 * cannot be flooded; past `maxFailuresPerMinute` the address gets 429 before any key lookup.
 *
 * Valid keys are remembered for `cacheTtlMs` (default 5 s, keyed by the key's SHA-256, never the key),
 * which saves a database round trip per request. Revoking a key clears this instance's cache at once;
 * other relay instances may accept a revoked key for up to `cacheTtlMs` (docs/security/relay-api.md).
 */

import { bytesToHex } from '@noble/hashes/utils.js';
import type { Context, MiddlewareHandler } from 'hono';
import type { Queryable } from '../db/database.js';
import { ApiError, unauthorized } from '../http/api-error.js';
import type { AuthEnv } from '../http/auth.js';
import { findOrganisationByApiKey, hashApiKey, type Organisation } from '../organisations/api-keys.js';
import { audit } from './log.js';

const MAX_KEY_LENGTH = 256;
type KeyCache = Map<string, { organisation: Organisation; expiresMs: number }>;
/** One cache per database, so several relays in one process (tests) never share entries. */
const caches = new WeakMap<Queryable, KeyCache>();

function cacheFor(db: Queryable): KeyCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  return cache;
}

/** Forgets every cached key of this database (called when a key is revoked). */
export function clearApiKeyCache(db: Queryable): void {
  caches.get(db)?.clear();
}

/** The same checks as http/auth.ts apiKeyAuth, with the short cache above. */
function cachedApiKeyAuth(db: Queryable, ttlMs: number, now: () => number): MiddlewareHandler<AuthEnv> {
  const cachedKeys = cacheFor(db);
  return async (c, next) => {
    const key = c.req.header('x-api-key') || c.req.header('planbok-x-api-key');
    if (!key) throw unauthorized('missing API key: send it in the X-API-Key header');
    if (key.length > MAX_KEY_LENGTH) throw unauthorized('unknown or revoked API key');
    const digest = bytesToHex(hashApiKey(key));
    const t = now();
    let organisation = cachedKeys.get(digest);
    if (!organisation || organisation.expiresMs <= t) {
      const found = await findOrganisationByApiKey(db, key);
      if (!found) {
        cachedKeys.delete(digest);
        throw unauthorized('unknown or revoked API key');
      }
      if (cachedKeys.size > 10_000) cachedKeys.clear();
      organisation = { organisation: found, expiresMs: t + ttlMs };
      if (ttlMs > 0) cachedKeys.set(digest, organisation);
    }
    c.set('organisation', organisation.organisation);
    await next();
  };
}

interface Window {
  startedMs: number;
  failures: number;
  logged: number;
  lastReason: string;
}

export interface AuditedAuthOptions {
  maxFailuresPerMinute?: number;
  /** How long a valid key is remembered; 0 looks every request up. Default 5000. */
  cacheTtlMs?: number;
  now?: () => number;
}

/** The client address as the socket saw it (no proxy headers are trusted). */
export function clientIp(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

export function auditedApiKeyAuth(db: Queryable, options: AuditedAuthOptions = {}): MiddlewareHandler<AuthEnv> {
  const limit = options.maxFailuresPerMinute ?? 30;
  const now = options.now ?? Date.now;
  const inner = cachedApiKeyAuth(db, options.cacheTtlMs ?? 5000, now);
  const windows = new Map<string, Window>();

  const flush = async (ip: string, w: Window) => {
    const count = w.failures - w.logged;
    if (count <= 0) return;
    w.logged = w.failures;
    await audit(db, {
      actor: 'anonymous',
      action: 'auth.failed',
      details: { failures: count, reason: w.lastReason },
      ip,
    });
  };

  return async (c, next) => {
    const ip = clientIp(c) ?? 'unknown';
    const t = now();
    let w = windows.get(ip);
    if (w && t - w.startedMs >= 60_000) {
      await flush(ip, w);
      windows.delete(ip);
      w = undefined;
    }
    if (w && w.failures >= limit) {
      w.failures++;
      throw new ApiError(
        429,
        'rate_limited',
        'too many failed authentication attempts from this address; retry in a minute',
      );
    }
    let reachedNext = false;
    try {
      await inner(c, async () => {
        reachedNext = true;
        await next();
      });
    } catch (error) {
      if (reachedNext || !(error instanceof ApiError) || error.status !== 401) throw error;
      if (!w) {
        w = { startedMs: t, failures: 0, logged: 0, lastReason: '' };
        if (windows.size > 10_000) windows.clear();
        windows.set(ip, w);
      }
      w.failures++;
      w.lastReason = error.message;
      if (w.logged === 0) await flush(ip, w); // the first failure of a window is logged at once
      throw error;
    }
  };
}
