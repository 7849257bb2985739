import pLimit from 'p-limit';
import type { Diagnostic } from '../lib/errors.js';
import {
  loadAccount,
  markSyncing,
  recordRunOutcome,
  showProgress,
  type PreviousStatus,
} from '../accounts/account-status.js';
import { RunAborted } from './retry.js';
import { executeRun, type ExecuteResult } from './run-executor.js';
import * as runs from './run-store.js';
import { INTERRUPTED_BY_RESTART, isUniqueViolation } from './run-takeover.js';
import type { StageName, StageProgress, StageRecord, SyncRun } from './sync-types.js';
import type { WorkerContext } from './worker-types.js';

/**
 * Runs a claimed run to its end: heartbeats its lease (aborting it when the lease is lost or a cancel is asked
 * for), writes its progress at most once per `progressIntervalMs`, and records its outcome on the run and the
 * account. A run aborted by shutdown goes back to the queue.
 */
export async function runClaimed<S>(
  worker: WorkerContext<S>,
  run: SyncRun,
  controller: AbortController,
): Promise<void> {
  const { store, clock, log } = worker.deps;
  const loaded = await loadAccount(store, run.cloudAccountId, worker.options.defaultIntervalMinutes);
  if (!loaded || loaded.account.disabled) {
    const error: Diagnostic = loaded
      ? {
          code: 'account_disabled',
          message: 'Syncing is turned off for this account.',
          remediation: 'Enable the account to sync it.',
        }
      : {
          code: 'account_removed',
          message: 'The cloud account was removed.',
          remediation: 'Nothing to do.',
        };
    await runs.finishRun(store, run.id, worker.id, {
      state: 'cancelled',
      stages: [],
      error,
      now: clock.now(),
    });
    return;
  }
  const previous = await markSyncing(
    store,
    loaded,
    { id: run.id, stage: null, progress: null },
    run.startedAt ? new Date(run.startedAt) : clock.now(),
  );
  log.info(
    { runId: run.id, cloudAccountId: run.cloudAccountId, trigger: run.trigger, attempt: run.attempts },
    'sync run started',
  );

  // One write at a time per run, so that a late progress write never lands after the final state.
  const writes = pLimit(1);
  const heartbeatMs = Math.max(100, Math.min(worker.options.leaseMs / 4, 5_000));
  const heartbeat = setInterval(() => {
    void writes(async () => {
      const now = clock.now();
      const beat = await runs.heartbeat(
        store,
        run.id,
        worker.id,
        new Date(now.getTime() + worker.options.leaseMs),
      );
      if (!beat.held) controller.abort(new RunAborted('lease_lost'));
      else if (beat.cancelRequested) controller.abort(new RunAborted('cancel'));
    }).catch((err: unknown) => log.warn({ err, runId: run.id }, 'sync heartbeat failed'));
  }, heartbeatMs);

  const progressEvery = worker.options.progressIntervalMs ?? 1_000;
  let latest: { stages: StageRecord[]; stage: StageName | null; progress: StageProgress } | undefined;
  let lastWrite = 0;
  let pending: NodeJS.Timeout | undefined;
  const flush = () => {
    pending = undefined;
    const snapshot = latest;
    if (!snapshot) return;
    latest = undefined;
    lastWrite = Date.now();
    // The run and its account show the same stage: both are written in one transaction.
    void writes(() =>
      store.transaction(async (tx) => {
        if (await runs.saveProgress(tx, run.id, worker.id, snapshot)) {
          await showProgress(tx, run.cloudAccountId, {
            id: run.id,
            stage: snapshot.stage,
            progress: snapshot.progress,
            previous,
          });
        }
      }),
    ).catch((err: unknown) => log.warn({ err, runId: run.id }, 'sync progress write failed'));
  };

  let result: ExecuteResult;
  try {
    result = await executeRun(
      { stages: worker.deps.stages, retry: worker.options.retry, clock, log },
      {
        runId: run.id,
        trigger: run.trigger,
        options: run.options,
        account: loaded.account,
        signal: controller.signal,
        onUpdate: (stages, stage, progress, now) => {
          latest = { stages, stage: stage ?? latest?.stage ?? null, progress };
          if (now || Date.now() - lastWrite >= progressEvery) {
            clearTimeout(pending);
            flush();
          } else {
            pending ??= setTimeout(flush, progressEvery - (Date.now() - lastWrite));
          }
        },
      },
    );
  } finally {
    clearInterval(heartbeat);
    clearTimeout(pending);
  }
  await writes(async () => undefined);
  await record(worker, run, result, previous);
}

async function record<S>(
  worker: WorkerContext<S>,
  run: SyncRun,
  result: ExecuteResult,
  previous: PreviousStatus | undefined,
): Promise<void> {
  const { store, clock, log } = worker.deps;
  if (result.aborted === 'lease_lost') {
    log.warn({ runId: run.id }, 'lost the lease of a sync run; another worker has it');
    return;
  }
  if (result.aborted === 'shutdown') {
    let requeued = false;
    try {
      requeued = await worker.deps.queueLock(() =>
        runs.requeue(store, run.id, { workerId: worker.id }, worker.options.maxAttempts),
      );
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    if (requeued) {
      log.info({ runId: run.id }, 'sync run handed back to the queue on shutdown');
      return;
    }
  }
  await store.transaction(async (tx) => {
    const now = clock.now();
    const done =
      result.state === 'interrupted'
        ? await runs.interrupt(
            tx,
            { ...run, stages: result.stages },
            { workerId: worker.id },
            result.error ?? INTERRUPTED_BY_RESTART,
            now,
          )
        : await runs.finishRun(tx, run.id, worker.id, { ...result, now });
    if (!done) return;
    const loaded = await loadAccount(tx, run.cloudAccountId, worker.options.defaultIntervalMinutes);
    if (loaded) {
      await recordRunOutcome(tx, loaded, { id: run.id, ...result }, now, {
        retrySoon: result.state === 'interrupted',
        previous,
      });
    }
  });
  log.info(
    {
      runId: run.id,
      cloudAccountId: run.cloudAccountId,
      state: result.state,
      stages: result.stages.map((s) => `${s.name}:${s.state}`).join(' '),
    },
    'sync run finished',
  );
}
