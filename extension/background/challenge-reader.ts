/**
 * Reading a business challenge from the relay, for the Gateway: its kind (which screens to show), its
 * status (expired / already used get their own screen, not a spinner), the payload being approved and
 * the business's return URL.
 *
 * Transport: the relay's Gateway JSON API, `GET {relay}/v2/gateway/challenges/{challengeId}` (relay/
 * gateway-api/routes.ts; CORS is granted to extension origins, the challenge id is the capability).
 * It answers 404 unknown, 410 expired, 409 already used, or 200 with the relay envelope
 * `{ success, status, message, data }`. The reader is an interface so tests and a later WebSocket
 * transport can stand in.
 */
import { isUuid } from './ids.js';

export interface GatewayChallenge {
  challengeId: string;
  /** A DESIGN.md §5 kind (`initialize`, `transfer`, …); unknown kinds get an "update the extension" screen. */
  kind: string;
  /** `in_progress`: a ceremony already started (e.g. before a service-worker restart). */
  status: 'pending' | 'in_progress';
  /** ISO 8601. */
  expiresAt: string;
  /** The customer the challenge is for (the relay handshake names it). */
  customerId: string;
  /** The business's name, as the relay knows its organisation. */
  businessName: string;
  hasPin: boolean;
  hasRecovery: boolean;
  /** Too many wrong PINs: the Gateway must send the user to recovery. */
  locked: boolean;
  /** The approved payload exactly as the business created it (null once pruned). */
  payload: Record<string, unknown> | null;
  /** The business's return URL, when the relay provides it (validated https, or http on loopback). */
  returnUrl: string | null;
}

export type ChallengeReadResult =
  | { state: 'ready'; challenge: GatewayChallenge }
  /** The relay does not know this id (mistyped link, or another relay). */
  | { state: 'unknown' }
  | { state: 'expired' }
  /** Approved, failed or in progress elsewhere: it cannot be used again. */
  | { state: 'used' }
  /** The relay could not be reached or answered something we cannot read. */
  | { state: 'unreachable'; detail: string };

export interface ChallengeReader {
  read(relayOrigin: string, challengeId: string): Promise<ChallengeReadResult>;
}

const ACTIVE = new Set(['pending', 'in_progress']);
const USED = new Set(['verified', 'failed']);

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

const unreadable = (detail: string): ChallengeReadResult => ({ state: 'unreachable', detail });

/** Interprets the relay's 200 answer; anything unexpected is `unreachable` with what was wrong. */
export function parseChallengeAnswer(body: unknown, challengeId: string): ChallengeReadResult {
  const data = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).data : undefined;
  if (typeof data !== 'object' || data === null) return unreadable('the answer has no data');
  const c = data as Record<string, unknown>;
  if (c.id !== challengeId) return unreadable('the answer is about another challenge');
  if (typeof c.kind !== 'string' || !/^[a-z-]{1,40}$/.test(c.kind)) return unreadable('the answer has no valid kind');
  if (typeof c.expiresAt !== 'string' || Number.isNaN(Date.parse(c.expiresAt))) {
    return unreadable('the answer has no valid expiresAt');
  }
  const returnUrl = c.returnUrl ?? null;
  if (returnUrl !== null && !isHttpUrl(returnUrl)) return unreadable('the answer has an invalid returnUrl');
  if (typeof c.businessName !== 'string') return unreadable('the answer has no businessName');
  if (typeof c.customerId !== 'string' || !/^[A-Za-z0-9_.:-]{1,128}$/.test(c.customerId)) {
    return unreadable('the answer has no valid customerId');
  }
  for (const flag of ['hasPin', 'hasRecovery', 'locked'] as const) {
    if (typeof c[flag] !== 'boolean') return unreadable(`the answer has no boolean ${flag}`);
  }
  const payload = c.payload ?? null;
  if (payload !== null && (typeof payload !== 'object' || Array.isArray(payload))) {
    return unreadable('the answer has an invalid payload');
  }
  if (c.status === 'expired') return { state: 'expired' };
  if (typeof c.status === 'string' && USED.has(c.status)) return { state: 'used' };
  if (typeof c.status !== 'string' || !ACTIVE.has(c.status)) return unreadable('the answer has an unknown status');
  return {
    state: 'ready',
    challenge: {
      challengeId,
      kind: c.kind,
      status: c.status as 'pending' | 'in_progress',
      expiresAt: c.expiresAt,
      customerId: c.customerId,
      businessName: c.businessName,
      hasPin: c.hasPin as boolean,
      hasRecovery: c.hasRecovery as boolean,
      locked: c.locked as boolean,
      payload: payload as Record<string, unknown> | null,
      returnUrl,
    },
  };
}

export function createHttpChallengeReader(deps: { fetch: typeof fetch; timeoutMs?: number }): ChallengeReader {
  return {
    async read(relayOrigin, challengeId) {
      if (!isUuid(challengeId)) return { state: 'unknown' };
      let response: Response;
      try {
        response = await deps.fetch(`${relayOrigin}/v2/gateway/challenges/${challengeId}`, {
          headers: { accept: 'application/json' },
          credentials: 'omit',
          redirect: 'error',
          signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
        });
      } catch (error) {
        return {
          state: 'unreachable',
          detail: `the relay at ${relayOrigin} did not answer (${(error as Error).name})`,
        };
      }
      if (response.status === 404) return { state: 'unknown' };
      if (response.status === 410) return { state: 'expired' };
      if (response.status === 409) return { state: 'used' };
      if (!response.ok) return { state: 'unreachable', detail: `the relay answered HTTP ${response.status}` };
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        return { state: 'unreachable', detail: 'the relay answered something other than JSON' };
      }
      return parseChallengeAnswer(body, challengeId);
    },
  };
}
