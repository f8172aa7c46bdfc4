/**
 * Chrome adapters for the approval queue: the Gateway popup window and the toolbar badge.
 * Thin on purpose — the queue's logic is tested against fakes of these two interfaces.
 */
import type { Badge, GatewayWindows } from './approvals.js';

/** The subset of `chrome.windows` / `chrome.tabs` / `chrome.action` used here. */
export interface ChromeWindowApis {
  windows: {
    create(data: {
      url: string;
      type: 'popup';
      width: number;
      height: number;
      focused: boolean;
    }): Promise<{ id?: number } | undefined>;
    update(windowId: number, info: { focused: boolean }): Promise<unknown>;
    remove(windowId: number): Promise<void>;
  };
  tabs: {
    query(info: { windowId: number }): Promise<Array<{ id?: number }>>;
    update(tabId: number, properties: { url: string }): Promise<unknown>;
  };
  action: {
    setBadgeText(details: { text: string }): Promise<void>;
    setBadgeBackgroundColor(details: { color: string }): Promise<void>;
  };
}

/** Sized for the PIN pad and an approval list without scrolling on a laptop screen. */
export const GATEWAY_WINDOW_SIZE = { width: 420, height: 640 } as const;

export function createChromeGatewayWindows(apis: ChromeWindowApis): GatewayWindows {
  return {
    async open(url) {
      const created = await apis.windows.create({ url, type: 'popup', focused: true, ...GATEWAY_WINDOW_SIZE });
      if (created?.id === undefined) throw new Error('Chrome created the Gateway window without an id');
      return created.id;
    },
    async navigate(windowId, url) {
      const [tab] = await apis.tabs.query({ windowId });
      if (tab?.id === undefined) throw new Error(`the Gateway window ${windowId} has no tab`);
      await apis.tabs.update(tab.id, { url });
    },
    async focus(windowId) {
      try {
        await apis.windows.update(windowId, { focused: true });
        return true;
      } catch {
        return false; // "No window with id": it was closed while nobody listened
      }
    },
    async close(windowId) {
      await apis.windows.remove(windowId);
    },
  };
}

export function createChromeBadge(apis: Pick<ChromeWindowApis, 'action'>): Badge {
  return {
    async setCount(count) {
      await apis.action.setBadgeBackgroundColor({ color: '#2952cc' });
      await apis.action.setBadgeText({ text: count > 0 ? String(count) : '' });
    },
  };
}
