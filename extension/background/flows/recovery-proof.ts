/**
 * Proving a recovery method in a `reset-pin` challenge (DESIGN.md §4.2; docs/api/gateway.md), over the
 * relay's Gateway API. Each proof opens that method's copy of the Node 1 bundle on this device and
 * makes the relay open PIN re-enrolment:
 *   - security questions: the answers go through the PIN guard like a PIN (Argon2id + OPRF, their own
 *     failure counter); the guard's proof opens re-enrolment, K opens the questions copy;
 *   - email: the relay mails a code to the stored address; the right code (after the optional time
 *     lock) releases the relay-held key part and the email copy;
 *   - recovery kit: the typed code (checked by its two check symbols first) opens the kit copy offline,
 *     and a signature over a fresh nonce with a key derived from the code proves it to the relay.
 * Every recovered bundle comes back with the proven method's own key (recovery-copies.ts), so the
 * reset can re-wrap that copy too.
 *
 * Refusals are PinGuardErrors: `wrong-code` for anything the user can correct on the same screen
 * (wrong answers, code or kit, a locked questions counter: use another method), `refused` otherwise.
 */
import { fromHex, toHex } from '../../../protocol/bytes.js';
import { deriveEmailRecoveryKey } from '../../../protocol/pin/email-recovery.js';
import { RecoveryInputError, UnwrapError } from '../../../protocol/pin/errors.js';
import { startGuardedUnlock } from '../../../protocol/pin/guarded.js';
import { answersSecret } from '../../../protocol/pin/questions.js';
import {
  deriveRecoveryKitAuthKey,
  deriveRecoveryKitKey,
  parseRecoveryKitCode,
  signRecoveryKitProof,
} from '../../../protocol/pin/recovery-kit.js';
import { parseWrappedSecret, unwrapBundleJson, type WrappedSecret } from '../../../protocol/pin/wrap.js';
import type { Rng } from '../../../protocol/rng.js';
import { type Node1Bundle, parseBundle, type RecoveryCopyMethod, type RecoveryKeyEntry } from '../bundle.js';
import { evaluateWithGuard, type GatewayAnswer, PinGuardError, requestGatewayApi } from '../pin-guard-client.js';
import { RECOVERY_COPY_METHODS, recoveryKeyEntry, withRecoveryKey } from './recovery-copies.js';

export interface RecoveryOptions {
  /** The recovery copies the relay holds for this customer, i.e. the methods the user can prove. */
  methods: RecoveryCopyMethod[];
  /** The three security questions, when that method is set up. */
  questions: string[] | null;
}

export interface RecoveredBundle {
  method: RecoveryCopyMethod;
  /** The bundle from the method's copy, carrying that method's key. */
  bundle: Node1Bundle;
}

export type EmailVerification =
  | { status: 'released'; recovered: RecoveredBundle }
  | { status: 'time-locked'; releaseAt: string };

export interface RecoveryProofClient {
  /** The recovery copies the relay holds (any challenge kind). */
  storedCopies(challengeId: string): Promise<RecoveryCopyMethod[]>;
  options(challengeId: string): Promise<RecoveryOptions>;
  proveAnswers(challengeId: string, customerId: string, answers: string[]): Promise<RecoveredBundle>;
  sendEmailCode(challengeId: string): Promise<{ sentTo: string; releaseDelayMs: number }>;
  /** The emailed code; without a code, asks again after the time lock. */
  verifyEmailCode(challengeId: string, customerId: string, code?: string): Promise<EmailVerification>;
  proveKit(challengeId: string, customerId: string, typedCode: string): Promise<RecoveredBundle>;
}

/** Codes the user can fix on the same screen (relay/recovery/email.ts, kit-proof.ts, pin-guard-routes.ts). */
const CORRECTABLE =
  /^(wrong_questions|wrong_code|code_expired|code_attempts_exhausted|code_already_used|no_code|code_not_verified|wrong_recovery_kit)$/;

