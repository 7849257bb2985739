import type { Diagnostic } from '../lib/errors.js';
import type { Queryable } from '../store/store.js';
import type {
  RunOptions,
  RunState,
  StageName,
  StageProgress,
  StageRecord,
  SyncRun,
  SyncTrigger,
} from './sync-types.js';
import { isoTimestamp } from '../lib/dates.js';

// SQL over sync_runs, the queue. Every write by a worker is guarded by its worker_id and state 'running', so a
// worker that lost its lease (and whose run another worker took over) can no longer change the run.

type RunRow = {
  id: string;
  org_id: string;
  cloud_account_id: string;
  trigger: string;
  state: string;
  stage: string | null;
  progress: string | null;
  stages: string | null;
  error: string | null;
  queued_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  worker_id: string | null;
  lease_expires_at: Date | null;
  attempts: number;
  cancel_requested: boolean;
  options: string | null;
  requested_by: string | null;
};

const COLUMNS = `id, org_id, cloud_account_id, trigger, state, stage, progress, stages, error, queued_at, started_at,
  finished_at, worker_id, lease_expires_at, attempts, cancel_requested, options, requested_by`;

function parse<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function runFromRow(row: RunRow): SyncRun {
  return {
    id: row.id,
    orgId: row.org_id,
    cloudAccountId: row.cloud_account_id,
    trigger: row.trigger as SyncTrigger,
    state: row.state as RunState,
    stage: (row.stage as StageName | null) ?? null,
    progress: parse<StageProgress>(row.progress, {}),
    stages: parse<StageRecord[]>(row.stages, []),
    options: parse<RunOptions>(row.options, {}),
    error: parse<Diagnostic | null>(row.error, null),
    queuedAt: isoTimestamp(row.queued_at) ?? '',
    startedAt: isoTimestamp(row.started_at),
    finishedAt: isoTimestamp(row.finished_at),
    workerId: row.worker_id,
    leaseExpiresAt: isoTimestamp(row.lease_expires_at),
    attempts: Number(row.attempts),
    cancelRequested: Boolean(row.cancel_requested),
    requestedBy: row.requested_by,
  };
}

export async function getRun(q: Queryable, id: string, orgId?: string): Promise<SyncRun | undefined> {
  const rows = await q.query<RunRow>(
    `SELECT ${COLUMNS} FROM sync_runs WHERE id = $1 AND ($2::TEXT IS NULL OR org_id = $2::TEXT)`,
    [id, orgId ?? null],
  );
  return rows[0] ? runFromRow(rows[0]) : undefined;
}

/** Newest first; `before` is the queued_at of the last run of the previous page. */
export async function listRuns(
  q: Queryable,
  orgId: string,
  accountId: string,
  page: { limit: number; before?: string },
): Promise<SyncRun[]> {
  const rows = await q.query<RunRow>(
    `SELECT ${COLUMNS} FROM sync_runs
     WHERE org_id = $1 AND cloud_account_id = $2 AND ($3::TIMESTAMPTZ IS NULL OR queued_at < $3::TIMESTAMPTZ)
     ORDER BY queued_at DESC, id DESC LIMIT $4`,
    [orgId, accountId, page.before ?? null, page.limit],
  );
  return rows.map(runFromRow);
}

/** The queued and the running run of an account, if any. */
export async function activeRuns(
  q: Queryable,
  accountId: string,
): Promise<{ queued?: SyncRun; running?: SyncRun }> {
  const rows = await q.query<RunRow>(`SELECT ${COLUMNS} FROM sync_runs WHERE active_slot IN ($1, $2)`, [
    `${accountId}:queued`,
    `${accountId}:running`,
  ]);
  const runs = rows.map(runFromRow);
  return {
    queued: runs.find((r) => r.state === 'queued'),
    running: runs.find((r) => r.state === 'running'),
  };
}

