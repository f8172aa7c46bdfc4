/**
 * The PIN guard, as the Gateway reaches it through the relay (DESIGN.md §4.1): OPRF evaluations that are
 * counted before they are made, proofs of the unlock key checked over single-use nonces, enrolment and
 * re-enrolment. The relay only forwards to the `PinGuard` interface (in-process, or a separate process
 * when PIN_GUARD_URL is set) and mirrors the lock on the customer record.
 *
 * Re-enrolment (a new PIN) opens only after the user proved something: the current PIN in an update-pin
 * challenge, or a recovery method in a reset-pin challenge (security answers here, the email code in the
 * email-recovery routes).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { GuardPurpose } from '../../protocol/pin/oprf.js';
import { ErrorEnvelope, envelopeOf } from '../api/schemas.js';
import { audit } from '../audit/log.js';
import type { Challenge, ChallengeKind } from '../challenges/store.js';
import type { Database } from '../db/database.js';
import { ApiError } from '../http/api-error.js';
import { respond } from '../http/envelope.js';
import { validationHook } from '../http/validation.js';
import type { PinGuard } from '../pin-guard/types.js';
import { requireActiveChallenge } from '../recovery/active-challenge.js';
import { recordGuardLock } from '../recovery/guard-lock.js';

const ANY_KIND: readonly ChallengeKind[] = [
  'initialize',
  'recovery',
  'update-pin',
  'reset-pin',
  'wallet-create',
  'transfer',
  'contract-execution',
  'sign-message',
  'sign-typed-data',
  'sign-transaction',
  'sign-delegate-action',
  'export-private-keys',
];
/** Where a first enrolment may happen (initialize) and where re-enrolment may follow a proof. */
const ENROL_KINDS: Record<GuardPurpose, readonly ChallengeKind[]> = {
  pin: ['initialize', 'update-pin', 'reset-pin'],
  questions: ['initialize', 'recovery', 'update-pin', 'reset-pin'],
};

const Params = z.object({
  challengeId: z.string().uuid('must be a challenge id (UUID)'),
  purpose: z.enum(['pin', 'questions']),
});
const ChallengeParams = z.object({ challengeId: z.string().uuid('must be a challenge id (UUID)') });
const hex = (bytes: number, what: string) =>
  z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `must be ${bytes} bytes of lower-case hex (${what})`);
const errors = {
  400: { description: 'Invalid request or wrong PIN', content: { 'application/json': { schema: ErrorEnvelope } } },
  404: { description: 'Unknown challenge', content: { 'application/json': { schema: ErrorEnvelope } } },
  409: { description: 'Not possible in this state', content: { 'application/json': { schema: ErrorEnvelope } } },
  423: {
    description: 'Locked after too many wrong attempts',
    content: { 'application/json': { schema: ErrorEnvelope } },
  },
};
const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const Evaluation = z.object({ nonce: z.string(), epoch: z.number(), evaluated: z.string(), proof: z.string() });

export interface PinGuardRouteDependencies {
  db: Database;
  pinGuard: PinGuard;
}

export function lockedError(purpose: GuardPurpose): ApiError {
  return new ApiError(
    423,
    'locked',
    purpose === 'pin'
      ? 'too many wrong PINs: this wallet is locked. Reset your PIN with a recovery method (ask the service you use to start a PIN reset).'
      : 'too many wrong answers: security-question recovery is locked. Use another recovery method.',
  );
}

/**
 * Opens re-enrolment after the user proved a recovery method or the current PIN: of the PIN, and of the
 * security answers, because after the share refresh that follows, the answers copy must be re-wrapped too.
 */
export async function openPinReEnrolment(deps: PinGuardRouteDependencies, challenge: Challenge, proof: string) {
  await deps.pinGuard.allowEnrolment(challenge.customerId, 'pin');
  await deps.pinGuard.allowEnrolment(challenge.customerId, 'questions');
  await deps.db.transaction((tx) =>
    audit(tx, {
      organisationId: challenge.organisationId,
      customerId: challenge.customerId,
      actor: `customer:${challenge.customerId}`,
      action: 'pin.re_enrolment_opened',
      target: `challenge:${challenge.id}`,
      details: { proof },
    }),
  );
}

