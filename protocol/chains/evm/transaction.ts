/**
 * EIP-1559 (type 2) transactions: build, serialise, the digest the signer signs, and assembly of the
 * signed envelope. The signing digest is keccak256(0x02 ‖ rlp([chainId, nonce, maxPriorityFeePerGas,
 * maxFeePerGas, gasLimit, to, value, data, accessList])) (EIP-1559 §Specification); the signed form
 * appends [yParity, r, s], and its keccak256 is the transaction hash.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { recoverPublicKeyK1 } from '../../curves/secp256k1-ecdsa-recover.js';
import { InvalidArgumentError } from '../../errors.js';
import { parseBaseUnits, U256_MAX } from '../amounts.js';
import type { ChainSignature, SignedTransaction, SigningRequest } from '../types.js';
import { type AbiValue, encodeFunctionCall } from './abi.js';
import { type EvmAddress, evmAddressFromPublicKey, parseEvmAddress } from './address.js';
import { bigintToMinimalBytes, describe, from0x, to0x } from './hex.js';
import { type RlpItem, rlpEncode } from './rlp.js';

export interface EvmUnsignedTransaction {
  family: 'evm';
  chainId: number;
  from: EvmAddress;
  /** Non-hardened path below the customer's EVM root, e.g. "m/0/0". */
  derivationPath: string;
  nonce: number;
  /** Recipient (native transfer) or contract (token transfer, contract call). */
  to: EvmAddress;
  /** Wei, decimal string. */
  value: string;
  data: `0x${string}`;
  gasLimit: string;
  maxFeePerGas: string;
  maxPriorityFeePerGas: string;
}

export interface EvmFees {
  maxFeePerGas: string;
  maxPriorityFeePerGas: string;
}

const ERC20_TRANSFER = 'transfer(address,uint256)';
export const ERC20_TRANSFER_SELECTOR = '0xa9059cbb';
const MAX_CALLDATA_BYTES = 128 * 1024;

/** Validates every field and returns a normalised copy (checksummed addresses, lower-case data). */
export function validateEvmTransaction(tx: EvmUnsignedTransaction): EvmUnsignedTransaction {
  if (tx === null || typeof tx !== 'object' || tx.family !== 'evm') {
    throw new InvalidArgumentError('transaction.family', '"evm"', describe(tx?.family));
  }
  if (!Number.isSafeInteger(tx.chainId) || tx.chainId <= 0) {
    throw new InvalidArgumentError('transaction.chainId', 'a positive integer', String(tx.chainId));
  }
  if (!Number.isSafeInteger(tx.nonce) || tx.nonce < 0) {
    throw new InvalidArgumentError('transaction.nonce', 'a non-negative integer', String(tx.nonce));
  }
  if (typeof tx.derivationPath !== 'string' || !/^m(\/\d{1,10})*$/.test(tx.derivationPath)) {
    throw new InvalidArgumentError(
      'transaction.derivationPath',
      'a non-hardened path such as "m/0/0"',
      describe(tx.derivationPath),
    );
  }
  const data = from0x(tx.data, 'transaction.data');
  if (data.length > MAX_CALLDATA_BYTES) {
    throw new InvalidArgumentError('transaction.data', `at most ${MAX_CALLDATA_BYTES} bytes`, `${data.length}`);
  }
  const maxFee = parseBaseUnits(tx.maxFeePerGas, 'transaction.maxFeePerGas', U256_MAX);
  const tip = parseBaseUnits(tx.maxPriorityFeePerGas, 'transaction.maxPriorityFeePerGas', U256_MAX);
  if (tip > maxFee) {
    throw new InvalidArgumentError(
      'transaction.maxPriorityFeePerGas',
      `at most maxFeePerGas (${maxFee})`,
      tip.toString(),
    );
  }
  const gas = parseBaseUnits(tx.gasLimit, 'transaction.gasLimit', (1n << 64n) - 1n);
  if (gas < 21000n) throw new InvalidArgumentError('transaction.gasLimit', 'at least 21000', gas.toString());
  parseBaseUnits(tx.value, 'transaction.value', U256_MAX);
  return {
    family: 'evm',
    chainId: tx.chainId,
    from: parseEvmAddress(tx.from, 'transaction.from'),
    derivationPath: tx.derivationPath,
    nonce: tx.nonce,
    to: parseEvmAddress(tx.to, 'transaction.to'),
    value: tx.value,
    data: to0x(data),
    gasLimit: tx.gasLimit,
    maxFeePerGas: tx.maxFeePerGas,
    maxPriorityFeePerGas: tx.maxPriorityFeePerGas,
  };
}

const q = (decimal: string) => bigintToMinimalBytes(BigInt(decimal));

function unsignedFields(tx: EvmUnsignedTransaction): RlpItem[] {
  return [
    q(String(tx.chainId)),
    q(String(tx.nonce)),
    q(tx.maxPriorityFeePerGas),
    q(tx.maxFeePerGas),
    q(tx.gasLimit),
    from0x(tx.to, 'to'),
    q(tx.value),
    from0x(tx.data, 'data'),
    [], // access list: empty; we never need warm-slot discounts and an empty list keeps display simple
  ];
}

/** 0x02 ‖ rlp(unsigned fields): the bytes whose keccak256 is signed. */
export function serializeEvmUnsigned(tx: EvmUnsignedTransaction): Uint8Array {
  const v = validateEvmTransaction(tx);
  return concatBytes(Uint8Array.of(0x02), rlpEncode(unsignedFields(v)));
}

export function evmSigningDigest(tx: EvmUnsignedTransaction): Uint8Array {
  return keccak_256(serializeEvmUnsigned(tx));
}

