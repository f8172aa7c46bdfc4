/**
 * Export, the part that runs on the device (DESIGN.md §4.3): Node 2's `export/release` payload is
 * checked, each key is rebuilt from our share and the relay's, and every wallet the relay lists
 * becomes one CSV row in its target wallet's import format (protocol/chains/export.ts):
 *   - ECDSA (EVM, Bitcoin P2WPKH): x = x_C + x_S (checked against the joint key), plus the BIP32
 *     tweak of the wallet's non-hardened path;
 *   - Taproot (P2TR): the untweaked FROST root from both shares, then BIP32 along the path: the
 *     *internal* key UniSat imports (it applies the BIP86 tweak itself);
 *   - ed25519 (Solana, NEAR): the mnemonic opened with k_C ‖ k_S, then SLIP-10 per account: the seed
 *     Phantom and MyNearWallet import (a FROST share sum is a scalar, never a seed).
 * exportRow re-derives each row's address from its key, so a row can never carry another wallet's key.
 * Pure: no I/O; the caller wipes what it can and never sends any of it anywhere.
 */
import { base58 } from '@scure/base';
import { fromHex, isHex, wipe } from '../../../protocol/bytes.js';
import type { BitcoinNetworkName } from '../../../protocol/chains/bitcoin/network.js';
import { type ExportRow, exportCsv, exportRow } from '../../../protocol/chains/export.js';
import { deriveNonHardened, parseDerivationPath } from '../../../protocol/ecdsa2p/derivation.js';
import { Fn, G, Point, scalarFromHex, scalarToBytes } from '../../../protocol/ecdsa2p/group.js';
import {
  type Ed25519Chain,
  exportEd25519Keys,
  exportTaprootInternalKey,
  type FrostKeyShare,
  type SealedMnemonic,
} from '../../../protocol/frost/index.js';
import type { Node1Bundle } from '../bundle.js';

/** The ed25519 family's box context, as Node 2 seals it (relay/mpc/key-ids.ts `exportKeyPartId`, version 1). */
export const ED25519_EXPORT_CONTEXT_VERSION = 1;
export const exportContextFor = (customerId: string) => ({
  customerId,
  keyId: `export:${customerId}`,
  version: ED25519_EXPORT_CONTEXT_VERSION,
});

export class ExportReleaseError extends Error {
  override readonly name = 'ExportReleaseError';
}

export interface ReleasedEcdsaShare {
  family: 'evm' | 'bitcoin';
  epoch: number;
  publicKey: string;
  chainCode: string;
  secretShare: string;
}

export interface ReleasedWallet {
  blockchain: string;
  address: string;
  derivationPath: string;
  keyFamily: 'evm' | 'bitcoin' | 'solana' | 'near';
  addressType: 'p2wpkh' | 'p2tr' | null;
}

