/**
 * DKLs23 Protocol 5.2, "OT-based random vector OLE" (eprint 2023/765, §5), with l = 2 inputs and
 * ρ = 1 check value, over the OT extension of `extension.ts`, in two messages (Fiat–Shamir, §5.1).
 *
 * Bob (OT-extension receiver) gets a random b; Alice (OT-extension sender) inputs a ∈ Z_n^2; they
 * end with c (Alice) and d (Bob) such that c_i + d_i = a_i·b (mod n).
 *
 *   Bob, msg 1:   β ← {0,1}^ξ (plus λ_c pad bits);  b = ⟨g, β⟩ with the public gadget vector g;
 *                 OT-extension message (u, x̃, t̃) for choice bits β.
 *   Alice:        KOS check (abort 'ot-consistency' on failure); per row j < ξ the pads
 *                 v0_j = H(j, q_j), v1_j = H(j, q_j ⊕ Δ) ∈ Z_n^3 (H: `RowHash`); â ← Z_n; α = (a_1, a_2, â);
 *                 ã_j = v0_j − v1_j + α                                   (sent: ξ × 3 scalars)
 *                 her row shares c_j = −v0_j, so c_j + d_j = β_j·α;
 *                 θ = H(transcript, ã) ∈ Z_n^{l×ρ};  η = â + Σ_i θ_i·a_i;
 *                 μ̃_j = c_{j,3} + Σ_i θ_i·c_{j,i};  μ = H(μ̃_0..μ̃_{ξ−1});  c_i = Σ_j g_j·c_{j,i}.
 *   Bob:          w_j = H(j, t_j) = v^{β_j}_j;  d_j = w_j + β_j·ã_j;
 *                 accept iff H(β_j·η − (d_{j,3} + Σ_i θ_i·d_{j,i}))_j = μ (else 'rvole-consistency');
 *                 d_i = Σ_j g_j·d_{j,i}.
 *
 * Index conventions follow Trail of Bits' correction of Protocol 5.2 (TOB-SILA, Appendix F): θ is
 * indexed θ_{i,k} with i ∈ [l] and k ∈ [ρ] (here ρ = 1), and the check uses â_k for the same k.
 */
import { chacha20 } from '@noble/ciphers/chacha.js';
import { equalBytes, fromHex, isHex, toHex } from '../../bytes.js';
import { InvalidArgumentError, ProtocolAbortError, ProtocolStateError } from '../../errors.js';
import { LruCache } from '../../lru-cache.js';
import type { Rng } from '../../rng.js';
import type { PartyRole } from '../../session.js';
import { taggedHash } from '../../transcript.js';
import { getBit } from './bit-matrix.js';
import { BlockHasher } from './block-hash.js';
import { extendAsReceiver, extendAsSender, sessionDigest } from './extension.js';
import { decodeHex, decodeHexInto, readScalar, writeScalar } from './hex.js';
import { Keystream } from './keystream.js';
import { addModN, bigIntToWords, isBelowN, reduceOnce, selectWords, subAddModN, wordsToBigInt } from './limbs.js';
import {
  BLOCK_DOMAIN,
  COLUMN_BYTES,
  DIGEST_BYTES,
  LAMBDA_C,
  ROW_BYTES,
  RVOLE_INPUTS,
  RVOLE_WIDTH,
  SCALAR_BYTES,
  SESSION_ID_BYTES,
  TAG,
  XI,
} from './params.js';
import { mod, N, randomScalar, scalarToHex } from './scalar.js';
import { decodeReceiverSetup, decodeSenderSetup, type OtReceiverSetup, type OtSenderSetup } from './setup.js';
import { describeValue, expectArray, expectHex, expectRecord, fail, type Origin } from './wire.js';

