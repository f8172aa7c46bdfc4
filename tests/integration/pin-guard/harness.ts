/**
 * Test harness: a real guard on a real PGlite directory, either in-process or behind its HTTP
 * server (remote client), plus the real Node 1 client flows from protocol/pin.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Argon2Bounds } from '../../../protocol/pin/argon2.js';
import {
  type GuardedKeyOutput,
  pinSecret,
  receiveGuardEvaluation,
  startGuardedEnrolment,
  startGuardedUnlock,
} from '../../../protocol/pin/guarded.js';
import type { CompleteEnrolmentRequest, VerifyRequest } from '../../../protocol/pin/messages.js';
import { deriveGuardKeyPair } from '../../../protocol/pin/oprf.js';
import { type WrappedSecret, wrapBundle } from '../../../protocol/pin/wrap.js';
import { createSeededRng, secureRng } from '../../../protocol/rng.js';
import type { Database } from '../../../relay/db/database.js';
import { openPglite } from '../../../relay/db/pglite.js';
import { createPinGuard } from '../../../relay/pin-guard/guard.js';
import { createRemotePinGuard } from '../../../relay/pin-guard/remote.js';
import { type RunningPinGuardServer, startPinGuardServer } from '../../../relay/pin-guard/server.js';
import type { LockedOutEvent, PinGuard } from '../../../relay/pin-guard/types.js';

/** Test-only Argon2 cost; production bounds are exercised in the unit tests and the benchmark. */
export const TEST_BOUNDS: Argon2Bounds = {
  minMemoryKiB: 64,
  maxMemoryKiB: 262_144,
  minIterations: 1,
  maxIterations: 10,
  minParallelism: 1,
  maxParallelism: 4,
};
export const TEST_COST = { memoryKiB: 64, iterations: 1, parallelism: 1 };
export const TOKEN = 'test-token-0123456789abcdef0123456789abcdef';

export type Mode = 'in-process' | 'remote';

export interface Harness {
  guard: PinGuard;
  events: LockedOutEvent[];
  now: { ms: number };
  /** Closes everything and reopens the same data directory (a relay / guard restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function openHarness(mode: Mode): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-pin-guard-'));
  const oprfKey = deriveGuardKeyPair(secureRng(32)).secretKey;
  const events: LockedOutEvent[] = [];
  const now = { ms: 1_800_000_000_000 };
  let db: Database;
  let inner: PinGuard;
  let server: RunningPinGuardServer | undefined;
  const h = {} as Harness;

  async function open() {
    db = await openPglite(dir);
    const onLockedOut = (e: LockedOutEvent) => {
      events.push(e);
    };
    inner = await createPinGuard({
      db,
      oprfKey,
      clock: () => now.ms,
      ...(mode === 'in-process' ? { onLockedOut } : {}),
    });
    if (mode === 'remote') {
      server = await startPinGuardServer({ guard: inner, token: TOKEN });
      h.guard = createRemotePinGuard({ url: server.url, token: TOKEN, onLockedOut, clock: () => now.ms });
    } else {
      h.guard = inner;
    }
  }
  async function shut() {
    await server?.close();
    await h.guard.close();
    await inner.close();
    await db.close();
  }
  await open();
  h.events = events;
  h.now = now;
  h.restart = async () => {
    await shut();
    await open();
  };
  h.close = async () => {
    await shut();
    rmSync(dir, { recursive: true, force: true });
  };
  return h;
}

const rng = createSeededRng('tandem/integration/pin-guard');
export const BUNDLE = { shares: { evm: 'ab'.repeat(32) }, kC: 'cd'.repeat(32), device: 'test' };

/** Real client enrolment through the guard; returns the wrapped bundle as the relay would store it. */
export async function enrolPin(guard: PinGuard, customerId: string, pin: string): Promise<WrappedSecret> {
  const info = await guard.info();
  const { maxFailures: _, ...guardKey } = info;
  const start = startGuardedEnrolment({
    customerId,
    purpose: 'pin',
    secret: pinSecret(pin, { enrolling: true }),
    guard: guardKey,
    rng,
    argon2Cost: TEST_COST,
    argon2Bounds: TEST_BOUNDS,
  });
  const begun = await guard.beginEnrolment(start.outgoing[0]!);
  if (begun.status !== 'ok') throw new Error(`enrolment refused: ${begun.status}`);
  const done = await receiveGuardEvaluation(start.state, begun.evaluation, { argon2Bounds: TEST_BOUNDS });
  const completed = await guard.completeEnrolment(done.outgoing[0] as CompleteEnrolmentRequest);
  if (completed.status !== 'ok') throw new Error(`enrolment completion refused: ${completed.status}`);
  const { rootKey, kdf } = done.output!;
  return wrapBundle(BUNDLE, rootKey, { method: 'pin', customerId, kdf }, rng, { argon2Bounds: TEST_BOUNDS });
}

/** Starts an unlock and returns the guard's evaluate result plus a way to finish it. */
export async function evaluatePin(guard: PinGuard, wrapped: WrappedSecret, pin: string) {
  if (wrapped.kdf.kind !== 'argon2id+poprf') throw new Error('not a guarded copy');
  const start = startGuardedUnlock({
    customerId: wrapped.customerId,
    purpose: 'pin',
    secret: pinSecret(pin, { enrolling: false }),
    kdf: wrapped.kdf,
    rng,
    argon2Bounds: TEST_BOUNDS,
  });
  const result = await guard.evaluate(start.outgoing[0]!);
  return {
    result,
    request: start.outgoing[0]!,
    async finish(): Promise<{ verify: VerifyRequest; key: GuardedKeyOutput }> {
      if (result.status !== 'ok') throw new Error(`no evaluation: ${result.status}`);
      const done = await receiveGuardEvaluation(start.state, result.evaluation, { argon2Bounds: TEST_BOUNDS });
      return { verify: done.outgoing[0] as VerifyRequest, key: done.output! };
    },
  };
}

/** A complete unlock attempt: evaluate, finalise, verify. */
export async function attemptPin(guard: PinGuard, wrapped: WrappedSecret, pin: string) {
  const e = await evaluatePin(guard, wrapped, pin);
  if (e.result.status !== 'ok') return { evaluate: e.result, verify: undefined, key: undefined };
  const { verify, key } = await e.finish();
  return { evaluate: e.result, verify: await guard.verify(verify), key, verifyRequest: verify };
}
