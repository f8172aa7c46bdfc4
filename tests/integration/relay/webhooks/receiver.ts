/**
 * Local webhook receivers for the destination-guard tests: an HTTP one that records requests and answers
 * per path, and a TLS one that records the server name (SNI) each client asked for.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { TLS_EXAMPLE_CERT, TLS_EXAMPLE_KEY } from './tls-fixture.js';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  path: string;
}

export class Receiver {
  readonly received: Received[] = [];
  /** path → [status, extra headers] */
  answers: Record<string, [number, Record<string, string>]> = {};
  private server: Server | undefined;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        const path = req.url ?? '';
        this.received.push({ headers: req.headers, body, path });
        const [status, headers] = this.answers[path] ?? [200, {}];
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end('{"received":true}');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  for(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** A TLS listener on 127.0.0.1 with a certificate nobody trusts; it records the SNI of each handshake. */
export class TlsReceiver {
  readonly serverNames: string[] = [];
  private server: TlsServer | undefined;
  port = 0;

  async start(): Promise<this> {
    this.server = createTlsServer({
      cert: TLS_EXAMPLE_CERT,
      key: TLS_EXAMPLE_KEY,
      SNICallback: (name, callback) => {
        this.serverNames.push(name);
        callback(null, undefined);
      },
    });
    this.server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop() {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

export async function waitFor<T>(
  what: string,
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
