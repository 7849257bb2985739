import { z } from 'zod';
import { inputErrorOf, nameSchema } from '../../../accounts/account-schemas.js';
import { parseRoleArn } from '../sdk/arns.js';
import { AWS_REGIONS, isKnownRegion } from '../sdk/regions.js';

/**
 * The fields of an AWS connection and the rules each one follows. Every rule runs before any AWS call,
 * and each failure names the field and the rule it breaks.
 */

export const ACCOUNT_TYPES = ['assumed_role', 'root', 'linked', 'cost_explorer'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];
export const EXPORT_TYPES = ['cur2', 'legacy'] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];
export const MEMBER_IMPORT = ['connected-only', 'all'] as const;
export type MemberImport = (typeof MEMBER_IMPORT)[number];

export const TYPE_LABELS: Record<AccountType, string> = {
  assumed_role: 'assumed role',
  root: 'root / payer account',
  linked: 'linked account',
  cost_explorer: 'Cost Explorer source',
};

/** `1234-5678-9012` as the console prints it is accepted; what remains must be exactly 12 digits. */
export const awsAccountIdSchema = z
  .string()
  .trim()
  .transform((v) => v.replace(/[\s-]/g, ''))
  .refine((v) => /^\d{12}$/.test(v), 'must be a 12-digit AWS account ID (digits only)');

const ROLE_NAME_RE = /^[\w+=,.@-]+$/;
export const roleNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters (IAM role name limit)')
  .refine(
    (v) => !v.startsWith('arn:'),
    'is a role name; give a full ARN as roleArn instead (or only the part after "role/")',
  )
  .refine(
    (v) => ROLE_NAME_RE.test(v),
    'may contain only letters, digits and + = , . @ _ - (IAM role naming rules; no spaces or slashes)',
  );

export const roleArnSchema = z
  .string()
  .trim()
  .refine((v) => v.startsWith('arn:'), 'must be a role ARN such as arn:aws:iam::123456789012:role/Name')
  .refine(
    (v) => parseRoleArn(v) !== null,
    'must be an IAM role ARN of the form arn:aws:iam::<12-digit account ID>:role/<optional path/>Name',
  )
  .refine((v) => {
    const r = parseRoleArn(v);
    return r !== null && r.name.length <= 64 && ROLE_NAME_RE.test(r.name) && r.path.length <= 512;
  }, 'the role name in the ARN breaks the IAM naming rules (letters, digits, + = , . @ _ -, at most 64)');

export const accessKeyIdSchema = z
  .string()
  .trim()
  .refine(
    (v) => !/^ASIA/.test(v),
    'is a temporary (ASIA…) key that expires; give the long-lived access key of an IAM user (AKIA…) or use an assumed role',
  )
  .refine(
    (v) => /^AKIA[A-Z0-9]{12,124}$/.test(v),
    'must be an IAM access key ID: AKIA followed by upper-case letters and digits (20 characters)',
  );

/** The message never repeats the value: this field is a secret. */
export const secretAccessKeySchema = z
  .string()
  .trim()
  .min(16, 'is too short to be a secret access key (it has 40 characters)')
  .max(128, 'is too long to be a secret access key (it has 40 characters)')
  .refine((v) => /^[A-Za-z0-9/+=]+$/.test(v), 'may contain only letters, digits, / + and = (no spaces)');

const IP_LIKE = /^\d{1,3}(\.\d{1,3}){3}$/;
/** S3 general purpose bucket naming rules, one message per rule. */
export const bucketSchema = z
  .string()
  .trim()
  .refine(
    (v) => !/^s3:\/\//i.test(v) && !v.includes('/'),
    'must be the bucket name only, without s3:// or a path',
  )
  .refine((v) => v.length >= 3 && v.length <= 63, 'must be 3 to 63 characters long (S3 bucket naming rules)')
  .refine(
    (v) => /^[a-z0-9.-]+$/.test(v),
    'may contain only lower-case letters, digits, dots and hyphens (S3 bucket naming rules)',
  )
  .refine((v) => /^[a-z0-9].*[a-z0-9]$/.test(v), 'must begin and end with a letter or digit')
  .refine((v) => !v.includes('..'), 'must not contain two adjacent dots')
  .refine((v) => !IP_LIKE.test(v), 'must not be formatted as an IP address')
  .refine(
    (v) => !/^(xn--|sthree-|amzn-s3-demo-)/.test(v),
    'must not start with xn--, sthree- or amzn-s3-demo- (reserved by S3)',
  )
  .refine(
    (v) => !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(v),
    'must not end with -s3alias, --ol-s3, .mrap, --x-s3 or --table-s3 (reserved by S3)',
  );

