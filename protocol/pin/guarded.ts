/**
 * Client side (Node 1) of a guarded secret — the PIN or the security answers — as explicit
 * one-round-trip state machines (style anchors §9.2):
 *
 *   enrolment: startGuardedEnrolment → EnrolEvaluateRequest ⇒ guard ⇒ GuardEvaluation
 *              receiveGuardEvaluation → CompleteEnrolmentRequest + output { rootKey, kdf }
 *   unlock:    startGuardedUnlock(wrapped kdf) → EvaluateRequest ⇒ guard ⇒ GuardEvaluation
 *              receiveGuardEvaluation → VerifyRequest + output { rootKey, kdf }
 *
 * The root key K then opens (`unwrapBundle`) or seals (`wrapBundle`) the Node 1 bundle. States are
 * JSON-safe; they hold the secret input until the evaluation arrives, and the finished state holds
 * nothing secret. A state is used once.
 */
import { fromHex, toHex, utf8ToBytes, wipe } from '../bytes.js';
import { InvalidArgumentError, InvalidMessageError, ProtocolStateError } from '../errors.js';
import type { Rng } from '../rng.js';
import type { Step } from '../session.js';
import { encodeTranscript } from '../transcript.js';
import {
  type Argon2Bounds,
  type Argon2Params,
  createArgon2Params,
  DEFAULT_ARGON2_COST,
  PRODUCTION_ARGON2_BOUNDS,
  parseArgon2Params,
  stretchSecret,
} from './argon2.js';
import { deriveGuardedKey, deriveVerifierKeyPair, type GuardContext, signProof } from './keys.js';
import {
  type CompleteEnrolmentRequest,
  type EnrolEvaluateRequest,
  type EvaluateRequest,
  type GuardEvaluation,
  parseGuardEvaluation,
  type VerifyRequest,
} from './messages.js';
import {
  assertCustomerId,
  blindInput,
  finalizeEvaluation,
  type GuardPublicKey,
  type GuardPurpose,
  parseGuardPublicKey,
  poprfInfo,
  poprfInput,
} from './oprf.js';
import { assertAcceptablePin } from './pin-rules.js';
import type { GuardedKdf } from './wrap.js';

/** A guarded flow waiting for the guard's evaluation. */
export interface GuardedAwaitingState {
  phase: 'awaiting-evaluation';
  kind: 'enrol' | 'unlock';
  customerId: string;
  purpose: GuardPurpose;
  guard: GuardPublicKey;
  argon2: Argon2Params;
  /** Unlock: the epoch of the wrapped copy; enrolment: assigned by the guard. */
  epoch: number | null;
  questions: string[] | null;
  /** The secret input (PIN digits or encoded answers), hex. */
  secretHex: string;
  blindHex: string;
  blindedHex: string;
  consumed: boolean;
}

/** Finished: no secret left in the state. */
export interface GuardedDoneState {
  phase: 'done';
  kind: 'enrol' | 'unlock';
  customerId: string;
  purpose: GuardPurpose;
  epoch: number;
}

export type GuardedState = GuardedAwaitingState | GuardedDoneState;

/** The root key K (secret, wipe after use) and the public KDF header to store with the ciphertext. */
export interface GuardedKeyOutput {
  rootKey: Uint8Array;
  kdf: GuardedKdf;
}

/** The PIN as OPRF/Argon2 input; at enrolment the weak-PIN rules apply, at unlock only the format does. */
export function pinSecret(pin: string, options: { enrolling: boolean }): Uint8Array {
  if (options.enrolling) assertAcceptablePin(pin);
  else if (typeof pin !== 'string' || !/^[0-9]{6}$/.test(pin)) {
    throw new InvalidArgumentError(
      'pin',
      'exactly 6 digits',
      typeof pin === 'string' ? `${pin.length} characters` : typeof pin,
    );
  }
  return utf8ToBytes(pin);
}

