import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import { ACCOUNT_STATES } from '../../accounts/account-status.js';
import { RUN_STATES, STAGE_NAMES, TRIGGERS, type SyncRun } from '../../sync/sync-types.js';
import { DiagnosticSchema } from './account-routes.js';
import {
  defineRoute,
  ErrorSchema,
  errorResponses,
  jsonBody,
  jsonResponse,
  principalOf,
  type Api,
} from '../route-kit.js';

const ProgressSchema = z.object({
  done: z.number().optional(),
  total: z.number().optional(),
  message: z.string().optional(),
});

const StageSchema = z
  .object({
    name: z.enum(STAGE_NAMES),
    state: z.enum([
      'waiting',
      'running',
      'succeeded',
      'failed',
      'skipped',
      'not_ready',
      'cancelled',
      'interrupted',
    ]),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    durationMs: z.number().nullable(),
    tries: z.number().int(),
    counts: z.record(z.string(), z.number()),
    diagnostics: z.array(DiagnosticSchema),
    note: z.string().optional(),
    progress: ProgressSchema.optional(),
  })
  .openapi('SyncStage');

export const SyncRunSchema = z
  .object({
    id: z.string(),
    cloudAccountId: z.string(),
    trigger: z.enum(TRIGGERS),
    state: z.enum(RUN_STATES),
    stage: z.enum(STAGE_NAMES).nullable(),
    progress: ProgressSchema,
    stages: z.array(StageSchema),
    options: z.object({
      billingForce: z.boolean().optional(),
      memberAccountIds: z.array(z.string()).optional(),
    }),
    error: DiagnosticSchema.nullable(),
    queuedAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    attempts: z.number().int(),
    cancelRequested: z.boolean(),
    requestedBy: z.string().nullable(),
  })
  .openapi('SyncRun');

export const AccountSyncStatusSchema = z
  .object({
    state: z.enum(ACCOUNT_STATES),
    runId: z.string().nullable(),
    stage: z.enum(STAGE_NAMES).nullable(),
    progress: ProgressSchema.nullable(),
    failedStages: z.array(z.object({ stage: z.enum(STAGE_NAMES), diagnostics: z.array(DiagnosticSchema) })),
    diagnostics: z.array(DiagnosticSchema),
    message: z.string().nullable(),
    lastSyncAt: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    nextSyncAt: z.string().nullable(),
    dataFreshness: z.string().nullable(),
  })
  .openapi('AccountSyncStatus');

/** A run as clients see it (the worker's host and process stay internal). */
export function publicRun(run: SyncRun): z.infer<typeof SyncRunSchema> {
  return {
    id: run.id,
    cloudAccountId: run.cloudAccountId,
    trigger: run.trigger,
    state: run.state,
    stage: run.stage,
    progress: run.progress,
    stages: run.stages,
    options: run.options,
    error: run.error
      ? {
          code: run.error.code,
          message: run.error.message,
          remediation: run.error.remediation,
          ...(run.error.step ? { step: run.error.step } : {}),
          ...(run.error.key ? { key: run.error.key } : {}),
        }
      : null,
    queuedAt: run.queuedAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    attempts: run.attempts,
    cancelRequested: run.cancelRequested,
    requestedBy: run.requestedBy,
  };
}

const AccountParam = z.object({ id: z.string().min(1).openapi({ description: 'Cloud account ID' }) });
const RunParam = z.object({ id: z.string().min(1).openapi({ description: 'Sync run ID' }) });
const Interval = z.object({
  syncIntervalMinutes: z
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .nullable()
    .openapi({ description: 'Minutes between scheduled syncs; null falls back to the next level' }),
});

const trigger = defineRoute('sync:trigger', {
  method: 'post',
  path: '/api/v1/cloud-accounts/{id}/sync',
  tags: ['sync'],
  summary: 'Sync an account now',
  description:
    'Queues a run (validate → billing → inventory → metrics → recommendations). A run already queued for the account is joined (`joined: true`); while one runs, one queues behind it.',
  request: { params: AccountParam },
  responses: {
    202: jsonResponse(SyncRunSchema.extend({ joined: z.boolean() }), 'Queued (or joined)'),
    404: errorResponses[404],
    409: {
      description: 'The account is disabled',
      content: { 'application/json': { schema: ErrorSchema } },
    },
  },
});

const getRun = defineRoute('accounts:read', {
  method: 'get',
  path: '/api/v1/sync-runs/{id}',
  tags: ['sync'],
  summary: 'A sync run with its stages: outcome, timing, counts and diagnostics',
  request: { params: RunParam },
  responses: { 200: jsonResponse(SyncRunSchema, 'The run'), 404: errorResponses[404] },
});

const history = defineRoute('accounts:read', {
  method: 'get',
  path: '/api/v1/cloud-accounts/{id}/sync-runs',
  tags: ['sync'],
  summary: 'The sync runs of an account, newest first',
  request: {
    params: AccountParam,
    query: z.object({
      limit: z.coerce.number().int().min(1).max(200).default(20),
      before: z.string().datetime({ offset: true }).optional().openapi({
        description: 'Paging: the `nextBefore` of the previous page',
      }),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(SyncRunSchema), nextBefore: z.string().nullable() }),
      'Runs, newest first',
    ),
    404: errorResponses[404],
  },
});

