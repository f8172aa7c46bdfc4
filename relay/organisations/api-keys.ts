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
    `SELECT o.id, o.name FROM api_keys k JOIN organisations o ON o.id = k.organisation_id
      WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
    [hashApiKey(apiKey)],
  );
  return r.rows[0];
}
