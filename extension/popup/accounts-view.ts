/**
 * The popup's accounts: one card per chain family, each account with its full address, a copy button
 * that says "Copied" once the clipboard has it, and its balances per chain from the relay (native
 * first, tokens after; a spinner while loading; "couldn't load — Retry" for a chain that failed).
 * Accounts come from this device's list; a wallet the relay knows that is not listed here (made on
 * another device) is shown too, under the family its address belongs to.
 */

import type { WalletBalances } from '../../protocol/wire/control.js';
import type { AccountView } from '../background/messages.js';
import { h } from '../ui/dom.js';
import { chainName, formatBalance, orderedBalances } from './format.js';

export const CHAINS: Array<{ chain: AccountView['chain']; name: string }> = [
  { chain: 'evm', name: 'Ethereum & EVM' },
  { chain: 'bitcoin', name: 'Bitcoin' },
  { chain: 'solana', name: 'Solana' },
  { chain: 'near', name: 'NEAR' },
];

export type BalancesState =
  | { state: 'loading' }
  | { state: 'ready'; wallets: WalletBalances[] }
  /** The whole question failed (relay unreachable, rate limit); `message` says why. */
  | { state: 'failed'; message: string }
  /** This device has no customer on the configured relay: no balances to ask for. */
  | { state: 'none' };

/** The family of an address the relay returned, by its shape. */
export function familyOf(address: string): AccountView['chain'] {
  if (/^0x[0-9a-fA-F]{40}$/.test(address)) return 'evm';
  if (/^(bc1|tb1|bcrt1)/.test(address)) return 'bitcoin';
  if (/^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(address)) return 'solana';
  return 'near';
}

const sameAddress = (a: string, b: string) => (/^0x/i.test(a) ? a.toLowerCase() === b.toLowerCase() : a === b);

/** This device's accounts plus the relay's wallets it does not list, labelled by chain. */
export function mergeAccounts(accounts: readonly AccountView[], wallets: readonly WalletBalances[]): AccountView[] {
  const merged = [...accounts];
  for (const w of wallets) {
    if (merged.some((a) => sameAddress(a.address, w.address))) continue;
    // Labelled by chain id, as wallet-create labels accounts; accountLabel() shows it as the chain's name.
    merged.push({ chain: familyOf(w.address), address: w.address, label: w.blockchain });
  }
  return merged;
}

function copyButton(account: AccountView, familyName: string): HTMLElement {
  const label = 'Copy';
  const button = h(
    'button',
    {
      class: 'link copy',
      type: 'button',
      'data-testid': 'copy-address',
      title: 'Copy the whole address',
      'aria-label': `Copy ${familyName} address ${account.label}`,
    },
    label,
  );
  const said = h('span', { class: 'copied', role: 'status', 'aria-live': 'polite' });
  let reset: ReturnType<typeof setTimeout> | undefined;
  button.addEventListener('click', async () => {
    clearTimeout(reset);
    try {
      await navigator.clipboard.writeText(account.address);
      button.textContent = 'Copied ✓';
      button.classList.add('done');
      said.textContent = 'Address copied';
    } catch {
      said.textContent = 'Copy failed: select the address and copy it';
    }
    reset = setTimeout(() => {
      button.textContent = label;
      button.classList.remove('done');
      said.textContent = '';
    }, 2500);
  });
  return h('span', { class: 'copy-cell' }, button, said);
}

/** A label such as "EVM-LOCAL" (wallet-create names accounts by chain id) reads as the chain's name. */
export function accountLabel(label: string): string {
  return /^[A-Z0-9][A-Z0-9-]{0,31}$/.test(label) ? chainName(label) : label;
}

