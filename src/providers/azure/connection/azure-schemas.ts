/**
 * The fields of an Azure connection: the scope its cost export covers (a billing account, a subscription or a
 * management group), the service principal that reads it (tenant ID, client ID and client secret; the secret goes
 * to the vault only) and where Cost Management delivers the export (storage account or blob endpoint, container,
 * directory, export name). Every rule runs before any call, and each failure names the field.
 */
import { z } from 'zod';
import { inputErrorOf, nameSchema } from '../../../accounts/account-schemas.js';

export const AZURE_TYPES = ['cost_export'] as const;
export type AzureType = (typeof AZURE_TYPES)[number];
export const AZURE_TYPE_LABELS: Record<AzureType, string> = {
  cost_export: 'Cost Management export in a storage account',
};

export const SCOPE_TYPES = ['billingAccount', 'subscription', 'managementGroup'] as const;
export type ScopeType = (typeof SCOPE_TYPES)[number];

export const EXPORT_DATASETS = ['focus', 'actual', 'amortized'] as const;
export type ExportDataset = (typeof EXPORT_DATASETS)[number];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const guid = (what: string) =>
  z
    .string()
    .trim()
    .refine((v) => GUID.test(v), `must be a GUID (the ${what}, e.g. 00000000-0000-0000-0000-000000000000)`)
    .transform((v) => v.toLowerCase());

const scopeIdSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine((v) => !v.startsWith('/'), 'must be the ID only, not an ARM path such as /subscriptions/…');

const httpsUrl = (example: string) =>
  z
    .string()
    .trim()
    .refine((v) => {
      try {
        const u = new URL(v);
        return u.protocol === 'https:' && u.search === '' && u.hash === '';
      } catch {
        return false;
      }
    }, `must be an https:// URL such as ${example}`)
    .transform((v) => v.replace(/\/+$/, ''));

const storageAccountSchema = z
  .string()
  .trim()
  .refine(
    (v) => /^[a-z0-9]{3,24}$/.test(v),
    'must be a storage account name: 3 to 24 lower-case letters and digits',
  );

const containerSchema = z
  .string()
  .trim()
  .refine(
    (v) => /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(v),
    'must be a container name: 3 to 63 lower-case letters, digits and single hyphens, beginning and ending with a letter or digit',
  );

const directorySchema = z
  .string()
  .trim()
  .refine((v) => !/^https?:\/\//i.test(v), 'must be the folder inside the container, not a URL')
  .refine((v) => v.length <= 1024, 'must be at most 1024 characters')
  .transform((v) => v.replace(/^\/+|\/+$/g, ''));

const exportNameSchema = z
  .string()
  .trim()
  .refine(
    (v) => /^[A-Za-z0-9_-]{3,64}$/.test(v),
    'must be the export name: 3 to 64 letters, digits, hyphens or underscores',
  );

/** The message never repeats the value: this field is a secret. */
const secretSchema = z
  .string()
  .min(8, 'is too short to be a client secret')
  .max(512, 'is too long to be a client secret')
  .refine((v) => v.trim() === v && !/\s/.test(v), 'must not contain spaces');

const fields = {
  name: nameSchema,
  provider: z.literal('azure', { message: 'must be "azure" for these fields' }),
  type: z.enum(AZURE_TYPES, { message: `must be one of ${AZURE_TYPES.join(', ')}` }).default('cost_export'),
  scopeType: z.enum(SCOPE_TYPES, { message: `must be one of ${SCOPE_TYPES.join(', ')}` }),
  scopeId: scopeIdSchema,
  tenantId: guid('directory (tenant) ID'),
  clientId: guid('application (client) ID of the app registration'),
  clientSecret: secretSchema,
  storageAccount: storageAccountSchema.optional(),
  blobEndpoint: httpsUrl('https://mystorage.blob.core.windows.net').optional(),
  container: containerSchema,
  directory: directorySchema.default(''),
  exportName: exportNameSchema,
  dataset: z.enum(EXPORT_DATASETS, { message: `must be one of ${EXPORT_DATASETS.join(', ')}` }).optional(),
  authorityHost: httpsUrl('https://login.microsoftonline.us').optional(),
};

function scopeRules(
  v: { scopeType?: ScopeType; scopeId?: string; storageAccount?: string; blobEndpoint?: string },
  ctx: z.RefinementCtx,
  create: boolean,
) {
  if (v.scopeType && v.scopeId && v.scopeType !== 'billingAccount' && v.scopeType !== 'managementGroup') {
    if (!GUID.test(v.scopeId))
      ctx.addIssue({ code: 'custom', path: ['scopeId'], message: 'must be the subscription ID (a GUID)' });
  }
  if (v.storageAccount !== undefined && v.blobEndpoint !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['blobEndpoint'],
      message: 'is given together with storageAccount: give one of them',
    });
  if (create && v.storageAccount === undefined && v.blobEndpoint === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['storageAccount'],
      message: 'is required (or blobEndpoint): the storage account the export writes to',
    });
}

