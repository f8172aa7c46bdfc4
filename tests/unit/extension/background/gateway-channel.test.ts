import { describe, expect, it } from 'vitest';
import {
  createGatewayChannel,
  GATEWAY_PORT_NAME,
  type PortLike,
} from '../../../../extension/background/gateway-channel.js';

const EXT = 'ekbkjpbnbeckoidcedncpjdbchagnhef';
const APPROVAL = '11111111-1111-4111-8111-111111111111';
const PAGE = { id: EXT, url: `chrome-extension://${EXT}/gateway.html#${APPROVAL}` };

/** A port with Chrome's event shapes; `send` plays the page, `posted` records what the background sent. */
function port(sender = PAGE, name = GATEWAY_PORT_NAME) {
  const messageListeners: Array<(m: unknown) => void> = [];
  const disconnectListeners: Array<() => void> = [];
  const state = { posted: [] as unknown[], disconnected: false };
  const p: PortLike = {
    name,
    sender,
    postMessage: (m) => state.posted.push(m),
    disconnect: () => {
      state.disconnected = true;
    },
    onMessage: { addListener: (l) => messageListeners.push(l) },
    onDisconnect: { addListener: (l) => disconnectListeners.push(l) },
  };
  return {
    p,
    state,
    send: (m: unknown) => messageListeners.forEach((l) => void l(m)),
    close: () => disconnectListeners.forEach((l) => void l()),
  };
}

describe('Gateway progress channel', () => {
  it('delivers progress for the watched approval only', async () => {
    const channel = createGatewayChannel({ extensionId: EXT });
    const a = port();
    channel.handleConnect(a.p);
    a.send({ type: 'watch', approvalId: APPROVAL });
    channel.publish(APPROVAL, { type: 'progress', step: 1, round: 3 });
    channel.publish('22222222-2222-4222-8222-222222222222', { type: 'progress', step: 0 });
    expect(a.state.posted).toEqual([{ type: 'progress', step: 1, round: 3, approvalId: APPROVAL }]);
  });

  it('forgets a port when the page goes away', () => {
    const channel = createGatewayChannel({ extensionId: EXT });
    const a = port();
    channel.handleConnect(a.p);
    a.send({ type: 'watch', approvalId: APPROVAL });
    expect(channel.watchers(APPROVAL)).toBe(1);
    a.close();
    expect(channel.watchers(APPROVAL)).toBe(0);
  });

  it('disconnects a port from a web page (content script)', () => {
    const channel = createGatewayChannel({ extensionId: EXT });
    const a = port({ id: EXT, url: 'https://evil.example/', tab: { id: 1 } } as any);
    channel.handleConnect(a.p);
    expect(a.state.disconnected).toBe(true);
  });

  it('disconnects a port from another extension', () => {
    const channel = createGatewayChannel({ extensionId: EXT });
    const a = port({ ...PAGE, id: 'other' });
    channel.handleConnect(a.p);
    expect(a.state.disconnected).toBe(true);
  });

  it('disconnects on a malformed watch message or a second watch', () => {
    const channel = createGatewayChannel({ extensionId: EXT });
    const bad = port();
    channel.handleConnect(bad.p);
    bad.send({ type: 'watch', approvalId: 'x' });
    expect(bad.state.disconnected).toBe(true);
    const extra = port();
    channel.handleConnect(extra.p);
    extra.send({ type: 'watch', approvalId: APPROVAL, more: 1 });
    expect(extra.state.disconnected).toBe(true);
    const twice = port();
    channel.handleConnect(twice.p);
    twice.send({ type: 'watch', approvalId: APPROVAL });
    twice.send({ type: 'watch', approvalId: APPROVAL });
    expect(twice.state.disconnected).toBe(true);
  });

  it('leaves ports of other names alone', () => {
    const channel = createGatewayChannel({ extensionId: EXT });
    const other = port(PAGE, 'something-else');
    channel.handleConnect(other.p);
    other.send({ type: 'watch', approvalId: APPROVAL });
    expect(channel.watchers(APPROVAL)).toBe(0);
    expect(other.state.disconnected).toBe(false);
  });
});
