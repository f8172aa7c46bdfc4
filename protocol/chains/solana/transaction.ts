/**
 * Solana legacy transactions with one signer (the wallet, also the fee payer): instruction builders
 * for SOL and SPL transfers, message compilation in the account order of web3.js `CompiledKeys`
 * (payer, then first appearance; grouped writable signers, read-only signers, writable, read-only),
 * message serialisation (what ed25519 signs, as it is), and the signed wire transaction.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, concatBytes, hexToBytes } from '@noble/hashes/utils.js';
import { base58, base64 } from '@scure/base';
import { InvalidArgumentError } from '../../errors.js';
import { parseBaseUnits, U64_MAX } from '../amounts.js';
import type { ChainSignature, SignedTransaction, SigningRequest } from '../types.js';
import {
  ASSOCIATED_TOKEN_PROGRAM,
  associatedTokenAddress,
  COMPUTE_BUDGET_PROGRAM,
  parseSolanaAddress,
  SYSTEM_PROGRAM,
  TOKEN_PROGRAM,
} from './address.js';

export interface SolanaAccountMeta {
  pubkey: string;
  isSigner: boolean;
  isWritable: boolean;
}

export interface SolanaInstruction {
  programId: string;
  accounts: SolanaAccountMeta[];
  /** Instruction data, lower-case hex. */
  data: string;
}

export interface SolanaUnsignedTransaction {
  family: 'solana';
  /** The wallet: fee payer and only signer. */
  feePayer: string;
  /** SLIP-10 account index i of m/44'/501'/i'/0'. */
  account: number;
  recentBlockhash: string;
  /** The block height after which the blockhash expires (from getLatestBlockhash), for tracking. */
  lastValidBlockHeight: number;
  instructions: SolanaInstruction[];
}

const PACKET_BYTES = 1232;
const MAX_INSTRUCTIONS = 16;

function u64le(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n, true);
  return out;
}

/** Solana's short_vec length prefix (compact-u16, 7 bits per byte). */
export function encodeCompactU16(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new InvalidArgumentError('length', 'a compact-u16', String(n));
  const out: number[] = [];
  let rest = n;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    if (rest === 0) {
      out.push(byte);
      return Uint8Array.from(out);
    }
    out.push(byte | 0x80);
  }
}

export function systemTransferInstruction(from: string, to: string, lamports: string): SolanaInstruction {
  const amount = parseBaseUnits(lamports, 'amount', U64_MAX);
  const data = concatBytes(Uint8Array.of(2, 0, 0, 0), u64le(amount)); // SystemInstruction::Transfer = 2 (u32 LE)
  return {
    programId: SYSTEM_PROGRAM,
    accounts: [
      { pubkey: from, isSigner: true, isWritable: true },
      { pubkey: to, isSigner: false, isWritable: true },
    ],
    data: bytesToHex(data),
  };
}

/** ATA program `CreateIdempotent` (1): creates the recipient's token account if missing, else no-op. */
export function createAssociatedTokenAccountIdempotentInstruction(
  payer: string,
  owner: string,
  mint: string,
  tokenProgram = TOKEN_PROGRAM,
): SolanaInstruction {
  return {
    programId: ASSOCIATED_TOKEN_PROGRAM,
    accounts: [
      { pubkey: payer, isSigner: true, isWritable: true },
      { pubkey: associatedTokenAddress(owner, mint, tokenProgram), isSigner: false, isWritable: true },
      { pubkey: owner, isSigner: false, isWritable: false },
      { pubkey: mint, isSigner: false, isWritable: false },
      { pubkey: SYSTEM_PROGRAM, isSigner: false, isWritable: false },
      { pubkey: tokenProgram, isSigner: false, isWritable: false },
    ],
    data: '01',
  };
}

/** SPL Token `TransferChecked` (12): amount u64 LE, decimals u8; checks the mint and decimals on-chain. */
export function splTransferCheckedInstruction(p: {
  owner: string;
  to: string;
  mint: string;
  amount: string;
  decimals: number;
  tokenProgram?: string;
}): SolanaInstruction {
  const tokenProgram = p.tokenProgram ?? TOKEN_PROGRAM;
  if (!Number.isInteger(p.decimals) || p.decimals < 0 || p.decimals > 255)
    throw new InvalidArgumentError('decimals', 'a u8', String(p.decimals));
  const amount = parseBaseUnits(p.amount, 'amount', U64_MAX);
  return {
    programId: tokenProgram,
    accounts: [
      { pubkey: associatedTokenAddress(p.owner, p.mint, tokenProgram), isSigner: false, isWritable: true },
      { pubkey: p.mint, isSigner: false, isWritable: false },
      { pubkey: associatedTokenAddress(p.to, p.mint, tokenProgram), isSigner: false, isWritable: true },
      { pubkey: p.owner, isSigner: true, isWritable: false },
    ],
    data: bytesToHex(concatBytes(Uint8Array.of(12), u64le(amount), Uint8Array.of(p.decimals))),
  };
}

