/**
 * Turns zod validation failures into a 400 envelope listing every offending field, and refuses
 * bodies that are not JSON before any schema runs.
 */
import type { Hook } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { ZodError } from 'zod';
import { ApiError } from './api-error.js';

export function issuesOf(error: ZodError) {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

// biome-ignore lint/suspicious/noExplicitAny: the hook is shared by routes of every shape.
export const validationHook: Hook<any, any, any, any> = (result) => {
  if (!result.success) {
    const issues = issuesOf(result.error as ZodError);
    const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new ApiError(400, 'invalid_request', `invalid ${result.target}: ${summary}`, issues);
  }
};

/** POST/PUT/PATCH bodies must be JSON; anything else gets 415 instead of a confusing field error. */
export const requireJsonBody: MiddlewareHandler = async (c, next) => {
  if (['POST', 'PUT', 'PATCH'].includes(c.req.method)) {
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/json\b/i.test(type)) {
      throw new ApiError(
        415,
        'unsupported_media_type',
        `expected Content-Type application/json, got "${type || 'none'}"`,
      );
    }
  }
  await next();
};
