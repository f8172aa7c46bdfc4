import { z } from '@hono/zod-openapi';

/** `{ success: true, status, message, data }` around a payload schema. */
export function envelopeOf<T extends z.ZodType>(data: T) {
  return z.object({ success: z.literal(true), status: z.number().int(), message: z.string(), data });
}

export const ErrorEnvelope = z
  .object({
    success: z.literal(false),
    status: z.number().int(),
    message: z.string(),
    error: z.object({
      code: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi('Error');
