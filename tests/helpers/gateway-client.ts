/**
 * What the Gateway does over the relay's JSON API (`/v2/gateway/challenges/:id/...`), written with the
 * real client code of protocol/pin, for integration tests: read the guard key, enrol a PIN, unlock with
 * it, store and fetch wrapped copies, and run email recovery through the relay's dev mailbox.
 */
import { fromHex, toHex } from '../../protocol/bytes.js';
import { deriveEmailRecoveryKey, emailRecoveryHeader } from '../../protocol/pin/email-recovery.js';
import {
  type GuardedKeyOutput,
  pinSecret,
  receiveGuardEvaluation,
  startGuardedEnrolment,
  startGuardedUnlock,
} from '../../protocol/pin/guarded.js';
import { type GuardPurpose, parseGuardPublicKey } from '../../protocol/pin/oprf.js';
import { answersSecret } from '../../protocol/pin/questions.js';
import {
  deriveRecoveryKitAuthKey,
  deriveRecoveryKitKey,
  generateRecoveryKitCode,
  recoveryKitHeader,
  signRecoveryKitProof,
} from '../../protocol/pin/recovery-kit.js';
import {
  parseWrappedSecret,
  unwrapBundleJson,
  type WrapMethod,
  type WrappedSecret,
  wrapBundle,
} from '../../protocol/pin/wrap.js';
import { secureRng } from '../../protocol/rng.js';
import type { DevMailbox } from '../../relay/mail/dev-mailbox.js';

export interface GatewayResponse {
  status: number;
  json: any;
}

