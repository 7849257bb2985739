import type { AccountRow as CloudAccountRow } from './account-row.js';
import type { Diagnostic } from '../lib/errors.js';
import type { Queryable } from '../store/store.js';
import type { RunState, StageName, StageProgress, StageRecord, SyncAccount } from '../sync/sync-types.js';
import { isoTimestamp } from '../lib/dates.js';

export const ACCOUNT_STATES = ['healthy', 'syncing', 'degraded', 'failed', 'pending', 'disabled'] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];

export interface FailedStage {
  stage: StageName;
  diagnostics: Diagnostic[];
}

/**
 * The one status of a cloud account, as the API, CLI, MCP and web show it. Build it with
 * `accountStatusFromRow` from the cloud_accounts columns so that every interface says the same thing.
 */
export interface AccountSyncStatus {
  state: AccountState;
  /** The run in progress (syncing) or the last finished run. */
  runId: string | null;
  /** While syncing: the stage and its progress. */
  stage: StageName | null;
  progress: StageProgress | null;
  /** degraded: which stages failed and why. */
  failedStages: FailedStage[];
  /** failed/degraded/pending: what went wrong and what to fix; healthy: warnings, if any. */
  diagnostics: Diagnostic[];
  /** One line for people: the headline diagnostic, or what is going on. */
  message: string | null;
  lastSyncAt: string | null;
  lastAttemptAt: string | null;
  nextSyncAt: string | null;
  /** Newest billing day loaded (YYYY-MM-DD). */
  dataFreshness: string | null;
}

export type AccountStatusRow = Pick<
  CloudAccountRow,
  | 'disabled'
  | 'status_state'
  | 'status_detail'
  | 'diagnostics'
  | 'last_sync_at'
  | 'last_attempt_at'
  | 'next_sync_at'
  | 'data_freshness'
>;

/** What status_detail holds. `previous` is the status before a run started, restored if it does not finish. */
export interface StatusDetail {
  runId?: string | null;
  stage?: StageName | null;
  progress?: StageProgress | null;
  failedStages?: FailedStage[];
  message?: string | null;
  previous?: { state: AccountState; detail: StatusDetail; diagnostics: Diagnostic[] };
}

function parse<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

const day = (d: Date | string | null): string | null =>
  d ? (d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10)) : null;

/** The SQL column list `accountStatusFromRow` needs (prefix with a table alias when joining). */
export const ACCOUNT_STATUS_COLUMNS =
  'disabled, status_state, status_detail, diagnostics, last_sync_at, last_attempt_at, next_sync_at, data_freshness';

export function accountStatusFromRow(row: AccountStatusRow): AccountSyncStatus {
  const detail = parse<StatusDetail>(row.status_detail, {});
  const diagnostics = parse<Diagnostic[]>(row.diagnostics, []);
  const state: AccountState = row.disabled
    ? 'disabled'
    : (((ACCOUNT_STATES as readonly string[]).includes(row.status_state)
        ? row.status_state
        : 'pending') as AccountState);
  return {
    state,
    runId: detail.runId ?? null,
    stage: state === 'syncing' ? (detail.stage ?? null) : null,
    progress: state === 'syncing' ? (detail.progress ?? null) : null,
    failedStages: detail.failedStages ?? [],
    diagnostics,
    message: row.disabled ? 'Syncing is turned off for this account.' : (detail.message ?? null),
    lastSyncAt: isoTimestamp(row.last_sync_at),
    lastAttemptAt: isoTimestamp(row.last_attempt_at),
    nextSyncAt: row.disabled ? null : isoTimestamp(row.next_sync_at),
    dataFreshness: day(row.data_freshness),
  };
}

function flatten(stages: StageRecord[], states: readonly StageRecord['state'][]): Diagnostic[] {
  return stages
    .filter((s) => states.includes(s.state))
    .flatMap((s) => s.diagnostics.map((d) => ({ ...d, step: d.step ?? s.name })));
}

/**
 * The account status a finished run leaves. Cancelled and interrupted runs leave none: the account keeps the
 * status it had before the run (its data is what the previous run loaded).
 */
