/**
 * Cost forecast: ordinary least squares of daily cost on a linear trend plus day-of-week effects, fitted on
 * the most recent days of history. Prediction intervals come from the residual spread and the uncertainty of
 * the fitted coefficients (the textbook variance of a sum of future observations), so a range over many days
 * is wider than a single day but narrower than the sum of the daily bounds.
 */
import { addDays, weekday } from '../lib/dates.js';

export interface DailyCost {
  date: string;
  cost: number;
}

export type ForecastModel = 'trend+weekday' | 'trend' | 'mean' | 'none';

export interface ForecastFit {
  model: ForecastModel;
  /** Days of history used. */
  days: number;
  firstDate: string;
  lastDate: string;
  coefficients: number[];
  /** (XᵀX)⁻¹, for prediction variance. */
  inverse: number[][];
  /** Residual standard deviation. */
  sigma: number;
  /** Forecasts are floored at zero when no day of history was negative. */
  nonNegative: boolean;
}

export interface ForecastRange {
  total: number;
  lower: number;
  upper: number;
}

/** Days of history the fit uses at most: twelve whole weeks. */
export const FIT_DAYS = 84;
/** z for a two-sided 80% prediction interval (the level AWS Cost Explorer reports). */
export const Z80 = 1.2815515655446004;

export function describeMethod(model: ForecastModel, days: number): string {
  const base = `Least-squares fit on the last ${days} days of daily cost`;
  switch (model) {
    case 'trend+weekday':
      return `${base}: linear trend plus a day-of-week effect; 80% prediction interval from the residual spread and coefficient uncertainty.`;
    case 'trend':
      return `${base}: linear trend (too little history for day-of-week effects, which need 21 days); 80% prediction interval from the residual spread.`;
    case 'mean':
      return `${base}: average daily cost (too little history for a trend, which needs 14 days); 80% interval from the day-to-day spread.`;
    case 'none':
      return 'No cost history in the range: nothing to forecast from.';
  }
}

function features(model: ForecastModel, t: number, date: string): number[] {
  if (model === 'mean') return [1];
  if (model === 'trend') return [1, t];
  const dow = weekday(date);
  const dummies = [1, 2, 3, 4, 5, 6].map((k) => (dow === k ? 1 : 0));
  return [1, t, ...dummies];
}

/** Inverse of a small symmetric positive-definite matrix by Gauss–Jordan elimination; null when singular. */
export function invert(m: number[][]): number[][] | null {
  const n = m.length;
  const a = m.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    if (Math.abs(a[pivot][col]) < 1e-12) return null;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    const div = a[col][col];
    for (let j = 0; j < 2 * n; j++) a[col][j] /= div;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r][col];
      if (f !== 0) for (let j = 0; j < 2 * n; j++) a[r][j] -= f * a[col][j];
    }
  }
  return a.map((row) => row.slice(n));
}

function quad(inv: number[][], x: number[]): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) for (let j = 0; j < x.length; j++) s += x[i] * inv[i][j] * x[j];
  return s;
}

/**
 * Fits the model on consecutive daily costs (oldest first, no gaps; a day without cost is 0). Uses at most the
 * last {@link FIT_DAYS} days and the richest model the history supports.
 */
export function fitForecast(history: readonly DailyCost[], fitDays = FIT_DAYS): ForecastFit {
  const h = history.slice(-fitDays);
  const n = h.length;
  if (n === 0) {
    return {
      model: 'none',
      days: 0,
      firstDate: '',
      lastDate: '',
      coefficients: [0],
      inverse: [[0]],
      sigma: 0,
      nonNegative: true,
    };
  }
  const candidates: ForecastModel[] =
    n >= 21 ? ['trend+weekday', 'trend', 'mean'] : n >= 14 ? ['trend', 'mean'] : ['mean'];
  for (const model of candidates) {
    const xs = h.map((d, t) => features(model, t, d.date));
    const p = xs[0].length;
    const xtx = Array.from({ length: p }, (_, i) =>
      Array.from({ length: p }, (_, j) => xs.reduce((s, x) => s + x[i] * x[j], 0)),
    );
    const inverse = invert(xtx);
    if (!inverse) continue;
    const xty = Array.from({ length: p }, (_, i) => xs.reduce((s, x, k) => s + x[i] * h[k].cost, 0));
    const coefficients = inverse.map((row) => row.reduce((s, v, j) => s + v * xty[j], 0));
    const ssr = xs.reduce((s, x, k) => {
      const fitted = x.reduce((a, v, j) => a + v * coefficients[j], 0);
      return s + (h[k].cost - fitted) ** 2;
    }, 0);
    const sigma = n > p ? Math.sqrt(ssr / (n - p)) : 0;
    return {
      model,
      days: n,
      firstDate: h[0].date,
      lastDate: h[n - 1].date,
      coefficients,
      inverse,
      sigma,
      nonNegative: h.every((d) => d.cost >= 0),
    };
  }
  throw new Error('unreachable: the mean model is never singular');
}

function tOf(fit: ForecastFit, date: string): number {
  return Math.round(
    (Date.parse(`${date}T00:00:00Z`) - Date.parse(`${fit.firstDate}T00:00:00Z`)) / 86_400_000,
  );
}

export function predictDay(fit: ForecastFit, date: string): ForecastRange {
  return predictRange(fit, [date]);
}

/** The forecast total over the given future days, with its 80% prediction interval. */
export function predictRange(fit: ForecastFit, dates: readonly string[]): ForecastRange {
  if (fit.model === 'none' || dates.length === 0) return { total: 0, lower: 0, upper: 0 };
  const p = fit.coefficients.length;
  const sumX = new Array<number>(p).fill(0);
  let total = 0;
  for (const date of dates) {
    const x = features(fit.model, tOf(fit, date), date);
    const y = x.reduce((s, v, j) => s + v * fit.coefficients[j], 0);
    total += fit.nonNegative ? Math.max(0, y) : y;
    for (let j = 0; j < p; j++) sumX[j] += x[j];
  }
  const variance = fit.sigma ** 2 * (dates.length + quad(fit.inverse, sumX));
  const half = Z80 * Math.sqrt(Math.max(0, variance));
  const lower = fit.nonNegative ? Math.max(0, total - half) : total - half;
  return { total, lower, upper: total + half };
}

/** Consecutive days starting at `from`, for `count` days. */
export function nextDays(from: string, count: number): string[] {
  return Array.from({ length: Math.max(0, count) }, (_, i) => addDays(from, i));
}