export function createGatewayClient(relayUrl: string) {
  async function call(method: string, challengeId: string, rest: string, body?: unknown): Promise<GatewayResponse> {
    const res = await fetch(`${relayUrl}/v2/gateway/challenges/${challengeId}${rest}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  }
  function ok(r: GatewayResponse, what: string) {
    if (r.status !== 200) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.json)}`);
    return r.json.data;
  }

  return {
    call,
    async guardKey(challengeId: string) {
      return parseGuardPublicKey(ok(await call('GET', challengeId, '/pin-guard'), 'pin-guard').guard);
    },
    /** Enrols `pin` (initialize, or update/reset once re-enrolment is open) and returns K and its KDF header. */
    enrolPin(challengeId: string, customerId: string, pin: string): Promise<GuardedKeyOutput> {
      return this.enrolGuarded(challengeId, customerId, 'pin', pinSecret(pin, { enrolling: true }));
    },
    /** Enrols three security answers (purpose 'questions'). */
    enrolAnswers(challengeId: string, customerId: string, questions: string[], answers: string[]) {
      return this.enrolGuarded(challengeId, customerId, 'questions', answersSecret(questions, answers), questions);
    },
    async enrolGuarded(
      challengeId: string,
      customerId: string,
      purpose: GuardPurpose,
      secret: Uint8Array,
      questions?: string[],
    ): Promise<GuardedKeyOutput> {
      const start = startGuardedEnrolment({
        customerId,
        purpose,
        secret,
        guard: await this.guardKey(challengeId),
        rng: secureRng,
        ...(questions ? { questions } : {}),
      });
      const evaluated = ok(
        await call('POST', challengeId, `/pin-guard/${purpose}/enrol`, { blinded: start.outgoing[0]?.blinded }),
        'enrol',
      );
      const done = await receiveGuardEvaluation(start.state, evaluated.evaluation);
      // The relay fills in customer and purpose from the challenge and the path.
      const { nonce, verifier, proof } = done.outgoing[0] as { nonce: string; verifier: string; proof: string };
      ok(
        await call('POST', challengeId, `/pin-guard/${purpose}/enrol/complete`, { nonce, verifier, proof }),
        'enrol/complete',
      );
      return done.output as GuardedKeyOutput;
    },
    /** Unlocks a security-questions copy with the answers (counted at the guard under 'questions'). */
    async unlockAnswers(challengeId: string, customerId: string, answers: string[], wrapped: WrappedSecret) {
      if (wrapped.kdf.kind !== 'argon2id+poprf' || !wrapped.kdf.questions) throw new Error('not a questions copy');
      return this.unlockGuarded(
        challengeId,
        customerId,
        'questions',
        answersSecret(wrapped.kdf.questions, answers),
        wrapped,
      );
    },
    /** Unlocks a PIN copy: counted evaluation, proof, and K. Returns the guard's answer on refusal. */
    unlockPin(challengeId: string, customerId: string, pin: string, wrapped: WrappedSecret) {
      return this.unlockGuarded(challengeId, customerId, 'pin', pinSecret(pin, { enrolling: false }), wrapped);
    },
    async unlockGuarded(
      challengeId: string,
      customerId: string,
      purpose: GuardPurpose,
      secret: Uint8Array,
      wrapped: WrappedSecret,
    ): Promise<{ key: GuardedKeyOutput } | { refused: GatewayResponse }> {
      if (wrapped.kdf.kind !== 'argon2id+poprf') throw new Error('not a guarded copy');
      const start = startGuardedUnlock({ customerId, purpose, secret, kdf: wrapped.kdf, rng: secureRng });
      const { epoch, blinded } = start.outgoing[0] as { epoch: number; blinded: string };
      const evaluated = await call('POST', challengeId, `/pin-guard/${purpose}/evaluate`, { epoch, blinded });
      if (evaluated.status !== 200) return { refused: evaluated };
      const done = await receiveGuardEvaluation(start.state, evaluated.json.data.evaluation);
      const { nonce, proof } = done.outgoing[0] as { nonce: string; proof: string };
      const verified = await call('POST', challengeId, `/pin-guard/${purpose}/verify`, { nonce, proof });
      if (verified.status !== 200) return { refused: verified };
      return { key: done.output as GuardedKeyOutput };
    },
    async storeCopy(challengeId: string, method: WrapMethod, wrapped: WrappedSecret) {
      return ok(await call('PUT', challengeId, `/copies/${method}`, { wrapped }), `store ${method} copy`);
    },
    async fetchCopy(challengeId: string, method: WrapMethod): Promise<WrappedSecret> {
      return parseWrappedSecret(
        ok(await call('GET', challengeId, `/copies/${method}`), `fetch ${method} copy`).wrapped,
      );
    },
    wrapPinCopy(bundle: unknown, customerId: string, key: GuardedKeyOutput) {
      return wrapBundle(bundle, key.rootKey, { method: 'pin', customerId, kdf: key.kdf }, secureRng);
    },
    wrapAnswersCopy(bundle: unknown, customerId: string, key: GuardedKeyOutput) {
      return wrapBundle(bundle, key.rootKey, { method: 'questions', customerId, kdf: key.kdf }, secureRng);
    },
    unwrap<T>(wrapped: WrappedSecret, rootKey: Uint8Array) {
      return unwrapBundleJson<T>(wrapped, rootKey);
    },
    /** Email recovery setup inside an initialize/recovery challenge; returns the email copy's root key. */
    async setUpEmail(challengeId: string, customerId: string, email: string, mailbox: DevMailbox, bundle: unknown) {
      const sentAt = Date.now();
      ok(await call('POST', challengeId, '/email/setup', { email }), 'email/setup');
      const code = codeOf((await mailbox.waitFor(email, { after: sentAt })).raw);
      const { keyPartHex } = ok(await call('POST', challengeId, '/email/setup/confirm', { code }), 'email/confirm');
      const header = emailRecoveryHeader(customerId, secureRng);
      const key = deriveEmailRecoveryKey(fromHex(keyPartHex), customerId, (header.kdf as { saltHex: string }).saltHex);
      const wrapped = await wrapBundle(bundle, key, header, secureRng);
      await this.storeCopy(challengeId, 'email', wrapped);
      return { keyPartHex };
    },
    /** Email recovery inside a reset-pin challenge: returns the released copy and the key that opens it. */
    async recoverByEmail(challengeId: string, customerId: string, email: string, mailbox: DevMailbox) {
      const sentAt = Date.now();
      ok(await call('POST', challengeId, '/email/recover', {}), 'email/recover');
      const code = codeOf((await mailbox.waitFor(email, { after: sentAt })).raw);
      const released = ok(await call('POST', challengeId, '/email/recover/verify', { code }), 'email/recover/verify');
      if (released.status !== 'released') throw new Error(`email recovery is ${released.status}`);
      const wrapped = parseWrappedSecret(released.wrapped);
      const key = deriveEmailRecoveryKey(
        fromHex(released.keyPartHex),
        customerId,
        (wrapped.kdf as { saltHex: string }).saltHex,
      );
      return { wrapped, key, keyPartHex: released.keyPartHex as string };
    },
    /** Recovery kit setup: a new code, the kit copy and the kit's public key for later resets. */
    async setUpKit(challengeId: string, customerId: string, bundle: unknown): Promise<string> {
      const code = generateRecoveryKitCode(secureRng);
      const header = recoveryKitHeader(customerId, secureRng);
      const saltHex = (header.kdf as { saltHex: string }).saltHex;
      const wrapped = await wrapBundle(bundle, deriveRecoveryKitKey(code, customerId, saltHex), header, secureRng);
      const { publicKey } = deriveRecoveryKitAuthKey(code, customerId, saltHex);
      ok(await call('PUT', challengeId, '/copies/kit', { wrapped, kitPublicKey: toHex(publicKey) }), 'store kit copy');
      return code;
    },
    /** Recovery kit reset: open the kit copy offline, then prove the code to the relay (opens PIN enrolment). */
    async recoverByKit(challengeId: string, customerId: string, code: string) {
      const wrapped = await this.fetchCopy(challengeId, 'kit');
      const saltHex = (wrapped.kdf as { saltHex: string }).saltHex;
      const key = deriveRecoveryKitKey(code, customerId, saltHex);
      const { nonce } = ok(await call('POST', challengeId, '/recovery-kit/nonce', {}), 'kit nonce');
      const { seed } = deriveRecoveryKitAuthKey(code, customerId, saltHex);
      const proof = toHex(signRecoveryKitProof(seed, customerId, challengeId, fromHex(nonce)));
      const proved = await call('POST', challengeId, '/recovery-kit/prove', { proof });
      return { wrapped, key, proved };
    },
    async complete(challengeId: string) {
      return call('POST', challengeId, '/complete', {});
    },
  };
}

export function codeOf(rawMail: string): string {
  const match = rawMail.match(/^\s{4}(\d{6})\s*$/m);
  if (!match?.[1]) throw new Error('no 6-digit code in the mail');
  return match[1];
}