export function statusAfterRun(
  run: { id: string; state: RunState; stages: StageRecord[]; error: Diagnostic | null },
  hasBillingData: boolean,
): { state: AccountState; detail: StatusDetail; diagnostics: Diagnostic[] } | undefined {
  const failedStages = run.stages
    .filter((s) => s.state === 'failed')
    .map((s) => ({ stage: s.name, diagnostics: s.diagnostics }));
  switch (run.state) {
    case 'succeeded': {
      const notReady = flatten(run.stages, ['not_ready']);
      if (notReady.length > 0 && !hasBillingData) {
        return {
          state: 'pending',
          detail: { runId: run.id, message: notReady[0].message },
          diagnostics: notReady,
        };
      }
      return {
        state: 'healthy',
        detail: { runId: run.id, message: null },
        diagnostics: flatten(run.stages, ['succeeded', 'not_ready']),
      };
    }
    case 'partial':
      return {
        state: 'degraded',
        detail: {
          runId: run.id,
          failedStages,
          message: `Synced in part: ${failedStages.map((f) => f.stage).join(', ')} failed${
            run.error ? ` (${run.error.message})` : ''
          }`,
        },
        diagnostics: flatten(run.stages, ['failed']),
      };
    case 'failed': {
      const diagnostics = flatten(run.stages, ['failed']);
      return {
        state: 'failed',
        detail: {
          runId: run.id,
          failedStages,
          message: run.error?.message ?? diagnostics[0]?.message ?? null,
        },
        diagnostics: diagnostics.length > 0 ? diagnostics : run.error ? [run.error] : [],
      };
    }
    default:
      return undefined;
  }
}

/** The account's row with what a run needs: its own columns plus interval and organization settings. */
type AccountRow = AccountStatusRow &
  Pick<CloudAccountRow, 'id' | 'org_id' | 'name' | 'provider' | 'type' | 'aws_account_id' | 'parent_id'> & {
    sync_interval_minutes: number | null;
    org_settings: string | null;
  };

export interface LoadedAccount {
  account: SyncAccount;
  /** Minutes between scheduled runs: the account's, else its organization's, else the server default. */
  intervalMinutes: number;
  row: AccountRow;
}

/** Reads an account with what a run needs; `orgId` scopes it when given. */
export async function loadAccount(
  q: Queryable,
  id: string,
  defaultIntervalMinutes: number,
  orgId?: string,
): Promise<LoadedAccount | undefined> {
  const rows = await q.query<AccountRow>(
    `SELECT a.id, a.org_id, a.name, a.provider, a.type, a.aws_account_id, a.parent_id, a.sync_interval_minutes, a.disabled, a.status_state, a.status_detail,
       a.diagnostics, a.last_sync_at, a.last_attempt_at, a.next_sync_at, a.data_freshness, o.settings AS org_settings
     FROM cloud_accounts a LEFT JOIN organizations o ON o.id = a.org_id
     WHERE a.id = $1 AND ($2::TEXT IS NULL OR a.org_id = $2::TEXT)`,
    [id, orgId ?? null],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    row,
    intervalMinutes: intervalOf(row.sync_interval_minutes, row.org_settings, defaultIntervalMinutes),
    account: {
      id: row.id,
      orgId: row.org_id,
      name: row.name,
      provider: row.provider,
      type: row.type,
      awsAccountId: row.aws_account_id,
      parentId: row.parent_id,
      disabled: Boolean(row.disabled),
    },
  };
}

export function intervalOf(
  accountMinutes: number | null,
  orgSettings: string | null,
  defaultMinutes: number,
): number {
  if (accountMinutes !== null && accountMinutes !== undefined && Number(accountMinutes) > 0) {
    return Number(accountMinutes);
  }
  const fromOrg = Number(parse<{ syncIntervalMinutes?: unknown }>(orgSettings, {}).syncIntervalMinutes);
  return Number.isFinite(fromOrg) && fromOrg > 0 ? fromOrg : defaultMinutes;
}

/** What an account showed before a run started, restored if the run does not finish. */
export interface PreviousStatus {
  state: AccountState;
  detail: StatusDetail;
  diagnostics: Diagnostic[];
}

