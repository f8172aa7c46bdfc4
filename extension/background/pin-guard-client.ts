/**
 * Node 1's side of the PIN guard (protocol/pin/guarded.ts) over the relay's Gateway API
 * (`/v2/gateway/challenges/:challengeId/pin-guard/...` and `/copies/:method`; the challenge id is the
 * capability). Enrol a PIN, unlock with it, and store or fetch the wrapped copies of the Node 1
 * bundle. Argon2id runs while the guard round trip is in flight.
 *
 * Failures become a PinGuardError whose `code` the Gateway maps to what the user should do next:
 * `wrong-pin` (with the attempts left), `locked` (recover), `stale-copy` (restore from the relay),
 * `retry` (the attempt expired), `not-enrolled`, `refused`, `unreachable`.
 */
import type { Argon2Bounds } from '../../protocol/pin/argon2.js';
import {
  type GuardedAwaitingState,
  type GuardedKeyOutput,
  pinSecret,
  receiveGuardEvaluation,
  startGuardedEnrolment,
  startGuardedUnlock,
  stretchGuardedSecret,
} from '../../protocol/pin/guarded.js';
import { type GuardPurpose, parseGuardPublicKey } from '../../protocol/pin/oprf.js';
import { answersSecret } from '../../protocol/pin/questions.js';
import { parseWrappedSecret, type WrapMethod, type WrappedSecret } from '../../protocol/pin/wrap.js';
import type { Rng } from '../../protocol/rng.js';

export type PinGuardFailure =
  | 'wrong-pin'
  | 'locked'
  | 'not-enrolled'
  | 'stale-copy'
  | 'retry'
  | 'refused'
  | 'wrong-code'
  | 'unreachable';

export class PinGuardError extends Error {
  override readonly name = 'PinGuardError';
  readonly code: PinGuardFailure;
  /** For `wrong-pin`: how many tries are left before the wallet locks. */
  readonly attemptsLeft: number | undefined;
  constructor(code: PinGuardFailure, message: string, attemptsLeft?: number) {
    super(message);
    this.code = code;
    this.attemptsLeft = attemptsLeft;
  }
}

export interface PinGuardClient {
  /** First PIN (initialize) or a new PIN once the relay opened re-enrolment; returns the root key K and its KDF header. */
  enrolPin(challengeId: string, customerId: string, pin: string): Promise<GuardedKeyOutput>;
  /** K for the PIN copy `wrapped`; throws PinGuardError (`wrong-pin`, `locked`…). */
  unlockPin(challengeId: string, customerId: string, pin: string, wrapped: WrappedSecret): Promise<GuardedKeyOutput>;
  /** Three security answers (purpose 'questions', its own guard counter); returns K for the questions copy. */
  enrolAnswers(
    challengeId: string,
    customerId: string,
    questions: string[],
    answers: string[],
  ): Promise<GuardedKeyOutput>;
  /** Stores a copy; the kit copy goes with the kit's public key (for kit-proved resets). */
  storeCopy(challengeId: string, wrapped: WrappedSecret, kitPublicKey?: string): Promise<void>;
  fetchCopy(challengeId: string, method: WrapMethod): Promise<WrappedSecret>;
  /**
   * The counted evaluation and K for the PIN copy `wrapped`, without the verify step: the proof goes
   * where the caller sends it (the export ceremony, device admission), or to `verifyPin`.
   */
  evaluatePin(
    challengeId: string,
    customerId: string,
    pin: string,
    wrapped: WrappedSecret,
  ): Promise<{ key: GuardedKeyOutput; proof: PinProof }>;
  /** Sends a proof from `evaluatePin` to the guard (a wrong PIN throws `wrong-pin` with the tries left). */
  verifyPin(challengeId: string, proof: PinProof): Promise<void>;
  /** Admits this device for the challenge's customer (relay route …/devices); returns the customer's wallets. */
  admitDevice(challengeId: string, request: DeviceAdmissionRequest): Promise<AdmittedWallet[]>;
  /** Email recovery setup, step 1: the relay mails a 6-digit code to `email`. */
  sendEmailCode(challengeId: string, email: string): Promise<void>;
  /** Step 2: a correct code returns the relay-held key part for the email copy (hex). */
  confirmEmailCode(challengeId: string, code: string): Promise<string>;
  /** Asks the relay to complete an initialize/recovery/update-pin/reset-pin challenge; returns its result. */
  complete(challengeId: string): Promise<Record<string, unknown>>;
}

