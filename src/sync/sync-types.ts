import type { FailureClassifier } from './failure-classifier.js';
import type { Log } from '../lib/log.js';
import type { Diagnostic } from '../lib/errors.js';

/** The stages of a run, in the order they run. */
export const STAGE_NAMES = ['validate', 'billing', 'inventory', 'metrics', 'recommendations'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/**
 * Which earlier stages a stage needs to have completed. Billing and inventory only need access; metrics and
 * recommendations work on the inventory of this run, so an inventory that threw skips them rather than letting
 * them compute from stale resources.
 */
export const STAGE_NEEDS: Record<StageName, readonly StageName[]> = {
  validate: [],
  billing: ['validate'],
  inventory: ['validate'],
  metrics: ['validate', 'inventory'],
  recommendations: ['validate', 'inventory'],
};

export const RUN_STATES = [
  'queued',
  'running',
  'succeeded',
  'partial',
  'failed',
  'cancelled',
  'interrupted',
] as const;
export type RunState = (typeof RUN_STATES)[number];
export const FINISHED_STATES: readonly RunState[] = [
  'succeeded',
  'partial',
  'failed',
  'cancelled',
  'interrupted',
];

export const TRIGGERS = ['manual', 'schedule', 'connected', 'member_connected', 'member_removed'] as const;
export type SyncTrigger = (typeof TRIGGERS)[number];

/**
 * `not_ready`: nothing to load yet and nothing to fix (e.g. the first billing export has not been delivered);
 * `skipped`: not applicable to this account or an earlier stage it needs did not succeed.
 */
export type StageState =
  'waiting' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'not_ready' | 'cancelled' | 'interrupted';

export interface StageProgress {
  done?: number;
  total?: number;
  /** What is being worked on, e.g. `2026-10` or `eu-west-1`. */
  message?: string;
}

/** One stage as recorded in `sync_runs.stages`. */
export interface StageRecord {
  name: StageName;
  state: StageState;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  /** Tries of this stage inside the run (transient failures are retried). */
  tries: number;
  counts: Record<string, number>;
  diagnostics: Diagnostic[];
  /** Why a stage was skipped or not ready. */
  note?: string;
  progress?: StageProgress;
}

/** What a stage hands back when it did not throw. */
export interface StageOutcome {
  /** Default `succeeded`. A stage may report `failed` itself when part of its work failed with diagnostics. */
  state?: 'succeeded' | 'failed' | 'skipped' | 'not_ready';
  counts?: Record<string, number>;
  diagnostics?: Diagnostic[];
  note?: string;
}

/** The cloud account as a run sees it. */
export interface SyncAccount {
  id: string;
  orgId: string;
  name: string;
  provider: string;
  type: string;
  awsAccountId: string | null;
  parentId: string | null;
  disabled: boolean;
}

/** Options a trigger passes to its run; joined triggers merge theirs into the queued run. */
export interface RunOptions {
  /** Reload billing periods even when their export has not changed (payer re-import after a member connects). */
  billingForce?: boolean;
  /** Member accounts whose connection asked for the re-import. */
  memberAccountIds?: string[];
}

export interface StageContext<S> {
  runId: string;
  trigger: SyncTrigger;
  options: RunOptions;
  account: SyncAccount;
  /** What validate opened for the run (e.g. AWS credentials and clients); undefined inside validate. */
  session: S;
  /** Aborted when the run is cancelled, the worker shuts down or loses its lease: pass it to every AWS call. */
  signal: AbortSignal;
  progress(update: StageProgress): void;
  log: Log;
}

export type StageFn<S> = (ctx: StageContext<S>) => Promise<StageOutcome>;

/**
 * The work of a run, one function per stage. The composition root wires them to the accounts, billing,
 * inventory and recommendation services; tests pass their own.
 */
export interface SyncStages<S = unknown> {
  validate(ctx: StageContext<undefined>): Promise<StageOutcome & { session: S }>;
  billing: StageFn<S>;
  inventory: StageFn<S>;
  metrics: StageFn<S>;
  recommendations: StageFn<S>;
  /**
   * How the account's provider tells its transient failures (throttling, its faults) from the rest, for the
   * engine's stage retries; without one, only a dropped connection is transient (failure-classifier.ts).
   */
  failures?(account: SyncAccount): FailureClassifier | undefined;
}

export interface SyncRun {
  id: string;
  orgId: string;
  cloudAccountId: string;
  trigger: SyncTrigger;
  state: RunState;
  stage: StageName | null;
  progress: StageProgress;
  stages: StageRecord[];
  options: RunOptions;
  error: Diagnostic | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  workerId: string | null;
  leaseExpiresAt: string | null;
  attempts: number;
  cancelRequested: boolean;
  requestedBy: string | null;
}