/** Bob → Alice: the OT-extension message for Bob's random choice bits. */
export interface RvoleReceiverMessage {
  sessionId: string;
  /** The pairing direction this run uses (catches a mix-up of setups before any check burns them). */
  setupId: string;
  /** u^0..u^{λ_c−1}: λ_c columns of ℓ'/8 bytes. */
  u: string[];
  xTilde: string;
  tTilde: string;
}

/** Alice → Bob: ã (ξ rows of 3 scalars), η and μ. */
export interface RvoleSenderMessage {
  sessionId: string;
  setupId: string;
  /** ã_j = three 32-byte scalars concatenated, for j < ξ. */
  aTilde: string[];
  eta: string;
  mu: string;
}

/** Bob's state between his two steps: JSON-safe, one-shot, secret (holds β and his OT rows). */
export interface RvoleReceiverState {
  kind: 'ecdsa2p/rvole/receiver-await-sender';
  consumed: boolean;
  sessionId: string;
  setupId: string;
  /** H(msg 1), bound into θ. */
  msg1Digest: string;
  /** β, ξ bits. */
  beta: string;
  /** t_0..t_{ξ−1}, λ_c bits each. */
  rows: string;
}

/** Bytes of one row of ã (RVOLE_WIDTH scalars). */
const ROW_SCALAR_BYTES = RVOLE_WIDTH * SCALAR_BYTES;

/** Raw bytes of each message (hex length / 2), for the "bytes exchanged" benchmark figure. */
export const RVOLE_RECEIVER_MESSAGE_BYTES = SESSION_ID_BYTES + DIGEST_BYTES + LAMBDA_C * COLUMN_BYTES + 2 * ROW_BYTES;
export const RVOLE_SENDER_MESSAGE_BYTES =
  SESSION_ID_BYTES + DIGEST_BYTES + XI * RVOLE_WIDTH * SCALAR_BYTES + SCALAR_BYTES + DIGEST_BYTES;

function checkSessionId(sessionId: Uint8Array): void {
  if (!(sessionId instanceof Uint8Array) || sessionId.length !== SESSION_ID_BYTES) {
    throw new InvalidArgumentError('sessionId', `${SESSION_ID_BYTES} bytes`);
  }
}

function checkRole(value: unknown, name: string): asserts value is PartyRole {
  if (value !== 'client' && value !== 'server') throw new InvalidArgumentError(name, "'client' or 'server'");
}

/**
 * Public gadget vector g ∈ Z_n^ξ, fixed per pairing direction: ChaCha20 keystream under
 * H(setup id), 32 bytes per entry, reduced by one conditional subtraction (bias < 2^-127 each).
 * A pure function of the public setup id, needed two or three times per signature per party
 * (≈ 0.15 ms and 0.4 MB of bigints each time), so the last 256 vectors are kept
 * (≈ 25 KB each); callers only read them.
 */
function gadgetVector(setupId: Uint8Array): readonly bigint[] {
  return gadgetCache.getOrCompute(toHex(setupId), () => {
    const key = taggedHash(TAG.gadget, setupId);
    const stream = chacha20(key, new Uint8Array(12), new Uint8Array(XI * SCALAR_BYTES));
    const view = new DataView(stream.buffer);
    const g: bigint[] = new Array(XI);
    for (let j = 0; j < XI; j++) {
      const x = readScalar(view, j * SCALAR_BYTES);
      g[j] = x >= N ? x - N : x;
    }
    return Object.freeze(g);
  });
}

const gadgetCache = new LruCache<readonly bigint[]>(256);

/**
 * The tweakable correlation-robust row hash: H(j, row) = the first 96 bytes of the ChaCha20
 * keystream under SHA-256(0x03 ‖ digest ‖ j ‖ row), cut into RVOLE_WIDTH big-endian scalars, each
 * reduced mod n by one conditional subtraction (bias < 2^-127, since n > 2^256 − 2^129). The
 * single-block SHA-256 is the random oracle (bound to the session digest and the row index j); the
 * ChaCha20 expansion of its 256-bit output is a PRG, so the three pads are pseudorandom exactly when
 * the key is, for one compression and two ChaCha20 blocks instead of three compressions.
 */
