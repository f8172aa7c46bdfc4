/**
 * From an approved challenge to what Node 2 signs and what the challenge result holds, for every
 * signing kind on every family. Node 2 (relay/mpc) calls `challengeSigning` with the claimed
 * challenge and its wallet, runs the MPC ceremony over `requests` (in order), then calls `complete`
 * with the signatures; `signable` is the JSON-safe object both parties derive the requests from (send it
 * to Node 1 so the Gateway recomputes the digests and the description itself).
 *
 *   transfer, contract-execution   build + store the transaction; complete = verify, broadcast
 *                                  → { transactionId, transactionHash, status }
 *   sign-transaction               parse the caller's unsigned tx; complete → { signedTransaction, transactionHash }
 *   sign-message                   EVM personal_sign, Bitcoin BIP-137 (P2WPKH), Solana/NEAR raw bytes
 *                                  → { signature } in each chain's usual encoding
 *   sign-typed-data                EIP-712 → { signature }
 *   sign-delegate-action           NEP-366 → { signedDelegateAction (base64 borsh), signature }
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { base58, base64 } from '@scure/base';
import { bip137Signature } from '../../protocol/chains/bitcoin/message.js';
import { describeTransaction } from '../../protocol/chains/describe.js';
import { parseEvmAddress } from '../../protocol/chains/evm/address.js';
import { evmMessageBytes, evmSignatureHex, type TypedData } from '../../protocol/chains/evm/messages.js';
import { checkEvmSignature } from '../../protocol/chains/evm/transaction.js';
import { messageSigningRequest } from '../../protocol/chains/messages.js';
import {
  assembleNearSignedDelegateAction,
  nearDelegateActionSigningRequest,
} from '../../protocol/chains/near/transaction.js';
import {
  assembleRawSolanaTransaction,
  decodeSolanaMessage,
  parseEvmTransactionJson,
  parseRawEvmTransaction,
  parseRawNearDelegateAction,
  parseRawNearTransaction,
  rawSolanaSigningRequest,
  solanaMessageForDisplay,
  solanaMessageFromRaw,
} from '../../protocol/chains/raw.js';
import type { ChainSignature, SigningRequest, TransactionDescription } from '../../protocol/chains/types.js';
import { assembleTransaction, signingRequestsFor, type UnsignedTransaction } from '../../protocol/chains/unsigned.js';
import type { Wallet } from '../wallets/store.js';
import { bitcoinAddressType } from './adapters/bitcoin.js';
import { nearAccountIndex } from './adapters/near.js';
import { solanaAccountIndex } from './adapters/solana.js';
import { ChainOperationError, type FeeLevel } from './adapters/types.js';
import type { ChainService } from './service.js';

export interface SigningChallenge {
  id: string;
  customerId: string;
  kind: string;
  payload: Record<string, unknown> | null;
}

export interface ChallengeSigning {
  requests: SigningRequest[];
  /** JSON-safe: what the requests are derived from (unsigned transaction, message, typed data…). */
  signable: Record<string, unknown>;
  /** What the Gateway shows (transactions); undefined for messages (shown as text/hex). */
  description: TransactionDescription | undefined;
  /** Verifies the signatures, assembles (and for transfers broadcasts), and returns the challenge result. */
  complete(signatures: ChainSignature[]): Promise<Record<string, unknown>>;
}

function refuse(message: string): never {
  throw new ChainOperationError(message);
}

function str(payload: Record<string, unknown>, key: string): string | undefined {
  const v = payload[key];
  return typeof v === 'string' ? v : undefined;
}

function messageBytes(payload: Record<string, unknown>): Uint8Array {
  const message = str(payload, 'message') ?? refuse('the approved payload has no message');
  if (payload.encodedByHex === true) {
    const hex = message.startsWith('0x') ? message.slice(2) : message;
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) refuse('encodedByHex is set but the message is not hex');
    return hexToBytes(hex.toLowerCase());
  }
  return utf8ToBytes(message);
}

function one(signatures: ChainSignature[]): ChainSignature {
  if (signatures.length !== 1) refuse(`expected exactly one signature, got ${signatures.length}`);
  return signatures[0] as ChainSignature;
}

