/**
 * One Solana instruction → what it does, for showing a transaction: System transfers, SPL Token
 * (and Token-2022) transfers, approvals, authority changes and closes, associated-token-account
 * creation, compute-budget settings and memos. Anything else — another program, an instruction of
 * a known program we do not decode, or data of the wrong length — comes back as `unknown` with the
 * program id, the account count and the data, so it is shown raw rather than guessed. Never throws.
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import { base58 } from '@scure/base';
import {
  ASSOCIATED_TOKEN_PROGRAM,
  COMPUTE_BUDGET_PROGRAM,
  SYSTEM_PROGRAM,
  TOKEN_2022_PROGRAM,
  TOKEN_PROGRAM,
} from './address.js';
import type { SolanaInstruction } from './transaction.js';

export const MEMO_PROGRAM = 'MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr';

export type DecodedSolanaInstruction =
  | { kind: 'system-transfer'; from: string; to: string; lamports: string }
  | { kind: 'token-transfer'; program: string; source: string; destination: string; owner: string; amount: string }
  | {
      kind: 'token-transfer-checked';
      program: string;
      source: string;
      mint: string;
      destination: string;
      owner: string;
      amount: string;
      decimals: number;
    }
  /** Lets `delegate` move up to `amount` from `source` later, without asking. */
  | {
      kind: 'token-approve';
      program: string;
      source: string;
      delegate: string;
      owner: string;
      amount: string;
      mint?: string;
      decimals?: number;
    }
  /** Hands an authority of `account` (its owner, close authority…) to `newAuthority` (none = removed). */
  | {
      kind: 'token-set-authority';
      program: string;
      account: string;
      authorityType: number;
      newAuthority: string | null;
    }
  | { kind: 'token-close-account'; program: string; account: string; destination: string; owner: string }
  | { kind: 'create-token-account'; payer: string; account: string; owner: string; mint: string; idempotent: boolean }
  | { kind: 'compute-unit-limit'; units: number }
  | { kind: 'compute-unit-price'; microLamports: string }
  | { kind: 'memo'; text: string | undefined; data: string }
  | { kind: 'unknown'; programId: string; accountCount: number; data: string; reason: string };

const TOKEN_PROGRAMS = new Set([TOKEN_PROGRAM, TOKEN_2022_PROGRAM]);

function u64le(bytes: Uint8Array, at: number): string {
  return new DataView(bytes.buffer, bytes.byteOffset + at, 8).getBigUint64(0, true).toString();
}

export function decodeSolanaInstruction(ix: SolanaInstruction): DecodedSolanaInstruction {
  const programId = typeof ix?.programId === 'string' ? ix.programId : String(ix?.programId);
  const accounts = Array.isArray(ix?.accounts) ? ix.accounts : [];
  const hex = typeof ix?.data === 'string' ? ix.data : '';
  const unknown = (reason: string): DecodedSolanaInstruction => ({
    kind: 'unknown',
    programId,
    accountCount: accounts.length,
    data: hex,
    reason,
  });
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) return unknown('the instruction data is not hex');
  const data = hexToBytes(hex.toLowerCase());
  const key = (i: number): string | undefined => {
    const pubkey = accounts[i]?.pubkey;
    return typeof pubkey === 'string' ? pubkey : undefined;
  };
  const keys = (n: number): string[] | undefined => {
    const out = Array.from({ length: n }, (_, i) => key(i));
    return out.every((k) => k !== undefined) ? (out as string[]) : undefined;
  };
  const tag = data[0];

  if (programId === SYSTEM_PROGRAM) {
    // SystemInstruction is a u32 LE enum; Transfer = 2, followed by lamports u64 LE.
    const k = keys(2);
    if (data.length === 12 && tag === 2 && data[1] === 0 && data[2] === 0 && data[3] === 0 && k) {
      return { kind: 'system-transfer', from: k[0] as string, to: k[1] as string, lamports: u64le(data, 4) };
    }
    return unknown('a System program instruction other than a plain transfer');
  }

  if (TOKEN_PROGRAMS.has(programId)) {
    const program = programId === TOKEN_PROGRAM ? 'SPL Token' : 'Token-2022';
    if (tag === 3 && data.length === 9) {
      const k = keys(3);
      if (k)
        return {
          kind: 'token-transfer',
          program,
          source: k[0] as string,
          destination: k[1] as string,
          owner: k[2] as string,
          amount: u64le(data, 1),
        };
    }
    if (tag === 12 && data.length === 10) {
      const k = keys(4);
      if (k)
        return {
          kind: 'token-transfer-checked',
          program,
          source: k[0] as string,
          mint: k[1] as string,
          destination: k[2] as string,
          owner: k[3] as string,
          amount: u64le(data, 1),
          decimals: data[9] as number,
        };
    }
    if (tag === 4 && data.length === 9) {
      const k = keys(3);
      if (k)
        return {
          kind: 'token-approve',
          program,
          source: k[0] as string,
          delegate: k[1] as string,
          owner: k[2] as string,
          amount: u64le(data, 1),
        };
    }
    if (tag === 13 && data.length === 10) {
      const k = keys(4);
      if (k)
        return {
          kind: 'token-approve',
          program,
          source: k[0] as string,
          mint: k[1] as string,
          delegate: k[2] as string,
          owner: k[3] as string,
          amount: u64le(data, 1),
          decimals: data[9] as number,
        };
    }
    if (tag === 6 && data.length >= 3) {
      // SetAuthority: authority type u8, then COption<Pubkey> (0 = none, 1 + 32 bytes).
      const account = key(0);
      if (account && data[2] === 0 && data.length === 3)
        return { kind: 'token-set-authority', program, account, authorityType: data[1] as number, newAuthority: null };
      if (account && data[2] === 1 && data.length === 35)
        return {
          kind: 'token-set-authority',
          program,
          account,
          authorityType: data[1] as number,
          newAuthority: base58.encode(data.subarray(3)),
        };
    }
    if (tag === 9 && data.length === 1) {
      const k = keys(3);
      if (k)
        return {
          kind: 'token-close-account',
          program,
          account: k[0] as string,
          destination: k[1] as string,
          owner: k[2] as string,
        };
    }
    return unknown(`a ${program} instruction this wallet does not decode (tag ${tag ?? 'none'})`);
  }

  if (programId === ASSOCIATED_TOKEN_PROGRAM) {
    const k = keys(4);
    if (k && (data.length === 0 || (data.length === 1 && (tag === 0 || tag === 1)))) {
      return {
        kind: 'create-token-account',
        payer: k[0] as string,
        account: k[1] as string,
        owner: k[2] as string,
        mint: k[3] as string,
        idempotent: tag === 1,
      };
    }
    return unknown('an associated-token-account instruction other than create');
  }

  if (programId === COMPUTE_BUDGET_PROGRAM) {
    if (tag === 2 && data.length === 5)
      return {
        kind: 'compute-unit-limit',
        units: new DataView(data.buffer, data.byteOffset + 1, 4).getUint32(0, true),
      };
    if (tag === 3 && data.length === 9) return { kind: 'compute-unit-price', microLamports: u64le(data, 1) };
    return unknown('a compute-budget instruction this wallet does not decode');
  }

  if (programId === MEMO_PROGRAM) {
    let text: string | undefined;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(data);
    } catch {
      text = undefined;
    }
    return { kind: 'memo', text, data: hex };
  }

  return unknown('a program this wallet does not know');
}
