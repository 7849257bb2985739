import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../app/context.js';
import { bucketSchema, prefixSchema, roleNameSchema } from '../../providers/aws/connection/aws-schemas.js';
import { SCOPE_TYPES } from '../../providers/azure/connection/azure-schemas.js';
import { azureSetup } from '../../providers/azure/connection/setup-help.js';
import { defineRoute, errorResponses, jsonResponse, principalOf, type Api } from '../route-kit.js';
import { actorOf } from './account-routes.js';

const Policy = z.object({ Version: z.string(), Statement: z.array(z.record(z.string(), z.unknown())) });

const SetupSchema = z
  .object({
    principal: z.object({
      arn: z.string().nullable(),
      accountId: z.string().nullable(),
      source: z.enum(['config']).nullable(),
      note: z.string().optional(),
    }),
    externalId: z.string(),
    externalIdRotatedAt: z.string().nullable(),
    trustPolicy: Policy,
    permissionPolicies: z.object({
      assumed_role: Policy,
      root: Policy,
      linked: Policy,
      cost_explorer: Policy,
    }),
    cloudFormation: z.object({
      assumed_role: z.record(z.string(), z.unknown()),
      linked: z.record(z.string(), z.unknown()),
      cost_explorer: z.record(z.string(), z.unknown()),
    }),
    notes: z.array(z.string()),
  })
  .openapi('AwsSetup');

const setup = defineRoute('accounts:read', {
  method: 'get',
  path: '/api/v1/setup/aws',
  tags: ['setup'],
  summary:
    "What to create in AWS: Cloudtally's principal, the organization's external ID, the trust policy, least-privilege policies per connection type and a CloudFormation template",
  request: {
    query: z.object({
      bucket: bucketSchema.optional().openapi({ description: 'Billing bucket to fill into the policies' }),
      prefix: prefixSchema.optional(),
      roleName: roleNameSchema.optional(),
    }),
  },
  responses: { 200: jsonResponse(SetupSchema, 'Setup'), 400: errorResponses[400] },
});

const rotate = defineRoute('org:manage', {
  method: 'post',
  path: '/api/v1/setup/aws/external-id/rotate',
  tags: ['setup'],
  summary:
    'Rotate the external ID; every role Cloudtally assumes must then be updated (the answer lists them)',
  responses: {
    200: jsonResponse(
      z.object({
        externalId: z.string(),
        rotatedAt: z.string(),
        warning: z.string(),
        affected: z.array(z.object({ id: z.string(), name: z.string(), roleArn: z.string() })),
      }),
      'Rotated',
    ),
    403: errorResponses[403],
  },
});

const AzureSetupSchema = z
  .object({
    roles: z.array(z.object({ role: z.string(), scope: z.string(), why: z.string() })),
    commands: z
      .array(z.string())
      .openapi({ description: '`az` commands that create the principal and its roles' }),
    bicep: z.object({
      files: z.array(z.object({ name: z.string(), content: z.string() })).openapi({
        description: 'The role assignments as Bicep: the template of the scope and its storage module',
      }),
      deploy: z.array(z.string()).openapi({ description: '`az` commands that deploy the template' }),
      note: z.string().optional(),
    }),
  })
  .openapi('AzureSetup');

/** Values filled into commands and the template: identifiers only (no quotes, spaces or shell characters). */
const azureValue = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._:()-]{1,200}$/, `must be a ${what}: letters, digits and . _ : ( ) -`)
    .optional();

const azureSetupRoute = defineRoute('accounts:read', {
  method: 'get',
  path: '/api/v1/setup/azure',
  tags: ['setup'],
  summary:
    "What to create in Azure: the service principal's role assignments (Cost Management Reader and Reader on the scope, Storage Blob Data Reader on the container), the `az` commands and a Bicep template, with the given values filled in",
  request: {
    query: z.object({
      scopeType: z.enum(SCOPE_TYPES).optional(),
      scopeId: azureValue('scope ID'),
      clientId: azureValue('application (client) ID'),
      storageAccount: azureValue('storage account name'),
      resourceGroup: azureValue('resource group name'),
      storageSubscriptionId: azureValue('subscription ID'),
      container: azureValue('container name'),
    }),
  },
  responses: { 200: jsonResponse(AzureSetupSchema, 'Setup'), 400: errorResponses[400] },
});

export function registerSetupRoutes(app: Api, ctx: AppContext): void {
  app.openapi(setup, async (c) => {
    const q = c.req.valid('query');
    return c.json(await ctx.awsSetup.setup(principalOf(c).orgId, q), 200);
  });
  app.openapi(azureSetupRoute, (c) => c.json(azureSetup(c.req.valid('query')), 200));
  app.openapi(rotate, async (c) => c.json(await ctx.awsSetup.rotateExternalId(actorOf(c)), 200));
}
