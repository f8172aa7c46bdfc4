/**
 * NEAR transactions (nearcore `Transaction::V0` borsh layout): signer, ed25519 public key, nonce,
 * receiver, block hash, actions. The signer signs SHA-256(borsh(Transaction)), which is also the
 * transaction hash; `SignedTransaction` = borsh(Transaction) ‖ Signature. Supported actions are those
 * the API builds: Transfer and FunctionCall (NEP-141 `ft_transfer`, contract calls). Delegate actions
 * (NEP-366 meta-transactions) are signed with the NEP-461 discriminant prefix.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { base58, base64 } from '@scure/base';
import { InvalidArgumentError } from '../../errors.js';
import { parseBaseUnits, U64_MAX, U128_MAX } from '../amounts.js';
import type { ChainSignature, SignedTransaction, SigningRequest } from '../types.js';
import { borshBytes, borshString, borshVec, u8, u32le, u64le, u128le } from './borsh.js';

export type NearAction =
  | { type: 'Transfer'; deposit: string }
  | { type: 'FunctionCall'; methodName: string; args: string /* base64 */; gas: string; deposit: string };

export interface NearUnsignedTransaction {
  family: 'near';
  signerId: string;
  /** `ed25519:<base58>` as NEAR RPC writes keys. */
  publicKey: string;
  /** Access-key nonce to use: the current one + 1. Decimal string (u64). */
  nonce: string;
  receiverId: string;
  /** Recent block hash, base58. */
  blockHash: string;
  actions: NearAction[];
  /** SLIP-10 account index of m/44'/397'/i'. */
  account: number;
}

export interface NearDelegateAction {
  senderId: string;
  receiverId: string;
  actions: NearAction[];
  nonce: string;
  maxBlockHeight: string;
  publicKey: string;
}

/** 1 yoctoNEAR: the deposit NEP-141 `ft_transfer` requires (a full-access-key confirmation). */
export const ONE_YOCTO = '1';
export const DEFAULT_FUNCTION_CALL_GAS = '30000000000000';
const MAX_GAS = 300_000_000_000_000n;
/** NEP-461: on-chain signable messages are prefixed with 2^30 + NEP number. */
const DELEGATE_ACTION_PREFIX = 2 ** 30 + 366;
const ACCOUNT_ID_RE = /^(([a-z\d]+[-_])*[a-z\d]+\.)*([a-z\d]+[-_])*[a-z\d]+$/;

/** NEAR account id rules: 2–64 chars of lower-case alphanumerics separated by -, _ or . */
export function parseNearAccountId(value: unknown, field = 'accountId'): string {
  if (typeof value !== 'string' || value.length < 2 || value.length > 64 || !ACCOUNT_ID_RE.test(value)) {
    throw new InvalidArgumentError(
      field,
      'a NEAR account id (2–64 chars: a-z, 0-9, -, _, .)',
      typeof value === 'string' ? JSON.stringify(value) : typeof value,
    );
  }
  return value;
}

/** Implicit account id: the lower-case hex of the 32-byte ed25519 public key. */
export function nearImplicitAccountId(publicKey: Uint8Array): string {
  if (publicKey.length !== 32)
    throw new InvalidArgumentError('publicKey', 'a 32-byte ed25519 key', `${publicKey.length}`);
  return bytesToHex(publicKey);
}

export function nearPublicKeyString(publicKey: Uint8Array): string {
  return `ed25519:${base58.encode(publicKey)}`;
}

