import type { Clock } from '../lib/clock.js';
import type { Log } from '../lib/log.js';
import type { Store } from '../store/store.js';
import { claimNextSync, dueAccounts, intervalOf } from '../accounts/account-status.js';

export interface SchedulerDeps {
  store: Store;
  clock: Clock;
  log: Log;
  defaultIntervalMinutes: number;
  enqueue(account: { orgId: string; id: string }): Promise<unknown>;
}

/**
 * Queues a scheduled run for every enabled account whose next sync is due and that is not syncing already (its
 * run sets the next time when it finishes). Moving next_sync_at forward is the claim of the tick: when several
 * processes run a scheduler, only the one whose update matched queues the run.
 */
export async function scheduleDue(deps: SchedulerDeps): Promise<number> {
  const now = deps.clock.now();
  const due = await dueAccounts(deps.store, now);
  let queued = 0;
  for (const row of due) {
    const minutes = intervalOf(row.sync_interval_minutes, row.org_settings, deps.defaultIntervalMinutes);
    const next = new Date(now.getTime() + minutes * 60_000);
    const previous = row.next_sync_at ? new Date(row.next_sync_at) : null;
    if (!(await claimNextSync(deps.store, row.id, next, previous))) continue;
    try {
      await deps.enqueue({ orgId: row.org_id, id: row.id });
      queued++;
    } catch (err) {
      deps.log.warn({ err, cloudAccountId: row.id }, 'could not queue a scheduled sync');
    }
  }
  return queued;
}

export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private tick: Promise<void> | undefined;

  constructor(
    private readonly deps: SchedulerDeps,
    private readonly everyMs: number,
  ) {}

  start(): void {
    if (this.timer) return;
    const run = () => {
      this.tick = scheduleDue(this.deps)
        .then((n) => {
          if (n > 0) this.deps.log.info({ queued: n }, 'scheduled syncs queued');
        })
        .catch((err: unknown) => this.deps.log.error({ err }, 'sync scheduler tick failed'));
    };
    run();
    this.timer = setInterval(run, this.everyMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.tick;
  }
}
