import { hostname } from 'node:os';
import { randomToken } from '../lib/ids.js';
import { RunAborted, type AbortKind } from './retry.js';
import { runClaimed } from './claimed-run.js';
import * as runs from './run-store.js';
import { isUniqueViolation, recoverAbandoned, sweepExpired } from './run-takeover.js';
import type { SyncRun } from './sync-types.js';
import type { WorkerContext, WorkerDeps, WorkerOptions } from './worker-types.js';

export type { WorkerDeps, WorkerOptions } from './worker-types.js';

interface InFlight {
  run: SyncRun;
  controller: AbortController;
  done: Promise<void>;
}

export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomToken(4)}`;
}

/** Claims queued runs and runs them, heartbeating their leases; takes over runs whose worker died. */
export class SyncWorker<S> implements WorkerContext<S> {
  readonly id = newWorkerId();
  private readonly inFlight = new Map<string, InFlight>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;

  constructor(
    readonly deps: WorkerDeps<S>,
    readonly options: WorkerOptions,
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
  recoverAbandoned(): Promise<number> {
    return recoverAbandoned(this);
  }

  /** Takes over runs whose lease expired: back to the queue, or interrupted when that is not possible. */
  async sweepExpired(): Promise<number> {
    const taken = await sweepExpired(this, (runId) => this.inFlight.has(runId));
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
    entry.done = runClaimed(this, run, controller)
      .catch((err: unknown) => this.deps.log.error({ err, runId: run.id }, 'sync run failed to record'))
      .finally(() => {
        this.inFlight.delete(run.id);
        this.wake();
      });
  }
}
