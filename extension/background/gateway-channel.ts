/**
 * Progress from the background to the Gateway window while a flow runs (PIN guard, MPC rounds): the
 * Gateway page opens a `runtime.connect({ name: 'tandem.gateway' })` port and says which approval it
 * shows; `publish` sends that approval's events to it. Only our extension pages may connect, and a port
 * watches exactly one approval, named by id.
 */
import { GATEWAY_PORT_NAME, type GatewayEvent } from './gateway-events.js';
import { isUuid } from './ids.js';
import { MessageRefusedError, type MessageSenderInfo, senderContext } from './messages.js';

export { GATEWAY_PORT_NAME, type GatewayEvent } from './gateway-events.js';

/** The part of `chrome.runtime.Port` used here. */
export interface PortLike {
  name: string;
  sender?: MessageSenderInfo;
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

export interface GatewayChannel {
  /** Call from `runtime.onConnect`. */
  handleConnect(port: PortLike): void;
  publish(approvalId: string, event: GatewayEvent): void;
  /** Ports currently watching `approvalId` (for tests and diagnostics). */
  watchers(approvalId: string): number;
}

export function parseWatchMessage(value: unknown): { type: 'watch'; approvalId: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MessageRefusedError('not-an-object', 'expected a watch message');
  }
  const keys = Object.keys(value);
  const { type, approvalId } = value as Record<string, unknown>;
  if (type !== 'watch') throw new MessageRefusedError('unknown-type', 'the first port message must be watch', 'type');
  if (keys.length !== 2 || !keys.includes('approvalId')) {
    throw new MessageRefusedError('invalid-fields', 'watch takes exactly { type, approvalId }', 'message');
  }
  if (!isUuid(approvalId)) throw new MessageRefusedError('invalid-fields', 'expected a lowercase UUID', 'approvalId');
  return { type, approvalId };
}

export function createGatewayChannel(deps: { extensionId: string }): GatewayChannel {
  const byApproval = new Map<string, Set<PortLike>>();

  return {
    handleConnect(port) {
      if (port.name !== GATEWAY_PORT_NAME) return; // another channel's port
      try {
        if (senderContext(port.sender ?? {}, deps.extensionId) !== 'extension-page') throw new Error('not a page');
      } catch {
        port.disconnect();
        return;
      }
      let watching: string | undefined;
      port.onMessage.addListener((message) => {
        if (watching) return port.disconnect(); // one approval per port
        try {
          watching = parseWatchMessage(message).approvalId;
        } catch {
          return port.disconnect();
        }
        const set = byApproval.get(watching) ?? new Set<PortLike>();
        set.add(port);
        byApproval.set(watching, set);
      });
      port.onDisconnect.addListener(() => {
        if (!watching) return;
        const set = byApproval.get(watching);
        set?.delete(port);
        if (set?.size === 0) byApproval.delete(watching);
      });
    },
    publish(approvalId, event) {
      for (const port of byApproval.get(approvalId) ?? []) {
        try {
          port.postMessage({ ...event, approvalId });
        } catch {
          // The page went away between the check and the post; its onDisconnect cleans up.
        }
      }
    },
    watchers: (approvalId) => byApproval.get(approvalId)?.size ?? 0,
  };
}
