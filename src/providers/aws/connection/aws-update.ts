import { parseRoleArn, roleArnOf } from '../sdk/arns.js';
import { partitionOf } from '../sdk/regions.js';
import { InputError } from '../../../lib/errors.js';
import { checkMerged, parseUpdateInput, type MergedFields, type UpdateAccountInput } from './aws-schemas.js';
import type { AwsAccountRecord } from './connection-document.js';
import type { ExportTarget } from './validation-steps.js';

/** What an edit changes, worked out before anything is called or written. */
export interface UpdatePlan {
  input: UpdateAccountInput;
  /** Keys given in this edit (they replace the stored ones). */
  newKeys: { accessKeyId: string; secretAccessKey: string } | null;
  roleGiven: boolean;
  /** The role after the edit (null for a key-based connection). */
  roleArn: string | null;
  roleName: string | null;
  /** The edit keeps the keys already in the vault. */
  storedKeys: boolean;
  exportTarget: ExportTarget | null;
  /** Credentials or export changed: the connection is validated again. */
  connectionChanged: boolean;
}

const isPayerType = (t: AwsAccountRecord['type']) => t === 'root' || t === 'assumed_role';

export function exportOf(f: {
  exportType?: string | null;
  exportName?: string | null;
  bucket?: string | null;
  prefix?: string | null;
  exportRegion?: string | null;
}): ExportTarget | null {
  if (!f.exportType || !f.exportName || !f.bucket || !f.exportRegion) return null;
  return {
    exportType: f.exportType as ExportTarget['exportType'],
    exportName: f.exportName,
    bucket: f.bucket,
    prefix: f.prefix ?? '',
    region: f.exportRegion,
  };
}

/**
 * Merges an edit into the stored account and checks the result against the rules of its type (type and AWS
 * account ID stay as connected).
 */
export function planUpdate(cur: AwsAccountRecord, raw: unknown, defaultRegion: string): UpdatePlan {
  const input = parseUpdateInput(raw);
  if (input.type !== undefined && input.type !== cur.type)
    throw new InputError(
      'type',
      'type: cannot be changed; remove the account and connect it again with the new type',
    );
  if (input.awsAccountId !== undefined && input.awsAccountId !== cur.awsAccountId)
    throw new InputError(
      'awsAccountId',
      'awsAccountId: cannot be changed; connect the other AWS account as a new account',
    );
  if (input.memberImport !== undefined && !isPayerType(cur.type))
    throw new InputError(
      'memberImport',
      'memberImport: is a setting of payer accounts (root or assumed role)',
    );
  if (input.payerAccountId !== undefined && cur.type !== 'linked')
    throw new InputError('payerAccountId', 'payerAccountId: only a linked account has a payer');

  const newKeys =
    input.accessKeyId && input.secretAccessKey
      ? { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey }
      : null;
  const roleGiven = input.roleName !== undefined || input.roleArn !== undefined;
  const partition = partitionOf(input.exportRegion ?? cur.exportRegion ?? defaultRegion);
  const awsAccountId = cur.awsAccountId;
  const roleArn = roleGiven
    ? (input.roleArn ??
      (input.roleName && awsAccountId ? roleArnOf(awsAccountId, input.roleName, partition) : null))
    : newKeys
      ? null
      : cur.roleArn;
  const roleName = roleArn ? (parseRoleArn(roleArn)?.name ?? null) : null;
  const storedKeys = Boolean(cur.secretId) && !roleGiven && !newKeys;
  const pick = <T>(next: T | undefined, old: T | null): T | null => (next !== undefined ? next : old);
  const merged: MergedFields = {
    type: cur.type as MergedFields['type'],
    name: input.name ?? cur.name,
    awsAccountId: awsAccountId ?? undefined,
    roleArn: roleArn ?? undefined,
    accessKeyId: newKeys?.accessKeyId,
    secretAccessKey: newKeys?.secretAccessKey,
    exportType: pick(input.exportType, cur.exportType) ?? undefined,
    exportName: pick(input.exportName, cur.exportName) ?? undefined,
    bucket: pick(input.bucket, cur.bucket) ?? undefined,
    prefix: pick(input.prefix, cur.prefix) ?? undefined,
    exportRegion: pick(input.exportRegion, cur.exportRegion) ?? undefined,
    payerAccountId:
      cur.type === 'linked'
        ? (input.payerAccountId ?? cur.payerAccountId ?? cur.parentId ?? undefined)
        : undefined,
  };
  checkMerged(merged, storedKeys);

  const connectionChanged =
    roleGiven ||
    newKeys !== null ||
    (['exportType', 'exportName', 'bucket', 'prefix', 'exportRegion'] as const).some(
      (k) => input[k] !== undefined && input[k] !== cur[k],
    );
  return {
    input,
    newKeys,
    roleGiven,
    roleArn,
    roleName,
    storedKeys,
    exportTarget: exportOf(merged),
    connectionChanged,
  };
}
