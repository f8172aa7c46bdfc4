/**
 * RFC 9497 POPRF on P-256 (`p256_oprf` from @noble/curves) between Node 1 (client) and the relay's
 * PIN guard (server).
 *
 * Why POPRF and not the base OPRF with the customer id mixed into the input: with the base mode the
 * guard evaluates blindly and cannot tell which customer an evaluation is for, so an attacker could
 * spend evaluations counted against their OWN account (whose counter they reset at will with their
 * own correct PIN) to compute the OPRF of guesses for a VICTIM's input. In POPRF the public `info`
 * (customer id ‖ purpose ‖ key id ‖ epoch, RFC 9497 §3.3.3) tweaks the server key, so an evaluation
 * counted for one customer and purpose is useless for any other (mpc-design §2.2, §4.3). The DLEQ
 * proof also lets the client check that the guard used the key it pinned at enrolment.
 *
 * P-256 rather than ristretto255 because noble blinds Weierstrass scalar multiplication by the
 * long-lived key (mpc-design §2.2, limit 4).
 */
import { p256, p256_hasher, p256_oprf } from '@noble/curves/nist.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { concatBytes, fromHex, isHex, toHex } from '../bytes.js';
import { InvalidArgumentError, InvalidMessageError, type PartyRole, ProtocolAbortError } from '../errors.js';
import type { Rng } from '../rng.js';
import { encodeTranscript, taggedHash } from '../transcript.js';

/** noble's RNG type takes an optional length; ours always passes one. */
const nobleRng =
  (rng: Rng) =>
  (n = 32) =>
    rng(n) as Uint8Array<ArrayBuffer>;

export const OPRF_SUITE = 'P256-SHA256' as const;
/** SerializeElement for P-256: SEC1 compressed point (RFC 9497 §4.3). */
export const ELEMENT_BYTES = 33;
export const SCALAR_BYTES = 32;
/** DLEQ proof (c, s), two serialized scalars. */
export const OPRF_PROOF_BYTES = 64;
export const OPRF_OUTPUT_BYTES = 32;

/** What the guard protects: each purpose has its own verifier, counter and POPRF domain. */
export type GuardPurpose = 'pin' | 'questions';
export const GUARD_PURPOSES: readonly GuardPurpose[] = ['pin', 'questions'];

const CUSTOMER_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** The guard's public identity, pinned by the client at enrolment and stored with the wrapped secret. */
export interface GuardPublicKey {
  suite: typeof OPRF_SUITE;
  /** 33-byte compressed P-256 point, hex. */
  publicKey: string;
  /** 8-byte fingerprint of the public key, hex; part of the POPRF info so a key change is detected. */
  keyId: string;
}

export function isCustomerId(value: unknown): value is string {
  return typeof value === 'string' && CUSTOMER_ID_RE.test(value);
}

export function isGuardPurpose(value: unknown): value is GuardPurpose {
  return value === 'pin' || value === 'questions';
}

export function assertCustomerId(value: unknown, field = 'customerId'): string {
  if (!isCustomerId(value)) throw new InvalidArgumentError(field, '1-128 characters of [A-Za-z0-9._:-]', String(value));
  return value;
}

/** Key id = first 8 bytes of a tagged hash of the public key. */
export function guardKeyId(publicKey: Uint8Array): string {
  return toHex(taggedHash('tandem/pin-guard/v1/key-id', publicKey).subarray(0, 8));
}

/**
 * The POPRF public info, length-prefixed so no two (customer, purpose, key, epoch) tuples collide.
 * The epoch changes at every (re-)enrolment, so evaluations made for a new enrolment can never
 * be used to test guesses against an older wrapped copy (and vice versa).
 */
export function poprfInfo(customerId: string, purpose: GuardPurpose, keyId: string, epoch: number): Uint8Array {
  return encodeTranscript('tandem/pin-guard/v1/poprf-info', [customerId, purpose, keyId, epoch]);
}

