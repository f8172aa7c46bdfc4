/**
 * The `export-private-keys` challenge, Node 1's side (DESIGN.md §4.3, docs/api/mpc.md `export`):
 *   1. the PIN: the guard's counted evaluation gives K, which opens this device's copy of the bundle
 *      (a new profile is restored first, restore.ts); the guard's proof is NOT sent to the verify
 *      route but with `session.start`, so Node 2 checks the PIN and releases in one step;
 *   2. Node 2 answers with one `export/release` envelope (its shares, k_S, the wallet list) and
 *      completes the challenge with a summary of what it released — all the business ever sees;
 *   3. every key is rebuilt here (export-keys.ts) and handed to this approval's Gateway window once
 *      (`take`), from worker memory only: never `storage.*`, never the approval's stored result.
 */
import { unwrapBundleJson } from '../../../protocol/pin/wrap.js';
import type { Envelope } from '../../../protocol/session.js';
import { type Node1Bundle, parseBundle } from '../bundle.js';
import type { RelayConnection } from '../relay-client.js';
import type { FlowContext, FlowRequest } from './context.js';
import { type ExportedKeys, parseExportRelease, rebuildExportedKeys } from './export-keys.js';
import { CeremonyRefusedError, sessionDone, startSession } from './session.js';
import { unlockBundle } from './unlock.js';

export const EXPORT_CEREMONY = 'export';
export const EXPORT_RELEASE_PROTOCOL = 'export/release';
export const EXPORT_STEPS = [
  'Check your PIN',
  'Receive the relay’s key parts',
  'Rebuild your keys on this device',
] as const;

/** How long rebuilt keys wait in worker memory for the Gateway window to take them. */
export const EXPORT_HANDOVER_MS = 60_000;

export interface ExportFlow {
  /** Runs the export; returns the relay's public result. The keys wait for `take`. */
  run(ctx: FlowContext, request: FlowRequest, pin: string, newId: () => string): Promise<Record<string, unknown>>;
  /** The rebuilt keys of an approval, handed over once; undefined when taken, expired or never made. */
  take(approvalId: string): ExportedKeys | undefined;
  forget(approvalId: string): void;
}

/** Opens this device's bundle with the PIN, keeping the guard's proof for the ceremony. */
async function openForExport(ctx: FlowContext, request: FlowRequest, pin: string) {
  let local = await ctx.wallets.get(ctx.relayOrigin, request.customerId);
  if (!local) {
    // A new profile: restore (admits this device with one PIN proof), then a fresh proof for the release.
    const restored = await unlockBundle(ctx, { ...request, pin });
    restored.key.rootKey.fill(0);
    local = await ctx.wallets.get(ctx.relayOrigin, request.customerId);
    if (!local) throw new CeremonyRefusedError('no-copy', 'the restored copy was not kept on this device');
  }
  const { key, proof } = await ctx.pinGuard.evaluatePin(request.challengeId, request.customerId, pin, local.wrapped);
  let bundle: Node1Bundle;
  try {
    bundle = parseBundle(await unwrapBundleJson(local.wrapped, key.rootKey));
  } catch (error) {
    // Almost always a wrong PIN: the guard counts it and says how many tries are left.
    await ctx.pinGuard.verifyPin(request.challengeId, proof);
    throw error;
  } finally {
    key.rootKey.fill(0);
  }
  return { bundle, proof };
}

/** Resolves with the first envelope of `protocol` for `sessionId` (subscribe before starting the session). */
function nextRelease(connection: RelayConnection) {
  let unsubscribe: () => void = () => undefined;
  const received = new Promise<Envelope<unknown>>((resolve) => {
    unsubscribe = connection.onEnvelope((envelope) => {
      if (envelope.protocol === EXPORT_RELEASE_PROTOCOL && envelope.from === 'server') resolve(envelope);
    });
  });
  return { received, stop: () => unsubscribe() };
}

export function createExportFlow(): ExportFlow {
  const waiting = new Map<string, { keys: ExportedKeys; timer: ReturnType<typeof setTimeout> }>();
  const forget = (approvalId: string) => {
    const entry = waiting.get(approvalId);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.keys.rows.length = 0;
    waiting.delete(approvalId);
  };

  return {
    async run(ctx, request, pin, newId) {
      request.report({ type: 'progress', step: 0 });
      const { bundle, proof } = await openForExport(ctx, request, pin);
      request.report({ type: 'progress', step: 1 });
      const connection = await ctx.connect({ mode: 'authenticate', customerId: request.customerId });
      const release = nextRelease(connection);
      try {
        const ready = await startSession(connection, {
          challengeId: request.challengeId,
          ceremony: EXPORT_CEREMONY,
          params: { pin: proof },
          newId,
        });
        const done = sessionDone(connection, ready.ceremonyId);
        done.catch(() => undefined);
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new CeremonyRefusedError('timeout', 'the relay released no key parts')),
            30_000,
          );
        });
        const envelope = await Promise.race([release.received, timeout, done.then(() => timeout)]).finally(() =>
          clearTimeout(timer),
        );
        if (envelope.sessionId !== ready.params.sessionId)
          throw new CeremonyRefusedError('invalid-message', 'the key parts came for another session');
        const parsed = parseExportRelease(envelope.payload);
        request.report({ type: 'progress', step: 2 });
        const keys = rebuildExportedKeys(bundle, parsed, request.customerId);
        const result = await done;
        forget(request.approvalId);
        const expiry = setTimeout(() => forget(request.approvalId), EXPORT_HANDOVER_MS);
        waiting.set(request.approvalId, { keys, timer: expiry });
        return result;
      } finally {
        release.stop();
        connection.close();
      }
    },
    take(approvalId) {
      const entry = waiting.get(approvalId);
      if (!entry) return undefined;
      clearTimeout(entry.timer);
      waiting.delete(approvalId);
      return entry.keys;
    },
    forget,
  };
}
