/**
 * Bitcoin Taproot (BIP86 key path) end to end on Node 2, against the local Esplora fake
 * (tests/helpers/chains/fakes.ts): wallet-create runs the FROST secp256k1 DKG next to the DKLs23 one
 * and yields a P2TR wallet beside the P2WPKH one; a transfer from the P2TR wallet is built by the
 * relay, its BIP341 sighashes computed by Node 2 and independently by the scripted Node 1, signed
 * with FROST/BIP340 (one session per input, root → BIP32 child → TapTweak), assembled and broadcast.
 * The checks use @scure/btc-signer (addresses) and bitcoinjs-lib (sighashes), not our own code.
 */
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { p2tr, p2wpkh } from '@scure/btc-signer';
import * as bitcoin from 'bitcoinjs-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../protocol/bytes.js';
import { bitcoinNetwork } from '../../../../protocol/chains/bitcoin/network.js';
import { exportTaprootInternalKey, type FrostKeyShare } from '../../../../protocol/frost/index.js';
import { getChallenge } from '../../../../relay/challenges/store.js';
import { loadMasterKey } from '../../../../relay/crypto/master-key.js';
import { ecdsaRootKeyId, taprootRootKeyId } from '../../../../relay/mpc/key-ids.js';
import { loadKeyShare } from '../../../../relay/mpc/key-shares.js';
import { insertWallet, listCustomerWallets } from '../../../../relay/wallets/store.js';
import { createApiCaller } from '../../../helpers/api-caller.js';
import { type FakeEsplora, startFakeEsplora } from '../../../helpers/chains/fakes.js';
import {
  connectNode1,
  createDevice,
  createTestChallenge,
  createTestCustomer,
  type MpcTestRelay,
  type Node1Client,
  runShareRefresh,
  runTaprootSign,
  runWalletCreate,
  startMpcTestRelay,
  type WalletCreateRun,
} from '../../../helpers/node1.js';

const net = bitcoinNetwork('regtest');
const RECIPIENT = p2wpkh(secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true), net).address as string;

let esplora: FakeEsplora;
let relay: MpcTestRelay;
let customerId: string;
let client: Node1Client;
const device = createDevice();
let created: WalletCreateRun;
let taprootWallet: { id: string; address: string; publicKey: string; derivationPath: string };
let rootShare: FrostKeyShare;

function walletOf(run: WalletCreateRun, addressType: 'p2wpkh' | 'p2tr') {
  const wallet = (run.result.wallets as any[]).find((w) => w.addressType === addressType);
  if (!wallet) throw new Error(`no ${addressType} wallet`);
  return wallet as typeof taprootWallet & { addressType: string };
}

async function serverRoot(): Promise<{ secret: FrostKeyShare; publicData: Record<string, unknown> }> {
  const stored = await loadKeyShare<FrostKeyShare>(
    relay.db,
    { current: loadMasterKey({ dataDir: relay.dataDir }), retired: [] },
    customerId,
    taprootRootKeyId(customerId),
  );
  if (!stored) throw new Error('no stored Taproot root');
  return stored;
}

const transferChallenge = (amount = '0.001') =>
  createTestChallenge(relay, customerId, 'transfer', {
    walletId: taprootWallet.id,
    destinationAddress: RECIPIENT,
    amounts: [amount],
    feeLevel: 'medium',
  });

async function auditStages(challengeId: string): Promise<string[]> {
  const r = await relay.db.query<{ details: any }>(
    "SELECT details FROM audit_log WHERE action = 'mpc.sign.digest_mismatch' AND target = $1",
    [`challenge:${challengeId}`],
  );
  return r.rows.map((x) => x.details.stage);
}

