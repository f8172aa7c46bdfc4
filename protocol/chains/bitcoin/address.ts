/**
 * Bitcoin addresses of a wallet key: P2WPKH (BIP141/BIP173, ECDSA) from the 33-byte compressed key,
 * and P2TR (BIP341/BIP350) key-path-only per BIP86 — the output key is the internal key tweaked by
 * H_TapTweak(x(P)). For P2TR the signer holds the *internal* key; it applies the same tweak.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { Address, OutScript, p2tr, p2wpkh } from '@scure/btc-signer';
import { InvalidArgumentError } from '../../errors.js';
import { type BitcoinNetworkName, bitcoinNetwork } from './network.js';

export type BitcoinAddressType = 'p2wpkh' | 'p2tr';

function compressedPoint(publicKey: Uint8Array): Uint8Array {
  try {
    return secp256k1.Point.fromBytes(publicKey).toBytes(true);
  } catch {
    throw new InvalidArgumentError('publicKey', 'a 33-byte compressed secp256k1 point', `${publicKey.length} bytes`);
  }
}

/** x-only internal key (32 bytes) of a compressed key; BIP86 always uses the even-y lift. */
export function xOnly(publicKey: Uint8Array): Uint8Array {
  if (publicKey.length === 32) {
    try {
      secp256k1.Point.fromBytes(Uint8Array.of(2, ...publicKey));
    } catch {
      throw new InvalidArgumentError('publicKey', 'an x-only key on secp256k1', 'a non-point');
    }
    return publicKey.slice();
  }
  return compressedPoint(publicKey).slice(1);
}

export function bitcoinAddressFromPublicKey(
  publicKey: Uint8Array,
  type: BitcoinAddressType,
  network: BitcoinNetworkName,
): string {
  const net = bitcoinNetwork(network);
  if (type === 'p2wpkh') {
    if (publicKey.length !== 33)
      throw new InvalidArgumentError('publicKey', 'a 33-byte compressed key for P2WPKH', `${publicKey.length} bytes`);
    return p2wpkh(compressedPoint(publicKey), net).address as string;
  }
  if (type === 'p2tr') return p2tr(xOnly(publicKey), undefined, net).address as string;
  throw new InvalidArgumentError('type', '"p2wpkh" or "p2tr"', String(type));
}

/** The output script of the address, refusing addresses of another network or unknown form. */
export function bitcoinOutputScript(address: string, network: BitcoinNetworkName, field = 'address'): Uint8Array {
  if (typeof address !== 'string' || address.length > 100)
    throw new InvalidArgumentError(field, 'a Bitcoin address', typeof address);
  try {
    return OutScript.encode(Address(bitcoinNetwork(network)).decode(address));
  } catch (error) {
    throw new InvalidArgumentError(
      field,
      `a valid ${network} Bitcoin address`,
      `${JSON.stringify(address)} (${(error as Error).message})`,
    );
  }
}

export function isBitcoinAddress(address: unknown, network: BitcoinNetworkName): boolean {
  try {
    bitcoinOutputScript(address as string, network);
    return true;
  } catch {
    return false;
  }
}
