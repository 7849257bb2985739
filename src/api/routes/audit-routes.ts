import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import { listAudit } from '../../auth/audit-log.js';
import { defineRoute, jsonResponse, principalOf, type Api } from '../route-kit.js';

const AuditSchema = z
  .object({
    id: z.string(),
    actor: z.string(),
    action: z.string(),
    objectType: z.string(),
    objectId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
  })
  .openapi('AuditRecord');

const list = defineRoute('audit:read', {
  method: 'get',
  path: '/api/v1/audit-log',
  tags: ['organizations'],
  summary: 'Who did what to which object, newest first',
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(500).default(100),
      before: z.string().datetime().optional(),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(AuditSchema), nextBefore: z.string().nullable() }),
      'Audit records',
    ),
  },
});

export function registerAuditRoutes(app: Api, ctx: AppContext): void {
  app.openapi(list, async (c) => {
    const { limit, before } = c.req.valid('query');
    const items = await listAudit(ctx.store, principalOf(c).orgId, { limit, before });
    return c.json(
      { items, nextBefore: items.length === limit ? (items.at(-1)?.createdAt ?? null) : null },
      200,
    );
  });
}
