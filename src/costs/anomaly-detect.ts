/**
 * Anomaly detection on one daily cost series, in two parts judged against their own rhythm:
 * - usage follows the week: its baseline is the median of the same weekday over the preceding weeks, so that a
 *   quiet weekend is not an anomaly; its spread is the median absolute deviation (MAD) of the preceding days
 *   from the median of their weekday (leaving the day itself out), scaled by 1.4826 to estimate a standard
 *   deviation;
 * - recurring monthly charges (credits, fees, RI and Savings Plan fees, tax, support) follow the month: their
 *   baseline is the median of the same day of the previous months, so that the credit booked on every 1st is
 *   expected on the 1st.
 * A day is anomalous when its total departs from the sum of both baselines by more than `mads` such deviations,
 * by at least `minAmount`, and by at least `minRelative` of the baseline. A series is judged only once it has
 * `minBaselineDays` of usage history (and its recurring part only once it has `minMonths` previous months, and
 * not while its month is open). A change that lasts several days is one anomaly, on its first day.
 */
import { monthStartAfter, monthEnd, weekday } from './dates.js';

export interface AnomalyOptions {
  /** Threshold in scaled MADs. */
  mads: number;
  /** Smallest departure, in the series' currency, worth reporting. */
  minAmount: number;
  /** Smallest departure as a fraction of the baseline. */
  minRelative: number;
  /** Days before a day that form its baseline. */
  baselineDays: number;
  /** Days of history needed before a day is judged. */
  minBaselineDays: number;
  /** Previous months whose same day forms the baseline of recurring charges. */
  baselineMonths: number;
  /** Previous months needed before recurring charges are judged (until then they are taken as expected). */
  minMonths: number;
  /**
   * First day whose recurring charges are not final yet (the open billing month: AWS books credits and tax when
   * the month closes); from then on they are taken as expected.
   */
  openFrom?: string;
}

export const DEFAULT_ANOMALY_OPTIONS: AnomalyOptions = {
  mads: 3,
  minAmount: 10,
  minRelative: 0.1,
  baselineDays: 56,
  minBaselineDays: 28,
  baselineMonths: 3,
  minMonths: 2,
};

/** One day of a series: its total cost, and the part of it that is recurring monthly charges. */
export interface AnomalyPoint {
  date: string;
  cost: number;
  recurring?: number;
}

export interface DetectedAnomaly {
  date: string;
  actual: number;
  /** The baseline: same-weekday median of usage plus same-day-of-month median of recurring charges. */
  expected: number;
  /** Scaled MAD of the baseline windows. */
  spread: number;
  threshold: number;
  direction: 'increase' | 'decrease';
}

export const MAD_SCALE = 1.4826;

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * The same day `months` months before `date` (YYYY-MM-DD): the day of month clamped to that month's length, and
 * a month's last day maps to the last day, so that month-end charges line up.
 */
export function sameDayMonthsBefore(date: string, months: number): string {
  const target = monthStartAfter(date, -months);
  const last = monthEnd(target);
  if (date === monthEnd(date)) return last;
  const day = Math.min(Number(date.slice(8, 10)), Number(last.slice(8, 10)));
  return `${target.slice(0, 8)}${String(day).padStart(2, '0')}`;
}

/** Baseline and spread of the weekly (usage) part of day `i`, from day `first` on. */
function weeklyBaseline(
  usage: readonly number[],
  days: readonly number[],
  i: number,
  first: number,
  o: AnomalyOptions,
): { expected: number; spread: number } {
  const start = Math.max(first, i - o.baselineDays);
  const byDay: number[][] = [[], [], [], [], [], [], []];
  for (let j = start; j < i; j++) byDay[days[j]].push(usage[j]);
  // Each baseline day against the median of its weekday without itself: the same kind of difference as the
  // judged day against its baseline, so the spread is not understated by a day's pull on its own median.
  const residuals: number[] = [];
  for (let j = start; j < i; j++) {
    const same = byDay[days[j]];
    if (same.length < 2) continue;
    const others = [...same];
    others.splice(others.indexOf(usage[j]), 1);
    residuals.push(Math.abs(usage[j] - median(others)));
  }
  const same = byDay[days[i]];
  return {
    expected: same.length > 0 ? median(same) : median(usage.slice(start, i)),
    spread: MAD_SCALE * median(residuals),
  };
}

/** Baseline and spread of the monthly (recurring) part of day `i`; null when the series is too young. */
function monthlyBaseline(
  recurring: ReadonlyMap<string, number>,
  first: string,
  date: string,
  o: AnomalyOptions,
): { expected: number; spread: number } | null {
  const previous: number[] = [];
  for (let m = 1; m <= o.baselineMonths; m++) {
    const d = sameDayMonthsBefore(date, m);
    if (d < first) break;
    previous.push(recurring.get(d) ?? 0);
  }
  if (previous.length < o.minMonths) return null;
  const expected = median(previous);
  return { expected, spread: MAD_SCALE * median(previous.map((v) => Math.abs(v - expected))) };
}

/** Judges every day of a consecutive series (oldest first, no gaps) that has enough history before it. */
export function detectAnomalies(
  series: readonly AnomalyPoint[],
  options: Partial<AnomalyOptions> = {},
): DetectedAnomaly[] {
  const o = { ...DEFAULT_ANOMALY_OPTIONS, ...options };
  if (series.length === 0) return [];
  const days = series.map((d) => weekday(d.date));
  const usage = series.map((d) => d.cost - (d.recurring ?? 0));
  const recurring = new Map(series.map((d) => [d.date, d.recurring ?? 0]));
  const first = series[0].date;
  // Usage is judged once it has its minimum history: a series that starts with recurring charges only (a credit
  // booked before anything runs) starts its usage history on its first day of usage.
  const usageStart = Math.max(
    0,
    usage.findIndex((u) => u !== 0),
  );
  const out: DetectedAnomaly[] = [];
  let previous: DetectedAnomaly | undefined;
  for (let i = o.minBaselineDays; i < series.length; i++) {
    const own = series[i].recurring ?? 0;
    const weekly =
      i >= usageStart + o.minBaselineDays
        ? weeklyBaseline(usage, days, i, usageStart, o)
        : { expected: usage[i], spread: 0 };
    // Until the series has months of history, or while the month is open, recurring charges are not judged.
    const final = o.openFrom === undefined || series[i].date < o.openFrom;
    const monthly = (final ? monthlyBaseline(recurring, first, series[i].date, o) : null) ?? {
      expected: own,
      spread: 0,
    };
    const expected = weekly.expected + monthly.expected;
    const spread = weekly.spread + monthly.spread;
    const actual = series[i].cost;
    const departure = Math.abs(actual - expected);
    const threshold = Math.max(o.mads * spread, o.minAmount, o.minRelative * Math.abs(expected));
    const found: DetectedAnomaly | undefined =
      departure > threshold
        ? {
            date: series[i].date,
            actual,
            expected,
            spread,
            threshold,
            direction: actual > expected ? 'increase' : 'decrease',
          }
        : undefined;
    // A change that lasts is reported on its first day: the days after it, departing the same way while the
    // baseline catches up, are the new level rather than new anomalies.
    if (found && !(previous && previous.direction === found.direction)) out.push(found);
    previous = found;
  }
  return out;
}