/** The guard's single-use verify request: proves K was derived from the right PIN. */
export interface PinProof {
  nonce: string;
  proof: string;
}

export interface DeviceAdmissionRequest {
  deviceId: string;
  publicKey: string;
  signature: string;
  pin: PinProof;
}

/** A customer wallet as the relay lists it to an admitted device (public data). */
export interface AdmittedWallet {
  blockchain: string;
  address: string;
  keyFamily: string;
  addressType: string | null;
}

export interface PinGuardClientDependencies {
  relayOrigin: string;
  fetch: typeof fetch;
  rng: Rng;
  /** Tests only (cheaper Argon2id); production uses protocol/pin's bounds. */
  argon2Bounds?: Argon2Bounds;
}

export interface GatewayAnswer {
  status: number;
  body: { data?: Record<string, unknown>; message?: string; error?: { code?: string } };
}

function failureOf(answer: GatewayAnswer): PinGuardError {
  const code = answer.body.error?.code ?? '';
  const message = answer.body.message ?? `the relay answered HTTP ${answer.status}`;
  if (answer.status === 423) return new PinGuardError('locked', message);
  if (code === 'wrong_pin') {
    const left = /(\d+) attempt/.exec(message);
    return new PinGuardError('wrong-pin', message, left ? Number(left[1]) : undefined);
  }
  if (code === 'not_enrolled') return new PinGuardError('not-enrolled', message);
  if (code === 'stale_epoch') return new PinGuardError('stale-copy', message);
  if (code === 'invalid_nonce') return new PinGuardError('retry', message);
  if (/code/.test(code)) return new PinGuardError('wrong-code', message);
  return new PinGuardError('refused', message);
}

/**
 * One request to the relay's Gateway API (`/v2/gateway/challenges/<path>`): no cookies, no redirects, a
 * 15 s timeout; an unreachable relay or a non-JSON answer becomes a PinGuardError. The caller maps
 * non-200 answers to its own errors.
 */
