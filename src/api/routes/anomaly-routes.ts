import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import { ANOMALY_STATES } from '../../costs/anomaly-states.js';
import { InputError } from '../../lib/errors.js';
import { AnomalySchema } from './cost-routes.js';
import { defineRoute, errorResponses, jsonBody, jsonResponse, principalOf, type Api } from '../route-kit.js';

// What people decide about a cost anomaly. The anomaly listing itself lives with the other cost routes.

const StateChange = z
  .object({
    state: z.enum(ANOMALY_STATES).optional().openapi({
      description: 'acknowledged (seen, being handled), expected (not a problem), or open again',
    }),
    comment: z
      .string()
      .max(2000)
      .nullable()
      .optional()
      .openapi({ description: 'Free text; null clears it. Omitted: unchanged' }),
  })
  .strict();

const setState = defineRoute('anomalies:act', {
  method: 'patch',
  path: '/api/v1/costs/anomalies/{id}',
  tags: ['costs'],
  summary: 'Acknowledge a cost anomaly, mark it expected or open again, and/or comment it',
  description:
    "The choice is kept on the anomaly's identity (dimension, its value, day, currency), so it outlives the recomputes after every billing load.",
  request: { params: z.object({ id: z.string().min(1) }), body: jsonBody(StateChange) },
  responses: {
    200: jsonResponse(AnomalySchema, 'The anomaly with its state'),
    400: errorResponses[400],
    403: errorResponses[403],
    404: errorResponses[404],
  },
});

const getOne = defineRoute('member', {
  method: 'get',
  path: '/api/v1/costs/anomalies/{id}',
  tags: ['costs'],
  summary: 'One cost anomaly with its drivers and what people decided about it',
  request: { params: z.object({ id: z.string().min(1) }) },
  responses: { 200: jsonResponse(AnomalySchema, 'The anomaly'), 404: errorResponses[404] },
});

export function registerAnomalyRoutes(app: Api, ctx: AppContext): void {
  app.openapi(getOne, async (c) =>
    c.json(await ctx.costs.getAnomaly(principalOf(c).orgId, c.req.valid('param').id), 200),
  );
  app.openapi(setState, async (c) => {
    const body = c.req.valid('json');
    if (body.state === undefined && body.comment === undefined)
      throw new InputError('state', 'state or comment: give at least one of them');
    const p = principalOf(c);
    const anomaly = await ctx.costs.setAnomalyState(p.orgId, c.req.valid('param').id, body, p.userId);
    return c.json(anomaly, 200);
  });
}
