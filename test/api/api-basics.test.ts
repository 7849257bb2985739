import { z } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/api/app.js';
import { defineRoute, jsonResponse, routeRegistry, type Api } from '../../src/api/route-kit.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type OpenApiDoc = {
  openapi: string;
  paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
};

describe('API basics: OpenAPI document, request IDs, internal errors', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('describes every registered route at /api/docs, with security on all but public ones', async () => {
    const res = await t.request('/api/docs');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenApiDoc;
    expect(doc.openapi).toBe('3.1.0');
    const problems: string[] = [];
    for (const route of routeRegistry) {
      if (route.path === '/api/docs' || route.path === '/api/openapi.json') continue;
      const openapiPath = route.path.replace(/:(\w+)/g, '{$1}');
      const op = doc.paths[openapiPath]?.[route.method.toLowerCase()];
      if (!op) {
        problems.push(`${route.method} ${route.path} is not in the document`);
        continue;
      }
      const secured = (op.security ?? []).length > 0;
      if (secured !== (route.access !== 'public'))
        problems.push(`${route.method} ${route.path}: security does not match access ${route.access}`);
      // A browser navigation (the sign-in provider's redirect back) succeeds with a redirect.
      if (!Object.keys(op.responses).some((s) => s.startsWith('2') || s === '302' || s === '303'))
        problems.push(`${route.method} ${route.path} declares no success response`);
    }
    expect(problems).toEqual([]);
  });

  it('gives every answer a request ID, keeping a well-formed incoming one', async () => {
    const generated = await t.request('/api/v1/health');
    expect(generated.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
    const kept = await t.request('/api/v1/auth/me', { headers: { 'x-request-id': 'trace-123.abc' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-123.abc');
    expect(((await kept.json()) as { requestId: string }).requestId).toBe('trace-123.abc');
    const replaced = await t.request('/api/v1/health', {
      headers: { 'x-request-id': 'spaces and "quotes" are not an id' },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
    expect(t.logs()).toContain('"requestId":"trace-123.abc"');
  });

  it('answers an unexpected failure with 500 and the request ID, never the database text', async () => {
    const boom = defineRoute('member', {
      method: 'get',
      path: '/api/v1/test-only/boom',
      responses: { 200: jsonResponse(z.object({ ok: z.boolean() }), 'never') },
    });
    const app: Api = createApi(t.ctx, [
      (a, ctx) =>
        a.openapi(boom, async (c) => {
          await ctx.store.query('SELECT no_such_column FROM organizations');
          return c.json({ ok: true }, 200);
        }),
    ]);
    const res = await app.request('/api/v1/test-only/boom', {
      headers: { authorization: `Bearer ${t.users.viewer.token}` },
    });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; message: string }; requestId: string };
    expect(body.error.code).toBe('internal');
    expect(JSON.stringify(body)).not.toMatch(/no_such_column|organizations|stack|at /i);
    expect(body.requestId).toBe(res.headers.get('x-request-id'));
    // The details are in the log, under the same request ID.
    const line = t
      .logs()
      .split('\n')
      .find((l) => l.includes('"msg":"request failed"') && l.includes(body.requestId));
    expect(line).toMatch(/no_such_column/);
  });
});
