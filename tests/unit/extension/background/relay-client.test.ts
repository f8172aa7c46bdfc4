import { webcrypto } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket as ServerSocket, WebSocket, WebSocketServer } from 'ws';
import { createDeviceKey, type DeviceKey } from '../../../../extension/background/device-key.js';
import {
  connectRelay,
  connectRelayWithRetry,
  type RelayClientDependencies,
  RelayConnectionError,
  relaySocketUrl,
  type SocketLike,
} from '../../../../extension/background/relay-client.js';
import { fromHex, toHex } from '../../../../protocol/bytes.js';
import {
  type ControlMessage,
  controlEnvelope,
  encodeFrame,
  handshakeTranscript,
  parseControlEnvelope,
  parseDevicePublicKey,
  parseFrame,
  verifyDeviceSignature,
} from '../../../../protocol/wire/index.js';

const CUSTOMER = 'cus_1';
const CHALLENGE = '11111111-1111-4111-8111-111111111111';
const NONCE = 'ab'.repeat(32);

function deviceKey(): DeviceKey {
  let pair: CryptoKeyPair | undefined;
  return createDeviceKey({
    store: {
      get: async () => pair,
      add: async (p) => {
        if (pair) return false;
        pair = p;
        return true;
      },
    },
    subtle: webcrypto.subtle as unknown as SubtleCrypto,
  });
}

type Behaviour = (socket: ServerSocket, send: (m: ControlMessage) => void, origin: string) => void;

/** A stand-in for Node 2's /v2/mpc speaking protocol/wire, with a scripted behaviour per test. */
async function relay(
  behaviour: Behaviour,
): Promise<{ origin: string; received: ControlMessage[]; stop(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/v2/mpc' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const origin = `http://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  const received: ControlMessage[] = [];
  wss.on('connection', (socket) => {
    const send = (m: ControlMessage) => socket.send(encodeFrame(controlEnvelope('server', m)));
    socket.on('message', (data) => {
      const envelope = parseFrame(data.toString(), { from: 'client' });
      if (envelope.protocol === 'control') received.push(parseControlEnvelope(envelope));
      socket.emit('parsed', envelope);
    });
    behaviour(socket, send, origin);
  });
  return {
    origin,
    received,
    stop: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}

function hello(origin: string, idleTimeoutMs = 60_000): ControlMessage {
  return {
    type: 'hello',
    protocolVersion: 1,
    nonce: NONCE,
    origin,
    nonceTtlMs: 30_000,
    maxFrameBytes: 262_144,
    keepAliveMs: 20_000,
    idleTimeoutMs,
  };
}

/** The honest relay: hello, then checks the registration signature and acks. */
const honest: Behaviour = (socket, send, origin) => {
  send(hello(origin));
  socket.on('parsed', (envelope: any) => {
    const m = envelope.payload as ControlMessage;
    if (m.type !== 'handshake' || m.mode !== 'register') return;
    const transcript = handshakeTranscript({
      mode: 'register',
      nonce: NONCE,
      origin,
      deviceId: m.deviceId,
      customerId: m.customerId,
      challengeId: m.challengeId!,
      publicKey: m.publicKey!,
    });
    const ok = verifyDeviceSignature(parseDevicePublicKey(m.publicKey!), transcript, fromHex(m.signature));
    if (!ok) send({ type: 'error', code: 'handshake-bad-signature', message: 'bad signature', fatal: true });
    else send({ type: 'ack', deviceId: m.deviceId, customerId: m.customerId, registered: true });
  });
};

const servers: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

function deps(origin: string, key = deviceKey()): RelayClientDependencies {
  return {
    relayOrigin: origin,
    openSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    deviceKey: key,
    handshakeTimeoutMs: 2_000,
  };
}

async function failure(promise: Promise<unknown>): Promise<RelayConnectionError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RelayConnectionError) return error;
    throw error;
  }
  throw new Error('expected a RelayConnectionError');
}