class RowHash {
  private readonly hasher = new BlockHasher();
  private readonly keystream = new Keystream();

  constructor(digest: Uint8Array) {
    this.hasher.input[0] = BLOCK_DOMAIN.rowHash;
    this.hasher.input.set(digest, 1);
  }

  /** Writes H(j, row_j) — with `delta`, H(j, row_j ⊕ Δ), Alice's second pad — as 8 words per scalar. */
  hashInto(j: number, rows: Uint8Array, delta: Uint8Array | undefined, out: Uint32Array): void {
    const input = this.hasher.input;
    input[33] = j >>> 8;
    input[34] = j & 0xff;
    const off = j * ROW_BYTES;
    for (let k = 0; k < ROW_BYTES; k++) input[35 + k] = (rows[off + k] as number) ^ (delta ? (delta[k] as number) : 0);
    this.keystream.expand(this.hasher.digestWords(51), out, 0);
    for (let k = 0; k < RVOLE_WIDTH; k++) reduceOnce(out, 8 * k);
  }

  clear(): void {
    this.hasher.clear();
    this.keystream.clear();
  }
}

function thetaVector(digest: Uint8Array, msg1Digest: Uint8Array, aTildeBytes: Uint8Array): bigint[] {
  const aTildeDigest = taggedHash(TAG.aTilde, aTildeBytes);
  const theta: bigint[] = [];
  for (let i = 0; i < RVOLE_INPUTS; i++) {
    const h = taggedHash(TAG.theta, digest, msg1Digest, aTildeDigest, i);
    theta.push(mod(readScalar(new DataView(h.buffer, h.byteOffset, h.byteLength), 0)));
  }
  return theta;
}

function muDigest(digest: Uint8Array, msg1Digest: Uint8Array, muTilde: bigint[]): Uint8Array {
  const bytes = new Uint8Array(XI * SCALAR_BYTES);
  const view = new DataView(bytes.buffer);
  for (let j = 0; j < XI; j++) writeScalar(view, j * SCALAR_BYTES, muTilde[j] as bigint);
  return taggedHash(TAG.mu, digest, msg1Digest, bytes);
}

/** H(msg 1) from H(digest, u) (already computed for the KOS challenges) and x̃, t̃. */
function receiverMessageDigest(uDigest: Uint8Array, xTilde: Uint8Array, tTilde: Uint8Array): Uint8Array {
  return taggedHash(TAG.receiverMessage, uDigest, xTilde, tTilde);
}

/**
 * Bob, step 1: samples β, returns his random input b = ⟨g, β⟩ and message 1.
 * @param p.setup this party's `OtReceiverSetup` from pairing (reusable across runs).
 * @param p.sessionId 32 bytes, distinct per run (the caller derives it per signature and direction).
 */
export function rvoleReceiverStart(p: { setup: OtReceiverSetup; sessionId: Uint8Array; rng: Rng }): {
  state: RvoleReceiverState;
  message: RvoleReceiverMessage;
  b: bigint;
} {
  checkSessionId(p.sessionId);
  const setup = decodeReceiverSetup(p.setup);
  const digest = sessionDigest(setup.setupId, p.sessionId);
  const choice = p.rng(COLUMN_BYTES);
  const ext = extendAsReceiver({ seeds0: setup.seeds0, seeds1: setup.seeds1, digest, choice });
  const g = gadgetVector(setup.setupId);
  let b = 0n;
  for (let j = 0; j < XI; j++) b += (g[j] as bigint) * BigInt(getBit(choice, j));
  b = mod(b);
  const msg1Digest = receiverMessageDigest(ext.uDigest, ext.xTilde, ext.tTilde);
  // One hex encoding of the 128 columns, cut into the wire format's per-column strings.
  const uHex = toHex(ext.u.subarray(0, LAMBDA_C * COLUMN_BYTES));
  const u = Array.from({ length: LAMBDA_C }, (_, i) => uHex.slice(2 * i * COLUMN_BYTES, 2 * (i + 1) * COLUMN_BYTES));
  const state: RvoleReceiverState = {
    kind: 'ecdsa2p/rvole/receiver-await-sender',
    consumed: false,
    sessionId: toHex(p.sessionId),
    setupId: toHex(setup.setupId),
    msg1Digest: toHex(msg1Digest),
    beta: toHex(choice.subarray(0, XI / 8)),
    rows: toHex(ext.rows),
  };
  choice.fill(0);
  ext.rows.fill(0);
  const message: RvoleReceiverMessage = {
    sessionId: toHex(p.sessionId),
    setupId: toHex(setup.setupId),
    u,
    xTilde: toHex(ext.xTilde),
    tTilde: toHex(ext.tTilde),
  };
  return { state, message, b };
}

