/**
 * The ECDSA abort policy on Node 1's side (DESIGN.md §3; relay/mpc/ceremonies/ecdsa-sign.ts):
 *
 * - the relay announces a re-pairing in session.ready (`params.repair`) when its pairing is burned,
 *   or when we ask (`params.repair: true`) because ours is: we run protocol/ecdsa2p/repair.ts as the
 *   client — same shares, fresh OT correlations — and sign with the re-paired share;
 * - the re-paired share is kept before any signing message goes out: the bundle is re-wrapped under the
 *   PIN key K the flow already holds and stored at the relay (which accepts a PIN copy under a signing
 *   challenge only after that challenge re-paired, once) and on this device. Recovery copies keep the
 *   old pairing on purpose (the shares are unchanged); a copy restored later re-pairs at its next use;
 * - when OUR check fails with a burning abort (OT/RVOLE/Γ consistency), the relay is told with the
 *   reason as the abort code (it burns its side) and the burned share is kept on this device, so the
 *   next signature asks for a re-pairing instead of reusing the correlations.
 */
import { isHex } from '../../../protocol/bytes.js';
import {
  burnShare,
  type Ecdsa2pKeyShare,
  isBurningAbort,
  REPAIR_PROTOCOL,
  type RepairState,
  receiveRepair,
  startRepair,
} from '../../../protocol/ecdsa2p/index.js';
import type { GuardedKeyOutput } from '../../../protocol/pin/guarded.js';
import { wrapBundle } from '../../../protocol/pin/wrap.js';
import type { Node1Bundle } from '../bundle.js';
import { type CeremonyDriver, CeremonyFailedError, runCeremony } from '../ceremony-runner.js';
import { PinGuardError } from '../pin-guard-client.js';
import type { RelayConnection } from '../relay-client.js';
import type { FlowContext, FlowRequest } from './context.js';
import { CeremonyRefusedError } from './session.js';
import { SigningRefusedError } from './signing-requests.js';
import { rewrapBundle } from './unlock.js';

export interface RepairAnnouncement {
  protocol: typeof REPAIR_PROTOCOL;
  sessionId: string;
}

/** The relay's `params.repair` from session.ready: absent, or exactly `{ protocol, sessionId }`. */
export function parseRepairAnnouncement(value: unknown): RepairAnnouncement | undefined {
  if (value === undefined) return undefined;
  const v = value as Record<string, unknown>;
  if (
    typeof value !== 'object' ||
    value === null ||
    Object.keys(v).sort().join(',') !== 'protocol,sessionId' ||
    v.protocol !== REPAIR_PROTOCOL ||
    !isHex(v.sessionId, 32)
  ) {
    throw new SigningRefusedError(
      `the relay announced a re-pairing we do not understand (expected { protocol: '${REPAIR_PROTOCOL}', sessionId: 32-byte hex })`,
    );
  }
  return { protocol: REPAIR_PROTOCOL, sessionId: v.sessionId as string };
}

/** Runs the re-pairing as the client; the output keeps the same secret share and public key. */
export async function runRepair(
  ctx: FlowContext,
  request: FlowRequest,
  connection: RelayConnection,
  p: { ceremonyId: string; share: Ecdsa2pKeyShare; announced: RepairAnnouncement },
): Promise<Ecdsa2pKeyShare> {
  const first = startRepair({ share: p.share, sessionId: p.announced.sessionId, rng: ctx.rng });
  const sessionId = first.outgoing[0]?.sessionId;
  if (!sessionId) throw new SigningRefusedError('the re-pairing produced no first message');
  const repaired = await runCeremony<RepairState, Ecdsa2pKeyShare>({
    connection,
    store: ctx.ceremonies,
    ceremonyId: p.ceremonyId,
    recordId: `${p.ceremonyId}:repair`,
    approvalId: request.approvalId,
    sessionId,
    driver: { protocol: REPAIR_PROTOCOL, receive: (s, e) => receiveRepair(s, e, ctx.rng) },
    first,
  });
  if (repaired.secretShare !== p.share.secretShare || repaired.publicKey !== p.share.publicKey) {
    throw new SigningRefusedError('the re-pairing changed the key share, which it must never do');
  }
  return repaired;
}

