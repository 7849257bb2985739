import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../../app/context.js';
import { ANOMALY_DIMENSIONS } from '../../../costs/anomalies.js';
import { ANOMALY_STATES } from '../../../costs/anomaly-states.js';
import { anomaliesCsv } from '../../../costs/cost-csv.js';
import { defineRoute, errorResponses, jsonResponse, principalOf, type Api } from '../../route-kit.js';
import { csvContent, csvResponse, TO_DESCRIPTION } from './cost-params.js';

export const AnomalySchema = z
  .object({
    id: z.string(),
    dimension: z.enum(ANOMALY_DIMENSIONS),
    key: z.string(),
    label: z.string(),
    date: z.string(),
    currency: z.string(),
    basis: z.literal('amortized'),
    actual: z.number(),
    expected: z.number(),
    change: z.number(),
    changePercent: z.number().nullable(),
    threshold: z.number(),
    direction: z.enum(['increase', 'decrease']),
    drivers: z.array(
      z.object({
        resourceId: z.string().nullable(),
        usageType: z.string().nullable(),
        service: z.string().nullable(),
        account: z.string().nullable(),
        region: z.string().nullable(),
        cost: z.number(),
        baseline: z.number(),
        change: z.number(),
      }),
    ),
    detectedAt: z.string(),
    state: z.enum(ANOMALY_STATES).openapi({
      description: 'open (nobody decided yet), acknowledged or expected; kept across recomputes',
    }),
    comment: z.string().nullable(),
    stateUpdatedBy: z.string().nullable().openapi({ description: 'User who set the state or comment last' }),
    stateUpdatedAt: z.string().nullable(),
  })
  .openapi('CostAnomaly');

const anomalies = defineRoute('member', {
  method: 'get',
  path: '/api/v1/costs/anomalies',
  tags: ['costs'],
  summary: "Days where an account's or a service's amortized cost departed from its baseline, newest first",
  description:
    "The baseline of a day is the median of the same weekday over the previous 8 weeks for usage, plus the median of the same day of the previous 3 months for recurring monthly charges (credits, fees, RI and Savings Plan fees, support, tax); a day is an anomaly when it departs by more than 3 scaled median absolute deviations, at least 10 in the currency and at least 10% of the baseline. A series is judged after 4 weeks of usage; an account's first 8 weeks are left out of the services it uses; a change that lasts is reported on its first day. Recomputed after each billing load; `drivers` are the line items (by resource and usage type) that changed most against their baseline; `state` and `comment` are what people decided (PATCH /api/v1/costs/anomalies/{id}).",
  request: {
    query: z.object({
      from: z.string().optional(),
      to: z.string().optional().openapi({ description: TO_DESCRIPTION }),
      dimension: z.enum(ANOMALY_DIMENSIONS).optional(),
      direction: z.enum(['increase', 'decrease']).optional(),
      state: z.enum(ANOMALY_STATES).optional(),
      limit: z.coerce.number().int().min(1).max(500).optional(),
      format: z.enum(['json', 'csv']).optional(),
    }),
  },
  responses: {
    200: {
      description: 'Anomalies',
      content: { 'application/json': { schema: z.object({ items: z.array(AnomalySchema) }) }, ...csvContent },
    },
    400: errorResponses[400],
  },
});

const recompute = defineRoute('sync:trigger', {
  method: 'post',
  path: '/api/v1/costs/anomalies/recompute',
  tags: ['costs'],
  summary: 'Recompute anomalies now (they are also recomputed after every billing load)',
  responses: {
    200: jsonResponse(z.object({ anomalies: z.number(), series: z.number() }), 'Recomputed'),
    403: errorResponses[403],
  },
});

/** GET /api/v1/costs/anomalies and POST …/recompute. */
export function registerAnomalyListRoutes(app: Api, ctx: AppContext): void {
  const costs = ctx.costs;
  app.openapi(anomalies, async (c) => {
    const q = c.req.valid('query');
    const items = await costs.listAnomalies(principalOf(c).orgId, {
      from: q.from,
      to: q.to,
      dimension: q.dimension,
      direction: q.direction,
      state: q.state,
      limit: q.limit,
    });
    if (q.format === 'csv') return csvResponse(anomaliesCsv(items), 'cloudtally-anomalies.csv');
    return c.json({ items }, 200);
  });

  app.openapi(recompute, async (c) => c.json(await costs.recomputeAnomalies(principalOf(c).orgId), 200));
}