export async function requestGatewayApi(
  deps: { relayOrigin: string; fetch: typeof fetch },
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
): Promise<GatewayAnswer> {
  let response: Response;
  try {
    response = await deps.fetch(`${deps.relayOrigin}/v2/gateway/challenges/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      redirect: 'error',
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new PinGuardError(
      'unreachable',
      `the relay at ${deps.relayOrigin} did not answer (${(error as Error).name})`,
    );
  }
  let parsed: GatewayAnswer['body'];
  try {
    parsed = (await response.json()) as GatewayAnswer['body'];
  } catch {
    throw new PinGuardError('refused', `the relay answered HTTP ${response.status} without JSON`);
  }
  return { status: response.status, body: parsed ?? {} };
}

/**
 * Argon2id runs while the guard evaluates the blinded secret: `post` sends the guard request; when it
 * fails the stretching is awaited (not left running) before the error goes on.
 */
export async function evaluateWithGuard(
  start: { state: GuardedAwaitingState },
  post: () => Promise<GatewayAnswer>,
  argon2Bounds?: Argon2Bounds,
) {
  const stretching = stretchGuardedSecret(start.state, argon2Bounds);
  const evaluated = await post().catch(async (error) => {
    await stretching.catch(() => undefined);
    throw error;
  });
  return receiveGuardEvaluation(start.state, evaluated.body.data?.evaluation, {
    stretched: await stretching,
    ...(argon2Bounds ? { argon2Bounds } : {}),
  });
}

export function createPinGuardClient(deps: PinGuardClientDependencies): PinGuardClient {
  async function call(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<GatewayAnswer> {
    const answer = await requestGatewayApi(deps, method, path, body);
    if (answer.status !== 200) throw failureOf(answer);
    return answer;
  }

  const bounds = deps.argon2Bounds ? { argon2Bounds: deps.argon2Bounds } : {};

  async function enrolGuarded(
    challengeId: string,
    customerId: string,
    purpose: GuardPurpose,
    secret: Uint8Array,
    questions?: string[],
  ): Promise<GuardedKeyOutput> {
    const info = await call('GET', `${challengeId}/pin-guard`);
    const guard = parseGuardPublicKey(info.body.data?.guard);
    const start = startGuardedEnrolment({
      customerId,
      purpose,
      secret,
      guard,
      rng: deps.rng,
      ...(questions ? { questions } : {}),
      ...bounds,
    });
    const done = await evaluateWithGuard(
      start,
      () => call('POST', `${challengeId}/pin-guard/${purpose}/enrol`, { blinded: start.outgoing[0]?.blinded }),
      deps.argon2Bounds,
    );
    const complete = done.outgoing[0] as { nonce: string; verifier: string; proof: string };
    await call('POST', `${challengeId}/pin-guard/${purpose}/enrol/complete`, {
      nonce: complete.nonce,
      verifier: complete.verifier,
      proof: complete.proof,
    });
    if (!done.output) throw new PinGuardError('refused', 'the enrolment produced no key');
    return done.output;
  }

  /** The counted guard evaluation of a PIN against a PIN copy's KDF header, without the proof step. */
  async function evaluatePin(challengeId: string, customerId: string, pin: string, wrapped: WrappedSecret) {
    if (wrapped.kdf.kind !== 'argon2id+poprf' || wrapped.method !== 'pin') {
      throw new PinGuardError('refused', 'this wrapped copy is not a PIN copy');
    }
    const start = startGuardedUnlock({
      customerId,
      purpose: 'pin',
      secret: pinSecret(pin, { enrolling: false }),
      kdf: wrapped.kdf,
      rng: deps.rng,
      ...bounds,
    });
    const request = start.outgoing[0];
    return evaluateWithGuard(
      start,
      () => call('POST', `${challengeId}/pin-guard/pin/evaluate`, { epoch: request?.epoch, blinded: request?.blinded }),
      deps.argon2Bounds,
    );
  }

  return {
    async enrolPin(challengeId, customerId, pin) {
      return enrolGuarded(challengeId, customerId, 'pin', pinSecret(pin, { enrolling: true }));
    },

    async enrolAnswers(challengeId, customerId, questions, answers) {
      return enrolGuarded(challengeId, customerId, 'questions', answersSecret(questions, answers), questions);
    },

    async unlockPin(challengeId, customerId, pin, wrapped) {
      const done = await evaluatePin(challengeId, customerId, pin, wrapped);
      // Always prove: the guard counts the attempt as wrong unless the proof matches, and resets the
      // counter only for the right PIN (protocol/pin/guarded.ts).
      const proof = done.outgoing[0] as { nonce: string; proof: string };
      await call('POST', `${challengeId}/pin-guard/pin/verify`, { nonce: proof.nonce, proof: proof.proof });
      if (!done.output) throw new PinGuardError('refused', 'the unlock produced no key');
      return done.output;
    },

    async storeCopy(challengeId, wrapped, kitPublicKey) {
      await call('PUT', `${challengeId}/copies/${wrapped.method}`, {
        wrapped,
        ...(kitPublicKey === undefined ? {} : { kitPublicKey }),
      });
    },

    async sendEmailCode(challengeId, email) {
      await call('POST', `${challengeId}/email/setup`, { email });
    },

    async confirmEmailCode(challengeId, code) {
      const answer = await call('POST', `${challengeId}/email/setup/confirm`, { code });
      const keyPartHex = answer.body.data?.keyPartHex;
      if (typeof keyPartHex !== 'string' || !/^[0-9a-f]{64}$/.test(keyPartHex)) {
        throw new PinGuardError('refused', 'the relay released no valid email key part');
      }
      return keyPartHex;
    },

    async complete(challengeId) {
      const answer = await call('POST', `${challengeId}/complete`, {});
      return (answer.body.data ?? {}) as Record<string, unknown>;
    },

    async evaluatePin(challengeId, customerId, pin, wrapped) {
      const done = await evaluatePin(challengeId, customerId, pin, wrapped);
      const proof = done.outgoing[0] as PinProof;
      if (!done.output) throw new PinGuardError('refused', 'the unlock produced no key');
      return { key: done.output, proof: { nonce: proof.nonce, proof: proof.proof } };
    },

    async verifyPin(challengeId, proof) {
      await call('POST', `${challengeId}/pin-guard/pin/verify`, { nonce: proof.nonce, proof: proof.proof });
    },

    async admitDevice(challengeId, request) {
      const answer = await call('POST', `${challengeId}/devices`, request);
      const wallets = answer.body.data?.wallets;
      if (!Array.isArray(wallets)) throw new PinGuardError('refused', 'the relay listed no wallets for this device');
      return wallets.filter(
        (w): w is AdmittedWallet =>
          typeof w === 'object' &&
          w !== null &&
          typeof w.blockchain === 'string' &&
          typeof w.address === 'string' &&
          typeof w.keyFamily === 'string',
      );
    },

    async fetchCopy(challengeId, method) {
      const answer = await call('GET', `${challengeId}/copies/${method}`);
      return parseWrappedSecret(answer.body.data?.wrapped, bounds);
    },
  };
}
