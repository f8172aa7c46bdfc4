/**
 * The Gateway's JSON API (`/v2/gateway/challenges/:challengeId/...`): what the extension needs around a
 * challenge that is not an MPC round — reading what is being approved, storing and fetching the wrapped
 * copies of the Node 1 bundle, and email recovery. No API key: the challenge id is the capability, valid
 * only while the challenge is pending or in progress and unexpired (recovery/active-challenge.ts).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { fromHex } from '../../protocol/bytes.js';
import type { WrapMethod } from '../../protocol/pin/wrap.js';
import { ErrorEnvelope, envelopeOf } from '../api/schemas.js';
import type { ChallengeKind } from '../challenges/store.js';
import type { Database } from '../db/database.js';
import { ApiError } from '../http/api-error.js';
import { respond } from '../http/envelope.js';
import { validationHook } from '../http/validation.js';
import type { PinGuard } from '../pin-guard/types.js';
import { requireActiveChallenge } from '../recovery/active-challenge.js';
import { COMPLETABLE_KINDS, completeGatewayChallenge } from '../recovery/complete-challenge.js';
import { getCopy, listCopyMethods, parseCopy, storeCopy } from '../recovery/copies.js';
import type { EmailRecovery } from '../recovery/email.js';
import { checkKitProof, issueKitNonce, registerKitKey } from '../recovery/kit-proof.js';
import { claimRepairedPinCopy, REPAIR_COPY_KINDS } from '../recovery/repaired-pin-copy.js';
import { openPinReEnrolment } from './pin-guard-routes.js';

/** Kinds during which the Gateway may (re)write a copy: every flow that creates or re-wraps the bundle. */
const WRITE_KINDS: readonly ChallengeKind[] = ['initialize', 'recovery', 'update-pin', 'reset-pin', 'wallet-create'];
/** The PIN copy restores the bundle on a new device during any challenge; it is useless without the PIN guard. */
const READ_PIN_KINDS: readonly ChallengeKind[] = [
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
/** Recovery copies are handed out only to reset a forgotten PIN. */
const READ_RECOVERY_KINDS: readonly ChallengeKind[] = ['reset-pin'];
const SETUP_EMAIL_KINDS: readonly ChallengeKind[] = ['initialize', 'recovery'];

const ChallengeParams = z.object({ challengeId: z.string().uuid('must be a challenge id (UUID)') });
const CopyParams = ChallengeParams.extend({
  method: z.enum(['pin', 'questions', 'kit', 'email']).openapi({ description: 'which wrapped copy' }),
});
const errors = {
  400: { description: 'Invalid request', content: { 'application/json': { schema: ErrorEnvelope } } },
  404: { description: 'Unknown challenge', content: { 'application/json': { schema: ErrorEnvelope } } },
  409: { description: 'Not possible in this state', content: { 'application/json': { schema: ErrorEnvelope } } },
  410: { description: 'Challenge or code expired', content: { 'application/json': { schema: ErrorEnvelope } } },
};
const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });

const GatewayChallenge = z
  .object({
    id: z.string(),
    kind: z.string(),
    status: z.string(),
    expiresAt: z.string(),
    customerId: z.string(),
    hasPin: z.boolean(),
    hasRecovery: z.boolean(),
    locked: z.boolean(),
    businessName: z.string(),
    returnUrl: z
      .string()
      .nullable()
      .openapi({ description: "The business's return URL, where the Gateway sends the user's tab afterwards." }),
    payload: z.record(z.string(), z.unknown()).nullable(),
    storedCopies: z.array(z.string()),
  })
  .openapi('GatewayChallenge');

const WrappedCopy = z.record(z.string(), z.unknown()).openapi('WrappedSecret');

