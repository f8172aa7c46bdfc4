/**
 * Actively secure OT extension: KOS15 with the corrected consistency check (Keller–Orsini–Scholl,
 * eprint 2015/546 revised, Fig. 10), which is SoftSpokenOT (Roy, eprint 2022/192) with k = 1, made
 * non-interactive with Fiat–Shamir as DKLs23 §5.1 prescribes.
 *
 * Setup (from `pairing.ts`): per base OT i < λ_c the receiver ("Bob") holds seeds (k0_i, k1_i), the
 * sender ("Alice") holds Δ ∈ {0,1}^λ_c and k_i^{Δ_i}.
 *
 * One run, for choice bits x ∈ {0,1}^ℓ' (ℓ' = ξ + λ_c rows):
 *   Bob:   t0^i = PRG(k0_i), t1^i = PRG(k1_i), u^i = t0^i ⊕ t1^i ⊕ x          (columns, i < λ_c)
 *          χ_j = H(session, u) ∈ GF(2^128) for j < ξ; χ_{ξ+k} = X^k for the pad rows
 *          x̃ = Σ_j χ_j·x_j,   t̃ = Σ_j χ_j·t_j                                 (t_j = row j of T0)
 *   Alice: q^i = PRG(k_i^{Δ_i}) ⊕ Δ_i·u^i, so row-wise q_j = t_j ⊕ x_j·Δ
 *          accept iff Σ_j χ_j·q_j = t̃ ⊕ x̃·Δ                                   (else Bob cheated)
 * The λ_c pad rows carry random choice bits with coefficients X^0..X^127, so x̃ is a uniform field
 * element and reveals nothing about the ξ useful choice bits.
 *
 * Every per-run value is bound to a 32-byte session digest H(setup id, caller session id), so the
 * same seeds can be reused across signatures (setups are long-lived, runs are not).
 */
import { chacha20 } from '@noble/ciphers/chacha.js';
import { equalBytes } from '../../bytes.js';
import { taggedHash } from '../../transcript.js';
import { getBit, transposeColumns } from './bit-matrix.js';
import { gfFromBytes, gfMul, gfReduce, gfToBytes, xorShiftedInto } from './gf128.js';
import { Keystream } from './keystream.js';
import { COLUMN_BYTES, EXTENDED_ROWS, LAMBDA_C, ROW_BYTES, TAG, XI } from './params.js';

/** The 32-byte digest that binds one extension/RVOLE run to its setup and session. */
export function sessionDigest(setupId: Uint8Array, sessionId: Uint8Array): Uint8Array {
  return taggedHash(TAG.sessionNonce, setupId, sessionId);
}

/**
 * PRG(seed_i) for every column i: the λ_c columns of ℓ' bits, column-major. Column i is the first
 * ℓ'/8 bytes of the ChaCha20 keystream under the base-OT seed_i (a uniformly random 32-byte key)
 * with the first 12 bytes of the session digest as nonce, so each signature's run of the extension
 * gets fresh columns from the same seeds (a nonce repeats only if two session digests collide in
 * 96 bits).
 */
export function expandColumns(seeds: readonly Uint8Array[], digest: Uint8Array): Uint8Array {
  const keystream = new Keystream();
  const nonce = digest.subarray(0, 12);
  const columns = new Uint8Array(LAMBDA_C * COLUMN_BYTES);
  for (let i = 0; i < LAMBDA_C; i++)
    keystream.expandBytes(seeds[i] as Uint8Array, nonce, columns, i * COLUMN_BYTES, COLUMN_BYTES);
  keystream.clear();
  return columns;
}

/**
 * Fiat–Shamir challenges χ_0..χ_{ℓ'-1} (DKLs23 §5.1): the first ξ are the ChaCha20 keystream under
 * uDigest = H(digest, u) (`hashColumns`), so Bob commits to u before learning them; the pad rows
 * get the fixed monomials X^0..X^{λ_c−1}, which makes x̃ a one-time-padded field element.
 */
export function deriveChallenges(uDigest: Uint8Array): Uint32Array {
  const stream = chacha20(uDigest, new Uint8Array(12), new Uint8Array(XI * 16));
  const chi = new Uint32Array(EXTENDED_ROWS * 4);
  for (let j = 0; j < XI; j++) chi.set(gfFromBytes(stream, 16 * j), 4 * j);
  for (let k = 0; k < EXTENDED_ROWS - XI; k++) chi[(XI + k) * 4 + (k >>> 5)] = 1 << (k & 31);
  return chi;
}

/** H(session digest, u): the Fiat–Shamir seed of the KOS challenges, also bound into θ by the RVOLE. */
export function hashColumns(digest: Uint8Array, u: Uint8Array): Uint8Array {
  return taggedHash(TAG.kosChallenge, digest, u);
}

