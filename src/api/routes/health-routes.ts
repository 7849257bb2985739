import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import { defineRoute, jsonResponse, type Api } from '../route-kit.js';

const health = defineRoute('public', {
  method: 'get',
  path: '/api/v1/health',
  tags: ['system'],
  summary: 'Liveness and database reachability',
  responses: {
    200: jsonResponse(
      z.object({ status: z.literal('ok'), engine: z.enum(['duckdb', 'postgres']), version: z.string() }),
      'Healthy',
    ),
    503: jsonResponse(
      z.object({ status: z.literal('unavailable'), message: z.string() }),
      'The database does not answer',
    ),
  },
});

export function registerHealthRoutes(app: Api, ctx: AppContext): void {
  app.openapi(health, async (c) => {
    try {
      await ctx.store.query('SELECT 1 AS ok');
      return c.json({ status: 'ok' as const, engine: ctx.store.describe().engine, version: '0.1.0' }, 200);
    } catch {
      return c.json({ status: 'unavailable' as const, message: 'The database does not answer' }, 503);
    }
  });
}
