import { z } from 'zod';
import { COST_BASES, type CostBasis } from '../../costs/cost-query.js';
import { REPORT_FREQUENCIES, WEEKDAYS, type ReportFrequency } from './report-cadence.js';

/**
 * A scheduled e-mail report: a showback report of an allocation dimension (for the last full month or the month
 * to date) or a saved view (over its own range), sent weekly on a weekday or monthly on a day of the month, with
 * its CSV attached, through an e-mail channel — to the channel's recipients, or to the addresses given.
 */

export const REPORT_KINDS = ['showback', 'saved_view'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const SHOWBACK_PERIODS = ['last_full_month', 'month_to_date'] as const;
export type ShowbackPeriod = (typeof SHOWBACK_PERIODS)[number];

const email = z.string().trim().email('must be an e-mail address');
const recipients = z
  .array(email, { message: 'must be a list of e-mail addresses' })
  .max(20, 'must name at most 20 addresses');
const weekday = z.enum(WEEKDAYS, { message: `must be one of ${WEEKDAYS.join(', ')}` });
const dayOfMonth = z
  .number({ message: 'must be a day of the month, 1 to 28' })
  .int('must be a day of the month, 1 to 28')
  .min(1, 'must be a day of the month, 1 to 28')
  .max(28, 'must be a day of the month, 1 to 28 (every month has it)');
const frequency = z.enum(REPORT_FREQUENCIES, { message: 'must be weekly or monthly' });
const period = z.enum(SHOWBACK_PERIODS, { message: 'must be last_full_month or month_to_date' });
const basis = z.enum(COST_BASES, { message: `must be one of ${COST_BASES.join(', ')}` });
const channel = z.string().trim().min(1, 'must name an e-mail channel').max(200);

type Ctx = z.RefinementCtx;
const need = (ctx: Ctx, path: string, message: string) =>
  ctx.addIssue({ code: 'custom', path: [path], message });

/** Weekly needs a weekday, monthly a day of the month; not the other. */
function checkCadence(v: { frequency?: ReportFrequency; weekday?: string; dayOfMonth?: number }, ctx: Ctx) {
  if (v.frequency === 'weekly') {
    if (v.weekday === undefined)
      need(ctx, 'weekday', 'a weekly report needs the weekday it goes out on, e.g. "monday"');
    if (v.dayOfMonth !== undefined) need(ctx, 'dayOfMonth', 'only a monthly report has a day of the month');
  }
  if (v.frequency === 'monthly') {
    if (v.dayOfMonth === undefined)
      need(ctx, 'dayOfMonth', 'a monthly report needs the day of the month it goes out on, 1 to 28');
    if (v.weekday !== undefined) need(ctx, 'weekday', 'only a weekly report has a weekday');
  }
}

export const createReportScheduleSchema = z
  .object({
    kind: z.enum(REPORT_KINDS, { message: 'must be showback or saved_view' }),
    dimension: z.string().trim().min(1, 'must name an allocation dimension').max(100).optional(),
    viewId: z.string().trim().min(1, 'must name a saved view').max(200).optional(),
    period: period.optional(),
    basis: basis.optional(),
    frequency,
    weekday: weekday.optional(),
    dayOfMonth: dayOfMonth.optional(),
    channel,
    recipients: recipients.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.kind === 'showback') {
      if (!v.dimension) need(ctx, 'dimension', 'a showback report needs the allocation dimension it shows');
      if (v.viewId !== undefined) need(ctx, 'viewId', 'only a saved_view report names a saved view');
    } else {
      if (!v.viewId) need(ctx, 'viewId', 'a saved_view report needs the id of the saved view');
      if (v.dimension !== undefined) need(ctx, 'dimension', 'only a showback report names a dimension');
      if (v.period !== undefined) need(ctx, 'period', 'a saved view reports over its own range');
      if (v.basis !== undefined) need(ctx, 'basis', 'a saved view reports in its own cost basis');
    }
    checkCadence(v, ctx);
  });
export type CreateReportSchedule = z.output<typeof createReportScheduleSchema>;

export const updateReportScheduleSchema = z
  .object({
    period: period.optional(),
    basis: basis.optional(),
    frequency: frequency.optional(),
    weekday: weekday.optional(),
    dayOfMonth: dayOfMonth.optional(),
    channel: channel.optional(),
    recipients: recipients.optional(),
  })
  .strict()
  .superRefine((v, ctx) => checkCadence(v, ctx));
export type UpdateReportSchedule = z.output<typeof updateReportScheduleSchema>;

export interface ReportSchedule {
  id: string;
  orgId: string;
  kind: ReportKind;
  /** The dimension's name (showback) or the saved view's id. */
  target: string;
  /** What the report is called in its e-mail and lists (the view's name when it was last sent). */
  title: string;
  /** Showback only. */
  period: ShowbackPeriod | null;
  basis: CostBasis;
  frequency: ReportFrequency;
  /** Weekly: ISO weekday (1 = Monday); monthly: day of the month. */
  day: number;
  channelId: string;
  /** Instead of the channel's own recipients; empty for the channel's. */
  recipients: string[];
  createdBy: string;
  createdAt: string;
  nextDueAt: string;
  lastSentAt: string | null;
  /** Why the last run sent nothing (a removed saved view), or null. */
  lastError: string | null;
}
