import pLimit from 'p-limit';
import { audit } from '../auth/audit-log.js';
import type { Clock } from '../lib/clock.js';
import { ConflictError, NotFoundError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Log } from '../lib/log.js';
import type { Store } from '../store/store.js';
import {
  accountStatusFromRow,
  loadAccount,
  organizationOfAccount,
  type AccountSyncStatus,
} from '../accounts/account-status.js';
import { DEFAULT_RETRY, sleep, type RetryPolicy } from './retry.js';
import * as runs from './run-store.js';
import { organizationInterval, setAccountInterval, setOrganizationInterval } from './schedule-settings.js';
import { Scheduler, scheduleDue } from './scheduler.js';
import { SyncWorker } from './sync-worker.js';
import {
  FINISHED_STATES,
  type RunOptions,
  type SyncRun,
  type SyncStages,
  type SyncTrigger,
} from './sync-types.js';

export interface SyncSettings {
  /** Minutes between scheduled runs unless the organization or the account says otherwise. */
  defaultIntervalMinutes: number;
  /** Runs one process works on at once. */
  concurrency: number;
  leaseMs: number;
  pollMs: number;
  schedulerTickMs?: number;
  maxAttempts?: number;
  retry?: RetryPolicy;
  progressIntervalMs?: number;
}

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

function mergeOptions(a: RunOptions, b: RunOptions): RunOptions {
  const members = [...new Set([...(a.memberAccountIds ?? []), ...(b.memberAccountIds ?? [])])];
  return {
    ...a,
    ...b,
    billingForce: Boolean(a.billingForce || b.billingForce) || undefined,
    memberAccountIds: members.length > 0 ? members : undefined,
  };
}

