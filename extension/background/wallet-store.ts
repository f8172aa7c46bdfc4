/**
 * What this device keeps about each wallet (one per relay and customer) in `storage.local`: the relay
 * origin, the customer id and the PIN-wrapped Node 1 bundle (DESIGN.md §2: AES-256-GCM under a key from
 * the PIN, Argon2id and the relay's PIN guard). Never a clear-text share: `save` accepts only a parsed
 * `WrappedSecret`, and every stored record is re-parsed when read (a malformed or downgraded copy is
 * dropped, and the relay's copy can restore it).
 */
import type { Argon2Bounds } from '../../protocol/pin/argon2.js';
import { parseWrappedSecret, type WrappedSecret } from '../../protocol/pin/wrap.js';
import { createSerialExecutor, type StorageArea } from './storage-area.js';

export const WALLETS_KEY = 'tandem.wallets';

export interface WalletRecord {
  relayOrigin: string;
  customerId: string;
  /** The PIN copy of the Node 1 bundle, exactly as stored at the relay. */
  wrapped: WrappedSecret;
  updatedAt: number;
}

export interface WalletStore {
  list(): Promise<WalletRecord[]>;
  get(relayOrigin: string, customerId: string): Promise<WalletRecord | undefined>;
  /** Stores (or replaces, e.g. after a PIN change or a new DKG) the PIN copy for this relay and customer. */
  save(record: WalletRecord): Promise<void>;
  remove(relayOrigin: string, customerId: string): Promise<void>;
}

function parseRecord(value: unknown, bounds: { argon2Bounds?: Argon2Bounds }): WalletRecord | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const r = value as Record<string, unknown>;
  if (Object.keys(r).length !== 4) return undefined;
  if (typeof r.relayOrigin !== 'string' || typeof r.customerId !== 'string') return undefined;
  if (!Number.isSafeInteger(r.updatedAt)) return undefined;
  try {
    const url = new URL(r.relayOrigin);
    if (url.origin !== r.relayOrigin) return undefined;
  } catch {
    return undefined;
  }
  let wrapped: WrappedSecret;
  try {
    wrapped = parseWrappedSecret(r.wrapped, bounds);
  } catch {
    return undefined;
  }
  if (wrapped.method !== 'pin' || wrapped.customerId !== r.customerId) return undefined;
  return { relayOrigin: r.relayOrigin, customerId: r.customerId, wrapped, updatedAt: r.updatedAt as number };
}

export function createWalletStore(deps: { local: StorageArea; argon2Bounds?: Argon2Bounds }): WalletStore {
  const serial = createSerialExecutor();
  const bounds = deps.argon2Bounds ? { argon2Bounds: deps.argon2Bounds } : {};
  const same = (r: WalletRecord, relayOrigin: string, customerId: string) =>
    r.relayOrigin === relayOrigin && r.customerId === customerId;

  async function list(): Promise<WalletRecord[]> {
    const stored = (await deps.local.get(WALLETS_KEY))[WALLETS_KEY];
    if (typeof stored !== 'object' || stored === null || (stored as { v?: unknown }).v !== 1) return [];
    const rows = (stored as { wallets?: unknown }).wallets;
    if (!Array.isArray(rows)) return [];
    return rows.map((row) => parseRecord(row, bounds)).filter((r): r is WalletRecord => r !== undefined);
  }
  const write = (wallets: WalletRecord[]) => deps.local.set({ [WALLETS_KEY]: { v: 1, wallets } });

  return {
    list: () => serial(list),
    get: (relayOrigin, customerId) => serial(async () => (await list()).find((r) => same(r, relayOrigin, customerId))),
    save: (record) =>
      serial(async () => {
        const parsed = parseRecord(record, bounds);
        if (!parsed) throw new TypeError('not a valid wallet record with a PIN-wrapped bundle for its customer');
        const others = (await list()).filter((r) => !same(r, record.relayOrigin, record.customerId));
        await write([...others, parsed]);
      }),
    remove: (relayOrigin, customerId) =>
      serial(async () => write((await list()).filter((r) => !same(r, relayOrigin, customerId)))),
  };
}
