/**
 * API-key authentication: `X-API-Key` (Planbok's `PLANBOK-X-API-KEY` is accepted too, so integrators
 * can switch by changing the base URL).
 */
import type { MiddlewareHandler } from 'hono';
import type { Queryable } from '../db/database.js';
import { findOrganisationByApiKey, type Organisation } from '../organisations/api-keys.js';
import { unauthorized } from './api-error.js';

export type AuthEnv = { Variables: { organisation: Organisation } };

const MAX_KEY_LENGTH = 256;

export function apiKeyAuth(db: Queryable): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const key = c.req.header('x-api-key') || c.req.header('planbok-x-api-key');
    if (!key) throw unauthorized('missing API key: send it in the X-API-Key header');
    if (key.length > MAX_KEY_LENGTH) throw unauthorized('unknown or revoked API key');
    const organisation = await findOrganisationByApiKey(db, key);
    if (!organisation) throw unauthorized('unknown or revoked API key');
    c.set('organisation', organisation);
    await next();
  };
}
