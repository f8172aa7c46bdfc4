/**
 * The toolbar popup: accounts by chain with copyable addresses and their balances, recent activity
 * (both asked of the relay by the background as this device), the lock button and the settings
 * (relay URL, auto-lock). Settings are validated here for instant feedback and again by the
 * background, whose answer is the one that counts.
 */
import { AUTO_LOCK_MAX_MINUTES, parseRelayUrl, SettingsError } from '../background/settings.js';
import { BackgroundError, callBackground } from '../ui/background-client.js';
import { h } from '../ui/dom.js';
import { type BalancesState, renderAccounts } from './accounts-view.js';
import { type ActivityState, renderActivity } from './activity-view.js';

export { renderAccounts };

const AUTO_LOCK_CHOICES = [1, 5, 15, 30, 60, 240, AUTO_LOCK_MAX_MINUTES];

function minutesLabel(m: number): string {
  if (m < 60) return `${m} minute${m === 1 ? '' : 's'}`;
  const hours = m / 60;
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}

/** The badge counts waiting requests; this card says what they are and brings their window back. */
export function renderPending(count: number): HTMLElement {
  return h(
    'section',
    { class: 'card pending', 'data-testid': 'pending' },
    h('h2', {}, count === 1 ? '1 request is waiting for you' : `${count} requests are waiting for you`),
    h(
      'p',
      { class: 'muted small' },
      `Check ${count === 1 ? 'it' : 'them'} in the Tandem window, then approve or reject.`,
    ),
    h(
      'button',
      {
        class: 'primary',
        type: 'button',
        'data-testid': 'show-gateway',
        onclick: async () => {
          await callBackground({ type: 'gateway.show' });
          window.close();
        },
      },
      'Open the Tandem window',
    ),
  );
}

function settingsView(onDone: () => void): HTMLElement {
  const relay = h('input', { id: 'relayUrl', type: 'url', spellcheck: 'false', autocomplete: 'off' });
  const relayError = h('p', { class: 'field-error', id: 'relayUrl-error', role: 'alert' });
  relay.setAttribute('aria-describedby', relayError.id);
  const autoLock = h(
    'select',
    { id: 'autoLockMinutes' },
    ...AUTO_LOCK_CHOICES.map((m) => h('option', { value: m }, minutesLabel(m))),
  );
  const saved = h('p', { class: 'status', role: 'status', id: 'settings-status' });
  const showRelayError = (text: string) => {
    relayError.textContent = text;
    relay.setAttribute('aria-invalid', text ? 'true' : 'false');
  };
  relay.addEventListener('input', () => {
    saved.textContent = '';
    showRelayError('');
  });
  const form = h(
    'form',
    { class: 'card', 'data-testid': 'settings', novalidate: true },
    h('h2', {}, 'Settings'),
    h('label', { class: 'field', for: 'relayUrl' }, 'Relay address', relay),
    relayError,
    h('label', { class: 'field', for: 'autoLockMinutes' }, 'Lock automatically after', autoLock),
    saved,
    h(
      'div',
      { class: 'actions' },
      h('button', { class: 'secondary', type: 'button', onclick: onDone }, 'Back'),
      h('button', { class: 'primary', type: 'submit', id: 'saveSettings' }, 'Save'),
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    saved.textContent = '';
    let relayUrl: string;
    try {
      relayUrl = parseRelayUrl(relay.value);
    } catch (error) {
      if (error instanceof SettingsError) return showRelayError(error.message);
      throw error;
    }
    try {
      const { settings } = await callBackground({
        type: 'settings.update',
        relayUrl,
        autoLockMinutes: Number(autoLock.value),
      });
      relay.value = settings.relayUrl;
      saved.textContent = 'Saved.';
      saved.className = 'status ok';
    } catch (error) {
      if (error instanceof BackgroundError && error.field === 'relayUrl') showRelayError(error.message);
      else {
        saved.textContent = `Not saved: ${(error as Error).message}`;
        saved.className = 'status error';
      }
    }
  });
  void callBackground({ type: 'settings.get' }).then(({ settings }) => {
    relay.value = settings.relayUrl;
    if (!AUTO_LOCK_CHOICES.includes(settings.autoLockMinutes)) {
      autoLock.append(h('option', { value: settings.autoLockMinutes }, minutesLabel(settings.autoLockMinutes)));
    }
    autoLock.value = String(settings.autoLockMinutes);
  });
  return form;
}

