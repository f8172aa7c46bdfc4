import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../../protocol/errors.js';
import {
  classifyAddress,
  describeRefusal,
  isLocalhostName,
  literalAddress,
  refusalFor,
} from '../../../../relay/webhooks/destination.js';

/** [address, kind, range] for every non-public block, with a first, a middle and a last address where it matters. */
const NON_PUBLIC_V4: Array<[string, string, string]> = [
  ['0.0.0.0', 'unspecified', '0.0.0.0/8'],
  ['0.255.255.255', 'unspecified', '0.0.0.0/8'],
  ['10.0.0.0', 'private', '10.0.0.0/8'],
  ['10.20.30.40', 'private', '10.0.0.0/8'],
  ['10.255.255.255', 'private', '10.0.0.0/8'],
  ['100.64.0.0', 'shared', '100.64.0.0/10'],
  ['100.127.255.255', 'shared', '100.64.0.0/10'],
  ['127.0.0.1', 'loopback', '127.0.0.0/8'],
  ['127.255.255.254', 'loopback', '127.0.0.0/8'],
  ['169.254.0.1', 'link-local', '169.254.0.0/16'],
  ['169.254.169.254', 'link-local', '169.254.0.0/16'],
  ['172.16.0.0', 'private', '172.16.0.0/12'],
  ['172.31.255.255', 'private', '172.16.0.0/12'],
  ['192.0.0.8', 'reserved', '192.0.0.0/24'],
  ['192.0.2.1', 'documentation', '192.0.2.0/24'],
  ['192.88.99.1', 'reserved', '192.88.99.0/24'],
  ['192.168.0.1', 'private', '192.168.0.0/16'],
  ['192.168.255.255', 'private', '192.168.0.0/16'],
  ['198.18.0.1', 'reserved', '198.18.0.0/15'],
  ['198.19.255.255', 'reserved', '198.18.0.0/15'],
  ['198.51.100.7', 'documentation', '198.51.100.0/24'],
  ['203.0.113.9', 'documentation', '203.0.113.0/24'],
  ['224.0.0.1', 'multicast', '224.0.0.0/4'],
  ['239.255.255.255', 'multicast', '224.0.0.0/4'],
  ['240.0.0.1', 'reserved', '240.0.0.0/4'],
  ['255.255.255.254', 'reserved', '240.0.0.0/4'],
  ['255.255.255.255', 'broadcast', '255.255.255.255/32'],
];

/** Neighbours of the blocks above, which must stay public. */
const PUBLIC_V4 = [
  '1.1.1.1',
  '8.8.8.8',
  '9.255.255.255',
  '11.0.0.0',
  '100.63.255.255',
  '100.128.0.0',
  '126.255.255.255',
  '128.0.0.0',
  '169.253.255.255',
  '169.255.0.0',
  '172.15.255.255',
  '172.32.0.0',
  '192.0.1.255',
  '192.0.3.0',
  '192.167.255.255',
  '192.169.0.0',
  '198.17.255.255',
  '198.20.0.0',
  '223.255.255.255',
];

const NON_PUBLIC_V6: Array<[string, string, string]> = [
  ['::', 'unspecified', '::/128'],
  ['::1', 'loopback', '::1/128'],
  ['0:0:0:0:0:0:0:1', 'loopback', '::1/128'],
  ['::2', 'reserved', '::/96'],
  ['::127.0.0.1', 'reserved', '::/96'],
  ['64:ff9b:1::a', 'private', '64:ff9b:1::/48'],
  ['100::1', 'reserved', '100::/64'],
  ['2001::1', 'reserved', '2001::/23'],
  ['2001:db8::1', 'documentation', '2001:db8::/32'],
  ['3fff::1', 'documentation', '3fff::/20'],
  ['fc00::1', 'private', 'fc00::/7'],
  ['fd12:3456:789a::1', 'private', 'fc00::/7'],
  ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'private', 'fc00::/7'],
  ['fe80::1', 'link-local', 'fe80::/10'],
  ['fe80::1%eth0', 'link-local', 'fe80::/10'],
  ['febf:ffff::1', 'link-local', 'fe80::/10'],
  ['fec0::1', 'private', 'fec0::/10'],
  ['ff02::1', 'multicast', 'ff00::/8'],
  ['ff0e::101', 'multicast', 'ff00::/8'],
  ['4000::1', 'reserved', 'outside 2000::/3'],
  ['1234::1', 'reserved', 'outside 2000::/3'],
];