/** ComputeBudget `SetComputeUnitPrice` (3): the priority fee in micro-lamports per compute unit. */
export function setComputeUnitPriceInstruction(microLamports: string): SolanaInstruction {
  return {
    programId: COMPUTE_BUDGET_PROGRAM,
    accounts: [],
    data: bytesToHex(concatBytes(Uint8Array.of(3), u64le(parseBaseUnits(microLamports, 'microLamports', U64_MAX)))),
  };
}

export interface SolanaBuildBase {
  from: string;
  account: number;
  recentBlockhash: string;
  lastValidBlockHeight: number;
  /** Optional priority fee, micro-lamports per compute unit. */
  computeUnitPriceMicroLamports?: string;
}

function withBudget(p: SolanaBuildBase, instructions: SolanaInstruction[]): SolanaUnsignedTransaction {
  const budget =
    p.computeUnitPriceMicroLamports && p.computeUnitPriceMicroLamports !== '0'
      ? [setComputeUnitPriceInstruction(p.computeUnitPriceMicroLamports)]
      : [];
  return validateSolanaTransaction({
    family: 'solana',
    feePayer: p.from,
    account: p.account,
    recentBlockhash: p.recentBlockhash,
    lastValidBlockHeight: p.lastValidBlockHeight,
    instructions: [...budget, ...instructions],
  });
}

export function buildSolanaTransfer(p: SolanaBuildBase & { to: string; lamports: string }): SolanaUnsignedTransaction {
  parseSolanaAddress(p.to, 'destinationAddress');
  return withBudget(p, [systemTransferInstruction(p.from, p.to, p.lamports)]);
}

export function buildSplTransfer(
  p: SolanaBuildBase & { to: string; mint: string; amount: string; decimals: number; tokenProgram?: string },
): SolanaUnsignedTransaction {
  parseSolanaAddress(p.to, 'destinationAddress');
  return withBudget(p, [
    createAssociatedTokenAccountIdempotentInstruction(p.from, p.to, p.mint, p.tokenProgram),
    splTransferCheckedInstruction({
      owner: p.from,
      to: p.to,
      mint: p.mint,
      amount: p.amount,
      decimals: p.decimals,
      tokenProgram: p.tokenProgram,
    }),
  ]);
}

export function validateSolanaTransaction(tx: SolanaUnsignedTransaction): SolanaUnsignedTransaction {
  if (tx?.family !== 'solana') throw new InvalidArgumentError('transaction.family', '"solana"', String(tx?.family));
  parseSolanaAddress(tx.feePayer, 'transaction.feePayer');
  parseSolanaAddress(tx.recentBlockhash, 'transaction.recentBlockhash');
  if (!Number.isSafeInteger(tx.account) || tx.account < 0 || tx.account >= 0x80000000) {
    throw new InvalidArgumentError('transaction.account', 'an account index below 2^31', String(tx.account));
  }
  if (!Number.isSafeInteger(tx.lastValidBlockHeight) || tx.lastValidBlockHeight < 0) {
    throw new InvalidArgumentError(
      'transaction.lastValidBlockHeight',
      'a non-negative integer',
      String(tx.lastValidBlockHeight),
    );
  }
  if (!Array.isArray(tx.instructions) || tx.instructions.length === 0 || tx.instructions.length > MAX_INSTRUCTIONS) {
    throw new InvalidArgumentError(
      'transaction.instructions',
      `1 to ${MAX_INSTRUCTIONS} instructions`,
      String(tx.instructions?.length),
    );
  }
  tx.instructions.forEach((ix, i) => {
    parseSolanaAddress(ix.programId, `transaction.instructions.${i}.programId`);
    if (typeof ix.data !== 'string' || !/^(?:[0-9a-f]{2})*$/.test(ix.data)) {
      throw new InvalidArgumentError(`transaction.instructions.${i}.data`, 'lower-case hex', typeof ix.data);
    }
    ix.accounts.forEach((a, j) => {
      parseSolanaAddress(a.pubkey, `transaction.instructions.${i}.accounts.${j}.pubkey`);
      // One signer only: the wallet. Anything else would need a second signature we cannot give.
      if (a.isSigner && a.pubkey !== tx.feePayer) {
        throw new InvalidArgumentError(
          `transaction.instructions.${i}.accounts.${j}`,
          'no signer other than the fee payer',
          a.pubkey,
        );
      }
    });
  });
  const size = 1 + 64 + compileSolanaMessage(tx, false).length;
  if (size > PACKET_BYTES)
    throw new InvalidArgumentError('transaction', `at most ${PACKET_BYTES} bytes signed`, `${size}`);
  return tx;
}

