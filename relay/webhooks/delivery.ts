/**
 * One webhook POST with the destination guard. The host is resolved once, by us; every address in the
 * answer must pass the policy (destination.ts), and the connection is then pinned to those checked
 * addresses through the request's `lookup` hook, so a second DNS answer (rebinding) never reaches the
 * socket. TLS still verifies the certificate against the URL's hostname (SNI and identity check use it,
 * not the address). No redirect is followed (node:http never follows one) and the response body is not
 * read: the status line is all the worker needs.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIPv4, type LookupFunction } from 'node:net';
import {
  type DestinationPolicy,
  describeRefusal,
  isLocalhostName,
  literalAddress,
  type NonPublicKind,
  refusalFor,
} from './destination.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Every address of `hostname` (A and AAAA). Injected in tests; `systemResolver` otherwise. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

/** The operating system's resolver (getaddrinfo: /etc/hosts, then DNS), all addresses. */
export const systemResolver: ResolveHost = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** The destination is not allowed by the policy; `message` names the host and the address block only. */
export class DestinationRefusedError extends Error {
  override readonly name = 'DestinationRefusedError';
  constructor(
    readonly kind: NonPublicKind,
    message: string,
  ) {
    super(message);
  }
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/**
 * The addresses `url` may be contacted at. Throws DestinationRefusedError when the host is a refused
 * literal, a localhost name, or when ANY of its addresses is refused (a mixed answer would let the
 * connection pick the private one).
 */
export async function resolveDestination(
  url: URL,
  policy: DestinationPolicy,
  resolve: ResolveHost,
  signal: AbortSignal,
): Promise<ResolvedAddress[]> {
  const literal = literalAddress(url.hostname);
  if (literal !== undefined) {
    const refused = refusalFor(literal, policy);
    if (refused) throw new DestinationRefusedError(refused.kind, describeRefusal(url.hostname, refused, true));
    return [{ address: literal, family: isIPv4(literal) ? 4 : 6 }];
  }
  if (!policy.allowPrivate && isLocalhostName(url.hostname)) {
    const refused = { public: false, kind: 'loopback', range: 'localhost' } as const;
    throw new DestinationRefusedError(refused.kind, describeRefusal(url.hostname, refused, true));
  }
  let addresses: ResolvedAddress[];
  try {
    addresses = await Promise.race([resolve(url.hostname), rejectOnAbort(signal)]);
  } catch (e) {
    if (signal.aborted) throw e;
    throw new Error(`could not resolve ${url.hostname}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (addresses.length === 0) throw new Error(`could not resolve ${url.hostname}: no address`);
  for (const { address } of addresses) {
    const refused = refusalFor(address, policy);
    if (refused) throw new DestinationRefusedError(refused.kind, describeRefusal(url.hostname, refused, false));
  }
  return addresses;
}

/** A `lookup` for node:net that answers with the checked addresses and never asks DNS again. */
export function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  const first = addresses[0] as ResolvedAddress;
  return (_hostname, options, callback) => {
    // With autoSelectFamily (Node 20's default) net asks for all addresses; otherwise for one.
    if (options.all) (callback as (e: null, a: ResolvedAddress[]) => void)(null, [...addresses]);
    else callback(null, first.address, first.family);
  };
}

export interface PinnedPost {
  url: URL;
  addresses: readonly ResolvedAddress[];
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

/** POSTs `body` to `url` over a connection to one of `addresses`; resolves with the response status. */
export function postPinned(input: PinnedPost): Promise<number> {
  const { url } = input;
  const secure = url.protocol === 'https:';
  const literal = literalAddress(url.hostname);
  const options: RequestOptions & { servername?: string } = {
    method: 'POST',
    host: literal ?? url.hostname,
    port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
    path: `${url.pathname}${url.search}`,
    headers: { ...input.headers, 'Content-Length': String(Buffer.byteLength(input.body)), Connection: 'close' },
    agent: false,
    lookup: pinnedLookup(input.addresses),
    signal: input.signal,
    // SNI and the certificate check use the hostname (an IP literal gets no SNI, as TLS requires).
    ...(secure && literal === undefined ? { servername: url.hostname } : {}),
  };
  return new Promise((resolve, reject) => {
    const onResponse = (res: IncomingMessage) => {
      resolve(res.statusCode ?? 0);
      // Status only: the body is discarded unread and the connection closed, so its size and pace do not matter.
      res.on('error', () => undefined);
      res.destroy();
    };
    const req = secure ? httpsRequest(options, onResponse) : httpRequest(options, onResponse);
    req.on('error', reject);
    req.end(input.body);
  });
}
