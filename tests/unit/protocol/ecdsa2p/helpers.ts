/**
 * In-memory drivers for the ecdsa2p state machines. Every transition gets its own seeded RNG named
 * after the run, the party and the call index, so a recorded run can be replayed from any step
 * byte for byte: an attack test re-runs the honest party from its recorded state with the same RNG,
 * and any tampering that had no effect would reproduce the honest run (and fail the test).
 */
import { expect } from 'vitest';
import { toHex } from '../../../../protocol/bytes.js';
import { receiveDkg, startDkg } from '../../../../protocol/ecdsa2p/dkg.js';
import type { Ecdsa2pKeyShare } from '../../../../protocol/ecdsa2p/key-share.js';
import { hexBytes } from '../../../../protocol/ecdsa2p/messages.js';
import { receiveRefresh, startRefresh } from '../../../../protocol/ecdsa2p/refresh.js';
import { receiveRepair, startRepair } from '../../../../protocol/ecdsa2p/repair.js';
import {
  type Ecdsa2pSignature,
  receiveSign,
  type SignState,
  startSignClient,
  startSignServer,
} from '../../../../protocol/ecdsa2p/sign.js';
import { InvalidMessageError, type PartyRole, ProtocolAbortError } from '../../../../protocol/errors.js';
import { createSeededRng, type Rng } from '../../../../protocol/rng.js';
import { type Envelope, otherParty, type Step } from '../../../../protocol/session.js';

/**
 * Time allowed for a suite's setup (DKG and refresh run the OT pairing: about a second each on an
 * idle 2-core machine, several times that when the machine is shared).
 */
export const SETUP_TIMEOUT_MS = 180_000;

export const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function rngFor(label: string, role: PartyRole, call: number): Rng {
  return createSeededRng(`tandem/tests/ecdsa2p/${label}/${role}/${call}`);
}

/** One message handed to a party, with what is needed to replay that transition. */
export interface Delivery<S> {
  to: PartyRole;
  /** JSON copy of the receiver's state before the message. */
  stateBefore: S;
  message: Envelope<unknown>;
  rngLabel: string;
  call: number;
}

type Receive<S, O> = (state: S, message: unknown, rng: Rng) => Step<S, Envelope<unknown>, O>;

export interface Run<S, O> {
  deliveries: Delivery<S>[];
  outputs: Partial<Record<PartyRole, O>>;
  /** Every state and message seen, in order (for JSON round-trip checks and fixtures). */
  trace: { states: S[]; messages: Envelope<unknown>[] };
}

/**
 * Drives two started parties to completion, delivering each outgoing message to the other party.
 * With `roundTrip`, every state and message goes through JSON.parse(JSON.stringify(·)) first.
 */
export function drive<S, O>(
  started: Record<PartyRole, Step<S, Envelope<unknown>, O>>,
  receive: Receive<S, O>,
  label: string,
  roundTrip = true,
): Run<S, O> {
  const run: Run<S, O> = { deliveries: [], outputs: {}, trace: { states: [], messages: [] } };
  const states: Record<PartyRole, S> = { client: started.client.state, server: started.server.state };
  const calls: Record<PartyRole, number> = { client: 1, server: 1 };
  const queue: Envelope<unknown>[] = [...started.client.outgoing, ...started.server.outgoing];
  run.trace.states.push(started.client.state, started.server.state);
  while (queue.length > 0) {
    const envelope = queue.shift() as Envelope<unknown>;
    run.trace.messages.push(envelope);
    const to = otherParty(envelope.from);
    const message = roundTrip ? clone(envelope) : envelope;
    const state = roundTrip ? clone(states[to]) : states[to];
    const call = calls[to]++;
    run.deliveries.push({ to, stateBefore: clone(states[to]), message: clone(envelope), rngLabel: label, call });
    const step = receive(state, message, rngFor(label, to, call));
    states[to] = step.state;
    run.trace.states.push(step.state);
    if (step.output !== undefined) run.outputs[to] = step.output;
    queue.push(...step.outgoing);
  }
  return run;
}

export function runDkg(label: string, keyId = 'wallet-1') {
  const sessionId = toHex(createSeededRng(`tandem/tests/ecdsa2p/${label}/sid`)(32));
  const started = {
    client: startDkg({ role: 'client', keyId, sessionId, rng: rngFor(label, 'client', 0) }),
    server: startDkg({ role: 'server', keyId, sessionId, rng: rngFor(label, 'server', 0) }),
  };
  const run = drive(started, receiveDkg as Receive<unknown, Ecdsa2pKeyShare>, label);
  const client = run.outputs.client;
  const server = run.outputs.server;
  if (!client || !server) throw new Error('DKG did not complete');
  return { client, server, run, sessionId };
}

export function runRefresh(label: string, client: Ecdsa2pKeyShare, server: Ecdsa2pKeyShare) {
  const sessionId = toHex(createSeededRng(`tandem/tests/ecdsa2p/${label}/sid`)(32));
  const started = {
    client: startRefresh({ share: client, sessionId, rng: rngFor(label, 'client', 0) }),
    server: startRefresh({ share: server, sessionId, rng: rngFor(label, 'server', 0) }),
  };
  const run = drive(started, receiveRefresh as Receive<unknown, Ecdsa2pKeyShare>, label);
  if (!run.outputs.client || !run.outputs.server) throw new Error('refresh did not complete');
  return { client: run.outputs.client, server: run.outputs.server, run };
}

