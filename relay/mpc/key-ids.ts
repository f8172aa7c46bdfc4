/**
 * Key ids of Node 2's key rows. They are bound into every protocol session id (ECDSA and FROST), so
 * they name the customer: a share of one customer can never run in another customer's session.
 */
import type { KeyFamily } from '../../protocol/chains/types.js';

/** The DKLs23 root of a family (one per customer and family, DESIGN.md §3). */
export function ecdsaRootKeyId(customerId: string, family: Extract<KeyFamily, 'evm' | 'bitcoin'>): string {
  return `ecdsa:${family}:${customerId}`;
}

/** The FROST/BIP340 root for Taproot. */
export function taprootRootKeyId(customerId: string): string {
  return `frost:bip340:${customerId}`;
}

/** One ed25519 account share (Solana m/44'/501'/i'/0', NEAR m/44'/397'/i'). */
export function ed25519AccountKeyId(customerId: string, chain: 'solana' | 'near', index: number): string {
  return `ed25519:${chain}:${index}:${customerId}`;
}

/** The export key part k_S of the ed25519 family. */
export function exportKeyPartId(customerId: string): string {
  return `export:${customerId}`;
}
