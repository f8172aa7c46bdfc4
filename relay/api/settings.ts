/**
 * Settings of the business API, its rate limits and its background jobs, read from the environment
 * (all optional; the defaults suit one relay serving a busy business).
 *
 * TANDEM_RATE_LIMIT_WRITE_PER_SEC / _WRITE_BURST / _READ_PER_SEC / _READ_BURST: per organisation and
 *   per relay instance (N instances allow N times as much).
 * TANDEM_WEBHOOK_TIMEOUT_MS, TANDEM_WEBHOOK_MAX_ATTEMPTS, TANDEM_WEBHOOK_RETRY_BASE_MS,
 *   TANDEM_WEBHOOK_POLL_MS: delivery timeout, attempts before `dead`, first retry delay, poll interval.
 * TANDEM_CHALLENGE_RETENTION_HOURS: how long after expiry a challenge's payload/result stay readable.
 */
import { ConfigError } from '../config.js';
import { DEFAULT_RATE_LIMITS, type RateLimitConfig } from '../http/rate-limit.js';

export interface ApiSettings {
  rateLimits: RateLimitConfig;
  webhooks: {
    /** false: no delivery worker in this process (rows wait for another instance). */
    enabled: boolean;
    timeoutMs: number;
    maxAttempts: number;
    baseDelayMs: number;
    maxDelayMs: number;
    pollIntervalMs: number;
    /** Deliver to (and register literal) private addresses; startRelay sets it from TANDEM_WEBHOOK_ALLOW_PRIVATE. */
    allowPrivateDestinations: boolean;
  };
  challenges: {
    sweepIntervalMs: number;
    resultRetentionMs: number;
    abandonAfterMs: number;
  };
  /** Audit entries older than this are purged (Planbok keeps 365 days). */
  auditRetentionDays: number;
  /** Failed API-key attempts per client address per minute before 429. */
  maxAuthFailuresPerMinute: number;
}

export const DEFAULT_API_SETTINGS: ApiSettings = {
  rateLimits: DEFAULT_RATE_LIMITS,
  webhooks: {
    enabled: true,
    timeoutMs: 10_000,
    maxAttempts: 12,
    baseDelayMs: 30_000,
    maxDelayMs: 6 * 60 * 60_000,
    pollIntervalMs: 1000,
    allowPrivateDestinations: false,
  },
  challenges: { sweepIntervalMs: 30_000, resultRetentionMs: 24 * 60 * 60_000, abandonAfterMs: 5 * 60_000 },
  auditRetentionDays: 365,
  maxAuthFailuresPerMinute: 30,
};

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number, got "${text}"`);
  return n;
}

export function loadApiSettings(env: NodeJS.ProcessEnv = process.env): ApiSettings {
  const d = DEFAULT_API_SETTINGS;
  return {
    rateLimits: {
      writePerSecond: positive(env, 'TANDEM_RATE_LIMIT_WRITE_PER_SEC', d.rateLimits.writePerSecond),
      writeBurst: positive(env, 'TANDEM_RATE_LIMIT_WRITE_BURST', d.rateLimits.writeBurst),
      readPerSecond: positive(env, 'TANDEM_RATE_LIMIT_READ_PER_SEC', d.rateLimits.readPerSecond),
      readBurst: positive(env, 'TANDEM_RATE_LIMIT_READ_BURST', d.rateLimits.readBurst),
    },
    webhooks: {
      ...d.webhooks,
      timeoutMs: positive(env, 'TANDEM_WEBHOOK_TIMEOUT_MS', d.webhooks.timeoutMs),
      maxAttempts: Math.round(positive(env, 'TANDEM_WEBHOOK_MAX_ATTEMPTS', d.webhooks.maxAttempts)),
      baseDelayMs: positive(env, 'TANDEM_WEBHOOK_RETRY_BASE_MS', d.webhooks.baseDelayMs),
      pollIntervalMs: positive(env, 'TANDEM_WEBHOOK_POLL_MS', d.webhooks.pollIntervalMs),
    },
    challenges: {
      ...d.challenges,
      resultRetentionMs:
        positive(env, 'TANDEM_CHALLENGE_RETENTION_HOURS', d.challenges.resultRetentionMs / 3_600_000) * 3_600_000,
    },
    auditRetentionDays: d.auditRetentionDays,
    maxAuthFailuresPerMinute: d.maxAuthFailuresPerMinute,
  };
}

/** Defaults, then `overrides` one level deep (tests pass only what they change). */
export function mergeApiSettings(base: ApiSettings, overrides: ApiSettingsOverrides | undefined): ApiSettings {
  if (!overrides) return base;
  return {
    ...base,
    ...overrides,
    rateLimits: { ...base.rateLimits, ...overrides.rateLimits },
    webhooks: { ...base.webhooks, ...overrides.webhooks },
    challenges: { ...base.challenges, ...overrides.challenges },
  };
}

export type ApiSettingsOverrides = {
  rateLimits?: Partial<ApiSettings['rateLimits']>;
  webhooks?: Partial<ApiSettings['webhooks']>;
  challenges?: Partial<ApiSettings['challenges']>;
  auditRetentionDays?: number;
  maxAuthFailuresPerMinute?: number;
};