export function pinGuardRoutes(deps: PinGuardRouteDependencies) {
  const app = new OpenAPIHono({ defaultHook: validationHook });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/gateway/challenges/{challengeId}/pin-guard',
      tags: ['gateway'],
      summary: "The PIN guard's public key and this customer's enrolment and attempt counters",
      request: { params: ChallengeParams },
      responses: {
        200: { description: 'Guard info', ...json(envelopeOf(z.record(z.string(), z.unknown()))) },
        ...errors,
      },
    }),
    async (c) => {
      const challenge = await requireActiveChallenge(deps.db, c.req.valid('param').challengeId, ANY_KIND);
      const [info, pin, questions] = await Promise.all([
        deps.pinGuard.info(),
        deps.pinGuard.status(challenge.customerId, 'pin'),
        deps.pinGuard.status(challenge.customerId, 'questions'),
      ]);
      const { maxFailures, ...guard } = info;
      return respond(c, 200, 'PIN guard', { guard, maxFailures, status: { pin, questions } });
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/gateway/challenges/{challengeId}/pin-guard/{purpose}/evaluate',
      tags: ['gateway'],
      summary: 'Unlock attempt: counted, then evaluated; returns the OPRF evaluation and a single-use nonce',
      request: {
        params: Params,
        body: {
          required: true,
          ...json(z.object({ epoch: z.number().int().min(1), blinded: hex(33, 'P-256 element') }).strict()),
        },
      },
      responses: {
        200: {
          description: 'Evaluated',
          ...json(envelopeOf(z.object({ evaluation: Evaluation, attemptsRemaining: z.number() }))),
        },
        ...errors,
      },
    }),
    async (c) => {
      const { challengeId, purpose } = c.req.valid('param');
      const challenge = await requireActiveChallenge(deps.db, challengeId, ANY_KIND);
      const body = c.req.valid('json');
      const result = await deps.pinGuard.evaluate({ customerId: challenge.customerId, purpose, ...body });
      if (result.status === 'locked') {
        await recordGuardLock(deps.db, challenge, purpose, result.lockedOut);
        throw lockedError(purpose);
      }
      if (result.status === 'not-enrolled')
        throw new ApiError(409, 'not_enrolled', `no ${purpose} is set up for this wallet`);
      if (result.status === 'stale-epoch') {
        throw new ApiError(
          409,
          'stale_epoch',
          `this device's copy is outdated (current enrolment ${result.epoch}); restore it from the relay`,
        );
      }
      return respond(c, 200, 'Evaluated', {
        evaluation: result.evaluation,
        attemptsRemaining: result.attemptsRemaining,
      });
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/gateway/challenges/{challengeId}/pin-guard/{purpose}/verify',
      tags: ['gateway'],
      summary: 'Proof of the unlock key over the nonce; resets the counter on success',
      request: {
        params: Params,
        body: { required: true, ...json(z.object({ nonce: hex(32, 'nonce'), proof: hex(64, 'proof') }).strict()) },
      },
      responses: {
        200: { description: 'Verified', ...json(envelopeOf(z.object({ status: z.literal('ok') }))) },
        ...errors,
      },
    }),
    async (c) => {
      const { challengeId, purpose } = c.req.valid('param');
      const challenge = await requireActiveChallenge(deps.db, challengeId, ANY_KIND);
      const result = await deps.pinGuard.verify({ customerId: challenge.customerId, purpose, ...c.req.valid('json') });
      if (result.status === 'locked') {
        await recordGuardLock(deps.db, challenge, purpose, result.lockedOut);
        throw lockedError(purpose);
      }
      if (result.status === 'not-enrolled')
        throw new ApiError(409, 'not_enrolled', `no ${purpose} is set up for this wallet`);
      if (result.status === 'invalid-nonce') {
        throw new ApiError(409, 'invalid_nonce', 'this attempt expired or was already used: try again');
      }
      if (result.status === 'wrong') {
        const left = result.attemptsRemaining;
        const what = purpose === 'pin' ? 'PIN' : 'answers';
        throw new ApiError(
          400,
          `wrong_${purpose}`,
          `wrong ${what}: ${left} attempt${left === 1 ? '' : 's'} left before the wallet locks`,
        );
      }
      if (challenge.kind === 'update-pin' && purpose === 'pin') {
        await openPinReEnrolment(deps, challenge, 'current-pin');
      }
      // Changing the recovery setup: the current PIN allows new security answers.
      if (challenge.kind === 'recovery' && purpose === 'pin') {
        await deps.pinGuard.allowEnrolment(challenge.customerId, 'questions');
      }
      if (challenge.kind === 'reset-pin' && purpose === 'questions') {
        await openPinReEnrolment(deps, challenge, 'security-questions');
      }
      return respond(c, 200, 'Verified', { status: 'ok' as const });
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/gateway/challenges/{challengeId}/pin-guard/{purpose}/enrol',
      tags: ['gateway'],
      summary: '(Re-)enrolment evaluation under a fresh epoch',
      request: {
        params: Params,
        body: { required: true, ...json(z.object({ blinded: hex(33, 'P-256 element') }).strict()) },
      },
      responses: {
        200: { description: 'Evaluated', ...json(envelopeOf(z.object({ evaluation: Evaluation }))) },
        ...errors,
      },
    }),
    async (c) => {
      const { challengeId, purpose } = c.req.valid('param');
      const challenge = await requireActiveChallenge(deps.db, challengeId, ENROL_KINDS[purpose]);
      const result = await deps.pinGuard.beginEnrolment({
        customerId: challenge.customerId,
        purpose,
        ...c.req.valid('json'),
      });
      if (result.status === 'enrolment-closed') {
        throw new ApiError(
          409,
          'enrolment_closed',
          `setting a new ${purpose === 'pin' ? 'PIN' : 'set of answers'} needs the current one or a recovery method first`,
        );
      }
      return respond(c, 200, 'Evaluated', { evaluation: result.evaluation });
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/gateway/challenges/{challengeId}/pin-guard/{purpose}/enrol/complete',
      tags: ['gateway'],
      summary: 'Store the new verifier (proved over the enrolment nonce); clears the counter and the lock',
      request: {
        params: Params,
        body: {
          required: true,
          ...json(
            z.object({ nonce: hex(32, 'nonce'), verifier: hex(32, 'verifier'), proof: hex(64, 'proof') }).strict(),
          ),
        },
      },
      responses: { 200: { description: 'Enrolled', ...json(envelopeOf(z.object({ epoch: z.number() }))) }, ...errors },
    }),
    async (c) => {
      const { challengeId, purpose } = c.req.valid('param');
      const challenge = await requireActiveChallenge(deps.db, challengeId, ENROL_KINDS[purpose]);
      const result = await deps.pinGuard.completeEnrolment({
        customerId: challenge.customerId,
        purpose,
        ...c.req.valid('json'),
      });
      if (result.status === 'invalid-nonce')
        throw new ApiError(409, 'invalid_nonce', 'the enrolment expired: start again');
      if (result.status === 'bad-proof')
        throw new ApiError(400, 'bad_proof', 'the enrolment proof does not match the verifier');
      if (result.status === 'enrolment-closed') throw new ApiError(409, 'enrolment_closed', 'enrolment is not open');
      await deps.db.transaction(async (tx) => {
        if (purpose === 'pin')
          await tx.query('UPDATE customers SET locked = false WHERE id = $1', [challenge.customerId]);
        await audit(tx, {
          organisationId: challenge.organisationId,
          customerId: challenge.customerId,
          actor: `customer:${challenge.customerId}`,
          action: `${purpose}.enrolled`,
          target: `challenge:${challenge.id}`,
          details: { epoch: result.epoch },
        });
      });
      return respond(c, 200, 'Enrolled', { epoch: result.epoch });
    },
  );

  return app;
}
