/** Calendar arithmetic on `YYYY-MM-DD` strings in UTC, the form every cost date takes. */

const DAY_MS = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDate(s: string): boolean {
  if (!ISO_DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function toDate(s: string): Date {
  return new Date(`${s}T00:00:00Z`);
}

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(s: string, n: number): string {
  return isoDate(new Date(toDate(s).getTime() + n * DAY_MS));
}

/** Whole days from `a` to `b` (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((toDate(b).getTime() - toDate(a).getTime()) / DAY_MS);
}

export function monthStart(s: string): string {
  return `${s.slice(0, 7)}-01`;
}

export function addMonths(s: string, n: number): string {
  const d = toDate(monthStart(s));
  d.setUTCMonth(d.getUTCMonth() + n);
  return isoDate(d);
}

export function monthEnd(s: string): string {
  return addDays(addMonths(s, 1), -1);
}

export function daysInMonth(s: string): number {
  return daysBetween(monthStart(s), addMonths(s, 1));
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(s: string): number {
  return toDate(s).getUTCDay();
}

/** Every day from `from` to `to`, both included. */
export function eachDay(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The first day of every month that overlaps [from, to]. */
export function eachMonth(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = monthStart(from); m <= to; m = addMonths(m, 1)) out.push(m);
  return out;
}

/**
 * The same stretch of the previous month: from its first day to the same day of the month, cut at its last
 * day (31 March → 28/29 February).
 */
export function samePeriodLastMonth(from: string, to: string): { from: string; to: string } {
  const prevStart = addMonths(from, -1);
  const prevEnd = monthEnd(prevStart);
  const dayOfMonth = Number(to.slice(8, 10));
  const candidate = `${prevStart.slice(0, 8)}${String(dayOfMonth).padStart(2, '0')}`;
  const lastDay = Number(prevEnd.slice(8, 10));
  return { from: prevStart, to: dayOfMonth > lastDay ? prevEnd : candidate };
}
