/**
 * The arithmetic and checks of DKLs23 Protocol 3.6 for one party facing the other, shared by the
 * client and the server state machines in `sign.ts` (which own the schedule, states and messages).
 */
import { concatBytes, toHex } from '../bytes.js';
import { recoveryIdIfValidLowS } from '../curves/secp256k1-ecdsa-verify.js';
import { type PartyRole, ProtocolAbortError } from '../errors.js';
import type { Rng } from '../rng.js';
import { commit, opens, SALT_BYTES } from './commitment.js';
import { multiplySecret } from './ct-multiply.js';
import {
  CURVE_ORDER,
  Fn,
  hedgedScalar,
  mulBaseSecret,
  type Point,
  pointsToHex,
  pointToHex,
  scalarToBytes,
  scalarToHex,
} from './group.js';
import type { DecodedSignRound2, SignRound2 } from './messages.js';
import type { OtSenderSetup } from './ot/pairing.js';
import {
  type DecodedRvoleReceiverMessage,
  type RvoleReceiverState,
  rvoleReceiverFinish,
  rvoleSenderRespond,
} from './ot/rvole.js';
import { INSTANCE_COMMIT_TAG, rvoleSessionId } from './sign-session.js';

/** The signature, released only after it verified under `publicKey`. */
export interface Ecdsa2pSignature {
  /** 32-byte hex. */
  r: string;
  /** 32-byte hex, low-s (BIP62 / EIP-2). */
  s: string;
  /** Public-key recovery id: bit 0 = R.y odd (after low-s), bit 1 = R.x ≥ n. EVM v = 27 + recovery. */
  recovery: number;
  /** 64-byte compact r ‖ s, hex. */
  signature: string;
  /** The derived public key the signature verifies under, 33-byte compressed hex. */
  publicKey: string;
}

/** Protocol 3.6 step 5: r_i, φ_i (hedged), R_i and its commitment. */
export function sampleRound1(rng: Rng, secret: bigint, sid: Uint8Array, role: PartyRole) {
  const secretBytes = scalarToBytes(secret);
  const instanceKey = hedgedScalar(rng, secretBytes, sid, 'instance-key');
  const inversionMask = hedgedScalar(rng, secretBytes, sid, 'inversion-mask');
  const instancePoint = mulBaseSecret(instanceKey, sid, 'instance-point');
  const salt = rng(SALT_BYTES);
  const commitment = commit(INSTANCE_COMMIT_TAG, [sid, role, instancePoint.toBytes(true)], salt);
  return { instanceKey, inversionMask, instancePoint, salt, commitment };
}

interface Round2Inputs {
  setup: OtSenderSetup;
  sid: Uint8Array;
  role: PartyRole;
  instanceKey: bigint;
  secretKey: bigint;
  inversionMask: bigint;
  chi: bigint;
  /** The peer's RVOLE message 1, already validated by the message parser. */
  peerMessage: DecodedRvoleReceiverMessage;
  instancePoint: Point;
  salt: Uint8Array;
  publicShare: Point;
  rng: Rng;
}

/**
 * Protocol 3.6 step 7: the multiplication as Alice with inputs (r_i, sk_i), giving c^u_i, c^v_i;
 * Γ^u_i = c^u_i·G, Γ^v_i = c^v_i·G, ψ_i = φ_i − χ_i, and the opening of R_i.
 */
export function senderRound2(p: Round2Inputs) {
  const peer = peerOf(p.role);
  const rvole = rvoleSenderRespond({
    setup: p.setup,
    sessionId: rvoleSessionId(p.sid, p.role),
    inputs: [p.instanceKey, p.secretKey],
    decoded: p.peerMessage,
    rng: p.rng,
    peer,
  });
  const cU = Fn.create(rvole.shares[0]);
  const cV = Fn.create(rvole.shares[1]);
  const gammaU = mulBaseSecret(cU, p.sid, 'gamma-u');
  const gammaV = mulBaseSecret(cV, p.sid, 'gamma-v');
  // One shared inversion for the four encodings (it throws on the identity, as `toBytes` does).
  const [instancePoint, publicShare, gammaUHex, gammaVHex] = pointsToHex([
    p.instancePoint,
    p.publicShare,
    gammaU,
    gammaV,
  ]);
  const wire: SignRound2 = {
    rvoleSender: rvole.message,
    instancePoint: instancePoint as string,
    salt: toHex(p.salt),
    publicShare: publicShare as string,
    gammaU: gammaUHex as string,
    gammaV: gammaVHex as string,
    psi: scalarToHex(Fn.sub(p.inversionMask, p.chi)),
  };
  return { wire, cU, cV };
}

function peerOf(role: PartyRole): PartyRole {
  return role === 'client' ? 'server' : 'client';
}

function abortBy(culprit: PartyRole, reason: string, detail: string): never {
  throw new ProtocolAbortError({ culprit, reason, detail });
}

/**
 * Protocol 3.6 step 8, the cheap checks: j's instance point opens its round-1 commitment, and
 * pk_i + pk_j = X + t·G (the latter also catches a peer holding another share generation).
 */