export async function challengeSigning(
  chains: ChainService,
  challenge: SigningChallenge,
  wallet: Wallet & { organisationId: string },
): Promise<ChallengeSigning> {
  const payload = challenge.payload ?? refuse('the challenge payload was pruned');
  if (wallet.customerId !== challenge.customerId) refuse("the approved payload's wallet is not this customer's");
  const chain =
    chains.registry.get(wallet.blockchain) ?? refuse(`blockchain ${wallet.blockchain} is not configured on this relay`);
  const describeCtx = chains.describeContext(chain, str(payload, 'abiFunctionSignature'));
  const family = wallet.keyFamily;

  const forTransaction = (unsigned: UnsignedTransaction, complete: ChallengeSigning['complete']): ChallengeSigning => ({
    requests: signingRequestsFor(unsigned),
    signable: { unsignedTransaction: unsigned },
    description: describeTransaction(unsigned, describeCtx),
    complete,
  });

  switch (challenge.kind) {
    case 'transfer':
    case 'contract-execution': {
      const common = {
        organisationId: wallet.organisationId,
        customerId: challenge.customerId,
        walletId: wallet.id,
        challengeId: challenge.id,
        feeLevel: (str(payload, 'feeLevel') ?? 'medium') as FeeLevel,
        refId: str(payload, 'refId'),
      };
      const prepared =
        challenge.kind === 'transfer'
          ? await chains.prepareTransfer({
              ...common,
              payload: {
                destinationAddress: str(payload, 'destinationAddress') ?? refuse('no destinationAddress'),
                tokenId: str(payload, 'tokenId'),
                tokenAddress: str(payload, 'tokenAddress'),
                amounts: Array.isArray(payload.amounts) ? (payload.amounts as string[]) : refuse('no amounts'),
              },
            })
          : await chains.prepareContractExecution({
              ...common,
              payload: {
                contractAddress: str(payload, 'contractAddress') ?? refuse('no contractAddress'),
                abiFunctionSignature: str(payload, 'abiFunctionSignature') ?? refuse('no abiFunctionSignature'),
                abiParameters: Array.isArray(payload.abiParameters) ? payload.abiParameters : [],
                amount: str(payload, 'amount'),
              },
            });
      return {
        requests: prepared.requests,
        signable: { transactionId: prepared.transaction.id, unsignedTransaction: prepared.unsigned },
        description: prepared.description,
        async complete(signatures) {
          const t = await chains.finalizeAndBroadcast(prepared.transaction.id, signatures);
          return {
            transactionId: t.id,
            transactionHash: t.txHash,
            status: t.status,
            ...(t.errorReason ? { errorReason: t.errorReason } : {}),
          };
        },
      };
    }

    case 'sign-transaction': {
      const raw = str(payload, 'rawTransaction');
      const json = str(payload, 'transaction');
      if (family === 'evm') {
        const walletRef = { address: wallet.address, derivationPath: wallet.derivationPath };
        let unsigned: UnsignedTransaction;
        if (raw !== undefined) unsigned = parseRawEvmTransaction(raw, walletRef);
        else {
          let parsed: unknown;
          try {
            parsed = JSON.parse(json ?? refuse('no transaction'));
          } catch {
            refuse('transaction is not JSON');
          }
          unsigned = parseEvmTransactionJson(parsed, walletRef);
        }
        return forTransaction(unsigned, async (signatures) => {
          const signed = assembleTransaction(unsigned, signatures);
          return { signedTransaction: signed.raw, transactionHash: signed.hash };
        });
      }
      if (family === 'near') {
        const unsigned = parseRawNearTransaction(
          raw ?? refuse('NEAR takes rawTransaction (base64 borsh)'),
          nearAccountIndex(wallet.derivationPath),
        );
        if (unsigned.signerId !== wallet.address)
          refuse(`the transaction's signer ${unsigned.signerId} is not the wallet ${wallet.address}`);
        return forTransaction(unsigned, async (signatures) => {
          const signed = assembleTransaction(unsigned, signatures);
          return { signedTransaction: signed.raw, transactionHash: signed.hash };
        });
      }
      if (family === 'solana') {
        const account = solanaAccountIndex(wallet.derivationPath);
        const message = solanaMessageFromRaw(raw ?? refuse('Solana takes rawTransaction (base64)'));
        const request = rawSolanaSigningRequest(message, { address: wallet.address, account });
        return {
          requests: [request],
          signable: { message: base64.encode(message) },
          description: describeTransaction(solanaMessageForDisplay(message, account), describeCtx),
          async complete(signatures) {
            const signed = assembleRawSolanaTransaction(message, wallet.address, one(signatures));
            return { signedTransaction: signed.raw, transactionHash: signed.hash };
          },
        };
      }
      return refuse(`raw transaction signing is not offered on ${wallet.blockchain}`);
    }

    case 'sign-message': {
      const bytes = messageBytes(payload);
      if (family === 'evm') {
        const message = payload.encodedByHex === true ? bytes : evmMessageBytes(str(payload, 'message') as string);
        return messageResult(
          wallet,
          messageSigningRequest({ family: 'evm', derivationPath: wallet.derivationPath, message }),
          { message: bytesToHex(message) },
          (s) => ({
            signature: evmSignatureHex(one(s)),
          }),
        );
      }
      if (family === 'bitcoin') {
        if (bitcoinAddressType(wallet, chain.bitcoinNetwork ?? 'mainnet') !== 'p2wpkh')
          refuse('Bitcoin message signing (BIP-137) needs a P2WPKH wallet');
        return messageResult(
          wallet,
          messageSigningRequest({ family: 'bitcoin', derivationPath: wallet.derivationPath, message: bytes }),
          { message: bytesToHex(bytes) },
          (s) => ({
            signature: bip137Signature(one(s)),
          }),
        );
      }
      const account =
        family === 'solana' ? solanaAccountIndex(wallet.derivationPath) : nearAccountIndex(wallet.derivationPath);
      // Raw ed25519 message signing must never yield a transaction signature: Solana verifies over
      // the message bytes themselves, NEAR over a 32-byte SHA-256 (transactions and delegate actions).
      if (family === 'solana' && looksLikeSolanaMessage(bytes))
        refuse('the message is a Solana transaction message; use sign/transaction');
      if (family === 'near' && bytes.length === 32)
        refuse('a 32-byte NEAR message could be a transaction hash; sign a longer text');
      const request: SigningRequest =
        family === 'solana'
          ? messageSigningRequest({ family: 'solana', account, message: bytes })
          : { scheme: 'ed25519', keyFamily: 'near', message: bytes, account, derivationPath: `m/44'/397'/${account}'` };
      return messageResult(wallet, request, { message: bytesToHex(bytes) }, (s) => {
        const sig = one(s);
        if (sig.scheme !== 'ed25519') refuse('expected an ed25519 signature');
        const raw = hexToBytes(sig.signature);
        return { signature: family === 'solana' ? base58.encode(raw) : base64.encode(raw) };
      });
    }

    case 'sign-typed-data': {
      if (family !== 'evm') refuse('typed data is signed by EVM wallets only');
      let typedData: TypedData;
      try {
        typedData = (
          typeof payload.typedData === 'string' ? JSON.parse(payload.typedData) : payload.typedData
        ) as TypedData;
      } catch {
        refuse('the approved typedData is not JSON');
      }
      return messageResult(
        wallet,
        messageSigningRequest({ family: 'evm-typed-data', derivationPath: wallet.derivationPath, typedData }),
        { typedData },
        (s) => ({
          signature: evmSignatureHex(one(s)),
        }),
      );
    }

    case 'sign-delegate-action': {
      if (family !== 'near') refuse('delegate actions are NEAR only');
      const delegate = parseRawNearDelegateAction(
        str(payload, 'unsignedDelegateAction') ?? refuse('no unsignedDelegateAction'),
      );
      if (delegate.senderId !== wallet.address)
        refuse(`the delegate action's sender ${delegate.senderId} is not the wallet ${wallet.address}`);
      const request = nearDelegateActionSigningRequest(delegate, nearAccountIndex(wallet.derivationPath));
      return messageResult(wallet, request, { delegateAction: delegate }, (s) => {
        const sig = one(s);
        return {
          signedDelegateAction: assembleNearSignedDelegateAction(delegate, sig),
          signature: sig.scheme === 'ed25519' ? base64.encode(hexToBytes(sig.signature)) : '',
        };
      });
    }

    default:
      return refuse(`${challenge.kind} challenges are not signed`);
  }
}

