/**
 * Base OTs: the one-round endemic OT structure of Zhou et al. (eprint 2022/1525, §3; the base OT
 * DKLs23 suggests on p. 30) on secp256k1, λ_c instances per direction.
 *
 *   h = HashToCurve_RFC9380(sid ‖ direction)        a group element nobody knows the logarithm of
 *   sender (Bob):     s ← Z_n,  z = s·G                               (one z for all λ_c OTs)
 *   receiver (Alice): r_i ← Z_n, v_i = r_i·G + Δ_i·h                  (Δ_i = choice bit of OT i)
 *   keys:  m_{i,0} = H(…, s·v_i),  m_{i,1} = H(…, s·(v_i − h)),  Alice's m_{i,Δ_i} = H(…, r_i·z)
 *
 * Both messages (z and the v_i) are independent of each other, so both directions run in one round.
 * v_i is uniform whatever Δ_i is (perfect receiver privacy); a receiver that knew both keys of
 * OT i would know s·v_i and s·(v_i − h), hence s·h = CDH(z, h) with h a random-oracle output
 * (sender privacy under CDH in the ROM). Unlike the paper we send no per-OT NIZK that v_i is
 * well formed: a malformed v_i only lets the receiver learn at most one key, which is the endemic
 * guarantee the OT extension needs (see docs/security/ecdsa2p-ot.md for this deviation).
 */
import { secp256k1_hasher } from '@noble/curves/secp256k1.js';
import type { PartyRole } from '../../errors.js';
import type { Rng } from '../../rng.js';
import { encodeTranscript, taggedHash } from '../../transcript.js';
import { multiplySecret } from '../ct-multiply.js';
import { getBit } from './bit-matrix.js';
import { HASH_TO_CURVE_DST, LAMBDA_C, TAG } from './params.js';
import { Point, randomScalar } from './scalar.js';

/** h for the direction where `aliceRole` is the OT-extension sender (= base-OT receiver). */
export function baseOtGenerator(sessionId: Uint8Array, aliceRole: PartyRole): Point {
  const msg = encodeTranscript(TAG.baseOtGenerator, [sessionId, aliceRole]);
  return secp256k1_hasher.hashToCurve(msg, { DST: HASH_TO_CURVE_DST }) as Point;
}

export interface BaseOtSenderSecret {
  s: bigint;
  z: Point;
}

export function baseOtSenderStart(rng: Rng): BaseOtSenderSecret {
  const s = randomScalar(rng);
  return { s, z: Point.BASE.multiply(s) };
}

/**
 * Alice's λ_c encodings v_i = r_i·G + Δ_i·h. Both candidates are computed and encoded and the bytes
 * are selected with a mask, so the work done does not depend on Δ_i.
 */
export function baseOtReceiverStart(h: Point, delta: Uint8Array, rng: Rng): { r: bigint[]; v: Uint8Array[] } {
  const r: bigint[] = [];
  const v: Uint8Array[] = [];
  for (let i = 0; i < LAMBDA_C; i++) {
    const ri = randomScalar(rng);
    const p0 = Point.BASE.multiply(ri);
    const b0 = p0.toBytes(true);
    const b1 = p0.add(h).toBytes(true);
    const mask = -getBit(delta, i) & 0xff;
    const out = new Uint8Array(b0.length);
    for (let k = 0; k < out.length; k++) out[k] = (b0[k] as number) ^ (((b0[k] as number) ^ (b1[k] as number)) & mask);
    r.push(ri);
    v.push(out);
  }
  return { r, v };
}

function deriveKey(
  sessionId: Uint8Array,
  aliceRole: PartyRole,
  index: number,
  choice: number,
  z: Uint8Array,
  v: Uint8Array,
  shared: Point,
): Uint8Array {
  return taggedHash(TAG.baseOtKey, sessionId, aliceRole, index, choice, z, v, shared.toBytes(true));
}

/**
 * Bob's two keys per OT. `v` must already be validated points different from the identity and from
 * h (the caller's parser guarantees it), so both shared points are non-identity.
 */
export function baseOtSenderKeys(p: {
  sessionId: Uint8Array;
  aliceRole: PartyRole;
  secret: BaseOtSenderSecret;
  h: Point;
  v: readonly Point[];
  vBytes: readonly Uint8Array[];
}): { seeds0: Uint8Array[]; seeds1: Uint8Array[] } {
  const zBytes = p.secret.z.toBytes(true);
  const sh = multiplySecret(p.h, p.secret.s);
  const seeds0: Uint8Array[] = [];
  const seeds1: Uint8Array[] = [];
  for (let i = 0; i < LAMBDA_C; i++) {
    const k0 = multiplySecret(p.v[i] as Point, p.secret.s);
    const k1 = k0.subtract(sh);
    seeds0.push(deriveKey(p.sessionId, p.aliceRole, i, 0, zBytes, p.vBytes[i] as Uint8Array, k0));
    seeds1.push(deriveKey(p.sessionId, p.aliceRole, i, 1, zBytes, p.vBytes[i] as Uint8Array, k1));
  }
  return { seeds0, seeds1 };
}

/** Alice's key per OT: H(…, r_i·z), equal to Bob's m_{i,Δ_i}. */
export function baseOtReceiverKeys(p: {
  sessionId: Uint8Array;
  aliceRole: PartyRole;
  r: readonly bigint[];
  delta: Uint8Array;
  z: Point;
  zBytes: Uint8Array;
  vBytes: readonly Uint8Array[];
}): Uint8Array[] {
  // One table for the fixed base z makes the λ_c constant-time multiplications ~4× cheaper; window 6
  // minimises table build + 128 multiplications here (measured: W=6 74 ms, W=8 95 ms, no table 320 ms).
  const zTable = Point.fromAffine(p.z.toAffine());
  zTable.precompute(6, false);
  const seeds: Uint8Array[] = [];
  for (let i = 0; i < LAMBDA_C; i++) {
    const shared = zTable.multiply(p.r[i] as bigint);
    // The choice bit only selects the hash input label; Bob used the same label for m_{i,Δ_i}.
    seeds.push(deriveKey(p.sessionId, p.aliceRole, i, getBit(p.delta, i), p.zBytes, p.vBytes[i] as Uint8Array, shared));
  }
  return seeds;
}
