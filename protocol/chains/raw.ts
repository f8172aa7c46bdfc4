/**
 * Transactions a caller hands us already built (`sign/transaction`: "rawTransaction" hex for EVM,
 * base64 for Solana and NEAR, or an EVM "transaction" JSON): parsed strictly into the same unsigned
 * shapes the builders produce, so the signing request and the Gateway description come from the exact
 * bytes that will be signed. Anything we cannot fully decode and show is refused, not signed blind.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { base58, base64 } from '@scure/base';
import { InvalidArgumentError } from '../errors.js';
import { type EvmAddress, parseEvmAddress } from './evm/address.js';
import { bytesToBigint, describe, from0x, to0x } from './evm/hex.js';
import { type RlpItem, rlpDecode } from './evm/rlp.js';
import { type EvmUnsignedTransaction, validateEvmTransaction } from './evm/transaction.js';
import {
  type NearAction,
  type NearDelegateAction,
  type NearUnsignedTransaction,
  serializeNearDelegateAction,
  serializeNearTransaction,
  validateNearTransaction,
} from './near/transaction.js';
import { encodeCompactU16, type SolanaInstruction, type SolanaUnsignedTransaction } from './solana/transaction.js';
import type { ChainSignature, SignedTransaction, SigningRequest } from './types.js';

const MAX_RAW_BYTES = 128 * 1024;

function decodeBase64(value: unknown, field: string): Uint8Array {
  if (typeof value !== 'string' || value.length === 0 || value.length > (MAX_RAW_BYTES * 4) / 3 + 4) {
    throw new InvalidArgumentError(field, 'base64 of at most 128 KiB', describe(value));
  }
  try {
    return base64.decode(value);
  } catch {
    throw new InvalidArgumentError(field, 'standard base64 with padding', 'something else');
  }
}

// ---------------------------------------------------------------- EVM

function quantity(item: RlpItem | undefined, field: string): string {
  if (!(item instanceof Uint8Array)) throw new InvalidArgumentError(field, 'an RLP byte string', 'a list');
  if (item.length > 0 && item[0] === 0) throw new InvalidArgumentError(field, 'a quantity without leading zeros');
  if (item.length > 32) throw new InvalidArgumentError(field, 'at most 32 bytes');
  return bytesToBigint(item).toString();
}

/**
 * Parses an unsigned EIP-1559 transaction (0x02 ‖ rlp([chainId, nonce, tip, maxFee, gas, to, value,
 * data, accessList]) hex) for `wallet`. Legacy/EIP-2930 types, contract creation and access lists are
 * refused: we could not show them faithfully with the rest of the Gateway's EVM view.
 */
