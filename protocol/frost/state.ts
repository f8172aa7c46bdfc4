/**
 * One-shot state handling shared by the FROST machines (style anchors §9.2 item 3).
 *
 * Every state carries `consumed` and keeps its secrets under `secret`. `takeState` checks the kind,
 * refuses a consumed state with `ProtocolStateError`, then returns a private working copy and burns
 * the caller's object (consumed = true, secret = null) *before* any peer data is processed, so a
 * failed transition can never be retried with the same nonces or polynomial. A copy of an old state
 * kept elsewhere (e.g. an earlier `storage.session` snapshot) is outside our reach: drivers must
 * persist the new state, or a "used" marker, before sending its outgoing messages (mpc-design §2.1.5).
 */
import { ProtocolStateError } from '../errors.js';

export interface OneShotState {
  kind: string;
  consumed: boolean;
  secret: unknown;
}

export function takeState<S extends OneShotState, K extends S['kind']>(
  state: S,
  kinds: readonly K[],
): Extract<S, { kind: K }> {
  if (typeof state !== 'object' || state === null || typeof state.kind !== 'string')
    throw new ProtocolStateError({ expected: kinds.join(' | '), actual: typeof state });
  if (!(kinds as readonly string[]).includes(state.kind))
    throw new ProtocolStateError({ expected: kinds.join(' | '), actual: state.kind, detail: 'out-of-order call' });
  if (state.consumed)
    throw new ProtocolStateError({
      expected: `an unused ${state.kind} state`,
      actual: 'a consumed state',
      detail: 'each state may be used once (nonces and round secrets are single-use)',
    });
  const working = JSON.parse(JSON.stringify(state)) as Extract<S, { kind: K }>;
  state.consumed = true;
  state.secret = null;
  return working;
}
