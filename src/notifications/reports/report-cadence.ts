import {
  addDays,
  addMonths,
  daysInMonth,
  isoDate,
  monthStart,
  weekday,
  type IsoDate,
} from '../../lib/dates.js';

/**
 * When a scheduled report goes out: weekly on a weekday, or monthly on a day of the month (1–28, so that every
 * month has it), at the start of that day (UTC). Pure.
 */

export const REPORT_FREQUENCIES = ['weekly', 'monthly'] as const;
export type ReportFrequency = (typeof REPORT_FREQUENCIES)[number];

/** ISO weekdays: 1 = Monday … 7 = Sunday. */
export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface Cadence {
  frequency: ReportFrequency;
  /** Weekly: the ISO weekday (1 = Monday … 7 = Sunday); monthly: the day of the month (1–28). */
  day: number;
}

const isoWeekday = (d: IsoDate) => ((weekday(d) + 6) % 7) + 1;

function matches(c: Cadence, d: IsoDate): boolean {
  return c.frequency === 'weekly' ? isoWeekday(d) === c.day : Number(d.slice(8, 10)) === c.day;
}

/** The first day of the cadence on or after `d`. */
function onOrAfter(c: Cadence, d: IsoDate): IsoDate {
  if (c.frequency === 'weekly') return addDays(d, (c.day - isoWeekday(d) + 7) % 7);
  const day = Math.min(c.day, daysInMonth(d));
  const inMonth = `${d.slice(0, 8)}${String(day).padStart(2, '0')}`;
  return inMonth >= d
    ? inMonth
    : `${addMonths(monthStart(d), 1).slice(0, 8)}${String(c.day).padStart(2, '0')}`;
}

const startOf = (d: IsoDate) => new Date(`${d}T00:00:00.000Z`);

/** The first time the report is due after `now` (strictly later). */
export function nextDue(c: Cadence, now: Date): Date {
  const today = isoDate(now);
  const first = onOrAfter(c, today);
  return startOf(first === today && startOf(today) <= now ? onOrAfter(c, addDays(today, 1)) : first);
}

/** The latest day of the cadence on or before `now`: the occurrence a run that finds the report due sends. */
export function lastOccurrence(c: Cadence, now: Date): IsoDate {
  let d = isoDate(now);
  while (!matches(c, d)) d = addDays(d, -1);
  return d;
}

/** The cadence in words: "weekly on Monday", "monthly on day 1". */
export function cadenceText(c: Cadence): string {
  if (c.frequency === 'weekly') {
    const name = WEEKDAYS[c.day - 1];
    return `weekly on ${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  }
  return `monthly on day ${c.day}`;
}
