import { accountStatusFromRow, type StatusDetail } from './account-status.js';
import type { Diagnostic } from '../lib/errors.js';
import type { Queryable, SqlParam } from '../store/store.js';
import type { AccountRow } from './account-row.js';
import type { ProviderId } from './account-schemas.js';
import type { AccountRecord, ValidationReport } from './account-types.js';
import { isoTimestamp } from '../lib/dates.js';

/** SQL for cloud accounts, discovered member accounts and the organization's external ID. Every query is org-scoped. */

export type { AccountRow };

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

/** The connection document as stored; text that is not a JSON object reads as empty (the provider fills defaults). */
export function connectionDocument(text: string | null | undefined): Record<string, unknown> {
  const v = json<unknown>(text, {});
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function recordOf(r: AccountRow): AccountRecord {
  return {
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    provider: r.provider as ProviderId,
    type: r.type,
    awsAccountId: r.aws_account_id,
    connection: connectionDocument(r.connection),
    secretId: r.secret_id,
    parentId: r.parent_id,
    enabled: !r.disabled,
    syncIntervalMinutes: r.sync_interval_minutes === null ? null : Number(r.sync_interval_minutes),
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
  secretId: 'secret_id',
  parentId: 'parent_id',
} as const satisfies Partial<Record<keyof AccountRecord, string>>;

export type AccountFields = { [K in keyof typeof COLUMNS]: AccountRecord[K] } & {
  /** The provider's connection document; in an update, the fields to set in it (undefined ones stay). */
  connection: Record<string, unknown>;
};

/** The document with the patch's defined fields set; null when nothing changes. */
function documentWith(
  current: Record<string, unknown>,
  patch: Record<string, unknown> | undefined,
): Record<string, unknown> | null {
  if (!patch) return null;
  const next = { ...current };
  let changed = false;
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    next[k] = v;
    changed = true;
  }
  return changed ? next : null;
}

export async function insertAccount(
  tx: Queryable,
  a: AccountFields & {
    id: string;
    orgId: string;
    provider: ProviderId;
    type: string;
    createdBy: string | null;
    now: Date;
  },
): Promise<void> {
  const cols = [...Object.values(COLUMNS), 'connection'];
  const values = (Object.keys(COLUMNS) as (keyof typeof COLUMNS)[]).map((k) => a[k] as SqlParam);
  const params: SqlParam[] = [
    a.id,
    a.orgId,
    a.provider,
    a.type,
    a.createdBy,
    a.now,
    ...values,
    JSON.stringify(a.connection),
  ];
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
  for (const [k, column] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, string][]) {
    if (patch[k] === undefined) continue;
    params.push(patch[k]);
    sets.push(`${column} = $${params.length}`);
  }
  const [row] = await tx.query<{ connection: string | null }>(
    'SELECT connection FROM cloud_accounts WHERE org_id = $1 AND id = $2',
    [orgId, id],
  );
  const document = row ? documentWith(connectionDocument(row.connection), patch.connection) : null;
  if (document) {
    params.push(JSON.stringify(document));
    sets.push(`connection = $${params.length}`);
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

/** The account of a provider with this ID in its cloud (AWS account ID, Azure subscription ID). */
export async function findByNativeId(
  q: Queryable,
  orgId: string,
  provider: ProviderId,
  nativeId: string,
): Promise<AccountRecord | null> {
  const [row] = await q.query<AccountRow>(
    `SELECT * FROM cloud_accounts WHERE org_id = $1 AND provider = $2 AND aws_account_id = $3`,
    [orgId, provider, nativeId],
  );
  return row ? recordOf(row) : null;
}

export const findByAwsAccountId = (q: Queryable, orgId: string, awsAccountId: string) =>
  findByNativeId(q, orgId, 'aws', awsAccountId);

/** Linked accounts that name no payer yet (attached when a payer's organization lists them). */
export async function orphanLinkedAccounts(q: Queryable, orgId: string): Promise<AccountRecord[]> {
  const rows = await q.query<AccountRow>(
    `SELECT * FROM cloud_accounts WHERE org_id = $1 AND provider = 'aws' AND type = 'linked' AND parent_id IS NULL`,
    [orgId],
  );
  return rows.map(recordOf);
}

// ---- external ID

// The organization's external ID (the one its AWS roles require) is kept on `organizations`, owned by src/auth.
export { externalIdOf, rotateExternalId } from '../auth/organization-directory.js';

// ---- for the providers' sync stages

/** The IDs in their cloud (AWS account IDs) of the organization's accounts of a provider. */
export async function nativeIdsOf(q: Queryable, orgId: string, provider: ProviderId): Promise<string[]> {
  const rows = await q.query<{ aws_account_id: string }>(
    `SELECT DISTINCT aws_account_id FROM cloud_accounts
     WHERE org_id = $1 AND provider = $2 AND aws_account_id IS NOT NULL`,
    [orgId, provider],
  );
  return rows.map((r) => r.aws_account_id);
}

/**
 * The diagnostics an account shows, with those of the status before the sync in progress (a running sync keeps
 * it in its status detail); none for an account that is gone.
 */
export async function shownDiagnostics(q: Queryable, orgId: string, id: string): Promise<Diagnostic[]> {
  const [row] = await q.query<{ status_detail: string | null; diagnostics: string | null }>(
    'SELECT status_detail, diagnostics FROM cloud_accounts WHERE id = $1 AND org_id = $2',
    [id, orgId],
  );
  const parse = <T>(text: string | null | undefined, fallback: T): T => {
    try {
      return text ? (JSON.parse(text) as T) : fallback;
    } catch {
      return fallback;
    }
  };
  return [
    ...parse<Diagnostic[]>(row?.diagnostics, []),
    ...(parse<StatusDetail>(row?.status_detail, {}).previous?.diagnostics ?? []),
  ];
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

/** Whether the account belongs to the organization (another organization's account reads as absent). */
export async function accountInOrg(q: Queryable, orgId: string, id: string): Promise<boolean> {
  const rows = await q.query('SELECT 1 AS x FROM cloud_accounts WHERE org_id = $1 AND id = $2', [orgId, id]);
  return rows.length > 0;
}

/** What the recommendation engine needs of an account: its provider, type and ID in the cloud. */
export async function accountForRules(
  q: Queryable,
  orgId: string,
  id: string,
): Promise<{ provider: string; type: string; cloudAccountNativeId: string | null } | null> {
  const [row] = await q.query<{ provider: string; type: string; aws_account_id: string | null }>(
    'SELECT provider, type, aws_account_id FROM cloud_accounts WHERE org_id = $1 AND id = $2',
    [orgId, id],
  );
  return row ? { provider: row.provider, type: row.type, cloudAccountNativeId: row.aws_account_id } : null;
}