export function parseNearPublicKey(value: unknown, field = 'publicKey'): Uint8Array {
  if (typeof value !== 'string' || !value.startsWith('ed25519:')) {
    throw new InvalidArgumentError(
      field,
      '"ed25519:<base58>"',
      typeof value === 'string' ? JSON.stringify(value.slice(0, 12)) : typeof value,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = base58.decode(value.slice(8));
  } catch {
    throw new InvalidArgumentError(field, 'base58 after "ed25519:"');
  }
  if (bytes.length !== 32) throw new InvalidArgumentError(field, 'a 32-byte key', `${bytes.length}`);
  return bytes;
}

function parseBlockHash(value: unknown, field: string): Uint8Array {
  let bytes: Uint8Array | undefined;
  try {
    bytes = typeof value === 'string' ? base58.decode(value) : undefined;
  } catch {
    bytes = undefined;
  }
  if (bytes?.length !== 32) throw new InvalidArgumentError(field, 'a base58 32-byte block hash', typeof value);
  return bytes;
}

function validateAction(a: NearAction, field: string): void {
  if (a?.type === 'Transfer') {
    parseBaseUnits(a.deposit, `${field}.deposit`, U128_MAX);
    return;
  }
  if (a?.type === 'FunctionCall') {
    if (typeof a.methodName !== 'string' || !/^[A-Za-z0-9_]{1,256}$/.test(a.methodName)) {
      throw new InvalidArgumentError(`${field}.methodName`, 'a method name (letters, digits, _)', typeof a.methodName);
    }
    try {
      base64.decode(a.args);
    } catch {
      throw new InvalidArgumentError(`${field}.args`, 'base64', typeof a.args);
    }
    const gas = parseBaseUnits(a.gas, `${field}.gas`, U64_MAX);
    if (gas === 0n || gas > MAX_GAS)
      throw new InvalidArgumentError(`${field}.gas`, `1 to ${MAX_GAS} gas`, gas.toString());
    parseBaseUnits(a.deposit, `${field}.deposit`, U128_MAX);
    return;
  }
  throw new InvalidArgumentError(
    `${field}.type`,
    '"Transfer" or "FunctionCall"',
    String((a as { type?: unknown })?.type),
  );
}

/** Borsh of one action: enum tag (FunctionCall = 2, Transfer = 3) then its fields. */
export function encodeNearAction(a: NearAction): Uint8Array {
  if (a.type === 'Transfer') return concatBytes(u8(3), u128le(BigInt(a.deposit)));
  return concatBytes(
    u8(2),
    borshString(a.methodName),
    borshBytes(base64.decode(a.args)),
    u64le(BigInt(a.gas)),
    u128le(BigInt(a.deposit)),
  );
}

function encodePublicKey(key: string, field: string): Uint8Array {
  return concatBytes(u8(0), parseNearPublicKey(key, field)); // KeyType::ED25519 = 0
}

export function validateNearTransaction(tx: NearUnsignedTransaction): NearUnsignedTransaction {
  if (tx?.family !== 'near') throw new InvalidArgumentError('transaction.family', '"near"', String(tx?.family));
  parseNearAccountId(tx.signerId, 'transaction.signerId');
  parseNearAccountId(tx.receiverId, 'transaction.receiverId');
  parseNearPublicKey(tx.publicKey, 'transaction.publicKey');
  parseBaseUnits(tx.nonce, 'transaction.nonce', U64_MAX);
  parseBlockHash(tx.blockHash, 'transaction.blockHash');
  if (!Number.isSafeInteger(tx.account) || tx.account < 0 || tx.account >= 0x80000000) {
    throw new InvalidArgumentError('transaction.account', 'an account index below 2^31', String(tx.account));
  }
  if (!Array.isArray(tx.actions) || tx.actions.length === 0 || tx.actions.length > 16) {
    throw new InvalidArgumentError('transaction.actions', '1 to 16 actions', String(tx.actions?.length));
  }
  tx.actions.forEach((a, i) => {
    validateAction(a, `transaction.actions.${i}`);
  });
  return tx;
}

export function serializeNearTransaction(tx: NearUnsignedTransaction): Uint8Array {
  const v = validateNearTransaction(tx);
  return concatBytes(
    borshString(v.signerId),
    encodePublicKey(v.publicKey, 'transaction.publicKey'),
    u64le(BigInt(v.nonce)),
    borshString(v.receiverId),
    parseBlockHash(v.blockHash, 'transaction.blockHash'),
    borshVec(v.actions.map(encodeNearAction)),
  );
}

export function nearDerivationPath(account: number): string {
  return `m/44'/397'/${account}'`;
}

export function nearSigningRequest(tx: NearUnsignedTransaction): SigningRequest {
  return {
    scheme: 'ed25519',
    keyFamily: 'near',
    message: sha256(serializeNearTransaction(tx)),
    account: tx.account,
    derivationPath: nearDerivationPath(tx.account),
  };
}

function checkEd25519(signature: ChainSignature, message: Uint8Array, publicKey: Uint8Array): Uint8Array {
  if (signature.scheme !== 'ed25519') throw new InvalidArgumentError('signature.scheme', '"ed25519"', signature.scheme);
  if (typeof signature.signature !== 'string' || !/^[0-9a-f]{128}$/.test(signature.signature)) {
    throw new InvalidArgumentError('signature.signature', '64 bytes of lower-case hex');
  }
  const sig = hexToBytes(signature.signature);
  if (!ed25519.verify(sig, message, publicKey)) {
    throw new InvalidArgumentError(
      'signature',
      'a valid ed25519 signature by the access key',
      'one that does not verify',
    );
  }
  return sig;
}

/** borsh(SignedTransaction) base64 (what `send_tx` takes) and the base58 transaction hash. */
export function assembleNearTransaction(tx: NearUnsignedTransaction, signature: ChainSignature): SignedTransaction {
  const body = serializeNearTransaction(tx);
  const hash = sha256(body);
  const sig = checkEd25519(signature, hash, parseNearPublicKey(tx.publicKey));
  return { raw: base64.encode(concatBytes(body, u8(0), sig)), encoding: 'base64', hash: base58.encode(hash) };
}

export function buildNearTransfer(p: {
  signerId: string;
  publicKey: string;
  nonce: string;
  blockHash: string;
  account: number;
  to: string;
  yocto: string;
}): NearUnsignedTransaction {
  return validateNearTransaction({
    family: 'near',
    signerId: p.signerId,
    publicKey: p.publicKey,
    nonce: p.nonce,
    receiverId: p.to,
    blockHash: p.blockHash,
    actions: [{ type: 'Transfer', deposit: p.yocto }],
    account: p.account,
  });
}

/** Args of NEP-141 `ft_transfer`, as the contract parses them (JSON, amount as a string). */
export function ftTransferArgs(receiverId: string, amount: string, memo?: string): string {
  parseNearAccountId(receiverId, 'destinationAddress');
  parseBaseUnits(amount, 'amount', U128_MAX);
  const json = JSON.stringify(
    memo === undefined ? { receiver_id: receiverId, amount } : { receiver_id: receiverId, amount, memo },
  );
  return base64.encode(utf8ToBytes(json));
}

/** NEP-141 transfer: FunctionCall `ft_transfer` on the token contract with 1 yoctoNEAR attached. */
export function buildNearTokenTransfer(p: {
  signerId: string;
  publicKey: string;
  nonce: string;
  blockHash: string;
  account: number;
  token: string;
  to: string;
  amount: string;
  gas?: string;
}): NearUnsignedTransaction {
  return validateNearTransaction({
    family: 'near',
    signerId: p.signerId,
    publicKey: p.publicKey,
    nonce: p.nonce,
    receiverId: parseNearAccountId(p.token, 'tokenId'),
    blockHash: p.blockHash,
    actions: [
      {
        type: 'FunctionCall',
        methodName: 'ft_transfer',
        args: ftTransferArgs(p.to, p.amount),
        gas: p.gas ?? DEFAULT_FUNCTION_CALL_GAS,
        deposit: ONE_YOCTO,
      },
    ],
    account: p.account,
  });
}

export function serializeNearDelegateAction(d: NearDelegateAction): Uint8Array {
  parseNearAccountId(d.senderId, 'delegateAction.senderId');
  parseNearAccountId(d.receiverId, 'delegateAction.receiverId');
  if (!Array.isArray(d.actions) || d.actions.length === 0 || d.actions.length > 16) {
    throw new InvalidArgumentError('delegateAction.actions', '1 to 16 actions', String(d.actions?.length));
  }
  d.actions.forEach((a, i) => {
    validateAction(a, `delegateAction.actions.${i}`);
  });
  return concatBytes(
    borshString(d.senderId),
    borshString(d.receiverId),
    borshVec(d.actions.map(encodeNearAction)),
    u64le(parseBaseUnits(d.nonce, 'delegateAction.nonce', U64_MAX)),
    u64le(parseBaseUnits(d.maxBlockHeight, 'delegateAction.maxBlockHeight', U64_MAX)),
    encodePublicKey(d.publicKey, 'delegateAction.publicKey'),
  );
}

/** NEP-366: sign SHA-256(borsh(u32 2^30+366) ‖ borsh(DelegateAction)). */
export function nearDelegateActionSigningRequest(d: NearDelegateAction, account: number): SigningRequest {
  return {
    scheme: 'ed25519',
    keyFamily: 'near',
    message: sha256(concatBytes(u32le(DELEGATE_ACTION_PREFIX), serializeNearDelegateAction(d))),
    account,
    derivationPath: nearDerivationPath(account),
  };
}

/** borsh(SignedDelegateAction) base64, for a relayer to wrap into its own transaction. */
export function assembleNearSignedDelegateAction(d: NearDelegateAction, signature: ChainSignature): string {
  const body = serializeNearDelegateAction(d);
  const message = sha256(concatBytes(u32le(DELEGATE_ACTION_PREFIX), body));
  const sig = checkEd25519(signature, message, parseNearPublicKey(d.publicKey));
  return base64.encode(concatBytes(body, u8(0), sig));
}

export interface Nep413Payload {
  message: string;
  /** 32 bytes, lower-case hex: the dApp's replay-protection nonce. */
  nonce: string;
  recipient: string;
  callbackUrl?: string;
}

/** NEP-413 off-chain message: SHA-256(borsh(u32 2^31 + 413) ‖ borsh(Payload)). */
export function nep413SigningMessage(p: Nep413Payload): Uint8Array {
  if (typeof p.message !== 'string') throw new InvalidArgumentError('message', 'a string', typeof p.message);
  if (typeof p.nonce !== 'string' || !/^[0-9a-f]{64}$/.test(p.nonce))
    throw new InvalidArgumentError('nonce', '32 bytes of lower-case hex');
  if (typeof p.recipient !== 'string' || p.recipient.length === 0)
    throw new InvalidArgumentError('recipient', 'a non-empty string');
  const callback = p.callbackUrl === undefined ? u8(0) : concatBytes(u8(1), borshString(p.callbackUrl));
  return sha256(
    concatBytes(u32le(2 ** 31 + 413), borshString(p.message), hexToBytes(p.nonce), borshString(p.recipient), callback),
  );
}