/** The private OPRF input: the secret (PIN digits or encoded answers) under a purpose tag. */
export function poprfInput(purpose: GuardPurpose, secret: Uint8Array): Uint8Array {
  return encodeTranscript('tandem/pin/v1/oprf-input', [purpose, secret]);
}

/**
 * Decodes a group element received over the wire: exactly 33 bytes of lower-case hex, a valid
 * compressed P-256 point (on the curve), and not the identity (RFC 9497 §3.3 MUST).
 */
export function parseElement(value: unknown, field: string, from: PartyRole | 'unknown'): Uint8Array {
  if (!isHex(value, ELEMENT_BYTES)) {
    throw new InvalidMessageError({
      from,
      field,
      expected: `${ELEMENT_BYTES}-byte compressed P-256 point (hex)`,
      got: typeof value === 'string' ? `${value.length} chars` : typeof value,
    });
  }
  const bytes = fromHex(value, field, ELEMENT_BYTES);
  let point: ReturnType<typeof p256.Point.fromBytes>;
  try {
    point = p256.Point.fromBytes(bytes);
  } catch {
    throw new InvalidMessageError({ from, field, expected: 'a point on P-256', got: 'bytes that do not decode' });
  }
  if (point.equals(p256.Point.ZERO)) {
    throw new InvalidMessageError({ from, field, expected: 'a non-identity point', got: 'the identity' });
  }
  return bytes;
}

/** A 64-byte DLEQ proof, hex; the scalars themselves are range-checked by noble during verification. */
export function parseOprfProof(value: unknown, field: string, from: PartyRole | 'unknown'): Uint8Array {
  if (!isHex(value, OPRF_PROOF_BYTES)) {
    throw new InvalidMessageError({
      from,
      field,
      expected: `${OPRF_PROOF_BYTES} bytes of hex`,
      got: typeof value === 'string' ? `${value.length} chars` : typeof value,
    });
  }
  return fromHex(value, field, OPRF_PROOF_BYTES);
}

/** The guard's key pair, derived from 32 bytes of injected randomness (RFC 9497 §3.2.1 DeriveKeyPair). */
export function deriveGuardKeyPair(seed: Uint8Array): { secretKey: Uint8Array; guard: GuardPublicKey } {
  if (seed.length !== 32) throw new InvalidArgumentError('seed', '32 bytes', `${seed.length} bytes`);
  const keys = p256_oprf.poprf(new Uint8Array()).deriveKeyPair(seed, utf8ToBytes('tandem/pin-guard/v1/oprf-key'));
  return {
    secretKey: keys.secretKey,
    guard: { suite: OPRF_SUITE, publicKey: toHex(keys.publicKey), keyId: guardKeyId(keys.publicKey) },
  };
}

/** Recomputes the public part of a guard key from its 32-byte secret scalar (for key files). */
export function guardPublicKeyFromSecret(secretKey: Uint8Array): GuardPublicKey {
  if (secretKey.length !== SCALAR_BYTES) {
    throw new InvalidArgumentError('secretKey', `${SCALAR_BYTES} bytes`, `${secretKey.length} bytes`);
  }
  const publicKey = p256.getPublicKey(secretKey, true);
  return { suite: OPRF_SUITE, publicKey: toHex(publicKey), keyId: guardKeyId(publicKey) };
}

/** Validates a pinned guard public key (from storage or the relay's metadata). */
export function parseGuardPublicKey(value: unknown, from: PartyRole | 'unknown' = 'unknown'): GuardPublicKey {
  if (typeof value !== 'object' || value === null) {
    throw new InvalidMessageError({ from, field: 'guard', expected: 'an object', got: typeof value });
  }
  const v = value as Record<string, unknown>;
  const extra = Object.keys(v).find((k) => !['suite', 'publicKey', 'keyId'].includes(k));
  if (extra) throw new InvalidMessageError({ from, field: `guard.${extra}`, expected: 'no such field' });
  if (v.suite !== OPRF_SUITE) {
    throw new InvalidMessageError({ from, field: 'guard.suite', expected: OPRF_SUITE, got: String(v.suite) });
  }
  const publicKey = parseElement(v.publicKey, 'guard.publicKey', from);
  if (v.keyId !== guardKeyId(publicKey)) {
    throw new InvalidMessageError({ from, field: 'guard.keyId', expected: 'the fingerprint of guard.publicKey' });
  }
  return { suite: OPRF_SUITE, publicKey: toHex(publicKey), keyId: v.keyId };
}

