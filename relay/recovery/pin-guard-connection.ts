/**
 * Which PIN guard the relay talks to. By default the guard runs in-process: its tables live in the
 * relay's database and its OPRF key in `<dataDir>/pin-guard-key.json` (0600). With PIN_GUARD_URL set
 * (and PIN_GUARD_TOKEN), the relay uses a guard in its own process — `npm run pin-guard` — which may run
 * on another host, so that a copy of the relay's database and files does not include the OPRF key.
 */
import { join } from 'node:path';
import type { Database } from '../db/database.js';
import { createPinGuard } from '../pin-guard/guard.js';
import { loadOrCreateGuardKey } from '../pin-guard/key-file.js';
import { createRemotePinGuard } from '../pin-guard/remote.js';
import type { PinGuard } from '../pin-guard/types.js';

export interface PinGuardSettings {
  /** Base URL of a separate PIN guard; undefined runs it in-process. */
  url: string | undefined;
  token: string | undefined;
}

export async function connectPinGuard(settings: PinGuardSettings, db: Database, dataDir: string): Promise<PinGuard> {
  if (settings.url) {
    if (!settings.token) throw new Error('PIN_GUARD_URL is set but PIN_GUARD_TOKEN is not');
    return createRemotePinGuard({ url: settings.url, token: settings.token });
  }
  const { secretKey } = loadOrCreateGuardKey(join(dataDir, 'pin-guard-key.json'));
  try {
    return await createPinGuard({ db, oprfKey: secretKey });
  } finally {
    secretKey.fill(0);
  }
}
