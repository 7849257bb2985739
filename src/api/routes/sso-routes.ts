import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppContext } from '../../app/context.js';
import { ROLES } from '../../auth/permissions.js';
import { SSO_CALLBACK_PATH, SSO_LOGIN_TTL_MINUTES, SsoLoginError } from '../../auth/sso-service.js';
import { appBaseUrl, clientIp, isHttpsRequest } from '../request-origin.js';
import {
  defineRoute,
  errorResponses,
  jsonBody,
  jsonResponse,
  principalOf,
  recordRoute,
  type Api,
  type ApiEnv,
} from '../route-kit.js';
import { signedIn } from './auth-routes.js';

/** Holds the state of a sign-in in flight: the provider's answer must come back to the browser that started it. */
const STATE_COOKIE = 'ct_sso_state';
const STATE_COOKIE_PATH = '/api/v1/auth/sso';

const roleList = z.array(z.string().min(1).max(200)).max(50);
const RoleMapSchema = z
  .object({ manager: roleList.optional(), engineer: roleList.optional(), viewer: roleList.optional() })
  .strict()
  .openapi({ description: 'Values of the role claim that give each role (the highest role matched wins)' });

const SsoConfigSchema = z
  .object({
    issuer: z.string(),
    clientId: z.string(),
    clientSecretSet: z.boolean().openapi({ description: 'The secret is stored encrypted and never shown' }),
    scopes: z.string(),
    allowedDomains: z.array(z.string()),
    roleClaim: z.string().nullable(),
    roleMap: RoleMapSchema,
    defaultRole: z.enum(ROLES).nullable(),
    justInTime: z.boolean(),
    requireVerifiedEmail: z.boolean(),
    ssoRequired: z.boolean(),
    breakGlassEmail: z.string().nullable(),
    redirectUri: z.string().openapi({ description: 'The redirect URI to register at the provider' }),
    updatedAt: z.string(),
  })
  .openapi('SsoConfig');

const SsoConfigInputSchema = z
  .object({
    issuer: z
      .string()
      .min(1)
      .max(500)
      .openapi({ description: 'Issuer URL, e.g. https://login.example.com/realms/acme' }),
    clientId: z.string().min(1).max(300),
    clientSecret: z
      .string()
      .min(1)
      .max(2000)
      .optional()
      .openapi({ description: 'Needed the first time; left out on a change, the stored secret is kept' }),
    scopes: z.string().min(1).max(500).optional().openapi({ description: 'Default: openid email profile' }),
    allowedDomains: z.array(z.string().min(1).max(253)).min(1).max(50),
    roleClaim: z.string().max(200).nullable().optional().openapi({
      description: 'Claim (dotted path) whose values map to roles, e.g. groups or realm_access.roles',
    }),
    roleMap: RoleMapSchema.optional(),
    defaultRole: z.enum(ROLES).nullable().optional().openapi({
      description: 'Role when the claim maps to none; null: such people are refused',
    }),
    justInTime: z.boolean().optional().openapi({
      description: 'Create members at their first sign-in; otherwise only members and invited people get in',
    }),
    requireVerifiedEmail: z
      .boolean()
      .optional()
      .openapi({ description: 'Refuse when email_verified is not true (default)' }),
    ssoRequired: z
      .boolean()
      .optional()
      .openapi({ description: "Refuse password sign-in for this organization's members" }),
    breakGlassEmail: z.string().max(320).nullable().optional().openapi({
      description: 'A manager who may still sign in with a password when single sign-on is required',
    }),
  })
  .strict();

const getConfig = defineRoute('org:manage', {
  method: 'get',
  path: '/api/v1/organization/sso',
  tags: ['organizations'],
  summary: "The organization's single sign-on settings (never the client secret)",
  responses: {
    200: jsonResponse(z.object({ config: SsoConfigSchema.nullable(), redirectUri: z.string() }), 'Settings'),
    403: errorResponses[403],
  },
});

const putConfig = defineRoute('org:manage', {
  method: 'put',
  path: '/api/v1/organization/sso',
  tags: ['organizations'],
  summary:
    "Set the organization's OpenID Connect provider (its metadata is read first; a wrong issuer is refused)",
  request: { body: jsonBody(SsoConfigInputSchema) },
  responses: {
    200: jsonResponse(SsoConfigSchema, 'Saved'),
    400: errorResponses[400],
    403: errorResponses[403],
  },
});

