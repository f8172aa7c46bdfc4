/**
 * Per-organisation rate limits: two token buckets per organisation (reads: GET/HEAD; writes: the rest),
 * refilled continuously, kept in this process's memory. With N relay instances behind a load balancer
 * an organisation gets up to N times the configured rate. Over the limit: 429 in the JSON envelope with
 * a Retry-After header (seconds).
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './api-error.js';
import type { AuthEnv } from './auth.js';
import { errorBody } from './envelope.js';

export interface RateLimitConfig {
  readPerSecond: number;
  readBurst: number;
  writePerSecond: number;
  writeBurst: number;
}

/** Generous defaults: a self-hosted relay must sustain a business's peak, not Planbok's 10–20 rps. */
export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  readPerSecond: 2000,
  readBurst: 4000,
  writePerSecond: 1000,
  writeBurst: 2000,
};

interface Bucket {
  tokens: number;
  updatedMs: number;
}

const MAX_BUCKETS = 50_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Takes one token; returns 0 when allowed, else milliseconds until a token is available. */
  take(key: string, perSecond: number, burst: number): number {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= MAX_BUCKETS) this.evictIdle(now);
      bucket = { tokens: burst, updatedMs: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updatedMs) * perSecond) / 1000);
    bucket.updatedMs = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) * 1000) / perSecond);
  }

  private evictIdle(now: number) {
    for (const [key, bucket] of this.buckets) if (now - bucket.updatedMs > 60_000) this.buckets.delete(key);
    if (this.buckets.size >= MAX_BUCKETS) this.buckets.clear();
  }
}

export function rateLimit(config: RateLimitConfig, buckets = new TokenBuckets()): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const organisation = c.get('organisation');
    if (!organisation) return next();
    const read = c.req.method === 'GET' || c.req.method === 'HEAD';
    const [perSecond, burst] = read
      ? [config.readPerSecond, config.readBurst]
      : [config.writePerSecond, config.writeBurst];
    const waitMs = buckets.take(`${organisation.id}:${read ? 'r' : 'w'}`, perSecond, burst);
    if (waitMs > 0) {
      const error = new ApiError(
        429,
        'rate_limited',
        `rate limit exceeded: at most ${perSecond} ${read ? 'read' : 'write'} requests per second per organisation (burst ${burst}); retry after ${waitMs} ms`,
      );
      return c.json(errorBody(error), 429, { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) });
    }
    return next();
  };
}
