/**
 * Private-key export in the formats each target wallet imports (DESIGN.md §4.3), and the CSV
 * `Address,Private Key,Blockchain,Derivation Path,Key Type` the Gateway offers for download:
 *   EVM      0x + 64 hex (MetaMask, Trust Wallet)
 *   Bitcoin  WIF, compressed (UniSat); for P2TR the BIP86 *internal* key, which UniSat tweaks itself
 *   Solana   base58(seed ‖ public key), 64 bytes (Phantom "private key")
 *   NEAR     "ed25519:" + base58(seed ‖ public key) (MyNearWallet, near-cli)
 * Each row is checked: the key must give back the wallet's address, so a mix-up between rows or
 * families fails here rather than in the user's wallet. Pure: the CSV never leaves the device.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, concatBytes } from '@noble/hashes/utils.js';
import { base58 } from '@scure/base';
import { WIF } from '@scure/btc-signer';
import { InvalidArgumentError } from '../errors.js';
import { bitcoinAddressFromPublicKey } from './bitcoin/address.js';
import { type BitcoinNetworkName, bitcoinNetwork } from './bitcoin/network.js';
import { evmAddressFromPublicKey } from './evm/address.js';
import { nearImplicitAccountId } from './near/transaction.js';
import type { KeyFamily } from './types.js';

export type ExportKeyType = 'secp256k1' | 'ed25519';

export interface ExportRow {
  address: string;
  privateKey: string;
  blockchain: string;
  derivationPath: string;
  keyType: ExportKeyType;
}

export interface ExportInput {
  family: KeyFamily;
  blockchain: string;
  address: string;
  derivationPath: string;
  /** secp256k1: the 32-byte private key; ed25519: the 32-byte SLIP-10 seed of the account. */
  secretKey: Uint8Array;
  /** Bitcoin only. */
  bitcoinNetwork?: BitcoinNetworkName;
}

export const EXPORT_CSV_HEADER = 'Address,Private Key,Blockchain,Derivation Path,Key Type';

function check32(secretKey: Uint8Array): void {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) {
    throw new InvalidArgumentError(
      'secretKey',
      '32 bytes',
      secretKey instanceof Uint8Array ? `${secretKey.length} bytes` : typeof secretKey,
    );
  }
}

/** One export row, after checking that the key derives `address`. */
export function exportRow(input: ExportInput): ExportRow {
  check32(input.secretKey);
  const mismatch = (derived: string) =>
    new InvalidArgumentError('secretKey', `the key of ${input.address}`, `a key of ${derived}`);
  const base = { address: input.address, blockchain: input.blockchain, derivationPath: input.derivationPath };
  switch (input.family) {
    case 'evm': {
      const derived = evmAddressFromPublicKey(secp256k1.getPublicKey(input.secretKey, true));
      if (derived.toLowerCase() !== input.address.toLowerCase()) throw mismatch(derived);
      return { ...base, privateKey: `0x${bytesToHex(input.secretKey)}`, keyType: 'secp256k1' };
    }
    case 'bitcoin': {
      const network = input.bitcoinNetwork;
      if (!network) throw new InvalidArgumentError('bitcoinNetwork', '"mainnet", "testnet" or "regtest"', 'none');
      const pub = secp256k1.getPublicKey(input.secretKey, true);
      const candidates = [
        bitcoinAddressFromPublicKey(pub, 'p2wpkh', network),
        bitcoinAddressFromPublicKey(pub, 'p2tr', network),
      ];
      if (!candidates.includes(input.address)) throw mismatch(candidates.join(' / '));
      return { ...base, privateKey: WIF(bitcoinNetwork(network)).encode(input.secretKey), keyType: 'secp256k1' };
    }
    case 'solana': {
      const pub = ed25519.getPublicKey(input.secretKey);
      const derived = base58.encode(pub);
      if (derived !== input.address) throw mismatch(derived);
      return { ...base, privateKey: base58.encode(concatBytes(input.secretKey, pub)), keyType: 'ed25519' };
    }
    case 'near': {
      const pub = ed25519.getPublicKey(input.secretKey);
      const derived = nearImplicitAccountId(pub);
      if (derived !== input.address) throw mismatch(derived);
      return { ...base, privateKey: `ed25519:${base58.encode(concatBytes(input.secretKey, pub))}`, keyType: 'ed25519' };
    }
    default:
      throw new InvalidArgumentError('family', '"evm", "bitcoin", "solana" or "near"', String(input.family));
  }
}

function cell(value: string, field: string): string {
  // Spreadsheet formula injection: none of our values may start like a formula.
  if (/^[=+\-@\t\r]/.test(value))
    throw new InvalidArgumentError(
      field,
      'a value that does not start with = + - @',
      JSON.stringify(value.slice(0, 1)),
    );
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The CSV: header, then the secp256k1 rows, a blank line, then the ed25519 rows (Planbok's layout:
 * one block per key type). Lines end with \r\n (RFC 4180).
 */
export function exportCsv(rows: ExportRow[]): string {
  const line = (r: ExportRow, i: number) =>
    [
      cell(r.address, `rows.${i}.address`),
      cell(r.privateKey, `rows.${i}.privateKey`),
      cell(r.blockchain, `rows.${i}.blockchain`),
      cell(r.derivationPath, `rows.${i}.derivationPath`),
      r.keyType,
    ].join(',');
  const blocks = (['secp256k1', 'ed25519'] as const)
    .map((type) =>
      rows
        .map((r, i) => [r, i] as const)
        .filter(([r]) => r.keyType === type)
        .map(([r, i]) => line(r, i)),
    )
    .filter((block) => block.length > 0)
    .map((block) => block.join('\r\n'));
  return `${[EXPORT_CSV_HEADER, blocks.join('\r\n\r\n')].filter(Boolean).join('\r\n')}\r\n`;
}
