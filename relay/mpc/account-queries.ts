/**
 * The popup's read-only overview over /v2/mpc: `account.balances` and `account.activity` (protocol/wire/
 * control.ts). The extension holds no API key; its device key, authenticated by the handshake, names
 * exactly one customer, and every answer here is built from that customer only (device.customerId,
 * device.organisationId), never from anything in the request.
 *
 * A popup opening must not let a device hammer the chains' RPC nodes:
 * - successful balances are cached per wallet for `balanceCacheMs` (15 s), and concurrent reads of one
 *   wallet share one RPC round;
 * - each device may ask at most `requestsPerMinute` account queries in a sliding minute, counted across
 *   all its connections (a reconnect does not reset the count);
 * - each wallet's read is cut off after `walletTimeoutMs`, answered as that wallet's error.
 * A chain that cannot be read gives that wallet an `error` string; the other wallets still answer.
 *
 * Balances come from the chain layer (ChainService.getBalances → adapter → listBalances, native first);
 * activity from the challenges store and the transactions store (getTransactionByChallenge).
 */
import {
  type AccountActivityRequest,
  type AccountBalancesRequest,
  type ActivityEntry,
  type AssetBalance,
  type ControlMessage,
  MAX_ACCOUNT_WALLETS,
  MAX_ACTIVITY_ENTRIES,
  MAX_WALLET_BALANCES,
  parseControlMessage,
  type WalletBalances,
} from '../../protocol/wire/control.js';
import type { ChainService } from '../chains/service.js';
import { getTransactionByChallenge, toRecord } from '../chains/store.js';
import { type Challenge, listCustomerChallenges } from '../challenges/store.js';
import type { Queryable } from '../db/database.js';
import { listCustomerWallets, type Wallet } from '../wallets/store.js';
import type { AuthenticatedDevice } from './handshake.js';

export interface AccountQueryLimits {
  /** How long a wallet's successful balances are served from memory. */
  balanceCacheMs: number;
  /** Account queries (balances + activity) one device may make in a sliding minute. */
  requestsPerMinute: number;
  /** A wallet whose chain has not answered by then gets an error entry. */
  walletTimeoutMs: number;
}

export const DEFAULT_ACCOUNT_QUERY_LIMITS: AccountQueryLimits = {
  balanceCacheMs: 15_000,
  requestsPerMinute: 20,
  // Every wallet waits for the slowest (one answer): keep a dead node from holding the popup long.
  walletTimeoutMs: 5_000,
};

export interface AccountQueryDependencies {
  db: Queryable;
  /** Without a chain layer, every wallet answers "balances are not available on this relay". */
  chains?: ChainService | undefined;
  limits?: Partial<AccountQueryLimits> | undefined;
  now?: (() => number) | undefined;
  log?: ((line: string) => void) | undefined;
}

export type AccountQuery = AccountBalancesRequest | AccountActivityRequest;

export interface AccountQueries {
  /** The result message for `request`, or a non-fatal `error` (rate-limited, internal-error) naming its requestId. */
  answer(device: AuthenticatedDevice, request: AccountQuery): Promise<ControlMessage>;
}

const MINUTE_MS = 60_000;
const CHALLENGE_ID_RE = /^[A-Za-z0-9_.:-]{1,128}$/;
const DISPLAY_AMOUNT_RE = /^[0-9]{1,40}(\.[0-9]{1,40})?$/;
const ADDRESS_RE = /^[A-Za-z0-9._:-]{1,128}$/;

class WalletReadTimeout extends Error {}

const shared = new WeakMap<object, AccountQueries>();

/**
 * One AccountQueries per endpoint (keyed by its dependencies object, which every connection of an
 * endpoint shares), so the cache and the per-device count survive reconnects.
 */
export function sharedAccountQueries(key: object, deps: AccountQueryDependencies): AccountQueries {
  let queries = shared.get(key);
  if (!queries) {
    queries = createAccountQueries(deps);
    shared.set(key, queries);
  }
  return queries;
}