/** Argon2id input: the secret under a purpose and customer tag (the salt is random as well). */
function argon2Input(purpose: GuardPurpose, customerId: string, secret: Uint8Array): Uint8Array {
  return encodeTranscript('tandem/pin/v1/argon2-input', [purpose, customerId, secret]);
}

function begin(params: {
  kind: 'enrol' | 'unlock';
  customerId: string;
  purpose: GuardPurpose;
  secret: Uint8Array;
  guard: GuardPublicKey;
  argon2: Argon2Params;
  epoch: number | null;
  questions: string[] | null;
  rng: Rng;
}): GuardedAwaitingState {
  const customerId = assertCustomerId(params.customerId);
  const guard = parseGuardPublicKey(params.guard);
  const input = poprfInput(params.purpose, params.secret);
  const { blind, blinded } = blindInput(input, fromHex(guard.publicKey, 'guard.publicKey', 33), params.rng);
  wipe(input);
  return {
    phase: 'awaiting-evaluation',
    kind: params.kind,
    customerId,
    purpose: params.purpose,
    guard,
    argon2: params.argon2,
    epoch: params.epoch,
    questions: params.questions,
    secretHex: toHex(params.secret),
    blindHex: toHex(blind),
    blindedHex: toHex(blinded),
    consumed: false,
  };
}

/**
 * Starts an enrolment (first PIN, new PIN, or new security answers). `secret` comes from
 * `pinSecret(pin, { enrolling: true })` or `answersSecret(...)`. Fresh Argon2id parameters are
 * created here (default 64 MiB / t=3 / p=1; `argon2Cost`/`argon2Bounds` exist for tests only).
 */
export function startGuardedEnrolment(params: {
  customerId: string;
  purpose: GuardPurpose;
  secret: Uint8Array;
  guard: GuardPublicKey;
  rng: Rng;
  questions?: string[];
  argon2Cost?: { memoryKiB: number; iterations: number; parallelism: number };
  argon2Bounds?: Argon2Bounds;
}): Step<GuardedAwaitingState, EnrolEvaluateRequest, never> {
  if ((params.purpose === 'questions') !== (params.questions !== undefined)) {
    throw new InvalidArgumentError('questions', 'the 3 prompts exactly when purpose is "questions"');
  }
  const argon2 = createArgon2Params(params.rng, params.argon2Cost ?? DEFAULT_ARGON2_COST, params.argon2Bounds);
  const state = begin({ ...params, kind: 'enrol', argon2, epoch: null, questions: params.questions ?? null });
  return {
    state,
    outgoing: [{ customerId: state.customerId, purpose: state.purpose, blinded: state.blindedHex }],
  };
}

/** Starts an unlock against a wrapped copy's KDF header (already parsed with `parseWrappedSecret`). */
export function startGuardedUnlock(params: {
  customerId: string;
  purpose: GuardPurpose;
  secret: Uint8Array;
  kdf: GuardedKdf;
  rng: Rng;
  argon2Bounds?: Argon2Bounds;
}): Step<GuardedAwaitingState, EvaluateRequest, never> {
  const argon2 = parseArgon2Params(params.kdf.argon2, params.argon2Bounds ?? PRODUCTION_ARGON2_BOUNDS);
  const state = begin({
    ...params,
    kind: 'unlock',
    guard: params.kdf.guard,
    argon2,
    epoch: params.kdf.epoch,
    questions: params.kdf.questions ?? null,
  });
  return {
    state,
    outgoing: [
      { customerId: state.customerId, purpose: state.purpose, epoch: params.kdf.epoch, blinded: state.blindedHex },
    ],
  };
}

/**
 * Argon2id of the state's secret. Exposed so the caller can run it while the guard round trip is
 * in flight and pass the result to `receiveGuardEvaluation` (it is recomputed when omitted).
 */
