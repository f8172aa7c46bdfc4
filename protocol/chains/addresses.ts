/**
 * The address of a wallet key on each family (DESIGN.md §3): EVM Keccak address, Bitcoin P2WPKH or
 * BIP86 P2TR, Solana base58 public key, NEAR implicit account (hex public key). The key given is the
 * already-derived child key (secp256k1: non-hardened m/0/i below the family root; ed25519: the SLIP-10
 * account key).
 */
import { InvalidArgumentError } from '../errors.js';
import { type BitcoinAddressType, bitcoinAddressFromPublicKey } from './bitcoin/address.js';
import type { BitcoinNetworkName } from './bitcoin/network.js';
import { evmAddressFromPublicKey } from './evm/address.js';
import { nearImplicitAccountId } from './near/transaction.js';
import { solanaAddressFromPublicKey } from './solana/address.js';

export type AddressSpec =
  | { family: 'evm' }
  | { family: 'bitcoin'; network: BitcoinNetworkName; addressType: BitcoinAddressType }
  | { family: 'solana' }
  | { family: 'near' };

export function walletAddress(publicKey: Uint8Array, spec: AddressSpec): string {
  switch (spec.family) {
    case 'evm':
      return evmAddressFromPublicKey(publicKey);
    case 'bitcoin':
      return bitcoinAddressFromPublicKey(publicKey, spec.addressType, spec.network);
    case 'solana':
      return solanaAddressFromPublicKey(publicKey);
    case 'near':
      return nearImplicitAccountId(publicKey);
    default:
      throw new InvalidArgumentError(
        'family',
        '"evm", "bitcoin", "solana" or "near"',
        String((spec as { family?: unknown }).family),
      );
  }
}