export function gatewayApiRoutes(deps: { db: Database; emailRecovery: EmailRecovery; pinGuard: PinGuard }) {
  const app = new OpenAPIHono({ defaultHook: validationHook });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/gateway/challenges/{challengeId}',
      tags: ['gateway'],
      summary: 'What the Gateway shows for a challenge (the approved payload, the customer state)',
      request: { params: ChallengeParams },
      responses: { 200: { description: 'The challenge', ...json(envelopeOf(GatewayChallenge)) }, ...errors },
    }),
    async (c) => {
      const { challengeId } = c.req.valid('param');
      const challenge = await requireActiveChallenge(deps.db, challengeId, READ_PIN_KINDS);
      const r = await deps.db.query<{ has_pin: boolean; has_recovery: boolean; locked: boolean; business: string }>(
        `SELECT c.has_pin, c.has_recovery, c.locked, o.name AS business
           FROM customers c JOIN organisations o ON o.id = c.organisation_id WHERE c.id = $1`,
        [challenge.customerId],
      );
      const customer = r.rows[0];
      if (!customer) throw new ApiError(404, 'not_found', 'customer not found');
      return respond(c, 200, 'Challenge retrieved', {
        id: challenge.id,
        kind: challenge.kind,
        status: challenge.status,
        expiresAt: challenge.expiresAt,
        customerId: challenge.customerId,
        hasPin: customer.has_pin,
        hasRecovery: customer.has_recovery,
        locked: customer.locked,
        businessName: customer.business,
        returnUrl: challenge.returnUrl,
        payload: challenge.payload,
        storedCopies: await listCopyMethods(deps.db, challenge.customerId),
      });
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/gateway/challenges/{challengeId}/copies/{method}',
      tags: ['gateway'],
      summary: 'Store (or replace) a wrapped copy of the Node 1 bundle',
      description:
        'During initialize, recovery, update-pin, reset-pin and wallet-create. Under a signing challenge only the PIN copy, once, and only after that challenge’s ECDSA signing re-paired the key (409 not_repaired / copy_already_stored otherwise).',
      request: {
        params: CopyParams,
        body: {
          required: true,
          ...json(
            z
              .object({
                wrapped: WrappedCopy,
                kitPublicKey: z
                  .string()
                  .regex(/^[0-9a-f]{64}$/, 'must be 32 bytes of lower-case hex')
                  .optional()
                  .openapi({
                    description: 'With the kit copy: the public key derived from the code, for kit-based resets.',
                  }),
              })
              .strict(),
          ),
        },
      },
      responses: { 200: { description: 'Stored', ...json(envelopeOf(z.object({ method: z.string() }))) }, ...errors },
    }),
    async (c) => {
      const { challengeId, method } = c.req.valid('param');
      // A signing challenge may store only the PIN copy of a share its ceremony re-paired (repaired-pin-copy.ts).
      const kinds = method === 'pin' ? [...WRITE_KINDS, ...REPAIR_COPY_KINDS] : WRITE_KINDS;
      const challenge = await requireActiveChallenge(deps.db, challengeId, kinds);
      const afterRepair = !WRITE_KINDS.includes(challenge.kind);
      const body = c.req.valid('json');
      const wrapped = parseCopy(body.wrapped, method, challenge.customerId);
      if ((method === 'kit') !== (body.kitPublicKey !== undefined)) {
        throw new ApiError(400, 'invalid_request', 'kitPublicKey is required with the kit copy, and only with it');
      }
      if (method === 'email') {
        const r = await deps.db.query(
          'SELECT 1 FROM email_recovery WHERE customer_id = $1 AND verified_at IS NOT NULL',
          [challenge.customerId],
        );
        if (r.rows.length === 0) throw new ApiError(409, 'email_not_verified', 'confirm the email address first');
      }
      await deps.db.transaction(async (tx) => {
        if (afterRepair) await claimRepairedPinCopy(tx, challenge);
        await storeCopy(tx, {
          organisationId: challenge.organisationId,
          customerId: challenge.customerId,
          method,
          wrapped,
        });
        if (body.kitPublicKey) await registerKitKey(tx, challenge.customerId, fromHex(body.kitPublicKey));
      });
      return respond(c, 200, 'Wrapped copy stored', { method });
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/gateway/challenges/{challengeId}/copies/{method}',
      tags: ['gateway'],
      summary:
        'Fetch a wrapped copy (PIN copy: any challenge; questions/kit: reset-pin only; email: via email recovery)',
      request: { params: CopyParams },
      responses: {
        200: { description: 'The copy', ...json(envelopeOf(z.object({ wrapped: WrappedCopy }))) },
        ...errors,
      },
    }),
    async (c) => {
      const { challengeId, method } = c.req.valid('param');
      if (method === 'email') {
        throw new ApiError(
          400,
          'invalid_request',
          'the email copy is released only by email recovery (…/email/recover)',
        );
      }
      const kinds = method === 'pin' ? READ_PIN_KINDS : READ_RECOVERY_KINDS;
      const challenge = await requireActiveChallenge(deps.db, challengeId, kinds);
      const wrapped = await getCopy(deps.db, challenge.customerId, method as WrapMethod);
      if (!wrapped) throw new ApiError(404, 'not_found', `no ${method} copy is stored for this wallet`);
      return respond(c, 200, 'Wrapped copy retrieved', { wrapped });
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/gateway/challenges/{challengeId}/complete',
      tags: ['gateway'],
      summary:
        'Complete an initialize / recovery / update-pin / reset-pin challenge once the relay can see its steps were done',
      request: { params: ChallengeParams },
      responses: {
        200: { description: 'Completed', ...json(envelopeOf(z.object({ status: z.string(), result: z.unknown() }))) },
        ...errors,
      },
    }),
    async (c) => {
      const challenge = await requireActiveChallenge(deps.db, c.req.valid('param').challengeId, COMPLETABLE_KINDS);
      const completed = await completeGatewayChallenge(deps.db, challenge);
      return respond(c, 200, 'Challenge completed', { status: completed.status, result: completed.result });
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/gateway/challenges/{challengeId}/recovery-kit/nonce',
      tags: ['gateway'],
      summary: 'Recovery kit reset, step 1: a fresh single-use nonce to sign with the kit-derived key',
      request: { params: ChallengeParams },
      responses: { 200: { description: 'Nonce', ...json(envelopeOf(z.object({ nonce: z.string() }))) }, ...errors },
    }),
    async (c) => {
      const challenge = await requireActiveChallenge(deps.db, c.req.valid('param').challengeId, READ_RECOVERY_KINDS);
      return respond(c, 200, 'Nonce issued', await issueKitNonce(deps.db, challenge));
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/gateway/challenges/{challengeId}/recovery-kit/prove',
      tags: ['gateway'],
      summary: 'Recovery kit reset, step 2: the signed nonce proves the code; opens enrolment of a new PIN',
      request: {
        params: ChallengeParams,
        body: {
          required: true,
          ...json(
            z.object({ proof: z.string().regex(/^[0-9a-f]{128}$/, 'must be 64 bytes of lower-case hex') }).strict(),
          ),
        },
      },
      responses: {
        200: { description: 'Proved', ...json(envelopeOf(z.object({ status: z.literal('ok') }))) },
        ...errors,
      },
    }),
    async (c) => {
      const challenge = await requireActiveChallenge(deps.db, c.req.valid('param').challengeId, READ_RECOVERY_KINDS);
      await checkKitProof(deps.db, challenge, fromHex(c.req.valid('json').proof));
      await openPinReEnrolment(deps, challenge, 'recovery-kit');
      return respond(c, 200, 'Recovery kit proved', { status: 'ok' as const });
    },
  );

  const EmailBody = z.object({ email: z.string().max(254) }).strict();
  const CodeBody = z.object({ code: z.string().regex(/^\s*[0-9]{6}\s*$/, 'must be the 6-digit code') }).strict();
  const OptionalCodeBody = z
    .object({
      code: z
        .string()
        .regex(/^\s*[0-9]{6}\s*$/, 'must be the 6-digit code')
        .optional(),
    })
    .strict();
  const Sent = z.object({ sentTo: z.string(), expiresAt: z.string() });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/gateway/challenges/{challengeId}/email/setup',
      tags: ['gateway'],
      summary: 'Email recovery setup: mail a code to the given address',
      request: { params: ChallengeParams, body: { required: true, ...json(EmailBody) } },
      responses: { 200: { description: 'Code sent', ...json(envelopeOf(Sent)) }, ...errors },
    }),
    async (c) => {
      const challenge = await requireActiveChallenge(deps.db, c.req.valid('param').challengeId, SETUP_EMAIL_KINDS);
      return respond(c, 200, 'Code sent', await deps.emailRecovery.startSetup(challenge, c.req.valid('json').email));
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/gateway/challenges/{challengeId}/email/setup/confirm',
      tags: ['gateway'],
      summary: 'Email recovery setup: a correct code returns the relay-held key part to wrap the email copy with',
      request: { params: ChallengeParams, body: { required: true, ...json(CodeBody) } },
      responses: {
        200: { description: 'Confirmed', ...json(envelopeOf(z.object({ keyPartHex: z.string() }))) },
        ...errors,
      },
    }),
    async (c) => {
      const challenge = await requireActiveChallenge(deps.db, c.req.valid('param').challengeId, SETUP_EMAIL_KINDS);
      return respond(
        c,
        200,
        'Email confirmed',
        await deps.emailRecovery.confirmSetup(challenge, c.req.valid('json').code),
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/gateway/challenges/{challengeId}/email/recover',
      tags: ['gateway'],
      summary: 'Email recovery: mail a code to the stored address (reset-pin challenges)',
      request: { params: ChallengeParams },
      responses: {
        200: { description: 'Code sent', ...json(envelopeOf(Sent.extend({ releaseDelayMs: z.number() }))) },
        ...errors,
      },
    }),
    async (c) => {
      const challenge = await requireActiveChallenge(deps.db, c.req.valid('param').challengeId, READ_RECOVERY_KINDS);
      return respond(c, 200, 'Code sent', await deps.emailRecovery.startRecovery(challenge));
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/gateway/challenges/{challengeId}/email/recover/verify',
      tags: ['gateway'],
      summary:
        'Email recovery: check the code (or poll without one); after the time lock, release the key part and copy',
      request: { params: ChallengeParams, body: { required: true, ...json(OptionalCodeBody) } },
      responses: {
        200: {
          description: 'Time-locked or released',
          ...json(
            envelopeOf(
              z.object({
                status: z.enum(['time_locked', 'released']),
                releaseAt: z.string().optional(),
                keyPartHex: z.string().optional(),
                wrapped: WrappedCopy.optional(),
              }),
            ),
          ),
        },
        ...errors,
      },
    }),
    async (c) => {
      const challenge = await requireActiveChallenge(deps.db, c.req.valid('param').challengeId, READ_RECOVERY_KINDS);
      const result = await deps.emailRecovery.verifyRecovery(challenge, c.req.valid('json').code);
      if (result.status === 'released') await openPinReEnrolment(deps, challenge, 'email');
      return respond(
        c,
        200,
        result.status === 'released' ? 'Recovery key released' : 'Waiting for the time lock',
        result,
      );
    },
  );

  return app;
}
