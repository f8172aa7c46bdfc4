/**
 * Device records: the P-256 public key of each Node 1 install, tied to its customer. Registration
 * happens once, under an `initialize` (or `recovery`, for a new device) challenge; afterwards the
 * device authenticates every connection by signing a fresh nonce (handshake.ts).
 */
import type { Queryable } from '../db/database.js';

export interface Device {
  id: string;
  organisationId: string;
  customerId: string;
  /** Raw uncompressed P-256 point (65 bytes). */
  publicKey: Uint8Array;
  registeredChallengeId: string;
  createdAt: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
  revokedReason: string | null;
}

interface DeviceRow {
  id: string;
  organisation_id: string;
  customer_id: string;
  public_key: Uint8Array;
  registered_challenge_id: string;
  created_at: Date | string;
  last_seen_at: Date | string | null;
  revoked_at: Date | string | null;
  revoked_reason: string | null;
}

const COLUMNS =
  'id, organisation_id, customer_id, public_key, registered_challenge_id, created_at, last_seen_at, revoked_at, revoked_reason';

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    customerId: row.customer_id,
    publicKey: new Uint8Array(row.public_key),
    registeredChallengeId: row.registered_challenge_id,
    createdAt: new Date(row.created_at).toISOString(),
    lastSeenAt: iso(row.last_seen_at),
    revokedAt: iso(row.revoked_at),
    revokedReason: row.revoked_reason,
  };
}

export async function getDevice(db: Queryable, id: string): Promise<Device | undefined> {
  const r = await db.query<DeviceRow>(`SELECT ${COLUMNS} FROM mpc_devices WHERE id = $1`, [id]);
  return r.rows[0] ? toDevice(r.rows[0]) : undefined;
}

export async function listCustomerDevices(db: Queryable, customerId: string): Promise<Device[]> {
  const r = await db.query<DeviceRow>(`SELECT ${COLUMNS} FROM mpc_devices WHERE customer_id = $1 ORDER BY created_at`, [
    customerId,
  ]);
  return r.rows.map(toDevice);
}

export interface RegisterDeviceParameters {
  id: string;
  organisationId: string;
  customerId: string;
  publicKey: Uint8Array;
  challengeId: string;
}

/**
 * Inserts the device. Registering the same key again for the same customer is idempotent (a retry
 * after a dropped connection) and returns the existing row; `undefined` means the id is taken by
 * another customer (the caller refuses).
 */
export async function registerDevice(tx: Queryable, params: RegisterDeviceParameters): Promise<Device | undefined> {
  await tx.query(
    `INSERT INTO mpc_devices (id, organisation_id, customer_id, public_key, registered_challenge_id)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
    [params.id, params.organisationId, params.customerId, params.publicKey, params.challengeId],
  );
  const device = await getDevice(tx, params.id);
  return device && device.customerId === params.customerId ? device : undefined;
}

export async function touchDevice(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE mpc_devices SET last_seen_at = now() WHERE id = $1', [id]);
}

/** Revokes a device: it can no longer authenticate. Returns false when unknown or already revoked. */
export async function revokeDevice(db: Queryable, id: string, reason: string): Promise<boolean> {
  const r = await db.query(
    'UPDATE mpc_devices SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL',
    [id, reason.slice(0, 200)],
  );
  return r.affectedRows > 0;
}
