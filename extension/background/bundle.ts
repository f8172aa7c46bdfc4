/**
 * The Node 1 bundle (DESIGN.md §2): everything secret this device holds for one customer, JSON-safe,
 * only ever at rest inside a wrapped copy (protocol/pin/wrap.ts). At onboarding it is empty; wallet
 * creation adds one ECDSA root share per family (EVM, Bitcoin) and the ed25519 family born in Node 1
 * (one FROST share per account, k_C, and the sealed mnemonic).
 */
import type { Ecdsa2pKeyShare } from '../../protocol/ecdsa2p/index.js';
import type { Ed25519AccountShare, FrostKeyShare, SealedMnemonic } from '../../protocol/frost/index.js';
import type { WrapHeader } from '../../protocol/pin/wrap.js';

export const BUNDLE_VERSION = 1;

export interface Node1Bundle {
  v: typeof BUNDLE_VERSION;
  /** Client root shares by ECDSA family; children are derived non-hardened (m/0/i). */
  ecdsa: { evm?: Ecdsa2pKeyShare; bitcoin?: Ecdsa2pKeyShare };
  /** The ed25519 family, once born. */
  ed25519: null | { exportKeyPart: string; accounts: Ed25519AccountShare[]; sealedMnemonic: SealedMnemonic };
  /** The Taproot (BIP340/FROST secp256k1) internal root, once a Bitcoin wallet exists. */
  taproot?: { keyShare: FrostKeyShare; chainCode: string };
  /**
   * The root keys of the recovery copies (kit, questions, email), so a flow that holds the unlocked
   * bundle re-wraps every copy when the shares change (flows/recovery-copies.ts).
   */
  recovery?: RecoveryKeys;
}

export type RecoveryCopyMethod = 'kit' | 'questions' | 'email';

/** One recovery copy's wrapping: its header (method, KDF) and root key; the kit adds its public key. */
export interface RecoveryKeyEntry {
  header: WrapHeader;
  rootKeyHex: string;
  kitPublicKey?: string;
}

export type RecoveryKeys = Partial<Record<RecoveryCopyMethod, RecoveryKeyEntry>>;

export class BundleError extends Error {
  override readonly name = 'BundleError';
}

export function emptyBundle(): Node1Bundle {
  return { v: BUNDLE_VERSION, ecdsa: {}, ed25519: null };
}

/**
 * Checks the outline of an unwrapped bundle (the shares themselves are validated by the protocol
 * when a ceremony starts). Throws BundleError naming what is off.
 */
export function parseBundle(value: unknown): Node1Bundle {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BundleError('not an object');
  const b = value as Record<string, unknown>;
  if (b.v !== BUNDLE_VERSION) throw new BundleError(`expected bundle version ${BUNDLE_VERSION}, got ${String(b.v)}`);
  const ecdsa = b.ecdsa;
  if (typeof ecdsa !== 'object' || ecdsa === null || Array.isArray(ecdsa))
    throw new BundleError('ecdsa: not an object');
  for (const key of Object.keys(ecdsa)) {
    if (key !== 'evm' && key !== 'bitcoin') throw new BundleError(`ecdsa: unknown family ${JSON.stringify(key)}`);
    const share = (ecdsa as Record<string, unknown>)[key];
    if (typeof share !== 'object' || share === null || (share as { role?: unknown }).role !== 'client') {
      throw new BundleError(`ecdsa.${key}: not a client share`);
    }
  }
  const ed = b.ed25519;
  if (ed !== null) {
    if (typeof ed !== 'object' || ed === undefined || Array.isArray(ed))
      throw new BundleError('ed25519: not an object');
    const e = ed as Record<string, unknown>;
    if (typeof e.exportKeyPart !== 'string' || !/^[0-9a-f]{64}$/.test(e.exportKeyPart)) {
      throw new BundleError('ed25519.exportKeyPart: expected 32-byte hex');
    }
    if (!Array.isArray(e.accounts)) throw new BundleError('ed25519.accounts: not an array');
    if (typeof e.sealedMnemonic !== 'object' || e.sealedMnemonic === null) {
      throw new BundleError('ed25519.sealedMnemonic: missing');
    }
  }
  if (b.taproot !== undefined) {
    const t = b.taproot as Record<string, unknown> | null;
    if (typeof t !== 'object' || t === null || typeof t.chainCode !== 'string' || typeof t.keyShare !== 'object') {
      throw new BundleError('taproot: expected { keyShare, chainCode }');
    }
  }
  if (b.recovery !== undefined) parseRecoveryKeys(b.recovery);
  const extra = Object.keys(b).filter((k) => !['v', 'ecdsa', 'ed25519', 'taproot', 'recovery'].includes(k));
  if (extra.length > 0) throw new BundleError(`unknown field ${JSON.stringify(extra[0])}`);
  return value as Node1Bundle;
}

function parseRecoveryKeys(value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BundleError('recovery: not an object');
  for (const [method, entry] of Object.entries(value)) {
    if (method !== 'kit' && method !== 'questions' && method !== 'email')
      throw new BundleError(`recovery: unknown method ${JSON.stringify(method)}`);
    const e = entry as Partial<RecoveryKeyEntry> | null;
    if (typeof e !== 'object' || e === null || typeof e.header !== 'object' || e.header?.method !== method)
      throw new BundleError(`recovery.${method}: expected a header for method ${method}`);
    if (typeof e.rootKeyHex !== 'string' || !/^[0-9a-f]{64}$/.test(e.rootKeyHex))
      throw new BundleError(`recovery.${method}.rootKeyHex: expected 32-byte hex`);
    if ((method === 'kit') !== (typeof e.kitPublicKey === 'string' && /^[0-9a-f]{64}$/.test(e.kitPublicKey)))
      throw new BundleError(`recovery.${method}.kitPublicKey: expected 32-byte hex with the kit, and only with it`);
  }
}

/** The bundle's client share for an ed25519 account with this derivation path. */
export function ed25519Account(bundle: Node1Bundle, path: string): Ed25519AccountShare | undefined {
  return bundle.ed25519?.accounts.find((a) => a.path === path);
}
