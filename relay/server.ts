/**
 * Starts a relay: opens the database, applies migrations, makes sure the demo organisation exists,
 * and serves HTTP. Used by `npm start` (main.ts) and by the integration tests.
 */
import { type ServerType, serve } from '@hono/node-server';
import { startApiBackground } from './api/background.js';
import { loadApiSettings, mergeApiSettings } from './api/settings.js';
import { createApp } from './app.js';
import { challengeSigning } from './chains/challenge-signing.js';
import { type ChainService, createChainService, loadChainRegistry, startTransactionTracker } from './chains/index.js';
import { type RelayConfig, webhookPrivateDestinationsAllowed } from './config.js';
import { loadMasterKey } from './crypto/master-key.js';
import type { Database } from './db/database.js';
import { applyMigrations } from './db/migrate.js';
import { openDatabase } from './db/open.js';
import { RELAY_MIGRATIONS } from './db/schema.js';
import { type DevMailbox, startDevMailbox } from './mail/dev-mailbox.js';
import { createSmtpMailer } from './mail/mailer.js';
import { DEFAULT_CEREMONIES } from './mpc/ceremonies/index.js';
import { assertMasterKeyOpensStoredShares } from './mpc/key-shares.js';
import { attachMpcEndpoint } from './mpc/websocket.js';
import { ensureDemoOrganisation } from './organisations/demo.js';
import { createEmailRecovery } from './recovery/email.js';
import { connectPinGuard } from './recovery/pin-guard-connection.js';

export interface RunningRelay {
  url: string;
  port: number;
  db: Database;
  /** Set only when the demo organisation's key was created in this start (shown once). */
  newDemoApiKey: string | undefined;
  /** The chain service (registry from TANDEM_CHAINS_FILE / TANDEM_RPC_*): build, broadcast, track. */
  chains: ChainService;
  /** The business API's background jobs (webhook worker, challenge sweeper). */
  api: import('./api/background.js').ApiBackground;
  /** The local development mailbox receiving the relay's mail, when SMTP_URL is not set. */
  mailbox: DevMailbox | undefined;
  /** Stops accepting connections, waits for in-flight requests, then closes the database. */
  close(): Promise<void>;
}

export async function startRelay(
  config: RelayConfig,
  log: (line: string) => void = console.log,
): Promise<RunningRelay> {
  // Before the database: a missing or exposed master key stops the start (MasterKeyError).
  const masterKey = loadMasterKey({ envValue: config.masterKey, dataDir: config.dataDir });
  const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    await applyMigrations(db, RELAY_MIGRATIONS);
    await assertMasterKeyOpensStoredShares(db, { current: masterKey, retired: [] });
    const demo = await ensureDemoOrganisation(db, config.demoApiKey);
    const apiSettings = mergeApiSettings(loadApiSettings(process.env), {
      ...config.api,
      webhooks: { allowPrivateDestinations: webhookPrivateDestinationsAllowed(config), ...config.api?.webhooks },
    });
    const chains = createChainService({ db, registry: loadChainRegistry(process.env), log });
    // Without SMTP_URL, mail goes through the same SMTP path to a local mailbox (development and tests).
    const mailbox = config.smtpUrl ? undefined : await startDevMailbox({ onMail: config.onDevMail });
    const mailer = createSmtpMailer({
      url: config.smtpUrl ?? (mailbox as DevMailbox).url,
      from: config.smtpFrom ?? 'Tandem <no-reply@tandem.localhost>',
    });
    const pinGuard = await connectPinGuard(
      { url: config.pinGuardUrl, token: config.pinGuardToken },
      db,
      config.dataDir,
    );
    const emailRecovery = createEmailRecovery({
      db,
      masterKey,
      mailer,
      releaseDelayMs: config.recoveryEmailDelayMs ?? 0,
    });
    const app = createApp({
      db,
      version: config.version,
      log,
      publicUrl: config.publicUrl,
      apiSettings,
      chains,
      gateway: { pinGuard, emailRecovery },
    });
    const { server, port } = await listen(app.fetch, config.host, config.port);
    const mpc = attachMpcEndpoint(server as import('node:http').Server, {
      db,
      masterKeys: { current: masterKey, retired: [] },
      ceremonies: DEFAULT_CEREMONIES,
      origin: config.publicUrl,
      limits: config.mpcLimits,
      log,
      pinGuard,
      chainSigning: (challenge, wallet) => challengeSigning(chains, challenge, wallet),
      chains,
    });
    const tracker = startTransactionTracker({
      db,
      chains,
      log,
      intervalMs: Number(process.env.TANDEM_CHAIN_POLL_MS) || 3000,
    });
    const api = startApiBackground(db, apiSettings, log);
    let closing: Promise<void> | undefined;
    return {
      url: `http://${config.host}:${port}`,
      port,
      db,
      newDemoApiKey: demo.newApiKey,
      api,
      chains,
      mailbox,
      close() {
        closing ??= (async () => {
          await mpc.close();
          await new Promise<void>((resolve) => server.close(() => resolve()));
          await tracker.stop();
          await api.stop();
          await pinGuard.close();
          mailer.close();
          await mailbox?.close();
          await db.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}

function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  hostname: string,
  port: number,
): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, (info) => resolve({ server, port: info.port }));
    server.once('error', reject);
  });
}
