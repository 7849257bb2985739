import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../../app/context.js';
import { COST_BASES, DIMENSION_HELP, parseDimensionList, parseFilters } from '../../../costs/cost-query.js';
import { defineRoute, errorResponses, jsonResponse, principalOf, type Api } from '../../route-kit.js';
import { asList, basis, filterParams, PeriodTotal, TO_DESCRIPTION } from './cost-params.js';

const Mover = z.object({
  key: z.string().nullable(),
  label: z.string(),
  current: z.number(),
  previous: z.number(),
  change: z.number(),
  changePercent: z.number().nullable(),
});
const movers = defineRoute('member', {
  method: 'get',
  path: '/api/v1/costs/movers',
  tags: ['costs'],
  summary: 'Largest increases and decreases by service and by account between two periods',
  request: {
    query: z.object({
      from: z
        .string()
        .optional()
        .openapi({ description: 'Current period start (default: first of this month)' }),
      to: z
        .string()
        .optional()
        .openapi({
          description: `${TO_DESCRIPTION} Default today. Cut at the newest day with cost data (\`dataThrough\`).`,
        }),
      compareFrom: z.string().optional().openapi({
        description:
          'Earlier period start (default: the same days of last month, or the equal span before, both through `dataThrough`)',
      }),
      compareTo: z.string().optional(),
      limit: z.coerce.number().int().min(1).max(50).optional(),
      basis,
      currency: z.string().optional(),
      ...filterParams,
      by: z
        .string()
        .optional()
        .openapi({
          description: `Dimensions compared, comma-separated (default service,account): ${DIMENSION_HELP}`,
        }),
    }),
  },
  responses: {
    200: jsonResponse(
      z
        .object({
          dataThrough: z.string().nullable().openapi({
            description: 'Newest day with cost data on or before `to`; the current period ends there',
          }),
          basis: z.enum(COST_BASES),
          currency: z.string(),
          current: PeriodTotal,
          previous: PeriodTotal,
          dimensions: z.array(
            z.object({
              dimension: z.string(),
              increases: z.array(Mover),
              decreases: z.array(Mover),
            }),
          ),
        })
        .openapi('CostMovers'),
      'Movers',
    ),
    400: errorResponses[400],
  },
});

/** GET /api/v1/costs/movers. */
export function registerMoversRoute(app: Api, ctx: AppContext): void {
  const costs = ctx.costs;
  app.openapi(movers, async (c) => {
    const q = c.req.valid('query');
    const answer = await costs.movers(principalOf(c).orgId, {
      from: q.from,
      to: q.to,
      compareFrom: q.compareFrom,
      compareTo: q.compareTo,
      limit: q.limit,
      basis: q.basis,
      currency: q.currency?.toUpperCase(),
      filters: parseFilters(asList(q.filter), asList(q.exclude)),
      dimensions: q.by === undefined ? undefined : parseDimensionList(q.by, 'by'),
    });
    return c.json(answer, 200);
  });
}
