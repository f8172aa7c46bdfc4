import { describe, expect, it } from 'vitest';
import {
  createSettingsStore,
  DEFAULT_SETTINGS,
  parseRelayUrl,
  SETTINGS_KEY,
  SettingsError,
} from '../../../../extension/background/settings.js';
import { FakeStorageArea } from '../fakes.js';

function refusal(fn: () => unknown): SettingsError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SettingsError) return error;
    throw error;
  }
  throw new Error('expected a SettingsError');
}

describe('relay URL validation', () => {
  it('accepts https anywhere and returns the origin', () => {
    expect(parseRelayUrl('https://relay.example.com')).toBe('https://relay.example.com');
    expect(parseRelayUrl('  https://relay.example.com:8443/  ')).toBe('https://relay.example.com:8443');
  });
  it('accepts http on loopback only', () => {
    expect(parseRelayUrl('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787');
    expect(parseRelayUrl('http://localhost:9000')).toBe('http://localhost:9000');
    expect(parseRelayUrl('http://[::1]:8787')).toBe('http://[::1]:8787');
  });
  it('refuses http to another computer', () => {
    expect(refusal(() => parseRelayUrl('http://relay.example.com')).message).toMatch(/https:\/\//);
  });
  it('refuses an empty value', () => {
    expect(refusal(() => parseRelayUrl('')).field).toBe('relayUrl');
  });
  it('refuses something that is not a URL', () => {
    expect(refusal(() => parseRelayUrl('relay example')).message).toMatch(/not a web address/);
  });
  it('refuses another scheme', () => {
    expect(refusal(() => parseRelayUrl('ftp://relay.example.com')).message).toMatch(/https/);
  });
  it('refuses credentials in the URL', () => {
    expect(refusal(() => parseRelayUrl('https://u:p@relay.example.com')).message).toMatch(/password/);
  });
  it('refuses a path, query or fragment', () => {
    expect(refusal(() => parseRelayUrl('https://relay.example.com/v2')).message).toMatch(/without a path/);
    expect(refusal(() => parseRelayUrl('https://relay.example.com/?a=1')).field).toBe('relayUrl');
    expect(refusal(() => parseRelayUrl('https://relay.example.com/#x')).field).toBe('relayUrl');
  });
});

describe('settings store', () => {
  it('gives the defaults on a fresh profile: the local relay and 15 minutes', async () => {
    const store = createSettingsStore({ storage: new FakeStorageArea() });
    expect(await store.get()).toEqual({ relayUrl: 'http://127.0.0.1:8787', autoLockMinutes: 15 });
  });

  it('saves a valid update in storage.local', async () => {
    const storage = new FakeStorageArea();
    const store = createSettingsStore({ storage });
    await store.update({ relayUrl: 'https://relay.example.com/', autoLockMinutes: 5 });
    expect(storage.peek(SETTINGS_KEY)).toEqual({ relayUrl: 'https://relay.example.com', autoLockMinutes: 5 });
    expect(await store.get()).toEqual({ relayUrl: 'https://relay.example.com', autoLockMinutes: 5 });
  });

  it('refuses auto-lock of 0, a fraction, more than a day, or text', async () => {
    const store = createSettingsStore({ storage: new FakeStorageArea() });
    for (const bad of [0, 2.5, 24 * 60 + 1, '15']) {
      await expect(store.update({ autoLockMinutes: bad })).rejects.toMatchObject({ field: 'autoLockMinutes' });
    }
  });

  it('refuses an unknown setting', async () => {
    const store = createSettingsStore({ storage: new FakeStorageArea() });
    await expect(store.update({ theme: 'dark' })).rejects.toMatchObject({ field: 'settings' });
  });

  it('refuses a patch that is not an object', async () => {
    const store = createSettingsStore({ storage: new FakeStorageArea() });
    await expect(store.update(['x'])).rejects.toBeInstanceOf(SettingsError);
  });

  it('falls back to the default for each bad stored field', async () => {
    const storage = new FakeStorageArea();
    await storage.set({ [SETTINGS_KEY]: { relayUrl: 'http://evil.example', autoLockMinutes: 30 } });
    const store = createSettingsStore({ storage });
    expect(await store.get()).toEqual({ relayUrl: DEFAULT_SETTINGS.relayUrl, autoLockMinutes: 30 });
  });
});
