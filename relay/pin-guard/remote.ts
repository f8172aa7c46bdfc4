/**
 * `PinGuard` over HTTP, for a guard running in its own process (PIN_GUARD_URL). The relay uses it
 * exactly like the in-process guard; `onLockedOut` fires here when the guard reports the lock.
 */
import { InvalidMessageError } from '../../protocol/errors.js';
import type { GuardPurpose } from '../../protocol/pin/oprf.js';
import type { LockedOutEvent, PinGuard } from './types.js';

export class PinGuardRemoteError extends Error {
  override readonly name = 'PinGuardRemoteError';
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export function createRemotePinGuard(options: {
  url: string;
  token: string;
  onLockedOut?: (event: LockedOutEvent) => Promise<void> | void;
  clock?: () => number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}): PinGuard {
  const base = options.url.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const clock = options.clock ?? Date.now;
  let closed = false;

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    if (closed) throw new Error('remote PIN guard client is closed');
    const response = await doFetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${options.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new PinGuardRemoteError(response.status, `PIN guard ${path}: non-JSON response (HTTP ${response.status})`);
    }
    if (response.status === 400) {
      // Keep the local contract: malformed input is an InvalidMessageError, whichever side found it.
      const message = (json as { error?: { message?: string } }).error?.message ?? 'invalid request';
      throw new InvalidMessageError({ from: 'client', field: 'request', expected: 'a valid request', got: message });
    }
    if (!response.ok) {
      const message = (json as { error?: { message?: string } }).error?.message ?? `HTTP ${response.status}`;
      throw new PinGuardRemoteError(response.status, `PIN guard ${path}: ${message}`);
    }
    return json as T;
  }

  async function withLockNotice<T extends { status: string; lockedOut?: boolean }>(
    result: T,
    customerId: string,
    purpose: GuardPurpose,
  ): Promise<T> {
    if (result.status === 'locked' && result.lockedOut) {
      const info = await guard.info();
      await options.onLockedOut?.({ customerId, purpose, failures: info.maxFailures, lockedAtMs: clock() });
    }
    return result;
  }

  let infoCache: Awaited<ReturnType<PinGuard['info']>> | undefined;
  const guard: PinGuard = {
    async info() {
      if (!infoCache) infoCache = await call<Awaited<ReturnType<PinGuard['info']>>>('GET', '/v1/info');
      return infoCache;
    },
    status: (customerId, purpose) => call('POST', '/v1/status', { customerId, purpose }),
    async evaluate(request) {
      return withLockNotice(await call('POST', '/v1/evaluate', request), request.customerId, request.purpose);
    },
    async verify(request) {
      return withLockNotice(await call('POST', '/v1/verify', request), request.customerId, request.purpose);
    },
    beginEnrolment: (request) => call('POST', '/v1/enrol/evaluate', request),
    completeEnrolment: (request) => call('POST', '/v1/enrol/complete', request),
    allowEnrolment: (customerId, purpose) => call('POST', '/v1/enrol/allow', { customerId, purpose }),
    unlock: (customerId, purpose) => call('POST', '/v1/unlock', { customerId, purpose }),
    async close() {
      closed = true;
    },
  };
  return guard;
}
