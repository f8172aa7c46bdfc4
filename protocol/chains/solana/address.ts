/**
 * Solana addresses are the base58 of a 32-byte ed25519 public key. Program-derived addresses (PDAs)
 * are SHA-256(seeds ‖ bump ‖ programId ‖ "ProgramDerivedAddress") that is *not* a curve point
 * (solana-program `Pubkey::find_program_address`), e.g. associated token accounts.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { base58 } from '@scure/base';
import { InvalidArgumentError } from '../../errors.js';

export const SYSTEM_PROGRAM = '11111111111111111111111111111111';
export const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
export const TOKEN_2022_PROGRAM = 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb';
export const ASSOCIATED_TOKEN_PROGRAM = 'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL';
export const COMPUTE_BUDGET_PROGRAM = 'ComputeBudget111111111111111111111111111111';

export function solanaAddressFromPublicKey(publicKey: Uint8Array): string {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) {
    throw new InvalidArgumentError('publicKey', 'a 32-byte ed25519 public key', `${publicKey?.length} bytes`);
  }
  return base58.encode(publicKey);
}

/** Decodes a base58 address to its 32 bytes, naming `field` on failure. */
export function parseSolanaAddress(address: unknown, field = 'address'): Uint8Array {
  if (typeof address !== 'string' || address.length < 32 || address.length > 44) {
    throw new InvalidArgumentError(
      field,
      'a base58 Solana address (32 bytes)',
      typeof address === 'string' ? JSON.stringify(address) : typeof address,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = base58.decode(address);
  } catch {
    throw new InvalidArgumentError(field, 'base58 characters only', JSON.stringify(address));
  }
  if (bytes.length !== 32) throw new InvalidArgumentError(field, '32 bytes once decoded', `${bytes.length}`);
  return bytes;
}

export function isSolanaAddress(address: unknown): boolean {
  try {
    parseSolanaAddress(address);
    return true;
  } catch {
    return false;
  }
}

export function isOnEd25519Curve(bytes: Uint8Array): boolean {
  try {
    ed25519.Point.fromBytes(bytes, true);
    return true;
  } catch {
    return false;
  }
}

/** `find_program_address`: the first bump from 255 down whose hash is off the curve. */
export function findProgramAddress(seeds: Uint8Array[], programId: string): { address: string; bump: number } {
  const program = parseSolanaAddress(programId, 'programId');
  for (let bump = 255; bump >= 0; bump--) {
    const hash = sha256(concatBytes(...seeds, Uint8Array.of(bump), program, utf8ToBytes('ProgramDerivedAddress')));
    if (!isOnEd25519Curve(hash)) return { address: base58.encode(hash), bump };
  }
  throw new InvalidArgumentError('seeds', 'seeds with an off-curve program address', 'none found');
}

/** The associated token account of `owner` for `mint` (SPL Associated Token Account program). */
export function associatedTokenAddress(owner: string, mint: string, tokenProgram = TOKEN_PROGRAM): string {
  return findProgramAddress(
    [
      parseSolanaAddress(owner, 'owner'),
      parseSolanaAddress(tokenProgram, 'tokenProgram'),
      parseSolanaAddress(mint, 'mint'),
    ],
    ASSOCIATED_TOKEN_PROGRAM,
  ).address;
}
