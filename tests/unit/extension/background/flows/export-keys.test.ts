import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { base58 } from '@scure/base';
import { WIF } from '@scure/btc-signer';
import { describe, expect, it } from 'vitest';
import type { Node1Bundle } from '../../../../../extension/background/bundle.js';
import {
  type ExportRelease,
  ExportReleaseError,
  exportContextFor,
  parseExportRelease,
  rebuildExportedKeys,
} from '../../../../../extension/background/flows/export-keys.js';
import { fromHex, toHex } from '../../../../../protocol/bytes.js';
import { bitcoinAddressFromPublicKey } from '../../../../../protocol/chains/bitcoin/address.js';
import { bitcoinNetwork } from '../../../../../protocol/chains/bitcoin/network.js';
import { evmAddressFromPublicKey } from '../../../../../protocol/chains/evm/address.js';
import { deriveNonHardened } from '../../../../../protocol/ecdsa2p/derivation.js';
import { Fn, G, Point } from '../../../../../protocol/ecdsa2p/group.js';
import type { Ecdsa2pKeyShare } from '../../../../../protocol/ecdsa2p/index.js';
import {
  birthEd25519Family,
  deriveBip32PublicTweak,
  type FrostDkgOutput,
  type FrostDkgState,
  receiveFrostDkg,
  startFrostDkg,
} from '../../../../../protocol/frost/index.js';
import { createSeededRng, type Rng } from '../../../../../protocol/rng.js';
import { type Envelope, otherParty } from '../../../../../protocol/session.js';

const CUSTOMER = '7d4c2a10-8f3e-4b6a-9c21-5e0f1a2b3c4d';
const rng = createSeededRng('export-keys test');

/** An ECDSA family as the DKG leaves it, as far as export reads it: x_C, x_S, X = (x_C + x_S)·G, chain code. */
function ecdsaFamily(family: 'evm' | 'bitcoin', r: Rng) {
  const xC = Fn.create(BigInt(`0x${toHex(r(32))}`));
  const xS = Fn.create(BigInt(`0x${toHex(r(32))}`));
  const publicKey = toHex(G.multiply(Fn.add(xC, xS)).toBytes(true));
  const chainCode = toHex(r(32));
  const client = {
    role: 'client',
    keyId: `ecdsa:${family}:${CUSTOMER}`,
    epoch: 0,
    publicKey,
    chainCode,
    secretShare: toHex(Fn.toBytes(xC)),
  } as unknown as Ecdsa2pKeyShare;
  const server = { family, epoch: 0, publicKey, chainCode, secretShare: toHex(Fn.toBytes(xS)) };
  return { client, server };
}

function childPublicKey(share: Ecdsa2pKeyShare, path: string): Uint8Array {
  return deriveNonHardened(Point.fromHex(share.publicKey), fromHex(share.chainCode), path).publicKey.toBytes(true);
}

function localTaprootDkg(r: Rng): { client: FrostDkgOutput; server: FrostDkgOutput } {
  const keyId = `frost:bip340:${CUSTOMER}`;
  const c = startFrostDkg({ role: 'client', group: 'secp256k1', keyId, ceremonyId: 'cer_export_test', rng: r });
  const s = startFrostDkg({ role: 'server', group: 'secp256k1', keyId, ceremonyId: 'cer_export_test', rng: r });
  const states: Record<'client' | 'server', FrostDkgState> = { client: c.state, server: s.state };
  const out: Partial<Record<'client' | 'server', FrostDkgOutput>> = {};
  const queue: Envelope<unknown>[] = [...c.outgoing, ...s.outgoing];
  while (queue.length > 0) {
    const m = queue.shift() as Envelope<unknown>;
    const to = otherParty(m.from);
    const step = receiveFrostDkg(states[to], m);
    states[to] = step.state;
    if (step.output) out[to] = step.output;
    queue.push(...step.outgoing);
  }
  return { client: out.client as FrostDkgOutput, server: out.server as FrostDkgOutput };
}

