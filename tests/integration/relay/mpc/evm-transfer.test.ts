/**
 * An EVM transfer end to end, from the business's API call to `confirmed` on anvil, with the signature
 * made by the two-party ECDSA ceremony over /v2/mpc: the relay builds the unsigned transaction from the
 * approved payload; the scripted Node 1 checks it pays exactly the approved recipient and amount,
 * recomputes the digest itself, and runs its side of DKLs23; the relay assembles, broadcasts and tracks.
 */
import { createPublicClient, createWalletClient, getAddress, http, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../../protocol/bytes.js';
import { checkTransactionMatchesApproval } from '../../../../protocol/chains/approval.js';
import { evmAddressFromPublicKey } from '../../../../protocol/chains/evm/address.js';
import {
  signingRequestsFor,
  type UnsignedTransaction,
  validateUnsignedTransaction,
} from '../../../../protocol/chains/unsigned.js';
import { deriveNonHardened } from '../../../../protocol/ecdsa2p/derivation.js';
import { Point } from '../../../../protocol/ecdsa2p/group.js';
import {
  type Ecdsa2pKeyShare,
  type Ecdsa2pSignature,
  receiveSign,
  type SignState,
  startSignClient,
} from '../../../../protocol/ecdsa2p/index.js';
import { secureRng } from '../../../../protocol/rng.js';
import { loadMasterKey } from '../../../../relay/crypto/master-key.js';
import { ecdsaRootKeyId } from '../../../../relay/mpc/key-ids.js';
import { insertKeyShare } from '../../../../relay/mpc/key-shares.js';
import { insertWallet } from '../../../../relay/wallets/store.js';
import { ANVIL_FUNDER_KEY, type Anvil, startAnvil } from '../../../helpers/chains/anvil.js';
import { waitForStatus } from '../../../helpers/chains/wallets.js';
import { connectNode1, createDevice, type Node1Client, runLocalEcdsaDkg } from '../../../helpers/node1.js';
import { startTestRelay, type TestRelay } from '../../../helpers/relay.js';

const RECIPIENT = getAddress('0x00000000000000000000000000000000000da7a1');
let anvil: Anvil;
let relay: TestRelay;
let node1: Node1Client;
let customerId: string;
let walletId: string;
let walletAddress: string;
let clientShare: Ecdsa2pKeyShare;
const chain = () => createPublicClient({ chain: foundry, transport: http(anvil.url) });

beforeAll(async () => {
  anvil = await startAnvil();
  process.env.TANDEM_RPC_EVM_LOCAL = anvil.url;
  process.env.TANDEM_CHAIN_POLL_MS = '100';
  relay = await startTestRelay();
  const created = await relay.call('POST', '/v2/customers', { name: 'Ada', refId: crypto.randomUUID() });
  customerId = created.json.data.id;
  const init = await relay.call('POST', `/v2/customers/${customerId}/initialize`, {
    redirectUrl: 'http://127.0.0.1:9/back',
  });
  node1 = await connectNode1(`${relay.url.replace('http://', 'ws://')}/v2/mpc`, createDevice(), customerId, {
    challengeId: init.json.data.challengeId,
  });
  // Onboarding and the wallet-create ceremony are tested on their own; here the wallet comes from an
  // in-memory DKG and the customer is marked as onboarded.
  const organisationId = (
    await relay.db.query<{ organisation_id: string }>('SELECT organisation_id FROM customers WHERE id = $1', [
      customerId,
    ])
  ).rows[0]?.organisation_id as string;
  await relay.db.query('UPDATE customers SET has_pin = true, has_recovery = true WHERE id = $1', [customerId]);
  const keyId = ecdsaRootKeyId(customerId, 'evm');
  const { client, server } = runLocalEcdsaDkg(keyId);
  clientShare = client;
  const child = deriveNonHardened(Point.fromHex(server.publicKey), Buffer.from(server.chainCode, 'hex'), 'm/0/0');
  const publicKey = child.publicKey.toBytes(true);
  walletAddress = evmAddressFromPublicKey(publicKey);
  const wallet = await relay.db.transaction(async (tx) => {
    await insertKeyShare(tx, loadMasterKey({ dataDir: relay.dataDir }), {
      organisationId,
      customerId,
      keyId,
      purpose: 'ecdsa2p-share',
      epoch: server.epoch,
      publicKey: server.publicKey,
      secret: server,
    });
    return insertWallet(tx, {
      organisationId,
      customerId,
      blockchain: 'EVM-LOCAL',
      address: walletAddress,
      publicKey: toHex(publicKey),
      derivationPath: 'm/0/0',
      keyFamily: 'evm',
    });
  });
  walletId = wallet.id;
  const funder = createWalletClient({
    account: privateKeyToAccount(ANVIL_FUNDER_KEY),
    chain: foundry,
    transport: http(anvil.url),
  });
  await chain().waitForTransactionReceipt({
    hash: await funder.sendTransaction({ to: walletAddress as `0x${string}`, value: parseEther('5') }),
  });
}, 120_000);

afterAll(async () => {
  await node1?.close();
  await relay?.stop();
  await anvil?.stop();
  delete process.env.TANDEM_RPC_EVM_LOCAL;
});

describe('EVM transfer from the API call to confirmed, signed 2-of-2', () => {
  it('builds, checks, co-signs, broadcasts and confirms 1.5 ETH to the approved recipient', async () => {
    const before = await chain().getBalance({ address: RECIPIENT });
    const challenge = await relay.call('POST', `/v2/customers/${customerId}/transactions/transfer`, {
      walletId,
      destinationAddress: RECIPIENT,
      amounts: ['1.5'],
      feeLevel: 'medium',
      redirectUrl: 'http://127.0.0.1:9/paid',
      idempotencyKey: crypto.randomUUID(),
    });
    expect(challenge.status, JSON.stringify(challenge.json)).toBe(201);
    const challengeId = challenge.json.data.challengeId as string;

    // Node 1 states no digest up front: it takes the relay-built transaction, checks it against what
    // the user approved, and derives the digest itself.
    const ready = await node1.startSession(challengeId, 'ecdsa-sign', {});
    const signable = ready.params.signable as { unsignedTransaction: UnsignedTransaction; transactionId: string };
    const tx = validateUnsignedTransaction(signable.unsignedTransaction);
    checkTransactionMatchesApproval(tx, {
      kind: 'transfer',
      from: walletAddress,
      to: RECIPIENT,
      amount: '1.5',
      nativeDecimals: 18,
    });
    const [request] = signingRequestsFor(tx);
    if (request?.scheme !== 'ecdsa-secp256k1') throw new Error('expected an ECDSA signing request');
    expect(toHex(request.digest)).toBe(ready.params.digest);

    const start = startSignClient({
      share: clientShare,
      digest: request.digest,
      path: request.derivationPath,
      serverNonce: ready.params.serverNonce as string,
      rng: secureRng,
    });
    let state: SignState = start.state;
    for (const m of start.outgoing) node1.send(m);
    let signature: Ecdsa2pSignature | undefined;
    while (!signature) {
      const step = receiveSign(state, await node1.nextProtocol(ready.protocol), secureRng);
      state = step.state;
      for (const m of step.outgoing) node1.send(m);
      signature = step.output;
    }
    const done = await node1.nextControl(['session.done', 'session.abort', 'error']);
    expect(done.type, JSON.stringify(done)).toBe('session.done');

    const read = await relay.call('GET', `/v2/customers/${customerId}/challenges/${challengeId}`);
    expect(read.json.data.status).toBe('verified');
    expect(read.json.data.result).toMatchObject({
      transactionId: signable.transactionId,
      transactionHash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
    });
    const tracked = await waitForStatus(relay, signable.transactionId, 'confirmed', 30_000);
    expect(tracked.status).toBe('confirmed');
    expect((await chain().getBalance({ address: RECIPIENT })) - before).toBe(parseEther('1.5'));
    const receipt = await chain().getTransactionReceipt({ hash: read.json.data.result.transactionHash });
    expect(receipt.from.toLowerCase()).toBe(walletAddress.toLowerCase());
  });
});
