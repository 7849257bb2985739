import { getCookie } from 'hono/cookie';
import type { MiddlewareHandler } from 'hono';
import type { AppContext } from '../app/context.js';
import { timingSafeEqual } from 'node:crypto';
import { UnavailableError } from '../lib/errors.js';
import { randomToken } from '../lib/ids.js';
import { withQueryBudget } from '../store/query-budget.js';
import type { ApiEnv } from './route-kit.js';

export const SESSION_COOKIE = 'ct_session';
export const CSRF_HEADER = 'x-csrf-token';

function sameSecret(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function requestIdMiddleware(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomToken(9);
    c.set('requestId', id);
    c.header('x-request-id', id);
    await next();
  };
}

export function accessLogMiddleware(ctx: AppContext): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    ctx.log.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
        userId: c.get('principal')?.userId,
      },
      'request',
    );
  };
}

/**
 * Resolves the caller from `Authorization: Bearer` (API tokens) or the session cookie. Cookie-authenticated
 * mutations must echo the session's CSRF token in a header, which a cross-site form cannot do; without it the
 * caller stays anonymous and routes that need one answer 403.
 */
export function authenticationMiddleware(ctx: AppContext): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header?.toLowerCase().startsWith('bearer ')) {
      const principal = await ctx.auth.authenticateToken(header.slice(7).trim());
      // Not thrown here: public routes (health, signing in) answer whatever token comes along.
      if (principal) c.set('principal', principal);
      else c.set('tokenRejected', true);
    } else {
      const token = getCookie(c, SESSION_COOKIE);
      if (token) {
        const session = await ctx.auth.authenticateSession(token);
        if (session) {
          const mutating = !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method);
          if (mutating && !sameSecret(c.req.header(CSRF_HEADER), session.csrfToken)) {
            // Not thrown here: a public route (signing in again with a stale cookie) must still work.
            c.set('csrfRejected', true);
          } else {
            c.set('principal', session.principal);
            c.set('sessionToken', token);
            c.set('csrfToken', session.csrfToken);
          }
        }
      }
    }
    await next();
  };
}

/**
 * Bounds every database statement of a read request (GET, HEAD) by the query budget (`queryTimeoutMs`); a
 * statement past it is stopped and the request answers 503. Writes are not bounded: they may start background
 * work (a sync) that must not inherit a request's budget.
 */
export function queryBudgetMiddleware(ctx: AppContext): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD')
      await withQueryBudget(ctx.config.queryTimeoutMs, next);
    else await next();
  };
}

/** Until an organization exists only health answers: the first user is created with `cloudtally users create`. */
export function bootstrapGuard(ctx: AppContext): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (c.req.path !== '/api/v1/health' && !(await ctx.auth.hasOrganization())) {
      throw new UnavailableError(
        'Cloudtally has no organization yet. Create the first user: cloudtally users create --org NAME --email E --role manager',
      );
    }
    await next();
  };
}