const deleteConfig = defineRoute('org:manage', {
  method: 'delete',
  path: '/api/v1/organization/sso',
  tags: ['organizations'],
  summary: 'Turn single sign-on off for the organization (its client secret is deleted)',
  responses: { 204: { description: 'Removed' }, 403: errorResponses[403], 404: errorResponses[404] },
});

const start = defineRoute('public', {
  method: 'post',
  path: '/api/v1/auth/sso/start',
  tags: ['auth'],
  summary:
    "Start single sign-on: the organization is found by the e-mail address's domain (or named); answers the provider URL to open",
  request: {
    body: jsonBody(
      z
        .object({ email: z.string().max(320).optional(), organization: z.string().max(200).optional() })
        .strict(),
    ),
  },
  responses: { 200: jsonResponse(z.object({ url: z.string() }), 'Open this URL'), 400: errorResponses[400] },
});

/** The redirect URI: below the public URL when one is set, else this server's own origin. */
export function ssoRedirectUri(c: Context<ApiEnv>, ctx: AppContext): string {
  return `${appBaseUrl(c, ctx.config)}${SSO_CALLBACK_PATH}`;
}

export function registerSsoRoutes(app: Api, ctx: AppContext): void {
  app.openapi(getConfig, async (c) => {
    const redirectUri = ssoRedirectUri(c, ctx);
    return c.json({ config: await ctx.sso.getSsoConfig(principalOf(c), redirectUri), redirectUri }, 200);
  });
  app.openapi(putConfig, async (c) =>
    c.json(await ctx.sso.setSsoConfig(principalOf(c), c.req.valid('json'), ssoRedirectUri(c, ctx)), 200),
  );
  app.openapi(deleteConfig, async (c) => {
    await ctx.sso.removeSsoConfig(principalOf(c));
    return c.body(null, 204);
  });
  app.openapi(start, async (c) => {
    const { url, state } = await ctx.sso.startSso(c.req.valid('json'), ssoRedirectUri(c, ctx));
    // Lax: the provider sends the browser back with a top-level GET from its own site.
    setCookie(c, STATE_COOKIE, state, {
      httpOnly: true,
      sameSite: 'Lax',
      path: STATE_COOKIE_PATH,
      maxAge: SSO_LOGIN_TTL_MINUTES * 60,
      secure: isHttpsRequest(c, ctx.config),
    });
    return c.json({ url }, 200);
  });

  // The provider's redirect: a browser navigation, answered with a redirect into the app (or back to the
  // sign-in page with the reason), never with JSON.
  const callbackResponses = {
    302: {
      description:
        'Signed in: a redirect into the app with a session cookie. Refused: a redirect to the sign-in page with the reason in ?ssoError=.',
    },
  };
  recordRoute('GET', SSO_CALLBACK_PATH, 'public', callbackResponses);
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: SSO_CALLBACK_PATH,
    summary: "The identity provider's redirect after sign-in (a browser navigation, not an API call)",
    request: {
      query: z.object({
        code: z.string().optional().openapi({ description: 'The authorization code' }),
        state: z.string().optional().openapi({ description: 'The state Cloudtally sent to the provider' }),
        error: z.string().optional().openapi({ description: "The provider's error code, if sign-in failed" }),
      }),
    },
    responses: callbackResponses,
    security: [],
  });
  app.get(SSO_CALLBACK_PATH, async (c) => {
    const browserState = getCookie(c, STATE_COOKIE);
    deleteCookie(c, STATE_COOKIE, { path: STATE_COOKIE_PATH, secure: isHttpsRequest(c, ctx.config) });
    const received = new URL(c.req.url);
    // The URL the provider was given, with the answer's parameters: what the code was issued for.
    const callbackUrl = new URL(ssoRedirectUri(c, ctx));
    callbackUrl.search = received.search;
    try {
      const result = await ctx.sso.finishSso(callbackUrl, browserState, ssoRedirectUri(c, ctx), {
        ip: clientIp(c, ctx.config),
        userAgent: c.req.header('user-agent'),
      });
      signedIn(c, ctx, result);
      return c.redirect('/', 302);
    } catch (err) {
      if (!(err instanceof SsoLoginError)) throw err;
      return c.redirect(`/?ssoError=${encodeURIComponent(err.message)}`, 302);
    }
  });
}
