import { audit } from '../auth/audit-log.js';
import type { Clock } from '../lib/clock.js';
import { ConflictError, NotFoundError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Log } from '../lib/log.js';
import type { Store } from '../store/store.js';
import { loadAccount } from '../accounts/account-status.js';
import * as runs from './run-store.js';
import type { TriggerInput } from './sync-service-types.js';
import type { RunOptions, SyncRun } from './sync-types.js';

export interface TriggerDeps {
  store: Store;
  clock: Clock;
  log: Log;
  defaultIntervalMinutes: number;
  /** The process's queue lock: one trigger or claim at a time. */
  lock: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Called once a run was queued, so that this process's worker looks at the queue now. */
  queued: () => void;
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

/**
 * Queueing a run: a queued run of the account is joined (its options merged) rather than doubled; while a run
 * is running, one run queues behind it.
 */
export function createTrigger(
  deps: TriggerDeps,
): (input: TriggerInput) => Promise<{ run: SyncRun; joined: boolean }> {
  const { store, clock, log, lock } = deps;
  return async function trigger(input: TriggerInput): Promise<{ run: SyncRun; joined: boolean }> {
    const loaded = await loadAccount(store, input.accountId, deps.defaultIntervalMinutes, input.orgId);
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
    deps.queued();
    return result;
  };
}
