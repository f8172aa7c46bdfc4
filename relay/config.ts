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
  };
}
