import type { Diagnostic } from '../lib/errors.js';
import { loadAccount, recordRunOutcome } from '../accounts/account-status.js';
import * as runs from './run-store.js';
import type { WorkerContext } from './worker-types.js';

export const INTERRUPTED_BY_RESTART: Diagnostic = {
  code: 'sync_interrupted',
  message:
    'The sync was interrupted because the process running it stopped; the data loaded before it is kept.',
  remediation: 'Nothing to fix: the next run starts from the beginning.',
};

export const LEASE_EXPIRED: Diagnostic = {
  code: 'sync_interrupted',
  message:
    'The worker running this sync stopped answering (its lease expired) and the run could not be queued again.',
  remediation: 'Nothing to fix: the next scheduled or manual sync starts from the beginning.',
};

export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return (
    e?.code === '23505' ||
    (typeof e?.message === 'string' && /duplicate key|unique constraint/i.test(e.message))
  );
}

/** Runs left 'running' by a process that died (embedded engine: only this process uses the file). */
export async function recoverAbandoned<S>(worker: WorkerContext<S>): Promise<number> {
  const { store, clock } = worker.deps;
  const abandoned = await runs.runningRuns(store);
  for (const run of abandoned) {
    await store.transaction(async (tx) => {
      if (await runs.interrupt(tx, run, {}, INTERRUPTED_BY_RESTART, clock.now())) {
        const loaded = await loadAccount(tx, run.cloudAccountId, worker.options.defaultIntervalMinutes);
        if (loaded) {
          await recordRunOutcome(
            tx,
            loaded,
            { ...run, state: 'interrupted', error: INTERRUPTED_BY_RESTART },
            clock.now(),
            { retrySoon: true },
          );
        }
      }
    });
    worker.deps.log.warn(
      { runId: run.id, cloudAccountId: run.cloudAccountId },
      'marked an abandoned sync run interrupted',
    );
  }
  return abandoned.length;
}

/**
 * Takes over runs whose lease expired: back to the queue, or interrupted when that is not possible. Runs that
 * `held` names are this worker's own and left alone.
 */
export async function sweepExpired<S>(
  worker: WorkerContext<S>,
  held: (runId: string) => boolean,
): Promise<number> {
  const { store, clock, log } = worker.deps;
  const now = clock.now();
  const expired = await runs.runningRuns(store, now);
  let taken = 0;
  for (const run of expired) {
    if (held(run.id)) continue;
    let requeued = false;
    try {
      requeued = await worker.deps.queueLock(() =>
        runs.requeue(store, run.id, { expiredBefore: now }, worker.options.maxAttempts),
      );
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    if (requeued) {
      taken++;
      log.warn({ runId: run.id, previousWorker: run.workerId }, 'sync run lease expired; queued it again');
      continue;
    }
    const interrupted = await store.transaction(async (tx) => {
      if (!(await runs.interrupt(tx, run, { expiredBefore: now }, LEASE_EXPIRED, clock.now()))) return false;
      const loaded = await loadAccount(tx, run.cloudAccountId, worker.options.defaultIntervalMinutes);
      if (loaded) {
        await recordRunOutcome(
          tx,
          loaded,
          { ...run, state: 'interrupted', error: LEASE_EXPIRED },
          clock.now(),
        );
      }
      return true;
    });
    if (interrupted) {
      taken++;
      log.warn(
        { runId: run.id, previousWorker: run.workerId },
        'sync run lease expired; marked it interrupted',
      );
    }
  }
  return taken;
}
