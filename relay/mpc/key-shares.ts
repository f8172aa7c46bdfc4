/**
 * Node 2's key material at rest: each row holds one secret (an ECDSA root share, a FROST share, an
 * ed25519 account share or the export key part k_S) sealed under the master key, with AAD binding
 * the table, the row id, the customer and the purpose, so a value copied into another row or another
 * customer's record does not open. Public values (public key, paths) are kept in clear for lookups.
 */
import { randomUUID } from 'node:crypto';
import { type MasterKey, MasterKeyError, type MasterKeyRing } from '../crypto/master-key.js';
import { openJson, type SealContext, sealJson } from '../crypto/seal.js';
import type { Queryable } from '../db/database.js';

const TABLE = 'mpc_key_shares';

/** What a row holds; part of the AAD, so a share cannot be opened as another kind of secret. */
export type KeySharePurpose = 'ecdsa2p-share' | 'frost-share' | 'ed25519-account-share' | 'export-key-part';

export interface StoredKeyShare<T = unknown> {
  id: string;
  organisationId: string;
  customerId: string;
  keyId: string;
  purpose: KeySharePurpose;
  epoch: number;
  publicKey: string;
  publicData: Record<string, unknown>;
  masterKeyId: string;
  /** The opened secret value. */
  secret: T;
}

interface ShareRow {
  id: string;
  organisation_id: string;
  customer_id: string;
  key_id: string;
  purpose: KeySharePurpose;
  epoch: number;
  public_key: string;
  public_data: Record<string, unknown>;
  master_key_id: string;
  sealed: Uint8Array;
}

function sealContext(row: { id: string; customerId: string; purpose: KeySharePurpose }): SealContext {
  return { table: TABLE, rowId: row.id, customerId: row.customerId, purpose: row.purpose };
}

export interface SaveKeyShareParameters<T> {
  organisationId: string;
  customerId: string;
  keyId: string;
  purpose: KeySharePurpose;
  epoch: number;
  publicKey: string;
  publicData?: Record<string, unknown>;
  secret: T;
  challengeId?: string;
}

/** Inserts a new key row (fails on an existing (customer, keyId): keys are never overwritten silently). */
export async function insertKeyShare<T>(
  tx: Queryable,
  masterKey: MasterKey,
  params: SaveKeyShareParameters<T>,
): Promise<string> {
  const id = randomUUID();
  const sealed = sealJson(
    masterKey,
    params.secret,
    sealContext({ id, customerId: params.customerId, purpose: params.purpose }),
  );
  await tx.query(
    `INSERT INTO ${TABLE} (id, organisation_id, customer_id, key_id, purpose, epoch, public_key, public_data,
                           master_key_id, sealed, challenge_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      id,
      params.organisationId,
      params.customerId,
      params.keyId,
      params.purpose,
      params.epoch,
      params.publicKey,
      JSON.stringify(params.publicData ?? {}),
      masterKey.id,
      sealed,
      params.challengeId ?? null,
    ],
  );
  return id;
}

/**
 * Replaces the secret of an existing row (refresh: epoch + 1; burn after a failed OT check). Only
 * moves forward: refuses when the stored epoch is not `expectedEpoch` (a concurrent refresh won).
 */
export async function replaceKeyShare<T>(
  tx: Queryable,
  masterKey: MasterKey,
  current: Pick<StoredKeyShare, 'id' | 'customerId' | 'purpose' | 'epoch'>,
  next: { epoch: number; secret: T; challengeId?: string },
): Promise<void> {
  const sealed = sealJson(masterKey, next.secret, sealContext(current));
  const r = await tx.query(
    `UPDATE ${TABLE} SET sealed = $2, master_key_id = $3, epoch = $4, challenge_id = COALESCE($5, challenge_id),
            updated_at = now()
      WHERE id = $1 AND epoch = $6`,
    [current.id, sealed, masterKey.id, next.epoch, next.challengeId ?? null, current.epoch],
  );
  if (r.affectedRows !== 1)
    throw new Error(`key share ${current.id} changed concurrently (expected epoch ${current.epoch})`);
}

/** Loads and opens one key row of a customer; undefined when the customer has no such key. */
export async function loadKeyShare<T>(
  db: Queryable,
  keys: MasterKeyRing,
  customerId: string,
  keyId: string,
): Promise<StoredKeyShare<T> | undefined> {
  const r = await db.query<ShareRow>(
    `SELECT id, organisation_id, customer_id, key_id, purpose, epoch, public_key, public_data, master_key_id, sealed
       FROM ${TABLE} WHERE customer_id = $1 AND key_id = $2`,
    [customerId, keyId],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  const secret = openJson<T>(
    keys,
    new Uint8Array(row.sealed),
    sealContext({ id: row.id, customerId: row.customer_id, purpose: row.purpose }),
  );
  return {
    id: row.id,
    organisationId: row.organisation_id,
    customerId: row.customer_id,
    keyId: row.key_id,
    purpose: row.purpose,
    epoch: row.epoch,
    publicKey: row.public_key,
    publicData: row.public_data,
    masterKeyId: row.master_key_id,
    secret,
  };
}

/** Public listing of a customer's keys (no secrets opened). */
export async function listKeyShares(
  db: Queryable,
  customerId: string,
): Promise<
  { keyId: string; purpose: KeySharePurpose; epoch: number; publicKey: string; publicData: Record<string, unknown> }[]
> {
  const r = await db.query<ShareRow>(
    `SELECT key_id, purpose, epoch, public_key, public_data FROM ${TABLE} WHERE customer_id = $1 ORDER BY created_at, key_id`,
    [customerId],
  );
  return r.rows.map((row) => ({
    keyId: row.key_id,
    purpose: row.purpose,
    epoch: row.epoch,
    publicKey: row.public_key,
    publicData: row.public_data,
  }));
}

/**
 * Refuses to start with a master key ring that cannot open what is stored: rows sealed under a key id
 * the ring does not hold mean a wrong TANDEM_MASTER_KEY, or several instances each with their own key
 * file. Starting anyway would seal new rows under yet another key and strand the old ones.
 */
export async function assertMasterKeyOpensStoredShares(db: Queryable, keys: MasterKeyRing): Promise<void> {
  const r = await db.query<{ master_key_id: string; n: number | string }>(
    `SELECT master_key_id, count(*)::int AS n FROM ${TABLE} GROUP BY master_key_id`,
  );
  const known = new Set([keys.current.id, ...keys.retired.map((k) => k.id)]);
  const unknown = r.rows.filter((row) => !known.has(row.master_key_id));
  if (unknown.length > 0) {
    const detail = unknown.map((u) => `${u.n} under ${u.master_key_id}`).join(', ');
    throw new MasterKeyError(
      `refusing to start: stored key shares are sealed under master keys this relay does not have (${detail}); ` +
        `this relay's key is ${keys.current.id}. Set TANDEM_MASTER_KEY to the key the other instances use.`,
    );
  }
}
