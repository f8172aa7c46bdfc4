/**
 * The key share each party keeps after the DKG (and after every refresh). It is JSON-safe so the
 * extension can wrap it under the PIN and the relay can envelope-encrypt it. It holds secrets: the
 * additive share x_i, the zero-share seed and the OT correlations.
 */
import { isHex } from '../bytes.js';
import { InvalidArgumentError, type PartyRole, ProtocolAbortError, ProtocolStateError } from '../errors.js';
import { G, type Point, pointFromHex, scalarFromHex } from './group.js';
import type { OtReceiverSetup, OtSenderSetup } from './ot/pairing.js';
import { parseOtReceiverSetup, parseOtSenderSetup } from './ot/setup.js';

export const KEY_SHARE_VERSION = 1 as const;

/** Key ids are chosen by the driver (e.g. the relay's wallet id) and bound into every session id. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export interface Ecdsa2pKeyShare {
  version: typeof KEY_SHARE_VERSION;
  role: PartyRole;
  keyId: string;
  /** 0 after the DKG, +1 per refresh. */
  epoch: number;
  /** Joint public key X = X_C + X_S, 33-byte compressed hex (the BIP32 root). */
  publicKey: string;
  /** This party's additive share x_i, 32-byte hex. SECRET. */
  secretShare: string;
  /** X_i = x_i·G. */
  publicShare: string;
  /** The peer's X_j; never its secret. */
  peerPublicShare: string;
  /** Root chain code H(c_C ‖ c_S), 32-byte hex (confidential: with X it yields every child key). */
  chainCode: string;
  /** Hash of the transcript that produced this generation of shares (DKG, then each refresh chains on it). */
  transcriptHash: string;
  /** Joint seed of the zero-sharing (DKLs23 Functionality 3.4). SECRET. */
  zeroShareSeed: string;
  /** OT-extension correlations from the pairing: this party as sender (Alice) and as receiver (Bob). SECRET. */
  ot: { sender: OtSenderSetup; receiver: OtReceiverSetup };
  /** Set after a failed OT/RVOLE consistency check: no signing until a re-pairing (repair.ts) or a refresh (mpc-design §1.5.5). */
  burned: boolean;
}

/** Decoded view of a share for use inside one transition. */
export interface DecodedKeyShare {
  share: Ecdsa2pKeyShare;
  secret: bigint;
  publicKey: Point;
  publicShare: Point;
  peerPublicShare: Point;
}

const SHARE_KEYS = [
  'version',
  'role',
  'keyId',
  'epoch',
  'publicKey',
  'secretShare',
  'publicShare',
  'peerPublicShare',
  'chainCode',
  'transcriptHash',
  'zeroShareSeed',
  'ot',
  'burned',
] as const;

/**
 * Validates a share read back from storage: shape, encodings, and that x_i·G = X_i and
 * X_i + X_j = X. Throws `InvalidArgumentError` naming the field.
 * @param thorough - false skips the x_i·G = X_i multiplication and the OT-setup validation (the
 *   per-signature path; drivers run the thorough check once with `parseKeyShare` when loading).
 */
