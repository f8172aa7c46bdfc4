/**
 * The one copy a signing challenge may store (relay/recovery/repaired-pin-copy.ts): the PIN copy,
 * only after that challenge's ecdsa-sign ceremony re-paired the key, and only once. Everything else
 * under a signing challenge is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evmMessageBytes, personalSignDigest } from '../../../../protocol/chains/evm/messages.js';
import {
  type Ecdsa2pKeyShare,
  type RepairState,
  receiveRepair,
  startRepair,
} from '../../../../protocol/ecdsa2p/index.js';
import { type WrappedSecret, wrapBundle } from '../../../../protocol/pin/wrap.js';
import { secureRng } from '../../../../protocol/rng.js';
import { createGatewayClient } from '../../../helpers/gateway-client.js';
import {
  connectNode1,
  createDevice,
  createTestChallenge,
  createTestCustomer,
  type MpcTestRelay,
  type Node1Client,
  type ProvisionedEvmWallet,
  provisionEvmWallet,
  runEcdsaSign,
  startMpcTestRelay,
} from '../../../helpers/node1.js';

const MESSAGE = 'Sign in to Example: nonce 9';
const digest = personalSignDigest(evmMessageBytes(MESSAGE));

let relay: MpcTestRelay;
let customerId: string;
let client: Node1Client;
let wallet: ProvisionedEvmWallet;
let pinCopy: WrappedSecret;

beforeAll(async () => {
  relay = await startMpcTestRelay();
  customerId = await createTestCustomer(relay);
  const init = await createTestChallenge(relay, customerId, 'initialize');
  const key = await createGatewayClient(relay.url).enrolPin(init, customerId, '402917');
  pinCopy = await wrapBundle({ shares: [] }, key.rootKey, { method: 'pin', customerId, kdf: key.kdf }, secureRng);
  client = await connectNode1(relay.wsUrl, createDevice(), customerId, { challengeId: init });
  wallet = await provisionEvmWallet(relay, customerId);
});
afterAll(async () => {
  client?.close();
  await relay?.stop();
});

const signChallenge = () =>
  createTestChallenge(relay, customerId, 'sign-message', { walletId: wallet.wallet.id, message: MESSAGE });

async function putCopy(challengeId: string, method: string, wrapped: unknown = pinCopy) {
  const res = await fetch(`${relay.url}/v2/gateway/challenges/${challengeId}/copies/${method}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ wrapped }),
  });
  return { status: res.status, json: (await res.json()) as any };
}

/** Starts ecdsa-sign asking for a re-pairing and runs it to the end; the signing sessions then wait. */
async function repairOnly(challengeId: string): Promise<Ecdsa2pKeyShare> {
  const ready = await client.startSession(challengeId, 'ecdsa-sign', { repair: true });
  const announced = ready.params.repair as { protocol: string; sessionId: string };
  const started = startRepair({ share: wallet.clientShare, sessionId: announced.sessionId, rng: secureRng });
  let state: RepairState = started.state;
  for (const m of started.outgoing) client.send(m);
  for (;;) {
    const step = receiveRepair(state, await client.nextProtocol(announced.protocol), secureRng);
    state = step.state;
    for (const m of step.outgoing) client.send(m);
    if (step.output) return step.output;
  }
}

async function repairedAudited(challengeId: string): Promise<boolean> {
  const r = await relay.db.query("SELECT 1 FROM audit_log WHERE action = 'mpc.share.repaired' AND target = $1", [
    `challenge:${challengeId}`,
  ]);
  return r.rows.length > 0;
}

describe('PIN copy under a signing challenge', () => {
  it('accepts the PIN copy once after the challenge re-paired, and refuses it a second time', async () => {
    const challengeId = await signChallenge();
    await repairOnly(challengeId);
    await expect.poll(() => repairedAudited(challengeId)).toBe(true);
    const first = await putCopy(challengeId, 'pin');
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    const again = await putCopy(challengeId, 'pin');
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('copy_already_stored');
    const marks = await relay.db.query(
      "SELECT 1 FROM audit_log WHERE action = 'wrapped_copy.repaired_pin_stored' AND target = $1",
      [`challenge:${challengeId}`],
    );
    expect(marks.rows).toHaveLength(1);
  });

  it('refuses a recovery copy under a signing challenge even after it re-paired', async () => {
    const challengeId = await signChallenge();
    await repairOnly(challengeId);
    await expect.poll(() => repairedAudited(challengeId)).toBe(true);
    const refused = await putCopy(challengeId, 'questions', { ...pinCopy, method: 'questions' });
    expect(refused.status).not.toBe(200);
    expect(refused.json.error.code).toBe('challenge_wrong_kind');
  });

  it('refuses the PIN copy under a signing challenge whose ceremony has not started', async () => {
    const refused = await putCopy(await signChallenge(), 'pin');
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('not_repaired');
  });

  it('refuses the PIN copy under a signing challenge whose ceremony runs without a re-pairing', async () => {
    const challengeId = await signChallenge();
    const ready = await client.startSession(challengeId, 'ecdsa-sign', {});
    expect(ready.params.repair).toBeUndefined();
    const refused = await putCopy(challengeId, 'pin');
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('not_repaired');
  });

  it("refuses the PIN copy under a signing challenge that another challenge's re-pairing does not cover", async () => {
    const repaired = await signChallenge();
    await repairOnly(repaired);
    await expect.poll(() => repairedAudited(repaired)).toBe(true);
    const other = await signChallenge();
    const refused = await putCopy(other, 'pin');
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('not_repaired');
  });

  it('refuses the PIN copy once the re-paired signing challenge is verified', async () => {
    const fresh = await createTestCustomer(relay);
    const init = await createTestChallenge(relay, fresh, 'initialize');
    const c = await connectNode1(relay.wsUrl, createDevice(), fresh, { challengeId: init });
    const w = await provisionEvmWallet(relay, fresh);
    try {
      const challengeId = await createTestChallenge(relay, fresh, 'sign-message', {
        walletId: w.wallet.id,
        message: MESSAGE,
      });
      await runEcdsaSign(c, { challengeId, share: w.clientShare, digest, path: w.path, requestRepair: true });
      const refused = await putCopy(challengeId, 'pin');
      expect(refused.status).not.toBe(200);
      expect(refused.json.error.code).toBe('challenge_already_used');
    } finally {
      c.close();
    }
  });
});
