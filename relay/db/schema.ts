/**
 * The relay's schema, as forward-only migrations. Each area keeps its migrations in its own file
 * under migrations/ with its own id range; never edit an applied migration, append a new one.
 *
 * Id ranges: foundation 1–9, challenges/API/webhooks/audit 10–29, chains/transactions 30–49,
 * MPC/devices/key shares 50–69, PIN/recovery on the relay 70–89.
 */
import type { Migration } from './migrate.js';
import { API_MIGRATIONS } from './migrations/api.js';
import { CHAINS_MIGRATIONS } from './migrations/chains.js';
import { FOUNDATION_MIGRATIONS } from './migrations/foundation.js';
import { MPC_MIGRATIONS } from './migrations/mpc.js';
import { RECOVERY_MIGRATIONS } from './migrations/recovery.js';

export const RELAY_MIGRATIONS: Migration[] = [
  ...FOUNDATION_MIGRATIONS,
  ...API_MIGRATIONS,
  ...CHAINS_MIGRATIONS,
  ...MPC_MIGRATIONS,
  ...RECOVERY_MIGRATIONS,
].sort((a, b) => a.id - b.id);
