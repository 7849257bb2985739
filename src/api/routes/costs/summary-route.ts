import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../../app/context.js';
import { COST_BASES } from '../../../costs/cost-query.js';
import { defineRoute, errorResponses, jsonResponse, principalOf, type Api } from '../../route-kit.js';
import { basis, PeriodTotal } from './cost-params.js';

const summary = defineRoute('member', {
  method: 'get',
  path: '/api/v1/costs/summary',
  tags: ['costs'],
  summary: 'Month to date against the same days of last month, and last month',
  description:
    'Billing data runs about a day behind, so both sides are compared through `dataThrough`, the newest day with data on or before `asOf`: month to date is the 1st to that day, and last month the 1st to the same day of the month (cut at its last day).',
  request: {
    query: z.object({
      basis,
      currency: z.string().optional(),
      asOf: z
        .string()
        .optional()
        .openapi({ description: 'Day the month to date ends on (default today, UTC)' }),
    }),
  },
  responses: {
    200: jsonResponse(
      z
        .object({
          asOf: z.string(),
          dataThrough: z
            .string()
            .nullable()
            .openapi({ description: 'Newest day with cost data on or before asOf; null with no data' }),
          basis: z.enum(COST_BASES),
          currency: z.string(),
          monthToDate: PeriodTotal,
          samePeriodLastMonth: PeriodTotal,
          change: z.number(),
          changePercent: z.number().nullable(),
          lastMonth: PeriodTotal,
        })
        .openapi('CostSummary'),
      'Summary',
    ),
    400: errorResponses[400],
  },
});

/** GET /api/v1/costs/summary. */
export function registerSummaryRoute(app: Api, ctx: AppContext): void {
  const costs = ctx.costs;
  app.openapi(summary, async (c) => {
    const q = c.req.valid('query');
    return c.json(
      await costs.summary(principalOf(c).orgId, {
        basis: q.basis,
        currency: q.currency?.toUpperCase(),
        asOf: q.asOf,
      }),
      200,
    );
  });
}
