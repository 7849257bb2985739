/**
 * The fields of a FOCUS export connection: where the files are (an S3-compatible bucket: AWS S3, Google Cloud
 * Storage's XML API with HMAC keys, Oracle Cloud, R2, MinIO, Ceph) and the key that reads them. Every rule runs
 * before any call, and each failure names the field.
 */
import { z } from 'zod';
import { inputErrorOf, nameSchema } from '../../../accounts/account-schemas.js';

export const FOCUS_TYPES = ['s3'] as const;
export type FocusType = (typeof FOCUS_TYPES)[number];

export const FOCUS_TYPE_LABELS: Record<FocusType, string> = {
  s3: 'FOCUS export in an S3-compatible bucket',
};

const endpointSchema = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.pathname.replace(/\/+$/, '') === '';
    } catch {
      return false;
    }
  }, 'must be the service URL only, e.g. https://storage.googleapis.com (no bucket or path)')
  .transform((v) => v.replace(/\/+$/, ''));

const bucketSchema = z
  .string()
  .trim()
  .refine(
    (v) => !/^s3:\/\//i.test(v) && !v.includes('/'),
    'must be the bucket name only, without s3:// or a path',
  )
  .refine(
    (v) => /^[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]$/.test(v),
    'must be 3 to 222 lower-case letters, digits, dots, hyphens or underscores, beginning and ending with a letter or digit',
  );

const prefixSchema = z
  .string()
  .trim()
  .refine((v) => !v.startsWith('/'), 'must not begin with "/" (write "focus", not "/focus")')
  .refine((v) => !/^s3:\/\//i.test(v), 'must be the path inside the bucket only, without s3://bucket')
  .refine((v) => v.length <= 1024, 'must be at most 1024 characters')
  .transform((v) => v.replace(/\/+$/, ''));

const regionSchema = z
  .string()
  .trim()
  .refine((v) => /^[a-z0-9-]{2,32}$/.test(v), 'must be a region code such as us-east-1, auto or us-central1');

const accessKeyIdSchema = z
  .string()
  .trim()
  .refine(
    (v) => /^[A-Za-z0-9+/=_-]{8,128}$/.test(v),
    'must be an access key ID (HMAC key ID): 8 to 128 letters and digits',
  );

/** The message never repeats the value: this field is a secret. */
const secretSchema = z
  .string()
  .trim()
  .min(8, 'is too short to be a secret key')
  .max(256, 'is too long to be a secret key')
  .refine((v) => !/\s/.test(v), 'must not contain spaces');

/** Each field's own rule, for a form that checks a field as it is left (the web connect page). */
export const FOCUS_FIELD_SCHEMAS = {
  endpoint: endpointSchema,
  region: regionSchema,
  bucket: bucketSchema,
  prefix: prefixSchema,
  accessKeyId: accessKeyIdSchema,
  secretAccessKey: secretSchema,
} as const;

const fields = {
  name: nameSchema,
  provider: z.literal('focus', { message: 'must be "focus" for these fields' }),
  type: z.enum(FOCUS_TYPES, { message: `must be one of ${FOCUS_TYPES.join(', ')}` }).default('s3'),
  endpoint: endpointSchema.optional(),
  region: regionSchema.default('us-east-1'),
  bucket: bucketSchema,
  prefix: prefixSchema.default(''),
  accessKeyId: accessKeyIdSchema,
  secretAccessKey: secretSchema,
  billingAccountId: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters')
    .optional(),
};

/** The body of POST /api/v1/cloud-accounts for `provider: "focus"`. */
export const focusCreateSchema = z
  .object(fields)
  .strict()
  .superRefine((v, ctx) => {
    if (v.endpoint === undefined && v.region === 'auto')
      ctx.addIssue({ code: 'custom', path: ['endpoint'], message: 'is required with region auto (R2)' });
  });

/** PATCH: any field but the type; the key changes as a pair. */
export const focusUpdateSchema = z
  .object({
    name: nameSchema.optional(),
    enabled: z.boolean({ message: 'must be true or false' }).optional(),
    endpoint: endpointSchema.optional(),
    region: regionSchema.optional(),
    bucket: bucketSchema.optional(),
    prefix: prefixSchema.optional(),
    accessKeyId: accessKeyIdSchema.optional(),
    secretAccessKey: secretSchema.optional(),
    billingAccountId: fields.billingAccountId,
  })
  .strict()
  .superRefine((v, ctx) => {
    if ((v.accessKeyId === undefined) !== (v.secretAccessKey === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [v.accessKeyId === undefined ? 'accessKeyId' : 'secretAccessKey'],
        message:
          'is required together with ' + (v.accessKeyId === undefined ? 'secretAccessKey' : 'accessKeyId'),
      });
  });

export type FocusCreateInput = z.output<typeof focusCreateSchema>;
export type FocusUpdateInput = z.output<typeof focusUpdateSchema>;

/** The stored document (no secret: the key pair is in the vault). Read leniently, like every document. */
const text = z.string().nullable().catch(null).default(null);
export const focusConnectionDocument = z.object({
  endpoint: text,
  region: z.string().catch('us-east-1').default('us-east-1'),
  bucket: z.string().catch('').default(''),
  prefix: z.string().catch('').default(''),
  /** A hint of the key (`GOOG…WXYZ`); the key pair itself is in the vault. */
  accessKeyId: text,
  billingAccountId: text,
});
export type FocusConnectionDocument = z.output<typeof focusConnectionDocument>;

export function focusDocumentOf(connection: Record<string, unknown>): FocusConnectionDocument {
  const r = focusConnectionDocument.safeParse(connection);
  return r.success ? r.data : focusConnectionDocument.parse({});
}

export function parseFocusCreate(raw: unknown): FocusCreateInput {
  const r = focusCreateSchema.safeParse(raw);
  if (!r.success) throw inputErrorOf(r.error);
  return r.data;
}

export function parseFocusUpdate(raw: unknown): FocusUpdateInput {
  const r = focusUpdateSchema.safeParse(raw);
  if (!r.success) throw inputErrorOf(r.error);
  return r.data;
}

export const keyHint = (id: string) => `${id.slice(0, 4)}…${id.slice(-4)}`;
