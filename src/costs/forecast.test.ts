import { describe, expect, it } from 'vitest';
import { addDays, weekday } from '../lib/dates.js';
import { fitForecast, nextDays, predictDay, predictRange, type DailyCost } from './forecast.js';

/** A deterministic pseudo-random source, so that the noise is the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WEEKLY = [0.6, 1.05, 1.1, 1.1, 1.1, 1.05, 0.7]; // Sunday … Saturday

function series(
  days: number,
  opts: { level: number; slope: number; noise: number; seed?: number; start?: string },
) {
  const rnd = lcg(opts.seed ?? 7);
  const start = opts.start ?? '2024-01-01';
  const truth = (i: number) => {
    const date = addDays(start, i);
    return opts.level + opts.slope * i + opts.level * (WEEKLY[weekday(date)] - 1);
  };
  const history: DailyCost[] = Array.from({ length: days }, (_, i) => ({
    date: addDays(start, i),
    cost: truth(i) + (rnd() - 0.5) * 2 * opts.noise,
  }));
  return { history, truth, start };
}

describe('forecast: linear trend plus day-of-week effects', () => {
  it('recovers weekly seasonality and trend without noise', () => {
    const { history, truth } = series(84, { level: 100, slope: 0.5, noise: 0 });
    const fit = fitForecast(history);
    expect(fit.model).toBe('trend+weekday');
    expect(fit.sigma).toBeLessThan(1e-6);
    for (let i = 84; i < 84 + 30; i++) {
      const date = addDays('2024-01-01', i);
      expect(predictDay(fit, date).total).toBeCloseTo(truth(i), 6);
    }
  });

  it('forecasts a month within a few percent with noise, and the 80% interval covers the truth', () => {
    const { history, truth } = series(84, { level: 200, slope: 1.2, noise: 15, seed: 3 });
    const fit = fitForecast(history);
    const days = nextDays(addDays('2024-01-01', 84), 31);
    const r = predictRange(fit, days);
    const actual = days.reduce((s, _d, k) => s + truth(84 + k), 0);
    expect(Math.abs(r.total - actual) / actual).toBeLessThan(0.03);
    expect(r.lower).toBeLessThan(actual);
    expect(r.upper).toBeGreaterThan(actual);
    expect(r.upper - r.lower).toBeGreaterThan(0);
  });

  it('is seasonal: a Sunday is forecast lower than the Wednesday after it', () => {
    const { history } = series(84, { level: 100, slope: 0, noise: 2 });
    const fit = fitForecast(history);
    const sunday = nextDays('2024-03-31', 1)[0];
    expect(weekday(sunday)).toBe(0);
    expect(predictDay(fit, sunday).total).toBeLessThan(predictDay(fit, '2024-04-03').total * 0.7);
  });

  it('widens the interval as the horizon grows', () => {
    const { history } = series(84, { level: 100, slope: 0.2, noise: 10 });
    const fit = fitForecast(history);
    const near = predictRange(fit, nextDays('2024-03-25', 7));
    const far = predictRange(fit, nextDays('2024-03-25', 90));
    expect(far.upper - far.lower).toBeGreaterThan(near.upper - near.lower);
  });

  it('uses only the last 84 days, so an old regime does not bend the trend', () => {
    const old = series(60, { level: 1000, slope: 0, noise: 0 }).history;
    const recent = series(84, { level: 100, slope: 0, noise: 0, start: '2024-03-01' }).history;
    const fit = fitForecast([...old.map((d) => ({ ...d, date: addDays(d.date, -60) })), ...recent]);
    expect(fit.days).toBe(84);
    // A week of the recent regime: 100 a day shaped by the weekly factors.
    const week = WEEKLY.reduce((a, b) => a + b, 0) * 100;
    expect(predictRange(fit, nextDays('2024-05-24', 7)).total).toBeCloseTo(week, 3);
  });

  it('falls back to simpler models with little history and says so', () => {
    expect(fitForecast(series(20, { level: 50, slope: 1, noise: 0 }).history).model).toBe('trend');
    expect(fitForecast(series(10, { level: 50, slope: 0, noise: 0 }).history).model).toBe('mean');
    const none = fitForecast([]);
    expect(none.model).toBe('none');
    expect(predictRange(none, ['2024-01-01'])).toEqual({ total: 0, lower: 0, upper: 0 });
  });

  it('never forecasts negative spend when the history has none', () => {
    const history = Array.from({ length: 84 }, (_, i) => ({ date: addDays('2024-01-01', i), cost: 100 - i }));
    const fit = fitForecast(history);
    const r = predictRange(fit, nextDays('2024-06-01', 30));
    expect(r.total).toBe(0);
    expect(r.lower).toBe(0);
  });
});
