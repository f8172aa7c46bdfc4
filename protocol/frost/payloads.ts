/**
 * What each chain's verifier actually checks, so no caller signs the wrong bytes (the encodings
 * themselves live with the transaction code):
 *   Solana  — ed25519 over the serialized transaction *message* bytes, as they are;
 *   NEAR    — ed25519 over SHA-256(borsh(Transaction)) (nearcore `Transaction::get_hash_and_size`);
 *   Taproot — BIP340 over the 32-byte BIP341 signature hash (SigMsg tagged hash) of the input.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { InvalidArgumentError } from '../errors.js';

const SOLANA_PACKET_BYTES = 1232;

/** Solana signs the serialized message itself (no hashing); copies so later edits don't leak in. */
export function solanaSigningPayload(serializedMessage: Uint8Array): Uint8Array {
  if (
    !(serializedMessage instanceof Uint8Array) ||
    serializedMessage.length === 0 ||
    serializedMessage.length > SOLANA_PACKET_BYTES
  )
    throw new InvalidArgumentError('serializedMessage', `1 to ${SOLANA_PACKET_BYTES} bytes`);
  return serializedMessage.slice();
}

/** NEAR signs SHA-256 of the borsh-serialized transaction. */
export function nearSigningPayload(borshTransaction: Uint8Array): Uint8Array {
  if (!(borshTransaction instanceof Uint8Array) || borshTransaction.length === 0)
    throw new InvalidArgumentError('borshTransaction', 'non-empty bytes');
  return sha256(borshTransaction);
}

/** Taproot key-path signing takes the 32-byte BIP341 sighash computed by the transaction code. */
export function taprootSigningPayload(sighash: Uint8Array): Uint8Array {
  if (!(sighash instanceof Uint8Array) || sighash.length !== 32)
    throw new InvalidArgumentError('sighash', '32-byte BIP341 signature hash');
  return sighash.slice();
}
