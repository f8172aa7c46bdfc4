/**
 * 'ecdsa-sign' end to end over a real WebSocket: a scripted Node 1 and Node 2 run DKLs23 signing for
 * a sign-message challenge. Node 2 computes the digest from the approved payload itself; a client
 * with another digest is refused and audited; a challenge signs once, and not after expiry.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../protocol/bytes.js';
import { evmMessageBytes, personalSignDigest } from '../../../../protocol/chains/evm/messages.js';
import { getChallenge } from '../../../../relay/challenges/store.js';
import {
  CeremonyError,
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

let relay: MpcTestRelay;
let customerId: string;
let provisioned: ProvisionedEvmWallet;
let client: Node1Client;
const device = createDevice();
const MESSAGE = 'Sign in to Example: nonce 42';
const digest = personalSignDigest(evmMessageBytes(MESSAGE));

beforeAll(async () => {
  relay = await startMpcTestRelay();
  customerId = await createTestCustomer(relay);
  const init = await createTestChallenge(relay, customerId, 'initialize');
  client = await connectNode1(relay.wsUrl, device, customerId, { challengeId: init });
  provisioned = await provisionEvmWallet(relay, customerId);
});
afterAll(async () => {
  await client?.close();
  await relay?.stop();
});

const signChallenge = (message = MESSAGE) =>
  createTestChallenge(relay, customerId, 'sign-message', { walletId: provisioned.wallet.id, message });

async function audits(action: string, challengeId: string): Promise<any[]> {
  const r = await relay.db.query<{ details: any }>(
    'SELECT details FROM audit_log WHERE action = $1 AND target = $2 ORDER BY id',
    [action, `challenge:${challengeId}`],
  );
  return r.rows;
}

describe('ecdsa-sign over /v2/mpc', () => {
  it('signs the approved message: the signature verifies under the wallet key and completes the challenge', async () => {
    const challengeId = await signChallenge();
    const run = await runEcdsaSign(client, {
      challengeId,
      share: provisioned.clientShare,
      digest,
      path: provisioned.path,
    });
    expect(run.ready.params).toMatchObject({ digest: toHex(digest), derivationPath: 'm/0/0' });
    expect(run.signature.publicKey).toBe(provisioned.wallet.publicKey);
    expect(
      secp256k1.verify(fromHex(run.signature.signature), digest, fromHex(provisioned.wallet.publicKey), {
        prehash: false,
      }),
    ).toBe(true);
    // The result is the chain layer's: personal_sign's 65-byte r ‖ s ‖ v with v = 27 + recovery.
    const rsv = `0x${run.signature.r}${run.signature.s}${(27 + run.signature.recovery).toString(16)}`;
    expect(run.result).toEqual({ signature: rsv });
    const stored = await getChallenge(relay.db, challengeId);
    expect(stored?.status).toBe('verified');
    expect(stored?.result).toEqual({ signature: rsv });
    expect(await audits('mpc.ceremony.completed', challengeId)).toHaveLength(1);
  });

  it('signs a challenge once: a second ceremony for it is refused', async () => {
    const challengeId = await signChallenge();
    await runEcdsaSign(client, { challengeId, share: provisioned.clientShare, digest, path: provisioned.path });
    await expect(
      runEcdsaSign(client, { challengeId, share: provisioned.clientShare, digest, path: provisioned.path }),
    ).rejects.toThrow(/challenge-already-used/);
  });

  it('refuses and audits a client that asks to sign another digest', async () => {
    const challengeId = await signChallenge();
    const other = personalSignDigest(evmMessageBytes('Transfer everything to Mallory'));
    const attempt = runEcdsaSign(client, {
      challengeId,
      share: provisioned.clientShare,
      digest: other,
      path: provisioned.path,
    });
    await expect(attempt).rejects.toThrow(/digest-mismatch/);
    expect(await audits('mpc.sign.digest_mismatch', challengeId)).toEqual([
      { details: expect.objectContaining({ stage: 'start', walletId: provisioned.wallet.id }) },
    ]);
    const stored = await getChallenge(relay.db, challengeId);
    expect(stored?.status).toBe('failed');
    expect(stored?.failureReason).toContain('digest-mismatch');
  });

  it('refuses and audits a client that silently runs the protocol on another digest', async () => {
    const challengeId = await signChallenge();
    const other = personalSignDigest(evmMessageBytes('Transfer everything to Mallory'));
    const attempt = runEcdsaSign(client, {
      challengeId,
      share: provisioned.clientShare,
      digest: other,
      path: provisioned.path,
      announceDigest: false,
    });
    await expect(attempt).rejects.toThrow(/digest-mismatch/);
    expect(await audits('mpc.sign.digest_mismatch', challengeId)).toEqual([
      { details: expect.objectContaining({ stage: 'first-message' }) },
    ]);
    expect((await getChallenge(relay.db, challengeId))?.status).toBe('failed');
  });

  it('refuses a client that signs along another derivation path', async () => {
    const challengeId = await signChallenge();
    const attempt = runEcdsaSign(client, {
      challengeId,
      share: provisioned.clientShare,
      digest,
      path: 'm/0/1',
      announceDigest: false,
    });
    await expect(attempt).rejects.toThrow(/digest-mismatch/);
  });

  it('refuses an expired challenge', async () => {
    const challengeId = await createTestChallenge(
      relay,
      customerId,
      'sign-message',
      { walletId: provisioned.wallet.id, message: MESSAGE },
      1,
    );
    await new Promise((r) => setTimeout(r, 20));
    await expect(
      runEcdsaSign(client, { challengeId, share: provisioned.clientShare, digest, path: provisioned.path }),
    ).rejects.toThrow(/challenge-expired/);
  });

  it('refuses a challenge of a kind ECDSA signing does not serve', async () => {
    const challengeId = await createTestChallenge(relay, customerId, 'initialize');
    await expect(client.startSession(challengeId, 'ecdsa-sign')).rejects.toThrow(/challenge-wrong-kind/);
  });

  it('aborts the ceremony and fails the challenge on a message for the wrong round', async () => {
    const challengeId = await signChallenge();
    const ready = await client.startSession(challengeId, 'ecdsa-sign', {});
    client.send({ v: 1, protocol: ready.protocol, sessionId: 'cd'.repeat(32), round: 3, from: 'client', payload: {} });
    const abort = await client.nextControl('session.abort');
    expect(abort).toMatchObject({ ceremonyId: ready.ceremonyId, code: 'invalid-message' });
    expect(abort.reason).toContain('round');
    expect((await getChallenge(relay.db, challengeId))?.status).toBe('failed');
  });

  it('fails the challenge when the client disconnects mid-ceremony', async () => {
    const other = await connectNode1(relay.wsUrl, device, customerId);
    const challengeId = await signChallenge();
    await other.startSession(challengeId, 'ecdsa-sign', {});
    await other.close();
    for (let i = 0; i < 50; i++) {
      if ((await getChallenge(relay.db, challengeId))?.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await getChallenge(relay.db, challengeId))?.status).toBe('failed');
  });

  it('refuses to sign for a customer without an ECDSA key', async () => {
    const lonely = await createTestCustomer(relay);
    const lonelyDevice = createDevice();
    const init = await createTestChallenge(relay, lonely, 'initialize');
    const c = await connectNode1(relay.wsUrl, lonelyDevice, lonely, { challengeId: init });
    const challengeId = await createTestChallenge(relay, lonely, 'sign-message', {
      walletId: provisioned.wallet.id,
      message: MESSAGE,
    });
    // The payload names another customer's wallet: Node 2 refuses before touching any key.
    const error = await c.startSession(challengeId, 'ecdsa-sign').catch((e) => e);
    expect(error).toBeInstanceOf(CeremonyError);
    expect(error.code).toBe('bad-params');
    await c.close();
  });
});
