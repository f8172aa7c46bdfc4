/**
 * Admitting a second device (a new browser profile) for an existing customer, under any live
 * challenge that needs the PIN (DESIGN.md §7 "restore on a new device").
 *
 * The MPC handshake registers a device only under an `initialize` or `recovery` challenge, so a user
 * who opens a wallet-create or sign-message challenge in a fresh profile had no way in. Here the new
 * device proves two things in one request, and the relay checks both before it records the key:
 *   - the PIN: the guard's single-use verify proof (the Gateway ran the counted OPRF evaluation
 *     first). A wrong PIN counts against the same limit of 5 as any other attempt;
 *   - the device key: an ECDSA P-256 signature over `handshakeTranscript({ mode: 'register', nonce:
 *     <the guard nonce>, origin, deviceId, customerId, challengeId, publicKey })`, the registration
 *     transcript of protocol/wire/handshake.ts with the guard's nonce as its fresh nonce (a captured
 *     signature cannot be replayed: the guard nonce is consumed by the verify below).
 * What it gives: the device may authenticate on /v2/mpc afterwards. It gives nothing the PIN and the
 * challenge capability did not already give (the PIN copy of the bundle is readable under any challenge
 * and opens with the PIN); the relay still co-signs only what an approved challenge allows.
 * The answer lists the customer's wallets (public rows) so the device can show its accounts.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { fromHex, toHex } from '../../protocol/bytes.js';
import {
  deviceIdFromPublicKey,
  handshakeTranscript,
  parseDevicePublicKey,
  verifyDeviceSignature,
} from '../../protocol/wire/handshake.js';
import { ErrorEnvelope, envelopeOf } from '../api/schemas.js';
import { audit } from '../audit/log.js';
import type { ChallengeKind } from '../challenges/store.js';
import type { Database } from '../db/database.js';
import { ApiError } from '../http/api-error.js';
import { respond } from '../http/envelope.js';
import { validationHook } from '../http/validation.js';
import { registerDevice } from '../mpc/devices.js';
import type { PinGuard } from '../pin-guard/types.js';
import { requireActiveChallenge } from '../recovery/active-challenge.js';
import { recordGuardLock } from '../recovery/guard-lock.js';
import { listCustomerWallets } from '../wallets/store.js';
import { lockedError } from './pin-guard-routes.js';

/** Challenges approved with the PIN (not initialize, whose handshake registers; not reset-pin: PIN forgotten). */
export const ADMISSION_CHALLENGE_KINDS: readonly ChallengeKind[] = [
  'recovery',
  'update-pin',
  'wallet-create',
  'transfer',
  'contract-execution',
  'sign-message',
  'sign-typed-data',
  'sign-transaction',
  'sign-delegate-action',
  'export-private-keys',
];

const hex = (bytes: number, what: string) =>
  z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `must be ${bytes} bytes of lower-case hex (${what})`);

const AdmissionBody = z
  .object({
    deviceId: z.string().min(1).max(100),
    publicKey: z.string().regex(/^[0-9a-f]+$/, 'must be lower-case hex (65-byte raw or 91-byte SPKI P-256 key)'),
    signature: hex(64, 'ECDSA P-256 r ‖ s'),
    pin: z.object({ nonce: hex(32, 'guard nonce'), proof: hex(64, 'guard proof') }).strict(),
  })
  .strict();

const AdmittedWallet = z.object({
  blockchain: z.string(),
  address: z.string(),
  keyFamily: z.string(),
  addressType: z.string().nullable(),
});

const errors = {
  400: { description: 'Invalid request or wrong PIN', content: { 'application/json': { schema: ErrorEnvelope } } },
  403: { description: 'Device key refused', content: { 'application/json': { schema: ErrorEnvelope } } },
  404: { description: 'Unknown challenge', content: { 'application/json': { schema: ErrorEnvelope } } },
  409: { description: 'Not possible in this state', content: { 'application/json': { schema: ErrorEnvelope } } },
  423: { description: 'Locked after too many wrong PINs', content: { 'application/json': { schema: ErrorEnvelope } } },
};

