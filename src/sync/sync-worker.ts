import { hostname } from 'node:os';
import pLimit from 'p-limit';
import type { Clock } from '../lib/clock.js';
import type { Diagnostic } from '../lib/errors.js';
import { randomToken } from '../lib/ids.js';
import type { Log } from '../lib/log.js';
import type { Store } from '../store/store.js';
import {
  loadAccount,
  markSyncing,
  recordRunOutcome,
  showProgress,
  type PreviousStatus,
} from '../accounts/account-status.js';
import { RunAborted, type AbortKind, type RetryPolicy } from './retry.js';
import { executeRun, type ExecuteResult } from './run-executor.js';
import * as runs from './run-store.js';
import type { StageName, StageProgress, StageRecord, SyncRun, SyncStages } from './sync-types.js';

export interface WorkerOptions {
  /** Runs this process works on at once. */
  concurrency: number;
  /** How long a claimed run stays this worker's without a heartbeat; after that another worker takes it. */
  leaseMs: number;
  /** How often an idle worker looks at the queue (a trigger in the same process wakes it at once). */
  pollMs: number;
  /** Claims of one run before a worker gives up on it (a run that keeps killing its workers). */
  maxAttempts: number;
  retry: RetryPolicy;
  defaultIntervalMinutes: number;
  /** Minimum time between two progress writes of one run. */
  progressIntervalMs?: number;
}

export interface WorkerDeps<S> {
  store: Store;
  clock: Clock;
  log: Log;
  stages: SyncStages<S>;
  /** Serializes queue changes inside the process (the embedded engine has no row locks to skip). */
  queueLock: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Told after each look at the queue, with the runs it claimed (0 when nothing could be claimed). */
  onQueueChecked?: (claimed: number) => void;
}

interface InFlight {
  run: SyncRun;
  controller: AbortController;
  done: Promise<void>;
}

const INTERRUPTED_BY_RESTART: Diagnostic = {
  code: 'sync_interrupted',
  message:
    'The sync was interrupted because the process running it stopped; the data loaded before it is kept.',
  remediation: 'Nothing to fix: the next run starts from the beginning.',
};

const LEASE_EXPIRED: Diagnostic = {
  code: 'sync_interrupted',
  message:
    'The worker running this sync stopped answering (its lease expired) and the run could not be queued again.',
  remediation: 'Nothing to fix: the next scheduled or manual sync starts from the beginning.',
};

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return (
    e?.code === '23505' ||
    (typeof e?.message === 'string' && /duplicate key|unique constraint/i.test(e.message))
  );
}

