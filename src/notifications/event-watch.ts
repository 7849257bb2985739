import type { Clock } from '../lib/clock.js';
import type { Log } from '../lib/log.js';
import { anomalyCheck } from './events/anomaly-check.js';
import { commitmentCheck } from './events/commitment-check.js';
import type { EventCheck, EventSourcePorts } from './events/event-sources.js';
import { recommendationCheck } from './events/recommendation-check.js';
import { staleCheck } from './events/stale-check.js';
import { syncCheck } from './events/sync-check.js';
import type { RaisedEvent } from './notification-types.js';
import type { OutboxStore } from './outbox-store.js';
import type { RuleStore } from './rule-store.js';

export const EVENT_CHECKS: readonly EventCheck[] = [
  anomalyCheck,
  syncCheck,
  staleCheck,
  recommendationCheck,
  commitmentCheck,
];

export interface EventWatchDeps {
  rules: RuleStore;
  outbox: Pick<OutboxStore, 'lastEvent'>;
  clock: Clock;
  log: Log;
  raise(e: RaisedEvent): Promise<number>;
  /** Runs after the checks on the same schedule (digests, reports); returns how many deliveries it queued. */
  afterChecks?(): Promise<number>;
}

/**
 * The scheduled checks (anomalies, sync state, stale data, recommendations): each looks at the organizations
 * with a rule of its types and raises what it finds. Events are deduplicated by key, so any number of processes
 * may run the checks; one failing organization or check does not stop the others.
 */
export function createEventWatch(deps: EventWatchDeps) {
  let ports: EventSourcePorts | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function runChecks(): Promise<number> {
    if (!ports) return 0;
    const p = ports;
    let queued = 0;
    // Budgets on the schedule too (not only after loads): a period's forecast moves as its days pass.
    await p
      .evaluateBudgets()
      .catch((err: unknown) => deps.log.error({ err }, 'scheduled budget evaluation failed'));
    for (const check of EVENT_CHECKS) {
      const orgs = new Set<string>();
      for (const t of check.types) for (const o of await deps.rules.orgsWith(t)) orgs.add(o);
      for (const orgId of orgs) {
        try {
          const events = await check.find(orgId, p, {
            now: deps.clock.now(),
            rulesOf: (o, t) => deps.rules.enabledFor(o, t),
            lastEvent: (o, prefix) => deps.outbox.lastEvent(o, prefix),
          });
          for (const e of events) queued += await deps.raise(e);
        } catch (err) {
          deps.log.error({ err, orgId, check: check.types.join(',') }, 'notification check failed');
        }
      }
    }
    if (deps.afterChecks)
      queued += await deps.afterChecks().catch((err: unknown) => {
        deps.log.error({ err }, 'scheduled digests or reports failed');
        return 0;
      });
    return queued;
  }

  return {
    /** The other domains' read ports; set once by the composition root (checks do nothing before). */
    setPorts(p: EventSourcePorts): void {
      ports = p;
    },
    /** Runs every check once now (also what the timer does). */
    async runChecks(): Promise<number> {
      running ??= runChecks().finally(() => (running = undefined));
      return running;
    },
    start(intervalMs: number): void {
      if (timer) return;
      const tick = () =>
        void this.runChecks().catch((err: unknown) => deps.log.error({ err }, 'notification checks'));
      timer = setInterval(tick, intervalMs);
      timer.unref();
      tick();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

export type EventWatch = ReturnType<typeof createEventWatch>;