export function decodeKeyShare(value: unknown, argument = 'share', thorough = true): DecodedKeyShare {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(argument, 'an Ecdsa2pKeyShare object', typeof value);
  }
  const s = value as Record<string, unknown>;
  for (const key of Object.keys(s)) {
    if (!(SHARE_KEYS as readonly string[]).includes(key))
      throw new InvalidArgumentError(`${argument}.${key}`, 'no such field');
  }
  const need = (key: string, ok: boolean, expected: string) => {
    if (!ok) throw new InvalidArgumentError(`${argument}.${key}`, expected);
  };
  need('version', s.version === KEY_SHARE_VERSION, `version ${KEY_SHARE_VERSION}`);
  need('role', s.role === 'client' || s.role === 'server', '"client" or "server"');
  need('keyId', typeof s.keyId === 'string' && KEY_ID_PATTERN.test(s.keyId), `a key id matching ${KEY_ID_PATTERN}`);
  need('epoch', Number.isSafeInteger(s.epoch) && (s.epoch as number) >= 0, 'a non-negative integer');
  for (const key of ['publicKey', 'publicShare', 'peerPublicShare'] as const)
    need(key, isHex(s[key], 33), '33-byte hex');
  for (const key of ['secretShare', 'chainCode', 'transcriptHash', 'zeroShareSeed'] as const) {
    need(key, isHex(s[key], 32), '32-byte hex');
  }
  need('burned', typeof s.burned === 'boolean', 'a boolean');
  const ot = s.ot as Record<string, unknown> | null;
  need('ot', typeof ot === 'object' && ot !== null && 'sender' in ot && 'receiver' in ot, '{ sender, receiver }');
  const share = value as Ecdsa2pKeyShare;
  let decoded: DecodedKeyShare;
  try {
    decoded = {
      share,
      secret: scalarFromHex(share.secretShare, `${argument}.secretShare`),
      publicKey: pointFromHex(share.publicKey, `${argument}.publicKey`),
      publicShare: pointFromHex(share.publicShare, `${argument}.publicShare`),
      peerPublicShare: pointFromHex(share.peerPublicShare, `${argument}.peerPublicShare`),
    };
  } catch {
    throw new InvalidArgumentError(argument, 'valid scalars and curve points');
  }
  if (decoded.secret === 0n || (thorough && !G.multiply(decoded.secret).equals(decoded.publicShare))) {
    throw new InvalidArgumentError(`${argument}.secretShare`, 'a share matching publicShare');
  }
  if (!decoded.publicShare.add(decoded.peerPublicShare).equals(decoded.publicKey)) {
    throw new InvalidArgumentError(`${argument}.publicKey`, 'publicShare + peerPublicShare');
  }
  if (thorough) {
    parseOtSenderSetup(share.ot.sender);
    parseOtReceiverSetup(share.ot.receiver);
    if (share.ot.sender.role !== share.role || share.ot.receiver.role !== share.role) {
      throw new InvalidArgumentError(`${argument}.ot`, `OT setups of the ${share.role}`);
    }
  }
  return decoded;
}

/** Validates a stored share (see `decodeKeyShare`) and returns it typed. */
export function parseKeyShare(value: unknown, argument = 'share'): Ecdsa2pKeyShare {
  return decodeKeyShare(value, argument).share;
}

/**
 * Abort reasons after which the OT correlations must never be used again (mpc-design §1.5.5,
 * TOB-SILA-12): whether a cheating peer gets caught may depend on our long-lived Δ, so each abort
 * can leak a bit of it. The two Γ checks are included because a failure proves the peer fed the
 * RVOLE inputs other than the ones it committed to.
 */
export const BURNING_ABORT_REASONS: readonly string[] = [
  'ot-consistency',
  'rvole-consistency',
  'gamma-u-inconsistent',
  'gamma-v-inconsistent',
];

/** True when `error` means the share's OT correlations must be burned (persist `burnShare(share)`). */
export function isBurningAbort(error: unknown): error is ProtocolAbortError {
  return error instanceof ProtocolAbortError && BURNING_ABORT_REASONS.includes(error.reason);
}

/** A copy of `share` marked burned: it cannot sign until `repair` (or `refresh`) runs a fresh pairing. */
export function burnShare(share: Ecdsa2pKeyShare): Ecdsa2pKeyShare {
  return { ...share, burned: true };
}

/** Refuses a burned share with the remedy in the message. */
export function assertNotBurned(share: Ecdsa2pKeyShare): void {
  if (share.burned) {
    throw new ProtocolStateError({
      expected: 'a share with live OT correlations',
      actual: 'a burned share',
      detail: 'a consistency check failed earlier; re-pair (repair.ts, a fresh OT pairing) before signing again',
    });
  }
}
