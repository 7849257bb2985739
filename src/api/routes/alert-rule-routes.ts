import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import { EVENT_TYPES } from '../../notifications/notification-types.js';
import { createRuleSchema, updateRuleSchema } from '../../notifications/rule-schemas.js';
import { ruleView } from '../../notifications/rule-service.js';
import { defineRoute, errorResponses, jsonBody, jsonResponse, principalOf, type Api } from '../route-kit.js';

const RuleSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    eventType: z.enum(EVENT_TYPES),
    params: z.record(z.string(), z.unknown()),
    channelIds: z.array(z.string()),
    enabled: z.boolean(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('AlertRule');

const idParam = z.object({ id: z.string().openapi({ description: 'Rule id or name' }) });
const conflict = { description: 'A rule with that name exists', content: errorResponses[404].content };

const list = defineRoute('org:read', {
  method: 'get',
  path: '/api/v1/alert-rules',
  tags: ['notifications'],
  summary: 'Alert rules: which events go to which channels',
  responses: { 200: jsonResponse(z.object({ items: z.array(RuleSchema) }), 'Rules') },
});

const create = defineRoute('alerts:write', {
  method: 'post',
  path: '/api/v1/alert-rules',
  tags: ['notifications'],
  summary: 'Create an alert rule',
  description:
    'params by eventType — budget_threshold: {budgetIds?, kinds?: [actual|forecast], minPercent?}; cost_anomaly: {minImpact}; sync_failed / sync_degraded / sync_recovered: {accountIds?}; billing_stale: {hours}; recommendation_new: {minMonthlySavings}. `channelIds` takes channel ids or names.',
  request: { body: jsonBody(createRuleSchema) },
  responses: {
    201: jsonResponse(RuleSchema, 'Created'),
    400: errorResponses[400],
    403: errorResponses[403],
    409: conflict,
  },
});

const get = defineRoute('org:read', {
  method: 'get',
  path: '/api/v1/alert-rules/{id}',
  tags: ['notifications'],
  summary: 'An alert rule',
  request: { params: idParam },
  responses: { 200: jsonResponse(RuleSchema, 'Rule'), 404: errorResponses[404] },
});

const update = defineRoute('alerts:write', {
  method: 'patch',
  path: '/api/v1/alert-rules/{id}',
  tags: ['notifications'],
  summary: 'Change an alert rule',
  request: { params: idParam, body: jsonBody(updateRuleSchema) },
  responses: {
    200: jsonResponse(RuleSchema, 'Changed'),
    400: errorResponses[400],
    403: errorResponses[403],
    404: errorResponses[404],
    409: conflict,
  },
});

const remove = defineRoute('alerts:write', {
  method: 'delete',
  path: '/api/v1/alert-rules/{id}',
  tags: ['notifications'],
  summary: 'Remove an alert rule',
  request: { params: idParam },
  responses: { 204: { description: 'Removed' }, 403: errorResponses[403], 404: errorResponses[404] },
});

export function registerAlertRuleRoutes(app: Api, ctx: AppContext): void {
  const rules = ctx.notifications.rules;
  app.openapi(list, async (c) =>
    c.json({ items: (await rules.list(principalOf(c).orgId)).map(ruleView) }, 200),
  );
  app.openapi(create, async (c) =>
    c.json(ruleView(await rules.create(principalOf(c), c.req.valid('json'))), 201),
  );
  app.openapi(get, async (c) =>
    c.json(ruleView(await rules.find(principalOf(c).orgId, c.req.valid('param').id)), 200),
  );
  app.openapi(update, async (c) =>
    c.json(ruleView(await rules.update(principalOf(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  );
  app.openapi(remove, async (c) => {
    await rules.remove(principalOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  });
}
