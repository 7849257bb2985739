/**
 * The dates and ranges a user may ask about, checked once for the REST API, the CLI and the MCP tools (which go
 * through the API): a real calendar day within the supported window, `from` ≤ `to`, and no longer than the
 * granularity allows. Everything past this check can count days and months without meeting an absurd range.
 */
import { addMonths, daysBetween, isIsoDate, monthsBetween, type IsoDate } from './dates.js';
import { InputError } from './errors.js';

/** No cloud bill predates this; it is also the floor of every date a user sends. */
export const EARLIEST_DATE: IsoDate = '2000-01-01';
/** Forecasts and snoozes look ahead; nothing needs a date further ahead than this. */
export const FUTURE_YEARS = 5;
/** A daily series covers at most three years. */
export const MAX_DAILY_SPAN_DAYS = 1096;
/** A monthly series covers at most twenty years. */
export const MAX_MONTHLY_SPAN_MONTHS = 240;

export type DateGranularity = 'day' | 'month';

/** The first and last day a user may send, given the app clock's today. */
export function dateWindow(today: IsoDate): { earliest: IsoDate; latest: IsoDate } {
  return { earliest: EARLIEST_DATE, latest: addMonths(today, FUTURE_YEARS * 12) };
}

function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** A date a user sent: returned unchanged when it is a real day in the window, else an InputError naming `field`. */
export function checkDate(value: unknown, field: string, today: IsoDate): IsoDate {
  const { earliest, latest } = dateWindow(today);
  if (!isIsoDate(value) || value < earliest || value > latest)
    throw new InputError(
      field,
      `${field}: must be a calendar date YYYY-MM-DD from ${earliest} to ${latest}; got ${shown(value)}`,
    );
  return value;
}

/** As checkDate, for an optional parameter. */
export function checkOptionalDate(value: unknown, field: string, today: IsoDate): IsoDate | undefined {
  return value === undefined ? undefined : checkDate(value, field, today);
}

export interface DateRangeInput {
  from: unknown;
  to: unknown;
  /** Names of the parameters in the caller's terms (default from / to). */
  fromField?: string;
  toField?: string;
  /** The periods the range is listed by (default month). */
  granularity?: DateGranularity;
}

/** Checks both ends, their order and the span the granularity allows; returns the range. */
export function checkDateRange(r: DateRangeInput, today: IsoDate): { from: IsoDate; to: IsoDate } {
  const fromField = r.fromField ?? 'from';
  const toField = r.toField ?? 'to';
  const from = checkDate(r.from, fromField, today);
  const to = checkDate(r.to, toField, today);
  if (to < from) throw new InputError(toField, `${toField}: ${to} is before ${fromField} ${from}`);
  if ((r.granularity ?? 'month') === 'day') {
    const days = daysBetween(from, to) + 1;
    if (days > MAX_DAILY_SPAN_DAYS)
      throw new InputError(
        fromField,
        `${fromField}: a range by day covers at most ${MAX_DAILY_SPAN_DAYS} days (3 years); ${from} to ${to} covers ${days}. Use granularity=month or a shorter range.`,
      );
  } else {
    const months = monthsBetween(from, to) + 1;
    if (months > MAX_MONTHLY_SPAN_MONTHS)
      throw new InputError(
        fromField,
        `${fromField}: a range covers at most ${MAX_MONTHLY_SPAN_MONTHS} months (20 years); ${from} to ${to} covers ${months}.`,
      );
  }
  return { from, to };
}
