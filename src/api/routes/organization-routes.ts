import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import { ROLES } from '../../auth/permissions.js';
import { defineRoute, errorResponses, jsonBody, jsonResponse, principalOf, type Api } from '../route-kit.js';
import { OrganizationSchema } from './auth-routes.js';

const MemberSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.enum(ROLES),
    manageCloudCredentials: z.boolean(),
    status: z
      .enum(['active', 'pending'])
      .openapi({ description: '`pending` until the person accepts (a new user: by signing in)' }),
    joinedAt: z.string(),
  })
  .openapi('Member');

const listOrgs = defineRoute('member', {
  method: 'get',
  path: '/api/v1/organizations',
  tags: ['organizations'],
  summary: 'Organizations the caller belongs to',
  responses: { 200: jsonResponse(z.object({ items: z.array(OrganizationSchema) }), 'Organizations') },
});

const createOrg = defineRoute('member', {
  method: 'post',
  path: '/api/v1/organizations',
  tags: ['organizations'],
  summary:
    'Create an organization; the caller becomes its manager. Instance administrators only, unless the instance allows members to',
  request: { body: jsonBody(z.object({ name: z.string().min(1).max(200) }).strict()) },
  responses: {
    201: jsonResponse(OrganizationSchema, 'Created'),
    400: errorResponses[400],
    403: errorResponses[403],
  },
});

const listMembers = defineRoute('org:read', {
  method: 'get',
  path: '/api/v1/members',
  tags: ['organizations'],
  summary: 'Members of the current organization',
  responses: { 200: jsonResponse(z.object({ items: z.array(MemberSchema) }), 'Members') },
});

const addMember = defineRoute('org:manage', {
  method: 'post',
  path: '/api/v1/members',
  tags: ['organizations'],
  summary:
    'Add an existing user to the organization at once (instance administrators only). Managers invite people by e-mail instead: POST /api/v1/invitations.',
  request: {
    body: jsonBody(
      z
        .object({
          email: z.string().email(),
          role: z.enum(ROLES),
          manageCloudCredentials: z.boolean().optional(),
        })
        .strict(),
    ),
  },
  responses: {
    201: jsonResponse(MemberSchema, 'Added'),
    400: errorResponses[400],
    403: errorResponses[403],
  },
});

const userIdParam = z.object({ userId: z.string().min(1) });

const updateMember = defineRoute('org:manage', {
  method: 'patch',
  path: '/api/v1/members/{userId}',
  tags: ['organizations'],
  summary: "Change a member's role or the Manage Cloud Credentials permission",
  request: {
    params: userIdParam,
    body: jsonBody(
      z.object({ role: z.enum(ROLES).optional(), manageCloudCredentials: z.boolean().optional() }).strict(),
    ),
  },
  responses: {
    200: jsonResponse(MemberSchema, 'Updated'),
    400: errorResponses[400],
    404: errorResponses[404],
  },
});

const removeMember = defineRoute('org:manage', {
  method: 'delete',
  path: '/api/v1/members/{userId}',
  tags: ['organizations'],
  summary: 'Remove a member from the organization (their tokens are revoked)',
  request: { params: userIdParam },
  responses: { 204: { description: 'Removed' }, 404: errorResponses[404] },
});

export function registerOrganizationRoutes(app: Api, ctx: AppContext): void {
  app.openapi(listOrgs, async (c) =>
    c.json({ items: await ctx.auth.organizations(principalOf(c).userId) }, 200),
  );

  app.openapi(createOrg, async (c) => {
    const org = await ctx.auth.createOrganization(principalOf(c), c.req.valid('json').name);
    return c.json(org, 201);
  });

  app.openapi(listMembers, async (c) =>
    c.json({ items: await ctx.auth.listMembers(principalOf(c).orgId) }, 200),
  );

  app.openapi(addMember, async (c) => {
    const member = await ctx.auth.addMember(principalOf(c), c.req.valid('json'));
    return c.json(member, 201);
  });

  app.openapi(updateMember, async (c) => {
    const member = await ctx.auth.updateMember(
      principalOf(c),
      c.req.valid('param').userId,
      c.req.valid('json'),
    );
    return c.json(member, 200);
  });

  app.openapi(removeMember, async (c) => {
    await ctx.auth.removeMember(principalOf(c), c.req.valid('param').userId);
    return c.body(null, 204);
  });
}