/** A customer with every family, the bundle this device holds and what Node 2 releases. */
function fixture() {
  const evm = ecdsaFamily('evm', rng);
  const btc = ecdsaFamily('bitcoin', rng);
  const taproot = localTaprootDkg(rng);
  const birth = birthEd25519Family({ context: exportContextFor(CUSTOMER), rng });
  const bundle: Node1Bundle = {
    v: 1,
    ecdsa: { evm: evm.client, bitcoin: btc.client },
    ed25519: {
      exportKeyPart: birth.client.exportKeyPart,
      accounts: birth.client.accounts,
      sealedMnemonic: birth.sealedMnemonic,
    },
    taproot: { keyShare: taproot.client.keyShare, chainCode: taproot.client.chainCode },
  };
  const internal = deriveBip32PublicTweak(
    fromHex(taproot.client.keyShare.commitments[0] as string),
    fromHex(taproot.client.chainCode),
    [0, 1],
  ).publicKey;
  const sol = birth.accounts.find((a) => a.chain === 'solana');
  const near = birth.accounts.find((a) => a.chain === 'near');
  const wallets = [
    {
      blockchain: 'NEAR-TESTNET',
      address: near?.address,
      derivationPath: near?.path,
      keyFamily: 'near',
      addressType: null,
    },
    {
      blockchain: 'BTC-TESTNET',
      address: bitcoinAddressFromPublicKey(fromHex(internal), 'p2tr', 'testnet'),
      derivationPath: 'm/0/1',
      keyFamily: 'bitcoin',
      addressType: 'p2tr',
    },
    {
      blockchain: 'BTC-TESTNET',
      address: bitcoinAddressFromPublicKey(childPublicKey(btc.client, 'm/0/0'), 'p2wpkh', 'testnet'),
      derivationPath: 'm/0/0',
      keyFamily: 'bitcoin',
      addressType: 'p2wpkh',
    },
    {
      blockchain: 'SOL-DEVNET',
      address: sol?.address,
      derivationPath: sol?.path,
      keyFamily: 'solana',
      addressType: null,
    },
    {
      blockchain: 'ETH-SEPOLIA',
      address: evmAddressFromPublicKey(childPublicKey(evm.client, 'm/0/2')),
      derivationPath: 'm/0/2',
      keyFamily: 'evm',
      addressType: null,
    },
  ];
  const release = {
    ecdsa: [
      { keyId: evm.client.keyId, ...evm.server },
      { keyId: btc.client.keyId, ...btc.server },
    ],
    ed25519: birth.server.accounts.map((a) => ({
      keyId: 'x',
      chain: a.chain,
      publicKey: a.publicKey,
      keyShare: a.keyShare,
    })),
    taproot: [
      {
        keyId: `frost:bip340:${CUSTOMER}`,
        family: 'bitcoin',
        publicKey: taproot.server.keyShare.commitments[0],
        chainCode: taproot.server.chainCode,
        keyShare: taproot.server.keyShare,
      },
    ],
    exportKeyPart: birth.server.exportKeyPart,
    sealedMnemonic: birth.sealedMnemonic,
    wallets,
  };
  return { bundle, release, wallets, birth };
}

const base = fixture();
const parsed = () => parseExportRelease(JSON.parse(JSON.stringify(base.release)));