/** The account shows `syncing`; returns what it showed before. */
export async function markSyncing(
  q: Queryable,
  loaded: LoadedAccount,
  run: { id: string; stage: StageName | null; progress: StageProgress | null },
  now: Date,
): Promise<PreviousStatus | undefined> {
  const current = loaded.row;
  const currentDetail = parse<StatusDetail>(current.status_detail, {});
  const previous: PreviousStatus | undefined =
    current.status_state === 'syncing'
      ? currentDetail.previous
      : {
          state: current.status_state as AccountState,
          detail: { ...currentDetail, previous: undefined },
          diagnostics: parse<Diagnostic[]>(current.diagnostics, []),
        };
  await showProgress(q, loaded.account.id, { ...run, previous });
  await q.execute(`UPDATE cloud_accounts SET last_attempt_at = $2 WHERE id = $1`, [loaded.account.id, now]);
  return previous;
}

/**
 * Shows the run's stage and progress on its account. The running run is authoritative: a validation recorded
 * meanwhile (which writes the status too) does not hide that the account is syncing.
 */
export async function showProgress(
  q: Queryable,
  accountId: string,
  run: { id: string; stage: StageName | null; progress: StageProgress | null; previous?: PreviousStatus },
): Promise<void> {
  const detail: StatusDetail = {
    runId: run.id,
    stage: run.stage,
    progress: run.progress,
    message: run.stage ? `Syncing: ${run.stage}` : 'Syncing',
    previous: run.previous,
  };
  await q.execute(
    `UPDATE cloud_accounts SET status_state = 'syncing', status_detail = $2 WHERE id = $1 AND disabled = FALSE`,
    [accountId, JSON.stringify(detail)],
  );
}

/** Newest billing day loaded for the account: its own deliveries, or (a member) the payer's rows for it. */
export async function dataFreshness(
  q: Queryable,
  account: Pick<SyncAccount, 'id' | 'orgId' | 'awsAccountId'>,
): Promise<string | null> {
  const rows = await q.query<{ d: string | Date | null }>(
    `SELECT max(usage_date) AS d FROM cost_daily
     WHERE org_id = $1 AND (cloud_account_id = $2 OR ($3::TEXT IS NOT NULL AND sub_account_id = $3::TEXT))`,
    [account.orgId, account.id, account.awsAccountId],
  );
  return day(rows[0]?.d ?? null);
}

/**
 * Records what a finished run means for its account: status, diagnostics, last successful sync, data
 * freshness and the next scheduled run.
 */
export async function recordRunOutcome(
  q: Queryable,
  loaded: LoadedAccount,
  run: { id: string; state: RunState; stages: StageRecord[]; error: Diagnostic | null },
  now: Date,
  options: { retrySoon?: boolean; previous?: PreviousStatus } = {},
): Promise<void> {
  const freshness = await dataFreshness(q, loaded.account);
  const rows = await q.query<{
    status_state: string;
    status_detail: string | null;
    diagnostics: string | null;
  }>(`SELECT status_state, status_detail, diagnostics FROM cloud_accounts WHERE id = $1`, [
    loaded.account.id,
  ]);
  const current = rows[0];
  if (!current) return;
  // A run that did not finish is due again at once (its data is older than the schedule promised).
  const nextSyncAt = options.retrySoon ? now : new Date(now.getTime() + loaded.intervalMinutes * 60_000);
  let status = statusAfterRun(run, freshness !== null);
  if (!status) {
    // Not finished: restore what the account showed before this run (only if it still shows this run).
    const detail = parse<StatusDetail>(current.status_detail, {});
    if (current.status_state !== 'syncing' || detail.runId !== run.id) {
      await q.execute(
        `UPDATE cloud_accounts SET data_freshness = $2::DATE,
           next_sync_at = CASE WHEN $3::BOOLEAN THEN $4::TIMESTAMPTZ ELSE next_sync_at END WHERE id = $1`,
        [loaded.account.id, freshness, Boolean(options.retrySoon), nextSyncAt],
      );
      return;
    }
    const prev = options.previous ??
      detail.previous ?? { state: 'pending' as const, detail: {}, diagnostics: [] };
    status = { state: prev.state, detail: prev.detail, diagnostics: prev.diagnostics };
  }
  const succeeded = run.state === 'succeeded' || run.state === 'partial';
  await q.execute(
    `UPDATE cloud_accounts SET status_state = $2, status_detail = $3, diagnostics = $4,
       last_sync_at = CASE WHEN $5::BOOLEAN THEN $6::TIMESTAMPTZ ELSE last_sync_at END,
       next_sync_at = CASE WHEN $7::BOOLEAN THEN $8::TIMESTAMPTZ ELSE next_sync_at END, data_freshness = $9::DATE
     WHERE id = $1`,
    [
      loaded.account.id,
      status.state,
      JSON.stringify(status.detail),
      JSON.stringify(status.diagnostics),
      succeeded,
      now,
      run.state !== 'cancelled',
      nextSyncAt,
      freshness,
    ],
  );
}

