import { describe, expect, it } from 'vitest';
import { detectAnomalies, median } from './anomaly-detect.js';
import { addDays, weekday } from './dates.js';

function days(n: number, cost: (i: number, date: string) => number, start = '2024-01-01') {
  return Array.from({ length: n }, (_, i) => {
    const date = addDays(start, i);
    return { date, cost: cost(i, date) };
  });
}

// Small deterministic wobble so that the MAD is not zero.
const wobble = (i: number) => ((i * 37) % 11) - 5;

describe('anomaly detection (weekday median baseline, scaled MAD)', () => {
  it('computes medians', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBe(0);
  });

  it('flags a spike with its baseline and direction', () => {
    const s = days(70, (i) => (i === 60 ? 400 : 100 + wobble(i)));
    const found = detectAnomalies(s);
    expect(found.map((a) => a.date)).toEqual([s[60].date]);
    expect(found[0].direction).toBe('increase');
    expect(found[0].actual).toBe(400);
    expect(found[0].expected).toBeGreaterThan(94);
    expect(found[0].expected).toBeLessThan(106);
  });

  it('flags a drop', () => {
    const s = days(70, (i) => (i === 50 ? 20 : 100 + wobble(i)));
    const found = detectAnomalies(s);
    expect(found).toHaveLength(1);
    expect(found[0].direction).toBe('decrease');
  });

  it('does not flag weekends of a weekly pattern', () => {
    const s = days(90, (i, date) => ([0, 6].includes(weekday(date)) ? 40 : 100) + wobble(i) / 2);
    expect(detectAnomalies(s)).toEqual([]);
  });

  it('ignores departures under the minimum amount even when they are many MADs', () => {
    const s = days(40, (i) => (i === 30 ? 5 : 1));
    expect(detectAnomalies(s, { minAmount: 10 })).toEqual([]);
    expect(detectAnomalies(s, { minAmount: 1 }).map((a) => a.date)).toEqual([s[30].date]);
  });

  it('uses the MAD threshold: a departure inside 3 scaled MADs is not flagged', () => {
    const noisy = days(60, (i) => 1000 + ((i * 7919) % 200) - 100);
    const found = detectAnomalies(noisy, { minAmount: 0, minRelative: 0 });
    for (const a of found) expect(Math.abs(a.actual - a.expected)).toBeGreaterThan(a.threshold);
    const withinSpread = [...noisy];
    withinSpread[55] = { ...withinSpread[55], cost: 1000 + 120 };
    expect(
      detectAnomalies(withinSpread, { minRelative: 0 }).some((a) => a.date === withinSpread[55].date),
    ).toBe(false);
  });

  it('needs four weeks of history before judging a day', () => {
    const s = days(30, (i) => (i === 27 || i === 29 ? 1000 : 100 + wobble(i)));
    expect(detectAnomalies(s).map((a) => a.date)).toEqual([s[29].date]);
  });

  it('flags few days of plain noise', () => {
    let x = 12345;
    const noise = () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x / 2 ** 32;
    };
    // Sums of 20 uniform draws: roughly normal, 13% spread; 3 robust deviations should flag well under 1% of days.
    const s = days(400, () =>
      Array.from({ length: 20 }, () => 0.5 + noise() * 9.5).reduce((a, b) => a + b, 0),
    );
    expect(detectAnomalies(s, { minAmount: 0, minRelative: 0 }).length).toBeLessThan(400 * 0.01);
  });
});
