/** The connect/edit form's values, which fields each connection type shows, and their checks. */
import {
  accessKeyIdSchema,
  awsAccountIdSchema,
  bucketSchema,
  createAccountSchema,
  exportNameSchema,
  payerRefSchema,
  prefixSchema,
  regionSchema,
  roleArnSchema,
  roleNameSchema,
  secretAccessKeySchema,
  updateAccountSchema,
} from '../../../../src/providers/aws/connection/aws-schemas.js';
import { ApiError } from '../../api';
import type { CloudAccount, ConnectionType } from '../../types';

export type Credentials = 'role' | 'keys' | 'none';

export interface FormValues {
  name: string;
  awsAccountId: string;
  roleName: string;
  roleArn: string;
  accessKeyId: string;
  secretAccessKey: string;
  exportType: 'cur2' | 'legacy';
  exportName: string;
  bucket: string;
  prefix: string;
  exportRegion: string;
  edp: boolean;
  importAllMembers: boolean;
  payerAccountId: string;
  /** Linked accounts: keys, a role, or nothing (billing only, through the payer). */
  credentials: Credentials;
  /** Linked accounts: whether the account has a billing export of its own. */
  ownExport: boolean;
}

export type FieldName = Exclude<
  keyof FormValues,
  'credentials' | 'ownExport' | 'edp' | 'importAllMembers' | 'exportType'
>;

export const EMPTY: FormValues = {
  name: '',
  awsAccountId: '',
  roleName: '',
  roleArn: '',
  accessKeyId: '',
  secretAccessKey: '',
  exportType: 'cur2',
  exportName: '',
  bucket: '',
  prefix: '',
  exportRegion: 'us-east-1',
  edp: false,
  importAllMembers: false,
  payerAccountId: '',
  credentials: 'keys',
  ownExport: false,
};

export function valuesOf(a: CloudAccount): FormValues {
  return {
    ...EMPTY,
    name: a.name,
    awsAccountId: a.awsAccountId ?? '',
    roleName: a.roleName ?? '',
    roleArn: a.type === 'cost_explorer' ? (a.roleArn ?? '') : '',
    exportType: a.exportType ?? 'cur2',
    exportName: a.exportName ?? '',
    bucket: a.bucket ?? '',
    prefix: a.prefix ?? '',
    exportRegion: a.exportRegion ?? 'us-east-1',
    edp: a.edp ?? false,
    importAllMembers: a.memberImport === 'all',
    payerAccountId: a.payerAccountId ?? '',
    credentials: a.roleName || a.roleArn ? 'role' : a.accessKeyId ? 'keys' : 'none',
    ownExport: Boolean(a.exportName),
  };
}

const FIELD_SCHEMAS: Partial<
  Record<
    FieldName,
    { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } }
  >
> = {
  awsAccountId: awsAccountIdSchema,
  roleName: roleNameSchema,
  roleArn: roleArnSchema,
  accessKeyId: accessKeyIdSchema,
  secretAccessKey: secretAccessKeySchema,
  exportName: exportNameSchema,
  bucket: bucketSchema,
  prefix: prefixSchema,
  exportRegion: regionSchema,
  payerAccountId: payerRefSchema,
};

/** The rule a single field breaks, checked as the user leaves it (the same rules the API applies). */
export function checkField(field: FieldName, value: string): string | undefined {
  if (!value.trim()) return undefined;
  const r = FIELD_SCHEMAS[field]?.safeParse(value);
  return r && !r.success ? r.error?.issues[0]?.message : undefined;
}

export interface Visible {
  awsAccountId: boolean;
  roleName: boolean;
  roleArn: boolean;
  keys: boolean;
  exportFields: boolean;
  exportRequired: boolean;
  payer: boolean;
  memberImport: boolean;
}

export function visibleFields(type: ConnectionType, v: FormValues): Visible {
  const linked = type === 'linked';
  return {
    awsAccountId: type !== 'cost_explorer',
    roleName: type === 'assumed_role' || (linked && v.credentials === 'role'),
    roleArn: type === 'cost_explorer',
    keys: type === 'root' || (linked && v.credentials === 'keys'),
    exportFields: type === 'assumed_role' || type === 'root' || (linked && v.ownExport),
    exportRequired: type === 'assumed_role' || type === 'root',
    payer: linked,
    memberImport: type === 'root' || type === 'assumed_role',
  };
}

/** The request body: only the fields of this type, without empty strings. */
export function bodyOf(
  type: ConnectionType,
  v: FormValues,
  mode: 'create' | 'edit',
): Record<string, unknown> {
  const show = visibleFields(type, v);
  const b: Record<string, unknown> = mode === 'create' ? { provider: 'aws', type } : {};
  const put = (k: string, val: string) => {
    if (val.trim()) b[k] = val.trim();
  };
  put('name', v.name);
  if (show.awsAccountId && mode === 'create') put('awsAccountId', v.awsAccountId);
  if (show.roleName) put('roleName', v.roleName);
  if (show.roleArn) put('roleArn', v.roleArn);
  if (show.keys) {
    put('accessKeyId', v.accessKeyId);
    put('secretAccessKey', v.secretAccessKey);
  }
  if (show.exportFields) {
    b.exportType = v.exportType;
    put('exportName', v.exportName);
    put('bucket', v.bucket);
    if (v.prefix.trim() || mode === 'edit') b.prefix = v.prefix.trim();
    put('exportRegion', v.exportRegion);
  }
  if (show.payer && mode === 'create') put('payerAccountId', v.payerAccountId);
  if (show.memberImport) b.memberImport = v.importAllMembers ? 'all' : 'connected-only';
  if (type !== 'linked') b.edp = v.edp;
  return b;
}

/** Cross-field rules (what a type requires) before sending, so the user sees them at the fields. */
export function checkBody(body: Record<string, unknown>, mode: 'create' | 'edit'): Record<string, string> {
  const r = (mode === 'create' ? createAccountSchema : updateAccountSchema).safeParse(body);
  const out: Record<string, string> = {};
  if (r.success) return out;
  for (const i of r.error.issues) {
    const field = i.path.map(String).join('.') || 'form';
    out[field] ??= i.message;
  }
  return out;
}

/** The API's field errors (`issues`, or the one `field`) keyed by field, messages without the field prefix. */
export function serverFieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  const strip = (field: string, m: string) => (m.startsWith(`${field}: `) ? m.slice(field.length + 2) : m);
  for (const i of err.issues) out[i.field] ??= strip(i.field, i.message);
  if (err.field && !out[err.field]) out[err.field] = strip(err.field, err.message);
  return out;
}
