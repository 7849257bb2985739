import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import {
  BUDGET_PERIODS,
  createBudgetSchema,
  THRESHOLD_KINDS,
  updateBudgetSchema,
} from '../../budgets/budget-schemas.js';
import { COST_BASES } from '../../costs/cost-query.js';
import { defineRoute, errorResponses, jsonBody, jsonResponse, principalOf, type Api } from '../route-kit.js';

const PeriodSchema = z.object({ start: z.string(), end: z.string() });

const StatusSchema = z
  .object({
    period: PeriodSchema,
    asOf: z.string().openapi({ description: 'The newest day with cost data that the figures run through' }),
    currency: z.string(),
    amount: z.number().openapi({ description: 'The amount of this period (schedule applied)' }),
    spent: z.number(),
    remaining: z.number(),
    percentUsed: z.number(),
    forecast: z.object({
      total: z.number().openapi({ description: 'Spent plus the forecast of the remaining days' }),
      lower: z.number().openapi({ description: 'Lower bound of the 80% prediction interval' }),
      upper: z.number(),
      percent: z.number(),
      model: z.string(),
      method: z.string(),
    }),
    state: z.enum(['ok', 'at_risk', 'over', 'not_started', 'ended']).openapi({
      description: 'over: spent above the amount; at_risk: the forecast is above it',
    }),
    thresholds: z.array(
      z.object({
        kind: z.enum(THRESHOLD_KINDS),
        percent: z.number(),
        at: z.number(),
        reached: z.boolean(),
        firedAt: z.string().nullable(),
      }),
    ),
  })
  .openapi('BudgetStatus');

const BudgetSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    scope: z.object({
      filter: z.array(z.string()).openapi({ description: 'Cost explorer filters, e.g. service=Amazon EC2' }),
      exclude: z.array(z.string()),
    }),
    basis: z.enum(COST_BASES),
    period: z.enum(BUDGET_PERIODS),
    startDate: z.string().nullable(),
    endDate: z.string().nullable(),
    amount: z.number(),
    schedule: z.record(z.string(), z.number()).nullable(),
    currency: z.string(),
    thresholds: z.array(z.object({ kind: z.enum(THRESHOLD_KINDS), percent: z.number() })),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    status: StatusSchema,
  })
  .openapi('Budget');

const BudgetDetailSchema = BudgetSchema.extend({
  history: z.array(
    z.object({
      start: z.string(),
      end: z.string(),
      amount: z.number(),
      spent: z.number(),
      percentUsed: z.number(),
    }),
  ),
}).openapi('BudgetDetail');

const idParam = z.object({ id: z.string() });

/** What the answers hand out: a budget without its organization. */
function view<T extends { orgId: string }>(b: T): Omit<T, 'orgId'> {
  const { orgId: _orgId, ...rest } = b;
  return rest;
}

const list = defineRoute('org:read', {
  method: 'get',
  path: '/api/v1/budgets',
  tags: ['budgets'],
  summary: 'Budgets, each with the status of its current period (spent, forecast, thresholds)',
  responses: { 200: jsonResponse(z.object({ items: z.array(BudgetSchema) }), 'Budgets') },
});

const create = defineRoute('budgets:write', {
  method: 'post',
  path: '/api/v1/budgets',
  tags: ['budgets'],
  summary: 'Create a budget',
  description:
    '`scope.filter` and `scope.exclude` take the filters of `GET /api/v1/costs` (`service=Amazon EC2`, `tag:team=web`, `account=123456789012`, `region=…`, `chargeCategory=…`). Thresholds default to 80 % of actual spend and 100 % of the forecast.',
  request: { body: jsonBody(createBudgetSchema) },
  responses: {
    201: jsonResponse(BudgetSchema, 'Created'),
    400: errorResponses[400],
    403: errorResponses[403],
    409: { description: 'A budget with that name exists', content: errorResponses[404].content },
  },
});

const get = defineRoute('org:read', {
  method: 'get',
  path: '/api/v1/budgets/{id}',
  tags: ['budgets'],
  summary: 'A budget with its status and the spend of past periods',
  request: { params: idParam },
  responses: { 200: jsonResponse(BudgetDetailSchema, 'Budget'), 404: errorResponses[404] },
});

const update = defineRoute('budgets:write', {
  method: 'patch',
  path: '/api/v1/budgets/{id}',
  tags: ['budgets'],
  summary: 'Change a budget',
  request: { params: idParam, body: jsonBody(updateBudgetSchema) },
  responses: {
    200: jsonResponse(BudgetSchema, 'Changed'),
    400: errorResponses[400],
    403: errorResponses[403],
    404: errorResponses[404],
    409: { description: 'A budget with that name exists', content: errorResponses[404].content },
  },
});

const remove = defineRoute('budgets:write', {
  method: 'delete',
  path: '/api/v1/budgets/{id}',
  tags: ['budgets'],
  summary: 'Remove a budget',
  request: { params: idParam },
  responses: { 204: { description: 'Removed' }, 403: errorResponses[403], 404: errorResponses[404] },
});

const evaluate = defineRoute('budgets:write', {
  method: 'post',
  path: '/api/v1/budgets/evaluate',
  tags: ['budgets'],
  summary: 'Evaluate every budget now and queue the alerts of thresholds reached for the first time',
  description: 'Budgets are evaluated after every billing load and on a schedule; this runs it at once.',
  responses: {
    200: jsonResponse(z.object({ budgets: z.number(), fired: z.number() }), 'Evaluated'),
    403: errorResponses[403],
  },
});

export function registerBudgetRoutes(app: Api, ctx: AppContext): void {
  const budgets = ctx.budgets;
  app.openapi(list, async (c) => {
    const items = await budgets.list(principalOf(c).orgId);
    return c.json({ items: items.map(view) }, 200);
  });
  app.openapi(create, async (c) =>
    c.json(view(await budgets.create(principalOf(c), c.req.valid('json'))), 201),
  );
  app.openapi(evaluate, async (c) => c.json(await budgets.evaluateOrg(principalOf(c).orgId), 200));
  app.openapi(get, async (c) =>
    c.json(view(await budgets.get(principalOf(c).orgId, c.req.valid('param').id)), 200),
  );
  app.openapi(update, async (c) =>
    c.json(view(await budgets.update(principalOf(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  );
  app.openapi(remove, async (c) => {
    await budgets.remove(principalOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  });
}
