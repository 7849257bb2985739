import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import { costAnswerCsv } from '../../costs/cost-csv.js';
import { COST_BASES, GRANULARITIES } from '../../costs/cost-query.js';
import { RELATIVE_RANGE_IDS } from '../../saved-views/relative-ranges.js';
import {
  createSavedViewSchema,
  updateSavedViewSchema,
  VISIBILITIES,
} from '../../saved-views/saved-view-schemas.js';
import { viewFileName, type SavedViewFor } from '../../saved-views/saved-view-service.js';
import { defineRoute, errorResponses, jsonBody, jsonResponse, principalOf, type Api } from '../route-kit.js';
import { CostAnswerSchema, csvResponse } from './cost-routes.js';

const SavedViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    query: z.object({
      range: z
        .union([
          z.object({ relative: z.enum(RELATIVE_RANGE_IDS) }),
          z.object({ from: z.string(), to: z.string() }),
        ])
        .openapi({ description: 'Relative (resolved against today each time it runs) or two fixed dates' }),
      granularity: z.enum(GRANULARITIES),
      groupBy: z.array(z.string()),
      filter: z.array(z.string()),
      exclude: z.array(z.string()),
      basis: z.enum(COST_BASES),
    }),
    visibility: z.enum(VISIBILITIES),
    pinned: z.boolean().openapi({ description: 'Shown on the Overview of everyone who sees the view' }),
    ownerId: z.string(),
    mine: z.boolean().openapi({ description: 'Saved by the caller' }),
    canEdit: z.boolean().openapi({ description: 'The caller may change or remove it' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('SavedView');

const idParam = z.object({ id: z.string() });
const conflict = {
  description: 'You have a saved view with that name',
  content: errorResponses[404].content,
};

const view = (v: SavedViewFor) => {
  const { orgId: _orgId, ...rest } = v;
  return rest;
};

const list = defineRoute('member', {
  method: 'get',
  path: '/api/v1/saved-views',
  tags: ['saved views'],
  summary: 'Saved views the caller sees: their own and those shared with the organization',
  request: {
    query: z.object({
      pinned: z
        .enum(['true', 'false'])
        .optional()
        .openapi({ description: 'true: only the views pinned to the Overview' }),
    }),
  },
  responses: {
    200: jsonResponse(z.object({ items: z.array(SavedViewSchema) }), 'Saved views'),
    400: errorResponses[400],
  },
});

const create = defineRoute('member', {
  method: 'post',
  path: '/api/v1/saved-views',
  tags: ['saved views'],
  summary: 'Save a cost explorer query with a name',
  description:
    'The query takes the parameters of `GET /api/v1/costs` (`groupBy`, `filter`, `exclude` in the text form `service=Amazon EC2`, `basis`, `granularity`) and a `range`: `{"relative": "last_3_full_months"}` (resolved each time the view runs) or `{"from": "2024-01-01", "to": "2024-03-31"}`. Private by default; `visibility: "organization"` shares it; `pinned: true` shows it on the Overview.',
  request: { body: jsonBody(createSavedViewSchema) },
  responses: {
    201: jsonResponse(SavedViewSchema, 'Saved'),
    400: errorResponses[400],
    403: errorResponses[403],
    409: conflict,
  },
});

const get = defineRoute('member', {
  method: 'get',
  path: '/api/v1/saved-views/{id}',
  tags: ['saved views'],
  summary: 'A saved view',
  request: { params: idParam },
  responses: { 200: jsonResponse(SavedViewSchema, 'Saved view'), 404: errorResponses[404] },
});

const run = defineRoute('member', {
  method: 'get',
  path: '/api/v1/saved-views/{id}/run',
  tags: ['saved views'],
  summary: 'Run a saved view: its query over the dates its range stands for today',
  request: {
    params: idParam,
    query: z.object({
      limit: z.coerce.number().int().optional().openapi({ description: 'Groups shown (1–1000, default 50)' }),
      format: z.enum(['json', 'csv']).optional().openapi({ description: 'csv answers text/csv' }),
    }),
  },
  responses: {
    200: {
      description: 'The view and its answer',
      content: {
        'application/json': {
          schema: z
            .object({ view: SavedViewSchema, from: z.string(), to: z.string(), answer: CostAnswerSchema })
            .openapi('SavedViewRun'),
        },
        'text/csv': { schema: z.string() },
      },
    },
    400: errorResponses[400],
    404: errorResponses[404],
  },
});

const update = defineRoute('member', {
  method: 'patch',
  path: '/api/v1/saved-views/{id}',
  tags: ['saved views'],
  summary: 'Change a saved view: rename, replace its query, share, pin to or unpin from the Overview',
  description:
    'Only its owner changes a view; an Organization Manager may also change a view shared with the organization.',
  request: { params: idParam, body: jsonBody(updateSavedViewSchema) },
  responses: {
    200: jsonResponse(SavedViewSchema, 'Changed'),
    400: errorResponses[400],
    403: errorResponses[403],
    404: errorResponses[404],
    409: conflict,
  },
});

const remove = defineRoute('member', {
  method: 'delete',
  path: '/api/v1/saved-views/{id}',
  tags: ['saved views'],
  summary: 'Remove a saved view',
  request: { params: idParam },
  responses: { 204: { description: 'Removed' }, 403: errorResponses[403], 404: errorResponses[404] },
});

export function registerSavedViewRoutes(app: Api, ctx: AppContext): void {
  const views = ctx.savedViews;
  app.openapi(list, async (c) => {
    const { pinned } = c.req.valid('query');
    const items = await views.list(principalOf(c), {
      pinned: pinned === undefined ? undefined : pinned === 'true',
    });
    return c.json({ items: items.map(view) }, 200);
  });
  app.openapi(create, async (c) =>
    c.json(view(await views.create(principalOf(c), c.req.valid('json'))), 201),
  );
  app.openapi(get, async (c) => c.json(view(await views.get(principalOf(c), c.req.valid('param').id)), 200));
  app.openapi(run, async (c) => {
    const q = c.req.valid('query');
    const r = await views.run(principalOf(c), c.req.valid('param').id, { limit: q.limit });
    if (q.format === 'csv') {
      return csvResponse(costAnswerCsv(r.answer), viewFileName(r.view.name, r.from, r.to));
    }
    return c.json({ ...r, view: view(r.view) }, 200);
  });
  app.openapi(update, async (c) =>
    c.json(view(await views.update(principalOf(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  );
  app.openapi(remove, async (c) => {
    await views.remove(principalOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  });
}