export function checkPeerOpening(p: {
  sid: Uint8Array;
  role: PartyRole;
  peerCommitment: Uint8Array;
  peer: DecodedSignRound2;
  publicShare: Point;
  derivedPublicKey: Point;
}): void {
  const peer = peerOf(p.role);
  if (!opens(INSTANCE_COMMIT_TAG, p.peerCommitment, [p.sid, peer, p.peer.instancePoint.toBytes(true)], p.peer.salt)) {
    abortBy(peer, 'commitment-mismatch', 'the instance point R_j does not open the round-1 commitment');
  }
  if (!p.publicShare.add(p.peer.publicShare).equals(p.derivedPublicKey)) {
    abortBy(peer, 'public-key-mismatch', 'pk_C + pk_S differs from the derived public key X + t·G');
  }
}

export interface Round3Inputs {
  sid: Uint8Array;
  role: PartyRole;
  digest: Uint8Array;
  peer: DecodedSignRound2;
  rvoleReceiver: RvoleReceiverState;
  secretKey: bigint;
  instanceKey: bigint;
  inversionMask: bigint;
  chi: bigint;
  instancePoint: Point;
  cU: bigint;
  cV: bigint;
}

/**
 * Protocol 3.6 steps 8–9 after the opening checks: finish the multiplication as Bob (d^u_i, d^v_i);
 * check χ_i·R_j − Γ^u_j = d^u_i·G and χ_i·pk_j − Γ^v_j = d^v_i·G; then
 * u_i = r_i(φ_i + ψ_j) + c^u_i + d^u_i, v_i = sk_i(φ_i + ψ_j) + c^v_i + d^v_i, w_i = m'·φ_i + r·v_i.
 */
export function finishRound3(p: Round3Inputs) {
  const peer = peerOf(p.role);
  const abort = (reason: string, detail: string): never => abortBy(peer, reason, detail);
  const d = rvoleReceiverFinish({ state: p.rvoleReceiver, decoded: p.peer.rvoleSender, peer });
  const dU = Fn.create(d.shares[0]);
  const dV = Fn.create(d.shares[1]);
  // The Γ checks multiply by the secret χ_i, so they use the fixed-sequence multiplication.
  if (!multiplySecret(p.peer.instancePoint, p.chi).equals(p.peer.gammaU.add(mulBaseSecret(dU, p.sid, 'check-u')))) {
    abort('gamma-u-inconsistent', 'χ·R_j − Γ^u_j ≠ d^u·G: the RVOLE input was not the committed instance key');
  }
  if (!multiplySecret(p.peer.publicShare, p.chi).equals(p.peer.gammaV.add(mulBaseSecret(dV, p.sid, 'check-v')))) {
    abort('gamma-v-inconsistent', 'χ·pk_j − Γ^v_j ≠ d^v·G: the RVOLE input was not the key share');
  }
  const totalInstancePoint = p.instancePoint.add(p.peer.instancePoint);
  if (totalInstancePoint.is0()) abort('instance-point-identity', 'R_C + R_S is the point at infinity');
  const r = Fn.create(totalInstancePoint.toAffine().x);
  if (r === 0n) abort('instance-point-identity', 'r = R.x mod n is zero');
  const mask = Fn.add(p.inversionMask, p.peer.psi);
  const u = Fn.add(Fn.mul(p.instanceKey, mask), Fn.add(p.cU, dU));
  const v = Fn.add(Fn.mul(p.secretKey, mask), Fn.add(p.cV, dV));
  const w = Fn.add(Fn.mul(digestScalar(p.digest), p.inversionMask), Fn.mul(r, v));
  return { u, w, totalInstancePoint };
}

/** bits2int(m') mod n for a 32-byte digest (SEC1 §4.1.3 step 5 with |n| = 256). */
function digestScalar(digest: Uint8Array): bigint {
  return Fn.create(BigInt(`0x${toHex(digest)}`));
}

/**
 * Protocol 3.6 step 10: s = (w_C + w_S)/(u_C + u_S), low-s, the recovery id from R, and ECDSA
 * verification under the derived key before release, which must recover the same id.
 */
export function assembleSignature(p: {
  totalInstancePoint: Point;
  u: bigint;
  w: bigint;
  digest: Uint8Array;
  publicKey: Point;
  culprit: PartyRole;
}): Ecdsa2pSignature {
  const invalid = (detail: string): never => {
    throw new ProtocolAbortError({ culprit: p.culprit, reason: 'signature-invalid', detail });
  };
  if (p.u === 0n) invalid('u_C + u_S is zero');
  const { x, y } = p.totalInstancePoint.toAffine();
  const r = Fn.create(x);
  let s = Fn.div(p.w, p.u);
  if (s === 0n) invalid('s is zero');
  let recovery = (y & 1n ? 1 : 0) | (x >= CURVE_ORDER ? 2 : 0);
  if (s > CURVE_ORDER >> 1n) {
    s = Fn.neg(s); // low-s flips R to −R, whose y has the other parity
    recovery ^= 1;
  }
  // The id must come from the point verification computes, not only from our R: a peer that sends
  // u_j' = −2u_i − u_j (it has seen u_i) turns s into −s, which verifies after low-s but flips the
  // R-derived parity, and the output's EVM v would then recover another key.
  const verified = recoveryIdIfValidLowS(p.publicKey, digestScalar(p.digest), r, s);
  if (verified === undefined) invalid('the combined signature does not verify under the derived public key');
  if (verified !== recovery) invalid('the recovery id from R disagrees with the one verification recovers');
  const compact = concatBytes(scalarToBytes(r), scalarToBytes(s));
  return {
    r: scalarToHex(r),
    s: scalarToHex(s),
    recovery,
    signature: toHex(compact),
    publicKey: pointToHex(p.publicKey),
  };
}
