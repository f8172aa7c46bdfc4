/**
 * Resetting the PIN with the recovery kit. The kit copy opens offline (the relay never sees the code),
 * so the relay needs its own evidence before it lets a new PIN be enrolled: at setup the Gateway
 * registers the public half of a key derived from the code (protocol/pin/recovery-kit.ts); at reset it
 * signs a fresh single-use nonce bound to the customer and the challenge.
 */
import { randomBytes } from 'node:crypto';
import { checkRecoveryKitProof } from '../../protocol/pin/recovery-kit.js';
import { audit } from '../audit/log.js';
import type { Challenge } from '../challenges/store.js';
import type { Database, Queryable } from '../db/database.js';
import { ApiError } from '../http/api-error.js';

const NONCE_BYTES = 32;
const NONCE_TTL_SECONDS = 120;

export async function registerKitKey(tx: Queryable, customerId: string, publicKey: Uint8Array): Promise<void> {
  await tx.query(
    `INSERT INTO recovery_kit_keys (customer_id, public_key) VALUES ($1, $2)
       ON CONFLICT (customer_id) DO UPDATE SET public_key = EXCLUDED.public_key, updated_at = now()`,
    [customerId, publicKey],
  );
}

export async function issueKitNonce(db: Database, challenge: Challenge): Promise<{ nonce: string }> {
  const known = await db.query('SELECT 1 FROM recovery_kit_keys WHERE customer_id = $1', [challenge.customerId]);
  if (known.rows.length === 0) throw new ApiError(409, 'kit_not_set_up', 'no recovery kit is set up for this wallet');
  const nonce = randomBytes(NONCE_BYTES);
  await db.query(
    `INSERT INTO recovery_kit_nonces (challenge_id, nonce, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3))
       ON CONFLICT (challenge_id) DO UPDATE SET nonce = EXCLUDED.nonce, expires_at = EXCLUDED.expires_at`,
    [challenge.id, nonce, NONCE_TTL_SECONDS],
  );
  return { nonce: nonce.toString('hex') };
}

/** Checks the proof over the outstanding nonce (consumed either way); throws unless it verifies. */
export async function checkKitProof(db: Database, challenge: Challenge, proof: Uint8Array): Promise<void> {
  const outcome = await db.transaction(async (tx) => {
    const r = await tx.query<{ nonce: Uint8Array; live: boolean; public_key: Uint8Array | null }>(
      `SELECT n.nonce, n.expires_at > now() AS live, k.public_key
         FROM recovery_kit_nonces n LEFT JOIN recovery_kit_keys k ON k.customer_id = $2
        WHERE n.challenge_id = $1 FOR UPDATE OF n`,
      [challenge.id, challenge.customerId],
    );
    const row = r.rows[0];
    await tx.query('DELETE FROM recovery_kit_nonces WHERE challenge_id = $1', [challenge.id]);
    // Single-use nonces; guessing a 130-bit code online is hopeless, so no separate attempt counter.
    if (!row?.live) return 'invalid-nonce' as const;
    const ok =
      row.public_key !== null &&
      checkRecoveryKitProof(
        new Uint8Array(row.public_key),
        proof,
        challenge.customerId,
        challenge.id,
        new Uint8Array(row.nonce),
      );
    await audit(tx, {
      organisationId: challenge.organisationId,
      customerId: challenge.customerId,
      actor: `customer:${challenge.customerId}`,
      action: ok ? 'recovery.kit.proved' : 'recovery.kit.proof_refused',
      target: `challenge:${challenge.id}`,
    });
    return ok ? ('ok' as const) : ('wrong' as const);
  });
  if (outcome === 'invalid-nonce')
    throw new ApiError(409, 'invalid_nonce', 'ask for a new nonce and sign it within 2 minutes');
  if (outcome === 'wrong')
    throw new ApiError(400, 'wrong_recovery_kit', 'that recovery kit does not belong to this wallet');
}