export function createSyncService<S>(deps: SyncServiceDeps<S>): SyncService {
  const { store, clock, log, settings } = deps;
  const scheduleDeps = { store, clock, defaultIntervalMinutes: settings.defaultIntervalMinutes };
  const queueLock = pLimit(1);
  const lock = <T>(fn: () => Promise<T>) => queueLock(fn);
  let worker: SyncWorker<S> | undefined;
  let scheduler: Scheduler | undefined;

  async function requireRun(orgId: string, runId: string): Promise<SyncRun> {
    const run = await runs.getRun(store, runId, orgId);
    if (!run) throw new NotFoundError('Sync run', runId);
    return run;
  }

  async function trigger(input: TriggerInput): Promise<{ run: SyncRun; joined: boolean }> {
    const loaded = await loadAccount(store, input.accountId, settings.defaultIntervalMinutes, input.orgId);
    if (!loaded) throw new NotFoundError('Cloud account', input.accountId);
    if (loaded.account.disabled) {
      throw new ConflictError(`Cloud account ${input.accountId} is disabled; enable it to sync it.`);
    }
    const options = input.options ?? {};
    const result = await lock(async () => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const outcome = await store.transaction(async (tx) => {
          const { queued } = await runs.activeRuns(tx, input.accountId);
          let run: SyncRun | undefined;
          let joined = false;
          if (queued) {
            const merged = mergeOptions(queued.options, options);
            // A worker may claim the run in between: then its options are fixed, and this trigger queues anew.
            if (
              JSON.stringify(merged) !== JSON.stringify(queued.options) &&
              !(await runs.setOptions(tx, queued.id, merged))
            ) {
              return undefined;
            }
            run = { ...queued, options: merged };
            joined = true;
          } else {
            run = await runs.insertQueued(tx, {
              id: newId('run'),
              orgId: input.orgId,
              accountId: input.accountId,
              trigger: input.trigger,
              options,
              requestedBy: input.actor?.userId ?? null,
              now: clock.now(),
            });
          }
          if (run && input.actor) {
            await audit(tx, {
              orgId: input.orgId,
              actorUserId: input.actor.userId,
              actor: input.actor.email,
              action: 'sync.trigger',
              objectType: 'cloud_account',
              objectId: input.accountId,
              details: { runId: run.id, joined },
            });
          }
          return run ? { run, joined } : undefined;
        });
        // The queue changed under us (another process queued or claimed a run in the same instant): look again.
        if (outcome) return outcome;
      }
      throw new ConflictError('The sync queue of this account is busy; try again.');
    });
    if (!result.joined) {
      log.info(
        { runId: result.run.id, cloudAccountId: input.accountId, trigger: input.trigger },
        'sync run queued',
      );
    }
    worker?.wake();
    return result;
  }

  async function cancel(orgId: string, runId: string, actor?: SyncActor | null): Promise<SyncRun> {
    const run = await requireRun(orgId, runId);
    if (run.state === 'cancelled') return run;
    if (FINISHED_STATES.includes(run.state)) {
      throw new ConflictError(
        `Sync run ${runId} already finished (${run.state}); there is nothing to cancel.`,
      );
    }
    await store.transaction(async (tx) => {
      const changed =
        (await runs.cancelQueued(tx, runId, clock.now())) || (await runs.requestCancel(tx, runId));
      if (changed && actor) {
        await audit(tx, {
          orgId,
          actorUserId: actor.userId,
          actor: actor.email,
          action: 'sync.cancel',
          objectType: 'sync_run',
          objectId: runId,
          details: { cloudAccountId: run.cloudAccountId, state: run.state },
        });
      }
    });
    // The run may be this process's: abort it now rather than at its next heartbeat.
    worker?.abort(runId, 'cancel');
    return requireRun(orgId, runId);
  }

  async function waitForRun(
    orgId: string,
    runId: string,
    options: { pollMs?: number; signal?: AbortSignal; onUpdate?: (run: SyncRun) => void } = {},
  ): Promise<SyncRun> {
    const signal = options.signal ?? new AbortController().signal;
    for (;;) {
      const run = await requireRun(orgId, runId);
      options.onUpdate?.(run);
      if (FINISHED_STATES.includes(run.state)) return run;
      await sleep(options.pollMs ?? 500, signal);
    }
  }

  async function orgIdOf(account: { id: string; orgId?: string }): Promise<string | undefined> {
    if (account.orgId) return account.orgId;
    return organizationOfAccount(store, account.id);
  }

  const events: SyncAccountEvents = {
    async accountConnected(account) {
      try {
        const orgId = await orgIdOf(account);
        if (orgId) await trigger({ orgId, accountId: account.id, trigger: 'connected' });
      } catch (err) {
        log.error(
          { err, cloudAccountId: account.id },
          'could not queue the first sync of a connected account',
        );
      }
    },
    async memberConnected(payerId, member) {
      try {
        const orgId = await orgIdOf(member);
        if (!orgId) return;
        const memberAccount = member.awsAccountId
          ? undefined
          : await loadAccount(store, member.id, settings.defaultIntervalMinutes, orgId);
        await trigger({
          orgId,
          accountId: payerId,
          trigger: 'member_connected',
          options: {
            billingForce: true,
            memberAccountIds: [member.awsAccountId ?? memberAccount?.account.awsAccountId ?? member.id],
          },
        });
      } catch (err) {
        log.error(
          { err, cloudAccountId: payerId, memberId: member.id },
          "could not queue the payer's re-import for a connected member account",
        );
      }
    },
    async memberRemoved(payerId, member) {
      try {
        const orgId = await orgIdOf(member);
        if (orgId) await trigger({ orgId, accountId: payerId, trigger: 'member_removed' });
      } catch (err) {
        log.error(
          { err, cloudAccountId: payerId, memberId: member.id },
          "could not queue the payer's re-import for a removed member account",
        );
      }
    },
    async accountRemoved(account) {
      // The removal may already have deleted the account's runs: stop this process's run by its account.
      worker?.abortAccount(account.id, 'cancel');
      try {
        const { queued, running } = await runs.activeRuns(store, account.id);
        if (queued) await runs.cancelQueued(store, queued.id, clock.now());
        if (running) {
          await runs.requestCancel(store, running.id);
          worker?.abort(running.id, 'cancel');
        }
      } catch (err) {
        log.error({ err, cloudAccountId: account.id }, 'could not cancel the sync runs of a removed account');
      }
    },
  };

  return {
    trigger,
    cancel,
    waitForRun,
    events,
    get workerId() {
      return worker?.id;
    },
    getRun: requireRun,
    async listRuns(orgId, accountId, page = {}) {
      const loaded = await loadAccount(store, accountId, settings.defaultIntervalMinutes, orgId);
      if (!loaded) throw new NotFoundError('Cloud account', accountId);
      return runs.listRuns(store, orgId, accountId, { limit: page.limit ?? 20, before: page.before });
    },
    async accountStatus(orgId, accountId) {
      const loaded = await loadAccount(store, accountId, settings.defaultIntervalMinutes, orgId);
      if (!loaded) throw new NotFoundError('Cloud account', accountId);
      return accountStatusFromRow(loaded.row);
    },
    organizationInterval: (orgId) => organizationInterval(store, orgId),
    setOrganizationInterval: (orgId, minutes, actor) =>
      setOrganizationInterval(scheduleDeps, orgId, minutes, actor),
    setAccountInterval: (orgId, accountId, minutes, actor) =>
      setAccountInterval(scheduleDeps, orgId, accountId, minutes, actor),
    scheduleDue: () =>
      scheduleDue({
        store,
        clock,
        log,
        defaultIntervalMinutes: settings.defaultIntervalMinutes,
        enqueue: (a) => trigger({ orgId: a.orgId, accountId: a.id, trigger: 'schedule' }),
      }),
    async start(options) {
      if (options.worker && !worker) {
        worker = new SyncWorker(
          { store, clock, log, stages: deps.stages, queueLock: lock, onQueueChecked: deps.onQueueChecked },
          {
            concurrency: settings.concurrency,
            leaseMs: settings.leaseMs,
            pollMs: settings.pollMs,
            maxAttempts: settings.maxAttempts ?? 3,
            retry: settings.retry ?? DEFAULT_RETRY,
            defaultIntervalMinutes: settings.defaultIntervalMinutes,
            progressIntervalMs: settings.progressIntervalMs,
          },
        );
        // This process alone opens the database: a run it finds running was left by a process that died.
        if (store.traits.soleProcess) await worker.recoverAbandoned();
        worker.start();
      }
      if (options.scheduler && !scheduler) {
        scheduler = new Scheduler(
          {
            store,
            clock,
            log,
            defaultIntervalMinutes: settings.defaultIntervalMinutes,
            enqueue: (a) => trigger({ orgId: a.orgId, accountId: a.id, trigger: 'schedule' }),
          },
          settings.schedulerTickMs ?? 30_000,
        );
        scheduler.start();
      }
    },
    async stop(graceMs) {
      await scheduler?.stop();
      scheduler = undefined;
      await worker?.stop(graceMs);
      worker = undefined;
    },
  };
}

/** The sync settings of a configuration. */
export function syncSettingsFrom(config: {
  syncIntervalMinutes: number;
  maxConcurrentSyncs: number;
  syncLeaseSeconds: number;
  syncPollMs: number;
}): SyncSettings {
  return {
    defaultIntervalMinutes: config.syncIntervalMinutes,
    concurrency: config.maxConcurrentSyncs,
    leaseMs: config.syncLeaseSeconds * 1000,
    pollMs: config.syncPollMs,
  };
}
