import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import { RESOURCE_TYPES } from '../../inventory/inventory-types.js';
import { ZERO_REASONS } from '../../inventory/resource-detail.js';
import { defineRoute, errorResponses, jsonResponse, principalOf, type Api } from '../route-kit.js';

const CostSchema = z
  .object({
    billed: z.number(),
    effective: z.number(),
    currency: z.string(),
    from: z.string().openapi({ description: 'First day of the bill window, included' }),
    to: z.string().openapi({ description: 'Day after the last day of the bill window' }),
  })
  .nullable()
  .openapi({
    description: 'What the resource cost over the bill’s last 30 days; null when the bill has no line for it',
  });

const ResourceSchema = z
  .object({
    id: z.string().openapi({
      description: 'Instance, volume, snapshot, image or allocation ID, or the load balancer ARN',
    }),
    type: z.enum(RESOURCE_TYPES),
    cloudAccountId: z.string(),
    awsAccountId: z.string(),
    region: z.string(),
    name: z.string().nullable(),
    state: z.string().nullable(),
    arn: z.string().nullable(),
    tags: z.record(z.string(), z.string()),
    details: z.record(z.string(), z.unknown()),
    firstSeenAt: z.string(),
    lastSeenAt: z.string(),
    goneAt: z
      .string()
      .nullable()
      .openapi({ description: 'When a scan last found it missing; null while it exists' }),
    cost: CostSchema,
  })
  .openapi('Resource');

const bool = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1');

const list = defineRoute('accounts:read', {
  method: 'get',
  path: '/api/v1/resources',
  tags: ['resources'],
  summary: 'Resources of the organization’s connected accounts, with what each cost in the bill',
  description:
    'EC2 instances, EBS volumes and snapshots, AMIs, Elastic IPs and load balancers found in every enabled region, ' +
    'most expensive first. Resources that disappeared are kept with `goneAt` and listed with `includeGone=true`.',
  request: {
    query: z.object({
      cloudAccountId: z.string().optional(),
      awsAccountId: z.string().optional(),
      region: z.string().optional(),
      type: z.enum(RESOURCE_TYPES).optional(),
      state: z
        .string()
        .optional()
        .openapi({ description: 'e.g. running, stopped, available, in-use, unassociated' }),
      tag: z
        .string()
        .optional()
        .openapi({ description: 'KEY (has the tag) or KEY=VALUE', example: 'team=web' }),
      search: z.string().max(200).optional().openapi({ description: 'Part of the ID, name or ARN' }),
      includeGone: bool,
      minCost: z.coerce
        .number()
        .min(0)
        .optional()
        .openapi({ description: 'Billed cost over 30 days at least this' }),
      sort: z.enum(['cost', 'name', 'type']).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      offset: z.coerce.number().int().min(0).default(0),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(ResourceSchema),
        total: z.number(),
        limit: z.number(),
        offset: z.number(),
        totalBilledCost: z
          .number()
          .openapi({ description: 'Billed cost over 30 days of all matching resources' }),
      }),
      'Resources',
    ),
    400: errorResponses[400],
  },
});

const metrics = defineRoute('accounts:read', {
  method: 'get',
  path: '/api/v1/resources/metrics',
  tags: ['resources'],
  summary: 'Hourly CloudWatch points of one resource (CPU, network, requests, bytes)',
  request: {
    query: z.object({
      resourceId: z.string().min(1),
      days: z.coerce.number().int().min(1).max(14).default(14),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({
        resourceId: z.string(),
        items: z.array(
          z.object({ metric: z.string(), points: z.array(z.object({ ts: z.string(), value: z.number() })) }),
        ),
      }),
      'Series per metric',
    ),
    400: errorResponses[400],
    404: errorResponses[404],
  },
});

const money = z.number().openapi({ description: 'Rounded to the cent' });

const detail = defineRoute('accounts:read', {
  method: 'get',
  path: '/api/v1/resources/detail',
  tags: ['resources'],
  summary: 'One resource with its daily cost in the bill, its line item types, and why it cost nothing',
  description:
    '`bill` covers the bill’s last 30 days (`from` included, `to` excluded) and its `history` the last `days` days. ' +
    '`zeroReason` says why the billed cost is zero: no_bill (no bill loaded for its account), not_in_bill_yet (it ' +
    'appeared on or after the bill’s newest day; AWS bills a day or two late), covered_by_commitment (a reservation ' +
    'or savings plan paid its usage: see `effective`), free_tier, zero_priced, not_billed (no line names it).',
  request: {
    query: z.object({
      resourceId: z.string().min(1).max(2048),
      cloudAccountId: z.string().optional(),
      days: z.coerce.number().int().min(7).max(400).default(90),
    }),
  },
  responses: {
    200: jsonResponse(
      z
        .object({
          resource: ResourceSchema,
          bill: z
            .object({
              newestDay: z.string(),
              currency: z.string(),
              from: z.string(),
              to: z.string(),
              billed: money,
              effective: money,
              lineTypes: z.array(
                z.object({
                  lineType: z.string().openapi({ description: 'AWS line item type, e.g. DiscountedUsage' }),
                  lines: z.number(),
                  billed: money,
                  effective: money,
                  committed: z
                    .number()
                    .openapi({ description: 'Lines naming a reservation or savings plan' }),
                  freeTier: z.number().openapi({ description: 'Lines described as free tier' }),
                }),
              ),
              history: z.array(z.object({ date: z.string(), billed: money, effective: money })),
              historyFrom: z.string(),
            })
            .nullable(),
          zeroReason: z.enum(ZERO_REASONS).nullable(),
        })
        .openapi('ResourceDetail'),
      'The resource and its bill',
    ),
    400: errorResponses[400],
    404: errorResponses[404],
  },
});

const DiagnosticSchema = z.object({
  code: z.string(),
  message: z.string(),
  remediation: z.string(),
  step: z.string().optional(),
  key: z.string().optional(),
});

const scanStatus = defineRoute('accounts:read', {
  method: 'get',
  path: '/api/v1/cloud-accounts/{id}/inventory-status',
  tags: ['resources'],
  summary: 'How the last inventory scan went per region and resource kind, with diagnostics',
  request: { params: z.object({ id: z.string() }) },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(
          z.object({
            region: z.string(),
            unit: z.string(),
            state: z.enum(['ok', 'failed']),
            itemCount: z.number(),
            diagnostic: DiagnosticSchema.nullable(),
            scannedAt: z.string(),
            lastSuccessAt: z.string().nullable(),
          }),
        ),
      }),
      'Scan status',
    ),
    404: errorResponses[404],
  },
});

export function registerResourceRoutes(app: Api, ctx: AppContext): void {
  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const result = await ctx.inventory.list(principalOf(c).orgId, q);
    return c.json({ ...result, limit: q.limit, offset: q.offset }, 200);
  });
  app.openapi(detail, async (c) => {
    const q = c.req.valid('query');
    const found = await ctx.inventory.detail(principalOf(c).orgId, q.resourceId, q.cloudAccountId, q.days);
    return c.json(found, 200);
  });
  app.openapi(metrics, async (c) => {
    const { resourceId, days } = c.req.valid('query');
    const items = await ctx.inventory.metricSeries(principalOf(c).orgId, resourceId, days);
    return c.json({ resourceId, items }, 200);
  });
  app.openapi(scanStatus, async (c) => {
    const { id } = c.req.valid('param');
    return c.json({ items: await ctx.inventory.scanStatus(principalOf(c).orgId, id) }, 200);
  });
}
