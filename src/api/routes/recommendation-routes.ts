import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import { RECOMMENDATION_STATES } from '../../recommendations/recommendation-store.js';
import { RULE_NAMES } from '../../recommendations/settings.js';
import { defineRoute, errorResponses, jsonBody, jsonResponse, principalOf, type Api } from '../route-kit.js';

const RecommendationSchema = z
  .object({
    id: z.string(),
    rule: z.string().openapi({ description: `One of ${RULE_NAMES.join(', ')}` }),
    resourceId: z.string(),
    resourceType: z.string().nullable(),
    resourceName: z.string().nullable(),
    awsAccountId: z.string(),
    cloudAccountId: z.string(),
    region: z.string().nullable(),
    title: z.string(),
    reason: z.string().openapi({ description: 'Plain words with the evidence' }),
    evidence: z.record(z.string(), z.unknown()),
    action: z.string(),
    monthlySavings: z.number().openapi({ description: 'Estimated saving per 30 days' }),
    savingsBasis: z.enum(['bill', 'estimate']).openapi({
      description:
        'bill: from what the resource cost in the bill over the last 30 days; estimate: list prices',
    }),
    currency: z.string(),
    state: z.enum(RECOMMENDATION_STATES),
    stateReason: z.string().nullable(),
    snoozedUntil: z.string().nullable(),
    stateUserId: z.string().nullable(),
    stateUpdatedAt: z.string().nullable(),
    closedReason: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .openapi('Recommendation');

const Totals = z.object({
  monthlySavings: z.number(),
  count: z.number(),
  byRule: z.array(z.object({ rule: z.string(), count: z.number(), monthlySavings: z.number() })),
  byAccount: z.array(z.object({ awsAccountId: z.string(), count: z.number(), monthlySavings: z.number() })),
});

const idParam = z.object({ id: z.string() });
const one = (description: string) => ({
  200: jsonResponse(RecommendationSchema, description),
  400: errorResponses[400],
  403: errorResponses[403],
  404: errorResponses[404],
  409: { description: 'The recommendation is closed', content: errorResponses[404].content },
});

const list = defineRoute('accounts:read', {
  method: 'get',
  path: '/api/v1/recommendations',
  tags: ['recommendations'],
  summary: 'Savings recommendations, biggest saving first, with totals by rule and account',
  description:
    '`state` defaults to open. `totals` are the possible monthly savings of the open recommendations that match the other filters.',
  request: {
    query: z.object({
      state: z.enum([...RECOMMENDATION_STATES, 'all']).optional(),
      rule: z.enum(RULE_NAMES).optional(),
      awsAccountId: z.string().optional(),
      cloudAccountId: z.string().optional(),
      region: z.string().optional(),
      resourceId: z.string().optional(),
      minSavings: z.coerce.number().min(0).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      offset: z.coerce.number().int().min(0).default(0),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(RecommendationSchema),
        total: z.number(),
        limit: z.number(),
        offset: z.number(),
        totals: Totals,
      }),
      'Recommendations',
    ),
    400: errorResponses[400],
  },
});

const SettingsSchema = z.object({
  settings: z.record(z.string(), z.record(z.string(), z.unknown())),
  overrides: z.record(z.string(), z.record(z.string(), z.unknown())),
});

const getSettings = defineRoute('accounts:read', {
  method: 'get',
  path: '/api/v1/recommendations/settings',
  tags: ['recommendations'],
  summary: 'The thresholds each rule uses, and the organization’s overrides',
  responses: { 200: jsonResponse(SettingsSchema, 'Settings per rule') },
});

const patchSettings = defineRoute('org:manage', {
  method: 'patch',
  path: '/api/v1/recommendations/settings/{rule}',
  tags: ['recommendations'],
  summary: 'Change a rule’s thresholds (or turn it off with enabled: false) for the organization',
  request: {
    params: z.object({ rule: z.string() }),
    body: jsonBody(z.record(z.string(), z.union([z.number(), z.boolean()]))),
  },
  responses: {
    200: jsonResponse(SettingsSchema, 'Settings per rule'),
    400: errorResponses[400],
    403: errorResponses[403],
  },
});

const Window = z.object({ from: z.string(), to: z.string() });
const RealizedSchema = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        rule: z.string(),
        title: z.string(),
        resourceId: z.string(),
        resourceType: z.string().nullable(),
        awsAccountId: z.string(),
        cloudAccountId: z.string(),
        region: z.string().nullable(),
        closedReason: z.string().openapi({
          description: 'Why the engine closed it: the resource is gone, or the condition no longer holds',
        }),
        closedAt: z.string(),
        estimatedMonthlySavings: z
          .number()
          .openapi({ description: 'What the recommendation expected per month' }),
        monthlyCostBefore: z
          .number()
          .openapi({ description: 'The resource’s billed cost in the 30 days before the closing day' }),
        monthlyCostAfter: z.number().nullable().openapi({
          description:
            'Its billed cost per day since the closing day (up to 30 days), times 30; null: no billed day since yet',
        }),
        observedMonthlySavings: z
          .number()
          .nullable()
          .openapi({ description: 'Before minus after, per month' }),
        daysObserved: z.number().int(),
        before: Window,
        after: Window,
        currency: z.string(),
      }),
    ),
    totalObservedMonthlySavings: z.number(),
    totalEstimatedMonthlySavings: z.number(),
    currency: z.string(),
  })
  .openapi('RealizedSavings');