const PUBLIC_V6 = [
  '2606:4700:4700::1111',
  '2001:4860:4860::8888',
  '2a00:1450:4001:82b::200e',
  '2001:200::1',
  '3ffe::1',
];

describe('classifyAddress: IPv4', () => {
  it.each(NON_PUBLIC_V4)('%s is %s (%s)', (address, kind, range) => {
    expect(classifyAddress(address)).toEqual({ public: false, kind, range });
  });
  it.each(PUBLIC_V4)('%s is public', (address) => {
    expect(classifyAddress(address)).toEqual({ public: true });
  });
});

describe('classifyAddress: IPv6', () => {
  it.each(NON_PUBLIC_V6)('%s is %s (%s)', (address, kind, range) => {
    expect(classifyAddress(address)).toEqual({ public: false, kind, range });
  });
  it.each(PUBLIC_V6)('%s is public', (address) => {
    expect(classifyAddress(address)).toEqual({ public: true });
  });
  it('accepts the bracketed form of URLs', () => {
    expect(classifyAddress('[::1]')).toMatchObject({ kind: 'loopback' });
  });
  it('reads upper-case hex', () => {
    expect(classifyAddress('FE80::ABCD')).toMatchObject({ kind: 'link-local' });
  });
});

describe('classifyAddress: IPv6 carrying an IPv4 address is judged by the IPv4 address', () => {
  it.each([
    ['::ffff:127.0.0.1', 'loopback', '::ffff:0:0/96 → 127.0.0.0/8'],
    ['::ffff:7f00:1', 'loopback', '::ffff:0:0/96 → 127.0.0.0/8'],
    ['::ffff:10.1.2.3', 'private', '::ffff:0:0/96 → 10.0.0.0/8'],
    ['::ffff:a9fe:a9fe', 'link-local', '::ffff:0:0/96 → 169.254.0.0/16'],
    ['::ffff:0.0.0.0', 'unspecified', '::ffff:0:0/96 → 0.0.0.0/8'],
    ['0:0:0:0:0:ffff:c0a8:101', 'private', '::ffff:0:0/96 → 192.168.0.0/16'],
    ['64:ff9b::10.0.0.1', 'private', '64:ff9b::/96 → 10.0.0.0/8'],
    ['64:ff9b::7f00:1', 'loopback', '64:ff9b::/96 → 127.0.0.0/8'],
    ['64:ff9b::a9fe:a9fe', 'link-local', '64:ff9b::/96 → 169.254.0.0/16'],
    ['2002:7f00:1::', 'loopback', '2002::/16 → 127.0.0.0/8'],
    ['2002:a00:1::1', 'private', '2002::/16 → 10.0.0.0/8'],
    ['2002:a9fe:a9fe:1234::5', 'link-local', '2002::/16 → 169.254.0.0/16'],
    ['2002:c0a8:0101::', 'private', '2002::/16 → 192.168.0.0/16'],
  ])('%s is %s (%s)', (address, kind, range) => {
    expect(classifyAddress(address)).toEqual({ public: false, kind, range });
  });
  it.each(['::ffff:8.8.8.8', '::ffff:808:808', '64:ff9b::1.1.1.1', '64:ff9b::808:808', '2002:808:808::1'])(
    '%s carries a public IPv4 address and is public',
    (address) => {
      expect(classifyAddress(address)).toEqual({ public: true });
    },
  );
});

