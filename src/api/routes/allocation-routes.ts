import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import { definitionSchema } from '../../allocation/allocation-schemas.js';
import { showbackCsv } from '../../allocation/showback.js';
import { COVERAGE_BY } from '../../allocation/tag-coverage.js';
import { COST_BASES } from '../../costs/cost-query.js';
import { defineRoute, errorResponses, jsonBody, jsonResponse, principalOf, type Api } from '../route-kit.js';

const DimensionSchema = z
  .object({
    name: z.string(),
    definition: definitionSchema,
    version: z.number().openapi({ description: 'Bumped on every change (and after billing loads)' }),
    appliedVersion: z
      .number()
      .nullable()
      .openapi({ description: 'The version cost answers follow ("as of"); null until first applied' }),
    appliedAt: z.string().nullable(),
    applyError: z.string().nullable(),
    status: z.enum(['applied', 'applying', 'failed']),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('AllocationDimension');

const nameParam = z.object({ name: z.string() });
const conflict = { description: 'A dimension with that name exists', content: errorResponses[404].content };

const list = defineRoute('member', {
  method: 'get',
  path: '/api/v1/allocation/dimensions',
  tags: ['allocation'],
  summary: 'Allocation dimensions of the organization (its own "virtual tags"), with the version applied',
  responses: { 200: jsonResponse(z.object({ items: z.array(DimensionSchema) }), 'Dimensions') },
});

const create = defineRoute('org:manage', {
  method: 'post',
  path: '/api/v1/allocation/dimensions',
  tags: ['allocation'],
  summary: 'Define an allocation dimension; it is applied to all retained data in the background',
  description:
    'Rules are tried in order and the first whose conditions all hold gives the value (a fixed `value`, the value of a tag with `valueFromTag`, or a `share` split evenly, proportionally to the values’ other spend in the month, or by fixed percentages); line items no rule matches get `defaultValue`. `tagAliases` and `valueAliases` normalize tag keys and values. Query the result with `groupBy=allocation:NAME` or `filter=allocation:NAME=VALUE`.',
  request: { body: jsonBody(definitionSchema) },
  responses: {
    201: jsonResponse(DimensionSchema, 'Created'),
    400: errorResponses[400],
    403: errorResponses[403],
    409: conflict,
  },
});

const get = defineRoute('member', {
  method: 'get',
  path: '/api/v1/allocation/dimensions/{name}',
  tags: ['allocation'],
  summary: 'An allocation dimension',
  request: { params: nameParam },
  responses: { 200: jsonResponse(DimensionSchema, 'Dimension'), 404: errorResponses[404] },
});

const update = defineRoute('org:manage', {
  method: 'put',
  path: '/api/v1/allocation/dimensions/{name}',
  tags: ['allocation'],
  summary:
    'Replace a dimension’s rules; the new version is applied in the background while answers keep the old one',
  request: { params: nameParam, body: jsonBody(definitionSchema.partial({ name: true })) },
  responses: {
    200: jsonResponse(DimensionSchema, 'Changed'),
    400: errorResponses[400],
    403: errorResponses[403],
    404: errorResponses[404],
  },
});

const remove = defineRoute('org:manage', {
  method: 'delete',
  path: '/api/v1/allocation/dimensions/{name}',
  tags: ['allocation'],
  summary: 'Remove an allocation dimension and its assignment',
  request: { params: nameParam },
  responses: { 204: { description: 'Removed' }, 403: errorResponses[403], 404: errorResponses[404] },
});

const apply = defineRoute('org:manage', {
  method: 'post',
  path: '/api/v1/allocation/dimensions/{name}/apply',
  tags: ['allocation'],
  summary: 'Re-apply a dimension to all retained data now (it is also re-applied after every billing load)',
  request: { params: nameParam },
  responses: {
    202: jsonResponse(DimensionSchema, 'Queued'),
    403: errorResponses[403],
    404: errorResponses[404],
  },
});

const PreviewSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    basis: z.enum(COST_BASES),
    currency: z.string(),
    total: z.number(),
    moved: z.number().openapi({ description: 'Spend whose value would change' }),
    moves: z.array(z.object({ from: z.string(), to: z.string(), cost: z.number() })),
    values: z.array(
      z.object({ value: z.string(), before: z.number(), after: z.number(), change: z.number() }),
    ),
  })
  .openapi('AllocationPreview');

const preview = defineRoute(
  'member',
  {
    method: 'post',
    path: '/api/v1/allocation/preview',
    tags: ['allocation'],
    summary: 'What a definition would change before it is saved: the spend that moves and from where',
    description:
      'Compares the definition with the saved dimension of the same name (or with nothing, for a new one) over `from`–`to` (default: the 1st of last month to today). Shared costs show as moving to "(shared by rule N …)". Nothing is written.',
    request: {
      body: jsonBody(
        z
          .object({
            definition: z.unknown().openapi({
              description: 'A dimension definition as POST /api/v1/allocation/dimensions takes it',
            }),
            from: z.string().optional(),
            to: z.string().optional(),
            basis: z.enum(COST_BASES).optional(),
          })
          .strict(),
      ),
    },
    responses: { 200: jsonResponse(PreviewSchema, 'Preview'), 400: errorResponses[400] },
  },
  { writes: false },
);

