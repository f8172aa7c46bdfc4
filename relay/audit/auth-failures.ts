/**
 * API-key authentication with failures audited and throttled per client address. A burst of bad keys
 * from one address writes one audit row per minute (with the count), not one per request, so the log
 * cannot be flooded; past `maxFailuresPerMinute` the address gets 429 before any key lookup.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Queryable } from '../db/database.js';
import { ApiError } from '../http/api-error.js';
import { type AuthEnv, apiKeyAuth } from '../http/auth.js';
import { audit } from './log.js';

interface Window {
  startedMs: number;
  failures: number;
  logged: number;
  lastReason: string;
}

export interface AuditedAuthOptions {
  maxFailuresPerMinute?: number;
  now?: () => number;
}

/** The client address as the socket saw it (no proxy headers are trusted). */
export function clientIp(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

export function auditedApiKeyAuth(db: Queryable, options: AuditedAuthOptions = {}): MiddlewareHandler<AuthEnv> {
  const inner = apiKeyAuth(db);
  const limit = options.maxFailuresPerMinute ?? 30;
  const now = options.now ?? Date.now;
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
