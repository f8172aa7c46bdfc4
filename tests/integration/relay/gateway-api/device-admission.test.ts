/**
 * `POST /v2/gateway/challenges/:id/devices`: a second device (a new browser profile) of an existing
 * customer is admitted under a PIN-approved challenge when it brings a valid PIN proof and a
 * device-key signature over the registration transcript (with the guard's nonce); it can then
 * authenticate on /v2/mpc. Each refusal has its own test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../../protocol/bytes.js';
import type { WrappedSecret } from '../../../../protocol/pin/wrap.js';
import { handshakeTranscript, signDeviceTranscript } from '../../../../protocol/wire/handshake.js';
import type { PinGuard } from '../../../../relay/pin-guard/types.js';
import { connectPinGuard } from '../../../../relay/recovery/pin-guard-connection.js';
import {
  connectNode1,
  createDevice,
  createTestChallenge,
  createTestCustomer,
  type MpcTestRelay,
  type Node1Device,
  provisionEvmWallet,
  startMpcTestRelay,
} from '../../../helpers/node1.js';
import { enrolPin, evaluatePin } from '../../pin-guard/harness.js';

const PIN = '604183';
let relay: MpcTestRelay;
let guard: PinGuard;
let customerId: string;
let wrapped: WrappedSecret;
let evmAddress: string;

beforeAll(async () => {
  relay = await startMpcTestRelay();
  guard = await connectPinGuard({ url: undefined, token: undefined }, relay.db, relay.dataDir);
  customerId = await createTestCustomer(relay);
  const init = await createTestChallenge(relay, customerId, 'initialize');
  const first = await connectNode1(relay.wsUrl, createDevice(), customerId, { challengeId: init });
  await first.close();
  evmAddress = (await provisionEvmWallet(relay, customerId)).wallet.address;
  wrapped = await enrolPin(guard, customerId, PIN);
});
afterAll(async () => {
  await guard?.close();
  await relay?.stop();
});

async function pinProof(pin: string) {
  const { verify } = await (await evaluatePin(guard, wrapped, pin)).finish();
  return { nonce: verify.nonce, proof: verify.proof };
}

function admissionBody(
  device: Node1Device,
  challengeId: string,
  pin: { nonce: string; proof: string },
  options: { origin?: string; customer?: string } = {},
) {
  const transcript = handshakeTranscript({
    mode: 'register',
    nonce: pin.nonce,
    origin: options.origin ?? relay.url,
    deviceId: device.deviceId,
    customerId: options.customer ?? customerId,
    challengeId,
    publicKey: toHex(device.publicKey),
  });
  return {
    deviceId: device.deviceId,
    publicKey: toHex(device.publicKey),
    signature: toHex(signDeviceTranscript(device.secretKey, transcript)),
    pin,
  };
}

async function admit(challengeId: string, body: unknown) {
  const response = await fetch(`${relay.url}/v2/gateway/challenges/${challengeId}/devices`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as any };
}

async function deviceCount(): Promise<number> {
  const r = await relay.db.query<{ n: number }>('SELECT count(*)::int AS n FROM mpc_devices WHERE customer_id = $1', [
    customerId,
  ]);
  return r.rows[0]?.n ?? 0;
}

describe('device admission', () => {
  it('admits a second device after the PIN, lists the wallets, audits it, and the device then authenticates', async () => {
    const device = createDevice();
    const challengeId = await createTestChallenge(relay, customerId, 'sign-message');
    const r = await admit(challengeId, admissionBody(device, challengeId, await pinProof(PIN)));
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json.data.deviceId).toBe(device.deviceId);
    expect(r.json.data.wallets.map((w: { address: string }) => w.address)).toContain(evmAddress);
    const audit = await relay.db.query<{ details: any }>(
      "SELECT details FROM audit_log WHERE action = 'mpc.device.admitted' AND target = $1",
      [`challenge:${challengeId}`],
    );
    expect(audit.rows[0]?.details).toMatchObject({ deviceId: device.deviceId, kind: 'sign-message' });
    const client = await connectNode1(relay.wsUrl, device, customerId);
    await client.close();
  });

  it('refuses a wrong PIN, counts it at the guard and stores no device', async () => {
    const before = await deviceCount();
    const challengeId = await createTestChallenge(relay, customerId, 'wallet-create');
    const r = await admit(challengeId, admissionBody(createDevice(), challengeId, await pinProof('271828')));
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('wrong_pin');
    expect(r.json.message).toMatch(/4 attempts left/);
    expect((await guard.status(customerId, 'pin')).failures).toBe(1);
    expect(await deviceCount()).toBe(before);
    await pinProof(PIN).then((p) => guard.verify({ customerId, purpose: 'pin', ...p })); // reset the counter
  });

  it('refuses a signature made for another relay origin before checking the PIN', async () => {
    const challengeId = await createTestChallenge(relay, customerId, 'wallet-create');
    const proof = await pinProof(PIN);
    const r = await admit(
      challengeId,
      admissionBody(createDevice(), challengeId, proof, { origin: 'https://evil.example' }),
    );
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe('bad_signature');
    // The proof was not spent: the guard still accepts it.
    expect((await guard.verify({ customerId, purpose: 'pin', ...proof })).status).toBe('ok');
  });

  it('refuses a device id that is not derived from the public key', async () => {
    const challengeId = await createTestChallenge(relay, customerId, 'wallet-create');
    const body = {
      ...admissionBody(createDevice(), challengeId, await pinProof(PIN)),
      deviceId: createDevice().deviceId,
    };
    const r = await admit(challengeId, body);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('device_id_mismatch');
  });

  it('refuses a device key registered to another customer', async () => {
    const other = await createTestCustomer(relay);
    const otherDevice = createDevice();
    const init = await createTestChallenge(relay, other, 'initialize');
    await (await connectNode1(relay.wsUrl, otherDevice, other, { challengeId: init })).close();
    const challengeId = await createTestChallenge(relay, customerId, 'wallet-create');
    const r = await admit(challengeId, admissionBody(otherDevice, challengeId, await pinProof(PIN)));
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('device_conflict');
  });

  it('refuses an initialize challenge (its handshake registers the first device)', async () => {
    const other = await createTestCustomer(relay);
    const challengeId = await createTestChallenge(relay, other, 'initialize');
    const r = await admit(
      challengeId,
      admissionBody(createDevice(), challengeId, await pinProof(PIN), { customer: other }),
    );
    expect(r.status).toBe(409);
  });

  it('refuses a replayed request (the guard nonce is single-use)', async () => {
    const device = createDevice();
    const challengeId = await createTestChallenge(relay, customerId, 'export-private-keys');
    const body = admissionBody(device, challengeId, await pinProof(PIN));
    expect((await admit(challengeId, body)).status).toBe(200);
    const again = await admit(challengeId, admissionBody(createDevice(), challengeId, body.pin));
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('invalid_nonce');
  });

  it('refuses a body with unknown fields', async () => {
    const challengeId = await createTestChallenge(relay, customerId, 'wallet-create');
    const r = await admit(challengeId, {
      ...admissionBody(createDevice(), challengeId, await pinProof(PIN)),
      extra: 1,
    });
    expect(r.status).toBe(400);
  });
});