/** Node 2's `export/release` payload, as far as the device uses it. */
export interface ExportRelease {
  ecdsa: ReleasedEcdsaShare[];
  taproot: { publicKey: string; chainCode: string; keyShare: FrostKeyShare }[];
  exportKeyPart: string | null;
  wallets: ReleasedWallet[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the outline of a release (shares are checked again when keys are rebuilt). */
export function parseExportRelease(payload: unknown): ExportRelease {
  if (!isObject(payload)) throw new ExportReleaseError('release: expected an object');
  const { ecdsa, taproot, exportKeyPart, wallets } = payload;
  if (!Array.isArray(ecdsa) || !Array.isArray(taproot) || !Array.isArray(wallets))
    throw new ExportReleaseError('release: expected ecdsa, taproot and wallets arrays');
  const shares = ecdsa.map((s, i) => {
    if (
      !isObject(s) ||
      (s.family !== 'evm' && s.family !== 'bitcoin') ||
      !Number.isSafeInteger(s.epoch) ||
      !isHex(s.publicKey, 33) ||
      !isHex(s.chainCode, 32) ||
      !isHex(s.secretShare, 32)
    )
      throw new ExportReleaseError(`release.ecdsa.${i}: expected { family, epoch, publicKey, chainCode, secretShare }`);
    return s as unknown as ReleasedEcdsaShare;
  });
  const roots = taproot.map((t, i) => {
    if (!isObject(t) || !isHex(t.chainCode, 32) || !isObject(t.keyShare))
      throw new ExportReleaseError(`release.taproot.${i}: expected { chainCode, keyShare }`);
    return t as unknown as ExportRelease['taproot'][number];
  });
  if (exportKeyPart !== null && !isHex(exportKeyPart, 32))
    throw new ExportReleaseError('release.exportKeyPart: expected 32-byte hex or null');
  const listed = wallets.map((w, i) => {
    if (
      !isObject(w) ||
      typeof w.blockchain !== 'string' ||
      typeof w.address !== 'string' ||
      typeof w.derivationPath !== 'string' ||
      !['evm', 'bitcoin', 'solana', 'near'].includes(w.keyFamily as string) ||
      !(w.addressType === null || w.addressType === 'p2wpkh' || w.addressType === 'p2tr' || w.addressType === undefined)
    )
      throw new ExportReleaseError(`release.wallets.${i}: expected { blockchain, address, derivationPath, keyFamily }`);
    return {
      ...(w as unknown as ReleasedWallet),
      addressType: (w.addressType ?? null) as ReleasedWallet['addressType'],
    };
  });
  return { ecdsa: shares, taproot: roots, exportKeyPart: exportKeyPart as string | null, wallets: listed };
}

export function bitcoinNetworkOf(blockchain: string): BitcoinNetworkName {
  if (/REGTEST|LOCAL/.test(blockchain)) return 'regtest';
  return blockchain === 'BTC' ? 'mainnet' : 'testnet';
}

export interface ExportedKeys {
  /** One row per wallet, in the relay's order (the CSV groups them by key type). */
  rows: ExportRow[];
  csv: string;
  /** The ed25519 family's BIP39 mnemonic (Solana and NEAR accounts), when the customer has one. */
  mnemonic: string | null;
  /** Wallets whose key this device could not rebuild (address and why); empty normally. */
  missing: { address: string; blockchain: string; reason: string }[];
}

/** x_C + x_S for one ECDSA family, checked against the joint public key. */
function ecdsaRootSecret(bundle: Node1Bundle, release: ExportRelease, family: 'evm' | 'bitcoin'): bigint | string {
  const client = bundle.ecdsa[family];
  const server = release.ecdsa.find((s) => s.family === family);
  if (!client) return `this device holds no ${family} key share`;
  if (!server) return `the relay released no ${family} key share`;
  if (server.publicKey !== client.publicKey || server.chainCode !== client.chainCode)
    return `the relay's ${family} share belongs to another key`;
  const x = Fn.add(scalarFromHex(client.secretShare, 'secretShare'), scalarFromHex(server.secretShare, 'secretShare'));
  if (!G.multiply(x).equals(Point.fromHex(client.publicKey)))
    return `the ${family} shares do not add up to the wallet key (a PIN change may not have reached this device)`;
  return x;
}

/** EVM, Bitcoin SegWit, Bitcoin Taproot, Solana, NEAR: the order the Gateway lists them in. */
function rowOrder(row: ExportRow): number {
  if (row.privateKey.startsWith('0x')) return 0;
  if (row.keyType === 'secp256k1') return /^(bc1p|tb1p|bcrt1p)/.test(row.address) ? 2 : 1;
  return row.privateKey.startsWith('ed25519:') ? 4 : 3;
}

export function rebuildExportedKeys(bundle: Node1Bundle, release: ExportRelease, customerId: string): ExportedKeys {
  const rows: ExportRow[] = [];
  const missing: ExportedKeys['missing'] = [];
  const roots = new Map<'evm' | 'bitcoin', bigint | string>();
  const rootOf = (family: 'evm' | 'bitcoin') => {
    if (!roots.has(family)) roots.set(family, ecdsaRootSecret(bundle, release, family));
    return roots.get(family) as bigint | string;
  };

  let mnemonic: string | null = null;
  const ed25519Secrets = new Map<string, string>();
  const ed = bundle.ed25519;
  let ed25519Problem = 'this device holds no Solana/NEAR key share';
  if (ed && release.exportKeyPart) {
    const clientPart = fromHex(ed.exportKeyPart);
    const serverPart = fromHex(release.exportKeyPart);
    try {
      const opened = exportEd25519Keys({
        context: exportContextFor(customerId),
        sealedMnemonic: ed.sealedMnemonic as SealedMnemonic,
        clientExportKeyPart: clientPart,
        serverExportKeyPart: serverPart,
        accounts: ed.accounts.map((a) => ({ chain: a.chain as Ed25519Chain, index: a.index })),
      });
      mnemonic = opened.mnemonic;
      for (const a of opened.accounts) ed25519Secrets.set(`${a.chain}:${a.address}`, a.secretKey);
    } catch {
      ed25519Problem = 'the Solana/NEAR recovery phrase did not open with both key parts';
    } finally {
      wipe(clientPart, serverPart);
    }
  } else if (ed) {
    ed25519Problem = 'the relay released no export key part';
  }

  for (const wallet of release.wallets) {
    const skip = (reason: string) => missing.push({ address: wallet.address, blockchain: wallet.blockchain, reason });
    let secretKey: Uint8Array | undefined;
    try {
      if (wallet.keyFamily === 'bitcoin' && wallet.addressType === 'p2tr') {
        const server = release.taproot[0];
        if (!bundle.taproot || !server) {
          skip('no Taproot key shares on both sides');
          continue;
        }
        secretKey = exportTaprootInternalKey(
          bundle.taproot.keyShare,
          server.keyShare,
          server.chainCode,
          parseDerivationPath(wallet.derivationPath),
        ).secretKey;
      } else if (wallet.keyFamily === 'evm' || wallet.keyFamily === 'bitcoin') {
        const root = rootOf(wallet.keyFamily);
        if (typeof root === 'string') {
          skip(root);
          continue;
        }
        const client = bundle.ecdsa[wallet.keyFamily];
        const child = deriveNonHardened(
          Point.fromHex(client?.publicKey as string),
          fromHex(client?.chainCode as string),
          wallet.derivationPath,
        );
        secretKey = scalarToBytes(Fn.add(root, child.tweak));
      } else {
        const encoded = ed25519Secrets.get(`${wallet.keyFamily}:${wallet.address}`);
        if (!encoded) {
          skip(ed25519Secrets.size === 0 ? ed25519Problem : 'no account of the recovery phrase has this address');
          continue;
        }
        const keypair = base58.decode(encoded.replace(/^ed25519:/, ''));
        secretKey = keypair.slice(0, 32);
        wipe(keypair);
      }
      rows.push(
        exportRow({
          family: wallet.keyFamily,
          blockchain: wallet.blockchain,
          address: wallet.address,
          derivationPath: wallet.derivationPath,
          secretKey,
          ...(wallet.keyFamily === 'bitcoin' ? { bitcoinNetwork: bitcoinNetworkOf(wallet.blockchain) } : {}),
        }),
      );
    } catch (error) {
      skip(`the rebuilt key does not match (${(error as Error).name})`);
    } finally {
      if (secretKey) wipe(secretKey);
    }
  }
  ed25519Secrets.clear();
  rows.sort((a, b) => rowOrder(a) - rowOrder(b));
  return { rows, csv: exportCsv(rows), mnemonic, missing };
}
