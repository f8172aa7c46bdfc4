import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { recordBoot } from '../background/boot-log.js';
import { type ErrorResponse, parseBackgroundRequest, type StatusResponse } from '../background/messages.js';

export default defineBackground(() => {
  const booted = recordBoot(browser.storage.session, Date.now);

  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    // Only our own extension pages may talk to the background.
    if (sender.id !== browser.runtime.id) return false;
    let request: ReturnType<typeof parseBackgroundRequest>;
    try {
      request = parseBackgroundRequest(message);
    } catch (error) {
      sendResponse({ ok: false, error: (error as Error).message } satisfies ErrorResponse);
      return false;
    }
    if (request.type === 'status') {
      void booted.then((log) =>
        sendResponse({
          ok: true,
          version: browser.runtime.getManifest().version,
          bootCount: log.length,
        } satisfies StatusResponse),
      );
      return true;
    }
    return false;
  });
});
