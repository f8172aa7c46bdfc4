/**
 * challengeSigning: for each signing kind and family, the requests Node 2 signs and the result the
 * challenge gets, checked with the chains' own libraries. Local keys stand in for the MPC signatures.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { base58, base64 } from '@scure/base';
import { p2tr, p2wpkh } from '@scure/btc-signer';
import { Keypair, SystemProgram, Transaction } from '@solana/web3.js';
import {
  parseTransaction,
  recoverTransactionAddress,
  serializeTransaction,
  verifyMessage,
  verifyTypedData,
} from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evmAddressFromPublicKey } from '../../../../protocol/chains/evm/address.js';
import { nearPublicKeyString, serializeNearDelegateAction } from '../../../../protocol/chains/near/transaction.js';
import type { ChainSignature, SigningRequest } from '../../../../protocol/chains/types.js';
import { challengeSigning } from '../../../../relay/chains/challenge-signing.js';
import { getWalletById, type Wallet } from '../../../../relay/wallets/store.js';
import { seedWallet } from '../../../helpers/chains/wallets.js';
import { startTestRelay, type TestRelay } from '../../../helpers/relay.js';

const sk = secp256k1.utils.randomSecretKey();
const pub = secp256k1.getPublicKey(sk, true);
const seed = ed25519.utils.randomSecretKey();
const edPub = ed25519.getPublicKey(seed);

function sign(
  request: SigningRequest,
  key: 'secp' | 'ed' = request.scheme === 'ed25519' ? 'ed' : 'secp',
): ChainSignature {
  if (request.scheme === 'ed25519' && key === 'ed')
    return { scheme: 'ed25519', signature: bytesToHex(ed25519.sign(request.message, seed)) };
  if (request.scheme === 'ecdsa-secp256k1') {
    const s = secp256k1.Signature.fromBytes(
      secp256k1.sign(request.digest, sk, { prehash: false, format: 'recovered' }),
      'recovered',
    );
    return {
      scheme: 'ecdsa-secp256k1',
      r: s.r.toString(16).padStart(64, '0'),
      s: s.s.toString(16).padStart(64, '0'),
      recovery: s.recovery as number,
    };
  }
  throw new Error('scheme');
}

let relay: TestRelay;
type W = Wallet & { organisationId: string };
const wallets: Record<string, W> = {};
const challenge = (w: W, kind: string, payload: Record<string, unknown>) => ({
  id: crypto.randomUUID(),
  customerId: w.customerId,
  kind,
  payload: { walletId: w.id, ...payload },
});

beforeAll(async () => {
  relay = await startTestRelay();
  const add = async (name: string, w: Parameters<typeof seedWallet>[1]) => {
    const s = await seedWallet(relay, w);
    wallets[name] = (await getWalletById(relay.db, s.walletId)) as W;
  };
  await add('evm', {
    blockchain: 'ETH-SEPOLIA',
    address: evmAddressFromPublicKey(pub),
    publicKey: bytesToHex(pub),
    derivationPath: 'm/0/0',
    keyFamily: 'evm',
  });
  await add('btc', {
    blockchain: 'BTC-TESTNET',
    address: p2wpkh(pub, { bech32: 'tb', pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef }).address as string,
    publicKey: bytesToHex(pub),
    derivationPath: 'm/0/0',
    keyFamily: 'bitcoin',
  });
  await add('taproot', {
    blockchain: 'BTC-TESTNET',
    address: p2tr(pub.slice(1), undefined, { bech32: 'tb', pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef })
      .address as string,
    publicKey: bytesToHex(pub.slice(1)),
    derivationPath: 'm/0/1',
    keyFamily: 'bitcoin',
  });
  await add('sol', {
    blockchain: 'SOL-DEVNET',
    address: base58.encode(edPub),
    publicKey: bytesToHex(edPub),
    derivationPath: "m/44'/501'/0'/0'",
    keyFamily: 'solana',
  });
  await add('near', {
    blockchain: 'NEAR-TESTNET',
    address: bytesToHex(edPub),
    publicKey: bytesToHex(edPub),
    derivationPath: "m/44'/397'/0'",
    keyFamily: 'near',
  });
});

afterAll(async () => {
  await relay?.stop();
});

describe('challengeSigning: messages', () => {
  it('EVM sign-message gives a personal_sign signature viem verifies', async () => {
    const w = wallets.evm as W;
    const s = await challengeSigning(relay.chains, challenge(w, 'sign-message', { message: 'Log in to Example' }), w);
    const result = await s.complete(s.requests.map((r) => sign(r)));
    expect(
      await verifyMessage({
        address: w.address as `0x${string}`,
        message: 'Log in to Example',
        signature: result.signature as `0x${string}`,
      }),
    ).toBe(true);
  });

  it('EVM sign-typed-data gives a signature viem verifies', async () => {
    const w = wallets.evm as W;
    const typedData = {
      domain: { name: 'X', version: '1', chainId: 11155111 },
      types: { Ask: [{ name: 'amount', type: 'uint256' }] },
      primaryType: 'Ask',
      message: { amount: '5' },
    };
    const s = await challengeSigning(
      relay.chains,
      challenge(w, 'sign-typed-data', { typedData: JSON.stringify(typedData) }),
      w,
    );
    const result = await s.complete(s.requests.map((r) => sign(r)));
    const params = { ...typedData, message: { amount: 5n }, address: w.address, signature: result.signature };
    expect(await verifyTypedData(params as never)).toBe(true);
  });

  it('Bitcoin sign-message gives a BIP-137 P2WPKH signature (header 39–42) that recovers the wallet key', async () => {
    const w = wallets.btc as W;
    const s = await challengeSigning(relay.chains, challenge(w, 'sign-message', { message: 'hello' }), w);
    const result = await s.complete(s.requests.map((r) => sign(r)));
    const bytes = base64.decode(result.signature as string);
    expect(bytes[0]).toBeGreaterThanOrEqual(39);
    const recovered = secp256k1.Signature.fromBytes(
      Uint8Array.from([(bytes[0] as number) - 39, ...bytes.subarray(1)]),
      'recovered',
    ).recoverPublicKey((s.requests[0] as { digest: Uint8Array }).digest);
    expect(bytesToHex(recovered.toBytes(true))).toBe(bytesToHex(pub));
  });

  it('Solana sign-message signs the raw bytes (base58 signature)', async () => {
    const w = wallets.sol as W;
    const s = await challengeSigning(
      relay.chains,
      challenge(w, 'sign-message', { message: '0x0102ff', encodedByHex: true }),
      w,
    );
    const result = await s.complete(s.requests.map((r) => sign(r)));
    expect(ed25519.verify(base58.decode(result.signature as string), Uint8Array.of(1, 2, 0xff), edPub)).toBe(true);
  });

  it('NEAR sign-delegate-action returns a SignedDelegateAction', async () => {
    const w = wallets.near as W;
    const delegate = {
      senderId: w.address,
      receiverId: 'app.testnet',
      actions: [{ type: 'Transfer' as const, deposit: '1' }],
      nonce: '5',
      maxBlockHeight: '100',
      publicKey: nearPublicKeyString(edPub),
    };
    const s = await challengeSigning(
      relay.chains,
      challenge(w, 'sign-delegate-action', {
        unsignedDelegateAction: base64.encode(serializeNearDelegateAction(delegate)),
      }),
      w,
    );
    const result = await s.complete(s.requests.map((r) => sign(r)));
    expect(base64.decode(result.signedDelegateAction as string).length).toBe(
      serializeNearDelegateAction(delegate).length + 65,
    );
  });

  it('refuses a signature by another key', async () => {
    const w = wallets.sol as W;
    const s = await challengeSigning(relay.chains, challenge(w, 'sign-message', { message: 'x' }), w);
    const wrong = bytesToHex(
      ed25519.sign((s.requests[0] as { message: Uint8Array }).message, ed25519.utils.randomSecretKey()),
    );
    await expect(s.complete([{ scheme: 'ed25519', signature: wrong }])).rejects.toThrow(
      /does not verify under the wallet key/,
    );
  });

  it('refuses a Solana message that is a transaction message', async () => {
    const w = wallets.sol as W;
    const kp = Keypair.fromSeed(seed);
    const tx = new Transaction({
      feePayer: kp.publicKey,
      blockhash: 'EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k',
      lastValidBlockHeight: 1,
    }).add(SystemProgram.transfer({ fromPubkey: kp.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 10 }));
    const message = `0x${tx.serializeMessage().toString('hex')}`;
    await expect(
      challengeSigning(relay.chains, challenge(w, 'sign-message', { message, encodedByHex: true }), w),
    ).rejects.toThrow(/transaction message/);
  });

  it('refuses a 32-byte NEAR message (it could be a transaction hash)', async () => {
    const w = wallets.near as W;
    await expect(
      challengeSigning(
        relay.chains,
        challenge(w, 'sign-message', { message: `0x${'11'.repeat(32)}`, encodedByHex: true }),
        w,
      ),
    ).rejects.toThrow(/32-byte/);
  });

  it('NEAR sign-message signs the raw bytes (base64 signature)', async () => {
    const w = wallets.near as W;
    const s = await challengeSigning(
      relay.chains,
      challenge(w, 'sign-message', { message: 'I agree to the terms' }),
      w,
    );
    const result = await s.complete(s.requests.map((r) => sign(r)));
    expect(
      ed25519.verify(
        base64.decode(result.signature as string),
        new TextEncoder().encode('I agree to the terms'),
        edPub,
      ),
    ).toBe(true);
  });

  it('refuses typed data on a Solana wallet', async () => {
    const w = wallets.sol as W;
    await expect(
      challengeSigning(relay.chains, challenge(w, 'sign-typed-data', { typedData: '{}' }), w),
    ).rejects.toThrow(/EVM wallets only/);
  });

  it('refuses BIP-137 on a Taproot wallet', async () => {
    const w = wallets.taproot as W;
    await expect(challengeSigning(relay.chains, challenge(w, 'sign-message', { message: 'x' }), w)).rejects.toThrow(
      /P2WPKH/,
    );
  });

  it('refuses a pruned payload', async () => {
    const w = wallets.evm as W;
    await expect(
      challengeSigning(
        relay.chains,
        { id: crypto.randomUUID(), customerId: w.customerId, kind: 'sign-message', payload: null },
        w,
      ),
    ).rejects.toThrow(/pruned/);
  });

  it("refuses another customer's wallet", async () => {
    const w = wallets.evm as W;
    await expect(
      challengeSigning(
        relay.chains,
        { ...challenge(w, 'sign-message', { message: 'x' }), customerId: crypto.randomUUID() },
        w,
      ),
    ).rejects.toThrow(/not this customer's/);
  });
});

describe('challengeSigning: sign-transaction', () => {
  it('EVM raw hex: the signed transaction recovers to the wallet (viem)', async () => {
    const w = wallets.evm as W;
    const raw = serializeTransaction({
      type: 'eip1559',
      chainId: 11155111,
      nonce: 1,
      gas: 21000n,
      maxFeePerGas: 2n,
      maxPriorityFeePerGas: 1n,
      to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      value: 9n,
    });
    const s = await challengeSigning(relay.chains, challenge(w, 'sign-transaction', { rawTransaction: raw }), w);
    expect(s.description).toMatchObject({ kind: 'native-transfer', amount: { raw: '9' } });
    const result = await s.complete(s.requests.map((r) => sign(r)));
    const signed = result.signedTransaction as `0x${string}`;
    expect(parseTransaction(signed).value).toBe(9n);
    expect(await recoverTransactionAddress({ serializedTransaction: signed as never })).toBe(w.address);
  });

  it('Solana raw: the signed wire transaction verifies in web3.js', async () => {
    const w = wallets.sol as W;
    const kp = Keypair.fromSeed(seed);
    const tx = new Transaction({
      feePayer: kp.publicKey,
      blockhash: 'EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k',
      lastValidBlockHeight: 1,
    }).add(SystemProgram.transfer({ fromPubkey: kp.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 10 }));
    const raw = tx.serialize({ requireAllSignatures: false }).toString('base64');
    const s = await challengeSigning(relay.chains, challenge(w, 'sign-transaction', { rawTransaction: raw }), w);
    const result = await s.complete(s.requests.map((r) => sign(r)));
    expect(Transaction.from(base64.decode(result.signedTransaction as string)).verifySignatures()).toBe(true);
  });

  it('refuses an EVM transaction JSON from another address', async () => {
    const w = wallets.evm as W;
    const json = JSON.stringify({
      from: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      to: w.address,
      nonce: 0,
      gas: 21000,
      maxFeePerGas: 1,
      maxPriorityFeePerGas: 1,
      chainId: 1,
    });
    await expect(
      challengeSigning(relay.chains, challenge(w, 'sign-transaction', { transaction: json }), w),
    ).rejects.toThrow(/transaction.from/);
  });

  it('refuses raw signing on Bitcoin', async () => {
    const w = wallets.btc as W;
    await expect(
      challengeSigning(relay.chains, challenge(w, 'sign-transaction', { rawTransaction: 'AA==' }), w),
    ).rejects.toThrow(/not offered/);
  });
});
