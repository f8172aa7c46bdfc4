/**
 * 'wallet-create' over /v2/mpc: ECDSA DKGs (EVM, Bitcoin), the Taproot FROST DKG (Bitcoin) and the
 * ed25519 birth (Solana, NEAR) run against Node 2; server shares and k_S are stored sealed, wallet
 * rows and the challenge completion commit together, and the new wallets then sign. Taproot signing
 * and the P2TR address checks are in taproot.test.ts.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../../../protocol/bytes.js';
import { evmMessageBytes, personalSignDigest } from '../../../../protocol/chains/evm/messages.js';
import { messageSigningRequest } from '../../../../protocol/chains/messages.js';
import { getChallenge } from '../../../../relay/challenges/store.js';
import { loadMasterKey } from '../../../../relay/crypto/master-key.js';
import { ecdsaRootKeyId, exportKeyPartId } from '../../../../relay/mpc/key-ids.js';
import { loadKeyShare } from '../../../../relay/mpc/key-shares.js';
import { listCustomerWallets } from '../../../../relay/wallets/store.js';
import {
  connectNode1,
  createDevice,
  createTestChallenge,
  createTestCustomer,
  type MpcTestRelay,
  type Node1Client,
  runEcdsaSign,
  runFrostSign,
  runWalletCreate,
  startMpcTestRelay,
  type WalletCreateRun,
} from '../../../helpers/node1.js';

let relay: MpcTestRelay;
let customerId: string;
let client: Node1Client;
let first: WalletCreateRun;
let firstChallenge: string;

beforeAll(async () => {
  relay = await startMpcTestRelay();
  customerId = await createTestCustomer(relay);
  const init = await createTestChallenge(relay, customerId, 'initialize');
  client = await connectNode1(relay.wsUrl, createDevice(), customerId, { challengeId: init });
  firstChallenge = await createTestChallenge(relay, customerId, 'wallet-create', {
    blockchains: ['ETH-SEPOLIA', 'BTC-TESTNET', 'SOL-DEVNET', 'NEAR-TESTNET'],
    accountType: 'eoa',
  });
  first = await runWalletCreate(client, firstChallenge);
});
afterAll(async () => {
  await client?.close();
  await relay?.stop();
});

/** The wallet of the first run on `blockchain` (Bitcoin: of that address type). */
function walletOf(blockchain: string, addressType: 'p2wpkh' | 'p2tr' | null = null): any {
  const wallet = (first.result.wallets as any[]).find(
    (w) => w.blockchain === blockchain && w.addressType === addressType,
  );
  if (!wallet) throw new Error(`no ${blockchain} ${addressType} wallet`);
  return wallet;
}

