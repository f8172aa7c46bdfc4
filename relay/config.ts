/**
 * The relay's configuration, read from the environment once at start-up and validated.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CHALLENGE_LIFETIME_MS } from './challenges/kinds.js';
import { classifyAddress, isLocalhostName, literalAddress } from './webhooks/destination.js';

export interface RelayConfig {
  host: string;
  port: number;
  /** Where PGlite keeps its files, and where key files live. */
  dataDir: string;
  /** PostgreSQL connection string; when absent the embedded PGlite is used. */
  databaseUrl: string | undefined;
  /** A fixed API key for the demo organisation (automation); random when absent. */
  demoApiKey: string | undefined;
  version: string;
  /** Business-API overrides (rate limits, webhook retry timing, sweeps); env/defaults otherwise (api/settings.ts). */
  api?: import('./api/settings.js').ApiSettingsOverrides | undefined;
  /** TANDEM_MASTER_KEY (32 bytes, hex or base64); when absent, `<dataDir>/master.key` is used or created. */
  masterKey?: string | undefined;
  /** TANDEM_PUBLIC_URL: the relay's public origin, bound into device handshakes (default: the request's Host). */
  publicUrl?: string | undefined;
  /** MPC WebSocket limits (keep-alive, idle timeout, frame size); tests shorten them. */
  mpcLimits?: Partial<import('./mpc/connection.js').MpcLimits> | undefined;
  /** SMTP_URL (e.g. smtps://user:pass@smtp.example.com:465); when absent a local development mailbox is started. */
  smtpUrl?: string | undefined;
  /** SMTP_FROM: the sender of recovery codes. */
  smtpFrom?: string | undefined;
  /** RECOVERY_EMAIL_DELAY: time lock between a correct email code and the release of the key part (ms). */
  recoveryEmailDelayMs?: number | undefined;
  /** PIN_GUARD_URL / PIN_GUARD_TOKEN: a PIN guard in its own process (npm run pin-guard); in-process when absent. */
  pinGuardUrl?: string | undefined;
  pinGuardToken?: string | undefined;
  /**
   * TANDEM_WEBHOOK_ALLOW_PRIVATE (true/false): webhooks may target private, loopback and reserved addresses.
   * Unset: allowed only when the relay listens on loopback (a developer's `npm start`); see webhookPrivateDestinationsAllowed.
   */
  webhookAllowPrivate?: boolean | undefined;
  /** Called with each mail the development mailbox receives (npm start prints them). */
  onDevMail?: ((mail: import('./mail/dev-mailbox.js').ReceivedMail) => void) | undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/** Builds the configuration from `env`, throwing ConfigError with the variable's name on a bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): RelayConfig {
  const portText = env.PORT ?? '8787';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer between 0 and 65535, got "${portText}"`);
  }
  const demoApiKey = env.TANDEM_API_KEY || undefined;
  if (demoApiKey !== undefined && !/^[A-Za-z0-9_-]{24,128}$/.test(demoApiKey)) {
    throw new ConfigError('TANDEM_API_KEY must be 24–128 characters of letters, digits, "_" or "-"');
  }
  return {
    host: env.HOST ?? '127.0.0.1',
    port,
    dataDir: resolve(env.TANDEM_DATA_DIR ?? '.tandem'),
    databaseUrl: env.DATABASE_URL || undefined,
    demoApiKey,
    version: readVersion(),
    masterKey: env.TANDEM_MASTER_KEY || undefined,
    publicUrl: parsePublicUrl(env.TANDEM_PUBLIC_URL),
    smtpUrl: env.SMTP_URL || undefined,
    smtpFrom: env.SMTP_FROM || undefined,
    recoveryEmailDelayMs: parseRecoveryEmailDelay(env.RECOVERY_EMAIL_DELAY),
    pinGuardUrl: env.PIN_GUARD_URL || undefined,
    pinGuardToken: env.PIN_GUARD_TOKEN || undefined,
    webhookAllowPrivate: parseBoolean(env.TANDEM_WEBHOOK_ALLOW_PRIVATE, 'TANDEM_WEBHOOK_ALLOW_PRIVATE'),
  };
}

/**
 * Whether webhooks may go to private destinations: TANDEM_WEBHOOK_ALLOW_PRIVATE when set, otherwise only
 * when the relay itself listens on a loopback address (a development machine; a deployed relay listens on
 * a public or 0.0.0.0 address and refuses them).
 */
export function webhookPrivateDestinationsAllowed(config: Pick<RelayConfig, 'host' | 'webhookAllowPrivate'>): boolean {
  if (config.webhookAllowPrivate !== undefined) return config.webhookAllowPrivate;
  if (isLocalhostName(config.host)) return true;
  const address = literalAddress(config.host);
  if (address === undefined) return false;
  const c = classifyAddress(address);
  return !c.public && c.kind === 'loopback';
}

/** "true"/"1"/"yes" or "false"/"0"/"no" (any case); undefined when unset. */
function parseBoolean(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

/** The origin of TANDEM_PUBLIC_URL (scheme://host[:port]), or undefined when unset. */
function parsePublicUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`TANDEM_PUBLIC_URL must be an absolute URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError('TANDEM_PUBLIC_URL must be an http(s) URL');
  }
  return url.origin;
}

/** "90" (seconds), "500ms", "30s", "15m", "24h" → milliseconds; undefined when unset. */
/**
 * The email time lock runs inside one reset-pin challenge (the verified code belongs to it), so it must
 * end well before the challenge expires, leaving the user time to set the new PIN; a longer lock could
 * never release.
 */
export const MAX_RECOVERY_EMAIL_DELAY_MS = CHALLENGE_LIFETIME_MS - 5 * 60_000;

export function parseRecoveryEmailDelay(value: string | undefined): number | undefined {
  const ms = parseDuration(value, 'RECOVERY_EMAIL_DELAY');
  if (ms !== undefined && ms > MAX_RECOVERY_EMAIL_DELAY_MS) {
    throw new ConfigError(
      `RECOVERY_EMAIL_DELAY must be at most ${MAX_RECOVERY_EMAIL_DELAY_MS / 60_000}m: the time lock runs inside one ` +
        `reset-pin challenge, which expires after ${CHALLENGE_LIFETIME_MS / 60_000}m; got "${value}"`,
    );
  }
  return ms;
}

export function parseDuration(value: string | undefined, name: string): number | undefined {
  if (!value) return undefined;
  const match = /^(\d{1,9})(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new ConfigError(`${name} must be a duration like 90, 30s, 4000ms or 10m, got "${value}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}
