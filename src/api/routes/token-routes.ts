import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import { defineRoute, errorResponses, jsonBody, jsonResponse, principalOf, type Api } from '../route-kit.js';

const TokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    owner: z.string().openapi({ description: 'The e-mail address of the member the token acts as' }),
    readOnly: z.boolean().openapi({ description: 'Refused on every write route' }),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiToken');

const list = defineRoute('tokens:own', {
  method: 'get',
  path: '/api/v1/tokens',
  tags: ['tokens'],
  summary: "The caller's API tokens in this organization (never the token values)",
  responses: { 200: jsonResponse(z.object({ items: z.array(TokenSchema) }), 'Tokens') },
});

const listOrganization = defineRoute('org:manage', {
  method: 'get',
  path: '/api/v1/organization/tokens',
  tags: ['tokens'],
  summary: "Every member's API tokens in this organization (Organization Managers; never the token values)",
  responses: {
    200: jsonResponse(z.object({ items: z.array(TokenSchema) }), 'Tokens'),
    403: errorResponses[403],
  },
});

const create = defineRoute('tokens:own', {
  method: 'post',
  path: '/api/v1/tokens',
  tags: ['tokens'],
  summary: 'Create an API token; the value is shown only in this response',
  request: {
    body: jsonBody(
      z
        .object({
          name: z.string().min(1).max(100),
          expiresInDays: z.number().int().min(1).max(3650).optional(),
          readOnly: z
            .boolean()
            .optional()
            .openapi({ description: 'Read-only scope: the token is refused on every write route' }),
        })
        .strict(),
    ),
  },
  responses: {
    201: jsonResponse(
      z.object({
        id: z.string(),
        name: z.string(),
        token: z.string(),
        readOnly: z.boolean(),
        expiresAt: z.string().nullable(),
      }),
      'Created',
    ),
    400: errorResponses[400],
  },
});

const revoke = defineRoute('tokens:own', {
  method: 'delete',
  path: '/api/v1/tokens/{id}',
  tags: ['tokens'],
  summary: "Revoke a token: the caller's own, or (Organization Managers) any of the organization",
  request: { params: z.object({ id: z.string().min(1) }) },
  responses: { 204: { description: 'Revoked' }, 404: errorResponses[404] },
});

export function registerTokenRoutes(app: Api, ctx: AppContext): void {
  app.openapi(list, async (c) => c.json({ items: await ctx.auth.listTokens(principalOf(c)) }, 200));
  app.openapi(listOrganization, async (c) =>
    c.json({ items: await ctx.auth.listOrganizationTokens(principalOf(c)) }, 200),
  );
  app.openapi(create, async (c) => {
    const body = c.req.valid('json');
    const token = await ctx.auth.createToken(principalOf(c), body.name, body.expiresInDays, body.readOnly);
    return c.json(token, 201);
  });
  app.openapi(revoke, async (c) => {
    await ctx.auth.revokeToken(principalOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  });
}
