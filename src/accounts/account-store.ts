import { accountStatusFromRow } from '../sync/account-status.js';
import type { Queryable, SqlParam } from '../store/store.js';
import type { AccountType, ExportType, MemberImport } from './account-schemas.js';
import type { AccountRecord, ValidationReport } from './account-types.js';
import { isoTimestamp } from '../lib/dates.js';

/** SQL for cloud accounts, discovered member accounts and the organization's external ID. Every query is org-scoped. */

/** A `cloud_accounts` row as both engines return it. */
export type AccountRow = {
  id: string;
  org_id: string;
  name: string;
  provider: string;
  type: string;
  aws_account_id: string | null;
  role_name: string | null;
  role_arn: string | null;
  secret_id: string | null;
  access_key_hint: string | null;
  export_type: string | null;
  export_name: string | null;
  bucket: string | null;
  prefix: string | null;
  export_region: string | null;
  edp: boolean;
  member_import: string;
  payer_account_id: string | null;
  parent_id: string | null;
  disabled: boolean;
  status_state: string;
  status_detail: string | null;
  diagnostics: string | null;
  last_sync_at: Date | string | null;
  last_attempt_at: Date | string | null;
  next_sync_at: Date | string | null;
  data_freshness: Date | string | null;
  validation: string | null;
  created_at: Date | string;
  updated_at: Date | string;
};

export function json<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export const day = (d: Date | string | null): string | null =>
  d ? (d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10)) : null;

/** The status columns (written by the sync engine and by validation) as the API shows them. */
/** The account's status as every interface shows it (the sync engine's one mapping of the status columns). */
export const statusOf = accountStatusFromRow;

function recordOf(r: AccountRow): AccountRecord {
  return {
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    provider: 'aws',
    type: r.type as AccountType,
    awsAccountId: r.aws_account_id,
    roleName: r.role_name,
    roleArn: r.role_arn,
    secretId: r.secret_id,
    accessKeyId: r.access_key_hint,
    exportType: r.export_type as ExportType | null,
    exportName: r.export_name,
    bucket: r.bucket,
    prefix: r.prefix,
    exportRegion: r.export_region,
    edp: Boolean(r.edp),
    memberImport: (r.member_import as MemberImport) ?? 'connected-only',
    payerAccountId: r.payer_account_id,
    parentId: r.parent_id,
    enabled: !r.disabled,
    status: statusOf(r),
    validation: json<ValidationReport | null>(r.validation, null),
    createdAt: isoTimestamp(r.created_at) ?? '',
    updatedAt: isoTimestamp(r.updated_at) ?? '',
  };
}

/** The columns a service may write, by record field. */
const COLUMNS = {
  name: 'name',
  awsAccountId: 'aws_account_id',
  roleName: 'role_name',
  roleArn: 'role_arn',
  secretId: 'secret_id',
  accessKeyId: 'access_key_hint',
  exportType: 'export_type',
  exportName: 'export_name',
  bucket: 'bucket',
  prefix: 'prefix',
  exportRegion: 'export_region',
  edp: 'edp',
  memberImport: 'member_import',
  payerAccountId: 'payer_account_id',
  parentId: 'parent_id',
} as const satisfies Partial<Record<keyof AccountRecord, string>>;

export type AccountFields = { [K in keyof typeof COLUMNS]: AccountRecord[K] };

export async function insertAccount(
  tx: Queryable,
  a: AccountFields & { id: string; orgId: string; type: AccountType; createdBy: string | null; now: Date },
): Promise<void> {
  const cols = Object.values(COLUMNS);
  const values = (Object.keys(COLUMNS) as (keyof typeof COLUMNS)[]).map((k) => a[k] as SqlParam);
  const params: SqlParam[] = [a.id, a.orgId, 'aws', a.type, a.createdBy, a.now, ...values];
  const placeholders = params.map((_, i) => `$${i + 1}`).join(', ');
  await tx.execute(
    `INSERT INTO cloud_accounts (id, org_id, provider, type, created_by, created_at, ${cols.join(', ')}, updated_at, status_state)
     VALUES (${placeholders}, $6, 'pending')`,
    params,
  );
}

export async function updateAccountFields(
  tx: Queryable,
  orgId: string,
  id: string,
  patch: Partial<AccountFields>,
  now: Date,
): Promise<void> {
  const sets: string[] = [];
  const params: SqlParam[] = [orgId, id, now];
  for (const [k, v] of Object.entries(patch) as [keyof typeof COLUMNS, SqlParam][]) {
    if (v === undefined) continue;
    params.push(v);
    sets.push(`${COLUMNS[k]} = $${params.length}`);
  }
  await tx.execute(
    `UPDATE cloud_accounts SET ${[...sets, 'updated_at = $3'].join(', ')} WHERE org_id = $1 AND id = $2`,
    params,
  );
}

export async function setDisabled(tx: Queryable, orgId: string, id: string, disabled: boolean, now: Date) {
  // Enabling starts over from pending, so that the scheduler picks the account up with a fresh sync.
  await tx.execute(
    `UPDATE cloud_accounts SET disabled = $3, updated_at = $4,
       status_state = CASE WHEN $3 THEN status_state ELSE 'pending' END
     WHERE org_id = $1 AND id = $2`,
    [orgId, id, disabled, now],
  );
}

