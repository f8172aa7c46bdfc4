/**
 * Asking the relay for a ceremony over an authenticated connection and waiting for its end:
 * `session.start` → `session.ready` (or a refusal naming the request), and `session.done` (or
 * `session.abort`) for a ceremony id. Every wait has a deadline and ends early when the connection closes.
 */
import type { SessionReadyMessage } from '../../../protocol/wire/control.js';
import type { RelayConnection } from '../relay-client.js';

/** The relay refused or stopped a ceremony; `code` is the relay's (e.g. 'digest-mismatch', 'no-key'). */
export class CeremonyRefusedError extends Error {
  override readonly name = 'CeremonyRefusedError';
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

interface ControlPayload {
  type: string;
  requestId?: string;
  ceremonyId?: string;
  code?: string;
  message?: string;
  reason?: string;
  result?: Record<string, unknown>;
}

/** Resolves with the first control message `pick` accepts; rejects on close or after `timeoutMs`. */
function waitForControl<T>(
  connection: RelayConnection,
  pick: (message: ControlPayload) => T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(
      () => finish(() => reject(new CeremonyRefusedError('timeout', `no ${what} within ${timeoutMs} ms`))),
      timeoutMs,
    );
    function finish(action: () => void): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      action();
    }
    const unsubscribe = connection.onEnvelope((envelope) => {
      if (envelope.protocol !== 'control') return;
      let picked: T | undefined;
      try {
        picked = pick(envelope.payload as ControlPayload);
      } catch (error) {
        finish(() => reject(error));
        return;
      }
      if (picked !== undefined) finish(() => resolve(picked as T));
    });
    connection.onClose((error) =>
      finish(() =>
        reject(
          new CeremonyRefusedError(
            'disconnected',
            `the relay connection closed while waiting for ${what}: ${error.message}`,
          ),
        ),
      ),
    );
  });
}

export function startSession(
  connection: RelayConnection,
  params: {
    challengeId: string;
    ceremony: string;
    params?: Record<string, unknown>;
    newId: () => string;
    timeoutMs?: number;
  },
): Promise<SessionReadyMessage> {
  const requestId = `req_${params.newId().replaceAll('-', '').slice(0, 16)}`;
  const ready = waitForControl<SessionReadyMessage>(
    connection,
    (m) => {
      if (m.requestId !== requestId) return undefined;
      if (m.type === 'session.ready') return m as unknown as SessionReadyMessage;
      if (m.type === 'error')
        throw new CeremonyRefusedError(m.code ?? 'error', m.message ?? 'the relay refused the ceremony');
      return undefined;
    },
    params.timeoutMs ?? 30_000,
    `answer to ${params.ceremony}`,
  );
  connection.sendControl({
    type: 'session.start',
    requestId,
    challengeId: params.challengeId,
    ceremony: params.ceremony,
    params: params.params ?? {},
  });
  return ready;
}

/** Subscribe BEFORE sending the last round, so the answer cannot slip past. */
export function sessionDone(
  connection: RelayConnection,
  ceremonyId: string,
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  return waitForControl(
    connection,
    (m) => {
      if (m.ceremonyId !== ceremonyId) return undefined;
      if (m.type === 'session.done') return m.result ?? {};
      if (m.type === 'session.abort' || m.type === 'error') {
        throw new CeremonyRefusedError(m.code ?? 'aborted', m.reason ?? m.message ?? 'the relay stopped the ceremony');
      }
      return undefined;
    },
    timeoutMs,
    'end of the ceremony',
  );
}
