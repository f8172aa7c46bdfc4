/**
 * The wallet's public account list (chain, address, label) in `storage.local`: addresses are public
 * and must survive restarts; no key material is stored here. Wallet creation adds to it; the popup
 * lists it. Each stored row is validated on read and a malformed row is dropped.
 */
import type { AccountView } from './messages.js';
import type { StorageArea } from './storage-area.js';

export const ACCOUNTS_KEY = 'tandem.accounts';

const ADDRESS_RULES: Record<AccountView['chain'], RegExp> = {
  evm: /^0x[0-9a-fA-F]{40}$/,
  // Bech32/bech32m segwit addresses (P2WPKH, P2TR) on mainnet, testnet and regtest.
  bitcoin: /^(bc1|tb1|bcrt1)[02-9ac-hj-np-z]{8,87}$/,
  solana: /^[1-9A-HJ-NP-Za-km-z]{32,44}$/,
  // Implicit accounts are 64 hex characters; named accounts follow NEAR's account-id rules.
  near: /^([0-9a-f]{64}|(?=.{2,64}$)[a-z0-9]+([-_][a-z0-9]+)*(\.[a-z0-9]+([-_][a-z0-9]+)*)*)$/,
};

export function parseAccount(value: unknown): AccountView | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { chain, address, label, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return undefined;
  if (typeof chain !== 'string' || !Object.hasOwn(ADDRESS_RULES, chain)) return undefined;
  if (typeof address !== 'string' || !ADDRESS_RULES[chain as AccountView['chain']].test(address)) return undefined;
  if (typeof label !== 'string' || label.length === 0 || label.length > 64) return undefined;
  return { chain: chain as AccountView['chain'], address, label };
}

export interface AccountStore {
  list(): Promise<AccountView[]>;
  /** Adds accounts not already listed (same chain and address); throws TypeError for an invalid one. */
  add(accounts: readonly AccountView[]): Promise<AccountView[]>;
}

export function createAccountStore(deps: { storage: StorageArea }): AccountStore {
  async function list(): Promise<AccountView[]> {
    const stored = (await deps.storage.get(ACCOUNTS_KEY))[ACCOUNTS_KEY];
    if (typeof stored !== 'object' || stored === null || (stored as { v?: unknown }).v !== 1) return [];
    const rows = (stored as { accounts?: unknown }).accounts;
    return Array.isArray(rows) ? rows.map(parseAccount).filter((a): a is AccountView => a !== undefined) : [];
  }
  let tail: Promise<unknown> = Promise.resolve();
  return {
    list,
    add(accounts) {
      const run = tail.then(async () => {
        const valid = accounts.map((a) => {
          const parsed = parseAccount(a);
          if (!parsed) throw new TypeError(`invalid ${String(a?.chain)} account ${JSON.stringify(a?.address)}`);
          return parsed;
        });
        const current = await list();
        const key = (a: AccountView) => `${a.chain}:${a.address}`;
        const seen = new Set(current.map(key));
        const next = [...current, ...valid.filter((a) => !seen.has(key(a)))];
        await deps.storage.set({ [ACCOUNTS_KEY]: { v: 1, accounts: next } });
        return next;
      });
      tail = run.catch(() => undefined);
      return run;
    },
  };
}
