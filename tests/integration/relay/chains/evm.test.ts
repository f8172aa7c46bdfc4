/**
 * EVM end to end on anvil: a native transfer and an ERC-20 transfer built by the relay's adapter,
 * signed by a local key standing in for the MPC signature (the MPC engine is tested elsewhere),
 * broadcast through the adapter and tracked to `confirmed`, with the `transaction.*` webhooks queued.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { createPublicClient, createWalletClient, http, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evmAddressFromPublicKey } from '../../../../protocol/chains/evm/address.js';
import type { ChainSignature, SigningRequest } from '../../../../protocol/chains/types.js';
import { challengeSigning } from '../../../../relay/chains/challenge-signing.js';
import { getWalletById } from '../../../../relay/wallets/store.js';
import { ANVIL_FUNDER_KEY, type Anvil, startAnvil } from '../../../helpers/chains/anvil.js';
import { tinyErc20CreationCode } from '../../../helpers/chains/tiny-erc20.js';
import { type SeededWallet, seedWallet, waitForStatus } from '../../../helpers/chains/wallets.js';
import { startTestRelay, type TestRelay } from '../../../helpers/relay.js';

const secret = secp256k1.utils.randomSecretKey();
const publicKey = secp256k1.getPublicKey(secret, true);
const address = evmAddressFromPublicKey(publicKey);
const RECIPIENT = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
// The first contract anvil's account 0 deploys (nonce 0) lands here.
const TOKEN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

function sign(request: SigningRequest): ChainSignature {
  if (request.scheme !== 'ecdsa-secp256k1') throw new Error(`unexpected scheme ${request.scheme}`);
  const sig = secp256k1.Signature.fromBytes(
    secp256k1.sign(request.digest, secret, { prehash: false, format: 'recovered' }),
    'recovered',
  );
  return {
    scheme: 'ecdsa-secp256k1',
    r: sig.r.toString(16).padStart(64, '0'),
    s: sig.s.toString(16).padStart(64, '0'),
    recovery: sig.recovery as number,
  };
}

let anvil: Anvil;
let relay: TestRelay;
let seeded: SeededWallet;
const client = () => createPublicClient({ chain: foundry, transport: http(anvil.url) });

beforeAll(async () => {
  anvil = await startAnvil();
  const funder = createWalletClient({
    account: privateKeyToAccount(ANVIL_FUNDER_KEY),
    chain: foundry,
    transport: http(anvil.url),
  });
  const deploy = await funder.deployContract({ abi: [], bytecode: tinyErc20CreationCode(1_000_000_000_000n) });
  await client().waitForTransactionReceipt({ hash: deploy });
  await funder.writeContract({
    address: TOKEN,
    abi: [
      {
        type: 'function',
        name: 'transfer',
        stateMutability: 'nonpayable',
        inputs: [
          { name: 'to', type: 'address' },
          { name: 'amount', type: 'uint256' },
        ],
        outputs: [{ type: 'bool' }],
      },
    ],
    functionName: 'transfer',
    args: [address, 50_000_000n],
  });
  await funder.sendTransaction({ to: address, value: parseEther('10') });
  process.env.TANDEM_RPC_EVM_LOCAL = anvil.url;
  // The registry knows the test token, so balances list it and transfers can name it by tokenId.
  const dir = mkdtempSync(join(tmpdir(), 'tandem-chains-'));
  process.env.TANDEM_CHAINS_FILE = join(dir, 'chains.json');
  writeFileSync(
    process.env.TANDEM_CHAINS_FILE,
    JSON.stringify({
      chains: [
        {
          id: 'EVM-LOCAL',
          tokens: [{ id: 'EVM-LOCAL:TT', symbol: 'TT', decimals: 6, address: TOKEN, standard: 'erc20' }],
        },
      ],
    }),
  );
  process.env.TANDEM_CHAIN_POLL_MS = '100';
  relay = await startTestRelay();
  seeded = await seedWallet(relay, {
    blockchain: 'EVM-LOCAL',
    address,
    publicKey: bytesToHex(publicKey),
    derivationPath: 'm/0/0',
    keyFamily: 'evm',
  });
  // An endpoint subscribed to every event, so enqueueWebhookEvent writes outbox rows we can read.
  await relay.db.query(
    `INSERT INTO webhook_endpoints (id, organisation_id, url, events, secret) VALUES ($1, $2, 'http://127.0.0.1:9/hook', ARRAY['*'], 'test-secret')`,
    [crypto.randomUUID(), seeded.organisationId],
  );
});

afterAll(async () => {
  await relay?.stop();
  await anvil?.stop();
});

describe('EVM transfers on anvil', () => {
  it('native transfer: prepared, signed, broadcast, tracked to confirmed, with webhooks', async () => {
    const before = await client().getBalance({ address: RECIPIENT });
    const prepared = await relay.chains.prepareTransfer({
      ...seeded,
      feeLevel: 'medium',
      payload: { destinationAddress: RECIPIENT, amounts: ['1.25'] },
    });
    expect(prepared.transaction.status).toBe('pending');
    expect(prepared.description).toMatchObject({
      kind: 'native-transfer',
      to: RECIPIENT,
      amount: { formatted: '1.25', symbol: 'ETH' },
    });
    const broadcast = await relay.chains.finalizeAndBroadcast(prepared.transaction.id, prepared.requests.map(sign));
    expect(broadcast.status).toBe('broadcast');
    const final = await waitForStatus(relay, prepared.transaction.id, 'confirmed');
    expect(final.status).toBe('confirmed');
    expect(final.txHash).toBe(broadcast.txHash);
    expect(await client().getBalance({ address: RECIPIENT })).toBe(before + parseEther('1.25'));
    const receipt = await client().getTransactionReceipt({ hash: broadcast.txHash as `0x${string}` });
    expect(receipt.from.toLowerCase()).toBe(address.toLowerCase());
  });

  it('ERC-20 transfer by tokenAddress: decimals read from the contract, recipient credited', async () => {
    const prepared = await relay.chains.prepareTransfer({
      ...seeded,
      feeLevel: 'high',
      payload: { destinationAddress: RECIPIENT, tokenAddress: TOKEN, amounts: ['2.5'] },
    });
    expect(prepared.description).toMatchObject({
      kind: 'token-transfer',
      to: RECIPIENT,
      token: TOKEN,
      amount: { raw: '2500000' },
    });
    const done = await relay.chains.finalizeAndBroadcast(prepared.transaction.id, prepared.requests.map(sign));
    const final = await waitForStatus(relay, done.id, 'confirmed');
    expect(final.status).toBe('confirmed');
    const balance = await client().readContract({
      address: TOKEN,
      abi: [
        {
          type: 'function',
          name: 'balanceOf',
          stateMutability: 'view',
          inputs: [{ name: 'a', type: 'address' }],
          outputs: [{ type: 'uint256' }],
        },
      ],
      functionName: 'balanceOf',
      args: [RECIPIENT],
    });
    expect(balance).toBe(2_500_000n);
  });

  it('ERC-20 transfer by registry tokenId, and the token shows in the balances', async () => {
    const prepared = await relay.chains.prepareTransfer({
      ...seeded,
      feeLevel: 'medium',
      payload: { destinationAddress: RECIPIENT, tokenId: 'EVM-LOCAL:TT', amounts: ['0.5'] },
    });
    expect(prepared.transaction).toMatchObject({ tokenId: 'EVM-LOCAL:TT', symbol: 'TT', amounts: ['0.5'] });
    expect(prepared.description).toMatchObject({ kind: 'token-transfer', amount: { formatted: '0.5', symbol: 'TT' } });
    const done = await relay.chains.finalizeAndBroadcast(prepared.transaction.id, prepared.requests.map(sign));
    expect((await waitForStatus(relay, done.id, 'confirmed')).status).toBe('confirmed');
    const r = await relay.call('GET', `/v2/wallets/${seeded.walletId}/balances`);
    const token = r.json.data.balances.find((b: { tokenId: string | null }) => b.tokenId === 'EVM-LOCAL:TT');
    expect(token).toMatchObject({ symbol: 'TT', decimals: 6, isNative: false, amount: '47000000', formatted: '47' });
  });

  it('a transfer challenge through challengeSigning: result carries transactionId and transactionHash', async () => {
    const wallet = await getWalletById(relay.db, seeded.walletId);
    if (!wallet) throw new Error('wallet');
    const challenge = {
      id: crypto.randomUUID(),
      customerId: seeded.customerId,
      kind: 'transfer',
      payload: { walletId: seeded.walletId, destinationAddress: RECIPIENT, amounts: ['0.2'], feeLevel: 'low' },
    };
    const signing = await challengeSigning(relay.chains, challenge, wallet);
    expect(signing.signable.unsignedTransaction).toMatchObject({
      family: 'evm',
      to: RECIPIENT,
      value: '200000000000000000',
    });
    const result = await signing.complete(signing.requests.map(sign));
    expect(result).toMatchObject({ status: 'broadcast', transactionHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    const final = await waitForStatus(relay, result.transactionId as string, 'confirmed');
    expect(final).toMatchObject({ status: 'confirmed', challengeId: challenge.id });
  });

  it('a reverting token transfer is refused before signing (422)', async () => {
    await expect(
      relay.chains.prepareTransfer({
        ...seeded,
        feeLevel: 'low',
        payload: { destinationAddress: RECIPIENT, tokenAddress: TOKEN, amounts: ['1000000'] },
      }),
    ).rejects.toMatchObject({ status: 422 });
  });

  it('a signature by another key is refused and the transaction stays pending', async () => {
    const prepared = await relay.chains.prepareTransfer({
      ...seeded,
      feeLevel: 'low',
      payload: { destinationAddress: RECIPIENT, amounts: ['0.1'] },
    });
    const other = secp256k1.utils.randomSecretKey();
    const request = prepared.requests[0] as SigningRequest & { digest: Uint8Array };
    const sig = secp256k1.Signature.fromBytes(
      secp256k1.sign(request.digest, other, { prehash: false, format: 'recovered' }),
      'recovered',
    );
    await expect(
      relay.chains.finalizeAndBroadcast(prepared.transaction.id, [
        {
          scheme: 'ecdsa-secp256k1',
          r: sig.r.toString(16).padStart(64, '0'),
          s: sig.s.toString(16).padStart(64, '0'),
          recovery: sig.recovery as number,
        },
      ]),
    ).rejects.toThrow(/a signature by/);
    const r = await relay.call('GET', `/v2/transactions/${prepared.transaction.id}`);
    expect(r.json.data.status).toBe('pending');
    await relay.chains.markFailed(prepared.transaction.id, 'signing abandoned');
  });

  it('one transaction per challenge: a retried prepare returns the same unsigned transaction', async () => {
    const challengeId = crypto.randomUUID();
    const a = await relay.chains.prepareTransfer({
      ...seeded,
      challengeId,
      feeLevel: 'low',
      payload: { destinationAddress: RECIPIENT, amounts: ['0.01'] },
    });
    const b = await relay.chains.prepareTransfer({
      ...seeded,
      challengeId,
      feeLevel: 'low',
      payload: { destinationAddress: RECIPIENT, amounts: ['0.01'] },
    });
    expect(b.transaction.id).toBe(a.transaction.id);
    expect(b.unsigned).toEqual(a.unsigned);
    await relay.chains.markFailed(a.transaction.id, 'test cleanup');
  });

  it('one transaction per challenge even when two prepares race', async () => {
    const challengeId = crypto.randomUUID();
    const params = {
      ...seeded,
      challengeId,
      feeLevel: 'low' as const,
      payload: { destinationAddress: RECIPIENT, amounts: ['0.01'] },
    };
    const [a, b] = await Promise.all([relay.chains.prepareTransfer(params), relay.chains.prepareTransfer(params)]);
    expect(b.transaction.id).toBe(a.transaction.id);
    await relay.chains.markFailed(a.transaction.id, 'test cleanup');
  });

  it('GET /v2/wallets/:id/balances shows the native balance', async () => {
    const r = await relay.call('GET', `/v2/wallets/${seeded.walletId}/balances`);
    expect(r.status).toBe(200);
    const native = r.json.data.balances.find((b: { isNative: boolean }) => b.isNative);
    expect(native).toMatchObject({ blockchain: 'EVM-LOCAL', symbol: 'ETH', decimals: 18 });
    expect(BigInt(native.amount)).toBe(await client().getBalance({ address }));
  });

  it('fee estimates for a transfer at three levels, low ≤ medium ≤ high', async () => {
    const r = await relay.call('POST', '/v2/transactions/transfer/estimate-fee', {
      walletId: seeded.walletId,
      destinationAddress: RECIPIENT,
      amounts: ['0.5'],
    });
    expect(r.status).toBe(200);
    const { low, medium, high } = r.json.data;
    expect(BigInt(low.networkFeeRaw)).toBeLessThanOrEqual(BigInt(medium.networkFeeRaw));
    expect(BigInt(medium.networkFeeRaw)).toBeLessThanOrEqual(BigInt(high.networkFeeRaw));
    expect(low.symbol).toBe('ETH');
  });

  it('fee estimate for a contract call', async () => {
    const r = await relay.call('POST', '/v2/transactions/contract-execution/estimate-fee', {
      walletId: seeded.walletId,
      contractAddress: TOKEN,
      abiFunctionSignature: 'transfer(address,uint256)',
      abiParameters: [RECIPIENT, '1'],
    });
    expect(r.status).toBe(200);
    expect(BigInt(r.json.data.medium.networkFeeRaw)).toBeGreaterThan(0n);
  });

  it('lists transactions with filters', async () => {
    const all = await relay.call('GET', `/v2/transactions?walletIds=${seeded.walletId}&status=confirmed&limit=50`);
    expect(all.status).toBe(200);
    expect(all.json.data.transactions.length).toBe(4);
    expect(all.json.data.transactions.every((t: { status: string }) => t.status === 'confirmed')).toBe(true);
    const byOp = await relay.call('GET', '/v2/transactions?operation=contract-execution');
    expect(byOp.json.data.transactions).toEqual([]);
  });

  it('queues transaction.created, signed, broadcast and confirmed webhooks, in that order', async () => {
    const tx = await relay.db.query<{ id: string }>(
      "SELECT id FROM transactions WHERE status = 'confirmed' ORDER BY created_at LIMIT 1",
    );
    const id = tx.rows[0]?.id as string;
    const rows = await relay.db.query<{ event: string; body: string }>(
      'SELECT event, body FROM webhook_outbox ORDER BY created_at, event',
    );
    const mine = rows.rows.filter((r) => JSON.parse(r.body).data.transactionId === id);
    expect(mine.map((r) => r.event)).toEqual([
      'transaction.created',
      'transaction.signed',
      'transaction.broadcast',
      'transaction.confirmed',
    ]);
    const confirmed = JSON.parse(mine[3]?.body as string);
    expect(confirmed.data).toMatchObject({ status: 'confirmed', blockchain: 'EVM-LOCAL', walletId: seeded.walletId });
    expect(confirmed.data.txHash).toMatch(/^0x[0-9a-f]{64}$/);
  });
});
