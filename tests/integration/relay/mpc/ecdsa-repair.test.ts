/**
 * The ECDSA abort policy over /v2/mpc (DESIGN.md §3): a burned pairing is re-paired before the next
 * signature (same shares, fresh OT correlations), whether Node 2 burned it itself or the client
 * reported catching a cheat; a client may ask for a re-pairing; re-pairings are audited and limited.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../../../protocol/bytes.js';
import { evmMessageBytes, personalSignDigest } from '../../../../protocol/chains/evm/messages.js';
import { burnShare, type Ecdsa2pKeyShare, startSignClient } from '../../../../protocol/ecdsa2p/index.js';
import { secureRng } from '../../../../protocol/rng.js';
import { getChallenge } from '../../../../relay/challenges/store.js';
import { loadMasterKey } from '../../../../relay/crypto/master-key.js';
import { MAX_REPAIRS_PER_DAY } from '../../../../relay/mpc/ceremonies/ecdsa-sign.js';
import { ecdsaRootKeyId } from '../../../../relay/mpc/key-ids.js';
import { loadKeyShare, replaceKeyShare } from '../../../../relay/mpc/key-shares.js';
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
const MESSAGE = 'Sign in to Example: nonce 7';
const digest = personalSignDigest(evmMessageBytes(MESSAGE));

beforeAll(async () => {
  relay = await startMpcTestRelay();
});
afterAll(async () => {
  await relay?.stop();
});

interface Customer {
  id: string;
  client: Node1Client;
  wallet: ProvisionedEvmWallet;
}

async function newCustomer(): Promise<Customer> {
  const id = await createTestCustomer(relay);
  const init = await createTestChallenge(relay, id, 'initialize');
  const client = await connectNode1(relay.wsUrl, createDevice(), id, { challengeId: init });
  return { id, client, wallet: await provisionEvmWallet(relay, id) };
}

const signChallenge = (c: Customer) =>
  createTestChallenge(relay, c.id, 'sign-message', { walletId: c.wallet.wallet.id, message: MESSAGE });

async function serverShare(c: Customer) {
  const masterKey = loadMasterKey({ dataDir: relay.dataDir });
  const keys = { current: masterKey, retired: [] };
  const stored = await loadKeyShare<Ecdsa2pKeyShare>(relay.db, keys, c.id, ecdsaRootKeyId(c.id, 'evm'));
  if (!stored) throw new Error('no server share');
  return { stored, masterKey };
}

async function burnServerShare(c: Customer): Promise<void> {
  const { stored, masterKey } = await serverShare(c);
  await relay.db.transaction((tx) =>
    replaceKeyShare(tx, masterKey, stored, { epoch: stored.epoch, secret: burnShare(stored.secret) }),
  );
}

async function audits(customerId: string, action: string): Promise<any[]> {
  const r = await relay.db.query<{ details: any }>(
    'SELECT details FROM audit_log WHERE customer_id = $1 AND action = $2 ORDER BY id',
    [customerId, action],
  );
  return r.rows.map((x) => x.details);
}

const verifies = (signature: string, publicKey: string) =>
  secp256k1.verify(fromHex(signature), digest, fromHex(publicKey), { prehash: false });

describe('ECDSA re-pairing over /v2/mpc', () => {
  it('re-pairs a share Node 2 burned before the next signature, which then verifies; the shares are unchanged', async () => {
    const c = await newCustomer();
    await burnServerShare(c);
    const challengeId = await signChallenge(c);
    const run = await runEcdsaSign(c.client, { challengeId, share: c.wallet.clientShare, digest, path: c.wallet.path });
    expect(run.ready.params.repair).toMatchObject({ protocol: 'ecdsa2p/repair' });
    expect(verifies(run.signature.signature, c.wallet.wallet.publicKey)).toBe(true);
    expect(run.share.secretShare).toBe(c.wallet.clientShare.secretShare);
    expect(run.share.ot.sender.setupId).not.toBe(c.wallet.clientShare.ot.sender.setupId);
    const { stored } = await serverShare(c);
    expect(stored.secret.burned).toBe(false);
    expect(stored.secret.ot.receiver.setupId).toBe(run.share.ot.sender.setupId);
    expect((await getChallenge(relay.db, challengeId))?.status).toBe('verified');
    expect(await audits(c.id, 'mpc.share.repair_started')).toEqual([
      expect.objectContaining({ keyId: ecdsaRootKeyId(c.id, 'evm'), because: 'burned' }),
    ]);
    expect(await audits(c.id, 'mpc.share.repaired')).toHaveLength(1);

    // The next signature needs no re-pairing, and the old (stale) pairing is refused cleanly.
    const next = await runEcdsaSign(c.client, {
      challengeId: await signChallenge(c),
      share: run.share,
      digest,
      path: c.wallet.path,
    });
    expect(next.ready.params.repair).toBeUndefined();
    expect(verifies(next.signature.signature, c.wallet.wallet.publicKey)).toBe(true);
    await expect(
      runEcdsaSign(c.client, {
        challengeId: await signChallenge(c),
        share: c.wallet.clientShare,
        digest,
        path: c.wallet.path,
      }),
    ).rejects.toThrow(CeremonyError);
    expect((await serverShare(c)).stored.secret.burned).toBe(false);
  });

  it('re-pairs when the client asks (its copy holds a stale pairing), then signs with the restored copy', async () => {
    const c = await newCustomer();
    const challengeId = await signChallenge(c);
    const run = await runEcdsaSign(c.client, {
      challengeId,
      share: c.wallet.clientShare,
      digest,
      path: c.wallet.path,
      requestRepair: true,
    });
    expect(verifies(run.signature.signature, c.wallet.wallet.publicKey)).toBe(true);
    expect(await audits(c.id, 'mpc.share.repair_started')).toEqual([
      expect.objectContaining({ keyId: ecdsaRootKeyId(c.id, 'evm'), because: 'client-request' }),
    ]);
  });

  it('re-pairs when the client states a pairing other than Node 2’s (a copy restored from before a re-pairing)', async () => {
    const c = await newCustomer();
    await burnServerShare(c);
    const first = await runEcdsaSign(c.client, {
      challengeId: await signChallenge(c),
      share: c.wallet.clientShare,
      digest,
      path: c.wallet.path,
    });
    // The old copy (stale pairing) states its setup ids: Node 2 re-pairs instead of refusing the first message.
    const restored = await runEcdsaSign(c.client, {
      challengeId: await signChallenge(c),
      share: c.wallet.clientShare,
      digest,
      path: c.wallet.path,
      announcePairing: true,
    });
    expect(restored.ready.params.repair).toBeDefined();
    expect(verifies(restored.signature.signature, c.wallet.wallet.publicKey)).toBe(true);
    expect(restored.share.ot.sender.setupId).not.toBe(first.share.ot.sender.setupId);
    expect((await audits(c.id, 'mpc.share.repair_started')).map((d) => d.because)).toEqual(['burned', 'stale-pairing']);
    // A copy with the current pairing states it and signs without a re-pairing.
    const current = await runEcdsaSign(c.client, {
      challengeId: await signChallenge(c),
      share: restored.share,
      digest,
      path: c.wallet.path,
      announcePairing: true,
    });
    expect(current.ready.params.repair).toBeUndefined();
    expect(verifies(current.signature.signature, c.wallet.wallet.publicKey)).toBe(true);
  });

  it('refuses a malformed pairing statement', async () => {
    const c = await newCustomer();
    const challengeId = await signChallenge(c);
    await expect(
      c.client.startSession(challengeId, 'ecdsa-sign', { pairing: { senderSetupId: 'zz', receiverSetupId: 'zz' } }),
    ).rejects.toMatchObject({ code: 'bad-params' });
  });

  it('burns Node 2’s pairing when the client reports a failed consistency check', async () => {
    const c = await newCustomer();
    const challengeId = await signChallenge(c);
    const ready = await c.client.startSession(challengeId, 'ecdsa-sign', {});
    const start = startSignClient({
      share: c.wallet.clientShare,
      digest,
      path: c.wallet.path,
      rng: secureRng,
      serverNonce: ready.params.serverNonce as string,
    });
    for (const m of start.outgoing) c.client.send(m);
    await c.client.nextProtocol(ready.protocol);
    c.client.sendControl({
      type: 'session.abort',
      ceremonyId: ready.ceremonyId,
      code: 'rvole-consistency',
      reason: 'the RVOLE consistency check failed',
    });
    await expect.poll(async () => (await serverShare(c)).stored.secret.burned).toBe(true);
    expect(await audits(c.id, 'mpc.share.burned')).toEqual([
      expect.objectContaining({
        keyId: ecdsaRootKeyId(c.id, 'evm'),
        reason: 'rvole-consistency',
        detectedBy: 'client',
      }),
    ]);
    expect((await getChallenge(relay.db, challengeId))?.status).toBe('failed');
    // …and the next signature heals it.
    const healed = await runEcdsaSign(c.client, {
      challengeId: await signChallenge(c),
      share: c.wallet.clientShare,
      digest,
      path: c.wallet.path,
    });
    expect(verifies(healed.signature.signature, c.wallet.wallet.publicKey)).toBe(true);
  });

  it('does not burn on a client abort without a burning code', async () => {
    const c = await newCustomer();
    const challengeId = await signChallenge(c);
    const ready = await c.client.startSession(challengeId, 'ecdsa-sign', {});
    c.client.sendControl({ type: 'session.abort', ceremonyId: ready.ceremonyId, code: 'user-rejected', reason: 'no' });
    await expect.poll(async () => (await getChallenge(relay.db, challengeId))?.status).toBe('failed');
    expect((await serverShare(c)).stored.secret.burned).toBe(false);
    expect(await audits(c.id, 'mpc.share.burned')).toEqual([]);
  });

  it(`refuses a re-pairing beyond ${MAX_REPAIRS_PER_DAY} a day for a key, and audits the refusal`, async () => {
    const c = await newCustomer();
    let share = c.wallet.clientShare;
    for (let i = 0; i < MAX_REPAIRS_PER_DAY; i++) {
      const run = await runEcdsaSign(c.client, {
        challengeId: await signChallenge(c),
        share,
        digest,
        path: c.wallet.path,
        requestRepair: true,
      });
      share = run.share;
    }
    const challengeId = await signChallenge(c);
    const refused = runEcdsaSign(c.client, { challengeId, share, digest, path: c.wallet.path, requestRepair: true });
    await expect(refused).rejects.toMatchObject({ code: 'repair-rate-limited' });
    expect(await audits(c.id, 'mpc.share.repair_refused')).toHaveLength(1);
    // Signing without a re-pairing still works.
    const plain = await runEcdsaSign(c.client, {
      challengeId: await signChallenge(c),
      share,
      digest,
      path: c.wallet.path,
    });
    expect(verifies(plain.signature.signature, c.wallet.wallet.publicKey)).toBe(true);
  });

  it('refuses a signing message sent before the re-pairing finished', async () => {
    const c = await newCustomer();
    await burnServerShare(c);
    const challengeId = await signChallenge(c);
    const ready = await c.client.startSession(challengeId, 'ecdsa-sign', {});
    expect(ready.params.repair).toBeDefined();
    const start = startSignClient({
      share: c.wallet.clientShare,
      digest,
      path: c.wallet.path,
      rng: secureRng,
      serverNonce: ready.params.serverNonce as string,
    });
    for (const m of start.outgoing) c.client.send(m);
    const answer = await c.client.nextControl(['session.abort', 'error']);
    expect(answer).toMatchObject({ type: 'session.abort', code: 'invalid-message' });
    expect((await getChallenge(relay.db, challengeId))?.status).toBe('failed');
  });

  it('refuses a non-boolean repair parameter', async () => {
    const c = await newCustomer();
    const challengeId = await signChallenge(c);
    await expect(c.client.startSession(challengeId, 'ecdsa-sign', { repair: 'yes' })).rejects.toMatchObject({
      code: 'bad-params',
    });
  });
});
