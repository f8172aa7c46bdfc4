/** A migrated database for store-level tests: a fresh PostgreSQL database when DATABASE_URL is set, else in-memory PGlite. */

import { createCustomer } from '../../../../relay/customers/store.js';
import type { Database } from '../../../../relay/db/database.js';
import { applyMigrations } from '../../../../relay/db/migrate.js';
import { openPglite } from '../../../../relay/db/pglite.js';
import { openPostgres } from '../../../../relay/db/postgres.js';
import { RELAY_MIGRATIONS } from '../../../../relay/db/schema.js';
import { createOrganisation } from '../../../../relay/organisations/api-keys.js';
import { createTestDatabase } from '../../../helpers/database.js';

/** With DATABASE_URL: a fresh PostgreSQL database, dropped on close. */
export async function openTestDatabase(): Promise<Database> {
  const created = await createTestDatabase();
  const db = created.url ? await openPostgres(created.url) : await openPglite(undefined);
  await applyMigrations(db, RELAY_MIGRATIONS);
  return {
    ...db,
    async close() {
      await db.close();
      await created.drop();
    },
  };
}

/** A fresh organisation with one customer whose PIN and recovery flags are as given. */
export async function seedCustomer(
  db: Database,
  flags: { hasPin?: boolean; hasRecovery?: boolean; locked?: boolean } = {},
): Promise<{ organisationId: string; customerId: string; apiKey: string }> {
  const { organisation, apiKey } = await createOrganisation(db, { name: `Org ${crypto.randomUUID().slice(0, 8)}` });
  const customer = await createCustomer(db, organisation.id, { name: 'Test', refId: crypto.randomUUID() });
  await db.query('UPDATE customers SET has_pin = $2, has_recovery = $3, locked = $4 WHERE id = $1', [
    customer.id,
    flags.hasPin ?? false,
    flags.hasRecovery ?? false,
    flags.locked ?? false,
  ]);
  return { organisationId: organisation.id, customerId: customer.id, apiKey };
}
