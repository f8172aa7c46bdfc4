/**
 * Messages extension pages send to the background, parsed before dispatch: anything else is refused.
 */
export type BackgroundRequest = { type: 'status' };

export interface StatusResponse {
  ok: true;
  version: string;
  bootCount: number;
}

export type ErrorResponse = { ok: false; error: string };

export function parseBackgroundRequest(value: unknown): BackgroundRequest {
  if (typeof value !== 'object' || value === null) throw new TypeError('expected a message object');
  const type = (value as { type?: unknown }).type;
  if (type === 'status' && Object.keys(value).length === 1) return { type };
  throw new TypeError(`unknown message type ${JSON.stringify(type)}`);
}