/**
 * Bob's message 1 after validation (`decodeRvoleReceiverMessage`), so a caller that validates the
 * enclosing message up front can hand it to `rvoleSenderRespond` without a second 10 KB hex decode.
 * Not JSON-safe (it holds byte arrays): a value of this type only ever comes from the decoder.
 */
export interface DecodedRvoleReceiverMessage {
  /** The party the message was validated as coming from. */
  from: PartyRole;
  message: RvoleReceiverMessage;
  sessionId: Uint8Array;
  setupId: Uint8Array;
  u: Uint8Array;
  xTilde: Uint8Array;
  tTilde: Uint8Array;
}

function parseReceiverMessage(value: unknown, from: PartyRole): DecodedRvoleReceiverMessage {
  const origin: Origin = { from };
  const r = expectRecord(value, '', origin, ['sessionId', 'setupId', 'u', 'xTilde', 'tTilde']);
  const sessionId = expectHex(r.sessionId, 'sessionId', origin, SESSION_ID_BYTES);
  const setupId = expectHex(r.setupId, 'setupId', origin, DIGEST_BYTES);
  const columns = expectArray(r.u, 'u', origin, LAMBDA_C);
  const u = new Uint8Array(LAMBDA_C * COLUMN_BYTES);
  columns.forEach((c, i) => {
    u.set(expectHex(c, `u[${i}]`, origin, COLUMN_BYTES), i * COLUMN_BYTES);
  });
  const xTilde = expectHex(r.xTilde, 'xTilde', origin, ROW_BYTES);
  const tTilde = expectHex(r.tTilde, 'tTilde', origin, ROW_BYTES);
  return {
    from,
    message: r as unknown as RvoleReceiverMessage,
    sessionId,
    setupId,
    u,
    xTilde,
    tTilde,
  };
}

/**
 * Validates Bob's message 1 from `from` (exact lengths, lower-case hex, no unknown keys).
 * @throws InvalidMessageError naming the field.
 */
export function parseRvoleReceiverMessage(value: unknown, from: PartyRole): RvoleReceiverMessage {
  return decodeRvoleReceiverMessage(value, from).message;
}

/** `parseRvoleReceiverMessage`, keeping the decoded bytes for `rvoleSenderRespond({ decoded })`. */
export function decodeRvoleReceiverMessage(value: unknown, from: PartyRole): DecodedRvoleReceiverMessage {
  checkRole(from, 'from');
  return parseReceiverMessage(value, from);
}

/** A decoded message is only accepted from the party it was validated as coming from. */
function checkDecodedFrom(decoded: { from: PartyRole }, peer: PartyRole): void {
  if (decoded.from !== peer)
    throw new InvalidArgumentError('decoded', `a message decoded as from '${peer}'`, decoded.from);
}

/**
 * Alice: checks Bob's OT-extension message, then returns her shares c and message 2.
 * @throws InvalidMessageError for a malformed message, a different session or setup.
 * @throws ProtocolAbortError { culprit: peer, reason: 'ot-consistency' } when the KOS check fails:
 *   the caller must burn this setup (the outcome depends on Δ).
 */
