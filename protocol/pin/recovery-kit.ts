/**
 * Recovery kit (DESIGN §4.2): a 130-bit random code the user saves, the only recovery method that
 * survives a full relay compromise (nothing the relay holds helps to open its copy).
 *
 * Shape: 26 data symbols (5 bits each, Crockford base32: no I, L, O, U) + 2 check symbols, shown as
 * seven groups of four, e.g. `7K2M-…`. The check symbols make the 28 symbols a Reed–Solomon-style
 * codeword over GF(32) with parity-check rows (α^j) and (α^2j): any two columns are independent,
 * so the minimum distance is 3 and EVERY error touching one or two symbols is detected, which
 * includes every single-character typo and every transposition (adjacent or not).
 * Crockford's reading aliases (O→0, I/L→1) and lower case are accepted when parsing.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { fromHex, toHex } from '../bytes.js';
import type { Rng } from '../rng.js';
import { encodeTranscript } from '../transcript.js';
import { RecoveryInputError } from './errors.js';
import { KDF_SALT_BYTES, type WrapHeader } from './wrap.js';

export const KIT_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const KIT_DATA_SYMBOLS = 26;
export const KIT_CHECK_SYMBOLS = 2;
export const KIT_SYMBOLS = KIT_DATA_SYMBOLS + KIT_CHECK_SYMBOLS;
export const KIT_GROUP = 4;
/** Entropy of a kit code in bits (26 × 5). */
export const KIT_ENTROPY_BITS = KIT_DATA_SYMBOLS * 5;

// GF(32) = GF(2)[x]/(x^5 + x^2 + 1); α = x is primitive (order 31 ≥ 28 positions).
const EXP: number[] = [];
const LOG: number[] = new Array(32).fill(0);
{
  let v = 1;
  for (let i = 0; i < 31; i++) {
    EXP.push(v);
    LOG[v] = i;
    v <<= 1;
    if (v & 32) v ^= 0b100101;
  }
}
const mul = (a: number, b: number): number =>
  a === 0 || b === 0 ? 0 : (EXP[((LOG[a] as number) + (LOG[b] as number)) % 31] as number);
const inv = (a: number): number => EXP[(31 - (LOG[a] as number)) % 31] as number;
const alphaPow = (e: number): number => EXP[e % 31] as number;

/** Syndromes S1 = Σ c_j α^j and S2 = Σ c_j α^2j; both zero iff the code is valid. */
function syndromes(symbols: readonly number[]): [number, number] {
  let s1 = 0;
  let s2 = 0;
  symbols.forEach((c, j) => {
    s1 ^= mul(c, alphaPow(j));
    s2 ^= mul(c, alphaPow(2 * j));
  });
  return [s1, s2];
}

/** Solves the two check symbols at positions 26 and 27 so both syndromes vanish (Cramer's rule in GF(32)). */
function checkSymbols(data: readonly number[]): [number, number] {
  const [d1, d2] = syndromes(data);
  const a = alphaPow(KIT_DATA_SYMBOLS);
  const b = alphaPow(KIT_DATA_SYMBOLS + 1);
  // c26·a + c27·b = d1 ; c26·a² + c27·b² = d2 ; det = ab(a + b) ≠ 0 since a ≠ b.
  const detInv = inv(mul(mul(a, b), a ^ b));
  const c26 = mul(mul(d1, mul(b, b)) ^ mul(d2, b), detInv);
  const c27 = mul(mul(d1, mul(a, a)) ^ mul(d2, a), detInv);
  return [c26, c27];
}

function format(symbols: readonly number[]): string {
  const chars = symbols.map((s) => KIT_ALPHABET[s] as string).join('');
  const groups: string[] = [];
  for (let i = 0; i < chars.length; i += KIT_GROUP) groups.push(chars.slice(i, i + KIT_GROUP));
  return groups.join('-');
}

/** A fresh kit code, formatted for display (`XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX`). */
export function generateRecoveryKitCode(rng: Rng): string {
  // 256 is a multiple of 32, so `byte & 31` is uniform.
  const data = [...rng(KIT_DATA_SYMBOLS)].map((b) => b & 31);
  return format([...data, ...checkSymbols(data)]);
}

const ALIASES: Record<string, string> = { O: '0', I: '1', L: '1' };

/**
 * Parses what the user typed: case-insensitive, spaces and hyphens ignored, Crockford aliases
 * accepted. Throws `RecoveryInputError` saying what is wrong (bad character, length, checksum).
 * Returns the canonical display form.
 */
