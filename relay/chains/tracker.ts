/**
 * The transaction tracker: a background loop that (re)broadcasts `signed` rows (a relay stopped
 * between signing and broadcasting resumes here) and polls `broadcast` rows until the chain says
 * confirmed or failed, each move with its webhook. Rows are claimed with a lease in the database, so
 * several relay instances can run trackers on one PostgreSQL without checking a row twice at once.
 */
import type { Database } from '../db/database.js';
import type { ChainTxState } from './adapters/types.js';
import type { ChainService } from './service.js';
import { claimDueTransactions, scheduleNextCheck, type TransactionRow, transition, unsignedOf } from './store.js';

export interface TrackerOptions {
  db: Database;
  chains: ChainService;
  log?: (line: string) => void;
  /** Time between sweeps (default 3 s; tests use less). */
  intervalMs?: number;
  batchSize?: number;
  /** A broadcast transaction with no verdict after this long is marked failed (default 3 days). */
  giveUpAfterMs?: number;
}

export interface Tracker {
  /** One sweep now; resolves with how many rows it looked at. */
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

const LEASE_SECONDS = 60;

function backoffSeconds(attempts: number): number {
  return Math.min(60, 1 + attempts * 2);
}

export function startTransactionTracker(options: TrackerOptions): Tracker {
  const { db, chains } = options;
  const log = options.log ?? (() => undefined);
  const giveUpAfter = options.giveUpAfterMs ?? 3 * 24 * 3600 * 1000;
  let stopped = false;
  let running: Promise<number> | undefined;

  async function check(row: TransactionRow): Promise<void> {
    const adapter = chains.adapter(row.blockchain);
    if (row.status === 'signed') {
      if (!row.raw_tx || !row.tx_hash) return;
      try {
        await adapter.broadcast(row.raw_tx, row.tx_hash);
        await db.transaction((tx) => transition(tx, row.id, ['signed'], 'broadcast', { nextCheckSeconds: 1 }));
      } catch (error) {
        log(`chains tracker: rebroadcast of ${row.id} failed: ${(error as Error).message}`);
        await scheduleNextCheck(db, row.id, backoffSeconds(row.check_attempts));
      }
      return;
    }
    let state: ChainTxState;
    try {
      state = await adapter.getStatus(row.tx_hash as string, unsignedOf(row));
    } catch (error) {
      log(`chains tracker: status of ${row.id} on ${row.blockchain} unavailable: ${(error as Error).message}`);
      await scheduleNextCheck(db, row.id, backoffSeconds(row.check_attempts));
      return;
    }
    if (state.state === 'confirmed') {
      await db.transaction((tx) =>
        transition(tx, row.id, ['broadcast'], 'confirmed', { blockNumber: state.blockNumber }),
      );
    } else if (state.state === 'failed') {
      await db.transaction((tx) =>
        transition(tx, row.id, ['broadcast'], 'failed', { errorReason: state.reason, blockNumber: state.blockNumber }),
      );
    } else if (row.broadcast_at && Date.now() - new Date(row.broadcast_at).getTime() > giveUpAfter) {
      await db.transaction((tx) =>
        transition(tx, row.id, ['broadcast'], 'failed', { errorReason: 'not included in a block in time' }),
      );
    } else {
      await scheduleNextCheck(db, row.id, backoffSeconds(row.check_attempts));
    }
  }

  async function sweep(): Promise<number> {
    const rows = await claimDueTransactions(db, options.batchSize ?? 25, LEASE_SECONDS);
    for (const row of rows) {
      if (stopped) break;
      try {
        await check(row);
      } catch (error) {
        log(`chains tracker: ${row.id}: ${(error as Error).message}`);
      }
    }
    return rows.length;
  }

  const timer = setInterval(() => {
    if (running || stopped) return;
    running = sweep()
      .catch((error: unknown) => {
        if (!stopped) log(`chains tracker: sweep failed: ${(error as Error).message}`);
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
  }, options.intervalMs ?? 3000);
  timer.unref?.();

  return {
    sweep,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