/** The bundle with `share` as the root share of `family`. */
export function withEcdsaShare(bundle: Node1Bundle, family: 'evm' | 'bitcoin', share: Ecdsa2pKeyShare): Node1Bundle {
  return { ...bundle, ecdsa: { ...bundle.ecdsa, [family]: share } };
}

/** How long the relay may take to record its side of the re-pairing after ours finished (symmetric rounds). */
const REPAIR_RECORD_WAIT_MS = 3_000;

/**
 * Keeps a re-paired share: the bundle re-wrapped under K, stored at the relay then on this device.
 * Our re-pairing can finish a moment before the relay's (both send their last round at once), so a
 * `not_repaired` refusal is retried briefly. If the relay still refuses the copy, the share is kept on
 * this device anyway (the relay's own share is already re-paired, so the old one would not sign), and
 * the relay's PIN copy keeps the old pairing — same shares, re-paired at its next use after a restore.
 */
export async function keepRepairedShare(
  ctx: FlowContext,
  params: { challengeId: string; customerId: string; bundle: Node1Bundle; key: GuardedKeyOutput },
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<'relay-and-device' | 'device'> {
  const deadline = ctx.clock() + REPAIR_RECORD_WAIT_MS;
  for (;;) {
    try {
      await rewrapBundle(ctx, params);
      return 'relay-and-device';
    } catch (error) {
      const early = error instanceof PinGuardError && error.code === 'refused' && /not \(yet\)/.test(error.message);
      if (early && ctx.clock() < deadline) {
        await sleep(100);
        continue;
      }
      if (!(error instanceof PinGuardError)) throw error;
      await keepShareOnDevice(ctx, params);
      return 'device';
    }
  }
}

/**
 * Keeps a changed share on this device only: a burned one (the relay accepts no copy under a signing
 * challenge that did not re-pair; its side is burned by our abort, so its copy re-pairs next time too),
 * or a re-paired one whose relay copy was refused.
 */
export async function keepShareOnDevice(
  ctx: FlowContext,
  params: { customerId: string; bundle: Node1Bundle; key: GuardedKeyOutput },
): Promise<void> {
  const wrapped = await wrapBundle(
    params.bundle,
    params.key.rootKey,
    { method: 'pin', customerId: params.customerId, kdf: params.key.kdf },
    ctx.rng,
  );
  await ctx.wallets.save({
    relayOrigin: ctx.relayOrigin,
    customerId: params.customerId,
    wrapped,
    updatedAt: ctx.clock(),
  });
}

/**
 * Wraps a signing driver: a burning abort caught by OUR checks is reported to the relay with its reason
 * as the abort code (the relay burns its side) before the runner's own generic abort, and remembered.
 */
export function burningAwareDriver<S, O>(
  driver: CeremonyDriver<S, O>,
  connection: RelayConnection,
  ceremonyId: string,
  onBurn: (reason: string) => void,
): CeremonyDriver<S, O> {
  return {
    protocol: driver.protocol,
    receive(state, envelope) {
      try {
        return driver.receive(state, envelope);
      } catch (error) {
        if (isBurningAbort(error)) {
          onBurn(error.reason);
          connection.sendControl({
            type: 'session.abort',
            ceremonyId,
            code: error.reason,
            reason: `Node 1's ${error.reason} check failed: the pairing is burned`,
          });
        }
        throw error;
      }
    },
  };
}

/** The relay refused our first signing message because our pairing is not the one it holds. */
export function isStalePairingRefusal(error: unknown): boolean {
  const text = error instanceof Error ? error.message : '';
  const relayRefused =
    (error instanceof CeremonyFailedError && error.code === 'aborted') ||
    (error instanceof CeremonyRefusedError && error.code === 'invalid-message');
  return relayRefused && /setupId/.test(text);
}

export { burnShare };
