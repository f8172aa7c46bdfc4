/**
 * Lenient decoding of NEAR borsh for showing it (nearcore `Transaction::V0`, `DelegateAction`,
 * NEP-366): every action kind, including the ones the API never builds and the signer refuses —
 * AddKey, DeleteKey, DeleteAccount, Stake, DeployContract, nested Delegate — because a Gateway that
 * hides what it cannot sign teaches users to approve blindly. Decoding stops at the first thing it
 * cannot read and says where; what was read before is kept. Never throws.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { base58, base64 } from '@scure/base';
import { Reader } from '../raw.js';

export type NearAccessKeyPermission =
  | { kind: 'FullAccess' }
  | { kind: 'FunctionCall'; allowance: string | null; receiverId: string; methodNames: string[] };

export type NearDisplayAction =
  | { type: 'CreateAccount' }
  | { type: 'DeployContract'; codeBytes: number; codeSha256: string }
  | { type: 'FunctionCall'; methodName: string; args: string /* base64 */; gas: string; deposit: string }
  | { type: 'Transfer'; deposit: string }
  | { type: 'Stake'; stake: string; publicKey: string }
  | { type: 'AddKey'; publicKey: string; nonce: string; permission: NearAccessKeyPermission }
  | { type: 'DeleteKey'; publicKey: string }
  | { type: 'DeleteAccount'; beneficiaryId: string }
  | { type: 'Delegate'; delegate: NearDisplayDelegateAction }
  | { type: 'DeployGlobalContract'; codeBytes: number; codeSha256: string; mode: 'CodeHash' | 'AccountId' }
  | { type: 'UseGlobalContract'; codeHash?: string; accountId?: string };

export interface NearDisplayDelegateAction {
  senderId: string;
  receiverId: string;
  actions: NearDisplayAction[];
  nonce: string;
  maxBlockHeight: string;
  publicKey: string;
}

export interface NearDisplayTransaction {
  signerId: string;
  publicKey: string;
  nonce: string;
  receiverId: string;
  blockHash: string;
  actions: NearDisplayAction[];
}

/** What could be read; `problem` says why and where reading stopped (then the fields may be partial). */
export interface NearDecodeResult<T> {
  value: Partial<T> & { actions: NearDisplayAction[] };
  problem?: string;
}

const MAX_ACTIONS = 100;
const MAX_STRING = 64 * 1024;

function str(r: Reader): string {
  const len = r.u32le();
  if (len > MAX_STRING || len > r.bytes.length - r.pos) throw new Error(`a string of ${len} bytes does not fit`);
  return new TextDecoder('utf-8', { fatal: true }).decode(r.take(len));
}

function publicKey(r: Reader): string {
  const type = r.byte();
  if (type === 0) return `ed25519:${base58.encode(r.take(32))}`;
  if (type === 1) return `secp256k1:${base58.encode(r.take(64))}`;
  throw new Error(`unknown key type ${type}`);
}

function vecLength(r: Reader, what: string): number {
  const n = r.u32le();
  if (n > MAX_ACTIONS) throw new Error(`${n} ${what} (at most ${MAX_ACTIONS} are shown)`);
  return n;
}

function code(r: Reader): { codeBytes: number; codeSha256: string } {
  const len = r.u32le();
  const bytes = r.take(len);
  return { codeBytes: len, codeSha256: bytesToHex(sha256(bytes)) };
}