function walletBalances(wallet: WalletBalances, retry: () => void, nameShown: boolean): HTMLElement {
  // The chain's name is not repeated when the account's label already is it.
  const name = h('span', { class: 'chain-name' }, nameShown ? 'Balance' : chainName(wallet.blockchain));
  if ('error' in wallet) {
    return h(
      'div',
      { class: 'wallet-balances failed', 'data-testid': 'balance-error', 'data-blockchain': wallet.blockchain },
      name,
      h(
        'span',
        { class: 'balance-error' },
        'Couldn’t load — ',
        h('button', { class: 'link', type: 'button', 'data-testid': 'retry-balances', onclick: retry }, 'Retry'),
      ),
      h('span', { class: 'reason muted small' }, `${upperFirst(wallet.error)}.`),
    );
  }
  const rows = orderedBalances(wallet);
  return h(
    'div',
    { class: 'wallet-balances', 'data-testid': 'balances', 'data-blockchain': wallet.blockchain },
    name,
    h(
      'ul',
      { class: 'balance-list' },
      ...(rows.length === 0
        ? [h('li', { class: 'muted' }, 'No assets')]
        : rows.map((b) =>
            h(
              'li',
              { class: b.tokenId ? 'token' : 'native', 'data-testid': 'balance' },
              h('span', { class: 'amount' }, formatBalance(b.amount, b.decimals)),
              ' ',
              h('span', { class: 'symbol' }, b.symbol),
            ),
          )),
    ),
  );
}

const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function balancesBlock(account: AccountView, balances: BalancesState, retry: () => void): HTMLElement | null {
  switch (balances.state) {
    case 'none':
      return null;
    case 'loading':
      return h(
        'div',
        { class: 'balances-loading muted small', 'data-testid': 'balances-loading', role: 'status' },
        h('span', { class: 'spinner', 'aria-hidden': 'true' }),
        'Loading balances…',
      );
    case 'failed':
      return h(
        'div',
        { class: 'balance-error small', 'data-testid': 'balance-error' },
        'Couldn’t load balances — ',
        h('button', { class: 'link', type: 'button', 'data-testid': 'retry-balances', onclick: retry }, 'Retry'),
        h('span', { class: 'reason muted small' }, balances.message),
      );
    case 'ready': {
      const wallets = balances.wallets.filter((w) => sameAddress(w.address, account.address));
      if (wallets.length === 0) return h('p', { class: 'muted small' }, 'The relay has no wallet at this address.');
      const nameShown = wallets.length === 1 && wallets[0]?.blockchain === account.label;
      return h('div', { class: 'balances' }, ...wallets.map((w) => walletBalances(w, retry, nameShown)));
    }
  }
}

export function renderAccounts(
  accounts: readonly AccountView[],
  balances: BalancesState = { state: 'none' },
  retry: () => void = () => undefined,
): HTMLElement {
  const all = balances.state === 'ready' ? mergeAccounts(accounts, balances.wallets) : [...accounts];
  if (all.length === 0) {
    return h(
      'section',
      { class: 'card empty', 'data-testid': 'accounts-empty' },
      h('h2', {}, 'No wallet on this device yet'),
      h(
        'p',
        { class: 'muted' },
        balances.state === 'ready'
          ? 'Your Tandem account is set up, but it has no wallet yet. The business you use creates them: when it asks, approve the request in the Tandem window.'
          : 'Your wallet is set up from the business you use. When it sends you to the Tandem Gateway, a Tandem window opens and guides you through choosing a PIN.',
      ),
    );
  }
  return h(
    'section',
    { class: 'accounts', 'data-testid': 'accounts' },
    ...CHAINS.map(({ chain, name }) => {
      const rows = all.filter((a) => a.chain === chain);
      return h(
        'div',
        { class: 'card chain' },
        h('h2', {}, name),
        rows.length === 0
          ? h('p', { class: 'muted small' }, 'No account yet.')
          : h(
              'ul',
              { class: 'account-list' },
              ...rows.map((a) =>
                h(
                  'li',
                  { 'data-testid': 'account', 'data-address': a.address },
                  h('span', { class: 'account-label' }, accountLabel(a.label)),
                  copyButton(a, name),
                  h('code', { class: 'address' }, a.address),
                  balancesBlock(a, balances, retry),
                ),
              ),
            ),
      );
    }),
  );
}