export function parseRawEvmTransaction(
  raw: string,
  wallet: { address: string; derivationPath: string },
): EvmUnsignedTransaction {
  const bytes = from0x(typeof raw === 'string' && !raw.startsWith('0x') ? `0x${raw}` : raw, 'rawTransaction');
  if (bytes.length > MAX_RAW_BYTES)
    throw new InvalidArgumentError('rawTransaction', `at most ${MAX_RAW_BYTES} bytes`, `${bytes.length}`);
  if (bytes[0] !== 0x02)
    throw new InvalidArgumentError(
      'rawTransaction',
      'an EIP-1559 (type 2) transaction',
      `type byte 0x${(bytes[0] ?? 0).toString(16)}`,
    );
  let fields: RlpItem;
  try {
    fields = rlpDecode(bytes.subarray(1));
  } catch (error) {
    throw new InvalidArgumentError('rawTransaction', 'valid RLP', (error as Error).message);
  }
  if (!Array.isArray(fields)) throw new InvalidArgumentError('rawTransaction', 'an RLP list');
  if (fields.length === 12)
    throw new InvalidArgumentError('rawTransaction', 'an unsigned transaction', 'one that is already signed');
  if (fields.length !== 9) throw new InvalidArgumentError('rawTransaction', '9 EIP-1559 fields', `${fields.length}`);
  const [chainId, nonce, tip, maxFee, gas, to, value, data, accessList] = fields;
  if (!(to instanceof Uint8Array) || to.length !== 20)
    throw new InvalidArgumentError('rawTransaction.to', 'a 20-byte address (contract creation is not supported)');
  if (!Array.isArray(accessList) || accessList.length !== 0)
    throw new InvalidArgumentError('rawTransaction.accessList', 'an empty access list');
  if (!(data instanceof Uint8Array)) throw new InvalidArgumentError('rawTransaction.data', 'bytes');
  const n = (item: RlpItem | undefined, field: string) => {
    const v = BigInt(quantity(item, field));
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidArgumentError(field, 'a safe integer', v.toString());
    return Number(v);
  };
  return validateEvmTransaction({
    family: 'evm',
    chainId: n(chainId, 'rawTransaction.chainId'),
    from: parseEvmAddress(wallet.address, 'wallet.address'),
    derivationPath: wallet.derivationPath,
    nonce: n(nonce, 'rawTransaction.nonce'),
    to: to0x(to) as EvmAddress,
    value: quantity(value, 'rawTransaction.value'),
    data: to0x(data),
    gasLimit: quantity(gas, 'rawTransaction.gasLimit'),
    maxFeePerGas: quantity(maxFee, 'rawTransaction.maxFeePerGas'),
    maxPriorityFeePerGas: quantity(tip, 'rawTransaction.maxPriorityFeePerGas'),
  });
}

/** The JSON form ({ to, value?, data?, nonce, gas|gasLimit, maxFeePerGas, maxPriorityFeePerGas, chainId }). */
export function parseEvmTransactionJson(
  json: unknown,
  wallet: { address: string; derivationPath: string },
): EvmUnsignedTransaction {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new InvalidArgumentError('transaction', 'a JSON object', typeof json);
  const t = json as Record<string, unknown>;
  const allowed = new Set([
    'to',
    'value',
    'data',
    'input',
    'nonce',
    'gas',
    'gasLimit',
    'maxFeePerGas',
    'maxPriorityFeePerGas',
    'chainId',
    'from',
    'type',
  ]);
  for (const key of Object.keys(t))
    if (!allowed.has(key)) throw new InvalidArgumentError(`transaction.${key}`, 'no such field (EIP-1559 fields only)');
  if (t.type !== undefined && t.type !== 2 && t.type !== '0x2' && t.type !== 'eip1559')
    throw new InvalidArgumentError('transaction.type', 'EIP-1559 (2)', String(t.type));
  if (t.from !== undefined && String(t.from).toLowerCase() !== wallet.address.toLowerCase()) {
    throw new InvalidArgumentError('transaction.from', `the wallet address ${wallet.address}`, String(t.from));
  }
  const num = (v: unknown, field: string, fallback?: string): string => {
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
    if (typeof v === 'string' && /^(0|[1-9]\d*)$/.test(v)) return v;
    if (typeof v === 'string' && /^0x[0-9a-fA-F]+$/.test(v)) return BigInt(v).toString();
    throw new InvalidArgumentError(field, 'a non-negative integer (decimal string, 0x-hex or number)', describe(v));
  };
  const data = t.data ?? t.input ?? '0x';
  return validateEvmTransaction({
    family: 'evm',
    chainId: Number(num(t.chainId, 'transaction.chainId')),
    from: parseEvmAddress(wallet.address, 'wallet.address'),
    derivationPath: wallet.derivationPath,
    nonce: Number(num(t.nonce, 'transaction.nonce')),
    to: parseEvmAddress(t.to, 'transaction.to'),
    value: num(t.value, 'transaction.value', '0'),
    data: data as `0x${string}`,
    gasLimit: num(t.gasLimit ?? t.gas, 'transaction.gasLimit'),
    maxFeePerGas: num(t.maxFeePerGas, 'transaction.maxFeePerGas'),
    maxPriorityFeePerGas: num(t.maxPriorityFeePerGas, 'transaction.maxPriorityFeePerGas'),
  });
}

