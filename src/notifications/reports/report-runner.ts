/**
 * Sends scheduled reports. On the notification checks' schedule, every schedule that is due is built (the CSV the
 * API answers for the same report and period), then claimed and queued in one transaction: the claim moves its
 * due time forward only where it still holds the value this run read, so of any number of processes one sends,
 * and the event's dedupe key (schedule and occurrence) makes a second queueing of the same occurrence a no-op.
 * A report that cannot be built (its saved view was removed) is recorded on its schedule, not sent.
 */
import type { Principal } from '../../auth/permissions.js';
import type { Clock } from '../../lib/clock.js';
import { audit } from '../../auth/audit-log.js';
import { addDays, addMonths, isoDate, monthStart, type IsoDate } from '../../lib/dates.js';
import { NotFoundError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { Log } from '../../lib/log.js';
import type { Store } from '../../store/store.js';
import { requireAlerts } from '../channel-service.js';
import type { DirectRouter } from '../event-router.js';
import type { ReportScheduleStore } from '../report-schedule-store.js';
import { cadenceText, lastOccurrence, nextDue } from './report-cadence.js';
import { reportMessage, type ReportFile } from './report-message.js';
import type { ReportPorts } from './report-ports.js';
import type { ReportSchedule } from './report-schemas.js';

export interface ReportRunnerDeps {
  store: Store;
  clock: Clock;
  log: Log;
  schedules: ReportScheduleStore;
  raiseDirect: DirectRouter;
  ports: () => ReportPorts | undefined;
  /** Tells the delivery worker something was queued. */
  kick(): void;
  /** Sends a delivery written already leased by this process, now, and says how it went. */
  sendNow(orgId: string, deliveryId: string): Promise<{ ok: boolean; error: string | null }>;
  leaseFrom(now: Date): { workerId: string; until: Date };
}

/** The month a showback report sent on `day` covers: the last full month, or the month of the day before. */
export function showbackMonth(period: ReportSchedule['period'], day: IsoDate): IsoDate {
  return period === 'month_to_date' ? monthStart(addDays(day, -1)) : addMonths(monthStart(day), -1);
}

export function createReportRunner(deps: ReportRunnerDeps) {
  const { store, clock, log, schedules } = deps;

  async function build(
    p: ReportPorts,
    s: ReportSchedule,
    day: IsoDate,
  ): Promise<ReportFile | { unavailable: string }> {
    if (s.kind === 'showback') return p.showback(s.orgId, s.target, showbackMonth(s.period, day), s.basis);
    return p.savedView(s.orgId, s.createdBy, s.target);
  }

  const message = (s: ReportSchedule, f: ReportFile) =>
    reportMessage(f, { id: s.id, cadence: cadenceText(s), recipients: s.recipients });

  /** Claims and queues one due schedule; true when this run queued its report. */
  async function runOne(p: ReportPorts, s: ReportSchedule): Promise<boolean> {
    const now = clock.now();
    const occurrence = lastOccurrence(s, now);
    const file = await build(p, s, occurrence);
    const claim = { orgId: s.orgId, id: s.id, expected: s.nextDueAt, next: nextDue(s, now) };
    if ('unavailable' in file) {
      const claimed = await store.transaction((tx) =>
        schedules.claim(tx, claim, { sentAt: null, error: file.unavailable, title: s.title }),
      );
      if (claimed)
        log.warn({ scheduleId: s.id, orgId: s.orgId, reason: file.unavailable }, 'scheduled report not sent');
      return false;
    }
    return store.transaction(async (tx) => {
      if (!(await schedules.claim(tx, claim, { sentAt: now, error: null, title: file.title }))) return false;
      const id = await deps.raiseDirect(tx, {
        orgId: s.orgId,
        type: 'report',
        dedupeKey: `report:${s.id}:${occurrence}`,
        channelId: s.channelId,
        message: message(s, file),
      });
      return id !== undefined;
    });
  }

  return {
    /** Queues every due report once; returns how many were queued. One failing schedule does not stop the rest. */
    async runDue(): Promise<number> {
      const p = deps.ports();
      if (!p) return 0;
      let queued = 0;
      for (const s of await schedules.due(clock.now())) {
        try {
          if (await runOne(p, s)) queued++;
        } catch (err) {
          log.error({ err, scheduleId: s.id, orgId: s.orgId }, 'scheduled report failed');
        }
      }
      if (queued > 0) deps.kick();
      return queued;
    },

    /**
     * Sends a schedule's report now (as of today), once, and says how it went; its due time stays. Its person or
     * anyone who manages alerts may.
     */
    async sendNow(principal: Principal, id: string): Promise<{ ok: boolean; error: string | null }> {
      const s = await schedules.get(principal.orgId, id);
      if (!s) throw new NotFoundError('Report schedule', id);
      const p = deps.ports();
      if (!p) return { ok: false, error: 'Reports are not available in this process.' };
      if (s.createdBy !== principal.userId) requireAlerts(principal);
      const now = clock.now();
      const file = await build(p, s, isoDate(now));
      if ('unavailable' in file) return { ok: false, error: file.unavailable };
      const deliveryId = await store.transaction(async (tx) => {
        await schedules.recordSent(tx, s.orgId, s.id, now, file.title);
        await audit(tx, {
          orgId: s.orgId,
          actorUserId: principal.userId,
          actor: principal.email,
          action: 'report_schedule.send',
          objectType: 'report_schedule',
          objectId: s.id,
          details: { kind: s.kind, target: s.target, channelId: s.channelId },
        });
        return deps.raiseDirect(
          tx,
          {
            orgId: s.orgId,
            type: 'report',
            dedupeKey: `report:${s.id}:now:${newId('rnw')}`,
            channelId: s.channelId,
            message: message(s, file),
          },
          deps.leaseFrom(now),
        );
      });
      if (!deliveryId) return { ok: false, error: 'The report could not be queued.' };
      return deps.sendNow(s.orgId, deliveryId);
    },
  };
}

export type ReportRunner = ReturnType<typeof createReportRunner>;