export function rvoleSenderRespond(p: RvoleSenderParameters): {
  message: RvoleSenderMessage;
  shares: [bigint, bigint];
} {
  return senderRespond(p, undefined);
}

export interface RvoleSenderParameters {
  setup: OtSenderSetup;
  sessionId: Uint8Array;
  inputs: readonly [bigint, bigint];
  /** Bob's message 1 as received: validated here. */
  message?: unknown;
  /** Or the same message already validated by `decodeRvoleReceiverMessage` (takes precedence). */
  decoded?: DecodedRvoleReceiverMessage;
  rng: Rng;
  peer: PartyRole;
}

/**
 * @internal Exported for tests only: `rvoleSenderRespond` with `rowOffset(j)` added to α in row j,
 * which models a malicious sender that feeds different inputs into different OT rows. The protocol
 * itself never deviates; every validation and check of `rvoleSenderRespond` still runs.
 */
export function _rvoleSenderRespondDeviating(
  p: RvoleSenderParameters,
  rowOffset: (j: number) => readonly bigint[] | undefined,
): { message: RvoleSenderMessage; shares: [bigint, bigint] } {
  return senderRespond(p, rowOffset);
}

function senderRespond(
  p: RvoleSenderParameters,
  rowOffset: ((j: number) => readonly bigint[] | undefined) | undefined,
): { message: RvoleSenderMessage; shares: [bigint, bigint] } {
  checkSessionId(p.sessionId);
  checkRole(p.peer, 'peer');
  const setup = decodeSenderSetup(p.setup);
  if (setup.peer !== p.peer) throw new InvalidArgumentError('peer', `the setup's peer '${setup.peer}'`, p.peer);
  if (!Array.isArray(p.inputs) || p.inputs.length !== RVOLE_INPUTS)
    throw new InvalidArgumentError('inputs', 'two scalars');
  for (const [i, a] of p.inputs.entries()) {
    if (typeof a !== 'bigint' || a < 0n || a >= N) throw new InvalidArgumentError(`inputs[${i}]`, 'a scalar in [0, n)');
  }
  const m = p.decoded ?? parseReceiverMessage(p.message, p.peer);
  checkDecodedFrom(m, p.peer);
  const origin: Origin = { from: p.peer };
  if (!equalBytes(m.sessionId, p.sessionId)) fail(origin, 'sessionId', 'this RVOLE session');
  if (!equalBytes(m.setupId, setup.setupId)) fail(origin, 'setupId', "this pairing direction's setup id");

  const digest = sessionDigest(setup.setupId, p.sessionId);
  const ext = extendAsSender({
    seeds: setup.seeds,
    delta: setup.delta,
    digest,
    u: m.u,
    xTilde: m.xTilde,
    tTilde: m.tTilde,
  });
  if (!ext.consistent) {
    ext.rows.fill(0);
    throw new ProtocolAbortError({
      culprit: p.peer,
      reason: 'ot-consistency',
      detail: 'the OT-extension consistency check failed; burn this pairing',
    });
  }
  const msg1Digest = receiverMessageDigest(ext.uDigest, m.xTilde, m.tTilde);
  const g = gadgetVector(setup.setupId);
  const aHat = randomScalar(p.rng);
  const alpha = [p.inputs[0], p.inputs[1], aHat];

  const rowHash = new RowHash(digest);
  const v0 = new Uint32Array(8 * RVOLE_WIDTH);
  const v1 = new Uint32Array(8 * RVOLE_WIDTH);
  const alphaWords = new Uint32Array(8 * RVOLE_WIDTH);
  alpha.forEach((a, k) => {
    bigIntToWords(a, alphaWords, 8 * k);
  });
  const rowAlpha = new Uint32Array(8 * RVOLE_WIDTH);
  const aTildeWords = new Uint32Array(8 * RVOLE_WIDTH);
  const aTildeBytes = new Uint8Array(XI * ROW_SCALAR_BYTES);
  const aTildeView = new DataView(aTildeBytes.buffer);
  const v0Rows: bigint[] = new Array(XI * RVOLE_WIDTH);
  for (let j = 0; j < XI; j++) {
    rowHash.hashInto(j, ext.rows, undefined, v0);
    rowHash.hashInto(j, ext.rows, setup.delta, v1);
    const offset = rowOffset?.(j);
    if (offset) {
      for (let k = 0; k < RVOLE_WIDTH; k++)
        bigIntToWords(mod((alpha[k] as bigint) + (offset[k] ?? 0n)), rowAlpha, 8 * k);
    }
    const alphaHere = offset ? rowAlpha : alphaWords;
    for (let k = 0; k < RVOLE_WIDTH; k++) {
      // ã_{j,k} = v0_{j,k} − v1_{j,k} + α_k mod n, on words (no BigInt temporaries, no branches).
      subAddModN(v0, 8 * k, v1, 8 * k, alphaHere, 8 * k, aTildeWords, 8 * k);
      v0Rows[j * RVOLE_WIDTH + k] = wordsToBigInt(v0, 8 * k);
    }
    const base = j * ROW_SCALAR_BYTES;
    for (let w = 0; w < 8 * RVOLE_WIDTH; w++) aTildeView.setUint32(base + 4 * w, aTildeWords[w] as number, false);
  }
  // One hex encoding of all rows, cut into the per-row strings of the wire format (512 toHex calls
  // cost ≈ 0.3 ms; slices of one string cost nothing).
  const allHex = toHex(aTildeBytes);
  const rowChars = 2 * ROW_SCALAR_BYTES;
  const aTildeHex = Array.from({ length: XI }, (_, j) => allHex.slice(j * rowChars, (j + 1) * rowChars));
  v0.fill(0);
  v1.fill(0);
  aTildeWords.fill(0);
  rowHash.clear();
  ext.rows.fill(0);

  const theta = thetaVector(digest, msg1Digest, aTildeBytes);
  const t0 = theta[0] as bigint;
  const t1 = theta[1] as bigint;
  const eta = mod(aHat + t0 * p.inputs[0] + t1 * p.inputs[1]);
  // Alice's row shares are c_j = −v0_j: μ̃_j = −(v0_{j,3} + θ_1·v0_{j,1} + θ_2·v0_{j,2}).
  const muTilde: bigint[] = new Array(XI);
  let sum0 = 0n;
  let sum1 = 0n;
  for (let j = 0; j < XI; j++) {
    const a0 = v0Rows[j * 3] as bigint;
    const a1 = v0Rows[j * 3 + 1] as bigint;
    const a2 = v0Rows[j * 3 + 2] as bigint;
    muTilde[j] = mod(-(a2 + t0 * a0 + t1 * a1));
    const gj = g[j] as bigint;
    sum0 += gj * a0;
    sum1 += gj * a1;
  }
  const mu = muDigest(digest, msg1Digest, muTilde);
  const shares: [bigint, bigint] = [mod(-sum0), mod(-sum1)];
  return {
    message: {
      sessionId: toHex(p.sessionId),
      setupId: toHex(setup.setupId),
      aTilde: aTildeHex,
      eta: scalarToHex(eta),
      mu: toHex(mu),
    },
    shares,
  };
}