export function runRepair(label: string, client: Ecdsa2pKeyShare, server: Ecdsa2pKeyShare) {
  const sessionId = toHex(createSeededRng(`tandem/tests/ecdsa2p/${label}/sid`)(32));
  const started = {
    client: startRepair({ share: client, sessionId, rng: rngFor(label, 'client', 0) }),
    server: startRepair({ share: server, sessionId, rng: rngFor(label, 'server', 0) }),
  };
  const run = drive(started, receiveRepair as Receive<unknown, Ecdsa2pKeyShare>, label);
  if (!run.outputs.client || !run.outputs.server) throw new Error('re-pairing did not complete');
  return { client: run.outputs.client, server: run.outputs.server, run };
}

export interface SignInputs {
  client: Ecdsa2pKeyShare;
  server: Ecdsa2pKeyShare;
  digest: Uint8Array;
  path: string;
  /** The server may be given another digest/path (tests of session binding). */
  serverDigest?: Uint8Array;
  serverPath?: string;
}

export function startSigning(label: string, inputs: SignInputs) {
  const server = startSignServer({
    share: inputs.server,
    digest: inputs.serverDigest ?? inputs.digest,
    path: inputs.serverPath ?? inputs.path,
    rng: rngFor(label, 'server', 0),
  });
  const client = startSignClient({
    share: inputs.client,
    digest: inputs.digest,
    path: inputs.path,
    serverNonce: server.serverNonce,
    rng: rngFor(label, 'client', 0),
  });
  return { client, server };
}

export function runSign(label: string, inputs: SignInputs, roundTrip = true): Run<SignState, Ecdsa2pSignature> {
  return drive(startSigning(label, inputs), receiveSign as Receive<SignState, Ecdsa2pSignature>, label, roundTrip);
}

/** One signature with no recording or copying (for the long loops and the benchmark's shape). */
export function signOnce(
  inputs: SignInputs,
  rng: Rng,
): { client: Ecdsa2pSignature; server: Ecdsa2pSignature; bytes: number } {
  const server = startSignServer({ share: inputs.server, digest: inputs.digest, path: inputs.path, rng });
  const client = startSignClient({
    share: inputs.client,
    digest: inputs.digest,
    path: inputs.path,
    serverNonce: server.serverNonce,
    rng,
  });
  let bytes = 32; // the server nonce, sent ahead
  const m1 = client.outgoing[0];
  const s1 = receiveSign(server.state, m1, rng);
  const c2 = receiveSign(client.state, s1.outgoing[0], rng);
  const s3 = receiveSign(s1.state, c2.outgoing[0], rng);
  const c4 = receiveSign(c2.state, s3.outgoing[0], rng);
  for (const m of [m1, s1.outgoing[0], c2.outgoing[0], s3.outgoing[0]]) bytes += hexBytes(m);
  if (!s3.output || !c4.output) throw new Error('signing did not complete');
  return { client: c4.output, server: s3.output, bytes };
}

/** True when `value` is plain JSON data (objects, arrays, strings, finite numbers, booleans, null). */
export function isJsonSafe(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonSafe);
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    return Object.values(value as Record<string, unknown>).every((v) => v !== undefined && isJsonSafe(v));
  }
  return false;
}

/**
 * Replays a recorded run from delivery `index`, handing the honest receiver `mutate(message)` and
 * then the peer's recorded later messages (a malicious peer that otherwise sticks to its honest
 * transcript, or applies `mutateLater` to them). Returns the error the honest party threw; fails if
 * it finished or never threw.
 */
export function attack<S, O>(
  run: Run<S, O>,
  index: number,
  receive: Receive<S, O>,
  mutate: (message: Envelope<unknown>) => unknown,
  mutateLater: (message: Envelope<unknown>) => unknown = (m) => m,
): unknown {
  const first = run.deliveries[index];
  if (!first) throw new Error(`no delivery ${index}`);
  const honest = first.to;
  const later = run.deliveries.filter((d, i) => i > index && d.to === honest);
  let state = clone(first.stateBefore);
  const inbox: { message: unknown; call: number }[] = [
    { message: mutate(clone(first.message)), call: first.call },
    ...later.map((d) => ({ message: mutateLater(clone(d.message)), call: d.call })),
  ];
  for (const { message, call } of inbox) {
    let step: Step<S, Envelope<unknown>, O>;
    try {
      step = receive(state, message, rngFor(first.rngLabel, honest, call));
    } catch (error) {
      return error;
    }
    expect(step.output, 'the honest party must not produce an output').toBeUndefined();
    state = step.state;
  }
  throw new Error(`the honest ${honest} accepted the attack without an error`);
}

/** The honest party threw a typed error that names its peer. */
export function expectBlamesPeer(error: unknown, peer: PartyRole): void {
  if (error instanceof InvalidMessageError) {
    expect(error.from).toBe(peer);
    return;
  }
  if (error instanceof ProtocolAbortError) {
    expect(error.culprit).toBe(peer);
    return;
  }
  throw error;
}
