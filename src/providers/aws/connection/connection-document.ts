/**
 * The AWS fields of a connection, stored as one JSON document in `cloud_accounts.connection` (migration 20 moved
 * them there from columns of their own). Reading is lenient: a field a document lacks takes its default, so a
 * document written by an older version still reads; writing always stores every field.
 */
import { z } from 'zod';
import type { AccountRecord } from '../../../accounts/account-types.js';
import { EXPORT_TYPES, MEMBER_IMPORT } from './aws-schemas.js';

const text = z.string().nullable().catch(null).default(null);

export const awsConnectionDocument = z.object({
  roleName: text,
  roleArn: text,
  /** Only the hint of a key-based connection (`AKIA…WXYZ`); the secret itself is in the vault. */
  accessKeyId: text,
  exportType: z.enum(EXPORT_TYPES).nullable().catch(null).default(null),
  exportName: text,
  bucket: text,
  prefix: text,
  exportRegion: text,
  edp: z.boolean().catch(false).default(false),
  memberImport: z.enum(MEMBER_IMPORT).catch('connected-only').default('connected-only'),
  /** A linked account's payer, as its AWS account ID. */
  payerAccountId: text,
});

export type AwsConnectionDocument = z.output<typeof awsConnectionDocument>;

/** The document of a stored account; text that is not a JSON object reads as all defaults. */
export function readAwsConnection(json: string | null | undefined): AwsConnectionDocument {
  let value: unknown = {};
  try {
    value = json ? JSON.parse(json) : {};
  } catch {
    value = {};
  }
  const parsed = awsConnectionDocument.safeParse(value && typeof value === 'object' ? value : {});
  return parsed.success ? parsed.data : awsConnectionDocument.parse({});
}

/** The stored document of an account as read from its record. */
export function awsDocumentOf(connection: Record<string, unknown>): AwsConnectionDocument {
  const parsed = awsConnectionDocument.safeParse(connection);
  return parsed.success ? parsed.data : awsConnectionDocument.parse({});
}

/** An AWS account's record with its connection fields beside the common ones. */
export type AwsAccountRecord = AccountRecord & AwsConnectionDocument;

export function awsAccountOf(a: AccountRecord): AwsAccountRecord {
  return { ...a, ...awsDocumentOf(a.connection) };
}
