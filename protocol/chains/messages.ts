/**
 * Off-chain message signing per chain: what the signer signs for a `sign-message` or
 * `sign-typed-data` challenge. EVM: EIP-191 personal_sign / EIP-712; Bitcoin: BIP-137 (P2WPKH key);
 * Solana: the raw message bytes (Wallet Standard `solana:signMessage`); NEAR: NEP-413.
 */
import { InvalidArgumentError } from '../errors.js';
import { bip137Digest } from './bitcoin/message.js';
import { personalSignDigest, type TypedData, typedDataDigest } from './evm/messages.js';
import { type Nep413Payload, nearDerivationPath, nep413SigningMessage } from './near/transaction.js';
import { solanaDerivationPath } from './solana/transaction.js';
import type { KeyFamily, SigningRequest } from './types.js';

const MAX_MESSAGE_BYTES = 16 * 1024;

export type MessageToSign =
  | { family: 'evm'; derivationPath: string; message: Uint8Array }
  | { family: 'evm-typed-data'; derivationPath: string; typedData: TypedData }
  | { family: 'bitcoin'; derivationPath: string; message: Uint8Array }
  | { family: 'solana'; account: number; message: Uint8Array }
  | { family: 'near'; account: number; payload: Nep413Payload };

function checkSize(message: Uint8Array): void {
  if (!(message instanceof Uint8Array) || message.length === 0 || message.length > MAX_MESSAGE_BYTES) {
    throw new InvalidArgumentError(
      'message',
      `1 to ${MAX_MESSAGE_BYTES} bytes`,
      message instanceof Uint8Array ? `${message.length}` : typeof message,
    );
  }
}

export function messageSigningRequest(m: MessageToSign): SigningRequest {
  switch (m.family) {
    case 'evm':
      checkSize(m.message);
      return {
        scheme: 'ecdsa-secp256k1',
        keyFamily: 'evm',
        digest: personalSignDigest(m.message),
        derivationPath: m.derivationPath,
      };
    case 'evm-typed-data':
      return {
        scheme: 'ecdsa-secp256k1',
        keyFamily: 'evm',
        digest: typedDataDigest(m.typedData),
        derivationPath: m.derivationPath,
      };
    case 'bitcoin':
      checkSize(m.message);
      return {
        scheme: 'ecdsa-secp256k1',
        keyFamily: 'bitcoin',
        digest: bip137Digest(m.message),
        derivationPath: m.derivationPath,
      };
    case 'solana':
      checkSize(m.message);
      return {
        scheme: 'ed25519',
        keyFamily: 'solana',
        message: m.message.slice(),
        account: m.account,
        derivationPath: solanaDerivationPath(m.account),
      };
    case 'near':
      return {
        scheme: 'ed25519',
        keyFamily: 'near',
        message: nep413SigningMessage(m.payload),
        account: m.account,
        derivationPath: nearDerivationPath(m.account),
      };
    default:
      throw new InvalidArgumentError(
        'family',
        '"evm", "evm-typed-data", "bitcoin", "solana" or "near"',
        String((m as { family?: unknown }).family),
      );
  }
}

export type { KeyFamily };
