import pLimit from 'p-limit';
import { audit } from '../auth/audit-log.js';
import { ConflictError, NotFoundError } from '../lib/errors.js';
import { accountStatusFromRow, loadAccount, organizationOfAccount } from '../accounts/account-status.js';
import { createAccountEvents } from './account-events.js';
import { DEFAULT_RETRY, sleep } from './retry.js';
import * as runs from './run-store.js';
import { createTrigger } from './run-trigger.js';
import { organizationInterval, setAccountInterval, setOrganizationInterval } from './schedule-settings.js';
import { Scheduler, scheduleDue } from './scheduler.js';
import { SyncWorker } from './sync-worker.js';
import type { SyncActor, SyncService, SyncServiceDeps } from './sync-service-types.js';
import { FINISHED_STATES, type SyncRun } from './sync-types.js';

export type {
  SyncAccountEvents,
  SyncActor,
  SyncService,
  SyncServiceDeps,
  TriggerInput,
} from './sync-service-types.js';
export { syncSettingsFrom, type SyncSettings } from './sync-settings.js';

/** The sync engine of one process: the queue's API, the account events, its worker and its scheduler. */
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

  const trigger = createTrigger({
    store,
    clock,
    log,
    defaultIntervalMinutes: settings.defaultIntervalMinutes,
    lock,
    queued: () => worker?.wake(),
  });

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

  const events = createAccountEvents({
    store,
    clock,
    log,
    defaultIntervalMinutes: settings.defaultIntervalMinutes,
    trigger,
    worker: () => worker,
  });

  return {
    trigger,
    cancel,
    waitForRun,
    events,
    async organizationOf(target) {
      if ('runId' in target) return (await runs.getRun(store, target.runId))?.orgId;
      return organizationOfAccount(store, target.accountId);
    },
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
