/**
 * Starts a real relay for a test: a fresh PGlite directory (or DATABASE_URL), port 0 on 127.0.0.1,
 * and a known demo API key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../relay/config.js';
import { type RunningRelay, startRelay } from '../../relay/server.js';
import { type ApiCall, createApiCaller } from './api-caller.js';
import { createTestDatabase } from './database.js';

export interface TestRelay extends RunningRelay {
  apiKey: string;
  dataDir: string;
  /** fetch against the relay with the demo key, returning status, parsed JSON and headers. */
  call: ApiCall;
  /** The PostgreSQL database this relay uses (undefined on PGlite). */
  databaseUrl: string | undefined;
  /** Stops the relay; unless `keepData`, deletes its data directory (a restarted relay's too) / test database. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * `dataDir` / `databaseUrl` let a test restart a relay on the same storage (pass what `stop({ keepData: true })`
 * left behind: `relay.dataDir` and `relay.databaseUrl`).
 */
export async function startTestRelay(
  /** `env`: further relay settings, e.g. `{ RECOVERY_EMAIL_DELAY: '3s' }`. */
  options: { dataDir?: string; apiKey?: string; databaseUrl?: string; env?: Record<string, string> } = {},
): Promise<TestRelay> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tandem-relay-'));
  const apiKey = options.apiKey ?? `tdm_test_${crypto.randomUUID().replaceAll('-', '')}`;
  const database = options.databaseUrl
    ? { url: options.databaseUrl, drop: async () => undefined }
    : await createTestDatabase();
  const config = loadConfig({
    PORT: '0',
    TANDEM_DATA_DIR: dataDir,
    TANDEM_API_KEY: apiKey,
    DATABASE_URL: database.url,
    ...options.env,
  });
  const relay = await startRelay(config, () => undefined);
  return {
    ...relay,
    apiKey,
    dataDir,
    call: createApiCaller(relay.url, apiKey),
    databaseUrl: database.url,
    async stop(stopOptions = {}) {
      await relay.close();
      if (stopOptions.keepData) return;
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
