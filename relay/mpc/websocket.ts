/**
 * Serves /v2/mpc: a `ws` WebSocketServer in noServer mode on the HTTP server's `upgrade` event (the
 * hono node adapter does not handle upgrades itself). `maxPayload` makes `ws` drop absurd frames
 * (close 1009) before buffering them; frames over the wire limit but under that ceiling reach the
 * connection, which answers `frame-too-large` and closes with 1009 too.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { createMpcConnection, DEFAULT_MPC_LIMITS, type MpcConnection, type MpcDependencies } from './connection.js';
import { CLOSE } from './errors.js';

export const MPC_PATH = '/v2/mpc';

/** Slack above the wire limit within which an oversize frame still gets a typed error before the close. */
const TRANSPORT_SLACK_BYTES = 16 * 1024;

export interface MpcEndpoint {
  /** Open connections right now. */
  readonly connections: number;
  /** Closes every connection (1001) and stops accepting upgrades. */
  close(): Promise<void>;
}

export function attachMpcEndpoint(server: Server, deps: MpcDependencies): MpcEndpoint {
  const maxFrameBytes = deps.limits?.maxFrameBytes ?? DEFAULT_MPC_LIMITS.maxFrameBytes;
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes + TRANSPORT_SLACK_BYTES });
  const live = new Map<WebSocket, MpcConnection>();
  let closing = false;

  const limits = { ...DEFAULT_MPC_LIMITS, ...deps.limits };
  const refuseUpgrade = (socket: Duplex, status: string) =>
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  /** Connections per IP still waiting for their handshake: unauthenticated sockets are cheap to open. */
  const pendingPerIp = (ip: string | undefined) => {
    let n = 0;
    for (const [ws, c] of live) if (c.state === 'await-handshake' && remote.get(ws) === ip) n++;
    return n;
  };
  const remote = new WeakMap<WebSocket, string | undefined>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== MPC_PATH) return refuseUpgrade(socket, '404 Not Found');
    if (closing || live.size >= limits.maxConnections) return refuseUpgrade(socket, '503 Service Unavailable');
    if (pendingPerIp(req.socket.remoteAddress) >= limits.maxPendingHandshakesPerIp) {
      return refuseUpgrade(socket, '429 Too Many Requests');
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, req));
  };
  server.on('upgrade', onUpgrade);

  function accept(ws: WebSocket, req: IncomingMessage) {
    const connection = createMpcConnection(deps, {
      send: (text) => {
        if (ws.readyState === ws.OPEN) ws.send(text);
      },
      close: (code, reason) => {
        if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
      },
      remoteAddress: req.socket.remoteAddress,
      requestOrigin: `http://${req.headers.host ?? 'localhost'}`,
    });
    live.set(ws, connection);
    remote.set(ws, req.socket.remoteAddress);
    ws.on('message', (data) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      // Text frames too are handed over as their UTF-8 bytes (ws has already refused invalid UTF-8 with
      // 1007): parseFrame then knows the size without counting a 100 KB string char by char.
      connection.receive(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
    });
    ws.on('close', () => {
      live.delete(ws);
      connection.closed();
    });
    ws.on('error', () => {
      // ws closes the socket itself (e.g. 1009 on maxPayload, 1007 on bad UTF-8); 'close' follows.
    });
  }

  return {
    get connections() {
      return live.size;
    },
    async close() {
      closing = true;
      server.off('upgrade', onUpgrade);
      const pending = [...live.entries()];
      for (const [ws] of pending) ws.close(CLOSE.goingAway, 'relay shutting down');
      await Promise.all(
        pending.map(
          ([ws, connection]) =>
            new Promise<void>((resolve) => {
              const done = () =>
                connection.idle().then(
                  () => resolve(),
                  () => resolve(),
                );
              if (ws.readyState === ws.CLOSED) return done();
              const timer = setTimeout(() => {
                ws.terminate();
              }, 2000);
              ws.once('close', () => {
                clearTimeout(timer);
                done();
              });
            }),
        ),
      );
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