const ShowbackSchema = z
  .object({
    dimension: z.string(),
    version: z.number().nullable(),
    asOf: z.string().nullable(),
    from: z.string(),
    to: z.string(),
    basis: z.enum(COST_BASES),
    currency: z.string(),
    rows: z.array(
      z.object({
        month: z.string(),
        value: z.string(),
        direct: z.number(),
        shared: z.number(),
        total: z.number(),
        share: z.number().nullable(),
        change: z.number(),
        changePercent: z.number().nullable(),
      }),
    ),
  })
  .openapi('AllocationShowback');

const showback = defineRoute('member', {
  method: 'get',
  path: '/api/v1/allocation/dimensions/{name}/showback',
  tags: ['allocation'],
  summary: 'Showback: per month, each value’s direct and shared cost, its share of the month and its change',
  description:
    'From the applied version of the dimension (`version`, `asOf`). Months from `from` to `to` (any day of each; default the last three months); `change` is against the same value in the month before. `format=csv` answers CSV.',
  request: {
    params: nameParam,
    query: z.object({
      from: z.string().optional(),
      to: z.string().optional(),
      basis: z.enum(COST_BASES).optional(),
      format: z.enum(['json', 'csv']).optional(),
    }),
  },
  responses: {
    200: {
      description: 'Showback',
      content: {
        'application/json': { schema: ShowbackSchema },
        'text/csv': { schema: z.string() },
      },
    },
    400: errorResponses[400],
    404: errorResponses[404],
  },
});

const Covered = z.object({ cost: z.number(), percent: z.number().nullable() });
const coverage = defineRoute('member', {
  method: 'get',
  path: '/api/v1/allocation/coverage',
  tags: ['allocation'],
  summary:
    'Tag coverage: per account or service, the share of spend with each tag key, and the largest untagged resources',
  description:
    'With `allocation=NAME`, also the share the dimension assigns a value other than its default. `untaggedResources` lists resources missing at least one of the keys, largest cost first: the ones to tag first.',
  request: {
    query: z.object({
      from: z.string().openapi({ description: 'First day, YYYY-MM-DD, included', format: 'date' }),
      to: z.string().openapi({ description: 'Last day, YYYY-MM-DD, included', format: 'date' }),
      keys: z.string().openapi({ description: 'Tag keys, comma-separated (1–10)', example: 'user:team,env' }),
      by: z.enum(COVERAGE_BY).optional().openapi({ description: 'account (default) or service' }),
      allocation: z
        .string()
        .optional()
        .openapi({ description: 'An allocation dimension to report coverage of' }),
      basis: z.enum(COST_BASES).optional(),
      limit: z.coerce
        .number()
        .int()
        .optional()
        .openapi({ description: 'Untagged resources listed (1–200, default 20)' }),
    }),
  },
  responses: {
    200: jsonResponse(
      z
        .object({
          from: z.string(),
          to: z.string(),
          basis: z.enum(COST_BASES),
          currency: z.string(),
          by: z.enum(COVERAGE_BY),
          keys: z.array(z.string()),
          allocation: z
            .object({ dimension: z.string(), defaultValue: z.string(), version: z.number().nullable() })
            .nullable(),
          total: z.number(),
          rows: z.array(
            z.object({
              value: z.string().nullable(),
              total: z.number(),
              tags: z.record(z.string(), Covered),
              allocated: Covered.nullable(),
            }),
          ),
          untaggedResources: z.array(
            z.object({
              resource: z.string(),
              account: z.string().nullable(),
              service: z.string().nullable(),
              cost: z.number(),
              missing: z.array(z.string()),
            }),
          ),
        })
        .openapi('TagCoverage'),
      'Coverage',
    ),
    400: errorResponses[400],
    404: errorResponses[404],
  },
});

export function registerAllocationRoutes(app: Api, ctx: AppContext): void {
  const allocation = ctx.allocation;
  app.openapi(list, async (c) => c.json({ items: await allocation.list(principalOf(c).orgId) }, 200));
  app.openapi(create, async (c) =>
    c.json(await allocation.create(principalOf(c).orgId, c.req.valid('json')), 201),
  );
  app.openapi(get, async (c) =>
    c.json(await allocation.get(principalOf(c).orgId, c.req.valid('param').name), 200),
  );
  app.openapi(update, async (c) =>
    c.json(
      await allocation.update(principalOf(c).orgId, c.req.valid('param').name, c.req.valid('json')),
      200,
    ),
  );
  app.openapi(remove, async (c) => {
    await allocation.remove(principalOf(c).orgId, c.req.valid('param').name);
    return c.body(null, 204);
  });
  app.openapi(apply, async (c) => {
    const { orgId } = principalOf(c);
    const { name } = c.req.valid('param');
    await allocation.reapply(orgId, name);
    return c.json(await allocation.get(orgId, name), 202);
  });
  app.openapi(showback, async (c) => {
    const { name } = c.req.valid('param');
    const q = c.req.valid('query');
    const answer = await allocation.showback(principalOf(c).orgId, name, q);
    if (q.format !== 'csv') return c.json(answer, 200);
    return new Response(showbackCsv(answer), {
      status: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="cloudtally-showback-${name}-${answer.from}-${answer.to}.csv"`,
      },
    });
  });
  app.openapi(coverage, async (c) => {
    const q = c.req.valid('query');
    return c.json(await allocation.coverage(principalOf(c).orgId, { ...q, keys: q.keys.split(',') }), 200);
  });
  app.openapi(preview, async (c) => {
    const body = c.req.valid('json');
    return c.json(
      await allocation.preview(principalOf(c).orgId, { ...body, definition: body.definition as never }),
      200,
    );
  });
}