/**
 * RFC 9497 §3.3.3: tweakedKey = G·HashToScalar("Info" ‖ I2OSP(len(info), 2) ‖ info) + pkS.
 * Computed here because the blinded element does not depend on `info`, so the client can blind
 * before it learns the epoch the guard assigns at enrolment.
 */
export function poprfTweakedKey(publicKey: Uint8Array, info: Uint8Array): Uint8Array {
  const framed = concatBytes(utf8ToBytes('Info'), new Uint8Array([info.length >> 8, info.length & 0xff]), info);
  const context = concatBytes(utf8ToBytes('OPRFV1-'), new Uint8Array([0x02]), utf8ToBytes(`-${OPRF_SUITE}`));
  const m = p256_hasher.hashToScalar(framed, { DST: concatBytes(utf8ToBytes('HashToScalar-'), context) });
  const tweaked = p256.Point.BASE.multiply(m).add(p256.Point.fromBytes(publicKey));
  if (tweaked.equals(p256.Point.ZERO)) {
    throw new ProtocolAbortError({ culprit: 'server', reason: 'oprf-tweak', detail: 'tweaked key is the identity' });
  }
  return tweaked.toBytes(true);
}

/** Client: blinds `input`. The blind scalar is secret; `blinded` goes to the guard. */
export function blindInput(
  input: Uint8Array,
  publicKey: Uint8Array,
  rng: Rng,
): { blind: Uint8Array; blinded: Uint8Array } {
  // The blinded element is H(input)·r with H independent of info, so any info works here.
  const { blind, blinded } = p256_oprf.poprf(new Uint8Array()).blind(input, publicKey, nobleRng(rng));
  return { blind, blinded };
}

/**
 * Client: verifies the guard's DLEQ proof against the pinned key tweaked by `info`, unblinds and
 * hashes (RFC 9497 Finalize). A bad proof is the guard's fault.
 */
export function finalizeEvaluation(params: {
  input: Uint8Array;
  blind: Uint8Array;
  blinded: Uint8Array;
  evaluated: Uint8Array;
  proof: Uint8Array;
  publicKey: Uint8Array;
  info: Uint8Array;
}): Uint8Array {
  const tweakedKey = poprfTweakedKey(params.publicKey, params.info);
  try {
    return p256_oprf
      .poprf(params.info)
      .finalize(params.input, params.blind, params.evaluated, params.blinded, params.proof, tweakedKey);
  } catch {
    throw new ProtocolAbortError({
      culprit: 'server',
      reason: 'oprf-proof',
      detail: 'the PIN guard evaluation does not verify against the pinned guard key and this customer',
    });
  }
}

/** Guard: evaluates a validated blinded element under the key tweaked by `info`, with a DLEQ proof. */
export function evaluateBlinded(
  secretKey: Uint8Array,
  blinded: Uint8Array,
  info: Uint8Array,
  rng: Rng,
): { evaluated: Uint8Array; proof: Uint8Array } {
  const { evaluated, proof } = p256_oprf.poprf(info).blindEvaluate(secretKey, blinded, nobleRng(rng));
  return { evaluated, proof };
}

/** Non-interactive evaluation by the key holder: what an attacker holding the guard key can do. */
export function evaluateDirectly(secretKey: Uint8Array, input: Uint8Array, info: Uint8Array): Uint8Array {
  return p256_oprf.poprf(info).evaluate(secretKey, input);
}
