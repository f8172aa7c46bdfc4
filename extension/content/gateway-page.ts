/**
 * Recognising the relay's Gateway page (`/gateway/:challengeId`), which names its challenge in
 * `<meta name="tandem-gateway" content="<challengeId>">`. The id must be a UUID and must be the one in
 * the path, so a page cannot show one challenge and make the extension open another.
 */
import { isUuid } from '../background/ids.js';

export const GATEWAY_META_NAME = 'tandem-gateway';
/** The relay page also states the challenge's status (`pending`, `in_progress`, `verified`, `failed`, `expired`). */
export const GATEWAY_STATE_META_NAME = 'tandem-gateway-state';
const OPENABLE_STATES = new Set(['pending', 'in_progress']);
const GATEWAY_PATH = /^\/gateway\/([^/]+)\/?$/;

export type GatewayPageReading =
  | { ok: true; challengeId: string }
  | { ok: false; reason: 'not-a-gateway-path' | 'no-meta' | 'not-a-uuid' | 'path-mismatch' | 'finished' };

/**
 * `stateContent` is the `tandem-gateway-state` meta: when the relay says the challenge is finished or
 * expired, its page already explains that, so no Gateway window is opened (`finished`). Without the
 * meta the Gateway opens and asks the relay itself.
 */
export function readGatewayPage(
  pathname: string,
  metaContent: string | null | undefined,
  stateContent?: string | null,
): GatewayPageReading {
  const match = GATEWAY_PATH.exec(pathname);
  if (!match) return { ok: false, reason: 'not-a-gateway-path' };
  if (metaContent === null || metaContent === undefined) return { ok: false, reason: 'no-meta' };
  const challengeId = metaContent.trim().toLowerCase();
  if (!isUuid(challengeId)) return { ok: false, reason: 'not-a-uuid' };
  if (decodeURIComponent(match[1] as string).toLowerCase() !== challengeId)
    return { ok: false, reason: 'path-mismatch' };
  if (typeof stateContent === 'string' && !OPENABLE_STATES.has(stateContent.trim())) {
    return { ok: false, reason: 'finished' };
  }
  return { ok: true, challengeId };
}