/**
 * Alice's message 2 after validation (`decodeRvoleSenderMessage`), so a caller that validates the
 * enclosing message up front can hand it to `rvoleReceiverFinish` without a second 50 KB hex decode.
 * Not JSON-safe (it holds byte arrays): a value of this type only ever comes from the decoder.
 */
export interface DecodedRvoleSenderMessage {
  /** The party the message was validated as coming from. */
  from: PartyRole;
  message: RvoleSenderMessage;
  sessionId: Uint8Array;
  setupId: Uint8Array;
  /** ã as 8 big-endian words per scalar, RVOLE_WIDTH scalars per row. */
  aTildeWords: Uint32Array;
  aTildeBytes: Uint8Array;
  eta: bigint;
  mu: Uint8Array;
}

function parseSenderMessage(value: unknown, from: PartyRole): DecodedRvoleSenderMessage {
  const origin: Origin = { from };
  const r = expectRecord(value, '', origin, ['sessionId', 'setupId', 'aTilde', 'eta', 'mu']);
  const sessionId = expectHex(r.sessionId, 'sessionId', origin, SESSION_ID_BYTES);
  const setupId = expectHex(r.setupId, 'setupId', origin, DIGEST_BYTES);
  const rows = expectArray(r.aTilde, 'aTilde', origin, XI);
  const aTildeBytes = new Uint8Array(XI * ROW_SCALAR_BYTES);
  const view = new DataView(aTildeBytes.buffer);
  const aTildeWords = new Uint32Array(XI * RVOLE_WIDTH * 8);
  for (let j = 0; j < XI; j++) {
    const row = rows[j];
    if (!decodeHexInto(row, ROW_SCALAR_BYTES, aTildeBytes, j * ROW_SCALAR_BYTES)) {
      fail(origin, `aTilde[${j}]`, `${ROW_SCALAR_BYTES} bytes of lower-case hex`, describeValue(row));
    }
    for (let w = j * RVOLE_WIDTH * 8; w < (j + 1) * RVOLE_WIDTH * 8; w++) aTildeWords[w] = view.getUint32(4 * w, false);
    for (let k = 0; k < RVOLE_WIDTH; k++) {
      if (!isBelowN(aTildeWords, (j * RVOLE_WIDTH + k) * 8))
        fail(origin, `aTilde[${j}]`, 'three scalars below n', 'a value >= n');
    }
  }
  if (!isHex(r.eta, SCALAR_BYTES)) fail(origin, 'eta', `${SCALAR_BYTES} bytes of lower-case hex`, describeValue(r.eta));
  const eta = BigInt(`0x${r.eta}`);
  if (eta >= N) fail(origin, 'eta', 'a scalar below n', 'a value >= n');
  const mu = expectHex(r.mu, 'mu', origin, DIGEST_BYTES);
  return { from, message: r as unknown as RvoleSenderMessage, sessionId, setupId, aTildeWords, aTildeBytes, eta, mu };
}

