/**
 * Reset a forgotten PIN end to end on the relay, as the Gateway will drive it: onboarding (PIN, email
 * recovery, a wallet), then a reset-pin challenge — email code → the email copy opens → a new PIN is
 * enrolled → every MPC key is refreshed over /v2/mpc → the bundle is re-wrapped → the relay completes
 * the challenge only when it can see each step. Afterwards the old PIN opens nothing, the old share
 * cannot sign, and the new PIN's copy signs.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../../protocol/bytes.js';
import { evmMessageBytes, personalSignDigest } from '../../../protocol/chains/evm/messages.js';
import type { Ecdsa2pKeyShare } from '../../../protocol/ecdsa2p/index.js';
import { generateRecoveryKitCode } from '../../../protocol/pin/recovery-kit.js';
import { wrapBundle } from '../../../protocol/pin/wrap.js';
import { secureRng } from '../../../protocol/rng.js';
import { getChallenge } from '../../../relay/challenges/store.js';
import { ecdsaRootKeyId } from '../../../relay/mpc/key-ids.js';
import { createGatewayClient } from '../../helpers/gateway-client.js';
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
  runShareRefresh,
  startMpcTestRelay,
} from '../../helpers/node1.js';

interface Bundle {
  evm: Ecdsa2pKeyShare;
}

const OLD_PIN = '482915';
const NEW_PIN = '593826';
let relay: MpcTestRelay;
let gateway: ReturnType<typeof createGatewayClient>;
let client: Node1Client;
let customerId: string;
let evm: ProvisionedEvmWallet;
let kitCode: string;
const QUESTIONS = ['First pet?', 'Street you grew up on?', 'Favourite teacher?'];
const ANSWERS = ['Rex', 'Elm  Street', 'Ms Ng'];
const email = `reset-${crypto.randomUUID().slice(0, 8)}@example.com`;

async function signWith(share: Ecdsa2pKeyShare) {
  const digest = personalSignDigest(evmMessageBytes('after the reset'));
  const challengeId = await createTestChallenge(relay, customerId, 'sign-message', {
    walletId: evm.wallet.id,
    message: 'after the reset',
  });
  const run = await runEcdsaSign(client, { challengeId, share, digest, path: evm.path });
  return { run, digest };
}

beforeAll(async () => {
  relay = await startMpcTestRelay();
  gateway = createGatewayClient(relay.url);
  customerId = await createTestCustomer(relay);
  const init = await createTestChallenge(relay, customerId, 'initialize');
  client = await connectNode1(relay.wsUrl, createDevice(), customerId, { challengeId: init });
  evm = await provisionEvmWallet(relay, customerId);
  const bundle: Bundle = { evm: evm.clientShare };

  const key = await gateway.enrolPin(init, customerId, OLD_PIN);
  await gateway.storeCopy(init, 'pin', await gateway.wrapPinCopy(bundle, customerId, key));
  const early = await gateway.complete(init);
  expect(early.status).toBe(409);
  expect(early.json.message).toMatch(/recovery method/);
  if (!relay.mailbox) throw new Error('the test relay should run its dev mailbox');
  await gateway.setUpEmail(init, customerId, email, relay.mailbox, bundle);
  kitCode = await gateway.setUpKit(init, customerId, bundle);
  const answersKey = await gateway.enrolAnswers(init, customerId, QUESTIONS, ANSWERS);
  await gateway.storeCopy(init, 'questions', await gateway.wrapAnswersCopy(bundle, customerId, answersKey));
  const done = await gateway.complete(init);
  expect(done.status, JSON.stringify(done.json)).toBe(200);
  expect((await getChallenge(relay.db, init))?.status).toBe('verified');
}, 120_000);
afterAll(async () => {
  await client?.close();
  await relay?.stop();
});

describe('reset a forgotten PIN through email recovery', () => {
  it('completes only after recovery, a new PIN, a share refresh and a re-wrap; then only the new PIN works', async () => {
    const reset = await createTestChallenge(relay, customerId, 'reset-pin');

    // Nothing done yet: the relay will not complete it, and no new PIN may be enrolled without a recovery.
    expect((await gateway.complete(reset)).json.message).toMatch(/no new PIN/);
    await expect(gateway.enrolPin(reset, customerId, NEW_PIN)).rejects.toThrow(/409/);

    // 1. The emailed code releases the email copy, which holds the user's share.
    const released = await gateway.recoverByEmail(reset, customerId, email, relay.mailbox!);
    const recovered = await gateway.unwrap<Bundle>(released.wrapped, released.key);
    expect(recovered.evm.publicKey).toBe(evm.clientShare.publicKey);

    // 2. A new PIN (enrolment is open now).
    const newKey = await gateway.enrolPin(reset, customerId, NEW_PIN);
    expect((await gateway.complete(reset)).json.message).toMatch(/re-wrapped/);

    // A re-wrap of the old share is not enough: the shares must be refreshed first.
    await gateway.storeCopy(reset, 'pin', await gateway.wrapPinCopy(recovered, customerId, newKey));
    expect((await gateway.complete(reset)).json.message).toMatch(/refreshed/);

    // 3. Share refresh of every key, 4. re-wrap every copy with the new share.
    const keyId = ecdsaRootKeyId(customerId, 'evm');
    const refreshed = await runShareRefresh(client, reset, { ecdsa: { [keyId]: recovered.evm } });
    const fresh: Bundle = { evm: refreshed.ecdsa[keyId] as Ecdsa2pKeyShare };
    await gateway.storeCopy(reset, 'pin', await gateway.wrapPinCopy(fresh, customerId, newKey));
    await gateway.storeCopy(
      reset,
      'email',
      await wrapBundle(fresh, released.key, { method: 'email', customerId, kdf: released.wrapped.kdf }, secureRng),
    );
    // The kit and questions copies still hold the old share: the relay refuses to complete until they are
    // replaced (the Gateway issues a new kit and asks for the answers again).
    expect((await gateway.complete(reset)).json.message).toMatch(/re-wrap the kit, questions copies/);
    kitCode = await gateway.setUpKit(reset, customerId, fresh);
    const answersKey = await gateway.enrolAnswers(reset, customerId, QUESTIONS, ANSWERS);
    await gateway.storeCopy(reset, 'questions', await gateway.wrapAnswersCopy(fresh, customerId, answersKey));
    const completed = await gateway.complete(reset);
    expect(completed.status, JSON.stringify(completed.json)).toBe(200);
    expect(completed.json.data.result).toMatchObject({ pinChanged: true, sharesRefreshed: true });
    expect((await getChallenge(relay.db, reset))?.status).toBe('verified');

    // After the reset: the old PIN opens nothing, the new one does and its share signs.
    const later = await createTestChallenge(relay, customerId, 'sign-message', {
      walletId: evm.wallet.id,
      message: 'x',
    });
    const pinCopy = await gateway.fetchCopy(later, 'pin');
    const withOld = await gateway.unlockPin(later, customerId, OLD_PIN, pinCopy);
    expect('refused' in withOld && withOld.refused.status).toBe(400);
    const withNew = await gateway.unlockPin(later, customerId, NEW_PIN, pinCopy);
    if (!('key' in withNew)) throw new Error(`new PIN refused: ${JSON.stringify(withNew.refused.json)}`);
    const unlocked = await gateway.unwrap<Bundle>(pinCopy, withNew.key.rootKey);
    const { run, digest } = await signWith(unlocked.evm);
    expect(
      secp256k1.verify(fromHex(run.signature.signature), digest, fromHex(evm.wallet.publicKey), { prehash: false }),
    ).toBe(true);
    await expect(signWith(evm.clientShare)).rejects.toThrow();
  });

  it('resets again with the recovery kit: the kit copy opens offline, a signed nonce proves the code', async () => {
    const reset = await createTestChallenge(relay, customerId, 'reset-pin');
    const { wrapped, key, proved } = await gateway.recoverByKit(reset, customerId, kitCode);
    expect(proved.status, JSON.stringify(proved.json)).toBe(200);
    // The kit issued during the first reset holds the refreshed share, not the original one.
    const fromKit = await gateway.unwrap<Bundle>(wrapped, key);
    expect(fromKit.evm.publicKey).toBe(evm.clientShare.publicKey);
    expect(fromKit.evm.secretShare).not.toBe(evm.clientShare.secretShare);
    await gateway.enrolPin(reset, customerId, '615824');
  });

  it('resets with the security answers: the guard checks them under their own counter, then PIN enrolment opens', async () => {
    const reset = await createTestChallenge(relay, customerId, 'reset-pin');
    const copy = await gateway.fetchCopy(reset, 'questions');
    const wrong = await gateway.unlockAnswers(reset, customerId, ['Rex', 'Oak Street', 'Ms Ng'], copy);
    expect('refused' in wrong && wrong.refused.json.message).toMatch(/wrong answers/);
    await expect(gateway.enrolPin(reset, customerId, '615824')).rejects.toThrow(/409/);
    // Answers are normalised: case and inner spacing do not matter.
    const right = await gateway.unlockAnswers(reset, customerId, ['rex', 'ELM STREET', 'ms  ng'], copy);
    if (!('key' in right)) throw new Error(`answers refused: ${JSON.stringify(right.refused.json)}`);
    const bundle = await gateway.unwrap<Bundle>(copy, right.key.rootKey);
    expect(bundle.evm.publicKey).toBe(evm.clientShare.publicKey);
    await gateway.enrolPin(reset, customerId, '615824');
  });

  it('refuses a recovery kit proof made with another code', async () => {
    const reset = await createTestChallenge(relay, customerId, 'reset-pin');
    const { proved } = await gateway.recoverByKit(reset, customerId, generateRecoveryKitCode(secureRng));
    expect(proved.status).toBe(400);
    expect(proved.json.message).toMatch(/does not belong/);
    // No PIN enrolment was opened by the refused proof.
    await expect(gateway.enrolPin(reset, customerId, '615824')).rejects.toThrow(/409/);
  });

  it('refuses a kit copy stored without its public key', async () => {
    const recovery = await createTestChallenge(relay, customerId, 'recovery');
    const copy = await gateway.fetchCopy(await createTestChallenge(relay, customerId, 'reset-pin'), 'kit');
    const r = await gateway.call('PUT', recovery, '/copies/kit', { wrapped: copy });
    expect(r.status).toBe(400);
    expect(r.json.message).toMatch(/kitPublicKey/);
  });

  it('refuses to complete an update-pin challenge without a new PIN', async () => {
    const update = await createTestChallenge(relay, customerId, 'update-pin');
    const r = await gateway.complete(update);
    expect(r.status).toBe(409);
    expect(r.json.message).toMatch(/no new PIN/);
  });

  it('refuses to complete a challenge kind that completes with its own ceremony', async () => {
    const sign = await createTestChallenge(relay, customerId, 'sign-message', {
      walletId: evm.wallet.id,
      message: 'x',
    });
    const r = await gateway.complete(sign);
    expect(r.status).toBe(409);
  });
});
