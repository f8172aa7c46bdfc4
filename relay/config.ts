/**
 * The relay's configuration, read from the environment once at start-up and validated.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

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
  };
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
