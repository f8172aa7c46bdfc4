/**
 * The business API's background jobs, started by startRelay and stopped by its close(): the webhook
 * delivery worker and a periodic sweep (challenge expiry/abandon/prune, idempotency keys past 24 h,
 * audit entries past retention, finished webhook deliveries past 30 days).
 */
import { purgeAuditLog } from '../audit/log.js';
import { sweepChallenges } from '../challenges/sweeper.js';
import type { Database } from '../db/database.js';
import { purgeIdempotencyKeys } from '../http/idempotency.js';
import { purgeWebhookOutbox } from '../webhooks/outbox.js';
import { startWebhookWorker, type WebhookWorker } from '../webhooks/worker.js';
import type { ApiSettings } from './settings.js';

export interface ApiBackground {
  webhooks: WebhookWorker | undefined;
  /** Runs one sweep now (tests). */
  sweep(): Promise<void>;
  stop(): Promise<void>;
}

export function startApiBackground(db: Database, settings: ApiSettings, log: (line: string) => void): ApiBackground {
  const webhooks = settings.webhooks.enabled ? startWebhookWorker(db, { ...settings.webhooks, log }) : undefined;
  let stopped = false;
  let sweeping: Promise<void> | undefined;

  const sweep = async () => {
    const report = await sweepChallenges(db, settings.challenges);
    await purgeIdempotencyKeys(db);
    await purgeAuditLog(db, settings.auditRetentionDays);
    await purgeWebhookOutbox(db);
    if (report.abandoned > 0) webhooks?.wake();
  };
  const timer = setInterval(() => {
    if (stopped || sweeping) return;
    sweeping = sweep()
      .catch((e: Error) => {
        if (!stopped) log(`challenge sweep failed: ${e.message}`);
      })
      .finally(() => {
        sweeping = undefined;
      });
  }, settings.challenges.sweepIntervalMs);
  timer.unref();

  return {
    webhooks,
    sweep,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await sweeping;
      await webhooks?.stop();
    },
  };
}
