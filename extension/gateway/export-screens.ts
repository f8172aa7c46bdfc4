/**
 * The Gateway's export screens (DESIGN.md §4.3): first what exporting means, then (after the PIN and
 * the ceremony) the rebuilt keys — a CSV to download, each key behind its own "Show", and the
 * recovery phrase hidden until the user reveals it. Everything here is built from the background's
 * answer in this window; the CSV is a Blob URL of this page, nothing is sent anywhere. `wipe()`
 * empties what JavaScript can empty (DOM text, the Blob URL, our references) when the window closes.
 */
import type { ExportedKeys } from '../background/flows/export-keys.js';
import { h } from '../ui/dom.js';

const EXPORT_STYLE = `
.export-points { margin: 0 0 12px; padding-left: 20px; }
.export-points li { margin: 6px 0; line-height: 1.4; }
.export-rows { list-style: none; margin: 12px 0; padding: 0; }
.export-rows li { border: 1px solid #d8dce3; border-radius: 8px; padding: 8px 10px; margin: 8px 0; background: #fff; }
.export-rows .chain { font-weight: 600; }
.export-rows .target { color: #5b6270; font-size: 12px; }
.export-rows .address, .export-rows .key, .mnemonic-words {
  font: 12px/1.5 ui-monospace, "SFMono-Regular", Menlo, monospace; overflow-wrap: anywhere; word-break: break-all;
}
.export-rows .key { margin-top: 6px; padding: 6px; background: #fff7e6; border-radius: 6px; }
.export-rows button { margin-top: 6px; padding: 4px 10px; font-size: 13px; }
.mnemonic { border: 1px dashed #b9c0cc; border-radius: 8px; padding: 12px; background: #fff; margin: 8px 0; }
.mnemonic-words { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px 10px; margin: 0; padding: 0; list-style: none; font-size: 14px; }
.mnemonic-words li span { color: #8a90a0; margin-right: 4px; }
.mnemonic-words:not([hidden]) + button { margin-top: 12px; }
.export-section { margin-top: 18px; font-size: 15px; }
`;

function page(testId: string, title: string, ...content: Array<Node | null>): HTMLElement {
  return h(
    'main',
    { class: 'screen', 'data-screen': testId },
    h('style', {}, EXPORT_STYLE),
    h('h2', { id: 'screen-title' }, title),
    ...content,
  );
}

/** What exporting means, before any PIN: the user must tick that they understand. */
export function exportWarningScreen(options: {
  businessName: string;
  onCancel: () => void;
  onContinue: () => void;
}): HTMLElement {
  const understood = h('input', { type: 'checkbox', 'data-testid': 'export-understood' });
  const next = h(
    'button',
    { class: 'primary', type: 'button', onclick: options.onContinue, 'data-testid': 'approve' },
    'Continue with PIN',
  );
  next.disabled = true;
  understood.addEventListener('change', () => {
    next.disabled = !understood.checked;
  });
  return page(
    'export-warning',
    'Export your private keys',
    h(
      'p',
      {},
      h('strong', {}, options.businessName),
      ' asks to export the private keys of all your wallets. Read this first:',
    ),
    h(
      'div',
      { class: 'notice warn' },
      h(
        'ul',
        { class: 'export-points' },
        h(
          'li',
          {},
          h('strong', {}, 'Anyone who has these keys controls your funds. '),
          'Never share them, never type them into a website, and never send them by email or chat.',
        ),
        h(
          'li',
          {},
          'Tandem’s protection ends for these keys: today every signature needs your PIN and the relay together; an exported key signs alone, on whatever device holds it.',
        ),
        h(
          'li',
          {},
          'Do this only to move your wallets to another wallet app such as MetaMask, Phantom, UniSat or MyNearWallet.',
        ),
        h(
          'li',
          {},
          `Nothing leaves this device: the keys are rebuilt in this window and are not sent to ${options.businessName} or to the relay.`,
        ),
      ),
    ),
    h('label', { class: 'check' }, understood, ' I understand that anyone with these keys can take my funds'),
    h(
      'div',
      { class: 'actions' },
      h('button', { class: 'secondary', type: 'button', onclick: options.onCancel, 'data-testid': 'reject' }, 'Cancel'),
      next,
    ),
  );
}

const TARGET_WALLETS: Record<string, string> = {
  evm: 'Import into MetaMask or Trust Wallet as a private key',
  bitcoin: 'Import into UniSat as a private key (WIF)',
  taproot: 'Import into UniSat as a private key (WIF), address type Taproot',
  solana: 'Import into Phantom as a private key',
  near: 'Import into MyNearWallet as a private key',
};

function familyOf(row: ExportedKeys['rows'][number]): string {
  if (row.privateKey.startsWith('ed25519:')) return 'near';
  if (row.keyType === 'ed25519') return 'solana';
  if (row.privateKey.startsWith('0x')) return 'evm';
  return /^(bc1p|tb1p|bcrt1p)/.test(row.address) ? 'taproot' : 'bitcoin';
}

export interface ExportResultScreen {
  element: HTMLElement;
  /** Empties the screen, revokes the CSV's Blob URL and drops the keys this screen holds. */
  wipe(): void;
}

