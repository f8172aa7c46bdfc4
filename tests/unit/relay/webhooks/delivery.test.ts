import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import {
  DestinationRefusedError,
  pinnedLookup,
  type ResolvedAddress,
  resolveDestination,
} from '../../../../relay/webhooks/delivery.js';

const strict = { allowPrivate: false };
const open = { allowPrivate: true };
const live = () => new AbortController().signal;

/** A resolver that answers `addresses` and records the names it was asked about. */
function resolverOf(addresses: ResolvedAddress[]) {
  const asked: string[] = [];
  return {
    asked,
    resolve: async (hostname: string) => {
      asked.push(hostname);
      return addresses;
    },
  };
}

describe('resolveDestination', () => {
  it('returns every address of a host whose answers are all public', async () => {
    const r = resolverOf([
      { address: '93.184.215.14', family: 4 },
      { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
    ]);
    const got = await resolveDestination(new URL('https://hooks.example/x'), strict, r.resolve, live());
    expect(got).toHaveLength(2);
    expect(r.asked).toEqual(['hooks.example']);
  });
  it('refuses when one address among public ones is private', async () => {
    const r = resolverOf([
      { address: '93.184.215.14', family: 4 },
      { address: '192.168.0.10', family: 4 },
    ]);
    await expect(resolveDestination(new URL('https://hooks.example/x'), strict, r.resolve, live())).rejects.toThrow(
      'hooks.example resolves to a private address (192.168.0.0/16)',
    );
  });
  it('refuses with the kind of the refused address', async () => {
    const r = resolverOf([{ address: '::1', family: 6 }]);
    const error = await resolveDestination(new URL('https://hooks.example/x'), strict, r.resolve, live()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DestinationRefusedError);
    expect((error as DestinationRefusedError).kind).toBe('loopback');
  });
  it('allows a private answer when private destinations are allowed', async () => {
    const r = resolverOf([{ address: '10.0.0.2', family: 4 }]);
    await expect(resolveDestination(new URL('https://hooks.example/x'), open, r.resolve, live())).resolves.toEqual([
      { address: '10.0.0.2', family: 4 },
    ]);
  });
  it('refuses a literal private address without asking the resolver', async () => {
    const r = resolverOf([]);
    await expect(resolveDestination(new URL('https://10.1.2.3/x'), strict, r.resolve, live())).rejects.toThrow(
      '10.1.2.3 is a private address (10.0.0.0/8)',
    );
    expect(r.asked).toEqual([]);
  });
  it('takes a literal public address as it is, without asking the resolver', async () => {
    const r = resolverOf([]);
    await expect(
      resolveDestination(new URL('https://[2606:4700::1111]/x'), strict, r.resolve, live()),
    ).resolves.toEqual([{ address: '2606:4700::1111', family: 6 }]);
    expect(r.asked).toEqual([]);
  });
  it('refuses localhost names without asking the resolver when private destinations are not allowed', async () => {
    const r = resolverOf([{ address: '93.184.215.14', family: 4 }]);
    await expect(resolveDestination(new URL('http://api.localhost/x'), strict, r.resolve, live())).rejects.toThrow(
      DestinationRefusedError,
    );
    expect(r.asked).toEqual([]);
  });
  it('fails (not a refusal) when the host has no address', async () => {
    const r = resolverOf([]);
    const error = await resolveDestination(new URL('https://hooks.example/x'), strict, r.resolve, live()).catch(
      (e: unknown) => e,
    );
    expect(error).not.toBeInstanceOf(DestinationRefusedError);
    expect((error as Error).message).toBe('could not resolve hooks.example: no address');
  });
  it('reports a resolver error by its code', async () => {
    const failing = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND hooks.example'), { code: 'ENOTFOUND' });
    };
    await expect(resolveDestination(new URL('https://hooks.example/x'), strict, failing, live())).rejects.toThrow(
      'could not resolve hooks.example: ENOTFOUND',
    );
  });
  it('gives up when the delivery times out during resolution', async () => {
    const controller = new AbortController();
    const never = () => new Promise<ResolvedAddress[]>(() => undefined);
    const pending = resolveDestination(new URL('https://hooks.example/x'), strict, never, controller.signal);
    controller.abort(new Error('timed out after 10 ms'));
    await expect(pending).rejects.toThrow('timed out after 10 ms');
  });
});

describe('pinnedLookup', () => {
  const addresses: ResolvedAddress[] = [
    { address: '93.184.215.14', family: 4 },
    { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
  ];
  it('answers every checked address when net asks for all (autoSelectFamily)', () => {
    let got: LookupAddress[] | undefined;
    pinnedLookup(addresses)('rebind.example', { all: true }, ((_e: unknown, list: LookupAddress[]) => {
      got = list;
    }) as never);
    expect(got).toEqual(addresses);
  });
  it('answers the first checked address when net asks for one', () => {
    let got: [string, number] | undefined;
    pinnedLookup(addresses)('rebind.example', {}, (_e, address, family) => {
      got = [address as string, family as number];
    });
    expect(got).toEqual(['93.184.215.14', 4]);
  });
});
