/**
 * What the relay's Gateway page shows once the extension has seen it. The relay page may provide an
 * element with `data-tandem-gateway-status` (its text is replaced); otherwise a small banner is added
 * in a shadow root so the page's styles cannot reach it. `<html data-tandem-gateway="…">` is set in
 * both cases, so the relay page can hide its "install the extension" hint with CSS.
 */
export type GatewayNotice =
  | { state: 'opened'; reopen: () => void }
  | { state: 'refused'; detail: string }
  | { state: 'unavailable' };

const TEXT: Record<GatewayNotice['state'], { title: string; body: string }> = {
  opened: {
    title: 'Continue in the Tandem window',
    body: 'Check the request there and enter your PIN. You will come back here when it is done.',
  },
  refused: {
    title: 'Tandem cannot open this request',
    body: 'If this is your relay, open the Tandem toolbar button → Settings and enter its address, then reload this page.',
  },
  unavailable: {
    title: 'Tandem is not responding',
    body: 'Reload this page. If it keeps happening, restart the browser.',
  },
};

const STYLE = `
  :host { all: initial; }
  .box { position: fixed; top: 16px; left: 50%; transform: translateX(-50%); z-index: 2147483647;
    max-width: 440px; width: calc(100% - 32px); background: #fff; color: #14213d; border: 1px solid #dde3ee;
    border-left: 4px solid #2952cc; border-radius: 10px; padding: 14px 16px; box-shadow: 0 6px 24px rgba(20,33,61,.15);
    font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
  .box.warn { border-left-color: #b42318; }
  strong { display: block; font-size: 15px; margin-bottom: 4px; }
  p { margin: 0; color: #5c6784; }
  button { margin-top: 10px; font: inherit; background: #2952cc; color: #fff; border: 0; border-radius: 8px;
    padding: 7px 14px; cursor: pointer; }
  button:focus-visible { outline: 3px solid #9db4f5; outline-offset: 2px; }
`;

export function showGatewayNotice(doc: Document, notice: GatewayNotice): void {
  doc.documentElement.dataset.tandemGateway = notice.state;
  const { title, body } = TEXT[notice.state];
  // The background's refusal names both origins; it comes first, then what to do.
  const detail = notice.state === 'refused' && notice.detail ? `${notice.detail} ` : '';
  const slot = doc.querySelector<HTMLElement>('[data-tandem-gateway-status]');
  if (slot) {
    slot.textContent = `${title}. ${detail}${body}`;
    return;
  }
  let host = doc.getElementById('tandem-gateway-notice');
  if (!host) {
    host = doc.createElement('div');
    host.id = 'tandem-gateway-notice';
    doc.body.append(host);
    host.attachShadow({ mode: 'open' });
  }
  const root = host.shadowRoot as ShadowRoot;
  root.replaceChildren();
  const style = doc.createElement('style');
  style.textContent = STYLE;
  const box = doc.createElement('div');
  box.className = notice.state === 'opened' ? 'box' : 'box warn';
  box.setAttribute('role', 'status');
  const strong = doc.createElement('strong');
  strong.textContent = title;
  const p = doc.createElement('p');
  p.textContent = detail + body;
  box.append(strong, p);
  if (notice.state === 'opened') {
    const button = doc.createElement('button');
    button.type = 'button';
    button.textContent = 'Show the Tandem window';
    button.addEventListener('click', notice.reopen);
    box.append(button);
  }
  root.append(style, box);
}
