/**
 * `npm run pin-guard`: the PIN guard as its own process, with its own key and its own PGlite.
 *
 *   PIN_GUARD_TOKEN     shared secret the relay presents (required, ≥ 32 characters)
 *   PIN_GUARD_PORT      default 7878
 *   PIN_GUARD_HOST      default 127.0.0.1
 *   PIN_GUARD_DATA_DIR  default ./.tandem/pin-guard (PGlite under db/, key file oprf-key.json)
 *   PIN_GUARD_KEY_FILE  key file path (created 0600 when absent), or
 *   PIN_GUARD_KEY       the key as 64 hex characters (instead of a file)
 *   DATABASE_URL is deliberately NOT read: the guard must not share the relay's database.
 */
import { join, resolve } from 'node:path';
import { openDatabase } from '../db/open.js';
import { createPinGuard } from './guard.js';
import { guardKeyFromHex, loadOrCreateGuardKey } from './key-file.js';
import { MIN_TOKEN_LENGTH, startPinGuardServer } from './server.js';

const env = process.env;
const token = env.PIN_GUARD_TOKEN ?? '';
if (token.length < MIN_TOKEN_LENGTH) {
  console.error(`PIN_GUARD_TOKEN must be set to a random string of at least ${MIN_TOKEN_LENGTH} characters`);
  process.exit(2);
}
const dataDir = resolve(env.PIN_GUARD_DATA_DIR ?? '.tandem/pin-guard');
const port = Number(env.PIN_GUARD_PORT ?? 7878);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('PIN_GUARD_PORT must be a port number');
  process.exit(2);
}

const oprfKey = env.PIN_GUARD_KEY
  ? guardKeyFromHex(env.PIN_GUARD_KEY)
  : loadOrCreateGuardKey(env.PIN_GUARD_KEY_FILE ?? join(dataDir, 'oprf-key.json')).secretKey;
const db = await openDatabase({ dataDir });
const guard = await createPinGuard({ db, oprfKey });
oprfKey.fill(0);
const server = await startPinGuardServer({ guard, token, port, hostname: env.PIN_GUARD_HOST ?? '127.0.0.1' });
const info = await guard.info();
console.log(`PIN guard listening on ${server.url} (key id ${info.keyId}, data ${dataDir})`);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`PIN guard stopping (${signal})`);
  await server.close();
  await guard.close();
  await db.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