/** Σ_j χ_j·row_j for the matrix given by its λ_c columns: Σ_i X^i · (Σ_j col_i[j]·χ_j). */
export function weightedRowSum(columns: Uint8Array, chi: Uint32Array): Uint32Array {
  const acc = new Uint32Array(8);
  const partial = new Uint32Array(4);
  for (let i = 0; i < LAMBDA_C; i++) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const base = i * COLUMN_BYTES;
    for (let byte = 0; byte < COLUMN_BYTES; byte++) {
      const bits = columns[base + byte] as number;
      let c = byte * 32;
      for (let b = 0; b < 8; b++, c += 4) {
        const mask = -((bits >>> b) & 1) | 0;
        s0 ^= (chi[c] as number) & mask;
        s1 ^= (chi[c + 1] as number) & mask;
        s2 ^= (chi[c + 2] as number) & mask;
        s3 ^= (chi[c + 3] as number) & mask;
      }
    }
    partial[0] = s0;
    partial[1] = s1;
    partial[2] = s2;
    partial[3] = s3;
    xorShiftedInto(acc, partial, i);
  }
  return gfReduce(acc);
}

/** Σ_j bits_j·χ_j (a GF(2)-combination of the challenges). */
export function weightedBitSum(bits: Uint8Array, chi: Uint32Array): Uint32Array {
  const out = new Uint32Array(4);
  for (let j = 0; j < EXTENDED_ROWS; j++) {
    const mask = -getBit(bits, j) | 0;
    for (let k = 0; k < 4; k++) out[k] = (out[k] as number) ^ ((chi[4 * j + k] as number) & mask);
  }
  return out;
}

export interface ReceiverExtension {
  /** u^0..u^{λ_c−1}, column-major, λ_c·ℓ'/8 bytes: sent to Alice. */
  u: Uint8Array;
  /** H(session digest, u). */
  uDigest: Uint8Array;
  /** x̃ and t̃ (16 bytes each): sent to Alice. */
  xTilde: Uint8Array;
  tTilde: Uint8Array;
  /** t_0..t_{ξ−1}: Bob's rows (secret), ξ·λ_c/8 bytes. */
  rows: Uint8Array;
}

/** Bob's side of one extension run with choice bits `choice` (ℓ' bits). */
export function extendAsReceiver(p: {
  seeds0: readonly Uint8Array[];
  seeds1: readonly Uint8Array[];
  digest: Uint8Array;
  choice: Uint8Array;
}): ReceiverExtension {
  const t0 = expandColumns(p.seeds0, p.digest);
  const u = expandColumns(p.seeds1, p.digest);
  for (let i = 0; i < LAMBDA_C; i++) {
    const off = i * COLUMN_BYTES;
    for (let k = 0; k < COLUMN_BYTES; k++) {
      u[off + k] = (u[off + k] as number) ^ (t0[off + k] as number) ^ (p.choice[k] as number);
    }
  }
  const uDigest = hashColumns(p.digest, u);
  const chi = deriveChallenges(uDigest);
  const tTilde = gfToBytes(weightedRowSum(t0, chi));
  const xTilde = gfToBytes(weightedBitSum(p.choice, chi));
  const allRows = transposeColumns(t0, LAMBDA_C, EXTENDED_ROWS);
  t0.fill(0);
  const rows = allRows.slice(0, XI * ROW_BYTES);
  allRows.fill(0);
  return { u, uDigest, xTilde, tTilde, rows };
}

/**
 * Alice's side: rebuilds q^i, runs the consistency check and returns her rows q_j (j < ξ).
 * `consistent` is false when Bob's u, x̃, t̃ do not match one choice vector; the caller must abort
 * and burn the setup (the outcome depends on Δ, so a retry would leak Δ bits).
 */
export function extendAsSender(p: {
  seeds: readonly Uint8Array[];
  delta: Uint8Array;
  digest: Uint8Array;
  u: Uint8Array;
  xTilde: Uint8Array;
  tTilde: Uint8Array;
}): { consistent: boolean; rows: Uint8Array; uDigest: Uint8Array } {
  const q = expandColumns(p.seeds, p.digest);
  for (let i = 0; i < LAMBDA_C; i++) {
    const off = i * COLUMN_BYTES;
    const mask = -getBit(p.delta, i) & 0xff;
    for (let k = 0; k < COLUMN_BYTES; k++) q[off + k] = (q[off + k] as number) ^ ((p.u[off + k] as number) & mask);
  }
  const uDigest = hashColumns(p.digest, p.u);
  const chi = deriveChallenges(uDigest);
  const qTilde = weightedRowSum(q, chi);
  const expected = gfMul(gfFromBytes(p.xTilde), gfFromBytes(p.delta));
  const tTilde = gfFromBytes(p.tTilde);
  for (let k = 0; k < 4; k++) expected[k] = (expected[k] as number) ^ (tTilde[k] as number);
  const consistent = equalBytes(gfToBytes(qTilde), gfToBytes(expected));
  const allRows = transposeColumns(q, LAMBDA_C, EXTENDED_ROWS);
  q.fill(0);
  const rows = allRows.slice(0, XI * ROW_BYTES);
  allRows.fill(0);
  return { consistent, rows, uDigest };
}
