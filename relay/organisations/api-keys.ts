/**
 * Organisations and their API keys. A key is 32 random bytes (base64url) behind a readable prefix;
 * only its SHA-256 is stored, so a copied database cannot be used to call the API.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { Queryable } from '../db/database.js';

export const API_KEY_PREFIX = 'tdm_';

export interface Organisation {
  id: string;
  name: string;
  /** The key this request authenticated with (set by findOrganisationByApiKey), for the audit log. */
  apiKeyId?: string;
}

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiKey(key: string): Uint8Array {
  return sha256(utf8ToBytes(key));
}

/** Creates an organisation and its first API key (the given one, or a fresh random one). */
export async function createOrganisation(
  db: Queryable,
  params: { name: string; apiKey?: string; keyName?: string },
): Promise<{ organisation: Organisation; apiKey: string }> {
  const organisation = { id: randomUUID(), name: params.name };
  const apiKey = params.apiKey ?? generateApiKey();
  await db.query('INSERT INTO organisations (id, name) VALUES ($1, $2)', [organisation.id, organisation.name]);
  await db.query('INSERT INTO api_keys (id, organisation_id, name, key_prefix, key_hash) VALUES ($1, $2, $3, $4, $5)', [
    randomUUID(),
    organisation.id,
    params.keyName ?? 'default',
    apiKey.slice(0, 8),
    hashApiKey(apiKey),
  ]);
  return { organisation, apiKey };
}

/** The organisation owning an active key, or undefined for unknown and revoked keys. */
export async function findOrganisationByApiKey(db: Queryable, apiKey: string): Promise<Organisation | undefined> {
  const r = await db.query<Organisation>(
    `SELECT o.id, o.name, k.id AS "apiKeyId" FROM api_keys k JOIN organisations o ON o.id = k.organisation_id
      WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
    [hashApiKey(apiKey)],
  );
  return r.rows[0];
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  /** The first characters of the key, to recognise it; the key itself is never stored. */
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

interface ApiKeyRow {
  id: string;
  name: string;
  key_prefix: string;
  created_at: Date | string;
  revoked_at: Date | string | null;
}

const toApiKeyInfo = (r: ApiKeyRow): ApiKeyInfo => ({
  id: r.id,
  name: r.name,
  prefix: r.key_prefix,
  createdAt: new Date(r.created_at).toISOString(),
  revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at).toISOString(),
});

export async function listApiKeys(db: Queryable, organisationId: string): Promise<ApiKeyInfo[]> {
  const r = await db.query<ApiKeyRow>(
    'SELECT id, name, key_prefix, created_at, revoked_at FROM api_keys WHERE organisation_id = $1 ORDER BY created_at, id',
    [organisationId],
  );
  return r.rows.map(toApiKeyInfo);
}

/** Adds a key to the organisation; the clear key is returned here only. */
export async function createApiKey(
  db: Queryable,
  organisationId: string,
  name: string,
): Promise<{ info: ApiKeyInfo; apiKey: string }> {
  const apiKey = generateApiKey();
  const r = await db.query<ApiKeyRow>(
    `INSERT INTO api_keys (id, organisation_id, name, key_prefix, key_hash) VALUES ($1, $2, $3, $4, $5)
     RETURNING id, name, key_prefix, created_at, revoked_at`,
    [randomUUID(), organisationId, name, apiKey.slice(0, 8), hashApiKey(apiKey)],
  );
  return { info: toApiKeyInfo(r.rows[0] as ApiKeyRow), apiKey };
}

/**
 * Revokes one of the organisation's keys. Returns 'revoked', 'unknown' (not this organisation's or
 * already revoked) or 'last' (refused: the organisation would lock itself out).
 */
export async function revokeApiKey(
  tx: Queryable,
  organisationId: string,
  id: string,
): Promise<{ outcome: 'revoked' | 'unknown' | 'last'; info?: ApiKeyInfo }> {
  // Lock the organisation's active keys so two concurrent revocations cannot both pass the "last key" check.
  const active = await tx.query<{ id: string }>(
    'SELECT id FROM api_keys WHERE organisation_id = $1 AND revoked_at IS NULL FOR UPDATE',
    [organisationId],
  );
  if (!active.rows.some((r) => r.id === id)) return { outcome: 'unknown' };
  if (active.rows.length === 1) return { outcome: 'last' };
  const r = await tx.query<ApiKeyRow>(
    `UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND organisation_id = $2
     RETURNING id, name, key_prefix, created_at, revoked_at`,
    [id, organisationId],
  );
  return { outcome: 'revoked', info: toApiKeyInfo(r.rows[0] as ApiKeyRow) };
}
