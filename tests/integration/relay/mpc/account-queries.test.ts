/**
 * The popup's read-only queries over /v2/mpc (relay/mpc/account-queries.ts): a registered device asks
 * for its customer's balances and recent activity. Balances come from the real chain adapters against
 * anvil (EVM) and the litesvm RPC (Solana); a chain whose node is down answers per wallet; another
 * customer's wallets and challenges never appear; malformed requests close the connection; each
 * device is rate-limited across its connections.
 */
import { Keypair } from '@solana/web3.js';
import { createPublicClient, createWalletClient, getAddress, http, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../../protocol/bytes.js';
import { evmAddressFromPublicKey } from '../../../../protocol/chains/evm/address.js';
import {
  signingRequestsFor,
  type UnsignedTransaction,
  validateUnsignedTransaction,
} from '../../../../protocol/chains/unsigned.js';
import { deriveNonHardened } from '../../../../protocol/ecdsa2p/derivation.js';
import { Point } from '../../../../protocol/ecdsa2p/group.js';
import { receiveSign, type SignState, startSignClient } from '../../../../protocol/ecdsa2p/index.js';
import { secureRng } from '../../../../protocol/rng.js';
import type {
  AccountActivityResult,
  AccountBalancesResult,
  ControlMessage,
  ErrorMessage,
} from '../../../../protocol/wire/control.js';
import { CONTROL_PROTOCOL } from '../../../../protocol/wire/envelope.js';
import { loadMasterKey } from '../../../../relay/crypto/master-key.js';
import { ecdsaRootKeyId } from '../../../../relay/mpc/key-ids.js';
import { insertKeyShare } from '../../../../relay/mpc/key-shares.js';
import { insertWallet, type WalletKeyFamily } from '../../../../relay/wallets/store.js';
import { createApiCaller } from '../../../helpers/api-caller.js';
import { ANVIL_FUNDER_KEY, type Anvil, freePort, startAnvil } from '../../../helpers/chains/anvil.js';
import { type LiteSvmRpc, startLiteSvmRpc } from '../../../helpers/chains/litesvm-rpc.js';
import {
  connectNode1,
  createDevice,
  createTestChallenge,
  createTestCustomer,
  type MpcTestRelay,
  type Node1Client,
  runLocalEcdsaDkg,
  startMpcTestRelay,
} from '../../../helpers/node1.js';

const QUERIES_PER_MINUTE = 6;
const RECIPIENT = getAddress('0x00000000000000000000000000000000000da7a1');

let anvil: Anvil;
let svm: LiteSvmRpc;
let relay: MpcTestRelay;
const opened: Node1Client[] = [];

beforeAll(async () => {
  [anvil, svm] = await Promise.all([startAnvil(), startLiteSvmRpc()]);
  process.env.TANDEM_RPC_EVM_LOCAL = anvil.url;
  process.env.TANDEM_RPC_SOL_LOCAL = svm.url;
  // Nothing listens there: the Bitcoin node is "down".
  process.env.TANDEM_RPC_BTC_REGTEST = `http://127.0.0.1:${await freePort()}`;
  process.env.TANDEM_CHAIN_POLL_MS = '100';
  relay = await startMpcTestRelay({ mpcLimits: { accountQueriesPerMinute: QUERIES_PER_MINUTE } });
}, 60_000);

afterAll(async () => {
  for (const c of opened) await c.close();
  await relay?.stop();
  await Promise.all([anvil?.stop(), svm?.stop()]);
  for (const k of ['TANDEM_RPC_EVM_LOCAL', 'TANDEM_RPC_SOL_LOCAL', 'TANDEM_RPC_BTC_REGTEST', 'TANDEM_CHAIN_POLL_MS'])
    delete process.env[k];
});

/** A customer with a registered device, connected. */
async function onboardedDevice(): Promise<{ customerId: string; node1: Node1Client }> {
  const customerId = await createTestCustomer(relay);
  const challengeId = await createTestChallenge(relay, customerId, 'initialize');
  const node1 = await connectNode1(relay.wsUrl, createDevice(), customerId, { challengeId });
  opened.push(node1);
  await relay.db.query('UPDATE customers SET has_pin = true, has_recovery = true WHERE id = $1', [customerId]);
  return { customerId, node1 };
}

async function addWallet(
  customerId: string,
  blockchain: string,
  address: string,
  keyFamily: WalletKeyFamily,
): Promise<string> {
  const wallet = await relay.db.transaction((tx) =>
    insertWallet(tx, {
      organisationId: relay.organisationId,
      customerId,
      blockchain,
      address,
      publicKey: '02'.padEnd(66, '1'),
      derivationPath: 'm/0/0',
      keyFamily,
    }),
  );
  return wallet.id;
}

let requestCounter = 0;
async function ask(node1: Node1Client, type: 'account.balances' | 'account.activity'): Promise<ControlMessage> {
  const requestId = `q_${++requestCounter}`;
  node1.sendControl({ type, requestId });
  const env = await node1.next((e) => {
    if (e.protocol !== CONTROL_PROTOCOL) return false;
    const m = e.payload as { requestId?: string };
    return m.requestId === requestId;
  }, 20_000);
  return env.payload as ControlMessage;
}

async function balancesOf(node1: Node1Client): Promise<AccountBalancesResult> {
  const answer = await ask(node1, 'account.balances');
  if (answer.type !== 'account.balances.result') throw new Error(`expected balances, got ${JSON.stringify(answer)}`);
  return answer;
}

async function fundEvm(address: string, ether: string): Promise<void> {
  const funder = createWalletClient({
    account: privateKeyToAccount(ANVIL_FUNDER_KEY),
    chain: foundry,
    transport: http(anvil.url),
  });
  const hash = await funder.sendTransaction({ to: address as `0x${string}`, value: parseEther(ether) });
  await createPublicClient({ chain: foundry, transport: http(anvil.url) }).waitForTransactionReceipt({ hash });
}

describe('account.balances', () => {
  it('answers each wallet of the customer: EVM on anvil, Solana on litesvm, and an error for a node that is down', async () => {
    const { customerId, node1 } = await onboardedDevice();
    const evmAddress = privateKeyToAccount(`0x${'42'.repeat(32)}`).address;
    const solAddress = Keypair.generate().publicKey.toBase58();
    const evmId = await addWallet(customerId, 'EVM-LOCAL', evmAddress, 'evm');
    const solId = await addWallet(customerId, 'SOL-LOCAL', solAddress, 'solana');
    const btcId = await addWallet(customerId, 'BTC-REGTEST', 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080', 'bitcoin');
    await fundEvm(evmAddress, '2.5');
    svm.airdrop(solAddress, 1_500_000_000n);

    const answer = await balancesOf(node1);
    expect(answer.wallets).toEqual([
      {
        walletId: evmId,
        blockchain: 'EVM-LOCAL',
        address: evmAddress,
        addressType: null,
        balances: [{ symbol: 'ETH', amount: parseEther('2.5').toString(), decimals: 18 }],
      },
      {
        walletId: solId,
        blockchain: 'SOL-LOCAL',
        address: solAddress,
        addressType: null,
        balances: [{ symbol: 'SOL', amount: '1500000000', decimals: 9 }],
      },
      {
        walletId: btcId,
        blockchain: 'BTC-REGTEST',
        address: 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080',
        addressType: 'p2wpkh',
        error: 'the BTC-REGTEST node could not be reached',
      },
    ]);
    expect(node1.protocolErrors).toEqual([]);
  });

  it('serves a wallet from the cache for 15 s instead of asking the chain again', async () => {
    const { customerId, node1 } = await onboardedDevice();
    const solAddress = Keypair.generate().publicKey.toBase58();
    await addWallet(customerId, 'SOL-LOCAL', solAddress, 'solana');
    svm.airdrop(solAddress, 1_000_000_000n);
    const first = await balancesOf(node1);
    const callsAfterFirst = svm.calls.length;
    svm.airdrop(solAddress, 2_000_000_000n);
    const second = await balancesOf(node1);
    expect(second.wallets).toEqual(first.wallets);
    expect(svm.calls.length).toBe(callsAfterFirst);
  });

  it('answers an empty list for a customer without wallets', async () => {
    const { node1 } = await onboardedDevice();
    expect((await balancesOf(node1)).wallets).toEqual([]);
  });

  it("never lists another customer's wallets", async () => {
    const alice = await onboardedDevice();
    const bob = await onboardedDevice();
    const aliceWallet = await addWallet(
      alice.customerId,
      'EVM-LOCAL',
      privateKeyToAccount(`0x${'43'.repeat(32)}`).address,
      'evm',
    );
    const bobWallet = await addWallet(
      bob.customerId,
      'EVM-LOCAL',
      privateKeyToAccount(`0x${'44'.repeat(32)}`).address,
      'evm',
    );
    expect((await balancesOf(alice.node1)).wallets.map((w) => w.walletId)).toEqual([aliceWallet]);
    expect((await balancesOf(bob.node1)).wallets.map((w) => w.walletId)).toEqual([bobWallet]);
  });
});

describe('account.activity', () => {
  it('lists the transfer with amount, recipient, transaction hash and confirmed status, newest first', async () => {
    const { customerId, node1 } = await onboardedDevice();
    const keyId = ecdsaRootKeyId(customerId, 'evm');
    const { client, server } = runLocalEcdsaDkg(keyId);
    const child = deriveNonHardened(Point.fromHex(server.publicKey), Buffer.from(server.chainCode, 'hex'), 'm/0/0');
    const publicKey = child.publicKey.toBytes(true);
    const address = evmAddressFromPublicKey(publicKey);
    const wallet = await relay.db.transaction(async (tx) => {
      await insertKeyShare(tx, loadMasterKey({ dataDir: relay.dataDir }), {
        organisationId: relay.organisationId,
        customerId,
        keyId,
        purpose: 'ecdsa2p-share',
        epoch: server.epoch,
        publicKey: server.publicKey,
        secret: server,
      });
      return insertWallet(tx, {
        organisationId: relay.organisationId,
        customerId,
        blockchain: 'EVM-LOCAL',
        address,
        publicKey: toHex(publicKey),
        derivationPath: 'm/0/0',
        keyFamily: 'evm',
      });
    });
    await fundEvm(address, '3');
    const api = createApiCaller(relay.url, relay.apiKey);
    const message = await api('POST', `/v2/customers/${customerId}/sign/message`, {
      walletId: wallet.id,
      message: 'hello',
      redirectUrl: 'http://127.0.0.1:9/back',
      idempotencyKey: crypto.randomUUID(),
    });
    expect(message.status, JSON.stringify(message.json)).toBe(201);
    const transfer = await api('POST', `/v2/customers/${customerId}/transactions/transfer`, {
      walletId: wallet.id,
      destinationAddress: RECIPIENT,
      amounts: ['1.25'],
      feeLevel: 'medium',
      redirectUrl: 'http://127.0.0.1:9/paid',
      idempotencyKey: crypto.randomUUID(),
    });
    expect(transfer.status, JSON.stringify(transfer.json)).toBe(201);
    const transferId = transfer.json.data.challengeId as string;

    const before = await ask(node1, 'account.activity');
    expect(before.type).toBe('account.activity.result');
    expect((before as AccountActivityResult).entries[0]).toEqual({
      challengeId: transferId,
      kind: 'transfer',
      status: 'pending',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      blockchain: 'EVM-LOCAL',
      amount: '1.25',
      symbol: null,
      recipient: RECIPIENT,
      transactionStatus: null,
      transactionHash: null,
    });

    const ready = await node1.startSession(transferId, 'ecdsa-sign', {});
    const signable = ready.params.signable as { unsignedTransaction: UnsignedTransaction };
    const [request] = signingRequestsFor(validateUnsignedTransaction(signable.unsignedTransaction));
    if (request?.scheme !== 'ecdsa-secp256k1') throw new Error('expected an ECDSA signing request');
    const start = startSignClient({
      share: client,
      digest: request.digest,
      path: request.derivationPath,
      serverNonce: ready.params.serverNonce as string,
      rng: secureRng,
    });
    let state: SignState = start.state;
    for (const m of start.outgoing) node1.send(m);
    for (let done = false; !done; ) {
      const step = receiveSign(state, await node1.nextProtocol(ready.protocol), secureRng);
      state = step.state;
      for (const m of step.outgoing) node1.send(m);
      done = step.output !== undefined;
    }
    expect((await node1.nextControl(['session.done', 'session.abort', 'error'])).type).toBe('session.done');

    let entry = (before as AccountActivityResult).entries[0];
    for (let i = 0; i < 50 && entry?.transactionStatus !== 'confirmed'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      // Polling here would spend the rate limit: read the store the way the query does, then ask once.
      const row = await relay.db.query<{ status: string }>('SELECT status FROM transactions WHERE challenge_id = $1', [
        transferId,
      ]);
      if (row.rows[0]?.status === 'confirmed') break;
    }
    const after = (await ask(node1, 'account.activity')) as AccountActivityResult;
    entry = after.entries[0];
    expect(entry).toMatchObject({
      challengeId: transferId,
      kind: 'transfer',
      status: 'verified',
      blockchain: 'EVM-LOCAL',
      amount: '1.25',
      symbol: 'ETH',
      recipient: RECIPIENT,
      transactionStatus: 'confirmed',
      transactionHash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
    });
    expect(after.entries.map((e) => e.kind)).toEqual(['transfer', 'sign-message', 'initialize']);
    expect(after.entries[1]).toMatchObject({ blockchain: 'EVM-LOCAL', amount: null, recipient: null });
  }, 60_000);

  it("never lists another customer's challenges", async () => {
    const alice = await onboardedDevice();
    const bob = await onboardedDevice();
    await createTestChallenge(relay, bob.customerId, 'wallet-create', { blockchains: ['EVM-LOCAL'] });
    const aliceAnswer = (await ask(alice.node1, 'account.activity')) as AccountActivityResult;
    const bobAnswer = (await ask(bob.node1, 'account.activity')) as AccountActivityResult;
    expect(aliceAnswer.entries.map((e) => e.kind)).toEqual(['initialize']);
    expect(bobAnswer.entries.map((e) => e.kind)).toEqual(['wallet-create', 'initialize']);
  });

  it('answers at most 20 entries', async () => {
    const { customerId, node1 } = await onboardedDevice();
    for (let i = 0; i < 22; i++) await createTestChallenge(relay, customerId, 'sign-message', { message: `m${i}` });
    const answer = (await ask(node1, 'account.activity')) as AccountActivityResult;
    expect(answer.entries).toHaveLength(20);
    const times = answer.entries.map((e) => e.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });
});

describe('refusals', () => {
  it(`refuses the ${QUERIES_PER_MINUTE + 1}th query in a minute, also on a new connection of the same device`, async () => {
    const customerId = await createTestCustomer(relay);
    const challengeId = await createTestChallenge(relay, customerId, 'initialize');
    const device = createDevice();
    const first = await connectNode1(relay.wsUrl, device, customerId, { challengeId });
    opened.push(first);
    for (let i = 0; i < QUERIES_PER_MINUTE - 1; i++)
      expect((await ask(first, 'account.activity')).type).not.toBe('error');
    const second = await connectNode1(relay.wsUrl, device, customerId);
    opened.push(second);
    expect((await ask(second, 'account.balances')).type).toBe('account.balances.result');
    const refused = (await ask(second, 'account.balances')) as ErrorMessage;
    expect(refused).toMatchObject({ type: 'error', code: 'rate-limited', fatal: false });
    expect(refused.message).toMatch(/at most 6 account queries a minute/);
    // Refused, not disconnected: other devices are not affected either.
    const other = await onboardedDevice();
    expect((await ask(other.node1, 'account.activity')).type).toBe('account.activity.result');
  });

  it('closes the connection on a balances request with an unknown field', async () => {
    const { node1 } = await onboardedDevice();
    node1.sendControl({ type: 'account.balances', requestId: 'r1', customerId: 'someone-else' } as never);
    const error = await node1.nextControl('error');
    expect(error).toMatchObject({ code: 'invalid-frame', fatal: true });
    expect(error.message).toMatch(/payload\.customerId/);
  });

  it('closes the connection on an activity request without requestId', async () => {
    const { node1 } = await onboardedDevice();
    node1.sendControl({ type: 'account.activity' } as never);
    const error = await node1.nextControl('error');
    expect(error).toMatchObject({ code: 'invalid-frame', fatal: true });
    expect(error.message).toMatch(/payload\.requestId/);
  });

  it('closes the connection when the client sends a result', async () => {
    const { node1 } = await onboardedDevice();
    node1.sendControl({ type: 'account.balances.result', requestId: 'r1', wallets: [] });
    const error = await node1.nextControl('error');
    expect(error).toMatchObject({ code: 'invalid-frame', fatal: true });
  });

  it('refuses a query before the handshake', async () => {
    const { Node1Client } = await import('../../../helpers/node1.js');
    const anonymous = await Node1Client.connect(relay.wsUrl);
    opened.push(anonymous);
    anonymous.sendControl({ type: 'account.balances', requestId: 'r1' });
    const error = await anonymous.nextControl('error');
    expect(error).toMatchObject({ code: 'handshake-required', fatal: true });
  });
});