export function createRecoveryProofClient(deps: {
  relayOrigin: string;
  fetch: typeof fetch;
  rng: Rng;
}): RecoveryProofClient {
  async function call(
    method: 'GET' | 'POST',
    challengeId: string,
    path: string,
    body?: unknown,
  ): Promise<GatewayAnswer> {
    const answer = await requestGatewayApi(deps, method, `${challengeId}${path}`, body);
    if (answer.status === 200) return answer;
    const code = answer.body.error?.code ?? '';
    const message = answer.body.message ?? `the relay answered HTTP ${answer.status}`;
    if (code === 'wrong_questions') throw new PinGuardError('wrong-code', wrongAnswersMessage(message));
    // A locked questions counter is not the PIN lock: the user can still use another method.
    if (answer.status === 423 || CORRECTABLE.test(code)) {
      throw new PinGuardError('wrong-code', message);
    }
    throw new PinGuardError('refused', message);
  }

  async function fetchCopy(challengeId: string, method: 'questions' | 'kit'): Promise<WrappedSecret> {
    const answer = await call('GET', challengeId, `/copies/${method}`);
    return parseWrappedSecret(answer.body.data?.wrapped);
  }

  async function open(
    wrapped: WrappedSecret,
    rootKey: Uint8Array,
    method: RecoveryCopyMethod,
    entry: RecoveryKeyEntry,
  ): Promise<RecoveredBundle> {
    let bundle: Node1Bundle;
    try {
      bundle = parseBundle(await unwrapBundleJson(wrapped, rootKey));
    } catch (error) {
      if (error instanceof UnwrapError) {
        throw new PinGuardError(
          'wrong-code',
          method === 'kit'
            ? 'this code does not open your recovery kit: check it against the kit you saved'
            : `the ${method} copy did not open with what was given`,
        );
      }
      throw error;
    }
    return { method, bundle: withRecoveryKey(bundle, method, entry) };
  }

  async function storedCopies(challengeId: string): Promise<RecoveryCopyMethod[]> {
    const answer = await call('GET', challengeId, '');
    const stored = Array.isArray(answer.body.data?.storedCopies) ? (answer.body.data.storedCopies as unknown[]) : [];
    return RECOVERY_COPY_METHODS.filter((m) => stored.includes(m));
  }

  return {
    storedCopies,

    async options(challengeId) {
      const methods = await storedCopies(challengeId);
      let questions: string[] | null = null;
      if (methods.includes('questions')) {
        const copy = await fetchCopy(challengeId, 'questions');
        questions = copy.kdf.kind === 'argon2id+poprf' ? (copy.kdf.questions ?? null) : null;
      }
      return { methods, questions };
    },

    async proveAnswers(challengeId, customerId, answers) {
      const wrapped = await fetchCopy(challengeId, 'questions');
      if (wrapped.kdf.kind !== 'argon2id+poprf' || !wrapped.kdf.questions) {
        throw new PinGuardError('refused', 'the stored questions copy has no questions');
      }
      let secret: Uint8Array;
      try {
        secret = answersSecret(wrapped.kdf.questions, answers);
      } catch (error) {
        if (error instanceof RecoveryInputError) throw new PinGuardError('wrong-code', 'answer all three questions');
        throw error;
      }
      const start = startGuardedUnlock({ customerId, purpose: 'questions', secret, kdf: wrapped.kdf, rng: deps.rng });
      secret.fill(0);
      const request = start.outgoing[0];
      const done = await evaluateWithGuard(start, () =>
        call('POST', challengeId, '/pin-guard/questions/evaluate', {
          epoch: request?.epoch,
          blinded: request?.blinded,
        }),
      );
      const proof = done.outgoing[0] as { nonce: string; proof: string };
      const key = done.output;
      if (!key) throw new PinGuardError('refused', 'the answers produced no key');
      try {
        // Always prove: the guard counts the attempt as wrong unless the proof matches.
        await call('POST', challengeId, '/pin-guard/questions/verify', { nonce: proof.nonce, proof: proof.proof });
        const header = { method: 'questions' as const, customerId, kdf: key.kdf };
        return await open(wrapped, key.rootKey, 'questions', recoveryKeyEntry(header, key.rootKey));
      } finally {
        key.rootKey.fill(0);
      }
    },

    async sendEmailCode(challengeId) {
      const answer = await call('POST', challengeId, '/email/recover', {});
      return {
        sentTo: String(answer.body.data?.sentTo ?? 'your email address'),
        releaseDelayMs: Number(answer.body.data?.releaseDelayMs ?? 0),
      };
    },

    async verifyEmailCode(challengeId, customerId, code) {
      const answer = await call('POST', challengeId, '/email/recover/verify', code === undefined ? {} : { code });
      const data = answer.body.data ?? {};
      if (data.status === 'time_locked') return { status: 'time-locked', releaseAt: String(data.releaseAt) };
      if (
        data.status !== 'released' ||
        typeof data.keyPartHex !== 'string' ||
        !/^[0-9a-f]{64}$/.test(data.keyPartHex)
      ) {
        throw new PinGuardError('refused', 'the relay released no valid email key part');
      }
      const wrapped = parseWrappedSecret(data.wrapped);
      if (wrapped.kdf.kind !== 'relay-key-part' || wrapped.method !== 'email') {
        throw new PinGuardError('refused', 'the relay released something that is not the email copy');
      }
      const keyPart = fromHex(data.keyPartHex);
      const rootKey = deriveEmailRecoveryKey(keyPart, customerId, wrapped.kdf.saltHex);
      keyPart.fill(0);
      try {
        const header = { method: 'email' as const, customerId, kdf: wrapped.kdf };
        const recovered = await open(wrapped, rootKey, 'email', recoveryKeyEntry(header, rootKey));
        return { status: 'released', recovered };
      } finally {
        rootKey.fill(0);
      }
    },

    async proveKit(challengeId, customerId, typedCode) {
      let code: string;
      try {
        code = parseRecoveryKitCode(typedCode);
      } catch (error) {
        if (error instanceof RecoveryInputError) {
          throw new PinGuardError('wrong-code', kitCodeProblem(error));
        }
        throw error;
      }
      const wrapped = await fetchCopy(challengeId, 'kit');
      if (wrapped.kdf.kind !== 'recovery-kit')
        throw new PinGuardError('refused', 'the stored kit copy is not a kit copy');
      const saltHex = wrapped.kdf.saltHex;
      const rootKey = deriveRecoveryKitKey(code, customerId, saltHex);
      const { seed, publicKey } = deriveRecoveryKitAuthKey(code, customerId, saltHex);
      try {
        // Open the copy first: a code that does not open it is not worth a proof attempt at the relay.
        const header = { method: 'kit' as const, customerId, kdf: wrapped.kdf };
        const recovered = await open(wrapped, rootKey, 'kit', recoveryKeyEntry(header, rootKey, toHex(publicKey)));
        const { nonce } = (await call('POST', challengeId, '/recovery-kit/nonce', {})).body.data as { nonce: string };
        const proof = signRecoveryKitProof(seed, customerId, challengeId, fromHex(nonce));
        await call('POST', challengeId, '/recovery-kit/prove', { proof: toHex(proof) });
        return recovered;
      } finally {
        rootKey.fill(0);
        seed.fill(0);
      }
    },
  };
}

/** The relay's "wrong answers: N attempts left before the wallet locks", said of the method that locks. */
export function wrongAnswersMessage(relayMessage: string): string {
  const left = /(\d+) attempts? left/.exec(relayMessage)?.[1];
  if (left === undefined) return 'those answers are not right';
  return `those answers are not right: ${left} ${left === '1' ? 'try' : 'tries'} left before recovery by security questions locks`;
}

/** The "why" of a refused kit code, without the field name. */
export function kitCodeProblem(error: RecoveryInputError): string {
  return error.message.replace(/^recovery input "[^"]*" refused: /, '');
}