/** Serialised legacy message: header, account keys, recent blockhash, compiled instructions. */
export function compileSolanaMessage(tx: SolanaUnsignedTransaction, validate = true): Uint8Array {
  if (validate) validateSolanaTransaction(tx);
  const metas = new Map<string, { isSigner: boolean; isWritable: boolean }>();
  const meta = (key: string) => {
    let m = metas.get(key);
    if (!m) {
      m = { isSigner: false, isWritable: false };
      metas.set(key, m);
    }
    return m;
  };
  const payer = meta(tx.feePayer);
  payer.isSigner = true;
  payer.isWritable = true;
  for (const ix of tx.instructions) {
    meta(ix.programId);
    for (const a of ix.accounts) {
      const m = meta(a.pubkey);
      m.isSigner ||= a.isSigner;
      m.isWritable ||= a.isWritable;
    }
  }
  const entries = [...metas.entries()];
  const group = (signer: boolean, writable: boolean) =>
    entries.filter(([, m]) => m.isSigner === signer && m.isWritable === writable).map(([k]) => k);
  const writableSigners = group(true, true);
  const readonlySigners = group(true, false);
  const writableNonSigners = group(false, true);
  const readonlyNonSigners = group(false, false);
  const keys = [...writableSigners, ...readonlySigners, ...writableNonSigners, ...readonlyNonSigners];
  const index = new Map(keys.map((k, i) => [k, i]));
  const instructions = tx.instructions.map((ix) => {
    const data = hexToBytes(ix.data);
    return concatBytes(
      Uint8Array.of(index.get(ix.programId) as number),
      encodeCompactU16(ix.accounts.length),
      Uint8Array.from(ix.accounts.map((a) => index.get(a.pubkey) as number)),
      encodeCompactU16(data.length),
      data,
    );
  });
  return concatBytes(
    Uint8Array.of(writableSigners.length + readonlySigners.length, readonlySigners.length, readonlyNonSigners.length),
    encodeCompactU16(keys.length),
    ...keys.map((k) => parseSolanaAddress(k)),
    parseSolanaAddress(tx.recentBlockhash),
    encodeCompactU16(instructions.length),
    ...instructions,
  );
}

export function solanaDerivationPath(account: number): string {
  return `m/44'/501'/${account}'/0'`;
}

export function solanaSigningRequest(tx: SolanaUnsignedTransaction): SigningRequest {
  return {
    scheme: 'ed25519',
    keyFamily: 'solana',
    message: compileSolanaMessage(tx),
    account: tx.account,
    derivationPath: solanaDerivationPath(tx.account),
  };
}

/** Wire transaction (base64) after verifying the signature over the message under the fee payer key. */
export function assembleSolanaTransaction(tx: SolanaUnsignedTransaction, signature: ChainSignature): SignedTransaction {
  const message = compileSolanaMessage(tx);
  if (signature.scheme !== 'ed25519') throw new InvalidArgumentError('signature.scheme', '"ed25519"', signature.scheme);
  if (typeof signature.signature !== 'string' || !/^[0-9a-f]{128}$/.test(signature.signature)) {
    throw new InvalidArgumentError('signature.signature', '64 bytes of lower-case hex');
  }
  const sig = hexToBytes(signature.signature);
  if (!ed25519.verify(sig, message, parseSolanaAddress(tx.feePayer))) {
    throw new InvalidArgumentError(
      'signature',
      `a valid ed25519 signature by ${tx.feePayer}`,
      'one that does not verify',
    );
  }
  const raw = concatBytes(encodeCompactU16(1), sig, message);
  return { raw: base64.encode(raw), encoding: 'base64', hash: base58.encode(sig) };
}