describe('wallet-create over /v2/mpc', () => {
  it('creates one wallet per blockchain, two for Bitcoin (P2WPKH then P2TR), and completes the challenge', async () => {
    const wallets = first.result.wallets as {
      blockchain: string;
      address: string;
      derivationPath: string;
      addressType: string | null;
    }[];
    expect(wallets.map((w) => [w.blockchain, w.addressType])).toEqual([
      ['ETH-SEPOLIA', null],
      ['BTC-TESTNET', 'p2wpkh'],
      ['BTC-TESTNET', 'p2tr'],
      ['SOL-DEVNET', null],
      ['NEAR-TESTNET', null],
    ]);
    expect(wallets[0]?.address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(wallets[1]?.address).toMatch(/^tb1q/);
    expect(wallets[2]?.address).toMatch(/^tb1p/);
    expect(wallets[3]?.address).toBe(first.birth?.accounts.find((a) => a.chain === 'solana')?.address);
    expect(wallets[4]?.address).toBe(first.birth?.accounts.find((a) => a.chain === 'near')?.address);
    expect(first.taproot?.keyShare.role).toBe('client');
    const rows = await listCustomerWallets(relay.db, customerId);
    expect(rows.map((r) => r.address).sort()).toEqual(wallets.map((w) => w.address).sort());
    expect(rows.map((r) => [r.address, r.addressType]).sort()).toEqual(
      wallets.map((w) => [w.address, w.addressType]).sort(),
    );
    const challenge = await getChallenge(relay.db, firstChallenge);
    expect(challenge?.status).toBe('verified');
  });

  it("keeps Node 2's shares sealed at rest and opens them only with the master key", async () => {
    const r = await relay.db.query<{ key_id: string; sealed: Uint8Array; purpose: string }>(
      'SELECT key_id, sealed, purpose FROM mpc_key_shares WHERE customer_id = $1',
      [customerId],
    );
    expect(r.rows.map((x) => x.purpose).sort()).toEqual([
      'ecdsa2p-share',
      'ecdsa2p-share',
      'ed25519-account-share',
      'ed25519-account-share',
      'export-key-part',
      'frost-share',
    ]);
    const masterKey = loadMasterKey({ dataDir: relay.dataDir });
    const evm = await loadKeyShare<any>(
      relay.db,
      { current: masterKey, retired: [] },
      customerId,
      ecdsaRootKeyId(customerId, 'evm'),
    );
    expect(evm?.secret.role).toBe('server');
    expect(evm?.secret.publicKey).toBe(first.ecdsa.evm?.publicKey);
    const row = r.rows.find((x) => x.key_id === ecdsaRootKeyId(customerId, 'evm'));
    expect(Buffer.from(row?.sealed as Uint8Array).toString('latin1')).not.toContain(evm?.secret.secretShare);
    const kS = await loadKeyShare<any>(
      relay.db,
      { current: masterKey, retired: [] },
      customerId,
      exportKeyPartId(customerId),
    );
    expect(kS?.secret.exportKeyPart).toBe(first.birth?.server.exportKeyPart);
  });

  it('signs with the new EVM wallet through ecdsa-sign', async () => {
    const evmWallet = walletOf('ETH-SEPOLIA');
    const challengeId = await createTestChallenge(relay, customerId, 'sign-message', {
      walletId: evmWallet.id,
      message: 'gm',
    });
    const digest = personalSignDigest(evmMessageBytes('gm'));
    const run = await runEcdsaSign(client, {
      challengeId,
      share: first.ecdsa.evm as any,
      digest,
      path: evmWallet.derivationPath,
    });
    expect(
      secp256k1.verify(fromHex(run.signature.signature), digest, fromHex(evmWallet.publicKey), { prehash: false }),
    ).toBe(true);
  });

  it('signs a message with the new Bitcoin (P2WPKH) wallet through ecdsa-sign', async () => {
    const wallet = walletOf('BTC-TESTNET', 'p2wpkh');
    const challengeId = await createTestChallenge(relay, customerId, 'sign-message', {
      walletId: wallet.id,
      message: 'gm',
    });
    // What the Gateway computes from the same payload: the BIP-137 message digest.
    const request = messageSigningRequest({
      family: 'bitcoin',
      derivationPath: wallet.derivationPath,
      message: new TextEncoder().encode('gm'),
    });
    if (request.scheme !== 'ecdsa-secp256k1') throw new Error('expected an ECDSA request');
    const run = await runEcdsaSign(client, {
      challengeId,
      share: first.ecdsa.bitcoin as any,
      digest: request.digest,
      path: wallet.derivationPath,
    });
    expect(
      secp256k1.verify(fromHex(run.signature.signature), request.digest, fromHex(wallet.publicKey), { prehash: false }),
    ).toBe(true);
    expect(typeof run.result.signature).toBe('string');
  });

  it.each(['solana', 'near'] as const)('signs with the new %s wallet through frost-sign', async (chain) => {
    const wallet = walletOf(chain === 'solana' ? 'SOL-DEVNET' : 'NEAR-TESTNET');
    const account = first.birth?.client.accounts.find((a) => a.chain === chain);
    const challengeId = await createTestChallenge(relay, customerId, 'sign-message', {
      walletId: wallet.id,
      message: 'gm',
    });
    const message = new TextEncoder().encode('gm');
    const run = await runFrostSign(client, {
      challengeId,
      share: account?.keyShare as any,
      message,
      derivationPath: wallet.derivationPath,
    });
    expect(ed25519.verify(fromHex(run.output.signature), message, fromHex(wallet.publicKey))).toBe(true);
  });

  it('reuses the root for a second wallet on the same chain (no new DKG, next index)', async () => {
    const challengeId = await createTestChallenge(relay, customerId, 'wallet-create', { blockchains: ['ETH-SEPOLIA'] });
    const run = await runWalletCreate(client, challengeId);
    expect(run.ready.params.ecdsa).toEqual([]);
    expect(run.ready.params.taproot).toBeNull();
    expect((run.result.wallets as any[])[0].derivationPath).toBe('m/0/1');
  });

  it('aborts and writes nothing when the ed25519 birth carries a client share instead of the server share', async () => {
    const other = await createTestCustomer(relay);
    const init = await createTestChallenge(relay, other, 'initialize');
    const c = await connectNode1(relay.wsUrl, createDevice(), other, { challengeId: init });
    const challengeId = await createTestChallenge(relay, other, 'wallet-create', { blockchains: ['SOL-DEVNET'] });
    const attempt = runWalletCreate(c, challengeId, {
      tamperBirth: (payload) => {
        payload.accounts[0].keyShare = { ...payload.accounts[0].keyShare, role: 'client' };
      },
    });
    await expect(attempt).rejects.toThrow(/invalid-message/);
    expect(await listCustomerWallets(relay.db, other)).toEqual([]);
    const keys = await relay.db.query('SELECT 1 FROM mpc_key_shares WHERE customer_id = $1', [other]);
    expect(keys.rows).toEqual([]);
    expect((await getChallenge(relay.db, challengeId))?.status).toBe('failed');
    await c.close();
  });
});
