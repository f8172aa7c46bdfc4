import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, MAX_RECOVERY_EMAIL_DELAY_MS } from '../../../relay/config.js';

describe('RECOVERY_EMAIL_DELAY', () => {
  it('is off by default', () => {
    expect(loadConfig({}).recoveryEmailDelayMs).toBeUndefined();
  });

  it('reads 90 as seconds and takes ms, s and m units', () => {
    expect(loadConfig({ RECOVERY_EMAIL_DELAY: '90' }).recoveryEmailDelayMs).toBe(90_000);
    expect(loadConfig({ RECOVERY_EMAIL_DELAY: '4000ms' }).recoveryEmailDelayMs).toBe(4000);
    expect(loadConfig({ RECOVERY_EMAIL_DELAY: '10m' }).recoveryEmailDelayMs).toBe(600_000);
  });

  it('accepts the longest lock that still ends inside a reset-pin challenge', () => {
    expect(loadConfig({ RECOVERY_EMAIL_DELAY: `${MAX_RECOVERY_EMAIL_DELAY_MS}ms` }).recoveryEmailDelayMs).toBe(
      MAX_RECOVERY_EMAIL_DELAY_MS,
    );
  });

  it('refuses a lock longer than a reset-pin challenge can wait for, saying why', () => {
    expect(() => loadConfig({ RECOVERY_EMAIL_DELAY: '24h' })).toThrow(ConfigError);
    expect(() => loadConfig({ RECOVERY_EMAIL_DELAY: '24h' })).toThrow(/at most 10m.*expires after 15m/);
  });

  it('refuses a value that is not a duration', () => {
    expect(() => loadConfig({ RECOVERY_EMAIL_DELAY: 'soon' })).toThrow(/duration like 90, 30s, 4000ms or 10m/);
  });
});
