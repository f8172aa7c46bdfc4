/**
 * Drives one MPC ceremony of Node 1 over the relay connection: any protocol shaped like
 * protocol/session.ts (`receive(state, envelope) → { state, outgoing, output }`). After every round
 * the new state is written to the ceremony store (storage.session) before its messages are sent, so
 * a worker restart finds the latest state; incoming envelopes are handled one at a time in arrival
 * order; the ceremony ends in its output or in a CeremonyFailedError — never in silence: each round
 * has a deadline, and a closed connection or an abort from the relay ends it at once.
 */
import type { Envelope, Step } from '../../protocol/session.js';
import type { CeremonyStore } from './ceremonies.js';
import type { RelayConnection } from './relay-client.js';

export interface CeremonyDriver<S, O> {
  /** Protocol tag of its envelopes, e.g. 'ecdsa2p/sign'. */
  protocol: string;
  receive(state: S, envelope: Envelope<unknown>): Step<S, Envelope<unknown>, O>;
}

export type CeremonyFailureCode = 'aborted' | 'timeout' | 'disconnected' | 'protocol' | 'store';

export class CeremonyFailedError extends Error {
  override readonly name = 'CeremonyFailedError';
  readonly code: CeremonyFailureCode;
  readonly ceremonyId: string;
  constructor(ceremonyId: string, code: CeremonyFailureCode, message: string) {
    super(message);
    this.code = code;
    this.ceremonyId = ceremonyId;
  }
}

export interface RunCeremonyParameters<S, O> {
  connection: RelayConnection;
  store: CeremonyStore;
  /** The relay's ceremony id (from session.ready). */
  ceremonyId: string;
  /**
   * The ceremony store's record id, when one relay ceremony runs several sub-sessions (wallet-create
   * runs a DKG per family): defaults to `ceremonyId`.
   */
  recordId?: string;
  approvalId: string;
  /** The protocol session id; envelopes for other sessions are not ours and are ignored. */
  sessionId: string;
  driver: CeremonyDriver<S, O>;
  /** The protocol's `start(...)` result. */
  first: Step<S, Envelope<unknown>, O>;
  /** Longest wait for the relay's next message. */
  roundTimeoutMs?: number;
  /** Called after each stored round (for the Gateway's progress indicator). */
  onRound?: (round: number) => void;
}

export function runCeremony<S, O>(params: RunCeremonyParameters<S, O>): Promise<O> {
  const { connection, store, ceremonyId, driver } = params;
  const recordId = params.recordId ?? ceremonyId;
  const roundTimeoutMs = params.roundTimeoutMs ?? 30_000;

  return new Promise<O>((resolve, reject) => {
    let done = false;
    let state = params.first.state;
    let round = 0;
    let queue: Promise<void> = Promise.resolve();
    let timer: ReturnType<typeof setTimeout> | undefined;

    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => fail('timeout', `the relay sent nothing for ${roundTimeoutMs} ms (round ${round})`, true),
        roundTimeoutMs,
      );
    };

    function finish(): void {
      done = true;
      clearTimeout(timer);
      unsubscribe();
      // The round state holds secrets: it goes as soon as the ceremony is over, whatever the outcome.
      void store.end(recordId).catch(() => undefined);
    }

    function fail(code: CeremonyFailureCode, message: string, tellRelay: boolean): void {
      if (done) return;
      finish();
      if (tellRelay) {
        connection.sendControl({
          type: 'session.abort',
          ceremonyId,
          code: `client-${code}`,
          reason: message.slice(0, 200),
        });
      }
      reject(new CeremonyFailedError(ceremonyId, code, message));
    }

    async function apply(step: Step<S, Envelope<unknown>, O>): Promise<void> {
      round += 1;
      state = step.state;
      await store.advance(recordId, { round, state: step.state });
      params.onRound?.(round);
      for (const envelope of step.outgoing) connection.send(envelope);
      if (step.output !== undefined) {
        finish();
        resolve(step.output);
      } else arm();
    }

    const unsubscribe = connection.onEnvelope((envelope) => {
      if (done) return;
      if (envelope.protocol === 'control') {
        const message = envelope.payload as {
          type: string;
          ceremonyId?: string;
          code?: string;
          reason?: string;
          message?: string;
        };
        if (message.ceremonyId !== ceremonyId) return;
        if (message.type === 'session.abort')
          fail('aborted', `the relay stopped the ceremony: ${message.reason}`, false);
        else if (message.type === 'error')
          fail('aborted', `the relay reported ${message.code}: ${message.message}`, false);
        return;
      }
      if (envelope.protocol !== driver.protocol || envelope.sessionId !== params.sessionId) return;
      queue = queue.then(async () => {
        if (done) return;
        let step: Step<S, Envelope<unknown>, O>;
        try {
          step = driver.receive(state, envelope);
        } catch (error) {
          // Named by the protocol (InvalidMessageError / ProtocolAbortError); no secret in the message.
          fail('protocol', `${(error as Error).name}: ${(error as Error).message}`, true);
          return;
        }
        try {
          await apply(step);
        } catch (error) {
          fail('store', `could not store round ${round}: ${(error as Error).message}`, true);
        }
      });
    });
    connection.onClose((error) => fail('disconnected', `the relay connection closed: ${error.message}`, false));

    void (async () => {
      try {
        await store.begin({
          ceremonyId: recordId,
          approvalId: params.approvalId,
          protocol: driver.protocol,
          sessionId: params.sessionId,
          round: 0,
          state: params.first.state,
        });
      } catch (error) {
        fail('store', `could not start the ceremony record: ${(error as Error).message}`, true);
        return;
      }
      if (done) return;
      for (const envelope of params.first.outgoing) connection.send(envelope);
      if (params.first.output !== undefined) {
        finish();
        resolve(params.first.output);
      } else arm();
    })();
  });
}
