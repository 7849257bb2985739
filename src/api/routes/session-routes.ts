import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import { defineRoute, errorResponses, jsonResponse, principalOf, type Api } from '../route-kit.js';

const SessionSchema = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    expiresAt: z.string(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    current: z.boolean().openapi({ description: 'The session this request came with' }),
  })
  .openapi('Session');

const list = defineRoute('member', {
  method: 'get',
  path: '/api/v1/auth/sessions',
  tags: ['auth'],
  summary: "The caller's signed-in sessions that still work (in every organization)",
  responses: { 200: jsonResponse(z.object({ items: z.array(SessionSchema) }), 'Sessions') },
});

const revoke = defineRoute('member', {
  method: 'delete',
  path: '/api/v1/auth/sessions/{id}',
  tags: ['auth'],
  summary: "End one of the caller's own sessions (signs that browser out)",
  request: { params: z.object({ id: z.string().min(1).max(100) }) },
  responses: { 204: { description: 'Ended' }, 404: errorResponses[404] },
});

export function registerSessionRoutes(app: Api, ctx: AppContext): void {
  app.openapi(list, async (c) =>
    c.json({ items: await ctx.auth.listSessions(principalOf(c), c.get('sessionToken')) }, 200),
  );
  app.openapi(revoke, async (c) => {
    await ctx.auth.revokeSession(principalOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  });
}