/** Inserts a queued run, or returns undefined when the account already has one queued (the slot is taken). */
export async function insertQueued(
  q: Queryable,
  run: {
    id: string;
    orgId: string;
    accountId: string;
    trigger: SyncTrigger;
    options: RunOptions;
    requestedBy: string | null;
    now: Date;
  },
): Promise<SyncRun | undefined> {
  const rows = await q.query<RunRow>(
    `INSERT INTO sync_runs (id, org_id, cloud_account_id, trigger, state, progress, stages, queued_at, attempts,
       cancel_requested, options, requested_by, active_slot)
     VALUES ($1, $2, $3, $4, 'queued', '{}', '[]', $5, 0, FALSE, $6, $7, $8)
     ON CONFLICT (active_slot) DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      run.id,
      run.orgId,
      run.accountId,
      run.trigger,
      run.now,
      JSON.stringify(run.options),
      run.requestedBy,
      `${run.accountId}:queued`,
    ],
  );
  return rows[0] ? runFromRow(rows[0]) : undefined;
}

/** Sets the options of a run still queued; false when a worker claimed it meanwhile. */
export async function setOptions(q: Queryable, runId: string, options: RunOptions): Promise<boolean> {
  const n = await q.execute(`UPDATE sync_runs SET options = $2 WHERE id = $1 AND state = 'queued'`, [
    runId,
    JSON.stringify(options),
  ]);
  return n > 0;
}

/**
 * Claims the oldest queued run whose account has no running run. `claimLock` is the store dialect's: where
 * several processes claim at once it skips rows other workers are claiming (SKIP LOCKED).
 */
export async function claimNext(
  q: Queryable,
  claimLock: string,
  claim: { workerId: string; now: Date; leaseUntil: Date },
): Promise<SyncRun | undefined> {
  const rows = await q.query<RunRow>(
    `UPDATE sync_runs SET state = 'running', active_slot = cloud_account_id || ':running', worker_id = $1,
       started_at = $2, lease_expires_at = $3, attempts = attempts + 1, stage = NULL, progress = '{}',
       stages = '[]', error = NULL
     WHERE id = (
       SELECT c.id FROM sync_runs c
       WHERE c.state = 'queued' AND NOT EXISTS (
         SELECT 1 FROM sync_runs r WHERE r.active_slot = c.cloud_account_id || ':running')
       ORDER BY c.queued_at, c.id
       LIMIT 1 ${claimLock}
     ) AND state = 'queued'
     RETURNING ${COLUMNS}`,
    [claim.workerId, claim.now, claim.leaseUntil],
  );
  return rows[0] ? runFromRow(rows[0]) : undefined;
}

/** Extends the lease; `held` is false when the run is no longer this worker's (taken over or finished). */
export async function heartbeat(
  q: Queryable,
  runId: string,
  workerId: string,
  leaseUntil: Date,
): Promise<{ held: boolean; cancelRequested: boolean }> {
  const rows = await q.query<{ cancel_requested: boolean }>(
    `UPDATE sync_runs SET lease_expires_at = $3 WHERE id = $1 AND worker_id = $2 AND state = 'running'
     RETURNING cancel_requested`,
    [runId, workerId, leaseUntil],
  );
  return { held: rows.length > 0, cancelRequested: Boolean(rows[0]?.cancel_requested) };
}

export async function saveProgress(
  q: Queryable,
  runId: string,
  workerId: string,
  update: { stage: StageName | null; progress: StageProgress; stages: StageRecord[] },
): Promise<boolean> {
  const n = await q.execute(
    `UPDATE sync_runs SET stage = $3, progress = $4, stages = $5 WHERE id = $1 AND worker_id = $2 AND state = 'running'`,
    [runId, workerId, update.stage, JSON.stringify(update.progress), JSON.stringify(update.stages)],
  );
  return n > 0;
}

export async function finishRun(
  q: Queryable,
  runId: string,
  workerId: string,
  result: { state: RunState; stages: StageRecord[]; error: Diagnostic | null; now: Date },
): Promise<boolean> {
  const n = await q.execute(
    `UPDATE sync_runs SET state = $3, stages = $4, error = $5, finished_at = $6, stage = NULL, active_slot = NULL,
       lease_expires_at = NULL
     WHERE id = $1 AND worker_id = $2 AND state = 'running'`,
    [
      runId,
      workerId,
      result.state,
      JSON.stringify(result.stages),
      result.error ? JSON.stringify(result.error) : null,
      result.now,
    ],
  );
  return n > 0;
}

/**
 * Gives a running run back to the queue (its worker stopped or died) so that a worker runs it again from the
 * first stage. Only when the account has no other queued run and the run has tries left; `guard` is the
 * condition that proves the caller may still act on it (its own worker id, or an expired lease).
 */
export async function requeue(
  q: Queryable,
  runId: string,
  guard: { workerId?: string; expiredBefore?: Date },
  maxAttempts: number,
): Promise<boolean> {
  const n = await q.execute(
    `UPDATE sync_runs SET state = 'queued', active_slot = cloud_account_id || ':queued', worker_id = NULL,
       lease_expires_at = NULL, stage = NULL, progress = '{}'
     WHERE id = $1 AND state = 'running' AND attempts < $2
       AND ($3::TEXT IS NULL OR worker_id = $3::TEXT)
       AND ($4::TIMESTAMPTZ IS NULL OR lease_expires_at < $4::TIMESTAMPTZ)
       AND NOT EXISTS (SELECT 1 FROM sync_runs o WHERE o.active_slot = sync_runs.cloud_account_id || ':queued')`,
    [runId, maxAttempts, guard.workerId ?? null, guard.expiredBefore ?? null],
  );
  return n > 0;
}

/** Marks a running run interrupted; its stages that had not finished are marked interrupted too. */
export async function interrupt(
  q: Queryable,
  run: SyncRun,
  guard: { workerId?: string; expiredBefore?: Date },
  error: Diagnostic,
  now: Date,
): Promise<boolean> {
  const stages = run.stages.map((s) =>
    s.state === 'running' || s.state === 'waiting' ? { ...s, state: 'interrupted' as const } : s,
  );
  const n = await q.execute(
    `UPDATE sync_runs SET state = 'interrupted', active_slot = NULL, lease_expires_at = NULL, finished_at = $4,
       stage = NULL, error = $5, stages = $6
     WHERE id = $1 AND state = 'running'
       AND ($2::TEXT IS NULL OR worker_id = $2::TEXT)
       AND ($3::TIMESTAMPTZ IS NULL OR lease_expires_at < $3::TIMESTAMPTZ)`,
    [
      run.id,
      guard.workerId ?? null,
      guard.expiredBefore ?? null,
      now,
      JSON.stringify(error),
      JSON.stringify(stages),
    ],
  );
  return n > 0;
}

/** Running runs, optionally only those whose lease ran out before `expiredBefore`. */
export async function runningRuns(q: Queryable, expiredBefore?: Date): Promise<SyncRun[]> {
  const rows = await q.query<RunRow>(
    `SELECT ${COLUMNS} FROM sync_runs WHERE state = 'running'
       AND ($1::TIMESTAMPTZ IS NULL OR lease_expires_at < $1::TIMESTAMPTZ) ORDER BY started_at`,
    [expiredBefore ?? null],
  );
  return rows.map(runFromRow);
}

export async function cancelQueued(q: Queryable, runId: string, now: Date): Promise<boolean> {
  const n = await q.execute(
    `UPDATE sync_runs SET state = 'cancelled', cancel_requested = TRUE, active_slot = NULL, finished_at = $2
     WHERE id = $1 AND state = 'queued'`,
    [runId, now],
  );
  return n > 0;
}

export async function requestCancel(q: Queryable, runId: string): Promise<boolean> {
  const n = await q.execute(
    `UPDATE sync_runs SET cancel_requested = TRUE WHERE id = $1 AND state = 'running'`,
    [runId],
  );
  return n > 0;
}
