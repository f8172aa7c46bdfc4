/** The ceremonies Node 2 runs, by name (see types.ts for the handler shape). */
import { ecdsaSignHandler } from './ecdsa-sign.js';
import { exportKeysHandler } from './export-keys.js';
import { frostSignHandler } from './frost-sign.js';
import { shareRefreshHandler } from './share-refresh.js';
import { type CeremonyRegistry, createCeremonyRegistry } from './types.js';
import { walletCreateHandler } from './wallet-create.js';

export const DEFAULT_CEREMONIES: CeremonyRegistry = createCeremonyRegistry([
  ecdsaSignHandler,
  exportKeysHandler,
  frostSignHandler,
  shareRefreshHandler,
  walletCreateHandler,
]);
