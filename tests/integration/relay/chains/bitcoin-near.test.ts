/**
 * Bitcoin and NEAR adapters against local HTTP fakes (tests/helpers/chains/fakes.ts): there is no
 * local Bitcoin or NEAR node here, so these fakes answer with the real Esplora / NEAR JSON-RPC shapes
 * and verify the signatures they receive. Signatures come from local keys standing in for MPC.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { p2tr, p2wpkh } from '@scure/btc-signer';
import { taprootTweakPrivKey } from '@scure/btc-signer/utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bitcoinNetwork } from '../../../../protocol/chains/bitcoin/network.js';
import { nearImplicitAccountId, nearPublicKeyString } from '../../../../protocol/chains/near/transaction.js';
import type { ChainSignature, SigningRequest } from '../../../../protocol/chains/types.js';
import { type FakeEsplora, type FakeNear, startFakeEsplora, startFakeNear } from '../../../helpers/chains/fakes.js';
import { type SeededWallet, seedWallet, waitForStatus } from '../../../helpers/chains/wallets.js';
import { startTestRelay, type TestRelay } from '../../../helpers/relay.js';

const net = bitcoinNetwork('regtest');
const btcSecret = secp256k1.utils.randomSecretKey();
const btcPub = secp256k1.getPublicKey(btcSecret, true);
const segwit = p2wpkh(btcPub, net);
const taproot = p2tr(btcPub.slice(1), undefined, net);
const BTC_RECIPIENT = p2wpkh(secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true), net).address as string;

const nearSeed = ed25519.utils.randomSecretKey();
const nearPub = ed25519.getPublicKey(nearSeed);
const nearAccount = nearImplicitAccountId(nearPub);

function signBitcoin(request: SigningRequest): ChainSignature {
  if (request.scheme === 'ecdsa-secp256k1') {
    const s = secp256k1.Signature.fromBytes(
      secp256k1.sign(request.digest, btcSecret, { prehash: false, format: 'recovered' }),
      'recovered',
    );
    return {
      scheme: 'ecdsa-secp256k1',
      r: s.r.toString(16).padStart(64, '0'),
      s: s.s.toString(16).padStart(64, '0'),
      recovery: s.recovery as number,
    };
  }
  if (request.scheme === 'bip340')
    return { scheme: 'bip340', signature: bytesToHex(schnorr.sign(request.digest, taprootTweakPrivKey(btcSecret))) };
  throw new Error('unexpected scheme');
}

let esplora: FakeEsplora;
let near: FakeNear;
let relay: TestRelay;
let segwitWallet: SeededWallet;
let taprootWallet: SeededWallet;
let nearWallet: SeededWallet;

beforeAll(async () => {
  esplora = await startFakeEsplora();
  near = await startFakeNear();
  esplora.utxos.set(segwit.address as string, [
    { txid: 'a1'.repeat(32), vout: 0, value: 150_000, script: segwit.script },
    { txid: 'a2'.repeat(32), vout: 1, value: 80_000, script: segwit.script },
  ]);
  esplora.utxos.set(taproot.address as string, [
    { txid: 'b1'.repeat(32), vout: 0, value: 90_000, script: taproot.script },
  ]);
  near.accounts.set(nearAccount, { amount: 5n * 10n ** 24n, publicKey: nearPublicKeyString(nearPub), nonce: 41 });
  process.env.TANDEM_RPC_BTC_REGTEST = esplora.url;
  process.env.TANDEM_RPC_NEAR_LOCAL = near.url;
  process.env.TANDEM_CHAIN_POLL_MS = '100';
  relay = await startTestRelay();
  segwitWallet = await seedWallet(relay, {
    blockchain: 'BTC-REGTEST',
    address: segwit.address as string,
    publicKey: bytesToHex(btcPub),
    derivationPath: 'm/0/0',
    keyFamily: 'bitcoin',
  });
  taprootWallet = await seedWallet(relay, {
    blockchain: 'BTC-REGTEST',
    address: taproot.address as string,
    publicKey: bytesToHex(btcPub.slice(1)),
    derivationPath: 'm/0/0',
    keyFamily: 'bitcoin',
  });
  nearWallet = await seedWallet(relay, {
    blockchain: 'NEAR-LOCAL',
    address: nearAccount,
    publicKey: bytesToHex(nearPub),
    derivationPath: "m/44'/397'/0'",
    keyFamily: 'near',
  });
});

afterAll(async () => {
  await relay?.stop();
  await esplora?.stop();
  await near?.stop();
});

describe('Bitcoin over Esplora (fake)', () => {
  it('P2WPKH transfer: two inputs, change back, signatures accepted, confirmed after a block', async () => {
    const prepared = await relay.chains.prepareTransfer({
      ...segwitWallet,
      feeLevel: 'medium',
      payload: { destinationAddress: BTC_RECIPIENT, amounts: ['0.002'] },
    });
    expect(prepared.requests).toHaveLength(2);
    expect(prepared.description).toMatchObject({
      kind: 'native-transfer',
      to: BTC_RECIPIENT,
      amount: { formatted: '0.002', symbol: 'BTC' },
    });
    const done = await relay.chains.finalizeAndBroadcast(prepared.transaction.id, prepared.requests.map(signBitcoin));
    expect(done.status).toBe('broadcast');
    expect(esplora.accepted.has(done.txHash as string)).toBe(true);
    const stillPending = await relay.call('GET', `/v2/transactions/${done.id}`);
    expect(stillPending.json.data.status).toBe('broadcast');
    esplora.mine();
    const final = await waitForStatus(relay, done.id, 'confirmed');
    expect(final).toMatchObject({ status: 'confirmed', blockNumber: 101 });
  });

  it('P2TR (BIP86 key path) transfer from the x-only wallet key is accepted', async () => {
    const prepared = await relay.chains.prepareTransfer({
      ...taprootWallet,
      feeLevel: 'low',
      payload: { destinationAddress: BTC_RECIPIENT, amounts: ['0.0005'] },
    });
    expect(prepared.requests[0]).toMatchObject({ scheme: 'bip340', taproot: 'bip86' });
    const done = await relay.chains.finalizeAndBroadcast(prepared.transaction.id, prepared.requests.map(signBitcoin));
    expect(done.status).toBe('broadcast');
  });

  it('fee estimates follow /fee-estimates (low 144 blocks < high 2 blocks)', async () => {
    const r = await relay.call('POST', '/v2/transactions/transfer/estimate-fee', {
      walletId: segwitWallet.walletId,
      destinationAddress: BTC_RECIPIENT,
      amounts: ['0.001'],
    });
    expect(r.status).toBe(200);
    expect(BigInt(r.json.data.low.networkFeeRaw)).toBeLessThan(BigInt(r.json.data.high.networkFeeRaw));
  });

  it('refuses an amount above the spendable balance (422)', async () => {
    const r = await relay.call('POST', '/v2/transactions/transfer/estimate-fee', {
      walletId: segwitWallet.walletId,
      destinationAddress: BTC_RECIPIENT,
      amounts: ['1'],
    });
    expect(r.status).toBe(422);
  });

  it('refuses a mainnet destination on regtest (400 naming destinationAddress)', async () => {
    const mainnet = p2wpkh(btcPub).address as string;
    const r = await relay.call('POST', '/v2/transactions/transfer/estimate-fee', {
      walletId: segwitWallet.walletId,
      destinationAddress: mainnet,
      amounts: ['0.001'],
    });
    expect(r.status).toBe(400);
    expect(r.json.error.issues[0].path).toBe('destinationAddress');
  });

  it('balance sums funded minus spent outputs', async () => {
    const r = await relay.call('GET', `/v2/wallets/${segwitWallet.walletId}/balances`);
    expect(r.json.data.balances[0]).toMatchObject({ symbol: 'BTC', amount: '230000', formatted: '0.0023' });
  });
});

describe('NEAR over JSON-RPC (fake)', () => {
  it('transfer from an implicit account: nonce + 1, signature verified by the node, confirmed', async () => {
    const prepared = await relay.chains.prepareTransfer({
      ...nearWallet,
      feeLevel: 'medium',
      payload: { destinationAddress: 'bob.near', amounts: ['1.5'] },
    });
    expect(prepared.unsigned).toMatchObject({
      family: 'near',
      signerId: nearAccount,
      nonce: '42',
      receiverId: 'bob.near',
    });
    expect(prepared.requests[0]).toMatchObject({
      scheme: 'ed25519',
      keyFamily: 'near',
      derivationPath: "m/44'/397'/0'",
    });
    const request = prepared.requests[0] as SigningRequest & { message: Uint8Array };
    const done = await relay.chains.finalizeAndBroadcast(prepared.transaction.id, [
      { scheme: 'ed25519', signature: bytesToHex(ed25519.sign(request.message, nearSeed)) },
    ]);
    expect(done.status).toBe('broadcast');
    expect(near.received.map((r) => r.hash)).toContain(done.txHash);
    const final = await waitForStatus(relay, done.id, 'confirmed');
    expect(final.status).toBe('confirmed');
  });

  it('an ft_transfer contract call is shown as a NEP-141 token transfer to its receiver', async () => {
    near.accounts.set('usdc.near', { amount: 0n, publicKey: 'ed25519:none', nonce: 0 });
    const prepared = await relay.chains.prepareContractExecution({
      ...nearWallet,
      feeLevel: 'low',
      payload: {
        contractAddress: 'usdc.near',
        abiFunctionSignature: 'ft_transfer',
        abiParameters: [{ receiver_id: 'bob.near', amount: '1000' }],
        amount: '0.000000000000000000000001',
      },
    });
    expect(prepared.description).toMatchObject({ kind: 'token-transfer', to: 'bob.near', token: 'usdc.near' });
  });

  it('balance of an implicit account that does not exist yet is zero, not an error', async () => {
    const other = await seedWallet(relay, {
      blockchain: 'NEAR-LOCAL',
      address: 'ab'.repeat(32),
      publicKey: 'ab'.repeat(32),
      derivationPath: "m/44'/397'/1'",
      keyFamily: 'near',
    });
    const r = await relay.call('GET', `/v2/wallets/${other.walletId}/balances`);
    expect(r.status).toBe(200);
    expect(r.json.data.balances[0]).toMatchObject({ symbol: 'NEAR', amount: '0' });
  });

  it('refuses a transfer from an account without an access key (422)', async () => {
    const other = await seedWallet(relay, {
      blockchain: 'NEAR-LOCAL',
      address: 'cd'.repeat(32),
      publicKey: 'cd'.repeat(32),
      derivationPath: "m/44'/397'/2'",
      keyFamily: 'near',
    });
    await expect(
      relay.chains.prepareTransfer({
        ...other,
        feeLevel: 'low',
        payload: { destinationAddress: 'bob.near', amounts: ['1'] },
      }),
    ).rejects.toMatchObject({ status: 422 });
  });
});
