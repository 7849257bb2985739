import type { Clock } from '../lib/clock.js';
import type { Log } from '../lib/log.js';
import type { Store } from '../store/store.js';
import type { AccountSyncStatus } from '../accounts/account-status.js';
import type { SyncSettings } from './sync-settings.js';
import type { RunOptions, SyncRun, SyncStages, SyncTrigger } from './sync-types.js';

export interface SyncServiceDeps<S> {
  store: Store;
  clock: Clock;
  log: Log;
  stages: SyncStages<S>;
  settings: SyncSettings;
  /** Told after each look of this process's worker at the queue, with the runs it claimed. */
  onQueueChecked?: (claimed: number) => void;
}

/** Who asked, for the audit log; system triggers (schedule, account events) have none. */
export interface SyncActor {
  userId: string;
  email: string;
}

export interface TriggerInput {
  orgId: string;
  accountId: string;
  trigger: SyncTrigger;
  actor?: SyncActor | null;
  options?: RunOptions;
}

/**
 * What the accounts service calls when accounts are connected or removed (DESIGN.md §1). An account given
 * without its organization is looked up by its ID.
 */
export interface SyncAccountEvents {
  /** A new account: its first sync starts at once. */
  accountConnected(account: { id: string; orgId?: string }): Promise<void>;
  /** A member account was connected: the payer re-imports its retained billing periods so the member's history appears. */
  memberConnected(
    payerId: string,
    member: { id: string; orgId?: string; awsAccountId?: string | null },
  ): Promise<void>;
  /** The account is gone: its queued run is cancelled and a running one aborted. */
  accountRemoved(account: { id: string; orgId?: string }): Promise<void>;
  /**
   * A member account was removed: the payer re-imports the periods that held it, now without it (the billing
   * load reloads a period whose kept accounts are no longer all connected), so its costs leave the totals.
   */
  memberRemoved(payerId: string, member: { id: string; orgId?: string }): Promise<void>;
}

export interface SyncService {
  /**
   * Queues a run. A queued run of the account is joined (its options merged) rather than doubled; while a run
   * is running, one run queues behind it.
   */
  trigger(input: TriggerInput): Promise<{ run: SyncRun; joined: boolean }>;
  getRun(orgId: string, runId: string): Promise<SyncRun>;
  listRuns(orgId: string, accountId: string, page?: { limit?: number; before?: string }): Promise<SyncRun[]>;
  /** Cancels a queued run at once; a running one is aborted, its AWS calls included. */
  cancel(orgId: string, runId: string, actor?: SyncActor | null): Promise<SyncRun>;
  /** Resolves when the run has finished (a run handed back to the queue is waited for until it finishes). */
  waitForRun(
    orgId: string,
    runId: string,
    options?: { pollMs?: number; signal?: AbortSignal; onUpdate?: (run: SyncRun) => void },
  ): Promise<SyncRun>;
  accountStatus(orgId: string, accountId: string): Promise<AccountSyncStatus>;
  /** The organization's own interval, or null when it follows the server default. */
  organizationInterval(orgId: string): Promise<number | null>;
  /** The organization's default interval (null = the server default). */
  setOrganizationInterval(orgId: string, minutes: number | null, actor: SyncActor): Promise<void>;
  /** The account's own interval (null = the organization's). */
  setAccountInterval(
    orgId: string,
    accountId: string,
    minutes: number | null,
    actor: SyncActor,
  ): Promise<void>;
  /** The organization of an account or a sync run found by its ID alone (undefined: none has that ID). */
  organizationOf(target: { accountId: string } | { runId: string }): Promise<string | undefined>;
  readonly events: SyncAccountEvents;
  /** Starts the worker (claims and runs queued runs) and the scheduler (queues due runs). */
  start(options: { worker: boolean; scheduler: boolean }): Promise<void>;
  /** Stops claiming and scheduling; runs in flight are aborted and handed back to the queue within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** Queues the runs that are due now (what the scheduler does on each tick). */
  scheduleDue(): Promise<number>;
  /** The id of this process's worker, set once it started. */
  readonly workerId: string | undefined;
}
