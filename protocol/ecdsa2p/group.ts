/**
 * secp256k1 group helpers for the two-party ECDSA protocols: scalar and point codecs, hashing to
 * scalars, and hedged secret sampling. Scalars are `bigint` inside a transition and 32-byte hex in
 * states and messages; points are 33-byte compressed hex on the wire.
 */
import { mapHashToField } from '@noble/curves/abstract/modular.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { fromHex, toHex } from '../bytes.js';
import {
  baseMultiplySecretK1,
  decodeCompressedK1,
  encodeCompressedManyK1,
  encodeUncompressedManyK1,
} from '../curves/secp256k1-base.js';
import type { Rng } from '../rng.js';
import { encodeTranscript, type TranscriptPart, taggedHash } from '../transcript.js';

export const Point = secp256k1.Point;
export type Point = InstanceType<typeof secp256k1.Point>;
export const Fn = Point.Fn;
export const G = Point.BASE;
export const CURVE_ORDER = Fn.ORDER;
export const SCALAR_BYTES = 32;
export const POINT_BYTES = 33;

/** 32-byte big-endian encoding of a scalar (must already be reduced). */
export function scalarToHex(value: bigint): string {
  return toHex(Fn.toBytes(value));
}

export function scalarToBytes(value: bigint): Uint8Array {
  return Fn.toBytes(value);
}

/** Decodes a scalar we stored ourselves; throws on anything out of range (a bug or corrupted state). */
export function scalarFromHex(value: string, field: string): bigint {
  return Fn.fromBytes(fromHex(value, field, SCALAR_BYTES));
}

export function pointToHex(point: Point): string {
  return toHex(point.toBytes(true));
}

/** SEC 1 uncompressed encoding length (0x04 ‖ x ‖ y). */
export const UNCOMPRESSED_POINT_BYTES = 65;

/**
 * A point a party keeps in its OWN state between rounds, uncompressed: reading it back then costs
 * the curve-equation check instead of a square root. Wire messages stay compressed.
 */
export function statePointToHex(point: Point): string {
  return statePointsToHex([point])[0] as string;
}

/** `statePointToHex` of several points with one shared field inversion (none may be the identity). */
export function statePointsToHex(points: readonly Point[]): string[] {
  return encodeUncompressedManyK1(points).map(toHex);
}

/** Reads a `statePointToHex` value back (noble checks the prefix, x, y < p and the curve equation). */
export function statePointFromHex(value: string, field: string): Point {
  return Point.fromBytes(fromHex(value, field, UNCOMPRESSED_POINT_BYTES));
}

/** `pointToHex` of several points with one shared field inversion (none may be the identity). */
export function pointsToHex(points: readonly Point[]): string[] {
  return encodeCompressedManyK1(points).map(toHex);
}

/** Decodes a compressed point we stored ourselves (noble rejects off-curve points and the identity). */
export function pointFromHex(value: string, field: string): Point {
  return decodeCompressedK1(fromHex(value, field, POINT_BYTES));
}

/**
 * Random-oracle output as a non-zero scalar: SHA-512 over the length-prefixed transcript, reduced
 * with noble's `mapHashToField` (64 bytes in, bias ≤ 2^-256, result in [1, n-1]).
 */
export function hashToScalar(tag: string, ...parts: TranscriptPart[]): bigint {
  return Fn.fromBytes(mapHashToField(sha512(encodeTranscript(tag, parts)), CURVE_ORDER));
}

/**
 * A fresh secret scalar hedged against a weak RNG (mpc-design §1.3, "Nonce reuse or bad
 * randomness"): H(rand ‖ long-term secret ‖ session id ‖ label). A broken RNG alone then cannot
 * repeat a nonce across sessions, and a broken hash alone cannot predict it.
 */
export function hedgedScalar(rng: Rng, secret: Uint8Array, sessionId: Uint8Array, label: string): bigint {
  return hashToScalar('tandem/ecdsa2p/v1/hedged-scalar', rng(32), secret, sessionId, label);
}

/**
 * k·G for a SECRET k (0 allowed: a share of zero is a legal additive-sharing value) on the blinded
 * fixed-sequence table multiplication of protocol/curves/secp256k1-base.ts, about twice as fast as
 * noble's `BASE.multiply`. Its 128-bit blind is H(k ‖ context ‖ label): `context` is the session id,
 * fresh per signature, so a long-term k multiplied in every session is blinded differently each
 * time, and the blind is unpredictable without k.
 */
export function mulBaseSecret(k: bigint, context: Uint8Array, label: string): Point {
  if (k === 0n) return Point.ZERO;
  const blind = taggedHash('tandem/ecdsa2p/v1/base-blind', scalarToBytes(k), context, label).subarray(0, 16);
  return baseMultiplySecretK1(k, blind);
}
