/**
 * Reading a business challenge from the relay, for the Gateway: its kind (which screens to show), its
 * status (expired / already used get their own screen, not a spinner) and the business's return URL.
 *
 * The reader is an interface so the transport can change: today an HTTP read of the relay's gateway
 * page as JSON (`GET {relay}/gateway/{challengeId}` with `Accept: application/json`, answering
 * 404 unknown / 410 expired / 409 already used, or 200 with the relay's envelope whose `data` is the
 * `GatewayChallenge` below); later the authenticated MPC WebSocket may carry the same read.
 */
import { isUuid } from './ids.js';

export interface GatewayChallenge {
  challengeId: string;
  /** A DESIGN.md §5 kind (`initialize`, `transfer`, …); unknown kinds get an "update the extension" screen. */
  kind: string;
  status: 'pending';
  /** ISO 8601. */
  expiresAt: string;
  /** The business's return URL (validated https, or http on loopback, by the relay). */
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

const PENDING_LIKE = new Set(['pending']);
const USED = new Set(['in_progress', 'verified', 'failed']);

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** Interprets the relay's 200 answer; anything unexpected is `unreachable` with what was wrong. */
export function parseChallengeAnswer(body: unknown, challengeId: string): ChallengeReadResult {
  const data = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).data : undefined;
  if (typeof data !== 'object' || data === null) return { state: 'unreachable', detail: 'the answer has no data' };
  const c = data as Record<string, unknown>;
  if (c.challengeId !== challengeId || !isUuid(c.challengeId)) {
    return { state: 'unreachable', detail: 'the answer is about another challenge' };
  }
  if (typeof c.kind !== 'string' || !/^[a-z-]{1,40}$/.test(c.kind)) {
    return { state: 'unreachable', detail: 'the answer has no valid kind' };
  }
  if (typeof c.expiresAt !== 'string' || Number.isNaN(Date.parse(c.expiresAt))) {
    return { state: 'unreachable', detail: 'the answer has no valid expiresAt' };
  }
  if (c.returnUrl !== null && !isHttpUrl(c.returnUrl)) {
    return { state: 'unreachable', detail: 'the answer has an invalid returnUrl' };
  }
  if (c.status === 'expired') return { state: 'expired' };
  if (typeof c.status === 'string' && USED.has(c.status)) return { state: 'used' };
  if (typeof c.status !== 'string' || !PENDING_LIKE.has(c.status)) {
    return { state: 'unreachable', detail: 'the answer has an unknown status' };
  }
  return {
    state: 'ready',
    challenge: {
      challengeId,
      kind: c.kind,
      status: 'pending',
      expiresAt: c.expiresAt,
      returnUrl: c.returnUrl as string | null,
    },
  };
}

export function createHttpChallengeReader(deps: { fetch: typeof fetch; timeoutMs?: number }): ChallengeReader {
  return {
    async read(relayOrigin, challengeId) {
      if (!isUuid(challengeId)) return { state: 'unknown' };
      let response: Response;
      try {
        response = await deps.fetch(`${relayOrigin}/gateway/${challengeId}`, {
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
