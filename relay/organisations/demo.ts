/**
 * The demo organisation `npm start` creates on first start, so the demo page works at once.
 */
import type { Database } from '../db/database.js';
import { createOrganisation, findOrganisationByApiKey, hashApiKey } from './api-keys.js';

export const DEMO_ORGANISATION_NAME = 'Demo business';

export interface DemoOrganisation {
  organisationId: string;
  /** The key in clear only when it was created now (it is stored hashed and cannot be shown again). */
  newApiKey: string | undefined;
}

/**
 * Ensures the demo organisation exists. With `fixedApiKey`, that key is made valid for it (added when
 * missing), so automation can rely on a known key across restarts.
 */
export async function ensureDemoOrganisation(db: Database, fixedApiKey: string | undefined): Promise<DemoOrganisation> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [0x7a4d3f]);
    const existing = await tx.query<{ id: string }>(
      'SELECT id FROM organisations WHERE name = $1 ORDER BY created_at LIMIT 1',
      [DEMO_ORGANISATION_NAME],
    );
    const row = existing.rows[0];
    if (!row) {
      const { organisation, apiKey } = await createOrganisation(tx, {
        name: DEMO_ORGANISATION_NAME,
        apiKey: fixedApiKey,
      });
      return { organisationId: organisation.id, newApiKey: fixedApiKey ? undefined : apiKey };
    }
    if (fixedApiKey && !(await findOrganisationByApiKey(tx, fixedApiKey))) {
      await tx.query(
        'INSERT INTO api_keys (id, organisation_id, name, key_prefix, key_hash) VALUES ($1, $2, $3, $4, $5)',
        [crypto.randomUUID(), row.id, 'TANDEM_API_KEY', fixedApiKey.slice(0, 8), hashApiKey(fixedApiKey)],
      );
    }
    return { organisationId: row.id, newApiKey: undefined };
  });
}