beforeAll(async () => {
  esplora = await startFakeEsplora();
  process.env.TANDEM_RPC_BTC_REGTEST = esplora.url;
  process.env.TANDEM_CHAIN_POLL_MS = '100';
  relay = await startMpcTestRelay();
  customerId = await createTestCustomer(relay);
  const init = await createTestChallenge(relay, customerId, 'initialize');
  client = await connectNode1(relay.wsUrl, device, customerId, { challengeId: init });
  const challengeId = await createTestChallenge(relay, customerId, 'wallet-create', {
    blockchains: ['BTC-REGTEST'],
    metadata: [{ name: 'Savings', refId: 'btc-1' }],
  });
  created = await runWalletCreate(client, challengeId);
  taprootWallet = walletOf(created, 'p2tr');
  rootShare = created.taproot?.keyShare as FrostKeyShare;
  // Two UTXOs at the P2TR address, so the transfer below has two inputs (two FROST sessions).
  const script = p2tr(fromHex(taprootWallet.publicKey).subarray(1), undefined, net).script;
  esplora.utxos.set(taprootWallet.address, [
    { txid: 'c1'.repeat(32), vout: 0, value: 60_000, script },
    { txid: 'c2'.repeat(32), vout: 1, value: 50_000, script },
  ]);
}, 120_000);

afterAll(async () => {
  await client?.close();
  await relay?.stop();
  await esplora?.stop();
  delete process.env.TANDEM_RPC_BTC_REGTEST;
});

describe('Taproot wallet-create', () => {
  it('creates a P2WPKH and a P2TR wallet for the Bitcoin chain, with the same name and refId', async () => {
    // One transaction writes both rows (same created_at): compare them in address-type order.
    const rows = (await listCustomerWallets(relay.db, customerId)).sort((a, b) =>
      String(b.addressType).localeCompare(String(a.addressType)),
    );
    expect(rows.map((w) => [w.blockchain, w.addressType, w.derivationPath, w.name, w.refId])).toEqual([
      ['BTC-REGTEST', 'p2wpkh', 'm/0/0', 'Savings', 'btc-1'],
      ['BTC-REGTEST', 'p2tr', 'm/0/0', 'Savings', 'btc-1'],
    ]);
    expect(walletOf(created, 'p2wpkh').address).toMatch(/^bcrt1q/);
    expect(taprootWallet.address).toMatch(/^bcrt1p/);
  });

  it('gives a P2TR address equal to what @scure/btc-signer derives from the reconstructed internal key', async () => {
    const server = await serverRoot();
    const chainCode = created.taproot?.chainCode as string;
    expect(server.publicData).toMatchObject({ family: 'bitcoin', scheme: 'bip340', chainCode });
    // Both root shares → root secret → BIP32 child m/0/0: the internal key a wallet app imports.
    const { secretKey } = exportTaprootInternalKey(rootShare, server.secret, chainCode, [0, 0]);
    const internal = secp256k1.getPublicKey(secretKey, true);
    expect(toHex(internal)).toBe(taprootWallet.publicKey);
    expect(p2tr(internal.subarray(1), undefined, net).address).toBe(taprootWallet.address);
    // The root itself is untweaked: its key is the DKG's group key, on both sides.
    expect(server.secret.commitments[0]).toBe(created.taproot?.groupPublicKey);
    expect(server.secret.role).toBe('server');
  });

  it("keeps Node 2's Taproot root sealed at rest, in the same rows as the other keys", async () => {
    const r = await relay.db.query<{ key_id: string; purpose: string; sealed: Uint8Array }>(
      'SELECT key_id, purpose, sealed FROM mpc_key_shares WHERE customer_id = $1 ORDER BY key_id',
      [customerId],
    );
    expect(r.rows.map((x) => [x.key_id, x.purpose])).toEqual([
      [ecdsaRootKeyId(customerId, 'bitcoin'), 'ecdsa2p-share'],
      [taprootRootKeyId(customerId), 'frost-share'],
    ]);
    const server = await serverRoot();
    const row = r.rows.find((x) => x.purpose === 'frost-share');
    expect(Buffer.from(row?.sealed as Uint8Array).toString('latin1')).not.toContain(server.secret.signingShare);
  });
});

