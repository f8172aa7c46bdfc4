/**
 * Two-party ECDSA on secp256k1 (DKLs23 specialised to n = t = 2): DKG with OT pairing, non-hardened
 * BIP32 derivation on additive shares, signing (Protocol 3.6, no presignatures), share refresh and re-pairing after a burn.
 * See docs/security/ecdsa2p.md.
 */
export { type DerivedKey, deriveNonHardened, formatDerivationPath, parseDerivationPath } from './derivation.js';
export { type DkgEnvelope, type DkgState, type DkgStep, receiveDkg, type StartDkgParams, startDkg } from './dkg.js';
export {
  assertNotBurned,
  BURNING_ABORT_REASONS,
  burnShare,
  decodeKeyShare,
  type Ecdsa2pKeyShare,
  isBurningAbort,
  KEY_ID_PATTERN,
  KEY_SHARE_VERSION,
  parseKeyShare,
} from './key-share.js';
export * from './messages.js';
export { CEREMONY_ROUNDS } from './pairing-carrier.js';
export {
  type RefreshEnvelope,
  type RefreshState,
  type RefreshStep,
  receiveRefresh,
  type StartRefreshParams,
  startRefresh,
} from './refresh.js';
export {
  type RepairEnvelope,
  type RepairState,
  type RepairStep,
  receiveRepair,
  type StartRepairParams,
  startRepair,
} from './repair.js';
export {
  type Ecdsa2pSignature,
  receiveSign,
  type SignEnvelope,
  type SignState,
  type SignStep,
  type StartSignParams,
  startSignClient,
  startSignServer,
} from './sign.js';
