/**
 * Parameters of the oblivious-transfer layer under two-party DKLs23 (eprint 2023/765).
 *
 * Every size used by the base OTs, the OT extension and the RVOLE is derived here, so a reviewer can
 * check the security levels in one place. Changing any value changes the wire format.
 */

/** κ: bit length of the secp256k1 group order; the RVOLE multiplies κ-bit scalars (DKLs23 §5). */
export const KAPPA = 256;

/**
 * λ_c: computational security of the OT extension = number of base OTs per direction and the bit
 * length of Δ. 128 as recommended by Trail of Bits' review of DKLs23 implementations (TOB-SILA).
 */
export const LAMBDA_C = 128;

/**
 * λ_s: statistical security. We take 128 (the brief allows ≥ 80; 0xCarbon uses 80, Silence Labs 128):
 * it sets the leftover-hash slack of Bob's random input b = ⟨g, β⟩ and the KOS-check field size.
 */
export const LAMBDA_S = 128;

/** ξ = κ + 2·λ_s: number of OT rows (Bob's choice bits β) per RVOLE, DKLs23 Protocol 5.2. */
export const XI = KAPPA + 2 * LAMBDA_S;

/** l: length of Alice's input vector; two-party DKLs23 signing multiplies (r_i, sk_i) by χ_j. */
export const RVOLE_INPUTS = 2;

/** ρ = ⌈λ_s / κ⌉ = 1: number of random check values â in Protocol 5.2. */
export const RVOLE_CHECKS = 1;

/** Scalars carried per OT row: l inputs plus ρ check values. */
export const RVOLE_WIDTH = RVOLE_INPUTS + RVOLE_CHECKS;

/**
 * Extra OT-extension rows with random choice bits that mask the receiver's check value x̃
 * (KOS15 revised, Fig. 10 / SoftSpokenOT with k = 1): one GF(2^λ_c) element's worth of rows.
 */
export const PAD_ROWS = LAMBDA_C;

/** ℓ': rows produced by one OT-extension run = ξ useful rows + padding rows. */
export const EXTENDED_ROWS = XI + PAD_ROWS;

/** Bytes of one OT-extension column (ℓ' bits) and one row (λ_c bits). */
export const COLUMN_BYTES = EXTENDED_ROWS / 8;
export const ROW_BYTES = LAMBDA_C / 8;

/** Byte length of base-OT output seeds (SHA-256 outputs; PRG keys of the OT extension). */
export const SEED_BYTES = 32;

/** Byte lengths of wire encodings. */
export const SESSION_ID_BYTES = 32;
export const SCALAR_BYTES = 32;
export const POINT_BYTES = 33;
export const DIGEST_BYTES = 32;

/** Domain tags, one per use of a hash (style anchors §9.2.6). */
export const TAG = {
  baseOtGenerator: 'tandem/ecdsa2p/ot/v1/base-ot/h',
  baseOtKey: 'tandem/ecdsa2p/ot/v1/base-ot/key',
  pairingTranscript: 'tandem/ecdsa2p/ot/v1/pairing/transcript',
  pairingConfirm: 'tandem/ecdsa2p/ot/v1/pairing/confirm',
  direction: 'tandem/ecdsa2p/ot/v1/pairing/direction',
  sessionNonce: 'tandem/ecdsa2p/ot/v1/extension/session',
  kosChallenge: 'tandem/ecdsa2p/ot/v1/extension/kos-chi',
  gadget: 'tandem/ecdsa2p/ot/v1/rvole/gadget',
  receiverMessage: 'tandem/ecdsa2p/ot/v1/rvole/msg1',
  aTilde: 'tandem/ecdsa2p/ot/v1/rvole/a-tilde',
  theta: 'tandem/ecdsa2p/ot/v1/rvole/theta',
  mu: 'tandem/ecdsa2p/ot/v1/rvole/mu',
} as const;

/** RFC 9380 domain separation tag for the base-OT random oracle to the group. */
export const HASH_TO_CURVE_DST = 'TANDEM-ECDSA2P-OT-V1-BASE-OT_secp256k1_XMD:SHA-256_SSWU_RO_';

/**
 * One-byte domain prefix of the single-block SHA-256 calls in `block-hash.ts`. 1 was the column PRG
 * and 2 the row hash with one compression per pad scalar, both retired (the columns now come from
 * ChaCha20 under the seeds, extension.ts); 3 is the ChaCha20-expanded row hash (rvole.ts `RowHash`),
 * never to be confused with either.
 */
export const BLOCK_DOMAIN = { rowHash: 3 } as const;