describe('classifyAddress: what is not an IP address', () => {
  it.each(['example.com', '', '127.1', '0x7f.0.0.1', '2130706433', '1.2.3.4.5', '::g', '[127.0.0.1]', '256.0.0.1'])(
    '%j throws InvalidArgumentError',
    (value) => {
      expect(() => classifyAddress(value)).toThrow(InvalidArgumentError);
    },
  );
});

describe('URL spellings of addresses: new URL normalises them, literalAddress reads the result', () => {
  it.each([
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://0x7f.0.0.1/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://0177.1/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://127.0.1/', '127.0.0.1'],
    ['http://0/', '0.0.0.0'],
    ['http://012.0x1.1/', '10.1.0.1'],
    ['http://0xa9fea9fe/', '169.254.169.254'],
    ['http://0251.0376.0251.0376/', '169.254.169.254'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
    ['http://[0:0:0:0:0:0:0:1]/', '::1'],
    ['http://[::FFFF:A9FE:A9FE]/', '::ffff:a9fe:a9fe'],
  ])('%s is the address %s and is not public', (url, address) => {
    const literal = literalAddress(new URL(url).hostname);
    expect(literal).toBe(address);
    expect(classifyAddress(literal as string).public).toBe(false);
  });
  it('a hostname is not a literal address', () => {
    expect(literalAddress(new URL('https://hooks.example/').hostname)).toBeUndefined();
  });
  it('a hostname made of digits and letters is not mistaken for an address', () => {
    expect(literalAddress(new URL('https://127.0.0.1.nip.example/').hostname)).toBeUndefined();
  });
});

describe('isLocalhostName', () => {
  it.each(['localhost', 'LOCALHOST', 'localhost.', 'api.localhost', 'a.b.localhost.'])('%s is the local host', (n) => {
    expect(isLocalhostName(n)).toBe(true);
  });
  it.each(['localhost.example', 'notlocalhost', 'example.com'])('%s is not', (n) => {
    expect(isLocalhostName(n)).toBe(false);
  });
});

describe('refusalFor: the policy', () => {
  const strict = { allowPrivate: false };
  const open = { allowPrivate: true };
  it('allows public addresses under both policies', () => {
    expect(refusalFor('8.8.8.8', strict)).toBeUndefined();
    expect(refusalFor('2606:4700:4700::1111', open)).toBeUndefined();
  });
  it.each(['127.0.0.1', '10.0.0.1', '100.64.0.1', '::1', 'fd00::1', '::ffff:192.168.1.1', '0.0.0.0', '240.0.0.1'])(
    'refuses %s when private destinations are not allowed',
    (address) => {
      expect(refusalFor(address, strict)).toMatchObject({ public: false });
    },
  );
  it.each(['127.0.0.1', '10.0.0.1', '::1', 'fd00::1', '::ffff:192.168.1.1'])(
    'allows %s when private destinations are allowed',
    (address) => {
      expect(refusalFor(address, open)).toBeUndefined();
    },
  );
  it.each(['169.254.169.254', 'fe80::1', '::ffff:169.254.169.254', '64:ff9b::a9fe:a9fe'])(
    'refuses link-local %s even when private destinations are allowed',
    (address) => {
      expect(refusalFor(address, open)).toMatchObject({ kind: 'link-local' });
    },
  );
});

describe('describeRefusal', () => {
  it('names the host and the block, not the address, and the setting to change', () => {
    const text = describeRefusal('hooks.example', { public: false, kind: 'loopback', range: '127.0.0.0/8' }, false);
    expect(text).toBe(
      'hooks.example resolves to a loopback address (127.0.0.0/8); private destinations are not allowed on this relay (TANDEM_WEBHOOK_ALLOW_PRIVATE)',
    );
  });
  it('says link-local is never allowed', () => {
    const text = describeRefusal(
      '169.254.169.254',
      { public: false, kind: 'link-local', range: '169.254.0.0/16' },
      true,
    );
    expect(text).toBe(
      '169.254.169.254 is a link-local address (169.254.0.0/16); link-local addresses (cloud metadata) are never allowed',
    );
  });
});