/** The rebuilt keys: download, per-key reveal, the recovery phrase behind a reveal button. */
export function exportResultScreen(options: {
  keys: ExportedKeys;
  onClose: () => void;
  now?: Date;
}): ExportResultScreen {
  let keys: ExportedKeys | undefined = options.keys;
  const csvUrl = URL.createObjectURL(new Blob([keys.csv], { type: 'text/csv' }));
  const day = (options.now ?? new Date()).toISOString().slice(0, 10);
  // The file is this page's Blob; the button (which takes the focus, not Close) clicks the link.
  const file = h('a', {
    href: csvUrl,
    download: `tandem-private-keys-${day}.csv`,
    'data-testid': 'export-file',
    hidden: true,
  });
  const download = h(
    'button',
    { class: 'primary', type: 'button', 'data-testid': 'export-download', onclick: () => file.click() },
    'Download the keys (CSV)',
  );
  download.style.cssText = 'display:block;width:100%;margin:12px 0;';

  const rows = h(
    'ul',
    { class: 'export-rows', 'data-testid': 'export-rows' },
    ...keys.rows.map((row, i) => {
      const family = familyOf(row);
      const key = h('div', { class: 'key', 'data-testid': `export-key-${i}`, hidden: true });
      const toggle = h(
        'button',
        {
          class: 'secondary',
          type: 'button',
          'data-testid': `export-show-${i}`,
          onclick: () => {
            if (key.hidden) {
              key.textContent = row.privateKey;
              key.hidden = false;
              toggle.textContent = 'Hide key';
            } else {
              key.textContent = '';
              key.hidden = true;
              toggle.textContent = 'Show key';
            }
          },
        },
        'Show key',
      );
      return h(
        'li',
        {},
        h(
          'div',
          { class: 'chain' },
          `${row.blockchain}${family === 'taproot' ? ' (Taproot)' : family === 'bitcoin' ? ' (SegWit)' : ''}`,
        ),
        h('div', { class: 'address' }, row.address),
        h('div', { class: 'target' }, TARGET_WALLETS[family] ?? ''),
        toggle,
        key,
      );
    }),
  );

  let mnemonicBlock: HTMLElement | null = null;
  if (keys.mnemonic) {
    const words = h('ol', { class: 'mnemonic-words', 'data-testid': 'mnemonic-words', hidden: true });
    const reveal = h(
      'button',
      {
        class: 'secondary',
        type: 'button',
        'data-testid': 'mnemonic-reveal',
        onclick: () => {
          if (words.hidden) {
            const phrase = keys?.mnemonic ?? '';
            words.replaceChildren(...phrase.split(' ').map((word, i) => h('li', {}, h('span', {}, `${i + 1}.`), word)));
            words.hidden = false;
            reveal.textContent = 'Hide the recovery phrase';
          } else {
            words.replaceChildren();
            words.hidden = true;
            reveal.textContent = 'Reveal the recovery phrase';
          }
        },
      },
      'Reveal the recovery phrase',
    );
    mnemonicBlock = h(
      'section',
      {},
      h('h3', { class: 'export-section' }, 'Recovery phrase for Solana and NEAR'),
      h(
        'p',
        { class: 'small' },
        'These words rebuild your Solana and NEAR keys in Phantom or MyNearWallet (“Import a recovery phrase”). Make sure nobody can see your screen.',
      ),
      h('div', { class: 'mnemonic' }, words, reveal),
    );
  }

  const missing =
    keys.missing.length > 0
      ? h(
          'div',
          { class: 'notice warn', 'data-testid': 'export-missing' },
          h('p', {}, 'Some keys could not be rebuilt on this device:'),
          ...keys.missing.map((m) => h('p', { class: 'detail' }, `${m.blockchain} ${m.address}: ${m.reason}`)),
        )
      : null;

  const element = page(
    'export-result',
    'Your private keys',
    h(
      'div',
      { class: 'notice warn' },
      h(
        'p',
        {},
        'Anyone with these keys controls your funds. Import them into your new wallet app, then delete the file.',
      ),
    ),
    download,
    file,
    h(
      'p',
      { class: 'muted small' },
      'The file has a row per wallet: address, private key, blockchain, derivation path and key type.',
    ),
    missing,
    h('h3', { class: 'export-section' }, keys.rows.length === 1 ? 'Your wallet' : `Your ${keys.rows.length} wallets`),
    rows,
    mnemonicBlock,
    h(
      'div',
      { class: 'actions' },
      h('button', { class: 'primary', type: 'button', onclick: options.onClose, 'data-testid': 'close' }, 'Close'),
    ),
  );

  return {
    element,
    wipe() {
      URL.revokeObjectURL(csvUrl);
      element.replaceChildren();
      if (keys) {
        keys.rows.length = 0;
        keys = undefined;
      }
    },
  };
}

/** The keys could not be handed to this window (closed too late, worker restarted). */
export function exportUnavailableScreen(message: string, onClose: () => void): HTMLElement {
  return page(
    'export-unavailable',
    'The keys are not here any more',
    h(
      'div',
      { class: 'notice warn' },
      h('p', {}, message),
      h('p', {}, 'Nothing was saved anywhere. To export again, start a new export from the site.'),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { class: 'primary', type: 'button', onclick: onClose, 'data-testid': 'close' }, 'Close'),
    ),
  );
}
