/**
 * Between the proof (current PIN or a recovery method) and the new PIN, the user may take a while: an
 * MV3 worker idle for 30 s is stopped, and worker memory with it. The proven bundle therefore waits in
 * the lock material (storage.session: memory-only, cleared at the auto-lock or when the browser closes,
 * the same place every unlocked bundle lives; lock.ts), tagged with the approval it was proved for.
 */
import { type Node1Bundle, parseBundle } from '../bundle.js';
import type { FlowContext, FlowRequest } from './context.js';
import { FlowStateError } from './host.js';

export async function holdProvenBundle(ctx: Pick<FlowContext, 'lock'>, request: FlowRequest, bundle: Node1Bundle) {
  await ctx.lock.unlock({
    bundle: JSON.stringify(bundle),
    customerId: request.customerId,
    pinChangeApproval: request.approvalId,
  });
}

/** The bundle proved for this approval; `missing` says what to do when there is none. */
export async function provenBundle(
  ctx: Pick<FlowContext, 'lock'>,
  request: FlowRequest,
  missing: string,
): Promise<Node1Bundle> {
  const material = await ctx.lock.material();
  if (
    !material?.bundle ||
    material.customerId !== request.customerId ||
    material.pinChangeApproval !== request.approvalId
  ) {
    throw new FlowStateError(missing);
  }
  return parseBundle(JSON.parse(material.bundle));
}