/**
 * Validates Alice's message 2 from `from` (exact lengths, lower-case hex, scalars below n, no
 * unknown keys). @throws InvalidMessageError naming the field.
 */
export function parseRvoleSenderMessage(value: unknown, from: PartyRole): RvoleSenderMessage {
  return decodeRvoleSenderMessage(value, from).message;
}

/** `parseRvoleSenderMessage`, keeping the decoded values for `rvoleReceiverFinish({ decoded })`. */
export function decodeRvoleSenderMessage(value: unknown, from: PartyRole): DecodedRvoleSenderMessage {
  checkRole(from, 'from');
  return parseSenderMessage(value, from);
}

function checkReceiverState(state: RvoleReceiverState): void {
  if (typeof state !== 'object' || state === null || state.kind !== 'ecdsa2p/rvole/receiver-await-sender') {
    throw new ProtocolStateError({ expected: 'ecdsa2p/rvole/receiver-await-sender', actual: String(state?.kind) });
  }
  if (state.consumed)
    throw new ProtocolStateError({ expected: 'an unused RVOLE receiver state', actual: 'a consumed state' });
  if (
    !isHex(state.sessionId, SESSION_ID_BYTES) ||
    !isHex(state.setupId, DIGEST_BYTES) ||
    !isHex(state.msg1Digest, DIGEST_BYTES) ||
    typeof state.beta !== 'string' ||
    state.beta.length !== XI / 4 ||
    typeof state.rows !== 'string' ||
    state.rows.length !== XI * ROW_BYTES * 2
  ) {
    throw new InvalidArgumentError('state', 'an RVOLE receiver state with fields of the right sizes');
  }
}