export function stretchGuardedSecret(state: GuardedAwaitingState, argon2Bounds?: Argon2Bounds): Promise<Uint8Array> {
  const secret = fromHex(state.secretHex, 'secretHex');
  const input = argon2Input(state.purpose, state.customerId, secret);
  wipe(secret);
  return stretchSecret(input, state.argon2, argon2Bounds).finally(() => wipe(input));
}

/**
 * Consumes the guard's evaluation: verifies the DLEQ proof against the pinned key and this
 * customer's info, derives K, and returns the proof message for the guard plus K. On unlock the
 * caller should open the bundle with K (a wrong PIN fails there too) and send the VerifyRequest
 * either way, so the guard resets the counter only for the right secret.
 */
export async function receiveGuardEvaluation(
  state: GuardedState,
  message: unknown,
  options: { stretched?: Uint8Array; argon2Bounds?: Argon2Bounds } = {},
): Promise<Step<GuardedDoneState, VerifyRequest | CompleteEnrolmentRequest, GuardedKeyOutput>> {
  if (state.phase !== 'awaiting-evaluation') {
    throw new ProtocolStateError({ expected: 'awaiting-evaluation', actual: state.phase });
  }
  if (state.consumed) throw new ProtocolStateError({ expected: 'an unused state', actual: 'a consumed state' });
  state.consumed = true;
  // Take the secrets out of the state now, so a failure below leaves nothing secret in it either.
  const secretHex = state.secretHex;
  const blindHex = state.blindHex;
  state.secretHex = '';
  state.blindHex = '';
  const evaluation: GuardEvaluation = parseGuardEvaluation(message);
  if (state.epoch !== null && evaluation.epoch !== state.epoch) {
    throw new InvalidMessageError({
      from: 'server',
      field: 'epoch',
      expected: String(state.epoch),
      got: String(evaluation.epoch),
    });
  }
  const ctx: GuardContext = {
    customerId: state.customerId,
    purpose: state.purpose,
    keyId: state.guard.keyId,
    epoch: evaluation.epoch,
  };
  const secret = fromHex(secretHex, 'secretHex');
  const input = poprfInput(state.purpose, secret);
  const oprfOutput = finalizeEvaluation({
    input,
    blind: fromHex(blindHex, 'blindHex'),
    blinded: fromHex(state.blindedHex, 'blindedHex'),
    evaluated: fromHex(evaluation.evaluated, 'evaluated'),
    proof: fromHex(evaluation.proof, 'proof'),
    publicKey: fromHex(state.guard.publicKey, 'guard.publicKey'),
    info: poprfInfo(ctx.customerId, ctx.purpose, ctx.keyId, ctx.epoch),
  });
  let stretched = options.stretched;
  if (stretched === undefined) {
    const argonInput = argon2Input(state.purpose, state.customerId, secret);
    stretched = await stretchSecret(argonInput, state.argon2, options.argon2Bounds).finally(() => wipe(argonInput));
  }
  const rootKey = deriveGuardedKey(stretched, oprfOutput, ctx);
  wipe(secret, input, oprfOutput, stretched);
  const { seed, verifier } = deriveVerifierKeyPair(rootKey, ctx);
  const nonce = fromHex(evaluation.nonce, 'nonce');
  const proof = toHex(signProof(seed, state.kind, ctx, nonce));
  wipe(seed);

  const kdf: GuardedKdf = { kind: 'argon2id+poprf', argon2: state.argon2, guard: state.guard, epoch: evaluation.epoch };
  if (state.questions) kdf.questions = [...state.questions];
  const done: GuardedDoneState = {
    phase: 'done',
    kind: state.kind,
    customerId: state.customerId,
    purpose: state.purpose,
    epoch: evaluation.epoch,
  };
  const base = { customerId: state.customerId, purpose: state.purpose, nonce: evaluation.nonce, proof };
  const outgoing: VerifyRequest | CompleteEnrolmentRequest =
    state.kind === 'enrol' ? { ...base, verifier: toHex(verifier) } : base;
  return { state: done, outgoing: [outgoing], output: { rootKey, kdf } };
}