export function evmSigningRequest(tx: EvmUnsignedTransaction): SigningRequest {
  const v = validateEvmTransaction(tx);
  return { scheme: 'ecdsa-secp256k1', keyFamily: 'evm', digest: evmSigningDigest(v), derivationPath: v.derivationPath };
}

/**
 * Checks an ECDSA signature (r, s, recovery) over `digest`: low-s (EIP-2), and that it recovers to
 * `expected` — so a wrong or corrupted signature is caught here, not by the network. Returns the
 * compact signature and the y-parity.
 */
export function checkEvmSignature(
  digest: Uint8Array,
  signature: ChainSignature,
  expected: EvmAddress,
): { r: Uint8Array; s: Uint8Array; yParity: 0 | 1 } {
  if (signature.scheme !== 'ecdsa-secp256k1') {
    throw new InvalidArgumentError('signature.scheme', '"ecdsa-secp256k1"', signature.scheme);
  }
  if (!(digest instanceof Uint8Array) || digest.length !== 32) {
    throw new InvalidArgumentError(
      'digest',
      '32 bytes',
      digest instanceof Uint8Array ? `${digest.length} bytes` : typeof digest,
    );
  }
  const r = from0xOrHex(signature.r, 'signature.r');
  const s = from0xOrHex(signature.s, 'signature.s');
  if (signature.recovery !== 0 && signature.recovery !== 1) {
    throw new InvalidArgumentError(
      'signature.recovery',
      '0 or 1 (R.x ≥ n never happens in practice)',
      String(signature.recovery),
    );
  }
  let recovered: EvmAddress;
  try {
    const sig = secp256k1.Signature.fromBytes(concatBytes(r, s), 'compact').addRecoveryBit(signature.recovery);
    if (sig.hasHighS()) throw new InvalidArgumentError('signature.s', 'low-s (EIP-2)');
    // Our GLV recovery: the same key as noble's `recoverPublicKey`, several times faster (tested).
    const e = secp256k1.Point.Fn.create(bytesToNumberBE(digest));
    const key = recoverPublicKeyK1(e, sig.r, sig.s, signature.recovery);
    if (key === undefined) throw new Error('no key recovers');
    recovered = evmAddressFromPublicKey(key.toBytes(false));
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw error;
    throw new InvalidArgumentError('signature', 'a valid secp256k1 signature', 'one that does not recover a key');
  }
  if (recovered !== expected) {
    throw new InvalidArgumentError('signature', `a signature by ${expected}`, `one recovering to ${recovered}`);
  }
  return { r, s, yParity: signature.recovery };
}

function from0xOrHex(value: string, field: string): Uint8Array {
  return from0x(typeof value === 'string' && !value.startsWith('0x') ? `0x${value}` : value, field, 32);
}

/** Signed EIP-1559 envelope and its hash, after checking the signature recovers `tx.from`. */
export function assembleEvmTransaction(tx: EvmUnsignedTransaction, signature: ChainSignature): SignedTransaction {
  const v = validateEvmTransaction(tx);
  const { r, s, yParity } = checkEvmSignature(evmSigningDigest(v), signature, v.from);
  const strip = (b: Uint8Array) => bigintToMinimalBytes(BigInt(to0x(b)));
  const raw = concatBytes(
    Uint8Array.of(0x02),
    rlpEncode([...unsignedFields(v), bigintToMinimalBytes(BigInt(yParity)), strip(r), strip(s)]),
  );
  return { raw: to0x(raw), encoding: 'hex', hash: to0x(keccak_256(raw)) };
}

export interface EvmBuildBase {
  chainId: number;
  from: string;
  derivationPath: string;
  nonce: number;
  gasLimit: string;
  fees: EvmFees;
}

export function buildEvmNativeTransfer(p: EvmBuildBase & { to: string; value: string }): EvmUnsignedTransaction {
  return validateEvmTransaction(base(p, p.to, p.value, '0x'));
}

/** ERC-20 transfer(to, amount): value 0, `to` is the token contract. */
export function buildEvmTokenTransfer(
  p: EvmBuildBase & { token: string; to: string; amount: string },
): EvmUnsignedTransaction {
  parseBaseUnits(p.amount, 'amount', U256_MAX);
  return validateEvmTransaction(base(p, p.token, '0', erc20TransferCalldata(p.to, p.amount)));
}

export function buildEvmContractCall(
  p: EvmBuildBase & { contract: string; abiFunctionSignature: string; abiParameters: AbiValue[]; value?: string },
): EvmUnsignedTransaction {
  return validateEvmTransaction(
    base(p, p.contract, p.value ?? '0', encodeFunctionCall(p.abiFunctionSignature, p.abiParameters)),
  );
}

export function erc20TransferCalldata(to: string, amount: string): `0x${string}` {
  return encodeFunctionCall(ERC20_TRANSFER, [parseEvmAddress(to, 'destinationAddress'), amount]);
}

function base(p: EvmBuildBase, to: string, value: string, data: `0x${string}`): EvmUnsignedTransaction {
  return {
    family: 'evm',
    chainId: p.chainId,
    from: p.from as EvmAddress,
    derivationPath: p.derivationPath,
    nonce: p.nonce,
    to: to as EvmAddress,
    value,
    data,
    gasLimit: p.gasLimit,
    maxFeePerGas: p.fees.maxFeePerGas,
    maxPriorityFeePerGas: p.fees.maxPriorityFeePerGas,
  };
}

/** Upper bound of the fee: gasLimit × maxFeePerGas, in wei. */
export function evmMaxFee(tx: EvmUnsignedTransaction): bigint {
  return BigInt(tx.gasLimit) * BigInt(tx.maxFeePerGas);
}