// ---- the schedule columns (next_sync_at, sync_interval_minutes), for the sync engine's scheduler

/** Enabled accounts due for a scheduled run (next_sync_at passed or never set) and without a run queued. */
export async function dueAccounts(
  q: Queryable,
  now: Date,
): Promise<
  {
    id: string;
    org_id: string;
    next_sync_at: Date | null;
    sync_interval_minutes: number | null;
    org_settings: string | null;
  }[]
> {
  return q.query(
    `SELECT a.id, a.org_id, a.next_sync_at, a.sync_interval_minutes, o.settings AS org_settings
     FROM cloud_accounts a LEFT JOIN organizations o ON o.id = a.org_id
     WHERE a.disabled = FALSE AND (a.next_sync_at IS NULL OR a.next_sync_at <= $1)
       AND NOT EXISTS (SELECT 1 FROM sync_runs r WHERE r.active_slot IN (a.id || ':queued', a.id || ':running'))
     ORDER BY a.next_sync_at NULLS FIRST, a.id LIMIT 500`,
    [now],
  );
}

/** Moves next_sync_at from `previous` to `next`; false when another process moved it first. */
export async function claimNextSync(
  q: Queryable,
  id: string,
  next: Date,
  previous: Date | null,
): Promise<boolean> {
  const won = await q.execute(
    `UPDATE cloud_accounts SET next_sync_at = $2
     WHERE id = $1 AND ((next_sync_at IS NULL AND $3::TIMESTAMPTZ IS NULL) OR next_sync_at = $3::TIMESTAMPTZ)`,
    [id, next, previous],
  );
  return won > 0;
}

/** Sets next_sync_at of a scheduled account; an account never scheduled yet (NULL) is due at once and keeps that. */
export async function moveNextSyncAt(q: Queryable, id: string, next: Date): Promise<void> {
  await q.execute(`UPDATE cloud_accounts SET next_sync_at = $2 WHERE id = $1 AND next_sync_at IS NOT NULL`, [
    id,
    next,
  ]);
}

/** The accounts of an organization that follow its sync interval (none of their own). */
export async function accountsOnOrganizationInterval(q: Queryable, orgId: string): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `SELECT id FROM cloud_accounts WHERE org_id = $1 AND sync_interval_minutes IS NULL`,
    [orgId],
  );
  return rows.map((r) => r.id);
}

/** Sets an account's own sync interval (null: the organization's); false when there is no such account. */
export async function setSyncInterval(
  q: Queryable,
  orgId: string,
  id: string,
  minutes: number | null,
): Promise<boolean> {
  const n = await q.execute(
    `UPDATE cloud_accounts SET sync_interval_minutes = $3 WHERE id = $1 AND org_id = $2`,
    [id, orgId, minutes],
  );
  return n > 0;
}

/** The organization of an account, found by its ID alone. */
export async function organizationOfAccount(q: Queryable, id: string): Promise<string | undefined> {
  const rows = await q.query<{ org_id: string }>(`SELECT org_id FROM cloud_accounts WHERE id = $1`, [id]);
  return rows[0]?.org_id;
}
