import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import { decodeAuditCursor, encodeAuditCursor, listAudit } from '../../auth/audit-log.js';
import { InputError } from '../../lib/errors.js';
import { defineRoute, errorResponses, jsonResponse, principalOf, type Api } from '../route-kit.js';

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
      /** Only records older than this time. */
      before: z.string().datetime().optional(),
      /** `nextCursor` of the previous page. */
      cursor: z.string().max(200).optional(),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(AuditSchema),
        /** Pass as `cursor` for the next page; null on the last page. */
        nextCursor: z.string().nullable(),
        /** The time of the last record when more may follow (records of that same instant need `cursor`). */
        nextBefore: z.string().nullable(),
      }),
      'Audit records',
    ),
    400: errorResponses[400],
  },
});

export function registerAuditRoutes(app: Api, ctx: AppContext): void {
  app.openapi(list, async (c) => {
    const { limit, before, cursor } = c.req.valid('query');
    const after = cursor === undefined ? undefined : decodeAuditCursor(cursor);
    if (cursor !== undefined && !after) throw new InputError('cursor', 'cursor: not a cursor of this list');
    const items = await listAudit(ctx.store, principalOf(c).orgId, { limit, before, after });
    const last = items.length === limit ? items.at(-1) : undefined;
    return c.json(
      {
        items,
        nextCursor: last ? encodeAuditCursor(last) : null,
        nextBefore: last?.createdAt ?? null,
      },
      200,
    );
  });
}