function looksLikeSolanaMessage(bytes: Uint8Array): boolean {
  try {
    decodeSolanaMessage(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Checks a message signature under the wallet key before it is released as a result. */
function verifyMessageSignature(request: SigningRequest, signature: ChainSignature, wallet: Wallet): void {
  if (request.scheme === 'ecdsa-secp256k1' && signature.scheme === 'ecdsa-secp256k1') {
    if (request.keyFamily === 'evm') {
      checkEvmSignature(request.digest, signature, parseEvmAddress(wallet.address));
      return;
    }
    const compact = hexToBytes(`${signature.r}${signature.s}`);
    if (
      compact.length === 64 &&
      secp256k1.verify(compact, request.digest, hexToBytes(wallet.publicKey), { prehash: false })
    )
      return;
  } else if (request.scheme === 'ed25519' && signature.scheme === 'ed25519') {
    if (ed25519.verify(hexToBytes(signature.signature), request.message, hexToBytes(wallet.publicKey))) return;
  }
  refuse('the signature does not verify under the wallet key');
}

function messageResult(
  wallet: Wallet,
  request: SigningRequest,
  signable: Record<string, unknown>,
  encode: (signatures: ChainSignature[]) => Record<string, unknown>,
): ChallengeSigning {
  return {
    requests: [request],
    signable,
    description: undefined,
    async complete(signatures) {
      verifyMessageSignature(request, one(signatures), wallet);
      return encode(signatures);
    },
  };
}
