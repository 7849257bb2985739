import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppContext } from '../../app/context.js';
import type { Actor } from '../../accounts/account-service.js';
import { PROVIDER_IDS } from '../../accounts/account-schemas.js';
import { EXPORT_TYPES, MEMBER_IMPORT } from '../../providers/aws/connection/aws-schemas.js';
import { PROVIDERS } from '../../providers/registry.js';
import {
  defineRoute,
  errorResponses,
  ErrorSchema,
  jsonBody,
  jsonResponse,
  principalOf,
  type Api,
  type ApiEnv,
} from '../route-kit.js';

export const DiagnosticSchema = z
  .object({
    code: z.string(),
    message: z.string(),
    remediation: z.string(),
    step: z.string().optional(),
    key: z.string().optional(),
  })
  .openapi('Diagnostic');

export const ValidationReportSchema = z
  .object({
    ok: z.boolean(),
    checkedAt: z.string(),
    steps: z.array(
      z.object({
        step: z.string().openapi({
          description:
            "One of the provider's validation steps (AWS: credentials, identity, bucket, export, discovery, organizations, cost_explorer)",
        }),
        state: z.enum(['pass', 'fail', 'skipped']),
        code: z.string(),
        message: z.string(),
        remediation: z.string().optional(),
        diagnostics: z.array(DiagnosticSchema).optional(),
        details: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
  })
  .openapi('ValidationReport');

export const MemberAccountSchema = z
  .object({
    awsAccountId: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    awsStatus: z.string().nullable(),
    joinedAt: z.string().nullable(),
    discoveredAt: z.string(),
    connected: z.boolean(),
    cloudAccountId: z.string().nullable(),
    costs: z.enum(['imported', 'not_imported', 'import_pending', 'removal_pending', 'none']).openapi({
      description:
        "Where the member's costs stand in the payer's latest bill: in the totals, left out (not connected), waiting for the payer's re-import after a connect or a removal, or not billed",
    }),
  })
  .openapi('MemberAccount');

export const CloudAccountSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    provider: z.enum(PROVIDER_IDS),
    type: z.string().openapi({
      description: `The kind of connection: ${PROVIDERS.map((p) => `${p.id}: ${p.connection.kinds.map((k) => k.type).join(', ')}`).join('; ')}`,
    }),
    awsAccountId: z
      .string()
      .nullable()
      .openapi({ description: "The account's ID in its cloud (AWS account ID, Azure subscription ID)" }),
    roleName: z.string().nullable().optional(),
    roleArn: z.string().nullable().optional(),
    accessKeyId: z
      .string()
      .nullable()
      .optional()
      .openapi({ description: 'A hint (AKIA…WXYZ); the key itself is never returned' }),
    exportType: z.enum(EXPORT_TYPES).nullable().optional(),
    exportName: z.string().nullable().optional(),
    bucket: z.string().nullable().optional(),
    prefix: z.string().nullable().optional(),
    exportRegion: z.string().nullable().optional(),
    edp: z.boolean().optional(),
    memberImport: z.enum(MEMBER_IMPORT).optional(),
    payerAccountId: z.string().nullable().optional(),
    endpoint: z
      .string()
      .optional()
      .openapi({ description: 'FOCUS: the S3-compatible endpoint the export is read from' }),
    region: z.string().optional().openapi({ description: "FOCUS: the bucket's region" }),
    billingAccountId: z
      .string()
      .nullable()
      .optional()
      .openapi({ description: 'FOCUS: the billing account the export covers, when given' }),
    parentId: z.string().nullable(),
    enabled: z.boolean(),
    syncIntervalMinutes: z.number().int().nullable().openapi({
      description:
        "The account's own minutes between scheduled syncs; null: it follows the organization's schedule (`PATCH /api/v1/cloud-accounts/{id}/sync-settings` changes it)",
    }),
    status: z.object({
      state: z.enum(['healthy', 'syncing', 'degraded', 'failed', 'pending', 'disabled']),
      stage: z.string().nullable().optional(),
      progress: z.record(z.string(), z.unknown()).nullable().optional(),
      message: z.string().nullable().optional(),
      runId: z.string().nullable().optional(),
      failedStages: z
        .array(z.object({ stage: z.string(), diagnostics: z.array(DiagnosticSchema) }))
        .optional()
        .openapi({ description: 'degraded: which stages of the last run failed and why' }),
      lastSyncAt: z.string().nullable(),
      lastAttemptAt: z.string().nullable(),
      nextSyncAt: z.string().nullable(),
      dataFreshness: z.string().nullable(),
      diagnostics: z.array(DiagnosticSchema),
    }),
    validation: ValidationReportSchema.nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    members: z.array(MemberAccountSchema).optional(),
    notImported: z
      .object({
        billingPeriod: z.string(),
        accounts: z.number(),
        cost: z.number().nullable(),
        currency: z.string().nullable(),
        list: z
          .array(
            z.object({
              awsAccountId: z.string(),
              name: z.string().nullable(),
              rows: z.number(),
              cost: z.number().nullable(),
              currency: z.string().nullable(),
            }),
          )
          .openapi({ description: 'The accounts counted in `accounts`, with their cost in the period' }),
        importPending: z.number().openapi({
          description:
            "Members connected since the period was loaded; the payer's queued re-import adds them",
        }),
        detail: z.record(z.string(), z.unknown()),
      })
      .nullable()
      .optional(),
  })
  .openapi('CloudAccount');

/**
 * The body of POST /api/v1/cloud-accounts: `provider` (default `aws`) and that provider's connection fields. Each
 * provider's connector parses the rest with its own rules and names the field that breaks one.
 */
const CreateRequestSchema = z
  .object({
    provider: z.enum(PROVIDER_IDS).optional().openapi({ description: 'The cloud; `aws` when left out' }),
    name: z.string().optional(),
    type: z.string().optional().openapi({ description: "The kind of connection, one of the provider's" }),
  })
  .passthrough()
  .openapi('CloudAccountCreate', {
    description:
      'AWS: type, awsAccountId, roleName or roleArn, accessKeyId + secretAccessKey, exportType, exportName, bucket, prefix, exportRegion, edp, memberImport, payerAccountId. FOCUS (provider "focus", type "s3"): name, endpoint (omit for AWS S3), region, bucket, prefix, accessKeyId + secretAccessKey (an HMAC key for Google Cloud Storage), billingAccountId.',
  });

const UpdateRequestSchema = z
  .object({
    name: z.string().optional(),
    enabled: z.boolean().optional(),
  })
  .passthrough()
  .openapi('CloudAccountUpdate', {
    description: "Any editable field of the account's provider; `enabled` turns syncing off and on.",
  });

const idParam = z.object({ id: z.string().min(1).max(100) });
const connectionProblem = {
  description:
    'The credentials or the account ID failed validation (steps 1–2); `error.diagnostics` says what to fix',
  content: { 'application/json': { schema: ErrorSchema } },
} as const;
const conflict = {
  description: 'The AWS account is already connected in this organization',
  content: { 'application/json': { schema: ErrorSchema } },
} as const;

const list = defineRoute('accounts:read', {
  method: 'get',
  path: '/api/v1/cloud-accounts',
  tags: ['cloud accounts'],
  summary: 'Cloud accounts of the organization, with status; payers include their member accounts',
  responses: { 200: jsonResponse(z.object({ items: z.array(CloudAccountSchema) }), 'Accounts') },
});

const create = defineRoute('accounts:write', {
  method: 'post',
  path: '/api/v1/cloud-accounts',
  tags: ['cloud accounts'],
  summary: 'Connect a cloud account (validated first; refused when the credentials or the account ID fail)',
  request: { body: jsonBody(CreateRequestSchema) },
  responses: {
    201: jsonResponse(
      CloudAccountSchema,
      'Connected; `validation` holds the report (later steps may have failed)',
    ),
    400: errorResponses[400],
    403: errorResponses[403],
    409: conflict,
    422: connectionProblem,
  },
});

const get = defineRoute('accounts:read', {
  method: 'get',
  path: '/api/v1/cloud-accounts/{id}',
  tags: ['cloud accounts'],
  summary: 'One cloud account',
  request: { params: idParam },
  responses: { 200: jsonResponse(CloudAccountSchema, 'Account'), 404: errorResponses[404] },
});

const update = defineRoute('accounts:write', {
  method: 'patch',
  path: '/api/v1/cloud-accounts/{id}',
  tags: ['cloud accounts'],
  summary: 'Edit an account (re-validated when the connection changes); `enabled` turns syncing off and on',
  request: { params: idParam, body: jsonBody(UpdateRequestSchema) },
  responses: {
    200: jsonResponse(CloudAccountSchema, 'Updated'),
    400: errorResponses[400],
    404: errorResponses[404],
    422: connectionProblem,
  },
});

const remove = defineRoute('accounts:write', {
  method: 'delete',
  path: '/api/v1/cloud-accounts/{id}',
  tags: ['cloud accounts'],
  summary: 'Remove an account with its imported data and secrets; needs ?confirm=true',
  request: {
    params: idParam,
    query: z.object({ confirm: z.enum(['true', 'false', '1', '0']).optional() }),
  },
  responses: {
    200: jsonResponse(
      z.object({ id: z.string(), removed: z.record(z.string(), z.number()) }),
      'Removed; the rows deleted per table',
    ),
    400: { description: 'Confirmation missing', content: { 'application/json': { schema: ErrorSchema } } },
    404: errorResponses[404],
  },
});

const validate = defineRoute('sync:trigger', {
  method: 'post',
  path: '/api/v1/cloud-accounts/{id}/validate',
  tags: ['cloud accounts'],
  summary: 'Check the connection step by step; each step passes, fails (with what to fix) or is skipped',
  request: { params: idParam },
  responses: {
    200: jsonResponse(
      z.object({ account: CloudAccountSchema, validation: ValidationReportSchema }),
      'The report (also stored on the account)',
    ),
    404: errorResponses[404],
  },
});

const members = defineRoute('accounts:read', {
  method: 'get',
  path: '/api/v1/cloud-accounts/{id}/members',
  tags: ['cloud accounts'],
  summary: "Member accounts the payer's AWS Organization lists, connected or not",
  request: { params: idParam },
  responses: {
    200: jsonResponse(z.object({ items: z.array(MemberAccountSchema) }), 'Members'),
    404: errorResponses[404],
  },
});

export function actorOf(c: Context<ApiEnv>): Actor {
  const p = principalOf(c);
  return {
    orgId: p.orgId,
    // The CLI's local operator on a data directory is no user: the audit log names it alone.
    userId: p.userId || null,
    actor: p.via === 'token' ? `${p.email} (API token)` : p.email,
    requestId: c.get('requestId'),
  };
}

async function confirmedInBody(c: Context<ApiEnv>): Promise<boolean> {
  if (!(c.req.header('content-type') ?? '').includes('json')) return false;
  try {
    const body = (await c.req.json()) as { confirm?: unknown };
    return body?.confirm === true;
  } catch {
    return false;
  }
}

export function registerAccountRoutes(app: Api, ctx: AppContext): void {
  app.openapi(list, async (c) => c.json({ items: await ctx.accounts.list(principalOf(c).orgId) }, 200));

  app.openapi(create, async (c) => {
    const { account } = await ctx.accounts.create(actorOf(c), c.req.valid('json'), c.req.raw.signal);
    return c.json(account, 201);
  });

  app.openapi(get, async (c) =>
    c.json(await ctx.accounts.get(principalOf(c).orgId, c.req.valid('param').id), 200),
  );

  app.openapi(update, async (c) => {
    const { account } = await ctx.accounts.update(
      actorOf(c),
      c.req.valid('param').id,
      c.req.valid('json'),
      c.req.raw.signal,
    );
    return c.json(account, 200);
  });

  app.openapi(remove, async (c) => {
    const q = c.req.valid('query').confirm;
    const confirm = q === 'true' || q === '1' || (await confirmedInBody(c));
    return c.json(await ctx.accounts.remove(actorOf(c), c.req.valid('param').id, { confirm }), 200);
  });

  app.openapi(validate, async (c) =>
    c.json(
      await ctx.accounts.validate(principalOf(c).orgId, c.req.valid('param').id, c.req.raw.signal, {
        routine: false,
      }),
      200,
    ),
  );

  app.openapi(members, async (c) =>
    c.json({ items: await ctx.accounts.members(principalOf(c).orgId, c.req.valid('param').id) }, 200),
  );
}
