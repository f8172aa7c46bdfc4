/**
 * User settings in `storage.local` (they survive restarts; they are not secret): the relay URL and the
 * auto-lock delay. Every stored field is validated on read; a bad field falls back to its default.
 */
import type { StorageArea } from './storage-area.js';

export const SETTINGS_KEY = 'tandem.settings';

export interface Settings {
  /** Origin of the relay (Node 2), e.g. `https://relay.example` or `http://127.0.0.1:8787`. */
  relayUrl: string;
  /** Minutes after unlocking (or the last approval) before the unlocked bundle is wiped. */
  autoLockMinutes: number;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  relayUrl: 'http://127.0.0.1:8787',
  autoLockMinutes: 15,
});

export const AUTO_LOCK_MIN_MINUTES = 1;
export const AUTO_LOCK_MAX_MINUTES = 24 * 60;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A setting the user typed cannot be used; `message` says what to type instead. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  readonly field: keyof Settings | 'settings';
  constructor(field: keyof Settings | 'settings', message: string) {
    super(message);
    this.field = field;
  }
}

/**
 * Validates a relay URL and returns its origin. https anywhere; plain http only on this computer
 * (loopback), because PIN-guard traffic and challenges must not cross a network in the clear.
 * A path, query, fragment or credentials are refused: the relay is addressed by its origin.
 */
export function parseRelayUrl(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new SettingsError('relayUrl', 'Enter the relay address, for example https://relay.example.com');
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new SettingsError('relayUrl', 'This is not a web address. Use the form https://relay.example.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SettingsError('relayUrl', 'The relay address must start with https://');
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new SettingsError('relayUrl', 'Use https:// for a relay on another computer (http:// is for 127.0.0.1 only)');
  }
  if (url.username || url.password) {
    throw new SettingsError('relayUrl', 'Remove the user name or password from the relay address');
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new SettingsError('relayUrl', `Use only the address's start, without a path: ${url.origin}`);
  }
  return url.origin;
}

export function parseAutoLockMinutes(value: unknown): number {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < AUTO_LOCK_MIN_MINUTES ||
    value > AUTO_LOCK_MAX_MINUTES
  ) {
    throw new SettingsError(
      'autoLockMinutes',
      `Auto-lock must be a whole number of minutes from ${AUTO_LOCK_MIN_MINUTES} to ${AUTO_LOCK_MAX_MINUTES}`,
    );
  }
  return value;
}

/** Validates a partial update (only the two known fields; anything else is refused). */
export function parseSettingsPatch(value: unknown): Partial<Settings> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SettingsError('settings', 'expected an object of settings');
  }
  const patch: Partial<Settings> = {};
  for (const [key, field] of Object.entries(value)) {
    if (key === 'relayUrl') patch.relayUrl = parseRelayUrl(field);
    else if (key === 'autoLockMinutes') patch.autoLockMinutes = parseAutoLockMinutes(field);
    else throw new SettingsError('settings', `unknown setting ${JSON.stringify(key)}`);
  }
  return patch;
}

function orDefault<T>(parse: (v: unknown) => T, value: unknown, fallback: T): T {
  try {
    return parse(value);
  } catch {
    return fallback;
  }
}

export interface SettingsStore {
  get(): Promise<Settings>;
  /** Validates and saves `patch`; throws SettingsError naming the field. Returns the new settings. */
  update(patch: unknown): Promise<Settings>;
}

export function createSettingsStore(deps: { storage: StorageArea }): SettingsStore {
  async function get(): Promise<Settings> {
    const raw = (await deps.storage.get(SETTINGS_KEY))[SETTINGS_KEY];
    const stored = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    return {
      relayUrl: orDefault(parseRelayUrl, stored.relayUrl, DEFAULT_SETTINGS.relayUrl),
      autoLockMinutes: orDefault(parseAutoLockMinutes, stored.autoLockMinutes, DEFAULT_SETTINGS.autoLockMinutes),
    };
  }
  return {
    get,
    async update(patch) {
      const valid = parseSettingsPatch(patch);
      const next = { ...(await get()), ...valid };
      await deps.storage.set({ [SETTINGS_KEY]: next });
      return next;
    },
  };
}
