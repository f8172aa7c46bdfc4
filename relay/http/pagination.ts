import { z } from '@hono/zod-openapi';

/** Planbok's list parameters: page (1-based), limit (default 10, at most 100), order by creation time. */
export const PaginationQuery = z
  .object({
    page: z.coerce.number().int().min(1).max(1_000_000).default(1).openapi({ example: 1 }),
    limit: z.coerce.number().int().min(1).max(100).default(10).openapi({ example: 10 }),
    order: z.enum(['asc', 'desc']).default('desc'),
  })
  .strict();

export type Pagination = z.infer<typeof PaginationQuery>;

export const PaginationInfo = z.object({
  page: z.number().int(),
  limit: z.number().int(),
  order: z.enum(['asc', 'desc']),
  total: z.number().int(),
});