function action(r: Reader, depth: number): NearDisplayAction {
  const tag = r.byte();
  switch (tag) {
    case 0:
      return { type: 'CreateAccount' };
    case 1:
      return { type: 'DeployContract', ...code(r) };
    case 2: {
      const methodName = str(r);
      const args = base64.encode(r.take(r.u32le()));
      return { type: 'FunctionCall', methodName, args, gas: r.u64le().toString(), deposit: r.u128le().toString() };
    }
    case 3:
      return { type: 'Transfer', deposit: r.u128le().toString() };
    case 4:
      return { type: 'Stake', stake: r.u128le().toString(), publicKey: publicKey(r) };
    case 5: {
      const key = publicKey(r);
      const nonce = r.u64le().toString();
      const kind = r.byte();
      if (kind === 1) return { type: 'AddKey', publicKey: key, nonce, permission: { kind: 'FullAccess' } };
      if (kind !== 0) throw new Error(`unknown access-key permission ${kind}`);
      const hasAllowance = r.byte();
      if (hasAllowance > 1) throw new Error(`bad allowance option tag ${hasAllowance}`);
      const allowance = hasAllowance === 1 ? r.u128le().toString() : null;
      const receiverId = str(r);
      const methodNames = Array.from({ length: vecLength(r, 'method names') }, () => str(r));
      return {
        type: 'AddKey',
        publicKey: key,
        nonce,
        permission: { kind: 'FunctionCall', allowance, receiverId, methodNames },
      };
    }
    case 6:
      return { type: 'DeleteKey', publicKey: publicKey(r) };
    case 7:
      return { type: 'DeleteAccount', beneficiaryId: str(r) };
    case 8: {
      if (depth > 0) throw new Error('a delegate action inside a delegate action');
      const delegate = delegateAction(r, depth + 1);
      // SignedDelegateAction: the relayer-facing signature follows; its type byte and 64 bytes.
      const sigType = r.byte();
      r.take(sigType === 0 ? 64 : 65);
      return { type: 'Delegate', delegate };
    }
    case 9: {
      const c = code(r);
      const mode = r.byte();
      if (mode > 1) throw new Error(`unknown global-contract deploy mode ${mode}`);
      return { type: 'DeployGlobalContract', ...c, mode: mode === 0 ? 'CodeHash' : 'AccountId' };
    }
    case 10: {
      const kind = r.byte();
      if (kind === 0) return { type: 'UseGlobalContract', codeHash: base58.encode(r.take(32)) };
      if (kind === 1) return { type: 'UseGlobalContract', accountId: str(r) };
      throw new Error(`unknown global-contract identifier ${kind}`);
    }
    default:
      throw new Error(`unknown action tag ${tag}`);
  }
}

function delegateAction(
  r: Reader,
  depth: number,
  into?: Partial<NearDisplayDelegateAction>,
): NearDisplayDelegateAction {
  const d: Partial<NearDisplayDelegateAction> & { actions: NearDisplayAction[] } = Object.assign(into ?? {}, {
    actions: [] as NearDisplayAction[],
  });
  d.senderId = str(r);
  d.receiverId = str(r);
  const count = vecLength(r, 'actions');
  for (let i = 0; i < count; i++) d.actions.push(action(r, depth));
  d.nonce = r.u64le().toString();
  d.maxBlockHeight = r.u64le().toString();
  d.publicKey = publicKey(r);
  return d as NearDisplayDelegateAction;
}

function run<T>(bytes: Uint8Array, read: (r: Reader, into: NearDecodeResult<T>['value']) => void): NearDecodeResult<T> {
  const value = { actions: [] as NearDisplayAction[] } as unknown as NearDecodeResult<T>['value'];
  const r = new Reader(bytes, 'borsh');
  try {
    read(r, value);
    if (r.pos !== bytes.length) return { value, problem: `${bytes.length - r.pos} unread bytes after the end` };
    return { value };
  } catch (error) {
    return { value, problem: `cannot read past byte ${r.pos} of ${bytes.length}: ${(error as Error).message}` };
  }
}

/** borsh(Transaction V0) → its fields and actions, as far as they can be read. */
export function decodeNearTransactionForDisplay(bytes: Uint8Array): NearDecodeResult<NearDisplayTransaction> {
  return run<NearDisplayTransaction>(bytes, (r, t) => {
    t.signerId = str(r);
    t.publicKey = publicKey(r);
    t.nonce = r.u64le().toString();
    t.receiverId = str(r);
    t.blockHash = base58.encode(r.take(32));
    const count = vecLength(r, 'actions');
    for (let i = 0; i < count; i++) t.actions.push(action(r, 0));
  });
}

/** borsh(DelegateAction) (NEP-366, without the NEP-461 prefix) → its fields and actions. */
export function decodeNearDelegateActionForDisplay(bytes: Uint8Array): NearDecodeResult<NearDisplayDelegateAction> {
  return run<NearDisplayDelegateAction>(bytes, (r, d) => {
    delegateAction(r, 1, d);
  });
}