export function startPopup(root: HTMLElement, statusLine: HTMLElement): void {
  const lockButton = document.getElementById('lock') as HTMLButtonElement;
  const lockState = document.getElementById('lock-state') as HTMLElement;
  const settingsButton = document.getElementById('open-settings') as HTMLButtonElement;

  let homeCount = 0;

  function showLock(unlocked: boolean): void {
    // Locked: a "Locked" label. Unlocked: the button that locks (one control, never both).
    lockState.hidden = unlocked;
    lockButton.hidden = !unlocked;
  }

  async function home(): Promise<void> {
    settingsButton.hidden = false;
    const [{ accounts }, { count }] = await Promise.all([
      callBackground({ type: 'accounts.list' }),
      callBackground({ type: 'approvals.pending' }),
    ]);
    // Each part is replaced in place when its answer arrives; a newer home() makes older answers stale.
    const shown = ++homeCount;
    const pending = count > 0 ? renderPending(count) : null;
    let accountsPart: HTMLElement = renderAccounts(accounts, { state: 'loading' });
    let activityPart: HTMLElement | null = renderActivity({ state: 'loading' }, () => undefined, Date.now());
    root.replaceChildren(...[pending, accountsPart, activityPart].filter((e): e is HTMLElement => e !== null));

    const place = (old: HTMLElement | null, next: HTMLElement | null, after: HTMLElement | null): void => {
      if (old && next) old.replaceWith(next);
      else if (old) old.remove();
      else if (next) after ? after.after(next) : root.append(next);
    };
    const loadBalances = async (): Promise<void> => {
      const show = (state: BalancesState) => {
        if (shown !== homeCount) return;
        const next = renderAccounts(accounts, state, () => void loadBalances());
        place(accountsPart, next, pending);
        accountsPart = next;
      };
      show({ state: 'loading' });
      try {
        const { overview } = await callBackground({ type: 'account.balances' });
        show(overview.customerId === null ? { state: 'none' } : { state: 'ready', wallets: overview.wallets });
      } catch (error) {
        show({ state: 'failed', message: (error as Error).message });
      }
    };
    const loadActivity = async (): Promise<void> => {
      const show = (state: ActivityState) => {
        if (shown !== homeCount) return;
        const next = renderActivity(state, () => void loadActivity(), Date.now());
        place(activityPart, next, accountsPart);
        activityPart = next;
      };
      show({ state: 'loading' });
      try {
        const { overview } = await callBackground({ type: 'account.activity' });
        show(overview.customerId === null ? { state: 'none' } : { state: 'ready', entries: overview.entries });
      } catch (error) {
        show({ state: 'failed', message: (error as Error).message });
      }
    };
    void loadBalances();
    void loadActivity();
  }

  settingsButton.addEventListener('click', () => {
    settingsButton.hidden = true;
    homeCount++;
    root.replaceChildren(settingsView(() => void home()));
    (document.getElementById('relayUrl') as HTMLInputElement).focus();
  });
  lockButton.addEventListener('click', async () => {
    const { lock } = await callBackground({ type: 'lock.lock' });
    showLock(lock.unlocked);
  });

  callBackground({ type: 'status' })
    .then((status) => {
      statusLine.textContent = `Wallet service running (version ${status.version}).`;
      statusLine.className = 'status ok';
    })
    .catch((error) => {
      statusLine.textContent =
        error instanceof BackgroundError && error.code === 'no-answer'
          ? 'The wallet service is not responding. Reload the extension from chrome://extensions.'
          : `The wallet service refused the request: ${(error as Error).message}`;
      statusLine.className = 'status error';
    });
  void callBackground({ type: 'lock.status' }).then(({ lock }) => showLock(lock.unlocked));
  void home();
}
