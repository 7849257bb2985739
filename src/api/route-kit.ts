import { createRoute, OpenAPIHono, z, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { AppContext } from '../app/context.js';
import { can, ACTION_REASONS, type Action, type Principal } from '../auth/permissions.js';
import { PermissionError, UnauthenticatedError } from '../lib/errors.js';

export type ApiEnv = {
  Variables: {
    requestId: string;
    principal?: Principal;
    sessionToken?: string;
    csrfToken?: string;
  };
};

export type Api = OpenAPIHono<ApiEnv>;

/** Who may call a route: anyone, any signed-in member, or holders of an action. */
export type Access = 'public' | 'member' | Action;

export interface RegisteredRoute {
  method: string;
  path: string;
  access: Access;
}

/** Every route, with its access rule; the permission-matrix test reads this so that no route goes unlisted. */
export const routeRegistry: RegisteredRoute[] = [];

function authorize(access: Access): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (access !== 'public') {
      const principal = c.get('principal');
      if (!principal) throw new UnauthenticatedError();
      if (access !== 'member' && !can(principal, access)) throw new PermissionError(ACTION_REASONS[access]);
    }
    await next();
  };
}

/** createRoute plus the access rule, enforced by a middleware on the route and recorded in the registry. */
export function defineRoute<R extends Omit<RouteConfig, 'middleware'>>(access: Access, config: R) {
  const openapiPath = config.path;
  const path = openapiPath.replace(/\{(\w+)\}/g, ':$1');
  if (!routeRegistry.some((r) => r.method === config.method.toUpperCase() && r.path === path)) {
    routeRegistry.push({ method: config.method.toUpperCase(), path, access });
  }
  const security: Record<string, string[]>[] = access === 'public' ? [] : [{ bearer: [] }, { session: [] }];
  return createRoute({ ...config, middleware: [authorize(access)] as const, security });
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
