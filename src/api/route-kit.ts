import { createRoute, OpenAPIHono, z, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { AppContext } from '../app/context.js';
import { can, ACTION_REASONS, type Action, type Principal } from '../auth/permissions.js';
import { InputError, PermissionError, UnauthenticatedError } from '../lib/errors.js';

export type ApiEnv = {
  Variables: {
    requestId: string;
    principal?: Principal;
    sessionToken?: string;
    csrfToken?: string;
    /** A valid session cookie came without its CSRF header: routes that need a caller refuse it. */
    csrfRejected?: boolean;
    /** A bearer token came that is not (or no longer) a valid API token: the 401 says so. */
    tokenRejected?: boolean;
  };
};

export type Api = OpenAPIHono<ApiEnv>;

/** Who may call a route: anyone, any signed-in member, or holders of an action. */
export type Access = 'public' | 'member' | Action;

export interface RegisteredRoute {
  method: string;
  /** Hono form, `:param` for path parameters. */
  path: string;
  access: Access;
  /** Whether the route changes anything: a read-only token is refused on the routes that do. */
  writes: boolean;
  /** The declared responses, so that tests can check answers against their schemas. */
  responses: RouteConfig['responses'];
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Every route, with its access rule; the permission-matrix test reads this so that no route goes unlisted. */
export const routeRegistry: RegisteredRoute[] = [];

/** Records a route that is not built with defineRoute (e.g. the OpenAPI document) so that it is still listed. */
export function recordRoute(
  method: string,
  path: string,
  access: Access,
  responses: RouteConfig['responses'] = {},
  writes = !READ_METHODS.has(method.toUpperCase()),
) {
  const m = method.toUpperCase();
  if (!routeRegistry.some((r) => r.method === m && r.path === path))
    routeRegistry.push({ method: m, path, access, writes, responses });
}

const TOKEN_REJECTED =
  'The API token is invalid or revoked. Create a new one (cloudtally tokens create, or POST /api/v1/tokens when signed in) and send it as Authorization: Bearer TOKEN.';

export const READ_ONLY_REFUSED =
  'This API token is read-only: it may read, but not change anything. Use a token without the read-only scope.';

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * Enforces the access rule, then (for routes that declare a required body) a JSON content type: the validator
 * treats a body sent without one as `{}`, which would let an empty PATCH through as a no-op change. Access comes
 * first, so that a caller without the right learns nothing from the input rules.
 */
function guard(access: Access, needsJsonBody: boolean, writes: boolean): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (access !== 'public') {
      if (c.get('csrfRejected')) {
        throw new PermissionError(
          'This request needs the x-csrf-token header of the session (CSRF protection).',
        );
      }
      const principal = c.get('principal');
      if (!principal) throw new UnauthenticatedError(c.get('tokenRejected') ? TOKEN_REJECTED : undefined);
      if (principal.readOnly && writes) throw new PermissionError(READ_ONLY_REFUSED);
      if (access !== 'member' && !can(principal, access)) throw new PermissionError(ACTION_REASONS[access]);
    }
    if (needsJsonBody) {
      const type = (c.req.header('content-type') ?? '').split(';')[0].trim();
      if (!JSON_MEDIA_TYPE.test(type)) {
        throw new InputError(
          'body',
          type
            ? `The request body must be JSON (Content-Type: application/json), not ${type}.`
            : 'This request needs a JSON body with Content-Type: application/json.',
        );
      }
    }
    await next();
  };
}

export interface RouteOptions {
  /**
   * Whether the route changes anything (default: every method but GET, HEAD and OPTIONS). A POST that only
   * computes an answer, such as a preview, says `writes: false` so that read-only tokens may call it.
   */
  writes?: boolean;
}

/** createRoute plus the access rule, enforced by a middleware on the route and recorded in the registry. */
export function defineRoute<R extends Omit<RouteConfig, 'middleware'>>(
  access: Access,
  config: R,
  options: RouteOptions = {},
) {
  const writes = options.writes ?? !READ_METHODS.has(config.method.toUpperCase());
  recordRoute(config.method, config.path.replace(/\{(\w+)\}/g, ':$1'), access, config.responses, writes);
  const security: Record<string, string[]>[] = access === 'public' ? [] : [{ bearer: [] }, { session: [] }];
  const needsJsonBody = Boolean(
    (config.request as { body?: { required?: boolean } } | undefined)?.body?.required,
  );
  return createRoute({ ...config, middleware: [guard(access, needsJsonBody, writes)] as const, security });
}

export function principalOf(c: { get(key: 'principal'): Principal | undefined }): Principal {
  const p = c.get('principal');
  if (!p) throw new UnauthenticatedError();
  return p;
}

/** Shared schemas. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      field: z.string().optional(),
      issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
      diagnostic: z.record(z.string(), z.unknown()).optional(),
      diagnostics: z.array(z.record(z.string(), z.unknown())).optional(),
    }),
    requestId: z.string(),
  })
  .openapi('Error');

export const errorResponses = {
  400: {
    description: 'Invalid input; `error.field` names the field',
    content: { 'application/json': { schema: ErrorSchema } },
  },
  401: { description: 'Not signed in', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'Not allowed for this role', content: { 'application/json': { schema: ErrorSchema } } },
  404: {
    description: 'Not found in this organization',
    content: { 'application/json': { schema: ErrorSchema } },
  },
} as const;

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { content: { 'application/json': { schema } }, required: true } as const;
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } } as const;
}

export type RouteRegistrar = (app: Api, ctx: AppContext) => void;