const cancel = defineRoute('sync:trigger', {
  method: 'post',
  path: '/api/v1/sync-runs/{id}/cancel',
  tags: ['sync'],
  summary: 'Cancel a sync run',
  description:
    'A queued run is cancelled at once; a running one is aborted (its AWS calls in flight included) and ends `cancelled` shortly after. The data of stages that finished is kept.',
  request: { params: RunParam },
  responses: {
    200: jsonResponse(SyncRunSchema, 'The run, cancelled or with cancelRequested'),
    404: errorResponses[404],
    409: {
      description: 'The run already finished',
      content: { 'application/json': { schema: ErrorSchema } },
    },
  },
});

const status = defineRoute('accounts:read', {
  method: 'get',
  path: '/api/v1/cloud-accounts/{id}/sync-status',
  tags: ['sync'],
  summary: 'The sync status of one account (the same object as `status` in the account list)',
  request: { params: AccountParam },
  responses: { 200: jsonResponse(AccountSyncStatusSchema, 'Status'), 404: errorResponses[404] },
});

const readSettings = defineRoute('accounts:read', {
  method: 'get',
  path: '/api/v1/sync-settings',
  tags: ['sync'],
  summary: "The organization's sync schedule",
  responses: {
    200: jsonResponse(
      Interval.extend({ defaultIntervalMinutes: z.number().int() }),
      'The organization interval (null: the server default) and the server default',
    ),
  },
});

const writeSettings = defineRoute('org:manage', {
  method: 'patch',
  path: '/api/v1/sync-settings',
  tags: ['sync'],
  summary: "Change the organization's sync interval (accounts without their own follow it)",
  request: { body: jsonBody(Interval.strict()) },
  responses: {
    200: jsonResponse(Interval.extend({ defaultIntervalMinutes: z.number().int() }), 'Saved'),
    400: errorResponses[400],
  },
});

const accountSettings = defineRoute('accounts:write', {
  method: 'patch',
  path: '/api/v1/cloud-accounts/{id}/sync-settings',
  tags: ['sync'],
  summary: "Change one account's sync interval (null: follow the organization)",
  request: { params: AccountParam, body: jsonBody(Interval.strict()) },
  responses: {
    200: jsonResponse(AccountSyncStatusSchema, 'The account status with its new next sync'),
    400: errorResponses[400],
    404: errorResponses[404],
  },
});

export function registerSyncRoutes(app: Api, ctx: AppContext): void {
  const actorOf = (p: { userId: string; email: string }) => ({ userId: p.userId, email: p.email });
  // The CLI's local operator on a data directory is no user: its runs are the system's, like a schedule's.
  const requesterOf = (p: { userId: string; email: string }) => (p.userId ? actorOf(p) : null);

  app.openapi(trigger, async (c) => {
    const p = principalOf(c);
    const { run, joined } = await ctx.sync.trigger({
      orgId: p.orgId,
      accountId: c.req.valid('param').id,
      trigger: 'manual',
      actor: requesterOf(p),
    });
    return c.json({ ...publicRun(run), joined }, 202);
  });

  app.openapi(getRun, async (c) => {
    const run = await ctx.sync.getRun(principalOf(c).orgId, c.req.valid('param').id);
    return c.json(publicRun(run), 200);
  });

  app.openapi(history, async (c) => {
    const { limit, before } = c.req.valid('query');
    const items = await ctx.sync.listRuns(principalOf(c).orgId, c.req.valid('param').id, { limit, before });
    const nextBefore = items.length === limit ? items[items.length - 1].queuedAt : null;
    return c.json({ items: items.map(publicRun), nextBefore }, 200);
  });

  app.openapi(cancel, async (c) => {
    const p = principalOf(c);
    const run = await ctx.sync.cancel(p.orgId, c.req.valid('param').id, requesterOf(p));
    return c.json(publicRun(run), 200);
  });

  app.openapi(status, async (c) => {
    return c.json(await ctx.sync.accountStatus(principalOf(c).orgId, c.req.valid('param').id), 200);
  });

  app.openapi(readSettings, async (c) => {
    return c.json(
      {
        syncIntervalMinutes: await ctx.sync.organizationInterval(principalOf(c).orgId),
        defaultIntervalMinutes: ctx.config.syncIntervalMinutes,
      },
      200,
    );
  });

  app.openapi(writeSettings, async (c) => {
    const p = principalOf(c);
    const { syncIntervalMinutes } = c.req.valid('json');
    await ctx.sync.setOrganizationInterval(p.orgId, syncIntervalMinutes, actorOf(p));
    return c.json({ syncIntervalMinutes, defaultIntervalMinutes: ctx.config.syncIntervalMinutes }, 200);
  });

  app.openapi(accountSettings, async (c) => {
    const p = principalOf(c);
    const { id } = c.req.valid('param');
    await ctx.sync.setAccountInterval(p.orgId, id, c.req.valid('json').syncIntervalMinutes, actorOf(p));
    return c.json(await ctx.sync.accountStatus(p.orgId, id), 200);
  });
}