/** Records a validation report; a failure puts the account in `failed` with the diagnostics, a pass lifts that. */
export async function saveValidation(
  q: Queryable,
  orgId: string,
  id: string,
  report: ValidationReport,
  now: Date,
): Promise<void> {
  const failures = report.steps.flatMap((s) =>
    s.state === 'fail'
      ? (s.diagnostics ?? [
          { code: s.code, message: s.message, remediation: s.remediation ?? '', step: s.step },
        ])
      : [],
  );
  await q.execute(
    'UPDATE cloud_accounts SET validation = $3, validated_at = $4 WHERE org_id = $1 AND id = $2',
    [orgId, id, JSON.stringify(report), now],
  );
  // While a sync runs, its outcome sets the status (the run keeps what to restore in status_detail).
  if (failures.length > 0) {
    await q.execute(
      `UPDATE cloud_accounts SET status_state = 'failed', diagnostics = $3, status_detail = $4
       WHERE org_id = $1 AND id = $2 AND status_state <> 'syncing'`,
      [
        orgId,
        id,
        JSON.stringify(failures),
        JSON.stringify({ message: `Validation failed: ${failures[0].message}`, source: 'validation' }),
      ],
    );
  } else {
    // A pass lifts only a failure that validation itself recorded; a failed sync stays failed until it succeeds.
    await q.execute(
      `UPDATE cloud_accounts SET status_state = 'pending', diagnostics = '[]', status_detail = '{}'
       WHERE org_id = $1 AND id = $2 AND status_state = 'failed' AND status_detail LIKE '%"source":"validation"%'`,
      [orgId, id],
    );
  }
}

export async function getAccount(q: Queryable, orgId: string, id: string): Promise<AccountRecord | null> {
  const [row] = await q.query<AccountRow>('SELECT * FROM cloud_accounts WHERE org_id = $1 AND id = $2', [
    orgId,
    id,
  ]);
  return row ? recordOf(row) : null;
}

export async function listAccounts(q: Queryable, orgId: string): Promise<AccountRecord[]> {
  const rows = await q.query<AccountRow>(
    'SELECT * FROM cloud_accounts WHERE org_id = $1 ORDER BY name, created_at, id',
    [orgId],
  );
  return rows.map(recordOf);
}

export async function findByAwsAccountId(
  q: Queryable,
  orgId: string,
  awsAccountId: string,
): Promise<AccountRecord | null> {
  const [row] = await q.query<AccountRow>(
    `SELECT * FROM cloud_accounts WHERE org_id = $1 AND provider = 'aws' AND aws_account_id = $2`,
    [orgId, awsAccountId],
  );
  return row ? recordOf(row) : null;
}

/** Linked accounts that name no payer yet (attached when a payer's organization lists them). */
export async function orphanLinkedAccounts(q: Queryable, orgId: string): Promise<AccountRecord[]> {
  const rows = await q.query<AccountRow>(
    `SELECT * FROM cloud_accounts WHERE org_id = $1 AND type = 'linked' AND parent_id IS NULL`,
    [orgId],
  );
  return rows.map(recordOf);
}

// ---- external ID

export async function externalIdOf(
  q: Queryable,
  orgId: string,
): Promise<{ externalId: string; previousExternalId: string | null; rotatedAt: string | null }> {
  const [row] = await q.query<{
    external_id: string;
    previous_external_id: string | null;
    external_id_rotated_at: Date | string | null;
  }>('SELECT external_id, previous_external_id, external_id_rotated_at FROM organizations WHERE id = $1', [
    orgId,
  ]);
  if (!row) throw new Error(`Organization ${orgId} is missing`);
  return {
    externalId: row.external_id,
    previousExternalId: row.previous_external_id,
    rotatedAt: isoTimestamp(row.external_id_rotated_at),
  };
}

export async function rotateExternalId(tx: Queryable, orgId: string, next: string, now: Date): Promise<void> {
  await tx.execute(
    `UPDATE organizations SET previous_external_id = external_id, external_id = $2, external_id_rotated_at = $3
     WHERE id = $1`,
    [orgId, next, now],
  );
}

// ---- removal

/**
 * Deletes everything that belongs to the account, in the caller's transaction: every table with a
 * cloud_account_id column (found in the catalog, so that tables later domains add are covered too), the
 * recommendation states of its recommendations, the members its organization listed, and the account row.
 */
export async function deleteAccountRows(
  tx: Queryable,
  orgId: string,
  id: string,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const columns = await tx.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE column_name IN ('cloud_account_id', 'org_id') AND table_schema NOT IN ('information_schema', 'pg_catalog')`,
  );
  const withAccount = new Set(
    columns.filter((c) => c.column_name === 'cloud_account_id').map((c) => c.table_name),
  );
  const withOrg = new Set(columns.filter((c) => c.column_name === 'org_id').map((c) => c.table_name));
  if (withAccount.has('recommendations')) {
    counts.recommendation_states = await tx.execute(
      `DELETE FROM recommendation_states WHERE org_id = $1 AND recommendation_id IN
         (SELECT id FROM recommendations WHERE org_id = $1 AND cloud_account_id = $2)`,
      [orgId, id],
    );
  }
  for (const table of [...withAccount].sort()) {
    if (!/^[a-z_][a-z0-9_]*$/.test(table)) continue;
    counts[table] = withOrg.has(table)
      ? await tx.execute(`DELETE FROM ${table} WHERE org_id = $1 AND cloud_account_id = $2`, [orgId, id])
      : await tx.execute(`DELETE FROM ${table} WHERE cloud_account_id = $1`, [id]);
  }
  counts.discovered_accounts = await tx.execute(
    'DELETE FROM discovered_accounts WHERE org_id = $1 AND payer_cloud_account_id = $2',
    [orgId, id],
  );
  // Members of a removed payer stay connected; they no longer have a payer to bill through.
  await tx.execute(`UPDATE cloud_accounts SET parent_id = NULL WHERE org_id = $1 AND parent_id = $2`, [
    orgId,
    id,
  ]);
  counts.cloud_accounts = await tx.execute('DELETE FROM cloud_accounts WHERE org_id = $1 AND id = $2', [
    orgId,
    id,
  ]);
  return counts;
}
