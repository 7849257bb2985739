import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import { ROLES } from '../../auth/permissions.js';
import { clientIp } from '../request-origin.js';
import { defineRoute, errorResponses, jsonBody, jsonResponse, principalOf, type Api } from '../route-kit.js';
import { SignedInSchema, signedIn } from './auth-routes.js';

const InvitationSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    manageCloudCredentials: z.boolean(),
    invitedBy: z.string(),
    createdAt: z.string(),
    expiresAt: z.string(),
  })
  .openapi('Invitation');

const token = z.string().min(1).max(200).openapi({ description: 'The token of the invitation link' });

const list = defineRoute('org:manage', {
  method: 'get',
  path: '/api/v1/invitations',
  tags: ['organizations'],
  summary: 'Pending invitations of the organization (not accepted, withdrawn or expired)',
  responses: {
    200: jsonResponse(z.object({ items: z.array(InvitationSchema) }), 'Invitations'),
    403: errorResponses[403],
  },
});

const create = defineRoute('org:manage', {
  method: 'post',
  path: '/api/v1/invitations',
  tags: ['organizations'],
  summary:
    'Invite an e-mail address with a role. The one-time link goes by e-mail when the organization has an e-mail channel; otherwise the answer carries it for the manager to pass on. The answer never says whether the address has an account.',
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
    201: jsonResponse(
      z.object({
        invitation: InvitationSchema,
        delivery: z.enum(['email', 'link']),
        link: z.string().optional().openapi({ description: 'Only when no e-mail was sent' }),
      }),
      'Invited',
    ),
    400: errorResponses[400],
    403: errorResponses[403],
  },
});

const revoke = defineRoute('org:manage', {
  method: 'delete',
  path: '/api/v1/invitations/{id}',
  tags: ['organizations'],
  summary: 'Withdraw a pending invitation (its link stops working)',
  request: { params: z.object({ id: z.string().min(1) }) },
  responses: { 204: { description: 'Withdrawn' }, 404: errorResponses[404] },
});

const lookup = defineRoute('public', {
  method: 'post',
  path: '/api/v1/invitations/lookup',
  tags: ['organizations'],
  summary: 'What an invitation link offers (the token travels in the body, never in a URL)',
  request: { body: jsonBody(z.object({ token }).strict()) },
  responses: {
    200: jsonResponse(
      z.object({
        email: z.string(),
        organization: z.string(),
        role: z.enum(ROLES),
        expiresAt: z.string(),
      }),
      'The invitation',
    ),
    400: errorResponses[400],
  },
});

const accept = defineRoute('public', {
  method: 'post',
  path: '/api/v1/invitations/accept',
  tags: ['organizations'],
  summary:
    "Accept an invitation and sign in: a new address gets an account with this password; an address with an account gives that account's password",
  request: {
    body: jsonBody(
      z
        .object({
          token,
          password: z.string().min(1).max(1024),
          name: z.string().max(200).optional(),
        })
        .strict(),
    ),
  },
  responses: {
    200: jsonResponse(SignedInSchema, 'Accepted and signed in'),
    400: errorResponses[400],
    401: errorResponses[401],
  },
});

export function registerInvitationRoutes(app: Api, ctx: AppContext): void {
  app.openapi(list, async (c) => c.json({ items: await ctx.auth.listPending(principalOf(c)) }, 200));
  app.openapi(create, async (c) => {
    const linkBase = ctx.config.publicUrl ?? new URL(c.req.url).origin;
    return c.json(await ctx.auth.invite(principalOf(c), c.req.valid('json'), linkBase), 201);
  });
  app.openapi(revoke, async (c) => {
    await ctx.auth.revokeInvitation(principalOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  });
  app.openapi(lookup, async (c) => c.json(await ctx.auth.describeInvitation(c.req.valid('json').token), 200));
  app.openapi(accept, async (c) => {
    const { token: t, password, name } = c.req.valid('json');
    const result = await ctx.auth.acceptInvitation(
      t,
      { password, name },
      { ip: clientIp(c, ctx.config), userAgent: c.req.header('user-agent') },
    );
    return c.json(signedIn(c, ctx, result), 200);
  });
}
