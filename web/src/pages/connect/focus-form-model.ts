/** The FOCUS export form's values, the storage services it knows, and its checks (the API's own rules). */
import {
  FOCUS_FIELD_SCHEMAS,
  focusCreateSchema,
  focusUpdateSchema,
} from '../../../../src/providers/focus/connection/focus-schemas.js';
import type { CloudAccount } from '../../types';

export interface FocusValues {
  name: string;
  endpoint: string;
  region: string;
  bucket: string;
  prefix: string;
  accessKeyId: string;
  secretAccessKey: string;
  billingAccountId: string;
}

export type FocusField = keyof FocusValues;

export const FOCUS_EMPTY: FocusValues = {
  name: '',
  endpoint: '',
  region: 'us-east-1',
  bucket: '',
  prefix: '',
  accessKeyId: '',
  secretAccessKey: '',
  billingAccountId: '',
};

export type Service = 'aws' | 'gcs' | 'r2' | 'other';

/** Where FOCUS exports are written, and what each needs: the endpoint and region it takes, where the key comes from. */
export const SERVICES: { id: Service; title: string; endpoint: string; region: string; text: string }[] = [
  {
    id: 'aws',
    title: 'Amazon S3',
    endpoint: '',
    region: 'us-east-1',
    text: 'AWS Data Exports’ FOCUS export. No endpoint; the bucket’s region; the key of an IAM user with s3:ListBucket and s3:GetObject on the prefix.',
  },
  {
    id: 'gcs',
    title: 'Google Cloud Storage',
    endpoint: 'https://storage.googleapis.com',
    region: 'auto',
    text: 'Google Cloud’s FOCUS BigQuery view exported to a bucket, read through the XML API with an HMAC key of a service account that has Storage Object Viewer.',
  },
  {
    id: 'r2',
    title: 'Cloudflare R2',
    endpoint: 'https://ACCOUNT_ID.r2.cloudflarestorage.com',
    region: 'auto',
    text: 'An R2 API token with Object Read on the bucket; the endpoint names your Cloudflare account ID.',
  },
  {
    id: 'other',
    title: 'Other S3-compatible storage',
    endpoint: '',
    region: 'us-east-1',
    text: 'Oracle Cloud’s FOCUS reports, MinIO, Ceph or files a team writes itself: the service URL and a key that may list and read the prefix.',
  },
];

export function serviceOf(endpoint: string | null | undefined): Service {
  if (!endpoint) return 'aws';
  if (endpoint.includes('storage.googleapis.com')) return 'gcs';
  if (endpoint.includes('r2.cloudflarestorage.com')) return 'r2';
  return 'other';
}

export function focusValuesOf(a: CloudAccount): FocusValues {
  return {
    ...FOCUS_EMPTY,
    name: a.name,
    endpoint: a.endpoint && serviceOf(a.endpoint) !== 'aws' ? a.endpoint : '',
    region: a.region ?? 'us-east-1',
    bucket: a.bucket ?? '',
    prefix: a.prefix ?? '',
    billingAccountId: a.billingAccountId ?? '',
  };
}

/** The rule one field breaks, as the user leaves it. */
export function checkFocusField(field: FocusField, value: string): string | undefined {
  if (!value.trim() || !(field in FOCUS_FIELD_SCHEMAS)) return undefined;
  const r = FOCUS_FIELD_SCHEMAS[field as keyof typeof FOCUS_FIELD_SCHEMAS].safeParse(value);
  return r.success ? undefined : r.error.issues[0]?.message;
}

/**
 * The request body. Creating sends every field given; editing sends what changed from the stored account, and the
 * key only as a pair (left blank, the stored one stays).
 */
export function focusBodyOf(v: FocusValues, service: Service, stored?: FocusValues): Record<string, unknown> {
  const b: Record<string, unknown> = stored ? {} : { provider: 'focus', type: 's3' };
  const values: FocusValues = { ...v, endpoint: service === 'aws' ? '' : v.endpoint };
  for (const k of Object.keys(values) as FocusField[]) {
    const val = values[k].trim();
    if (k === 'accessKeyId' || k === 'secretAccessKey') continue;
    if (stored) {
      if (val !== stored[k].trim() && (val || k === 'prefix')) b[k] = val;
    } else if (val) b[k] = val;
  }
  if (!stored || v.accessKeyId.trim() || v.secretAccessKey.trim()) {
    if (v.accessKeyId.trim()) b.accessKeyId = v.accessKeyId.trim();
    if (v.secretAccessKey.trim()) b.secretAccessKey = v.secretAccessKey.trim();
  }
  return b;
}

/** Cross-field rules before sending (what is required, the key as a pair), shown at the fields. */
export function checkFocusBody(body: Record<string, unknown>, edit: boolean): Record<string, string> {
  const r = (edit ? focusUpdateSchema : focusCreateSchema).safeParse(body);
  const out: Record<string, string> = {};
  if (r.success) return out;
  for (const i of r.error.issues) {
    const field = i.path.map(String).join('.') || 'form';
    out[field] ??= i.code === 'invalid_type' && i.input === undefined ? 'is required' : i.message;
  }
  return out;
}
