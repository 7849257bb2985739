/**
 * Calendar dates for the server and the web app alike (web imports this file; keep it free of Node APIs).
 *
 * A date is `YYYY-MM-DD` text in UTC (billing days are UTC days). Arithmetic runs on day numbers (days since
 * 1970-01-01) with the proleptic Gregorian calendar, never on the text and never through a local time zone.
 * Only four-digit years (0000–9999) exist here: a result outside them throws a RangeError instead of turning
 * into text that no longer compares or parses like a date (which once made a day loop run forever).
 */

/** `YYYY-MM-DD`. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MIN_DAY = daysFromCivil(0, 1, 1);
const MAX_DAY = daysFromCivil(9999, 12, 31);

/** Days from 1970-01-01 to y-m-d (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(n: number): { y: number; m: number; d: number } {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function monthLength(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

function parts(s: string): { y: number; m: number; d: number } | null {
  const match = ISO_DATE.exec(s);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (m < 1 || m > 12 || d < 1 || d > monthLength(y, m)) return null;
  return { y, m, d };
}

function partsOf(s: IsoDate): { y: number; m: number; d: number } {
  const p = parts(s);
  if (!p) throw new RangeError(`not a calendar date YYYY-MM-DD: ${JSON.stringify(s)}`);
  return p;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function format(y: number, m: number, d: number): IsoDate {
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** True for a real calendar day written `YYYY-MM-DD` (2024-02-29 yes, 2023-02-29 and 2024-1-5 no). */
export function isIsoDate(s: unknown): s is IsoDate {
  return typeof s === 'string' && parts(s) !== null;
}

/** Days since 1970-01-01 (negative before it). Throws a RangeError for anything but a real date. */
export function dayNumber(s: IsoDate): number {
  const { y, m, d } = partsOf(s);
  return daysFromCivil(y, m, d);
}

/** The date of a day number; a RangeError outside 0000-01-01 … 9999-12-31. */
export function fromDayNumber(n: number): IsoDate {
  if (!Number.isInteger(n) || n < MIN_DAY || n > MAX_DAY)
    throw new RangeError(`day number ${n} is outside the years 0000–9999`);
  const { y, m, d } = civilFromDays(n);
  return format(y, m, d);
}

/** The UTC day of an instant. */
export function isoDate(d: Date): IsoDate {
  const ms = d.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid Date');
  return fromDayNumber(Math.floor(ms / 86_400_000));
}

/**
 * An instant as ISO 8601 text (`2024-03-01T12:00:00.000Z`); null for none or an unreadable time. Takes the Date
 * or text a database driver or an AWS SDK returns.
 */
export function isoTimestamp(d: Date | string | null | undefined): string | null {
  if (d === null || d === undefined) return null;
  const date = d instanceof Date ? d : new Date(d);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function addDays(s: IsoDate, n: number): IsoDate {
  return fromDayNumber(dayNumber(s) + n);
}

/** Whole days from `a` to `b` (b − a). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return dayNumber(b) - dayNumber(a);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(s: IsoDate): number {
  return (((dayNumber(s) + 4) % 7) + 7) % 7;
}

export function monthStart(s: IsoDate): IsoDate {
  const { y, m } = partsOf(s);
  return format(y, m, 1);
}

export function monthEnd(s: IsoDate): IsoDate {
  const { y, m } = partsOf(s);
  return format(y, m, monthLength(y, m));
}

export function daysInMonth(s: IsoDate): number {
  const { y, m } = partsOf(s);
  return monthLength(y, m);
}

/**
 * The same day `n` months later (earlier for n < 0), cut at the last day of a shorter month:
 * 2024-01-31 + 1 → 2024-02-29. For month starts use `addMonths(monthStart(s), n)`.
 */
export function addMonths(s: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n)) throw new RangeError(`months must be whole: ${n}`);
  const { y, m, d } = partsOf(s);
  const index = y * 12 + (m - 1) + n;
  const ny = Math.floor(index / 12);
  const nm = (index % 12) + 1;
  if (ny < 0 || ny > 9999) throw new RangeError(`${s} + ${n} months is outside the years 0000–9999`);
  return format(ny, nm, Math.min(d, monthLength(ny, nm)));
}

/** Calendar months from the month of `a` to the month of `b` (2024-01-31 → 2024-02-01 is 1). */
export function monthsBetween(a: IsoDate, b: IsoDate): number {
  const pa = partsOf(a);
  const pb = partsOf(b);
  return pb.y * 12 + pb.m - (pa.y * 12 + pa.m);
}

/** Every day from `from` to `to`, both included; empty when `to` is before `from`. */
export function eachDay(from: IsoDate, to: IsoDate): IsoDate[] {
  const first = dayNumber(from);
  const count = Math.max(0, dayNumber(to) - first + 1);
  return Array.from({ length: count }, (_, i) => fromDayNumber(first + i));
}

/** The first day of every month that overlaps [from, to]; empty when `to` is before `from`. */
export function eachMonth(from: IsoDate, to: IsoDate): IsoDate[] {
  if (to < from) return [];
  const first = monthStart(from);
  const count = monthsBetween(first, to) + 1;
  return Array.from({ length: count }, (_, i) => addMonths(first, i));
}

/** The earlier / later of two dates (text order is date order for `YYYY-MM-DD`). */
export function minDate(a: IsoDate, b: IsoDate): IsoDate {
  return a <= b ? a : b;
}

export function maxDate(a: IsoDate, b: IsoDate): IsoDate {
  return a >= b ? a : b;
}

/**
 * The same stretch of the previous month: from its first day to the same day of the month, cut at its last
 * day (31 March → 28/29 February).
 */
export function samePeriodLastMonth(from: IsoDate, to: IsoDate): { from: IsoDate; to: IsoDate } {
  const prevStart = addMonths(monthStart(from), -1);
  const { y, m } = partsOf(prevStart);
  return { from: prevStart, to: format(y, m, Math.min(partsOf(to).d, monthLength(y, m))) };
}
