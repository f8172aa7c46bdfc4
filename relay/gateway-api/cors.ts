/**
 * The Gateway is an extension page (chrome-extension://<id>), so its calls to the relay are
 * cross-origin. Only extension origins are allowed: no credentials are involved (the challenge id in
 * the path is the capability), and web pages get no CORS grant at all.
 */
import type { MiddlewareHandler } from 'hono';

const EXTENSION_ORIGIN_RE = /^chrome-extension:\/\/[a-p]{32}$/;

export const extensionCors: MiddlewareHandler = async (c, next) => {
  const origin = c.req.header('origin');
  const allowed = origin !== undefined && EXTENSION_ORIGIN_RE.test(origin);
  if (c.req.method === 'OPTIONS') {
    if (!allowed) return c.body(null, 403);
    return c.body(null, 204, {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Methods': 'GET, POST, PUT',
      'Access-Control-Allow-Headers': 'Content-Type',
      'Access-Control-Max-Age': '600',
      Vary: 'Origin',
    });
  }
  await next();
  if (allowed) {
    c.res.headers.set('Access-Control-Allow-Origin', origin);
    c.res.headers.append('Vary', 'Origin');
  }
};