export function createAccountQueries(deps: AccountQueryDependencies): AccountQueries {
  const limits: AccountQueryLimits = { ...DEFAULT_ACCOUNT_QUERY_LIMITS, ...deps.limits };
  const now = deps.now ?? Date.now;
  const log = deps.log ?? (() => undefined);
  const cache = new Map<string, { at: number; balances: AssetBalance[] }>();
  const inFlight = new Map<string, Promise<AssetBalance[]>>();
  const requestTimes = new Map<string, number[]>();

  /** Records a request; returns the ms until the next one is allowed when over the limit. */
  function overLimit(deviceId: string): number | undefined {
    const t = now();
    const recent = (requestTimes.get(deviceId) ?? []).filter((at) => t - at < MINUTE_MS);
    if (recent.length >= limits.requestsPerMinute) {
      requestTimes.set(deviceId, recent);
      return MINUTE_MS - (t - (recent[0] as number));
    }
    recent.push(t);
    requestTimes.set(deviceId, recent);
    // Forget devices idle for a minute so the map stays the size of the active devices.
    if (requestTimes.size > 1000) {
      for (const [id, times] of requestTimes) if (times.every((at) => t - at >= MINUTE_MS)) requestTimes.delete(id);
    }
    return undefined;
  }

  function readBalances(chains: ChainService, wallet: Wallet): Promise<AssetBalance[]> {
    const cached = cache.get(wallet.id);
    if (cached && now() - cached.at < limits.balanceCacheMs) return Promise.resolve(cached.balances);
    const running = inFlight.get(wallet.id);
    if (running) return running;
    const read = chains.getBalances(wallet).then((balances) => {
      const assets = balances.slice(0, MAX_WALLET_BALANCES).map(
        (b): AssetBalance => ({
          symbol: b.symbol,
          amount: b.amount.toString(),
          decimals: b.decimals,
          ...(b.isNative || b.tokenId === undefined ? {} : { tokenId: b.tokenId }),
        }),
      );
      cache.set(wallet.id, { at: now(), balances: assets });
      return assets;
    });
    inFlight.set(wallet.id, read);
    const forget = () => inFlight.delete(wallet.id);
    read.then(forget, forget);
    return read;
  }

  function describeChainFailure(wallet: Wallet, error: unknown): string {
    const chain = wallet.blockchain;
    if (error instanceof WalletReadTimeout) return `the ${chain} node did not answer in time`;
    const code = (error as { code?: unknown })?.code;
    if (code === 'chain_not_configured') return `${chain} is not served by this relay`;
    if (code === 'chain_unavailable' || (error as Error)?.name === 'ChainRpcError')
      return `the ${chain} node could not be reached`;
    log(`mpc: balances of wallet ${wallet.id} on ${chain} failed: ${(error as Error)?.message ?? String(error)}`);
    return `the ${chain} balance could not be read`;
  }

  async function walletBalances(wallet: Wallet): Promise<WalletBalances> {
    const header = {
      walletId: wallet.id,
      blockchain: wallet.blockchain,
      address: wallet.address,
      addressType: wallet.addressType,
    };
    const chains = deps.chains;
    if (!chains) return { ...header, error: 'balances are not available on this relay' };
    let timer: NodeJS.Timeout | undefined;
    try {
      const balances = await Promise.race([
        readBalances(chains, wallet),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new WalletReadTimeout()), limits.walletTimeoutMs);
          timer.unref();
        }),
      ]);
      return { ...header, balances };
    } catch (error) {
      return { ...header, error: describeChainFailure(wallet, error) };
    } finally {
      clearTimeout(timer);
    }
  }

  async function balancesOf(device: AuthenticatedDevice): Promise<WalletBalances[]> {
    const wallets = (await listCustomerWallets(deps.db, device.customerId)).slice(0, MAX_ACCOUNT_WALLETS);
    return Promise.all(wallets.map(walletBalances));
  }

  async function activityOf(device: AuthenticatedDevice): Promise<ActivityEntry[]> {
    const [{ challenges }, wallets] = await Promise.all([
      listCustomerChallenges(deps.db, device.organisationId, device.customerId, {
        page: 1,
        limit: MAX_ACTIVITY_ENTRIES,
        order: 'desc',
      }),
      listCustomerWallets(deps.db, device.customerId),
    ]);
    const chainOf = new Map(wallets.map((w) => [w.id, w.blockchain]));
    return Promise.all(challenges.map((c) => activityEntry(c, chainOf)));
  }

  async function activityEntry(challenge: Challenge, chainOf: Map<string, string>): Promise<ActivityEntry> {
    const payload = challenge.payload ?? {};
    const walletId = typeof payload.walletId === 'string' ? payload.walletId : undefined;
    const moving = challenge.kind === 'transfer' || challenge.kind === 'contract-execution';
    const row = moving ? await getTransactionByChallenge(deps.db, challenge.id) : undefined;
    // The stored transaction is the truth once it exists; before that, the approved payload.
    const tx = row && row.customer_id === challenge.customerId ? toRecord(row) : undefined;
    const approvedAmount = Array.isArray(payload.amounts) ? payload.amounts[0] : payload.amount;
    const amount = tx ? tx.amounts[0] : approvedAmount;
    const recipient = tx
      ? (tx.contractAddress ?? tx.destinationAddress)
      : (payload.destinationAddress ?? payload.contractAddress);
    const blockchain = tx?.blockchain ?? (walletId ? chainOf.get(walletId) : undefined);
    return {
      challengeId: CHALLENGE_ID_RE.test(challenge.id) ? challenge.id : 'unknown',
      kind: challenge.kind,
      status: challenge.status,
      createdAt: new Date(challenge.createdAt).toISOString(),
      blockchain: blockchain ?? null,
      amount: moving && typeof amount === 'string' && DISPLAY_AMOUNT_RE.test(amount) ? amount : null,
      symbol: tx && /^[\x21-\x7e]{1,16}$/.test(tx.symbol) ? tx.symbol : null,
      recipient: moving && typeof recipient === 'string' && ADDRESS_RE.test(recipient) ? recipient : null,
      transactionStatus: tx?.status ?? null,
      transactionHash: tx?.txHash && /^[A-Za-z0-9]{1,128}$/.test(tx.txHash) ? tx.txHash : null,
    };
  }

  return {
    async answer(device, request) {
      const waitMs = overLimit(device.deviceId);
      if (waitMs !== undefined) {
        return {
          type: 'error',
          code: 'rate-limited',
          message: `at most ${limits.requestsPerMinute} account queries a minute; try again in ${Math.ceil(waitMs / 1000)} s`,
          requestId: request.requestId,
          fatal: false,
        };
      }
      const answer: ControlMessage =
        request.type === 'account.balances'
          ? { type: 'account.balances.result', requestId: request.requestId, wallets: await balancesOf(device) }
          : { type: 'account.activity.result', requestId: request.requestId, entries: await activityOf(device) };
      // The answer passes the same checks Node 1 applies: a value the wire refuses (an odd registry
      // symbol, say) must not make the device drop its whole connection as malformed.
      try {
        parseControlMessage(JSON.parse(JSON.stringify(answer)), 'server');
      } catch (error) {
        log(`mpc: ${request.type} answer refused by the wire checks: ${(error as Error).message}`);
        return {
          type: 'error',
          code: 'internal-error',
          message: 'the account overview could not be built',
          requestId: request.requestId,
          fatal: false,
        };
      }
      return answer;
    },
  };
}