// ---------------------------------------------------------------- Solana

/** Bounds-checked little-endian reader over bytes; every overrun is an InvalidArgumentError naming `field`. */
export class Reader {
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly field: string,
  ) {}
  byte(): number {
    const b = this.bytes[this.pos];
    if (b === undefined) throw new InvalidArgumentError(this.field, 'more bytes', 'end of data');
    this.pos++;
    return b;
  }
  take(n: number): Uint8Array {
    if (this.pos + n > this.bytes.length)
      throw new InvalidArgumentError(this.field, `${n} more bytes`, `${this.bytes.length - this.pos}`);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  compactU16(): number {
    let value = 0;
    for (let i = 0; i < 3; i++) {
      const b = this.byte();
      value |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) {
        if (!encodeCompactU16(value).every((x, j) => x === this.bytes[this.pos - (i + 1) + j])) {
          throw new InvalidArgumentError(this.field, 'a canonical compact-u16');
        }
        return value;
      }
    }
    throw new InvalidArgumentError(this.field, 'a compact-u16 of at most 3 bytes');
  }
  u32le(): number {
    return new DataView(this.take(4).slice().buffer).getUint32(0, true);
  }
  u64le(): bigint {
    return new DataView(this.take(8).slice().buffer).getBigUint64(0, true);
  }
  u128le(): bigint {
    const lo = this.u64le();
    return (this.u64le() << 64n) | lo;
  }
  end(): void {
    if (this.pos !== this.bytes.length)
      throw new InvalidArgumentError(this.field, 'no trailing bytes', `${this.bytes.length - this.pos}`);
  }
}

export interface DecodedSolanaMessage {
  version: 'legacy' | 0;
  numRequiredSignatures: number;
  accountKeys: string[];
  recentBlockhash: string;
  instructions: SolanaInstruction[];
  /** v0 only: how many address-lookup-table entries it uses (accounts we cannot name offline). */
  lookupTableAccounts: number;
}

/** Accepts a wire transaction (signature slots ‖ message) or a bare message; returns the message bytes. */
export function solanaMessageFromRaw(raw: string): Uint8Array {
  const bytes = decodeBase64(raw, 'rawTransaction');
  const first = bytes[0] ?? 0;
  // A message starts with the header (numRequiredSignatures ≥ 1) or a version byte ≥ 0x80; a wire
  // transaction starts with the signature count, followed by that many 64-byte signatures.
  if (first >= 1 && first < 0x80 && bytes.length > 1 + 64 * first) {
    const candidate = bytes.subarray(1 + 64 * first);
    try {
      const decoded = decodeSolanaMessage(candidate);
      if (decoded.numRequiredSignatures === first) return candidate.slice();
    } catch {
      // not a wire transaction: fall through to a bare message
    }
  }
  decodeSolanaMessage(bytes);
  return bytes.slice();
}

