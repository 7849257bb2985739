import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../../app/context.js';
import { costAnswerCsv } from '../../../costs/cost-csv.js';
import { parseCostQuery } from '../../../costs/cost-query.js';
import { isoDate } from '../../../lib/dates.js';
import { defineRoute, errorResponses, principalOf, type Api } from '../../route-kit.js';
import { CostAnswerSchema } from './cost-answer-schema.js';
import { asList, CostQueryParams, csvContent, csvResponse } from './cost-params.js';

const query = defineRoute('member', {
  method: 'get',
  path: '/api/v1/costs',
  tags: ['costs'],
  summary: 'Costs over a date range, by day or month, grouped by up to two dimensions',
  description:
    'Totals and series are sums of the line items (from the daily rollup where it holds the dimensions asked for). `to` is included. Amounts are in `currency`; rows in other currencies are never added in.',
  request: { query: CostQueryParams },
  responses: {
    200: {
      description: 'The grouped series',
      content: { 'application/json': { schema: CostAnswerSchema }, ...csvContent },
    },
    400: errorResponses[400],
  },
});

const exportCsv = defineRoute('member', {
  method: 'get',
  path: '/api/v1/costs/export',
  tags: ['costs'],
  summary: 'The same query as GET /api/v1/costs, as a CSV download',
  request: { query: CostQueryParams.omit({ format: true }) },
  responses: {
    200: { description: 'CSV, one row per period and group', content: csvContent },
    400: errorResponses[400],
  },
});

/** GET /api/v1/costs and its CSV download. */
export function registerCostQueryRoutes(app: Api, ctx: AppContext): void {
  const costs = ctx.costs;
  const textQuery = (q: z.infer<typeof CostQueryParams>) => ({
    from: q.from,
    to: q.to,
    granularity: q.granularity,
    groupBy: q.groupBy,
    filter: asList(q.filter),
    exclude: asList(q.exclude),
    basis: q.basis,
    currency: q.currency,
    limit: q.limit,
  });

  app.openapi(query, async (c) => {
    const q = c.req.valid('query');
    const answer = await costs.query(
      principalOf(c).orgId,
      parseCostQuery(textQuery(q), isoDate(ctx.clock.now())),
    );
    if (q.format === 'csv')
      return csvResponse(costAnswerCsv(answer), `cloudtally-costs-${q.from}-${q.to}.csv`);
    return c.json(answer, 200);
  });

  app.openapi(exportCsv, async (c) => {
    const q = c.req.valid('query');
    const answer = await costs.query(
      principalOf(c).orgId,
      parseCostQuery(textQuery(q), isoDate(ctx.clock.now())),
    );
    return csvResponse(costAnswerCsv(answer), `cloudtally-costs-${q.from}-${q.to}.csv`);
  });
}
