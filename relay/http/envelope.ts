/**
 * Planbok's response envelope: `{ success, status, message, data }` on success and
 * `{ success: false, status, message, error: { code, issues? } }` on failure.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { InvalidArgumentError, InvalidMessageError } from '../../protocol/errors.js';
import { ApiError } from './api-error.js';

export interface SuccessEnvelope<T> {
  success: true;
  status: number;
  message: string;
  data: T;
}

export function respond<T, S extends ContentfulStatusCode>(c: Context, status: S, message: string, data: T) {
  return c.json({ success: true as const, status, message, data } satisfies SuccessEnvelope<T>, status);
}

export function errorBody(error: ApiError) {
  return {
    success: false as const,
    status: error.status,
    message: error.message,
    error: { code: error.code, ...(error.issues ? { issues: error.issues } : {}) },
  };
}

/** The app-wide error handler: typed errors keep their status; the rest is a generic 500. */
export function handleError(error: Error, c: Context, log: (line: string) => void) {
  if (error instanceof ApiError) return c.json(errorBody(error), error.status);
  // Protocol parsers name the offending field and never include secret values: safe to show.
  if (error instanceof InvalidMessageError || error instanceof InvalidArgumentError) {
    return c.json(errorBody(new ApiError(400, 'invalid_request', error.shortMessage)), 400);
  }
  // Hono raises its own HTTPException for some framework-level failures (e.g. malformed JSON).
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const wrapped = new ApiError(status as ContentfulStatusCode, 'bad_request', error.message || 'bad request');
    return c.json(errorBody(wrapped), wrapped.status);
  }
  log(`unhandled error on ${c.req.method} ${c.req.path}: ${error.name}: ${error.message}`);
  return c.json(errorBody(new ApiError(500, 'internal', 'internal error; the relay log has details')), 500);
}
