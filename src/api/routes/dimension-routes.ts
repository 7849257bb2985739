import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import { COST_BASES, DIMENSION_HELP } from '../../costs/cost-query.js';
import { MAX_VALUES, parseLookupDimension } from '../../costs/dimension-values.js';
import { defineRoute, errorResponses, jsonResponse, principalOf, type Api } from '../route-kit.js';

const values = defineRoute('member', {
  method: 'get',
  path: '/api/v1/costs/dimensions/{dimension}/values',
  tags: ['costs'],
  summary: 'The values a dimension takes over a date range, with their spend, largest first',
  description:
    'What a filter can match: accounts, services, regions, usage types, charge categories, resources, tag keys (`tagKeys`), the values of one tag key (`tag:KEY`), AWS cost category names (`costCategories`) or the values of one category (`costCategory:NAME`). Spend is in the currency with the largest total; a null value stands for rows without one (untagged, no region).',
  request: {
    params: z.object({
      dimension: z.string().openapi({
        description: `tagKeys, costCategories, or a dimension: ${DIMENSION_HELP}; plurals (services, regions, usageTypes) are accepted`,
        example: 'service',
      }),
    }),
    query: z.object({
      from: z.string().openapi({ description: 'First day, YYYY-MM-DD, included', format: 'date' }),
      to: z.string().openapi({ description: 'Last day, YYYY-MM-DD, included', format: 'date' }),
      search: z
        .string()
        .optional()
        .openapi({ description: 'Only values containing this text (case-insensitive)' }),
      limit: z.coerce
        .number()
        .int()
        .optional()
        .openapi({ description: `Values listed (1–${MAX_VALUES}, default 100)` }),
      basis: z.enum(COST_BASES).optional(),
    }),
  },
  responses: {
    200: jsonResponse(
      z
        .object({
          dimension: z.string(),
          from: z.string(),
          to: z.string(),
          basis: z.enum(COST_BASES),
          currency: z.string(),
          search: z.string().nullable(),
          values: z.array(z.object({ value: z.string().nullable(), label: z.string(), cost: z.number() })),
          count: z.number().openapi({ description: 'Values matching before the limit' }),
          truncated: z.boolean(),
        })
        .openapi('DimensionValues'),
      'Values with their spend',
    ),
    400: errorResponses[400],
  },
});

export function registerDimensionRoutes(app: Api, ctx: AppContext): void {
  app.openapi(values, async (c) => {
    const { dimension } = c.req.valid('param');
    const q = c.req.valid('query');
    const answer = await ctx.costs.dimensionValues(principalOf(c).orgId, parseLookupDimension(dimension), q);
    return c.json(answer, 200);
  });
}