describe('rebuildExportedKeys', () => {
  it('rebuilds a key for every wallet, in each target wallet’s format, ordered EVM, SegWit, Taproot, Solana, NEAR', () => {
    const keys = rebuildExportedKeys(base.bundle, parsed(), CUSTOMER);
    expect(keys.missing).toEqual([]);
    expect(keys.rows.map((r) => r.blockchain)).toEqual([
      'ETH-SEPOLIA',
      'BTC-TESTNET',
      'BTC-TESTNET',
      'SOL-DEVNET',
      'NEAR-TESTNET',
    ]);
    const [evm, segwit, taproot, sol, near] = keys.rows;
    expect(evmAddressFromPublicKey(secp256k1.getPublicKey(fromHex(evm?.privateKey.slice(2) as string), true))).toBe(
      base.wallets[4]?.address,
    );
    const wif = WIF(bitcoinNetwork('testnet'));
    const segwitKey = wif.decode(segwit?.privateKey as string);
    expect(bitcoinAddressFromPublicKey(secp256k1.getPublicKey(segwitKey, true), 'p2wpkh', 'testnet')).toBe(
      segwit?.address,
    );
    // UniSat gets the Taproot internal key: the address is BIP86's tweak of its public key.
    const taprootKey = wif.decode(taproot?.privateKey as string);
    expect(bitcoinAddressFromPublicKey(secp256k1.getPublicKey(taprootKey, true), 'p2tr', 'testnet')).toBe(
      taproot?.address,
    );
    const solKeypair = base58.decode(sol?.privateKey as string);
    expect(base58.encode(ed25519.getPublicKey(solKeypair.slice(0, 32)))).toBe(sol?.address);
    expect(near?.privateKey.startsWith('ed25519:')).toBe(true);
    expect(keys.mnemonic?.split(' ')).toHaveLength(12);
    expect(keys.csv.split('\r\n')[0]).toBe('Address,Private Key,Blockchain,Derivation Path,Key Type');
    expect(keys.csv).toContain(evm?.privateKey as string);
  });

  it('skips the family whose server share belongs to another key, and says why', () => {
    const release = parsed();
    const other = ecdsaFamily('evm', createSeededRng('another key'));
    release.ecdsa[0] = other.server;
    const keys = rebuildExportedKeys(base.bundle, release, CUSTOMER);
    expect(keys.rows.map((r) => r.blockchain)).not.toContain('ETH-SEPOLIA');
    expect(keys.missing).toEqual([
      {
        address: base.wallets[4]?.address,
        blockchain: 'ETH-SEPOLIA',
        reason: "the relay's evm share belongs to another key",
      },
    ]);
  });

  it('skips the family whose shares do not add up to the joint key', () => {
    const release = parsed();
    release.ecdsa[1] = { ...(release.ecdsa[1] as ExportRelease['ecdsa'][number]), secretShare: toHex(Fn.toBytes(5n)) };
    const keys = rebuildExportedKeys(base.bundle, release, CUSTOMER);
    expect(keys.rows.map((r) => r.address)).not.toContain(base.wallets[2]?.address);
    expect(keys.missing[0]?.reason).toMatch(/do not add up/);
  });

  it('skips Solana and NEAR when the export key part does not open the recovery phrase', () => {
    const release = { ...parsed(), exportKeyPart: 'ee'.repeat(32) };
    const keys = rebuildExportedKeys(base.bundle, release, CUSTOMER);
    expect(keys.mnemonic).toBeNull();
    expect(keys.missing.map((m) => m.blockchain).sort()).toEqual(['NEAR-TESTNET', 'SOL-DEVNET']);
    expect(keys.missing[0]?.reason).toMatch(/did not open/);
  });

  it('skips Solana and NEAR when the relay releases no export key part', () => {
    const keys = rebuildExportedKeys(base.bundle, { ...parsed(), exportKeyPart: null }, CUSTOMER);
    expect(keys.missing.map((m) => m.reason)).toEqual([
      'the relay released no export key part',
      'the relay released no export key part',
    ]);
  });

  it('refuses to pair a key with a wallet address it does not give (a relay-listed address that is not ours)', () => {
    const release = parsed();
    const forged = evmAddressFromPublicKey(secp256k1.getPublicKey(fromHex('11'.repeat(32)), true));
    release.wallets[4] = { ...(release.wallets[4] as ExportRelease['wallets'][number]), address: forged };
    const keys = rebuildExportedKeys(base.bundle, release, CUSTOMER);
    expect(keys.rows.map((r) => r.address)).not.toContain(forged);
    expect(keys.missing).toEqual([
      { address: forged, blockchain: 'ETH-SEPOLIA', reason: 'the rebuilt key does not match (InvalidArgumentError)' },
    ]);
  });

  it('skips a Taproot wallet when this device holds no Taproot share', () => {
    const { taproot: _taproot, ...bundle } = base.bundle;
    const keys = rebuildExportedKeys(bundle, parsed(), CUSTOMER);
    expect(keys.missing).toEqual([
      { address: base.wallets[1]?.address, blockchain: 'BTC-TESTNET', reason: 'no Taproot key shares on both sides' },
    ]);
  });

  it('skips an ed25519 wallet that is not an account of the recovery phrase', () => {
    const release = parsed();
    const stranger = base58.encode(ed25519.getPublicKey(fromHex('22'.repeat(32))));
    release.wallets[3] = { ...(release.wallets[3] as ExportRelease['wallets'][number]), address: stranger };
    const keys = rebuildExportedKeys(base.bundle, release, CUSTOMER);
    expect(keys.missing).toEqual([
      { address: stranger, blockchain: 'SOL-DEVNET', reason: 'no account of the recovery phrase has this address' },
    ]);
  });
});

describe('parseExportRelease', () => {
  it('accepts what Node 2 releases', () => {
    expect(parsed().wallets).toHaveLength(5);
  });
  it('refuses a payload that is not an object', () => {
    expect(() => parseExportRelease([])).toThrow(ExportReleaseError);
  });
  it('refuses a release without a wallet list', () => {
    const { wallets: _w, ...rest } = JSON.parse(JSON.stringify(base.release));
    expect(() => parseExportRelease(rest)).toThrow(/wallets arrays/);
  });
  it('refuses an ECDSA share with a short secret', () => {
    const release = JSON.parse(JSON.stringify(base.release));
    release.ecdsa[0].secretShare = 'ab';
    expect(() => parseExportRelease(release)).toThrow(/release\.ecdsa\.0/);
  });
  it('refuses an ECDSA share of an unknown family', () => {
    const release = JSON.parse(JSON.stringify(base.release));
    release.ecdsa[0].family = 'tron';
    expect(() => parseExportRelease(release)).toThrow(/release\.ecdsa\.0/);
  });
  it('refuses a Taproot root without a chain code', () => {
    const release = JSON.parse(JSON.stringify(base.release));
    delete release.taproot[0].chainCode;
    expect(() => parseExportRelease(release)).toThrow(/release\.taproot\.0/);
  });
  it('refuses an export key part that is not 32-byte hex', () => {
    const release = JSON.parse(JSON.stringify(base.release));
    release.exportKeyPart = 'zz';
    expect(() => parseExportRelease(release)).toThrow(/exportKeyPart/);
  });
  it('refuses a wallet of an unknown key family', () => {
    const release = JSON.parse(JSON.stringify(base.release));
    release.wallets[0].keyFamily = 'tron';
    expect(() => parseExportRelease(release)).toThrow(/release\.wallets\.0/);
  });
  it('refuses a wallet with an unknown address type', () => {
    const release = JSON.parse(JSON.stringify(base.release));
    release.wallets[0].addressType = 'p2pkh';
    expect(() => parseExportRelease(release)).toThrow(/release\.wallets\.0/);
  });
});
