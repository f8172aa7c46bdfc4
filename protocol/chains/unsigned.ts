/**
 * One entry point over the four families: the JSON-safe unsigned transaction union, what to sign for
 * it, and the signed transaction once signatures come back. Node 2 and the Gateway both call
 * `signingRequestsFor` on the same unsigned transaction and so sign exactly the same bytes.
 */
import { InvalidArgumentError } from '../errors.js';
import {
  assembleBitcoinTransaction,
  type BitcoinUnsignedTransaction,
  bitcoinSigningRequests,
  validateBitcoinTransaction,
} from './bitcoin/transaction.js';
import {
  assembleEvmTransaction,
  type EvmUnsignedTransaction,
  evmSigningRequest,
  validateEvmTransaction,
} from './evm/transaction.js';
import {
  assembleNearTransaction,
  type NearUnsignedTransaction,
  nearSigningRequest,
  validateNearTransaction,
} from './near/transaction.js';
import {
  assembleSolanaTransaction,
  type SolanaUnsignedTransaction,
  solanaSigningRequest,
  validateSolanaTransaction,
} from './solana/transaction.js';
import type { ChainSignature, SignedTransaction, SigningRequest } from './types.js';

export type UnsignedTransaction =
  | EvmUnsignedTransaction
  | BitcoinUnsignedTransaction
  | SolanaUnsignedTransaction
  | NearUnsignedTransaction;

export function validateUnsignedTransaction(tx: UnsignedTransaction): UnsignedTransaction {
  switch (tx?.family) {
    case 'evm':
      return validateEvmTransaction(tx);
    case 'bitcoin':
      return validateBitcoinTransaction(tx);
    case 'solana':
      return validateSolanaTransaction(tx);
    case 'near':
      return validateNearTransaction(tx);
    default:
      throw new InvalidArgumentError(
        'transaction.family',
        '"evm", "bitcoin", "solana" or "near"',
        String((tx as { family?: unknown })?.family),
      );
  }
}

/** Every signature the transaction needs, in order (Bitcoin: one per input; others: one). */
export function signingRequestsFor(tx: UnsignedTransaction): SigningRequest[] {
  switch (tx?.family) {
    case 'evm':
      return [evmSigningRequest(tx)];
    case 'bitcoin':
      return bitcoinSigningRequests(tx);
    case 'solana':
      return [solanaSigningRequest(tx)];
    case 'near':
      return [nearSigningRequest(tx)];
    default:
      return [validateUnsignedTransaction(tx) as never];
  }
}

/** Verifies each signature against its request and builds the broadcastable transaction. */
export function assembleTransaction(tx: UnsignedTransaction, signatures: ChainSignature[]): SignedTransaction {
  if (!Array.isArray(signatures) || signatures.length === 0)
    throw new InvalidArgumentError('signatures', 'at least one signature');
  switch (tx?.family) {
    case 'evm':
      return assembleEvmTransaction(tx, one(signatures));
    case 'bitcoin':
      return assembleBitcoinTransaction(tx, signatures);
    case 'solana':
      return assembleSolanaTransaction(tx, one(signatures));
    case 'near':
      return assembleNearTransaction(tx, one(signatures));
    default:
      return validateUnsignedTransaction(tx) as never;
  }
}

function one(signatures: ChainSignature[]): ChainSignature {
  if (signatures.length !== 1)
    throw new InvalidArgumentError('signatures', 'exactly one signature', String(signatures.length));
  return signatures[0] as ChainSignature;
}

/** JSON form of a signing request (bytes as lower-case hex), for storage and logs. */
export function signingRequestToJson(r: SigningRequest): Record<string, string | number> {
  const { digest, message, ...rest } = r as SigningRequest & { digest?: Uint8Array; message?: Uint8Array };
  const bytes = digest ?? message;
  return {
    ...rest,
    [digest ? 'digest' : 'message']: bytes ? Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('') : '',
  } as Record<string, string | number>;
}