export function deviceAdmissionRoutes(deps: { db: Database; pinGuard: PinGuard; publicUrl?: string | undefined }) {
  const app = new OpenAPIHono({ defaultHook: validationHook });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/gateway/challenges/{challengeId}/devices',
      tags: ['gateway'],
      summary: 'Admit this device (a new browser profile) for the customer, after the PIN',
      request: {
        params: z.object({ challengeId: z.string().uuid('must be a challenge id (UUID)') }),
        body: { required: true, content: { 'application/json': { schema: AdmissionBody } } },
      },
      responses: {
        200: {
          description: 'Admitted',
          content: {
            'application/json': {
              schema: envelopeOf(z.object({ deviceId: z.string(), wallets: z.array(AdmittedWallet) })),
            },
          },
        },
        ...errors,
      },
    }),
    async (c) => {
      const { challengeId } = c.req.valid('param');
      const body = c.req.valid('json');
      const challenge = await requireActiveChallenge(deps.db, challengeId, ADMISSION_CHALLENGE_KINDS);
      let publicKey: Uint8Array;
      try {
        publicKey = parseDevicePublicKey(body.publicKey);
      } catch (error) {
        throw new ApiError(400, 'bad_public_key', (error as Error).message);
      }
      if (deviceIdFromPublicKey(publicKey) !== body.deviceId) {
        throw new ApiError(400, 'device_id_mismatch', 'deviceId is not the id derived from publicKey');
      }
      const origin = deps.publicUrl ? new URL(deps.publicUrl).origin : new URL(c.req.url).origin;
      const transcript = handshakeTranscript({
        mode: 'register',
        nonce: body.pin.nonce,
        origin,
        deviceId: body.deviceId,
        customerId: challenge.customerId,
        challengeId,
        publicKey: toHex(publicKey),
      });
      if (!verifyDeviceSignature(publicKey, transcript, fromHex(body.signature))) {
        throw new ApiError(403, 'bad_signature', 'the signature does not verify under publicKey for this relay');
      }
      const verdict = await deps.pinGuard.verify({ customerId: challenge.customerId, purpose: 'pin', ...body.pin });
      if (verdict.status === 'locked') {
        await recordGuardLock(deps.db, challenge, 'pin', verdict.lockedOut);
        throw lockedError('pin');
      }
      if (verdict.status === 'not-enrolled')
        throw new ApiError(409, 'not_enrolled', 'no PIN is set up for this wallet');
      if (verdict.status === 'invalid-nonce') {
        throw new ApiError(409, 'invalid_nonce', 'this attempt expired or was already used: try again');
      }
      if (verdict.status === 'wrong') {
        const left = verdict.attemptsRemaining;
        throw new ApiError(
          400,
          'wrong_pin',
          `wrong PIN: ${left} attempt${left === 1 ? '' : 's'} left before the wallet locks`,
        );
      }
      const device = await deps.db.transaction(async (tx) => {
        const registered = await registerDevice(tx, {
          id: body.deviceId,
          organisationId: challenge.organisationId,
          customerId: challenge.customerId,
          publicKey,
          challengeId,
        });
        if (registered && !registered.revokedAt) {
          await audit(tx, {
            organisationId: challenge.organisationId,
            customerId: challenge.customerId,
            actor: `customer:${challenge.customerId}`,
            action: 'mpc.device.admitted',
            target: `challenge:${challengeId}`,
            details: { deviceId: body.deviceId, kind: challenge.kind },
          });
        }
        return registered;
      });
      if (!device) throw new ApiError(409, 'device_conflict', 'this device key is registered to another customer');
      if (device.revokedAt) throw new ApiError(403, 'device_revoked', 'this device was revoked');
      const wallets = (await listCustomerWallets(deps.db, challenge.customerId)).map((w) => ({
        blockchain: w.blockchain,
        address: w.address,
        keyFamily: w.keyFamily,
        addressType: w.addressType,
      }));
      return respond(c, 200, 'Device admitted', { deviceId: device.id, wallets });
    },
  );
  return app;
}