export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomToken(4)}`;
}

/** Claims queued runs and runs them, heartbeating their leases; takes over runs whose worker died. */
export class SyncWorker<S> {
  readonly id = newWorkerId();
  private readonly inFlight = new Map<string, InFlight>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;

  constructor(
    private readonly deps: WorkerDeps<S>,
    private readonly options: WorkerOptions,
  ) {}

  get activeRunIds(): string[] {
    return [...this.inFlight.keys()];
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.deps.log.info({ workerId: this.id, concurrency: this.options.concurrency }, 'sync worker started');
    this.loop = this.runLoop();
  }

  /** Look at the queue now (a run was queued or one finished). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Aborts a run this worker holds; false when it holds no such run. */
  abort(runId: string, kind: AbortKind): boolean {
    const f = this.inFlight.get(runId);
    if (!f) return false;
    if (!f.controller.signal.aborted) f.controller.abort(new RunAborted(kind));
    return true;
  }

  /** Aborts whatever run of this account this worker holds (the account was removed). */
  abortAccount(accountId: string, kind: AbortKind): void {
    for (const f of this.inFlight.values())
      if (f.run.cloudAccountId === accountId) this.abort(f.run.id, kind);
  }

  /**
   * Stops claiming, aborts the runs in flight and waits up to `graceMs` for them to hand their runs back to
   * the queue. A run still busy after that keeps its lease until it expires and another worker takes it.
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    for (const id of this.inFlight.keys()) this.abort(id, 'shutdown');
    const all = Promise.all([...this.inFlight.values()].map((f) => f.done));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    await this.loop;
    this.deps.log.info({ workerId: this.id }, 'sync worker stopped');
  }

  /** Runs left 'running' by a process that died (embedded engine: only this process uses the file). */
  async recoverAbandoned(): Promise<number> {
    const { store, clock } = this.deps;
    const abandoned = await runs.runningRuns(store);
    for (const run of abandoned) {
      await store.transaction(async (tx) => {
        if (await runs.interrupt(tx, run, {}, INTERRUPTED_BY_RESTART, clock.now())) {
          const loaded = await loadAccount(tx, run.cloudAccountId, this.options.defaultIntervalMinutes);
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
      this.deps.log.warn(
        { runId: run.id, cloudAccountId: run.cloudAccountId },
        'marked an abandoned sync run interrupted',
      );
    }
    return abandoned.length;
  }

  /** Takes over runs whose lease expired: back to the queue, or interrupted when that is not possible. */
  async sweepExpired(): Promise<number> {
    const { store, clock, log } = this.deps;
    const now = clock.now();
    const expired = await runs.runningRuns(store, now);
    let taken = 0;
    for (const run of expired) {
      if (this.inFlight.has(run.id)) continue;
      let requeued = false;
      try {
        requeued = await this.deps.queueLock(() =>
          runs.requeue(store, run.id, { expiredBefore: now }, this.options.maxAttempts),
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
        if (!(await runs.interrupt(tx, run, { expiredBefore: now }, LEASE_EXPIRED, clock.now())))
          return false;
        const loaded = await loadAccount(tx, run.cloudAccountId, this.options.defaultIntervalMinutes);
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
    if (taken > 0) this.wake();
    return taken;
  }

  private async runLoop(): Promise<void> {
    let lastSweep = 0;
    while (this.running) {
      this.woken = false;
      try {
        if (Date.now() - lastSweep >= Math.min(this.options.leaseMs / 2, 5_000)) {
          lastSweep = Date.now();
          await this.sweepExpired();
        }
        let claimed = 0;
        while (this.running && this.inFlight.size < this.options.concurrency) {
          const run = await this.claim();
          if (!run) break;
          this.launch(run);
          claimed++;
        }
        this.deps.onQueueChecked?.(claimed);
      } catch (err) {
        this.deps.log.error({ err, workerId: this.id }, 'sync worker loop failed; trying again');
      }
      if (!this.running) break;
      if (this.woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private async claim(): Promise<SyncRun | undefined> {
    const { store, clock } = this.deps;
    try {
      return await this.deps.queueLock(() => {
        const now = clock.now();
        return runs.claimNext(store, store.dialect.claimLock, {
          workerId: this.id,
          now,
          leaseUntil: new Date(now.getTime() + this.options.leaseMs),
        });
      });
    } catch (err) {
      // Another process claimed a run of the same account in the same instant: the unique slot refused ours.
      if (isUniqueViolation(err)) return undefined;
      throw err;
    }
  }

  private launch(run: SyncRun): void {
    const controller = new AbortController();
    const entry: InFlight = { run, controller, done: Promise.resolve() };
    this.inFlight.set(run.id, entry);
    entry.done = this.execute(run, controller)
      .catch((err: unknown) => this.deps.log.error({ err, runId: run.id }, 'sync run failed to record'))
      .finally(() => {
        this.inFlight.delete(run.id);
        this.wake();
      });
  }

  private async execute(run: SyncRun, controller: AbortController): Promise<void> {
    const { store, clock, log } = this.deps;
    const loaded = await loadAccount(store, run.cloudAccountId, this.options.defaultIntervalMinutes);
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
      await runs.finishRun(store, run.id, this.id, {
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
    const heartbeatMs = Math.max(100, Math.min(this.options.leaseMs / 4, 5_000));
    const heartbeat = setInterval(() => {
      void writes(async () => {
        const now = clock.now();
        const beat = await runs.heartbeat(
          store,
          run.id,
          this.id,
          new Date(now.getTime() + this.options.leaseMs),
        );
        if (!beat.held) controller.abort(new RunAborted('lease_lost'));
        else if (beat.cancelRequested) controller.abort(new RunAborted('cancel'));
      }).catch((err: unknown) => log.warn({ err, runId: run.id }, 'sync heartbeat failed'));
    }, heartbeatMs);

    const progressEvery = this.options.progressIntervalMs ?? 1_000;
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
          if (await runs.saveProgress(tx, run.id, this.id, snapshot)) {
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
        { stages: this.deps.stages, retry: this.options.retry, clock, log },
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
    await this.record(run, result, previous);
  }

  private async record(
    run: SyncRun,
    result: ExecuteResult,
    previous: PreviousStatus | undefined,
  ): Promise<void> {
    const { store, clock, log } = this.deps;
    if (result.aborted === 'lease_lost') {
      log.warn({ runId: run.id }, 'lost the lease of a sync run; another worker has it');
      return;
    }
    if (result.aborted === 'shutdown') {
      let requeued = false;
      try {
        requeued = await this.deps.queueLock(() =>
          runs.requeue(store, run.id, { workerId: this.id }, this.options.maxAttempts),
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
              { workerId: this.id },
              result.error ?? INTERRUPTED_BY_RESTART,
              now,
            )
          : await runs.finishRun(tx, run.id, this.id, { ...result, now });
      if (!done) return;
      const loaded = await loadAccount(tx, run.cloudAccountId, this.options.defaultIntervalMinutes);
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
}
