import { browser } from 'wxt/browser';
import type { ErrorResponse, StatusResponse } from '../../background/messages.js';

const status = document.getElementById('status') as HTMLElement;
browser.runtime
  .sendMessage({ type: 'status' })
  .then((response: StatusResponse | ErrorResponse) => {
    if (response.ok) {
      status.textContent = `Wallet service running (version ${response.version}).`;
      status.className = 'status ok';
    } else {
      status.textContent = `The wallet service refused the request: ${response.error}`;
      status.className = 'status error';
    }
  })
  .catch(() => {
    status.textContent = 'The wallet service is not responding. Reload the extension from chrome://extensions.';
    status.className = 'status error';
  });
