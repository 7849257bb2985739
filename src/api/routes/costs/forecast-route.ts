import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../../app/context.js';
import { forecastCsv } from '../../../costs/cost-csv.js';
import { COST_BASES, parseFilters } from '../../../costs/cost-query.js';
import { defineRoute, errorResponses, principalOf, type Api } from '../../route-kit.js';
import { asList, basis, csvContent, csvResponse, filterParams } from './cost-params.js';

const ForecastSchema = z
  .object({
    asOf: z.string(),
    basis: z.enum(COST_BASES),
    currency: z.string(),
    method: z.string(),
    model: z.enum(['trend+weekday', 'trend', 'mean', 'none']),
    fittedOn: z.object({ from: z.string(), to: z.string(), days: z.number() }).nullable(),
    dataThrough: z.string().nullable().openapi({
      description: 'Newest day with cost data on or before asOf: actual to it, forecast after it',
    }),
    lastDataDate: z.string().nullable().openapi({ description: 'The same as dataThrough' }),
    periods: z.array(
      z.object({
        month: z.string(),
        from: z.string(),
        to: z.string(),
        actual: z.number(),
        forecast: z.number(),
        total: z.number(),
        lower: z.number(),
        upper: z.number(),
      }),
    ),
    daily: z.array(z.object({ date: z.string(), cost: z.number(), lower: z.number(), upper: z.number() })),
    otherCurrencies: z.array(z.object({ currency: z.string(), total: z.number() })),
  })
  .openapi('CostForecast');

const forecast = defineRoute('member', {
  method: 'get',
  path: '/api/v1/costs/forecast',
  tags: ['costs'],
  summary: 'Forecast to the end of this month and of the next months, with an 80% interval',
  description:
    'Least-squares fit of daily cost on a linear trend plus day-of-week effects over the last 84 days of history (simpler models with less history); the interval comes from the residual spread and the coefficient uncertainty. `method` states what was used.',
  request: {
    query: z.object({
      basis,
      currency: z.string().optional(),
      asOf: z.string().optional().openapi({ description: 'Forecast as of this day (default today, UTC)' }),
      months: z.coerce
        .number()
        .int()
        .min(0)
        .max(12)
        .optional()
        .openapi({ description: 'Months after the current one (default 3)' }),
      ...filterParams,
      format: z.enum(['json', 'csv']).optional(),
    }),
  },
  responses: {
    200: {
      description: 'Forecast',
      content: { 'application/json': { schema: ForecastSchema }, ...csvContent },
    },
    400: errorResponses[400],
  },
});

/** GET /api/v1/costs/forecast. */
export function registerForecastRoute(app: Api, ctx: AppContext): void {
  const costs = ctx.costs;
  app.openapi(forecast, async (c) => {
    const q = c.req.valid('query');
    const answer = await costs.forecast(principalOf(c).orgId, {
      basis: q.basis,
      currency: q.currency?.toUpperCase(),
      asOf: q.asOf,
      months: q.months,
      filters: parseFilters(asList(q.filter), asList(q.exclude)),
    });
    if (q.format === 'csv') return csvResponse(forecastCsv(answer), `cloudtally-forecast-${answer.asOf}.csv`);
    return c.json(answer, 200);
  });
}
