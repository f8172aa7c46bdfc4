/**
 * 'frost-sign' (ed25519) over /v2/mpc for a Solana sign-message challenge: the signature verifies
 * under the wallet key; another message is refused and audited; a challenge signs once.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { base58 } from '@scure/base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../../../protocol/bytes.js';
import { getChallenge } from '../../../../relay/challenges/store.js';
import {
  connectNode1,
  createDevice,
  createTestChallenge,
  createTestCustomer,
  type MpcTestRelay,
  type Node1Client,
  type ProvisionedSolanaWallet,
  provisionSolanaWallet,
  runFrostSign,
  startMpcTestRelay,
} from '../../../helpers/node1.js';

let relay: MpcTestRelay;
let customerId: string;
let client: Node1Client;
let provisioned: ProvisionedSolanaWallet;
const MESSAGE = 'Sign in to a Solana dApp: nonce 7';
const bytes = new TextEncoder().encode(MESSAGE);

beforeAll(async () => {
  relay = await startMpcTestRelay();
  customerId = await createTestCustomer(relay);
  const init = await createTestChallenge(relay, customerId, 'initialize');
  client = await connectNode1(relay.wsUrl, createDevice(), customerId, { challengeId: init });
  provisioned = await provisionSolanaWallet(relay, customerId);
});
afterAll(async () => {
  await client?.close();
  await relay?.stop();
});

const signChallenge = () =>
  createTestChallenge(relay, customerId, 'sign-message', { walletId: provisioned.wallet.id, message: MESSAGE });

async function mismatchAudits(challengeId: string) {
  const r = await relay.db.query<{ details: any }>(
    "SELECT details FROM audit_log WHERE action = 'mpc.sign.digest_mismatch' AND target = $1",
    [`challenge:${challengeId}`],
  );
  return r.rows.map((x) => x.details.stage);
}

describe('frost-sign (ed25519) over /v2/mpc', () => {
  it('signs the approved message; the signature verifies under the Solana wallet key', async () => {
    const challengeId = await signChallenge();
    const run = await runFrostSign(client, {
      challengeId,
      share: provisioned.clientShare,
      message: bytes,
      derivationPath: provisioned.wallet.derivationPath,
    });
    // The result is the chain layer's: a Solana signature in base58.
    expect(run.result.signature).toBe(base58.encode(fromHex(run.output.signature)));
    expect(ed25519.verify(fromHex(run.output.signature), bytes, fromHex(provisioned.wallet.publicKey))).toBe(true);
    expect((await getChallenge(relay.db, challengeId))?.status).toBe('verified');
  });

  it('signs a challenge once', async () => {
    const challengeId = await signChallenge();
    const opts = {
      challengeId,
      share: provisioned.clientShare,
      message: bytes,
      derivationPath: provisioned.wallet.derivationPath,
    };
    await runFrostSign(client, opts);
    await expect(runFrostSign(client, opts)).rejects.toThrow(/challenge-already-used/);
  });

  it('refuses and audits a client that asks to sign another message', async () => {
    const challengeId = await signChallenge();
    const attempt = runFrostSign(client, {
      challengeId,
      share: provisioned.clientShare,
      message: new TextEncoder().encode('approve unlimited spend'),
      derivationPath: provisioned.wallet.derivationPath,
    });
    await expect(attempt).rejects.toThrow(/digest-mismatch/);
    expect(await mismatchAudits(challengeId)).toEqual(['start']);
    expect((await getChallenge(relay.db, challengeId))?.status).toBe('failed');
  });

  it('refuses and audits a client that silently signs another message', async () => {
    const challengeId = await signChallenge();
    const attempt = runFrostSign(client, {
      challengeId,
      share: provisioned.clientShare,
      message: new TextEncoder().encode('approve unlimited spend'),
      derivationPath: provisioned.wallet.derivationPath,
      announceMessage: false,
    });
    // Both sides send round 1 at once: Node 1 sees the mismatch in Node 2's commitments too.
    await expect(attempt).rejects.toThrow(/sessionId/);
    expect(await client.nextControl('session.abort')).toMatchObject({ code: 'digest-mismatch' });
    expect(await mismatchAudits(challengeId)).toEqual(['first-message']);
    expect((await getChallenge(relay.db, challengeId))?.status).toBe('failed');
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
    await expect(client.startSession(challengeId, 'frost-sign')).rejects.toThrow(/challenge-expired/);
  });
});
