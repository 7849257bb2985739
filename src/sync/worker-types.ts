import type { Clock } from '../lib/clock.js';
import type { Log } from '../lib/log.js';
import type { Store } from '../store/store.js';
import type { RetryPolicy } from './retry.js';
import type { SyncStages } from './sync-types.js';

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

/** What a worker's parts share: its ID, its dependencies and its options. */
export interface WorkerContext<S> {
  id: string;
  deps: WorkerDeps<S>;
  options: WorkerOptions;
}
