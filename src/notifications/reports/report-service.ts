/**
 * Scheduled e-mail reports: create, change, list and remove schedules. What is sent, and when, is the runner's
 * (report-runner.ts). Anyone may schedule a report to their own address; sending one to a channel's recipients or
 * to other addresses is an alert setting, like a digest for a whole channel.
 */
import { inputErrorOf } from '../../accounts/account-schemas.js';
import { audit } from '../../auth/audit-log.js';
import type { Principal } from '../../auth/permissions.js';
import type { Clock } from '../../lib/clock.js';
import { InputError, NotFoundError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { Queryable, Store } from '../../store/store.js';
import type { ChannelService } from '../channel-service.js';
import { requireAlerts } from '../channel-service.js';
import type { ReportScheduleStore } from '../report-schedule-store.js';
import { cadenceText, nextDue, WEEKDAYS, type Cadence, type Weekday } from './report-cadence.js';
import type { ReportPorts } from './report-ports.js';
import {
  createReportScheduleSchema,
  updateReportScheduleSchema,
  type ReportSchedule,
} from './report-schemas.js';

export interface ReportServiceDeps {
  store: Store;
  clock: Clock;
  schedules: ReportScheduleStore;
  channels: Pick<ChannelService, 'find'>;
  ports: () => ReportPorts | undefined;
}

/** A schedule as answers show it. */
export function reportScheduleView(s: ReportSchedule) {
  return {
    id: s.id,
    kind: s.kind,
    dimension: s.kind === 'showback' ? s.target : null,
    viewId: s.kind === 'saved_view' ? s.target : null,
    title: s.title,
    period: s.period,
    basis: s.kind === 'showback' ? s.basis : null,
    frequency: s.frequency,
    weekday: s.frequency === 'weekly' ? (WEEKDAYS[s.day - 1] ?? null) : null,
    dayOfMonth: s.frequency === 'monthly' ? s.day : null,
    cadence: cadenceText(s),
    channelId: s.channelId,
    recipients: s.recipients,
    createdBy: s.createdBy,
    createdAt: s.createdAt,
    nextDueAt: s.nextDueAt,
    lastSentAt: s.lastSentAt,
    lastError: s.lastError,
  };
}

const dayOf = (frequency: Cadence['frequency'], weekday?: Weekday, dayOfMonth?: number): number =>
  frequency === 'weekly' ? WEEKDAYS.indexOf(weekday!) + 1 : dayOfMonth!;

/** Only the caller's own address needs no alert permission. */
function requireMayAddress(p: Principal, recipients: string[]): void {
  const own = recipients.length === 1 && recipients[0].toLowerCase() === p.email.toLowerCase();
  if (!own) requireAlerts(p);
}

export function createReportService(deps: ReportServiceDeps) {
  const { store, clock, schedules } = deps;

  function ports(): ReportPorts {
    const p = deps.ports();
    if (!p) throw new Error('scheduled reports are not wired to the other domains');
    return p;
  }

  async function emailChannel(orgId: string, idOrName: string): Promise<string> {
    const channel = await deps.channels.find(orgId, idOrName).catch(() => {
      throw new InputError('channel', `channel: no notification channel "${idOrName}"`);
    });
    if (channel.kind !== 'email')
      throw new InputError(
        'channel',
        `channel: "${channel.name}" is a ${channel.kind} channel; reports are sent by e-mail`,
      );
    return channel.id;
  }

  function record(tx: Queryable, p: Principal, action: string, s: ReportSchedule) {
    return audit(tx, {
      orgId: s.orgId,
      actorUserId: p.userId,
      actor: p.email,
      action,
      objectType: 'report_schedule',
      objectId: s.id,
      details: {
        kind: s.kind,
        target: s.target,
        cadence: cadenceText(s),
        channelId: s.channelId,
        recipients: s.recipients.length,
      },
    });
  }

  async function mustGet(orgId: string, id: string): Promise<ReportSchedule> {
    const s = await schedules.get(orgId, id);
    if (!s) throw new NotFoundError('Report schedule', id);
    return s;
  }

  return {
    list: (orgId: string) => schedules.list(orgId),
    get: mustGet,

    async create(p: Principal, raw: unknown): Promise<ReportSchedule> {
      const parsed = createReportScheduleSchema.safeParse(raw);
      if (!parsed.success) throw inputErrorOf(parsed.error);
      const input = parsed.data;
      const recipients = input.recipients ?? [];
      requireMayAddress(p, recipients);
      const channelId = await emailChannel(p.orgId, input.channel);
      const r = ports();
      let target: string;
      let title: string;
      if (input.kind === 'showback') {
        target = await r.dimension(p.orgId, input.dimension!).catch((err: unknown) => {
          if (err instanceof NotFoundError)
            throw new InputError('dimension', `dimension: no allocation dimension "${input.dimension}"`);
          throw err;
        });
        title = `Showback of ${target}`;
      } else {
        target = input.viewId!;
        title = `Saved view “${await r.viewName(p, target).catch((err: unknown) => {
          if (err instanceof NotFoundError)
            throw new InputError('viewId', `viewId: no saved view "${target}" that you can see`);
          throw err;
        })}”`;
      }
      const cadence: Cadence = {
        frequency: input.frequency,
        day: dayOf(input.frequency, input.weekday, input.dayOfMonth),
      };
      const now = clock.now();
      const s: ReportSchedule = {
        id: newId('rsc'),
        orgId: p.orgId,
        kind: input.kind,
        target,
        title,
        period: input.kind === 'showback' ? (input.period ?? 'last_full_month') : null,
        basis: input.basis ?? 'billed',
        ...cadence,
        channelId,
        recipients,
        createdBy: p.userId,
        createdAt: now.toISOString(),
        nextDueAt: nextDue(cadence, now).toISOString(),
        lastSentAt: null,
        lastError: null,
      };
      await store.transaction(async (tx) => {
        await schedules.insert(tx, s);
        await record(tx, p, 'report_schedule.create', s);
      });
      return s;
    },

    async update(p: Principal, id: string, raw: unknown): Promise<ReportSchedule> {
      const parsed = updateReportScheduleSchema.safeParse(raw);
      if (!parsed.success) throw inputErrorOf(parsed.error);
      const input = parsed.data;
      const current = await mustGet(p.orgId, id);
      if (current.createdBy !== p.userId) requireAlerts(p);
      const recipients = input.recipients ?? current.recipients;
      requireMayAddress(p, recipients);
      if (current.kind === 'saved_view' && (input.period !== undefined || input.basis !== undefined))
        throw new InputError(
          input.period !== undefined ? 'period' : 'basis',
          `${input.period !== undefined ? 'period' : 'basis'}: a saved view reports over its own range and basis`,
        );
      const frequency = input.frequency ?? current.frequency;
      if (frequency === 'weekly' && input.dayOfMonth !== undefined)
        throw new InputError('dayOfMonth', 'dayOfMonth: only a monthly report has a day of the month');
      if (frequency === 'monthly' && input.weekday !== undefined)
        throw new InputError('weekday', 'weekday: only a weekly report has a weekday');
      const day =
        input.weekday !== undefined || input.dayOfMonth !== undefined
          ? dayOf(frequency, input.weekday, input.dayOfMonth)
          : current.day;
      const cadence: Cadence = { frequency, day };
      const changedCadence = frequency !== current.frequency || day !== current.day;
      const next: ReportSchedule = {
        ...current,
        period: current.kind === 'showback' ? (input.period ?? current.period) : null,
        basis: input.basis ?? current.basis,
        ...cadence,
        channelId: input.channel ? await emailChannel(p.orgId, input.channel) : current.channelId,
        recipients,
        nextDueAt: changedCadence ? nextDue(cadence, clock.now()).toISOString() : current.nextDueAt,
      };
      await store.transaction(async (tx) => {
        await schedules.update(tx, next);
        await record(tx, p, 'report_schedule.update', next);
      });
      return next;
    },

    async remove(p: Principal, id: string): Promise<void> {
      const s = await mustGet(p.orgId, id);
      if (s.createdBy !== p.userId) requireAlerts(p);
      await store.transaction(async (tx) => {
        await schedules.remove(tx, s.orgId, s.id);
        await record(tx, p, 'report_schedule.delete', s);
      });
    },

    /** A removed channel takes its reports with it (in the caller's transaction). */
    forgetChannel: (tx: Queryable, orgId: string, channelId: string) =>
      schedules.removeForChannel(tx, orgId, channelId),
  };
}

export type ReportService = ReturnType<typeof createReportService>;