const realized = defineRoute('accounts:read', {
  method: 'get',
  path: '/api/v1/recommendations/realized',
  tags: ['recommendations'],
  summary: 'Savings realized: recommendations acted on, with the saving observed in the bill since',
  responses: { 200: jsonResponse(RealizedSchema, 'Each one acted on, and the totals') },
});

const get = defineRoute('accounts:read', {
  method: 'get',
  path: '/api/v1/recommendations/{id}',
  tags: ['recommendations'],
  summary: 'One recommendation',
  request: { params: idParam },
  responses: { 200: jsonResponse(RecommendationSchema, 'The recommendation'), 404: errorResponses[404] },
});

const dismiss = defineRoute('recommendations:act', {
  method: 'post',
  path: '/api/v1/recommendations/{id}/dismiss',
  tags: ['recommendations'],
  summary: 'Dismiss a recommendation, saying why; it stays dismissed across re-syncs',
  request: { params: idParam, body: jsonBody(z.object({ reason: z.string().min(1).max(1000) }).strict()) },
  responses: one('The dismissed recommendation'),
});

const snooze = defineRoute('recommendations:act', {
  method: 'post',
  path: '/api/v1/recommendations/{id}/snooze',
  tags: ['recommendations'],
  summary: 'Hide a recommendation until a date; it is open again afterwards',
  request: {
    params: idParam,
    body: jsonBody(
      z
        .object({
          until: z
            .string()
            .min(10)
            .openapi({ description: 'Date or date-time (ISO 8601), in the future', example: '2030-01-31' }),
          reason: z.string().max(1000).optional(),
        })
        .strict(),
    ),
  },
  responses: one('The snoozed recommendation'),
});

const reopen = defineRoute('recommendations:act', {
  method: 'post',
  path: '/api/v1/recommendations/{id}/reopen',
  tags: ['recommendations'],
  summary: 'Undo a dismissal or snooze',
  request: { params: idParam },
  responses: one('The recommendation'),
});

export function registerRecommendationRoutes(app: Api, ctx: AppContext): void {
  const recs = ctx.recommendations;
  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const result = await recs.list(principalOf(c).orgId, q);
    return c.json({ ...result, limit: q.limit, offset: q.offset }, 200);
  });
  app.openapi(getSettings, async (c) => c.json(await recs.getSettings(principalOf(c).orgId), 200));
  app.openapi(realized, async (c) => c.json(await recs.realized(principalOf(c).orgId), 200));
  app.openapi(patchSettings, async (c) => {
    const p = principalOf(c);
    await recs.updateSettings(p, c.req.valid('param').rule, c.req.valid('json'));
    return c.json(await recs.getSettings(p.orgId), 200);
  });
  app.openapi(get, async (c) => c.json(await recs.get(principalOf(c).orgId, c.req.valid('param').id), 200));
  app.openapi(dismiss, async (c) =>
    c.json(await recs.dismiss(principalOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(snooze, async (c) =>
    c.json(await recs.snooze(principalOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(reopen, async (c) => c.json(await recs.reopen(principalOf(c), c.req.valid('param').id), 200));
}
