/**
 * The popup's overview (balances and recent activity) asked of the relay over /v2/mpc as this device:
 * the extension has no API key and never will; its device key names its one customer at the relay,
 * which answers for that customer only (relay/mpc/account-queries.ts).
 *
 * One connection serves the popup's questions while it is open (balances and activity are asked at
 * the same moment) and is closed after `idleCloseMs` without a question, so an idle browser does not
 * keep a socket (and the service worker) alive.
 */
import type { ActivityEntry, WalletBalances } from '../../protocol/wire/control.js';
import {
  queryRelay,
  type RelayConnection,
  RelayConnectionError,
  type RelayIdentity,
  RelayQueryError,
} from './relay-client.js';
import type { SettingsStore } from './settings.js';
import type { WalletStore } from './wallet-store.js';

export type { ActivityEntry, WalletBalances };

/** No customer on the configured relay yet (not onboarded on this device): nothing to ask. */
export interface NoCustomer {
  relayOrigin: string;
  customerId: null;
}

export type BalancesOverview = { relayOrigin: string; customerId: string; wallets: WalletBalances[] } | NoCustomer;
export type ActivityOverview = { relayOrigin: string; customerId: string; entries: ActivityEntry[] } | NoCustomer;

export interface AccountOverview {
  balances(): Promise<BalancesOverview>;
  activity(): Promise<ActivityOverview>;
  /** Closes the connection now (tests, settings change). */
  close(): void;
}

export interface AccountOverviewDependencies {
  settings: Pick<SettingsStore, 'get'>;
  wallets: Pick<WalletStore, 'list'>;
  /** Opens an authenticated connection to `relayOrigin` (relay-client.ts, with the device key). */
  connect: (relayOrigin: string, identity: RelayIdentity) => Promise<RelayConnection>;
  newId: () => string;
  idleCloseMs?: number;
  answerTimeoutMs?: number;
}

/** A refusal by the relay (rate limit…) or a connection failure, with words for the popup. */
export class OverviewUnavailableError extends Error {
  override readonly name = 'OverviewUnavailableError';
}

interface OpenConnection {
  key: string;
  connection: Promise<RelayConnection>;
  timer?: ReturnType<typeof setTimeout>;
}

export function createAccountOverview(deps: AccountOverviewDependencies): AccountOverview {
  const idleCloseMs = deps.idleCloseMs ?? 20_000;
  let open: OpenConnection | undefined;

  /** The customer this device enrolled on the configured relay (the newest, should there be several). */
  async function identity(): Promise<{ relayOrigin: string; customerId: string | null }> {
    const { relayUrl } = await deps.settings.get();
    const records = (await deps.wallets.list())
      .filter((r) => r.relayOrigin === relayUrl)
      .sort((a, b) => b.updatedAt - a.updatedAt);
    return { relayOrigin: relayUrl, customerId: records[0]?.customerId ?? null };
  }

  function connection(relayOrigin: string, customerId: string): Promise<RelayConnection> {
    const key = `${relayOrigin} ${customerId}`;
    if (open && open.key !== key) close();
    if (!open) {
      const entry: OpenConnection = {
        key,
        connection: deps.connect(relayOrigin, { mode: 'authenticate', customerId }),
      };
      open = entry;
      entry.connection.then(
        (c) =>
          c.onClose(() => {
            if (open === entry) open = undefined;
          }),
        () => {
          if (open === entry) open = undefined;
        },
      );
    }
    const current = open;
    if (current.timer) clearTimeout(current.timer);
    current.timer = setTimeout(() => {
      if (open === current) close();
    }, idleCloseMs);
    return current.connection;
  }

  function close(): void {
    const current = open;
    open = undefined;
    if (!current) return;
    if (current.timer) clearTimeout(current.timer);
    current.connection.then(
      (c) => c.close(),
      () => undefined,
    );
  }

  async function ask<T extends 'account.balances' | 'account.activity'>(type: T) {
    const { relayOrigin, customerId } = await identity();
    if (!customerId) return { relayOrigin, customerId: null, answer: undefined };
    try {
      const c = await connection(relayOrigin, customerId);
      const answer = await queryRelay(c, { type, requestId: `q_${deps.newId()}` }, deps.answerTimeoutMs);
      return { relayOrigin, customerId, answer };
    } catch (error) {
      if (error instanceof RelayQueryError) {
        throw new OverviewUnavailableError(
          error.code === 'rate-limited'
            ? `The relay asks to wait a little: ${error.message}.`
            : `The relay could not answer: ${error.message}.`,
        );
      }
      if (error instanceof RelayConnectionError) {
        throw new OverviewUnavailableError(
          error.retryable
            ? `Cannot reach the relay at ${relayOrigin}: ${error.message}.`
            : `The relay at ${relayOrigin} did not accept this device: ${error.message}.`,
        );
      }
      throw error;
    }
  }

  return {
    async balances() {
      const { relayOrigin, customerId, answer } = await ask('account.balances');
      if (!customerId || !answer) return { relayOrigin, customerId: null };
      return { relayOrigin, customerId, wallets: (answer as { wallets: WalletBalances[] }).wallets };
    },
    async activity() {
      const { relayOrigin, customerId, answer } = await ask('account.activity');
      if (!customerId || !answer) return { relayOrigin, customerId: null };
      return { relayOrigin, customerId, entries: (answer as { entries: ActivityEntry[] }).entries };
    },
    close,
  };
}
