/**
 * Shared shapes of the per-chain code. Everything here is JSON-safe (strings, numbers, booleans), so
 * an unsigned transaction can be stored in a challenge, sent to the Gateway and rebuilt byte for byte
 * on both sides; only `SigningRequest` carries bytes, because it feeds the signer directly.
 *
 * Amounts are decimal strings of base units (wei, satoshi, lamports, yoctoNEAR); never floats.
 */

/** The key family a signing key belongs to: one DKG root (or ed25519 seed branch) per family. */
export type KeyFamily = 'evm' | 'bitcoin' | 'solana' | 'near';

export type ChainFamily = KeyFamily;

export type FeeLevel = 'low' | 'medium' | 'high';

/**
 * What the signer must produce for an approved payload. Node 2 and the Gateway both compute it
 * independently from the same unsigned transaction/message (DESIGN.md §3: Node 2 never signs a digest
 * the client supplies).
 *  - `ecdsa-secp256k1`: DKLs23 over `digest` under the EVM or Bitcoin root, derived along the
 *    non-hardened `derivationPath` (e.g. `m/0/0`).
 *  - `bip340`: FROST/BIP340 over the 32-byte BIP341 sighash, key = root → `derivationPath` → BIP86
 *    TapTweak (`taproot: 'bip86'`, key-path spend, no script tree).
 *  - `ed25519`: FROST/ed25519 over `message` (Solana: the serialized message; NEAR: SHA-256 of borsh),
 *    with the SLIP-10 account key `derivationPath` (e.g. `m/44'/501'/0'/0'`).
 * `inputIndex` is set for Bitcoin: one request per input, in input order.
 */
export type SigningRequest =
  | {
      scheme: 'ecdsa-secp256k1';
      keyFamily: 'evm' | 'bitcoin';
      digest: Uint8Array;
      derivationPath: string;
      inputIndex?: number;
    }
  | {
      scheme: 'bip340';
      keyFamily: 'bitcoin';
      digest: Uint8Array;
      derivationPath: string;
      taproot: 'bip86';
      inputIndex: number;
    }
  | { scheme: 'ed25519'; keyFamily: 'solana' | 'near'; message: Uint8Array; account: number; derivationPath: string };

/** The signature the signer returns, JSON-safe: ECDSA as (r, s, recovery), Schnorr/EdDSA as 64 bytes. */
export type ChainSignature =
  | { scheme: 'ecdsa-secp256k1'; r: string; s: string; recovery: number }
  | { scheme: 'bip340'; signature: string }
  | { scheme: 'ed25519'; signature: string };

/** A signed transaction ready for the network: raw encoding as the chain's RPC wants it, and its id. */
export interface SignedTransaction {
  /** EVM/Bitcoin: lower-case hex (EVM with 0x); Solana/NEAR: base64. */
  raw: string;
  encoding: 'hex' | 'base64';
  /** Chain transaction id: EVM 0x-hash, Bitcoin txid, Solana first signature (base58), NEAR hash (base58). */
  hash: string;
}

/** What the Gateway shows for a transaction, computed from the unsigned transaction alone. */
export interface TransactionDescription {
  family: ChainFamily;
  kind: 'native-transfer' | 'token-transfer' | 'contract-call' | 'message';
  from: string;
  /** The recipient of value (for a token transfer, the token's recipient, not the token contract). */
  to: string;
  amount?: { raw: string; formatted: string; symbol: string; decimals: number };
  /** Token contract / mint / NEP-141 account, for token transfers. */
  token?: string;
  /** Maximum network fee, in the native asset. */
  fee?: { raw: string; formatted: string; symbol: string; decimals: number };
  /** Decoded contract call (EVM function + arguments; NEAR method + JSON args). */
  call?: { contract: string; function: string; args: { name: string; type: string; value: string }[] };
  /** Extra lines worth showing (Bitcoin change outputs, Solana instructions, NEAR actions…). */
  details: { label: string; value: string }[];
}
