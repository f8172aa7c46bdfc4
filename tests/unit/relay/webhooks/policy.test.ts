import { describe, expect, it } from 'vitest';
import { checkWebhookUrl } from '../../../../relay/api/webhooks.js';
import { ConfigError, loadConfig, webhookPrivateDestinationsAllowed } from '../../../../relay/config.js';

describe('TANDEM_WEBHOOK_ALLOW_PRIVATE', () => {
  it.each([
    ['true', true],
    ['1', true],
    ['YES', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('%s reads as %s', (value, expected) => {
    expect(loadConfig({ TANDEM_WEBHOOK_ALLOW_PRIVATE: value }).webhookAllowPrivate).toBe(expected);
  });
  it('is undefined when unset or empty', () => {
    expect(loadConfig({}).webhookAllowPrivate).toBeUndefined();
    expect(loadConfig({ TANDEM_WEBHOOK_ALLOW_PRIVATE: '' }).webhookAllowPrivate).toBeUndefined();
  });
  it('refuses another value, naming the variable', () => {
    expect(() => loadConfig({ TANDEM_WEBHOOK_ALLOW_PRIVATE: 'maybe' })).toThrow(ConfigError);
    expect(() => loadConfig({ TANDEM_WEBHOOK_ALLOW_PRIVATE: 'maybe' })).toThrow(/TANDEM_WEBHOOK_ALLOW_PRIVATE/);
  });
});

describe('webhookPrivateDestinationsAllowed', () => {
  it.each(['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]'])(
    'defaults to allowed when the relay listens on loopback %s',
    (host) => {
      expect(webhookPrivateDestinationsAllowed({ host, webhookAllowPrivate: undefined })).toBe(true);
    },
  );
  it.each(['0.0.0.0', '::', '10.0.0.5', '203.0.113.10', 'relay.example'])(
    'defaults to refused when the relay listens on %s',
    (host) => {
      expect(webhookPrivateDestinationsAllowed({ host, webhookAllowPrivate: undefined })).toBe(false);
    },
  );
  it('follows the setting when it is given, whatever the host', () => {
    expect(webhookPrivateDestinationsAllowed({ host: '0.0.0.0', webhookAllowPrivate: true })).toBe(true);
    expect(webhookPrivateDestinationsAllowed({ host: '127.0.0.1', webhookAllowPrivate: false })).toBe(false);
  });
  it('is allowed for the default configuration (npm start on 127.0.0.1)', () => {
    expect(webhookPrivateDestinationsAllowed(loadConfig({}))).toBe(true);
  });
  it('is refused for HOST=0.0.0.0 without the setting', () => {
    expect(webhookPrivateDestinationsAllowed(loadConfig({ HOST: '0.0.0.0' }))).toBe(false);
  });
});

describe('checkWebhookUrl: registration', () => {
  const strict = { allowPrivate: false };
  const open = { allowPrivate: true };
  it('accepts an https hostname under both policies (it is checked at delivery)', () => {
    expect(checkWebhookUrl('https://shop.example/hooks', strict)).toBeUndefined();
    expect(checkWebhookUrl('https://shop.example/hooks', open)).toBeUndefined();
  });
  it('accepts a public literal address', () => {
    expect(checkWebhookUrl('https://8.8.8.8/hooks', strict)).toBeUndefined();
    expect(checkWebhookUrl('https://[2606:4700:4700::1111]/hooks', strict)).toBeUndefined();
  });
  it.each([
    ['https://10.0.0.5/hooks', 'private address (10.0.0.0/8)'],
    ['https://192.168.1.10/hooks', 'private address (192.168.0.0/16)'],
    ['https://172.20.0.1/hooks', 'private address (172.16.0.0/12)'],
    ['https://100.64.1.1/hooks', 'shared address (100.64.0.0/10)'],
    ['http://127.0.0.1:9/hooks', 'loopback address (127.0.0.0/8)'],
    ['http://[::1]:9/hooks', 'loopback address (::1/128)'],
    ['https://[fd00::1]/hooks', 'private address (fc00::/7)'],
    ['https://[::ffff:10.0.0.1]/hooks', 'private address (::ffff:0:0/96 → 10.0.0.0/8)'],
    ['https://0.0.0.0/hooks', 'unspecified address (0.0.0.0/8)'],
    ['https://0x7f000001/hooks', 'loopback address (127.0.0.0/8)'],
    ['https://2130706433/hooks', 'loopback address (127.0.0.0/8)'],
    ['https://0177.0.0.1/hooks', 'loopback address (127.0.0.0/8)'],
  ])('refuses %s when private destinations are not allowed', (url, what) => {
    const problem = checkWebhookUrl(url, strict);
    expect(problem).toContain(what);
    expect(problem).toContain('TANDEM_WEBHOOK_ALLOW_PRIVATE');
  });
  it.each(['http://localhost:9/hooks', 'https://api.localhost/hooks'])(
    'refuses the localhost name %s when private destinations are not allowed',
    (url) => {
      expect(checkWebhookUrl(url, strict)).toMatch(/must not target localhost/);
    },
  );
  it.each(['http://127.0.0.1:9/hooks', 'http://localhost:9/hooks', 'https://10.0.0.5/hooks'])(
    'accepts %s when private destinations are allowed',
    (url) => {
      expect(checkWebhookUrl(url, open)).toBeUndefined();
    },
  );
  it.each(['https://169.254.169.254/latest', 'https://[fe80::1]/x', 'https://[::ffff:169.254.169.254]/x'])(
    'refuses link-local %s even when private destinations are allowed',
    (url) => {
      expect(checkWebhookUrl(url, open)).toMatch(/link-local \(cloud metadata\)/);
    },
  );
  it('keeps the existing scheme rule: http only on loopback', () => {
    expect(checkWebhookUrl('http://shop.example/hooks', open)).toMatch(/must use https/);
  });
});