export function decodeSolanaMessage(bytes: Uint8Array): DecodedSolanaMessage {
  const r = new Reader(bytes, 'rawTransaction');
  let version: 'legacy' | 0 = 'legacy';
  if (((bytes[0] ?? 0) & 0x80) !== 0) {
    const v = r.byte() & 0x7f;
    if (v !== 0) throw new InvalidArgumentError('rawTransaction', 'a legacy or v0 message', `version ${v}`);
    version = 0;
  }
  const numRequiredSignatures = r.byte();
  r.byte(); // read-only signed
  r.byte(); // read-only unsigned
  const keyCount = r.compactU16();
  const accountKeys = Array.from({ length: keyCount }, () => base58.encode(r.take(32)));
  const recentBlockhash = base58.encode(r.take(32));
  const ixCount = r.compactU16();
  const raw = Array.from({ length: ixCount }, () => {
    const programIndex = r.byte();
    const accounts = Array.from({ length: r.compactU16() }, () => r.byte());
    const data = r.take(r.compactU16());
    return { programIndex, accounts, data };
  });
  let lookupTableAccounts = 0;
  if (version === 0) {
    const tables = r.compactU16();
    for (let i = 0; i < tables; i++) {
      r.take(32);
      lookupTableAccounts += r.take(r.compactU16()).length;
      lookupTableAccounts += r.take(r.compactU16()).length;
    }
  }
  r.end();
  const header = {
    signed: numRequiredSignatures,
    roSigned: bytes[version === 0 ? 2 : 1] ?? 0,
    roUnsigned: bytes[version === 0 ? 3 : 2] ?? 0,
  };
  const isWritable = (i: number) =>
    i < header.signed ? i < header.signed - header.roSigned : i < keyCount ? i < keyCount - header.roUnsigned : true;
  const name = (i: number) => accountKeys[i] ?? `lookup-table account #${i - keyCount}`;
  const instructions = raw.map((ix) => {
    if (ix.programIndex >= keyCount)
      throw new InvalidArgumentError('rawTransaction', 'program ids among the static account keys');
    return {
      programId: accountKeys[ix.programIndex] as string,
      accounts: ix.accounts.map((i) => ({ pubkey: name(i), isSigner: i < header.signed, isWritable: isWritable(i) })),
      data: Array.from(ix.data, (b) => b.toString(16).padStart(2, '0')).join(''),
    };
  });
  return { version, numRequiredSignatures, accountKeys, recentBlockhash, instructions, lookupTableAccounts };
}

/**
 * Signing request for a caller-built Solana message: the wallet must be the fee payer and the only
 * signer. The exact bytes are signed as given (a dApp's account ordering is kept).
 */
export function rawSolanaSigningRequest(
  messageBytes: Uint8Array,
  wallet: { address: string; account: number },
): SigningRequest {
  const m = decodeSolanaMessage(messageBytes);
  if (m.accountKeys[0] !== wallet.address)
    throw new InvalidArgumentError('rawTransaction', `fee payer ${wallet.address}`, m.accountKeys[0]);
  if (m.numRequiredSignatures !== 1)
    throw new InvalidArgumentError(
      'rawTransaction',
      'exactly one required signature (the wallet)',
      String(m.numRequiredSignatures),
    );
  return {
    scheme: 'ed25519',
    keyFamily: 'solana',
    message: messageBytes.slice(),
    account: wallet.account,
    derivationPath: `m/44'/501'/${wallet.account}'/0'`,
  };
}

/** The decoded message as the unsigned shape `describeTransaction` reads (for the Gateway). */
export function solanaMessageForDisplay(messageBytes: Uint8Array, account: number): SolanaUnsignedTransaction {
  const m = decodeSolanaMessage(messageBytes);
  return {
    family: 'solana',
    feePayer: m.accountKeys[0] ?? '',
    account,
    recentBlockhash: m.recentBlockhash,
    lastValidBlockHeight: 0,
    instructions: m.instructions,
  };
}

