/**
 * 'share-refresh' over /v2/mpc (update-pin / reset-pin): every ECDSA root and ed25519 account share
 * is refreshed; the new client shares sign, the old ones no longer do, and a challenge refreshes once.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../../../protocol/bytes.js';
import { evmMessageBytes, personalSignDigest } from '../../../../protocol/chains/evm/messages.js';
import { getChallenge } from '../../../../relay/challenges/store.js';
import { ecdsaRootKeyId, ed25519AccountKeyId } from '../../../../relay/mpc/key-ids.js';
import {
  connectNode1,
  createDevice,
  createTestChallenge,
  createTestCustomer,
  type MpcTestRelay,
  type Node1Client,
  type ProvisionedEvmWallet,
  type ProvisionedSolanaWallet,
  provisionEvmWallet,
  provisionSolanaWallet,
  runEcdsaSign,
  runFrostSign,
  runShareRefresh,
  startMpcTestRelay,
} from '../../../helpers/node1.js';

let relay: MpcTestRelay;
let customerId: string;
let client: Node1Client;
let evm: ProvisionedEvmWallet;
let sol: ProvisionedSolanaWallet;
let refreshed: Awaited<ReturnType<typeof runShareRefresh>>;
let challengeId: string;
const MESSAGE = 'after the PIN change';

beforeAll(async () => {
  relay = await startMpcTestRelay();
  customerId = await createTestCustomer(relay);
  const init = await createTestChallenge(relay, customerId, 'initialize');
  client = await connectNode1(relay.wsUrl, createDevice(), customerId, { challengeId: init });
  evm = await provisionEvmWallet(relay, customerId);
  sol = await provisionSolanaWallet(relay, customerId);
  challengeId = await createTestChallenge(relay, customerId, 'update-pin');
  refreshed = await runShareRefresh(client, challengeId, {
    ecdsa: { [ecdsaRootKeyId(customerId, 'evm')]: evm.clientShare },
    frost: { [ed25519AccountKeyId(customerId, 'solana', 0)]: sol.clientShare },
  });
});
afterAll(async () => {
  await client?.close();
  await relay?.stop();
});

const evmChallenge = () =>
  createTestChallenge(relay, customerId, 'sign-message', { walletId: evm.wallet.id, message: MESSAGE });
const solChallenge = () =>
  createTestChallenge(relay, customerId, 'sign-message', { walletId: sol.wallet.id, message: MESSAGE });

describe('share-refresh over /v2/mpc', () => {
  it('moves every key to epoch 1 and leaves the challenge in progress for the re-wrap', async () => {
    expect(refreshed.result.refreshed).toEqual(
      expect.arrayContaining([
        { keyId: ecdsaRootKeyId(customerId, 'evm'), epoch: 1 },
        { keyId: ed25519AccountKeyId(customerId, 'solana', 0), epoch: 1 },
      ]),
    );
    const r = await relay.db.query<{ epoch: number }>('SELECT epoch FROM mpc_key_shares WHERE customer_id = $1', [
      customerId,
    ]);
    expect(r.rows.map((x) => x.epoch)).toEqual([1, 1]);
    expect((await getChallenge(relay.db, challengeId))?.status).toBe('in_progress');
    const newShare = refreshed.ecdsa[ecdsaRootKeyId(customerId, 'evm')];
    expect(newShare?.publicKey).toBe(evm.clientShare.publicKey);
    expect(newShare?.secretShare).not.toBe(evm.clientShare.secretShare);
  });

  it('signs ECDSA with the refreshed client share', async () => {
    const digest = personalSignDigest(evmMessageBytes(MESSAGE));
    const run = await runEcdsaSign(client, {
      challengeId: await evmChallenge(),
      share: refreshed.ecdsa[ecdsaRootKeyId(customerId, 'evm')] as any,
      digest,
      path: evm.path,
    });
    expect(
      secp256k1.verify(fromHex(run.signature.signature), digest, fromHex(evm.wallet.publicKey), { prehash: false }),
    ).toBe(true);
  });

  it('refuses the old ECDSA client share', async () => {
    const digest = personalSignDigest(evmMessageBytes(MESSAGE));
    const attempt = runEcdsaSign(client, {
      challengeId: await evmChallenge(),
      share: evm.clientShare,
      digest,
      path: evm.path,
    });
    await expect(attempt).rejects.toThrow(/digest-mismatch|invalid-message|protocol-abort/);
  });

  it('signs ed25519 with the refreshed client share and not with the old one', async () => {
    const message = new TextEncoder().encode(MESSAGE);
    const run = await runFrostSign(client, {
      challengeId: await solChallenge(),
      share: refreshed.frost[ed25519AccountKeyId(customerId, 'solana', 0)] as any,
      message,
      derivationPath: sol.wallet.derivationPath,
    });
    expect(ed25519.verify(fromHex(run.output.signature), message, fromHex(sol.wallet.publicKey))).toBe(true);
    const old = runFrostSign(client, {
      challengeId: await solChallenge(),
      share: sol.clientShare,
      message,
      derivationPath: sol.wallet.derivationPath,
    });
    await expect(old).rejects.toThrow();
  });

  it('refreshes once per challenge', async () => {
    await expect(client.startSession(challengeId, 'share-refresh')).rejects.toThrow(/challenge-already-used/);
  });
});
