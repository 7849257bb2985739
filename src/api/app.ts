import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { Context } from 'hono';
import type { AppContext } from '../app/context.js';
import type { Principal } from '../auth/permissions.js';
import {
  AppError,
  ERROR_MAP,
  errorKind,
  InputError,
  publicError,
  RateLimitError,
  TooLargeError,
} from '../lib/errors.js';
import {
  accessLogMiddleware,
  authenticationMiddleware,
  bootstrapGuard,
  queryBudgetMiddleware,
  requestIdMiddleware,
} from './middleware.js';
import { securityHeaders } from './security-headers.js';
import { recordRoute, type Api, type ApiEnv, type RouteRegistrar } from './route-kit.js';
import { registerAccountRoutes } from './routes/account-routes.js';
import { registerAllocationRoutes } from './routes/allocation-routes.js';
import { registerAnomalyRoutes } from './routes/anomaly-routes.js';
import { registerAuditRoutes } from './routes/audit-routes.js';
import { registerAuthRoutes } from './routes/auth-routes.js';
import { registerBackupRoutes } from './routes/backup-routes.js';
import { registerBudgetRoutes } from './routes/budget-routes.js';
import { registerCommitmentRoutes } from './routes/commitment-routes.js';
import { registerNotificationRoutes } from './routes/notification-routes.js';
import { registerAlertRuleRoutes } from './routes/alert-rule-routes.js';
import { registerCostRoutes } from './routes/cost-routes.js';
import { registerDimensionRoutes } from './routes/dimension-routes.js';
import { registerRecommendationRoutes } from './routes/recommendation-routes.js';
import { registerResourceRoutes } from './routes/resource-routes.js';
import { registerSavedViewRoutes } from './routes/saved-view-routes.js';
import { registerReportScheduleRoutes } from './routes/report-schedule-routes.js';
import { registerMcpEndpoint } from '../mcp/http-endpoint.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerInstanceRoutes } from './routes/instance-routes.js';
import { registerOrganizationRoutes } from './routes/organization-routes.js';
import { registerSetupRoutes } from './routes/setup-routes.js';
import { registerSyncRoutes } from './routes/sync-routes.js';
import { registerTokenRoutes } from './routes/token-routes.js';
import { registerSessionRoutes } from './routes/session-routes.js';
import { registerInvitationRoutes } from './routes/invitation-routes.js';
import { registerSsoRoutes } from './routes/sso-routes.js';

/** Every area's routes; one line per router file. */
const REGISTRARS: RouteRegistrar[] = [
  registerHealthRoutes,
  registerAuthRoutes,
  registerOrganizationRoutes,
  registerInstanceRoutes,
  registerTokenRoutes,
  registerSessionRoutes,
  registerInvitationRoutes,
  registerSsoRoutes,
  registerAuditRoutes,
  registerCostRoutes,
  registerDimensionRoutes,
  registerAnomalyRoutes,
  registerAccountRoutes,
  registerSetupRoutes,
  registerMcpEndpoint,
  registerSyncRoutes,
  registerResourceRoutes,
  registerRecommendationRoutes,
  registerBudgetRoutes,
  registerNotificationRoutes,
  registerAlertRuleRoutes,
  registerBackupRoutes,
  registerAllocationRoutes,
  registerSavedViewRoutes,
  registerReportScheduleRoutes,
  registerCommitmentRoutes,
];

type ZodIssueLike = { path: PropertyKey[]; message: string; code: string; keys?: string[] };

/** What a client calls the part of the request a validator target stands for. */
const TARGET_NAMES: Record<string, string> = { json: 'body', form: 'body', param: 'path', query: 'query' };

/** A zod failure as an InputError whose field is the dotted path of the first issue. */
export function inputErrorFromIssues(issues: readonly ZodIssueLike[], where: string): InputError {
  const list = issues.map((i) => {
    const base = i.path.map(String).join('.');
    if (i.code === 'unrecognized_keys' && i.keys?.length) {
      const field = [base, i.keys[0]].filter(Boolean).join('.');
      return {
        field,
        message: `${field}: unknown field (allowed fields are listed in the API docs at /api/docs)`,
      };
    }
    const field = base || (TARGET_NAMES[where] ?? where);
    return { field, message: `${field}: ${i.message}` };
  });
  return new InputError(list[0].field, list.map((l) => l.message).join('; '), list);
}

export function errorResponse(c: Context<ApiEnv>, err: unknown, log: AppContext['log']): Response {
  let error = err;
  if (err instanceof HTTPException) {
    if (err.status === 413) error = new TooLargeError('The request body is too large.');
    else if (err.status === 400)
      error = new InputError('body', `The request body is not valid JSON: ${err.message}`);
    else if (err.status === 415)
      error = new InputError('body', 'The request body must be JSON (Content-Type: application/json).');
    else {
      const requestId = c.get('requestId') ?? '';
      return c.json(
        { error: { code: `http_${err.status}`, message: err.message }, requestId },
        err.status as 400,
      );
    }
  }
  const kind = errorKind(error);
  const status = ERROR_MAP[kind].http;
  const requestId = c.get('requestId') ?? '';
  if (!(error instanceof AppError)) log.error({ err: error, requestId, path: c.req.path }, 'request failed');
  if (error instanceof RateLimitError) c.header('retry-after', String(error.retryAfterSeconds));
  return c.json({ error: publicError(error), requestId }, status as 400);
}

export interface ApiOptions {
  /**
   * Who calls when a request carries no credentials: only for the app run in-process by the CLI on a data
   * directory (whoever can open the database may act in it). A server never sets it.
   */
  localPrincipal?: () => Promise<Principal>;
}

export function createApi(ctx: AppContext, extra: RouteRegistrar[] = [], options: ApiOptions = {}): Api {
  const app: Api = new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (!result.success) throw inputErrorFromIssues(result.error.issues as ZodIssueLike[], result.target);
    },
  });
  app.onError((err, c) => errorResponse(c, err, ctx.log));
  app.notFound((c) =>
    c.json(
      {
        error: { code: 'not_found', message: `No route ${c.req.method} ${c.req.path}` },
        requestId: c.get('requestId') ?? '',
      },
      404,
    ),
  );
  app.use('*', requestIdMiddleware());
  app.use('*', securityHeaders(ctx.config));
  app.use('/api/*', accessLogMiddleware(ctx));
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: ctx.config.maxBodyBytes,
      onError: () => {
        throw new TooLargeError(`The request body is larger than ${ctx.config.maxBodyBytes} bytes.`);
      },
    }),
  );
  app.use('/api/*', queryBudgetMiddleware(ctx));
  app.use('/api/*', bootstrapGuard(ctx));
  app.use('/api/*', authenticationMiddleware(ctx));
  const { localPrincipal } = options;
  if (localPrincipal)
    app.use('/api/*', async (c, next) => {
      if (!c.get('principal') && !c.req.header('authorization')) c.set('principal', await localPrincipal());
      await next();
    });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'ct_session',
  });
  for (const register of [...REGISTRARS, ...extra]) register(app, ctx);
  for (const path of ['/api/docs', '/api/openapi.json']) {
    recordRoute('GET', path, 'public');
    app.get(path, (c) => c.json(apiDocument(app)));
  }
  return app;
}

/** The OpenAPI document of the app's routes: served at /api/docs, and the source of src/api-client/schema.ts. */
export function apiDocument(app: Api) {
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Cloudtally API',
      version: '1',
      description:
        'Cloud cost management for AWS. Authenticate with a session cookie or `Authorization: Bearer TOKEN`.',
    },
  });
}