/**
 * Bob, step 2: checks Alice's μ and returns his shares d.
 * A malformed message throws `InvalidMessageError` and leaves the state usable; otherwise the state
 * is consumed (reuse → `ProtocolStateError`).
 * @throws ProtocolAbortError { culprit: peer, reason: 'rvole-consistency' } when the μ check fails.
 */
export function rvoleReceiverFinish(p: {
  state: RvoleReceiverState;
  /** Alice's message 2 as received: validated here. */
  message?: unknown;
  /** Or the same message already validated by `decodeRvoleSenderMessage` (takes precedence). */
  decoded?: DecodedRvoleSenderMessage;
  peer: PartyRole;
}): {
  shares: [bigint, bigint];
} {
  const state = p.state;
  checkReceiverState(state);
  checkRole(p.peer, 'peer');
  const m = p.decoded ?? parseSenderMessage(p.message, p.peer);
  checkDecodedFrom(m, p.peer);
  const origin: Origin = { from: p.peer };
  if (toHex(m.sessionId) !== state.sessionId) fail(origin, 'sessionId', 'this RVOLE session');
  if (toHex(m.setupId) !== state.setupId) fail(origin, 'setupId', "this pairing direction's setup id");

  const sessionId = fromHex(state.sessionId);
  const setupId = fromHex(state.setupId);
  const msg1Digest = fromHex(state.msg1Digest);
  const beta = decodeHex(state.beta, XI / 8);
  const rows = decodeHex(state.rows, XI * ROW_BYTES);
  state.consumed = true;
  state.beta = '';
  state.rows = '';

  const digest = sessionDigest(setupId, sessionId);
  if (beta === undefined || rows === undefined) throw new InvalidArgumentError('state', 'an RVOLE receiver state');
  const theta = thetaVector(digest, msg1Digest, m.aTildeBytes);
  const t0 = theta[0] as bigint;
  const t1 = theta[1] as bigint;
  const g = gadgetVector(setupId);
  const rowHash = new RowHash(digest);
  const w = new Uint32Array(8 * RVOLE_WIDTH);
  const sum = new Uint32Array(8);
  const d = new Uint32Array(8 * RVOLE_WIDTH);
  const muTilde: bigint[] = new Array(XI);
  let sum0 = 0n;
  let sum1 = 0n;
  for (let j = 0; j < XI; j++) {
    rowHash.hashInto(j, rows, undefined, w);
    // d_j = w_j + β_j·ã_j: both candidates computed, one selected by a mask of β_j.
    const bit = getBit(beta, j);
    for (let k = 0; k < RVOLE_WIDTH; k++) {
      addModN(w, 8 * k, m.aTildeWords, (j * RVOLE_WIDTH + k) * 8, sum, 0);
      selectWords(bit, sum, 0, w, 8 * k, d, 8 * k);
    }
    const d0 = wordsToBigInt(d, 0);
    const d1 = wordsToBigInt(d, 8);
    const d2 = wordsToBigInt(d, 16);
    muTilde[j] = mod(BigInt(bit) * m.eta - (d2 + t0 * d0 + t1 * d1));
    const gj = g[j] as bigint;
    sum0 += gj * d0;
    sum1 += gj * d1;
  }
  w.fill(0);
  d.fill(0);
  sum.fill(0);
  rowHash.clear();
  rows.fill(0);
  beta.fill(0);
  const mu = muDigest(digest, msg1Digest, muTilde);
  if (!equalBytes(mu, m.mu)) {
    throw new ProtocolAbortError({
      culprit: p.peer,
      reason: 'rvole-consistency',
      detail: "the RVOLE check value μ does not match the sender's message; burn this pairing",
    });
  }
  return { shares: [mod(sum0), mod(sum1)] };
}
