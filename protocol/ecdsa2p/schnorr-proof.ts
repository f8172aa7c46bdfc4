/**
 * Non-interactive Schnorr proof of knowledge of a discrete logarithm (Fiat–Shamir), used in the DKG
 * so that a party cannot choose its public share as a function of the other's (rogue-key attack).
 * The challenge hashes a caller-supplied context (session, key id, prover role), so a proof cannot
 * be replayed in another session or by the other party.
 */
import type { Rng } from '../rng.js';
import { Fn, G, hashToScalar, hedgedScalar, type Point } from './group.js';

const CHALLENGE_TAG = 'tandem/ecdsa2p/v1/dlog-proof';

export interface DlogProof {
  /** A = k·G. */
  commitment: Point;
  /** z = k + e·x. */
  response: bigint;
}

function challenge(context: Uint8Array, statement: Point, commitment: Point): bigint {
  return hashToScalar(CHALLENGE_TAG, context, statement.toBytes(true), commitment.toBytes(true));
}

/** Proves knowledge of `secret` with `statement = secret·G`. */
export function proveDlog(secret: bigint, statement: Point, context: Uint8Array, rng: Rng): DlogProof {
  const k = hedgedScalar(rng, Fn.toBytes(secret), context, 'dlog-proof-nonce');
  const commitment = G.multiply(k);
  const e = challenge(context, statement, commitment);
  return { commitment, response: Fn.add(k, Fn.mul(e, secret)) };
}

/** Checks z·G = A + e·X. All inputs are public, so the variable-time multiplication is fine. */
export function verifyDlog(statement: Point, proof: DlogProof, context: Uint8Array): boolean {
  const e = challenge(context, statement, proof.commitment);
  const lhs = G.multiplyUnsafe(proof.response);
  const rhs = proof.commitment.add(statement.multiplyUnsafe(e));
  return lhs.equals(rhs);
}