/** The body of POST /api/v1/cloud-accounts for `provider: "azure"`. */
export const azureCreateSchema = z
  .object(fields)
  .strict()
  .superRefine((v, ctx) => scopeRules(v, ctx, true));

/** PATCH: any field but the type; the scope changes as a pair. */
export const azureUpdateSchema = z
  .object({
    name: nameSchema.optional(),
    enabled: z.boolean({ message: 'must be true or false' }).optional(),
    scopeType: fields.scopeType.optional(),
    scopeId: scopeIdSchema.optional(),
    tenantId: fields.tenantId.optional(),
    clientId: fields.clientId.optional(),
    clientSecret: secretSchema.optional(),
    storageAccount: storageAccountSchema.optional(),
    blobEndpoint: fields.blobEndpoint,
    container: containerSchema.optional(),
    directory: directorySchema.optional(),
    exportName: exportNameSchema.optional(),
    dataset: fields.dataset,
    authorityHost: fields.authorityHost,
  })
  .strict()
  .superRefine((v, ctx) => {
    if ((v.scopeType === undefined) !== (v.scopeId === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [v.scopeType === undefined ? 'scopeType' : 'scopeId'],
        message: 'is required together with ' + (v.scopeType === undefined ? 'scopeId' : 'scopeType'),
      });
    scopeRules(v, ctx, false);
  });

export type AzureCreateInput = z.output<typeof azureCreateSchema>;
export type AzureUpdateInput = z.output<typeof azureUpdateSchema>;

/** The stored document (no secret: the client secret is in the vault). Read leniently, like every document. */
const text = z.string().nullable().catch(null).default(null);
export const azureConnectionDocument = z.object({
  scopeType: z.enum(SCOPE_TYPES).catch('subscription').default('subscription'),
  scopeId: z.string().catch('').default(''),
  tenantId: z.string().catch('').default(''),
  clientId: z.string().catch('').default(''),
  /** The blob endpoint of the storage account (`https://NAME.blob.core.windows.net`). */
  blobEndpoint: z.string().catch('').default(''),
  container: z.string().catch('').default(''),
  directory: z.string().catch('').default(''),
  exportName: z.string().catch('').default(''),
  /** The export's dataset as the user named it (null: taken from the run's manifest). */
  dataset: z.enum(EXPORT_DATASETS).nullable().catch(null).default(null),
  authorityHost: text,
});
export type AzureConnectionDocument = z.output<typeof azureConnectionDocument>;

export function azureDocumentOf(connection: Record<string, unknown>): AzureConnectionDocument {
  const r = azureConnectionDocument.safeParse(connection);
  return r.success ? r.data : azureConnectionDocument.parse({});
}

export const blobEndpointOf = (v: { storageAccount?: string; blobEndpoint?: string }): string | undefined =>
  v.blobEndpoint ?? (v.storageAccount ? `https://${v.storageAccount}.blob.core.windows.net` : undefined);

/** The scope as ARM names it (what `az role assignment create --scope` takes). */
export function armScopeOf(doc: Pick<AzureConnectionDocument, 'scopeType' | 'scopeId'>): string {
  if (doc.scopeType === 'subscription') return `/subscriptions/${doc.scopeId}`;
  if (doc.scopeType === 'managementGroup')
    return `/providers/Microsoft.Management/managementGroups/${doc.scopeId}`;
  return `/providers/Microsoft.Billing/billingAccounts/${doc.scopeId}`;
}

export function parseAzureCreate(raw: unknown): AzureCreateInput {
  const r = azureCreateSchema.safeParse(raw);
  if (!r.success) throw inputErrorOf(r.error);
  return r.data;
}

export function parseAzureUpdate(raw: unknown): AzureUpdateInput {
  const r = azureUpdateSchema.safeParse(raw);
  if (!r.success) throw inputErrorOf(r.error);
  return r.data;
}
