/**
 * The ceremony driver's plug-in shape. A handler runs Node 2's side of one ceremony for a claimed
 * challenge; the connection (connection.ts) owns transport, claiming, completion and audit. Handlers
 * are registered by name and land independently (ecdsa-sign, ecdsa-dkg, frost-sign, …).
 *
 *   session.start (client) → claim challenge → handler.start(ctx) → run
 *   protocol envelope      → run.receive(envelope) → { outgoing, done? }
 *   done                   → one transaction: done.persist(tx) + completeChallenge(tx) → session.done
 *   any error              → failChallenge + audit → session.abort; run.dispose() drops secrets
 */

import type { Rng } from '../../../protocol/rng.js';
import type { Envelope } from '../../../protocol/session.js';
import type { Challenge, ChallengeKind } from '../../challenges/store.js';
import type { MasterKeyRing } from '../../crypto/master-key.js';
import type { Database, Queryable } from '../../db/database.js';
import type { PinGuard } from '../../pin-guard/types.js';
import type { AuthenticatedDevice } from '../handshake.js';
import type { ChainSigningResolver } from '../signing-requests.js';

export type JsonObject = Record<string, unknown>;

export interface CeremonyContext {
  db: Database;
  masterKeys: MasterKeyRing;
  rng: Rng;
  device: AuthenticatedDevice;
  /** The challenge, already claimed (in_progress) for this ceremony. */
  challenge: Challenge;
  /** The client's `session.start` params (unvalidated JSON object: the handler validates). */
  params: JsonObject;
  ceremonyId: string;
  /** The chain layer's challenge → signing requests resolver, when the relay has one. */
  chainSigning?: ChainSigningResolver | undefined;
  /** The PIN guard, for ceremonies released only after a PIN proof (export). */
  pinGuard?: PinGuard | undefined;
  /** Writes an audit entry attributed to this device and challenge (no secrets in `details`). */
  audit(action: string, details?: JsonObject): Promise<void>;
}

export interface CeremonyDone {
  /** The challenge's result (public values only: addresses, signatures). */
  result: JsonObject;
  /** Writes key material / wallets; runs in the same transaction as the challenge completion. */
  persist?: (tx: Queryable) => Promise<void>;
  /**
   * False when another step of the same challenge follows (e.g. re-wrapping the Node 1 bundle after a
   * refresh): the results are stored and the challenge stays in progress. Defaults to true.
   */
  completeChallenge?: boolean;
}

export interface CeremonyProgress {
  outgoing: Envelope<unknown>[];
  /** A session id the run learnt from this message (protocols whose first client message fixes it). */
  bindSessionId?: string;
  /** A session id that is finished (e.g. a re-pairing before signing): later envelopes route without it. */
  releaseSessionId?: string;
  done?: CeremonyDone;
}

export interface CeremonyRun {
  /** Protocol session ids known up front; empty when the client's first message fixes the id. */
  sessionIds: string[];
  /** Sent to the client in `session.ready.params`. */
  readyParams: JsonObject;
  /** The protocol tag announced in `session.ready`. */
  protocol: string;
  /** First server messages (sent right after session.ready). */
  outgoing: Envelope<unknown>[];
  receive(envelope: Envelope<unknown>): Promise<CeremonyProgress>;
  /** Set when the run needs no protocol message at all (e.g. a wallet under an existing root): finish at once. */
  completeAtStart?: () => Promise<CeremonyDone>;
  /**
   * Called when the run ends without completing (abort, error, disconnect). Drops secrets and may
   * persist side effects of the failure (e.g. a burned ECDSA share), given the error.
   */
  dispose(error?: unknown): Promise<void> | void;
}

export interface CeremonyHandler {
  /** Name the client asks for in `session.start`, e.g. 'ecdsa-sign'. */
  name: string;
  /** Every protocol tag this handler's runs send or accept. */
  protocols: readonly string[];
  /** Challenge kinds this ceremony may run for (claimChallenge refuses others). */
  challengeKinds: readonly ChallengeKind[];
  start(ctx: CeremonyContext): Promise<CeremonyRun>;
}

export type CeremonyRegistry = ReadonlyMap<string, CeremonyHandler>;

export function createCeremonyRegistry(handlers: readonly CeremonyHandler[]): CeremonyRegistry {
  const map = new Map<string, CeremonyHandler>();
  for (const h of handlers) {
    if (map.has(h.name)) throw new Error(`ceremony ${h.name} registered twice`);
    map.set(h.name, h);
  }
  return map;
}

/** Every protocol tag any registered ceremony uses (envelopes with other tags are refused). */
export function registryProtocols(registry: CeremonyRegistry): Set<string> {
  const out = new Set<string>();
  for (const h of registry.values()) for (const p of h.protocols) out.add(p);
  return out;
}
