import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { AppContext } from '../../app/context.js';
import type { LoginResult } from '../../auth/auth-service.js';
import { ROLES } from '../../auth/permissions.js';
import { InputError } from '../../lib/errors.js';
import { SESSION_COOKIE } from '../middleware.js';
import { appBaseUrl, clientIp, isHttpsRequest } from '../request-origin.js';
import {
  defineRoute,
  errorResponses,
  jsonBody,
  jsonResponse,
  principalOf,
  type Api,
  type ApiEnv,
} from '../route-kit.js';

export const UserSchema = z
  .object({ id: z.string(), email: z.string(), name: z.string().nullable() })
  .openapi('User');
export const OrganizationSchema = z
  .object({ id: z.string(), name: z.string(), role: z.enum(ROLES), manageCloudCredentials: z.boolean() })
  .openapi('OrganizationMembership');

export const SignedInSchema = z
  .object({
    user: UserSchema,
    organizations: z.array(OrganizationSchema),
    csrfToken: z.string(),
    expiresAt: z.string(),
  })
  .openapi('SignedIn');

const login = defineRoute('public', {
  method: 'post',
  path: '/api/v1/auth/login',
  tags: ['auth'],
  summary: 'Sign in with e-mail and password; sets the session cookie',
  request: {
    body: jsonBody(
      z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) }).strict(),
    ),
  },
  responses: {
    200: jsonResponse(SignedInSchema, 'Signed in'),
    401: errorResponses[401],
    400: errorResponses[400],
  },
});

const logout = defineRoute('member', {
  method: 'post',
  path: '/api/v1/auth/logout',
  tags: ['auth'],
  summary:
    "End the session. A single sign-on session whose provider publishes an end_session_endpoint is answered with the provider's sign-out URL to open, so that the provider ends its session too",
  responses: {
    200: jsonResponse(
      z.object({
        endSessionUrl: z.string().openapi({
          description:
            "Signed out here; open this URL to sign out at the provider too (it sends the browser back to this server's start page)",
        }),
      }),
      'Signed out here; sign out at the provider next',
    ),
    204: { description: 'Signed out' },
    401: errorResponses[401],
  },
});

const me = defineRoute('member', {
  method: 'get',
  path: '/api/v1/auth/me',
  tags: ['auth'],
  summary: 'The caller, its current organization and role',
  responses: {
    200: jsonResponse(
      z.object({
        user: UserSchema,
        organization: OrganizationSchema,
        organizations: z.array(OrganizationSchema),
        role: z.enum(ROLES),
        manageCloudCredentials: z.boolean(),
        instanceAdmin: z.boolean(),
        csrfToken: z.string().optional(),
        via: z.enum(['session', 'token', 'cli']),
      }),
      'The caller',
    ),
    401: errorResponses[401],
  },
});

const switchOrg = defineRoute('member', {
  method: 'post',
  path: '/api/v1/auth/switch-organization',
  tags: ['auth'],
  summary: "Switch the session's current organization",
  request: { body: jsonBody(z.object({ organizationId: z.string().min(1) }).strict()) },
  responses: { 204: { description: 'Switched' }, 400: errorResponses[400], 404: errorResponses[404] },
});

/** Sets the session cookie of a new session and gives the answer every way of signing in gives. */
export function signedIn(c: Context<ApiEnv>, ctx: AppContext, result: LoginResult) {
  setCookie(c, SESSION_COOKIE, result.sessionToken, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/',
    expires: result.expiresAt,
    secure: isHttpsRequest(c, ctx.config),
  });
  return {
    user: result.user,
    organizations: result.organizations,
    csrfToken: result.csrfToken,
    expiresAt: result.expiresAt.toISOString(),
  };
}

export function registerAuthRoutes(app: Api, ctx: AppContext): void {
  app.openapi(login, async (c) => {
    const { email, password } = c.req.valid('json');
    const result = await ctx.auth.login(email, password, clientIp(c, ctx.config), c.req.header('user-agent'));
    return c.json(signedIn(c, ctx, result), 200);
  });

  app.openapi(logout, async (c) => {
    const token = c.get('sessionToken');
    const ended = token ? await ctx.auth.logout(token, principalOf(c)) : undefined;
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isHttpsRequest(c, ctx.config) });
    if (ended?.via === 'sso') {
      // The local session is over; the provider's own session ends when the browser visits its sign-out page.
      const endSessionUrl = await ctx.sso.providerSignOutUrl(
        ended.orgId,
        ended.idTokenHint,
        `${appBaseUrl(c, ctx.config)}/`,
      );
      if (endSessionUrl) return c.json({ endSessionUrl }, 200);
    }
    return c.body(null, 204);
  });

  app.openapi(me, async (c) => {
    const principal = principalOf(c);
    const result = await ctx.auth.me(principal, c.get('sessionToken'));
    return c.json({ ...result, csrfToken: c.get('csrfToken'), via: principal.via }, 200);
  });

  app.openapi(switchOrg, async (c) => {
    const principal = principalOf(c);
    const token = c.get('sessionToken');
    const { organizationId } = c.req.valid('json');
    if (!token) {
      throw new InputError(
        'organizationId',
        'API tokens belong to one organization; create a token in the other organization instead',
      );
    }
    await ctx.auth.switchOrganization(token, principal, organizationId);
    return c.body(null, 204);
  });
}
