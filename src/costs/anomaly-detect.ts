/**
 * Anomaly detection on one daily cost series. The baseline of a day is the median of the same weekday over
 * the preceding weeks, so that a quiet weekend is not an anomaly; the spread is the median absolute deviation
 * (MAD) of the preceding days from the median of their weekday (leaving the day itself out), scaled by 1.4826 to
 * estimate a standard deviation.
 * A day is anomalous when it departs from its baseline by more than `mads` such deviations, by at least
 * `minAmount`, and by at least `minRelative` of the baseline.
 */
import { weekday } from './dates.js';
import type { DailyCost } from './forecast.js';

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
}

export const DEFAULT_ANOMALY_OPTIONS: AnomalyOptions = {
  mads: 3,
  minAmount: 10,
  minRelative: 0.1,
  baselineDays: 56,
  minBaselineDays: 28,
};

export interface DetectedAnomaly {
  date: string;
  actual: number;
  /** The baseline: median cost of the same weekday in the baseline window. */
  expected: number;
  /** Scaled MAD of the baseline window. */
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

/** Judges every day of a consecutive series (oldest first, no gaps) that has enough history before it. */
export function detectAnomalies(
  series: readonly DailyCost[],
  options: Partial<AnomalyOptions> = {},
): DetectedAnomaly[] {
  const o = { ...DEFAULT_ANOMALY_OPTIONS, ...options };
  const days = series.map((d) => weekday(d.date));
  const out: DetectedAnomaly[] = [];
  for (let i = o.minBaselineDays; i < series.length; i++) {
    const start = Math.max(0, i - o.baselineDays);
    const byDay: number[][] = [[], [], [], [], [], [], []];
    for (let j = start; j < i; j++) byDay[days[j]].push(series[j].cost);
    const medians = byDay.map((v) => median(v));
    // Each baseline day against the median of its weekday without itself: the same kind of difference as the
    // judged day against its baseline, so the spread is not understated by a day's pull on its own median.
    const residuals: number[] = [];
    for (let j = start; j < i; j++) {
      const same = byDay[days[j]];
      if (same.length < 2) continue;
      const others = [...same];
      others.splice(others.indexOf(series[j].cost), 1);
      residuals.push(Math.abs(series[j].cost - median(others)));
    }
    const spread = MAD_SCALE * median(residuals);
    const expected =
      byDay[days[i]].length > 0 ? medians[days[i]] : median(series.slice(start, i).map((d) => d.cost));
    const actual = series[i].cost;
    const departure = Math.abs(actual - expected);
    const threshold = Math.max(o.mads * spread, o.minAmount, o.minRelative * Math.abs(expected));
    if (departure > threshold) {
      out.push({
        date: series[i].date,
        actual,
        expected,
        spread,
        threshold,
        direction: actual > expected ? 'increase' : 'decrease',
      });
    }
  }
  return out;
}
