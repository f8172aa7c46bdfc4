/**
 * Content script on the relay's Gateway page: reads the challenge id from the page's meta tag and asks
 * the background to open the Gateway window for it, then tells the user to continue there.
 *
 * `matches`: loopback relays on any port (the default relay is http://127.0.0.1:8787; Chrome's match
 * patterns without a port match every port) and any https host, each only under `/gateway/`. The relay
 * URL is a user setting, so the set of hosts cannot be fixed at build time; instead the background
 * accepts the request only when the page's origin is the configured relay (controller.ts). Plain http
 * is matched on loopback only, the same rule the relay-URL setting enforces.
 */
import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { showGatewayNotice } from '../content/gateway-notice.js';
import { GATEWAY_META_NAME, GATEWAY_STATE_META_NAME, readGatewayPage } from '../content/gateway-page.js';

export default defineContentScript({
  matches: ['http://127.0.0.1/gateway/*', 'http://localhost/gateway/*', 'https://*/gateway/*'],
  runAt: 'document_end',
  allFrames: false,
  main() {
    const meta = document.querySelector(`meta[name="${GATEWAY_META_NAME}"]`);
    const state = document.querySelector(`meta[name="${GATEWAY_STATE_META_NAME}"]`);
    const reading = readGatewayPage(location.pathname, meta?.getAttribute('content'), state?.getAttribute('content'));
    if (!reading.ok) return;
    const open = async () => {
      try {
        const answer = await browser.runtime.sendMessage({ type: 'gateway.open', challengeId: reading.challengeId });
        if (answer?.ok) showGatewayNotice(document, { state: 'opened', reopen: open });
        else showGatewayNotice(document, { state: 'refused', detail: answer?.error?.message ?? '' });
      } catch {
        showGatewayNotice(document, { state: 'unavailable' });
      }
    };
    void open();
  },
});