describe('Taproot transfer over /v2/mpc', () => {
  let transferChallengeId: string;

  it("signs every input with FROST/BIP340 under the output key over bitcoinjs-lib's BIP341 sighash, and broadcasts", async () => {
    transferChallengeId = await transferChallenge('0.001');
    const run = await runTaprootSign(client, {
      challengeId: transferChallengeId,
      rootShare,
      chainCode: created.taproot?.chainCode as string,
      check: (unsigned) => {
        // Node 1 checks the relay-built transaction pays the approved recipient before signing.
        expect(unsigned).toMatchObject({ family: 'bitcoin', addressType: 'p2tr', from: taprootWallet.address });
        expect((unsigned as any).outputs[0]).toEqual({ address: RECIPIENT, value: '100000', change: false });
      },
    });
    expect(run.outputs).toHaveLength(2);
    expect(run.result).toMatchObject({ status: 'broadcast', transactionHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const raw = esplora.accepted.get(run.result.transactionHash as string);
    expect(raw).toBeDefined();

    const tx = bitcoin.Transaction.fromHex(raw as string);
    const prevScript = p2tr(fromHex(taprootWallet.publicKey).subarray(1), undefined, net);
    const outputKey = prevScript.tweakedPubkey;
    expect(tx.ins).toHaveLength(2);
    const values = tx.ins.map((input) => {
      const txid = toHex(Uint8Array.from(input.hash).reverse());
      return BigInt(txid === 'c1'.repeat(32) ? 60_000 : 50_000);
    });
    tx.ins.forEach((input, i) => {
      expect(input.witness).toHaveLength(1);
      const signature = input.witness[0] as Uint8Array;
      expect(signature).toHaveLength(64);
      const sighash = tx.hashForWitnessV1(
        i,
        tx.ins.map(() => prevScript.script),
        values,
        bitcoin.Transaction.SIGHASH_DEFAULT,
      );
      expect(toHex(sighash)).toBe(toHex(run.sighashes[i] as Uint8Array));
      expect(schnorr.verify(signature, sighash, outputKey)).toBe(true);
    });
    expect((run.ready.params.taproot as { outputKey: string }).outputKey).toBe(toHex(outputKey));
    expect((await getChallenge(relay.db, transferChallengeId))?.status).toBe('verified');
  });

  it('refuses a second use of the challenge', async () => {
    await expect(client.startSession(transferChallengeId, 'frost-sign')).rejects.toThrow(/challenge-already-used/);
  });

  it('refuses and audits a client that asks to sign a different sighash', async () => {
    const challengeId = await transferChallenge();
    const before = esplora.accepted.size;
    await expect(
      runTaprootSign(client, {
        challengeId,
        rootShare,
        chainCode: created.taproot?.chainCode as string,
        claimMessages: [toHex(sha256(new TextEncoder().encode('another transaction')))],
      }),
    ).rejects.toThrow(/digest-mismatch/);
    expect(await auditStages(challengeId)).toEqual(['start']);
    expect((await getChallenge(relay.db, challengeId))?.status).toBe('failed');
    expect(esplora.accepted.size).toBe(before);
  });

  it('refuses and audits a client whose session is bound to another sighash', async () => {
    const challengeId = await transferChallenge();
    const before = esplora.accepted.size;
    // Its own connection: the parallel sessions leave late frames (the other input's share) behind.
    const other = await connectNode1(relay.wsUrl, device, customerId);
    await expect(
      runTaprootSign(other, {
        challengeId,
        rootShare,
        chainCode: created.taproot?.chainCode as string,
        // Signs a different hash for input 1 than the approved transaction's.
        signMessages: (sighashes) => sighashes.map((h, i) => (i === 1 ? sha256(h) : h)),
      }),
    ).rejects.toThrow(/digest-mismatch/);
    await other.close();
    expect(await auditStages(challengeId)).toEqual(['first-message']);
    expect((await getChallenge(relay.db, challengeId))?.status).toBe('failed');
    expect(esplora.accepted.size).toBe(before);
  });

  it('refuses to sign a Taproot transfer through ecdsa-sign', async () => {
    const challengeId = await transferChallenge();
    await expect(client.startSession(challengeId, 'ecdsa-sign')).rejects.toThrow(/bad-params/);
  });

  it('refuses a sign-message challenge for the P2TR wallet when the business creates it (422)', async () => {
    const call = createApiCaller(relay.url, relay.apiKey);
    const created = await call('POST', `/v2/customers/${customerId}/sign/message`, {
      walletId: taprootWallet.id,
      message: 'gm',
      redirectUrl: 'https://shop.example/back',
      idempotencyKey: crypto.randomUUID(),
    });
    expect(created.status, JSON.stringify(created.json)).toBe(422);
    expect(created.json.message).toMatch(/Taproot \(P2TR\)/);
  });

  it('refuses BIP-137 message signing with the P2TR wallet', async () => {
    const challengeId = await createTestChallenge(relay, customerId, 'sign-message', {
      walletId: taprootWallet.id,
      message: 'gm',
    });
    await expect(client.startSession(challengeId, 'frost-sign')).rejects.toThrow(/bad-params/);
  });
});

/** A P2TR wallet row for `owner` whose internal key is a fresh random key (funded at the fake). */
async function foreignTaprootWallet(owner: string): Promise<string> {
  const internal = secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true);
  const payment = p2tr(internal.subarray(1), undefined, net);
  esplora.utxos.set(payment.address as string, [
    { txid: 'd1'.repeat(32), vout: 0, value: 70_000, script: payment.script },
  ]);
  const wallet = await relay.db.transaction((tx) =>
    insertWallet(tx, {
      organisationId: relay.organisationId,
      customerId: owner,
      blockchain: 'BTC-REGTEST',
      address: payment.address as string,
      publicKey: toHex(internal),
      derivationPath: 'm/0/9',
      keyFamily: 'bitcoin',
    }),
  );
  return wallet.id;
}

const transferFrom = (owner: string, walletId: string) =>
  createTestChallenge(relay, owner, 'transfer', {
    walletId,
    destinationAddress: RECIPIENT,
    amounts: ['0.0001'],
    feeLevel: 'low',
  });

describe('Taproot root after creation', () => {
  it('a second Bitcoin wallet-create reuses both roots and takes the next index of each', async () => {
    const challengeId = await createTestChallenge(relay, customerId, 'wallet-create', { blockchains: ['BTC-REGTEST'] });
    const run = await runWalletCreate(client, challengeId);
    expect(run.ready.params.ecdsa).toEqual([]);
    expect(run.ready.params.taproot).toBeNull();
    const next = walletOf(run, 'p2tr');
    expect(next.derivationPath).toBe('m/0/1');
    expect(walletOf(run, 'p2wpkh').derivationPath).toBe('m/0/1');
    const { secretKey } = exportTaprootInternalKey(
      rootShare,
      (await serverRoot()).secret,
      created.taproot?.chainCode as string,
      [0, 1],
    );
    expect(p2tr(secp256k1.getPublicKey(secretKey, true).subarray(1), undefined, net).address).toBe(next.address);
  });

  it('share refresh refreshes the Taproot root and the new shares still sign a transfer', async () => {
    const refresh = await createTestChallenge(relay, customerId, 'update-pin');
    const keyId = taprootRootKeyId(customerId);
    const refreshed = await runShareRefresh(client, refresh, {
      ecdsa: { [ecdsaRootKeyId(customerId, 'bitcoin')]: created.ecdsa.bitcoin as any },
      frost: { [keyId]: rootShare },
    });
    const newRoot = refreshed.frost[keyId] as FrostKeyShare;
    expect(newRoot.signingShare).not.toBe(rootShare.signingShare);
    expect(newRoot.commitments[0]).toBe(rootShare.commitments[0]);
    const run = await runTaprootSign(client, {
      challengeId: await transferChallenge('0.0005'),
      rootShare: newRoot,
      chainCode: created.taproot?.chainCode as string,
    });
    expect(run.result.status).toBe('broadcast');
    rootShare = newRoot;
  });
});

describe('Taproot signing refusals on the key', () => {
  it("refuses a P2TR wallet whose key is not a child of the customer's Taproot root", async () => {
    const walletId = await foreignTaprootWallet(customerId);
    await expect(client.startSession(await transferFrom(customerId, walletId), 'frost-sign')).rejects.toThrow(
      /no-key: .*not a child/,
    );
  });

  it('refuses a P2TR wallet of a customer who has no Taproot root', async () => {
    const other = await createTestCustomer(relay);
    const init = await createTestChallenge(relay, other, 'initialize');
    const c = await connectNode1(relay.wsUrl, createDevice(), other, { challengeId: init });
    const walletId = await foreignTaprootWallet(other);
    await expect(c.startSession(await transferFrom(other, walletId), 'frost-sign')).rejects.toThrow(
      /no-key: .*no Taproot key/,
    );
    await c.close();
  });
});
