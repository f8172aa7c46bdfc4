/**
 * What Node 1 signs for an approved challenge, computed by Node 1 itself (DESIGN.md §3): from the
 * approved payload for messages and typed data, and for relay-built transactions from the unsigned
 * transaction the relay sends (`signable`) only after checking it pays exactly what was approved.
 * The relay computes the same independently; the MPC session ids bind both to the same digest.
 */
import { hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { type ApprovedIntent, checkTransactionMatchesApproval } from '../../../protocol/chains/approval.js';
import { evmMessageBytes, type TypedData } from '../../../protocol/chains/evm/messages.js';
import { messageSigningRequest } from '../../../protocol/chains/messages.js';
import { nearDelegateActionSigningRequest } from '../../../protocol/chains/near/transaction.js';
import { knownNetwork, knownToken } from '../../../protocol/chains/networks.js';
import {
  parseEvmTransactionJson,
  parseRawEvmTransaction,
  parseRawNearDelegateAction,
  parseRawNearTransaction,
  rawSolanaSigningRequest,
  solanaMessageFromRaw,
} from '../../../protocol/chains/raw.js';
import type { KeyFamily, SigningRequest } from '../../../protocol/chains/types.js';
import {
  signingRequestsFor,
  type UnsignedTransaction,
  validateUnsignedTransaction,
} from '../../../protocol/chains/unsigned.js';

/** Approving these runs a ceremony that needs the relay's `signable` first. */
export const RELAY_BUILT_KINDS = new Set(['transfer', 'contract-execution']);

export const SIGNING_KINDS = new Set([
  'sign-message',
  'sign-typed-data',
  'sign-transaction',
  'transfer',
  'contract-execution',
  'sign-delegate-action',
]);

const NATIVE_DECIMALS: Record<KeyFamily, number> = { evm: 18, bitcoin: 8, solana: 9, near: 24 };

/** Refused: the payload or the relay's transaction is not something Node 1 will sign. */
export class SigningRefusedError extends Error {
  override readonly name = 'SigningRefusedError';
}

/** The wallet that signs, as Node 1 knows it (its own key material decides the path). */
export interface SigningWallet {
  family: KeyFamily;
  address: string;
  derivationPath: string;
  /** ed25519 account index (Solana, NEAR). */
  account: number;
}

const text = (payload: Record<string, unknown>, key: string): string | undefined =>
  typeof payload[key] === 'string' ? (payload[key] as string) : undefined;

function need(payload: Record<string, unknown>, key: string): string {
  const value = text(payload, key);
  if (value === undefined) throw new SigningRefusedError(`the approved payload has no ${key}`);
  return value;
}

function messageBytes(payload: Record<string, unknown>): Uint8Array {
  const message = need(payload, 'message');
  if (payload.encodedByHex === true) {
    const hex = message.startsWith('0x') ? message.slice(2) : message;
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex))
      throw new SigningRefusedError('encodedByHex is set but the message is not hex');
    return hexToBytes(hex.toLowerCase());
  }
  return utf8ToBytes(message);
}

/** The family of a chain id (`ETH-SEPOLIA` → evm, `SOL-DEVNET` → solana…). */
export function familyOf(blockchain: string): KeyFamily {
  if (/^(BTC|BITCOIN)/.test(blockchain)) return 'bitcoin';
  if (/^SOL/.test(blockchain)) return 'solana';
  if (/^NEAR/.test(blockchain)) return 'near';
  return 'evm';
}