describe('relay client', () => {
  it('maps the relay origin to its WebSocket URL', () => {
    expect(relaySocketUrl('http://127.0.0.1:8787')).toBe('ws://127.0.0.1:8787/v2/mpc');
    expect(relaySocketUrl('https://relay.example')).toBe('wss://relay.example/v2/mpc');
  });

  it('registers the device: the relay verifies the device-signed transcript and acks', async () => {
    const server = await relay(honest);
    servers.push(server);
    const key = deviceKey();
    const connection = await connectRelay(deps(server.origin, key), {
      mode: 'register',
      customerId: CUSTOMER,
      challengeId: CHALLENGE,
    });
    expect(connection.registered).toBe(true);
    expect(connection.deviceId).toBe(await key.deviceId());
    const handshake = server.received.find((m) => m.type === 'handshake');
    expect(handshake).toMatchObject({ mode: 'register', publicKey: toHex(await key.publicKeyRaw()) });
    connection.close();
  });

  it('answers the relay’s keep-alive ping with a pong and passes other envelopes on', async () => {
    let serverSocket: ServerSocket | undefined;
    const server = await relay((socket, send, origin) => {
      serverSocket = socket;
      honest(socket, send, origin);
    });
    servers.push(server);
    const connection = await connectRelay(deps(server.origin), {
      mode: 'register',
      customerId: CUSTOMER,
      challengeId: CHALLENGE,
    });
    const seen: string[] = [];
    connection.onEnvelope((e) => seen.push((e.payload as { type: string }).type));
    serverSocket!.send(encodeFrame(controlEnvelope('server', { type: 'ping', at: 42 })));
    serverSocket!.send(
      encodeFrame(controlEnvelope('server', { type: 'session.abort', ceremonyId: 'c1', code: 'x', reason: 'r' })),
    );
    await expect.poll(() => server.received.some((m) => m.type === 'pong' && m.at === 42)).toBe(true);
    await expect.poll(() => seen).toEqual(['session.abort']);
    connection.close();
  });

  it('refuses a hello that names another origin, without signing anything', async () => {
    const server = await relay((_socket, send) => send(hello('https://evil.example')));
    servers.push(server);
    const error = await failure(connectRelay(deps(server.origin), { mode: 'authenticate', customerId: CUSTOMER }));
    expect(error).toMatchObject({ code: 'wrong-origin', retryable: false });
    expect(server.received.filter((m) => m.type === 'handshake')).toEqual([]);
  });

  it('fails with the relay’s code on a fatal error, not retryable for a refused device', async () => {
    const server = await relay((socket, send, origin) => {
      send(hello(origin));
      socket.on('parsed', () =>
        send({ type: 'error', code: 'device-unknown', message: 'no such device', fatal: true }),
      );
    });
    servers.push(server);
    const error = await failure(connectRelay(deps(server.origin), { mode: 'authenticate', customerId: CUSTOMER }));
    expect(error).toMatchObject({ code: 'device-unknown', retryable: false });
  });

  it('fails on a malformed frame (bad-frame)', async () => {
    const server = await relay((socket) => socket.send('{"v":1,"protocol":"control"}'));
    servers.push(server);
    const error = await failure(connectRelay(deps(server.origin), { mode: 'authenticate', customerId: CUSTOMER }));
    expect(error.code).toBe('bad-frame');
  });

  it('fails on a ceremony frame before the ack (bad-frame)', async () => {
    const server = await relay((socket, send, origin) => {
      send(hello(origin));
      socket.send(
        encodeFrame({
          v: 1,
          protocol: 'ecdsa2p/sign',
          sessionId: 'cd'.repeat(32),
          round: 1,
          from: 'server',
          payload: {},
        }),
      );
    });
    servers.push(server);
    const error = await failure(connectRelay(deps(server.origin), { mode: 'authenticate', customerId: CUSTOMER }));
    expect(error.code).toBe('bad-frame');
  });

  it('reports an unreachable relay as retryable', async () => {
    const error = await failure(
      connectRelay(deps('http://127.0.0.1:1'), { mode: 'authenticate', customerId: CUSTOMER }),
    );
    expect(error).toMatchObject({ code: 'unreachable', retryable: true });
  });

  it('closes an idle connection (no frame for idleTimeoutMs)', async () => {
    const server = await relay((socket, send, origin) => {
      send(hello(origin, 150));
      socket.on('parsed', (envelope: any) => {
        const m = envelope.payload as ControlMessage;
        if (m.type === 'handshake')
          send({ type: 'ack', deviceId: m.deviceId, customerId: m.customerId, registered: true });
      });
    });
    servers.push(server);
    const connection = await connectRelay(deps(server.origin), {
      mode: 'register',
      customerId: CUSTOMER,
      challengeId: CHALLENGE,
    });
    const closed = new Promise<RelayConnectionError>((r) => connection.onClose(r));
    expect((await closed).code).toBe('idle');
  });

  it('retries a dropped first attempt with backoff, and does not retry a refusal', async () => {
    let attempts = 0;
    const server = await relay((socket, send, origin) => {
      attempts += 1;
      if (attempts === 1) socket.terminate();
      else honest(socket, send, origin);
    });
    servers.push(server);
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
    };
    const connection = await connectRelayWithRetry(
      deps(server.origin),
      { mode: 'register', customerId: CUSTOMER, challengeId: CHALLENGE },
      { sleep },
    );
    expect(attempts).toBe(2);
    expect(sleeps).toEqual([500]);
    connection.close();

    const refusing = await relay((_s, send) => send(hello('https://evil.example')));
    servers.push(refusing);
    await failure(
      connectRelayWithRetry(deps(refusing.origin), { mode: 'authenticate', customerId: CUSTOMER }, { sleep }),
    );
    expect(sleeps).toEqual([500]);
  });
});
