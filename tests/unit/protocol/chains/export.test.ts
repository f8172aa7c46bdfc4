import { KeyPair } from '@near-js/crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { base58 } from '@scure/base';
import { Keypair } from '@solana/web3.js';
import * as bitcoin from 'bitcoinjs-lib';
import { ECPairFactory } from 'ecpair';
import { privateKeyToAccount } from 'viem/accounts';
import { beforeAll, describe, expect, it } from 'vitest';
import { walletAddress } from '../../../../protocol/chains/addresses.js';
import { EXPORT_CSV_HEADER, exportCsv, exportRow } from '../../../../protocol/chains/export.js';

const sk = secp256k1.utils.randomSecretKey();
const pub = secp256k1.getPublicKey(sk, true);
const seed = ed25519.utils.randomSecretKey();
const edPub = ed25519.getPublicKey(seed);

let ecc: typeof import('@bitcoinerlab/secp256k1');
beforeAll(async () => {
  ecc = await import('@bitcoinerlab/secp256k1');
  bitcoin.initEccLib(ecc);
});

describe('private-key export formats import into the target wallets’ libraries', () => {
  it('EVM hex imports with viem (MetaMask / Trust Wallet) to the same address', () => {
    const address = walletAddress(pub, { family: 'evm' });
    const row = exportRow({ family: 'evm', blockchain: 'ETH', address, derivationPath: 'm/0/0', secretKey: sk });
    expect(row.keyType).toBe('secp256k1');
    expect(privateKeyToAccount(row.privateKey as `0x${string}`).address).toBe(address);
  });

  it('Bitcoin WIF imports with ecpair (UniSat) and gives the P2WPKH address', () => {
    const address = walletAddress(pub, { family: 'bitcoin', network: 'testnet', addressType: 'p2wpkh' });
    const row = exportRow({
      family: 'bitcoin',
      blockchain: 'BTC-TESTNET',
      address,
      derivationPath: 'm/0/0',
      secretKey: sk,
      bitcoinNetwork: 'testnet',
    });
    const pair = ECPairFactory(ecc).fromWIF(row.privateKey, bitcoin.networks.testnet);
    expect(bitcoin.payments.p2wpkh({ pubkey: pair.publicKey, network: bitcoin.networks.testnet }).address).toBe(
      address,
    );
  });

  it('Bitcoin Taproot exports the internal key: its P2TR (BIP86) address is the wallet address', () => {
    const address = walletAddress(pub, { family: 'bitcoin', network: 'mainnet', addressType: 'p2tr' });
    const row = exportRow({
      family: 'bitcoin',
      blockchain: 'BTC',
      address,
      derivationPath: 'm/0/0',
      secretKey: sk,
      bitcoinNetwork: 'mainnet',
    });
    const pair = ECPairFactory(ecc).fromWIF(row.privateKey, bitcoin.networks.bitcoin);
    expect(bitcoin.payments.p2tr({ internalPubkey: pair.publicKey.subarray(1, 33) }).address).toBe(address);
  });

  it('Solana base58(seed ‖ pubkey) imports with web3.js Keypair.fromSecretKey (Phantom)', () => {
    const address = walletAddress(edPub, { family: 'solana' });
    const row = exportRow({
      family: 'solana',
      blockchain: 'SOL',
      address,
      derivationPath: "m/44'/501'/0'/0'",
      secretKey: seed,
    });
    expect(Keypair.fromSecretKey(base58.decode(row.privateKey)).publicKey.toBase58()).toBe(address);
  });

  it('NEAR ed25519:base58 imports with @near-js/crypto KeyPair.fromString (MyNearWallet)', () => {
    const address = walletAddress(edPub, { family: 'near' });
    const row = exportRow({
      family: 'near',
      blockchain: 'NEAR',
      address,
      derivationPath: "m/44'/397'/0'",
      secretKey: seed,
    });
    const kp = KeyPair.fromString(row.privateKey as `ed25519:${string}`);
    expect(Buffer.from(kp.getPublicKey().data).toString('hex')).toBe(address);
  });

  it('refuses a key that does not belong to the row’s address', () => {
    const address = walletAddress(pub, { family: 'evm' });
    expect(() =>
      exportRow({
        family: 'evm',
        blockchain: 'ETH',
        address,
        derivationPath: 'm/0/1',
        secretKey: secp256k1.utils.randomSecretKey(),
      }),
    ).toThrow(/the key of/);
  });

  it('refuses a Bitcoin row without a network', () => {
    const address = walletAddress(pub, { family: 'bitcoin', network: 'testnet', addressType: 'p2wpkh' });
    expect(() =>
      exportRow({ family: 'bitcoin', blockchain: 'BTC-TESTNET', address, derivationPath: 'm/0/0', secretKey: sk }),
    ).toThrow(/bitcoinNetwork/);
  });

  it('refuses a secret that is not 32 bytes', () => {
    expect(() =>
      exportRow({
        family: 'solana',
        blockchain: 'SOL',
        address: 'x',
        derivationPath: 'm',
        secretKey: new Uint8Array(64),
      }),
    ).toThrow(/32 bytes/);
  });
});

describe('export CSV', () => {
  const evm = exportRow({
    family: 'evm',
    blockchain: 'ETH',
    address: walletAddress(pub, { family: 'evm' }),
    derivationPath: 'm/0/0',
    secretKey: sk,
  });
  const sol = exportRow({
    family: 'solana',
    blockchain: 'SOL',
    address: walletAddress(edPub, { family: 'solana' }),
    derivationPath: "m/44'/501'/0'/0'",
    secretKey: seed,
  });

  it('has the header, a secp256k1 block, a blank line, then the ed25519 block', () => {
    const lines = exportCsv([sol, evm]).split('\r\n');
    expect(lines[0]).toBe(EXPORT_CSV_HEADER);
    expect(lines[1]).toBe(`${evm.address},${evm.privateKey},ETH,m/0/0,secp256k1`);
    expect(lines[2]).toBe('');
    expect(lines[3]).toBe(`${sol.address},${sol.privateKey},SOL,m/44'/501'/0'/0',ed25519`);
  });

  it('refuses a cell that a spreadsheet would run as a formula', () => {
    expect(() => exportCsv([{ ...evm, blockchain: '=HYPERLINK("x")' }])).toThrow(/does not start with/);
  });
});
