/**
 * One-shot protocol states (style anchors §9.2.3). A transition takes the state, marks the caller's
 * object consumed and strips every other field (the strings cannot be zeroed in JavaScript, but the
 * references go away), and works on its own copy. A second use throws `ProtocolStateError`, so a
 * nonce can never be used twice through the same state object. A failed transition leaves the state
 * consumed: after any error the session is over (fail closed).
 */
import { ProtocolStateError } from '../errors.js';

export interface OneShot {
  kind: string;
  consumed?: true;
}

export function takeState<S extends OneShot>(state: unknown, kinds: readonly S['kind'][], protocol: string): S {
  if (typeof state !== 'object' || state === null || typeof (state as OneShot).kind !== 'string') {
    throw new ProtocolStateError({ expected: `a ${protocol} state`, actual: typeof state });
  }
  const s = state as OneShot;
  if (s.consumed) {
    throw new ProtocolStateError({
      expected: 'a fresh state',
      actual: `consumed state "${s.kind}"`,
      detail: 'each state can be used once; use the state returned by the last transition',
    });
  }
  if (!(kinds as readonly string[]).includes(s.kind)) {
    throw new ProtocolStateError({ expected: kinds.map((k) => `"${k}"`).join(' or '), actual: `"${s.kind}"` });
  }
  const copy = { ...s } as S;
  const record = s as unknown as Record<string, unknown>;
  for (const key of Object.keys(record)) if (key !== 'kind') delete record[key];
  s.consumed = true;
  return copy;
}