/** Requests computable from the approved payload alone (everything but relay-built transactions). */
export function payloadSigningRequests(
  kind: string,
  payload: Record<string, unknown>,
  wallet: SigningWallet,
): SigningRequest[] {
  const { family, derivationPath, account } = wallet;
  switch (kind) {
    case 'sign-message': {
      const bytes = messageBytes(payload);
      if (family === 'evm') {
        const message = payload.encodedByHex === true ? bytes : evmMessageBytes(need(payload, 'message'));
        return [messageSigningRequest({ family: 'evm', derivationPath, message })];
      }
      if (family === 'bitcoin') return [messageSigningRequest({ family: 'bitcoin', derivationPath, message: bytes })];
      if (family === 'solana') return [messageSigningRequest({ family: 'solana', account, message: bytes })];
      return [{ scheme: 'ed25519', keyFamily: 'near', message: bytes, account, derivationPath }];
    }
    case 'sign-typed-data': {
      if (family !== 'evm') throw new SigningRefusedError('typed data is signed by EVM wallets only');
      let typedData: TypedData;
      try {
        typedData = (
          typeof payload.typedData === 'string' ? JSON.parse(payload.typedData) : payload.typedData
        ) as TypedData;
      } catch {
        throw new SigningRefusedError('the approved typedData is not JSON');
      }
      return [messageSigningRequest({ family: 'evm-typed-data', derivationPath, typedData })];
    }
    case 'sign-transaction': {
      const raw = text(payload, 'rawTransaction');
      if (family === 'evm') {
        const ref = { address: wallet.address, derivationPath };
        const tx =
          raw !== undefined
            ? parseRawEvmTransaction(raw, ref)
            : parseEvmTransactionJson(JSON.parse(need(payload, 'transaction')), ref);
        return signingRequestsFor(tx);
      }
      if (family === 'solana') {
        return [
          rawSolanaSigningRequest(solanaMessageFromRaw(need(payload, 'rawTransaction')), {
            address: wallet.address,
            account,
          }),
        ];
      }
      if (family === 'near') {
        const tx = parseRawNearTransaction(need(payload, 'rawTransaction'), account);
        if (tx.signerId !== wallet.address)
          throw new SigningRefusedError(`the transaction's signer is not ${wallet.address}`);
        return signingRequestsFor(tx);
      }
      throw new SigningRefusedError('raw Bitcoin transactions are not signed');
    }
    case 'sign-delegate-action': {
      if (family !== 'near') throw new SigningRefusedError('delegate actions are NEAR only');
      const delegate = parseRawNearDelegateAction(need(payload, 'unsignedDelegateAction'));
      if (delegate.senderId !== wallet.address)
        throw new SigningRefusedError(`the delegate action's sender is not ${wallet.address}`);
      return [nearDelegateActionSigningRequest(delegate, account)];
    }
    default:
      throw new SigningRefusedError(`${kind} is not signed from its payload alone`);
  }
}

/**
 * The intent the user approved for a relay-built transaction. A token is checked only when the
 * built-in network list knows it (its decimals turn the approved "1.5" into base units): a token
 * the extension cannot see is refused rather than co-signed on the relay's word.
 */
export function approvedIntent(kind: string, payload: Record<string, unknown>, wallet: SigningWallet): ApprovedIntent {
  const network = knownNetwork(payload.blockchain);
  const nativeDecimals = network?.native.decimals ?? NATIVE_DECIMALS[wallet.family];
  if (kind === 'transfer') {
    let token: { address: string; decimals: number } | undefined;
    const tokenId = text(payload, 'tokenId');
    const tokenAddress = text(payload, 'tokenAddress');
    if (tokenId !== undefined || tokenAddress !== undefined) {
      const known = knownToken(network, { id: tokenId, address: tokenAddress });
      if (!known) {
        throw new SigningRefusedError(
          `Tandem does not know the token ${tokenId ?? tokenAddress} on ${String(payload.blockchain)}, so it cannot check the amount`,
        );
      }
      token = { address: known.address, decimals: known.decimals };
    }
    const amounts = payload.amounts;
    if (!Array.isArray(amounts) || amounts.length !== 1 || typeof amounts[0] !== 'string') {
      throw new SigningRefusedError('the approved payload has no single amount');
    }
    return {
      kind: 'transfer',
      from: wallet.address,
      to: need(payload, 'destinationAddress'),
      amount: amounts[0],
      ...(token ? { token } : {}),
      nativeDecimals,
    };
  }
  if (kind === 'contract-execution') {
    return {
      kind: 'contract-execution',
      from: wallet.address,
      contract: need(payload, 'contractAddress'),
      abiFunctionSignature: need(payload, 'abiFunctionSignature'),
      abiParameters: Array.isArray(payload.abiParameters) ? payload.abiParameters : [],
      ...(text(payload, 'amount') !== undefined ? { amount: text(payload, 'amount') as string } : {}),
      nativeDecimals,
    };
  }
  throw new SigningRefusedError(`${kind} is not a relay-built transaction`);
}

/** Checks the relay's unsigned transaction against the approval and derives its requests. */
export function relayBuiltSigningRequests(
  kind: string,
  payload: Record<string, unknown>,
  wallet: SigningWallet,
  signable: Record<string, unknown>,
): SigningRequest[] {
  const tx = validateUnsignedTransaction(signable.unsignedTransaction as UnsignedTransaction);
  // A transaction for another EVM chain than the approved network is refused (replay elsewhere).
  const evmChainId = knownNetwork(payload.blockchain)?.evmChainId;
  checkTransactionMatchesApproval(
    tx,
    approvedIntent(kind, payload, wallet),
    evmChainId === undefined ? {} : { evmChainId },
  );
  const requests = signingRequestsFor(tx);
  for (const r of requests) {
    if (r.derivationPath !== wallet.derivationPath) {
      throw new SigningRefusedError(`the transaction is signed by ${r.derivationPath}, not the approved wallet`);
    }
  }
  return requests;
}
