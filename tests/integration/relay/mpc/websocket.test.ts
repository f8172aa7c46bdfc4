/**
 * /v2/mpc transport: hello, device registration and handshake with each refusal, framing limits,
 * keep-alive and idle timeout — over a real WebSocket to a real relay.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { toHex } from '../../../../protocol/bytes.js';
import { CONTROL_SESSION_ID } from '../../../../protocol/wire/envelope.js';
import { revokeDevice } from '../../../../relay/mpc/devices.js';
import {
  connectNode1,
  createDevice,
  createTestChallenge,
  createTestCustomer,
  type MpcTestRelay,
  Node1Client,
  startMpcTestRelay,
} from '../../../helpers/node1.js';

const MAX_FRAME = 8 * 1024;
let relay: MpcTestRelay;
let customerId: string;
let otherCustomerId: string;
const device = createDevice();

beforeAll(async () => {
  relay = await startMpcTestRelay({
    mpcLimits: { maxFrameBytes: MAX_FRAME, keepAliveMs: 100, idleTimeoutMs: 400, nonceTtlMs: 300 },
  });
  customerId = await createTestCustomer(relay);
  otherCustomerId = await createTestCustomer(relay);
  const init = await createTestChallenge(relay, customerId, 'initialize');
  const client = await connectNode1(relay.wsUrl, device, customerId, { challengeId: init });
  await client.close();
});
afterAll(async () => {
  await relay?.stop();
});

async function lastAudit(action: string): Promise<any> {
  const r = await relay.db.query<{ details: any; actor: string; customer_id: string | null }>(
    'SELECT details, actor, customer_id FROM audit_log WHERE action = $1 ORDER BY id DESC LIMIT 1',
    [action],
  );
  return r.rows[0];
}

async function expectRefusal(answer: any, client: Node1Client, code: string) {
  expect(answer).toMatchObject({ type: 'error', code, fatal: true });
  expect((await client.closed).code).toBe(4401);
  const entry = await lastAudit('mpc.handshake.refused');
  expect(entry.details.refusal).toBe(code);
}

describe('hello', () => {
  it('greets with a fresh nonce, the origin and the limits', async () => {
    const a = await Node1Client.connect(relay.wsUrl);
    const b = await Node1Client.connect(relay.wsUrl);
    expect(a.hello).toMatchObject({ type: 'hello', protocolVersion: 1, origin: relay.url, maxFrameBytes: MAX_FRAME });
    expect(a.hello.nonce).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hello.nonce).not.toBe(b.hello.nonce);
    expect(a.hello.keepAliveMs).toBeLessThan(30_000);
    await Promise.all([a.close(), b.close()]);
  });
});

describe('registration and handshake', () => {
  it('registers a device under an initialize challenge, then authenticates it on a new connection', async () => {
    const fresh = createDevice();
    const cust = await createTestCustomer(relay);
    const init = await createTestChallenge(relay, cust, 'initialize');
    const first = await Node1Client.connect(relay.wsUrl);
    expect(await first.handshake(fresh, cust, { register: { challengeId: init } })).toEqual({
      type: 'ack',
      deviceId: fresh.deviceId,
      customerId: cust,
      registered: true,
    });
    await first.close();
    const second = await Node1Client.connect(relay.wsUrl);
    expect(await second.handshake(fresh, cust)).toMatchObject({ type: 'ack', registered: false });
    await second.close();
    expect((await lastAudit('mpc.device.registered')).details.deviceId).toBe(fresh.deviceId);
    expect((await lastAudit('mpc.device.authenticated')).actor).toBe(`device:${fresh.deviceId}`);
  });

  it('accepts the SPKI encoding of the device key', async () => {
    const fresh = createDevice();
    const cust = await createTestCustomer(relay);
    const init = await createTestChallenge(relay, cust, 'initialize');
    const client = await Node1Client.connect(relay.wsUrl);
    const spki = `3059301306072a8648ce3d020106082a8648ce3d030107034200${toHex(fresh.publicKey)}`;
    const { handshakeTranscript, signDeviceTranscript } = await import('../../../../protocol/wire/handshake.js');
    const transcript = handshakeTranscript({
      mode: 'register',
      nonce: client.hello.nonce,
      origin: client.hello.origin,
      deviceId: fresh.deviceId,
      customerId: cust,
      challengeId: init,
      publicKey: toHex(fresh.publicKey),
    });
    client.sendControl({
      type: 'handshake',
      mode: 'register',
      deviceId: fresh.deviceId,
      customerId: cust,
      challengeId: init,
      publicKey: spki,
      signature: toHex(signDeviceTranscript(fresh.secretKey, transcript)),
    });
    expect(await client.nextControl(['ack', 'error'])).toMatchObject({ type: 'ack', registered: true });
    await client.close();
  });

  it('refuses an unknown device', async () => {
    const client = await Node1Client.connect(relay.wsUrl);
    await expectRefusal(await client.handshake(createDevice(), customerId), client, 'unknown-device');
  });

  it('refuses a signature by another key', async () => {
    const client = await Node1Client.connect(relay.wsUrl);
    await expectRefusal(await client.handshake(device, customerId, { sign: createDevice() }), client, 'bad-signature');
  });

  it('refuses a handshake replayed from another connection (its nonce)', async () => {
    const old = await Node1Client.connect(relay.wsUrl);
    const oldNonce = old.hello.nonce;
    await old.close();
    const client = await Node1Client.connect(relay.wsUrl);
    await expectRefusal(await client.handshake(device, customerId, { nonce: oldNonce }), client, 'bad-signature');
  });

  it('refuses a signature bound to another relay origin', async () => {
    const client = await Node1Client.connect(relay.wsUrl);
    await expectRefusal(
      await client.handshake(device, customerId, { origin: 'https://evil.example' }),
      client,
      'bad-signature',
    );
  });

  it('refuses a second handshake on the same connection (nonce used)', async () => {
    const client = await connectNode1(relay.wsUrl, device, customerId);
    const answer = await client.handshake(device, customerId);
    expect(answer).toMatchObject({ type: 'error', code: 'nonce-used', fatal: true });
    expect((await client.closed).code).toBe(1008);
  });

  it('refuses an expired nonce', async () => {
    const client = await Node1Client.connect(relay.wsUrl);
    await new Promise((r) => setTimeout(r, 450));
    await expectRefusal(await client.handshake(device, customerId), client, 'nonce-expired');
  });

  it('closes a connection that never shakes hands', async () => {
    const client = await Node1Client.connect(relay.wsUrl);
    const answer = await client.nextControl('error', 5000);
    expect(answer.code).toBe('handshake-timeout');
    expect((await client.closed).code).toBe(4408);
  });

  it('refuses a device presented for another customer', async () => {
    const client = await Node1Client.connect(relay.wsUrl);
    await expectRefusal(await client.handshake(device, otherCustomerId), client, 'customer-mismatch');
  });

  it('refuses a revoked device', async () => {
    const revoked = createDevice();
    const cust = await createTestCustomer(relay);
    const init = await createTestChallenge(relay, cust, 'initialize');
    await (await connectNode1(relay.wsUrl, revoked, cust, { challengeId: init })).close();
    expect(await revokeDevice(relay.db, revoked.deviceId, 'lost')).toBe(true);
    const client = await Node1Client.connect(relay.wsUrl);
    await expectRefusal(await client.handshake(revoked, cust), client, 'device-revoked');
  });

  it('refuses registration with a device id not derived from the key', async () => {
    const fresh = createDevice();
    const init = await createTestChallenge(relay, customerId, 'initialize');
    const client = await Node1Client.connect(relay.wsUrl);
    const answer = await client.handshake({ ...fresh, deviceId: createDevice().deviceId }, customerId, {
      register: { challengeId: init },
    });
    await expectRefusal(answer, client, 'device-id-mismatch');
  });

  it('refuses registration with a public key off the curve', async () => {
    const init = await createTestChallenge(relay, customerId, 'initialize');
    const client = await Node1Client.connect(relay.wsUrl);
    client.sendControl({
      type: 'handshake',
      mode: 'register',
      deviceId: device.deviceId,
      customerId,
      challengeId: init,
      publicKey: `04${'11'.repeat(64)}`,
      signature: '22'.repeat(64),
    });
    await expectRefusal(await client.nextControl('error'), client, 'bad-public-key');
  });

  it('refuses registration under a challenge that is not initialize or recovery', async () => {
    const sign = await createTestChallenge(relay, customerId, 'sign-message', { walletId: 'x', message: 'hi' });
    const client = await Node1Client.connect(relay.wsUrl);
    const answer = await client.handshake(createDevice(), customerId, { register: { challengeId: sign } });
    await expectRefusal(answer, client, 'challenge-unavailable');
  });

  it("refuses registration under another customer's challenge", async () => {
    const init = await createTestChallenge(relay, otherCustomerId, 'initialize');
    const client = await Node1Client.connect(relay.wsUrl);
    const answer = await client.handshake(createDevice(), customerId, { register: { challengeId: init } });
    await expectRefusal(answer, client, 'challenge-unavailable');
  });

  it('refuses registration under an expired challenge', async () => {
    const init = await createTestChallenge(relay, customerId, 'initialize', {}, 1);
    await new Promise((r) => setTimeout(r, 20));
    const client = await Node1Client.connect(relay.wsUrl);
    const answer = await client.handshake(createDevice(), customerId, { register: { challengeId: init } });
    await expectRefusal(answer, client, 'challenge-unavailable');
  });

  it('refuses registering a key already registered to another customer', async () => {
    const init = await createTestChallenge(relay, otherCustomerId, 'initialize');
    const client = await Node1Client.connect(relay.wsUrl);
    const answer = await client.handshake(device, otherCustomerId, { register: { challengeId: init } });
    await expectRefusal(answer, client, 'device-conflict');
  });
});

describe('framing', () => {
  it('answers an oversize frame with frame-too-large and closes 1009, before parsing it', async () => {
    const client = await Node1Client.connect(relay.wsUrl);
    client.sendRaw('x'.repeat(MAX_FRAME + 100)); // not JSON: only the size check can name it
    const error = await client.nextControl('error');
    expect(error).toMatchObject({ code: 'frame-too-large', fatal: true });
    expect((await client.closed).code).toBe(1009);
  });

  it('drops a frame far above the limit at the transport (1009)', async () => {
    const client = await Node1Client.connect(relay.wsUrl);
    client.sendRaw('x'.repeat(MAX_FRAME + 64 * 1024));
    expect((await client.closed).code).toBe(1009);
  });

  it('answers malformed JSON with invalid-frame and closes 1007, and keeps serving others', async () => {
    const client = await Node1Client.connect(relay.wsUrl);
    client.sendRaw('{"v":1,"protocol":');
    expect(await client.nextControl('error')).toMatchObject({ code: 'invalid-frame', fatal: true });
    expect((await client.closed).code).toBe(1007);
    const again = await connectNode1(relay.wsUrl, device, customerId);
    await again.close();
  });

  it('refuses an envelope with an unknown key', async () => {
    const client = await Node1Client.connect(relay.wsUrl);
    client.sendRaw(
      JSON.stringify({
        v: 1,
        protocol: 'control',
        sessionId: CONTROL_SESSION_ID,
        round: 0,
        from: 'client',
        payload: {},
        x: 1,
      }),
    );
    const error = await client.nextControl('error');
    expect(error.code).toBe('invalid-frame');
    expect(error.message).toContain('"x"');
    expect((await client.closed).code).toBe(1007);
  });

  it('refuses an envelope claiming to come from the server', async () => {
    const client = await Node1Client.connect(relay.wsUrl);
    client.sendRaw(
      JSON.stringify({
        v: 1,
        protocol: 'control',
        sessionId: CONTROL_SESSION_ID,
        round: 0,
        from: 'server',
        payload: { type: 'ping', at: 1 },
      }),
    );
    expect(await client.nextControl('error')).toMatchObject({ code: 'invalid-frame' });
    expect((await client.closed).code).toBe(1007);
  });

  it('refuses protocol messages before the handshake', async () => {
    const client = await Node1Client.connect(relay.wsUrl);
    client.send({ v: 1, protocol: 'ecdsa2p/sign', sessionId: 'ab'.repeat(32), round: 1, from: 'client', payload: {} });
    expect(await client.nextControl('error')).toMatchObject({ code: 'handshake-required', fatal: true });
    expect((await client.closed).code).toBe(1008);
  });

  it('refuses an unknown protocol after the handshake', async () => {
    const client = await connectNode1(relay.wsUrl, device, customerId);
    client.send({ v: 1, protocol: 'gg18/sign', sessionId: 'ab'.repeat(32), round: 1, from: 'client', payload: {} });
    expect(await client.nextControl('error')).toMatchObject({ code: 'unknown-protocol', fatal: true });
    expect((await client.closed).code).toBe(1007);
  });

  it('answers a message for no running session without closing', async () => {
    const client = await connectNode1(relay.wsUrl, device, customerId);
    client.send({ v: 1, protocol: 'ecdsa2p/sign', sessionId: 'ab'.repeat(32), round: 1, from: 'client', payload: {} });
    expect(await client.nextControl('error')).toMatchObject({ code: 'unknown-session', fatal: false });
    client.sendControl({ type: 'ping', at: 7 });
    expect(await client.nextControl('pong')).toEqual({ type: 'pong', at: 7 });
    await client.close();
  });

  it('refuses a binary frame that is not UTF-8 JSON', async () => {
    const client = await Node1Client.connect(relay.wsUrl);
    client.sendRaw(Buffer.from([0xff, 0x00, 0x01]));
    expect(await client.nextControl('error')).toMatchObject({ code: 'invalid-frame' });
    expect((await client.closed).code).toBe(1007);
  });
});

describe('keep-alive', () => {
  it('pings more often than the MV3 30 s limit and keeps an answering client connected', async () => {
    const client = await connectNode1(relay.wsUrl, device, customerId);
    await new Promise((r) => setTimeout(r, 900)); // > 2 idle timeouts, answered by pongs
    expect(client.pingsReceived).toBeGreaterThanOrEqual(3);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    await client.close();
  });

  it('closes a silent client after the idle timeout (4408)', async () => {
    const client = await connectNode1(relay.wsUrl, device, customerId);
    client.autoPong = false;
    const error = await client.nextControl('error', 5000);
    expect(error.code).toBe('idle-timeout');
    expect((await client.closed).code).toBe(4408);
  });
});

describe('sessions', () => {
  it('refuses an unknown ceremony without closing', async () => {
    const client = await connectNode1(relay.wsUrl, device, customerId);
    await expect(client.startSession(crypto.randomUUID(), 'gg18-sign')).rejects.toThrow(/unknown-ceremony/);
    await client.close();
  });

  it('refuses an unknown challenge', async () => {
    const client = await connectNode1(relay.wsUrl, device, customerId);
    await expect(client.startSession(crypto.randomUUID(), 'ecdsa-sign')).rejects.toThrow(/challenge-unknown/);
    await client.close();
  });

  it("refuses another customer's challenge as unknown", async () => {
    const foreign = await createTestChallenge(relay, otherCustomerId, 'sign-message', { walletId: 'x', message: 'm' });
    const client = await connectNode1(relay.wsUrl, device, customerId);
    await expect(client.startSession(foreign, 'ecdsa-sign')).rejects.toThrow(/challenge-unknown/);
    await client.close();
  });
});

describe('connection limits', () => {
  it('refuses more unauthenticated connections per IP than allowed (429), and accepts again after a handshake', async () => {
    const limited = await startMpcTestRelay({ mpcLimits: { maxPendingHandshakesPerIp: 2 } });
    try {
      const cust = await createTestCustomer(limited);
      const init = await createTestChallenge(limited, cust, 'initialize');
      const a = await Node1Client.connect(limited.wsUrl);
      const b = await Node1Client.connect(limited.wsUrl);
      await expect(Node1Client.connect(limited.wsUrl)).rejects.toThrow(/429/);
      expect(await a.handshake(createDevice(), cust, { register: { challengeId: init } })).toMatchObject({
        type: 'ack',
      });
      const c = await Node1Client.connect(limited.wsUrl);
      await Promise.all([a.close(), b.close(), c.close()]);
    } finally {
      await limited.stop();
    }
  });

  it('answers 404 to upgrades on other paths', async () => {
    await expect(Node1Client.connect(relay.wsUrl.replace('/v2/mpc', '/v2/other'))).rejects.toThrow(/404/);
  });
});