export function parseRecoveryKitCode(typed: string): string {
  if (typeof typed !== 'string') throw new RecoveryInputError('recoveryKitCode', 'expected text');
  const compact = typed.toUpperCase().replace(/[\s-]/g, '');
  const symbols: number[] = [];
  for (const [i, ch] of [...compact].entries()) {
    const value = KIT_ALPHABET.indexOf(ALIASES[ch] ?? ch);
    if (value < 0 || ch.length !== 1) {
      throw new RecoveryInputError('recoveryKitCode', `character ${i + 1} is not one of the kit's letters and digits`);
    }
    symbols.push(value);
  }
  if (symbols.length !== KIT_SYMBOLS) {
    throw new RecoveryInputError('recoveryKitCode', `expected ${KIT_SYMBOLS} characters, got ${symbols.length}`);
  }
  const [s1, s2] = syndromes(symbols);
  if (s1 !== 0 || s2 !== 0) {
    throw new RecoveryInputError('recoveryKitCode', 'the checksum does not match: a character is mistyped or swapped');
  }
  return format(symbols);
}

/** A fresh header for the kit-wrapped copy (random KDF salt). */
export function recoveryKitHeader(customerId: string, rng: Rng): WrapHeader {
  return { method: 'kit', customerId, kdf: { kind: 'recovery-kit', saltHex: toHex(rng(KDF_SALT_BYTES)) } };
}

/**
 * Root key of the kit copy: HKDF over the 26 data symbols. No Argon2: with 130 bits of entropy a
 * slow hash adds nothing an attacker could feel.
 */
export function deriveRecoveryKitKey(code: string, customerId: string, saltHex: string): Uint8Array {
  const canonical = parseRecoveryKitCode(code).replace(/-/g, '');
  const data = Uint8Array.from([...canonical.slice(0, KIT_DATA_SYMBOLS)].map((c) => KIT_ALPHABET.indexOf(c)));
  const info = encodeTranscript('tandem/recovery/kit/v1/key', [customerId]);
  const key = hkdf(sha256, data, fromHex(saltHex, 'saltHex', KDF_SALT_BYTES), info, 32);
  data.fill(0);
  return key;
}

/**
 * Proving possession of the kit to the relay (for a PIN reset), without revealing it: an Ed25519 key
 * derived from the code, separate from the wrapping key. The relay stores only the public key at kit
 * setup; with 130 bits behind it, that public key gives no useful offline test.
 */
export function deriveRecoveryKitAuthKey(
  code: string,
  customerId: string,
  saltHex: string,
): { seed: Uint8Array; publicKey: Uint8Array } {
  const canonical = parseRecoveryKitCode(code).replace(/-/g, '');
  const data = Uint8Array.from([...canonical.slice(0, KIT_DATA_SYMBOLS)].map((c) => KIT_ALPHABET.indexOf(c)));
  const info = encodeTranscript('tandem/recovery/kit/v1/auth-key', [customerId]);
  const seed = hkdf(sha256, data, fromHex(saltHex, 'saltHex', KDF_SALT_BYTES), info, 32);
  data.fill(0);
  return { seed, publicKey: ed25519.getPublicKey(seed) };
}

function kitProofMessage(customerId: string, challengeId: string, nonce: Uint8Array): Uint8Array {
  return encodeTranscript('tandem/recovery/kit/v1/proof', [customerId, challengeId, nonce]);
}

/** Client: signs the relay's fresh nonce for this customer and challenge. */
export function signRecoveryKitProof(
  seed: Uint8Array,
  customerId: string,
  challengeId: string,
  nonce: Uint8Array,
): Uint8Array {
  return ed25519.sign(kitProofMessage(customerId, challengeId, nonce), seed);
}

/** Relay: true iff `proof` (64 bytes) verifies under the stored kit public key (32 bytes). Never throws on bad bytes. */
export function checkRecoveryKitProof(
  publicKey: Uint8Array,
  proof: Uint8Array,
  customerId: string,
  challengeId: string,
  nonce: Uint8Array,
): boolean {
  if (publicKey.length !== 32 || proof.length !== 64 || nonce.length < 16) return false;
  try {
    return ed25519.verify(proof, kitProofMessage(customerId, challengeId, nonce), publicKey, { zip215: false });
  } catch {
    return false;
  }
}