/**
 * The S3 path prefix of the export. A trailing slash is dropped so that `cur` and `cur/` find the same export;
 * a leading slash is refused rather than silently removed, because S3 keys never begin with one.
 */
export const prefixSchema = z
  .string()
  .trim()
  .refine(
    (v) => !v.startsWith('/'),
    'must not begin with "/": S3 keys have no leading slash (write "cur", not "/cur")',
  )
  .refine((v) => !/^s3:\/\//i.test(v), 'must be the path inside the bucket only, without s3://bucket')
  .refine((v) => !v.replace(/\/+$/, '').includes('//'), 'must not contain an empty path segment ("//")')
  .refine((v) => v.length <= 512, 'must be at most 512 characters')
  .refine(
    (v) => /^[0-9A-Za-z!_.*'()/=-]*$/.test(v),
    "may contain only letters, digits, / and ! - _ . * ' ( ) = (the characters AWS billing exports allow in a prefix)",
  )
  .transform((v) => v.replace(/\/+$/, ''));

export const exportNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(256, 'must be at most 256 characters')
  .refine(
    (v) => /^[0-9A-Za-z!_.*'()-]+$/.test(v),
    "may contain only letters, digits and ! - _ . * ' ( ) (no spaces or slashes)",
  );

export const regionSchema = z
  .string()
  .trim()
  .refine((v): boolean => isKnownRegion(v), {
    message: `must be a known AWS region code, e.g. us-east-1 (one of ${AWS_REGIONS.join(', ')})`,
  });

/** A payer given as its AWS account ID (12 digits) or as its Cloudtally account ID. */
export const payerRefSchema = z
  .string()
  .trim()
  .refine(
    (v) => /^\d{12}$/.test(v.replace(/-/g, '')) || /^ca_[A-Za-z0-9]{6,40}$/.test(v),
    "must be the payer's 12-digit AWS account ID or its Cloudtally account ID (ca_…)",
  );

const fields = {
  name: nameSchema.optional(),
  provider: z.literal('aws', { message: 'must be "aws" for these fields' }).optional(),
  awsAccountId: awsAccountIdSchema.optional(),
  roleName: roleNameSchema.optional(),
  roleArn: roleArnSchema.optional(),
  accessKeyId: accessKeyIdSchema.optional(),
  secretAccessKey: secretAccessKeySchema.optional(),
  exportType: z
    .enum(EXPORT_TYPES, { message: 'must be "cur2" (CUR 2.0 / Standard Data Export) or "legacy"' })
    .optional(),
  exportName: exportNameSchema.optional(),
  bucket: bucketSchema.optional(),
  prefix: prefixSchema.optional(),
  exportRegion: regionSchema.optional(),
  edp: z.boolean({ message: 'must be true or false' }).optional(),
  memberImport: z.enum(MEMBER_IMPORT, { message: 'must be "connected-only" or "all"' }).optional(),
  payerAccountId: payerRefSchema.optional(),
};

type Ctx = z.RefinementCtx;
const need = (ctx: Ctx, field: string, why: string) =>
  ctx.addIssue({ code: 'custom', path: [field], message: `is required ${why}` });
const refuse = (ctx: Ctx, field: string, why: string) =>
  ctx.addIssue({ code: 'custom', path: [field], message: `is not used ${why}` });

type Fields = { [K in keyof typeof fields]?: z.output<(typeof fields)[K]> };

const EXPORT_FIELDS = ['exportType', 'exportName', 'bucket', 'exportRegion'] as const;

function checkExport(v: Fields, ctx: Ctx, why: string, optional: boolean): void {
  const given = EXPORT_FIELDS.filter((f) => v[f] !== undefined);
  if (optional && given.length === 0 && v.prefix === undefined) return;
  for (const f of EXPORT_FIELDS) {
    if (v[f] === undefined)
      need(ctx, f, optional ? 'when the account names a billing export of its own' : why);
  }
  if (v.exportType === 'cur2' && v.exportName && !/^[0-9A-Za-z_-]{1,128}$/.test(v.exportName)) {
    ctx.addIssue({
      code: 'custom',
      path: ['exportName'],
      message: 'a CUR 2.0 export name may contain only letters, digits, - and _ (at most 128 characters)',
    });
  }
}

function checkKeys(v: Fields, ctx: Ctx): void {
  if (v.accessKeyId !== undefined && v.secretAccessKey === undefined)
    need(ctx, 'secretAccessKey', 'together with accessKeyId');
  if (v.secretAccessKey !== undefined && v.accessKeyId === undefined)
    need(ctx, 'accessKeyId', 'together with secretAccessKey');
}

function checkRoleAccount(v: Fields, ctx: Ctx): void {
  if (v.roleName && v.roleArn) {
    const r = parseRoleArn(v.roleArn);
    if (r && r.name !== v.roleName)
      ctx.addIssue({
        code: 'custom',
        path: ['roleName'],
        message: `does not match the role in roleArn (${r.name})`,
      });
  }
  if (v.roleArn && v.awsAccountId) {
    const r = parseRoleArn(v.roleArn);
    if (r && r.accountId !== v.awsAccountId)
      ctx.addIssue({
        code: 'custom',
        path: ['roleArn'],
        message: `is in account ${r.accountId}, but awsAccountId is ${v.awsAccountId}`,
      });
  }
}

/**
 * The rules that tie fields to the connection type. `storedKeys`: an edit keeps keys that are already in the
 * vault, which count as given.
 */
export function checkTypeRules(
  v: Fields & { type: AccountType },
  ctx: Ctx,
  options: { storedKeys?: boolean; memberExportOptional?: boolean } = {},
): void {
  const why = `for a ${TYPE_LABELS[v.type]} connection`;
  checkKeys(v, ctx);
  checkRoleAccount(v, ctx);
  const hasRole = v.roleName !== undefined || v.roleArn !== undefined;
  const hasKeys = v.accessKeyId !== undefined || options.storedKeys === true;
  switch (v.type) {
    case 'assumed_role':
      if (!hasRole) need(ctx, 'roleName', `${why} (or give roleArn)`);
      if (v.accessKeyId !== undefined)
        refuse(ctx, 'accessKeyId', `${why}: Cloudtally assumes the role and stores no keys`);
      if (!v.awsAccountId && !v.roleArn) need(ctx, 'awsAccountId', why);
      checkExport(v, ctx, why, options.memberExportOptional === true);
      break;
    case 'root':
      if (!v.awsAccountId) need(ctx, 'awsAccountId', why);
      if (!hasKeys) need(ctx, 'accessKeyId', `${why} (with secretAccessKey)`);
      if (hasRole)
        refuse(ctx, v.roleName ? 'roleName' : 'roleArn', `${why}; use the assumed_role type for a role`);
      checkExport(v, ctx, why, false);
      break;
    case 'linked':
      if (hasRole && v.accessKeyId !== undefined)
        refuse(ctx, 'accessKeyId', 'when a role is given; give either keys or a role');
      if (hasRole && !v.awsAccountId && !v.roleArn) need(ctx, 'awsAccountId', 'to build the role ARN');
      if (!hasRole && !hasKeys && !v.payerAccountId)
        need(ctx, 'accessKeyId', `${why} (or roleName, or payerAccountId to connect it for billing only)`);
      if (!hasRole && !hasKeys && !v.awsAccountId) need(ctx, 'awsAccountId', why);
      if (v.memberImport !== undefined) refuse(ctx, 'memberImport', `${why}; it is a setting of the payer`);
      checkExport(v, ctx, why, true);
      break;
    case 'cost_explorer':
      if (!hasRole) need(ctx, 'roleArn', why);
      if (v.roleName && !v.roleArn && !v.awsAccountId) need(ctx, 'awsAccountId', 'to build the role ARN');
      if (v.accessKeyId !== undefined) refuse(ctx, 'accessKeyId', `${why}: Cloudtally assumes the role`);
      for (const f of [...EXPORT_FIELDS, 'prefix'] as const)
        if (v[f] !== undefined) refuse(ctx, f, `${why}: billing comes from the Cost Explorer API`);
      if (v.memberImport !== undefined) refuse(ctx, 'memberImport', why);
      break;
  }
  if (v.type !== 'linked' && v.payerAccountId !== undefined)
    refuse(ctx, 'payerAccountId', `${why}; only a linked account has a payer`);
}

/** The body of POST /api/v1/cloud-accounts (and the CLI's connect). */
export const createAccountSchema = z
  .object({
    ...fields,
    type: z.enum(ACCOUNT_TYPES, { message: `must be one of ${ACCOUNT_TYPES.join(', ')}` }),
  })
  .strict()
  .superRefine((v, ctx) => checkTypeRules(v, ctx));

/**
 * What POST /api/v1/cloud-accounts accepts before the service looks at the organization: an `assumed_role`
 * account may leave the export out, because a member account of a connected payer is billed through the payer
 * (the service then requires the export of any other account, with the same messages).
 */
export const createRequestSchema = z
  .object({
    ...fields,
    type: z.enum(ACCOUNT_TYPES, { message: `must be one of ${ACCOUNT_TYPES.join(', ')}` }),
  })
  .strict()
  .superRefine((v, ctx) => checkTypeRules(v, ctx, { memberExportOptional: true }));

/** The shape of an account after an edit, checked against the same rules as a new one. */
export type MergedFields = Fields & { type: AccountType };

export function checkMerged(merged: MergedFields, storedKeys: boolean): void {
  const r = z
    .custom<MergedFields>()
    .superRefine((v, ctx) => checkTypeRules(v, ctx, { storedKeys }))
    .safeParse(merged);
  if (!r.success) throw inputErrorOf(r.error);
}

export type CreateAccountInput = z.output<typeof createAccountSchema>;

/** PATCH: any editable field; type and AWS account ID stay as connected. */
export const updateAccountSchema = z
  .object({
    ...fields,
    name: nameSchema.optional(),
    enabled: z.boolean({ message: 'must be true or false' }).optional(),
    type: z.enum(ACCOUNT_TYPES).optional(),
    prefix: prefixSchema.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    checkKeys(v, ctx);
    checkRoleAccount(v, ctx);
    if (v.roleName !== undefined && v.accessKeyId !== undefined)
      refuse(ctx, 'accessKeyId', 'together with a role; give either keys or a role');
    if (v.exportType === 'cur2' && v.exportName && !/^[0-9A-Za-z_-]{1,128}$/.test(v.exportName)) {
      ctx.addIssue({
        code: 'custom',
        path: ['exportName'],
        message: 'a CUR 2.0 export name may contain only letters, digits, - and _ (at most 128 characters)',
      });
    }
  });

export type UpdateAccountInput = z.output<typeof updateAccountSchema>;

export function parseCreateInput(raw: unknown): CreateAccountInput {
  const r = createAccountSchema.safeParse(raw);
  if (!r.success) throw inputErrorOf(r.error);
  return r.data;
}

export function parseUpdateInput(raw: unknown): UpdateAccountInput {
  const r = updateAccountSchema.safeParse(raw);
  if (!r.success) throw inputErrorOf(r.error);
  return r.data;
}

/** `AKIA…WXYZ`: enough to recognise a key, too little to use it. */
export function accessKeyHint(accessKeyId: string): string {
  return `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}`;
}