/** Wire transaction for a caller-built message and the wallet's signature (verified). */
export function assembleRawSolanaTransaction(
  messageBytes: Uint8Array,
  feePayer: string,
  signature: ChainSignature,
): SignedTransaction {
  if (signature.scheme !== 'ed25519' || !/^[0-9a-f]{128}$/.test(signature.signature))
    throw new InvalidArgumentError('signature', 'a 64-byte ed25519 signature');
  const sig = Uint8Array.from(signature.signature.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
  if (!ed25519.verify(sig, messageBytes, base58.decode(feePayer)))
    throw new InvalidArgumentError('signature', `a valid signature by ${feePayer}`, 'one that does not verify');
  return {
    raw: base64.encode(concatBytes(encodeCompactU16(1), sig, messageBytes)),
    encoding: 'base64',
    hash: base58.encode(sig),
  };
}

// ---------------------------------------------------------------- NEAR

function borshString(r: Reader, field: string): string {
  const len = r.u32le();
  if (len > 1024) throw new InvalidArgumentError(field, 'a string of at most 1024 bytes', `${len}`);
  return new TextDecoder('utf-8', { fatal: true }).decode(r.take(len));
}

/** Parses borsh(Transaction) (base64) with Transfer/FunctionCall actions; re-encoding must give the same bytes. */
export function parseRawNearTransaction(raw: string, account: number): NearUnsignedTransaction {
  const bytes = decodeBase64(raw, 'rawTransaction');
  const r = new Reader(bytes, 'rawTransaction');
  const signerId = borshString(r, 'rawTransaction.signerId');
  if (r.byte() !== 0) throw new InvalidArgumentError('rawTransaction.publicKey', 'an ed25519 key (type 0)');
  const publicKey = `ed25519:${base58.encode(r.take(32))}`;
  const nonce = r.u64le().toString();
  const receiverId = borshString(r, 'rawTransaction.receiverId');
  const blockHash = base58.encode(r.take(32));
  const count = r.u32le();
  if (count === 0 || count > 16)
    throw new InvalidArgumentError('rawTransaction.actions', '1 to 16 actions', String(count));
  const actions: NearAction[] = [];
  for (let i = 0; i < count; i++) actions.push(readNearAction(r, `rawTransaction.actions.${i}`));
  r.end();
  const tx = validateNearTransaction({
    family: 'near',
    signerId,
    publicKey,
    nonce,
    receiverId,
    blockHash,
    actions,
    account,
  });
  const again = serializeNearTransaction(tx);
  if (again.length !== bytes.length || !again.every((b, i) => b === bytes[i]))
    throw new InvalidArgumentError('rawTransaction', 'a canonical borsh encoding');
  return tx;
}

/** Parses borsh(DelegateAction) (base64, NEP-366) with Transfer/FunctionCall actions; canonical only. */
export function parseRawNearDelegateAction(raw: string): NearDelegateAction {
  const bytes = decodeBase64(raw, 'unsignedDelegateAction');
  const r = new Reader(bytes, 'unsignedDelegateAction');
  const senderId = borshString(r, 'unsignedDelegateAction.senderId');
  const receiverId = borshString(r, 'unsignedDelegateAction.receiverId');
  const count = r.u32le();
  if (count === 0 || count > 16)
    throw new InvalidArgumentError('unsignedDelegateAction.actions', '1 to 16 actions', String(count));
  const actions: NearAction[] = [];
  for (let i = 0; i < count; i++) actions.push(readNearAction(r, `unsignedDelegateAction.actions.${i}`));
  const nonce = r.u64le().toString();
  const maxBlockHeight = r.u64le().toString();
  if (r.byte() !== 0) throw new InvalidArgumentError('unsignedDelegateAction.publicKey', 'an ed25519 key (type 0)');
  const publicKey = `ed25519:${base58.encode(r.take(32))}`;
  r.end();
  const action: NearDelegateAction = { senderId, receiverId, actions, nonce, maxBlockHeight, publicKey };
  const again = serializeNearDelegateAction(action);
  if (again.length !== bytes.length || !again.every((b, i) => b === bytes[i]))
    throw new InvalidArgumentError('unsignedDelegateAction', 'a canonical borsh encoding');
  return action;
}

function readNearAction(r: Reader, field: string): NearAction {
  const tag = r.byte();
  if (tag === 3) return { type: 'Transfer', deposit: r.u128le().toString() };
  if (tag === 2) {
    const methodName = borshString(r, `${field}.methodName`);
    const args = base64.encode(r.take(r.u32le()));
    return { type: 'FunctionCall', methodName, args, gas: r.u64le().toString(), deposit: r.u128le().toString() };
  }
  throw new InvalidArgumentError(
    field,
    'Transfer or FunctionCall (other actions are not signed through the API)',
    `action tag ${tag}`,
  );
}
