/**
 * The one error type the HTTP layer turns into a JSON envelope. Anything else becomes a 500 whose
 * body says nothing about internals (the details go to the log, never secrets).
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface ApiErrorIssue {
  /** Dotted path of the offending field, e.g. "refId" or "blockchains.0". */
  path: string;
  message: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly issues: ApiErrorIssue[] | undefined;

  constructor(status: ContentfulStatusCode, code: string, message: string, issues?: ApiErrorIssue[]) {
    super(message);
    this.status = status;
    this.code = code;
    this.issues = issues;
  }
}

export const unauthorized = (message: string) => new ApiError(401, 'unauthorized', message);
export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);
export const conflict = (message: string) => new ApiError(409, 'conflict', message);
