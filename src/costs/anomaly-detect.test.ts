import { describe, expect, it } from 'vitest';
import { judgeSeries } from './anomaly-series.js';
import { detectAnomalies, median, sameDayMonthsBefore } from './anomaly-detect.js';
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

describe('recurring monthly charges and young series', () => {
  it('finds the same day of previous months, clamped to shorter months', () => {
    expect(sameDayMonthsBefore('2024-03-15', 1)).toBe('2024-02-15');
    expect(sameDayMonthsBefore('2024-03-30', 1)).toBe('2024-02-29');
    expect(sameDayMonthsBefore('2024-03-31', 1)).toBe('2024-02-29');
    expect(sameDayMonthsBefore('2024-02-29', 1)).toBe('2024-01-31');
    expect(sameDayMonthsBefore('2024-01-01', 2)).toBe('2023-11-01');
  });

  // Usage on weekdays, a credit of -500 and a support fee of +300 on every 1st.
  const monthly = (i: number, date: string) => {
    const usage = 100 + wobble(i);
    const recurring = date.endsWith('-01') ? -500 + 300 : 0;
    return { cost: usage + recurring, recurring };
  };
  const withRecurring = (n: number, f: (i: number, date: string) => { cost: number; recurring: number }) =>
    Array.from({ length: n }, (_, i) => {
      const date = addDays('2024-01-01', i);
      return { date, ...f(i, date) };
    });

  it('does not flag a recurring credit on the 1st of every month', () => {
    const s = withRecurring(200, monthly);
    expect(detectAnomalies(s)).toEqual([]);
    // Judged against weekdays alone (the recurring part not told apart), every 1st is flagged.
    const blind = s.map((p) => ({ date: p.date, cost: p.cost }));
    const flagged = detectAnomalies(blind).map((a) => a.date);
    expect(flagged.filter((d) => d.endsWith('-01')).length).toBeGreaterThanOrEqual(4);
  });

  it('flags a recurring charge that changes against the same day of previous months', () => {
    const s = withRecurring(200, (i, date) => {
      const m = monthly(i, date);
      return date === '2024-06-01' ? { cost: m.cost - 1000, recurring: m.recurring - 1000 } : m;
    });
    const found = detectAnomalies(s);
    expect(found.map((a) => a.date)).toEqual(['2024-06-01']);
    expect(found[0]).toMatchObject({ direction: 'decrease', expected: expect.closeTo(100 - 200, -1) });
  });

  it('takes recurring charges as they are until the series has two previous months', () => {
    // The first credit arrives on day 32 (Feb 1): one previous month only, so it is not judged yet.
    const s = withRecurring(70, (i, date) => {
      const recurring = date === '2024-02-01' ? -800 : 0;
      return { cost: 100 + wobble(i) + recurring, recurring };
    });
    expect(detectAnomalies(s)).toEqual([]);
    // With two months of history, the same new credit is an anomaly.
    const later = withRecurring(100, (i, date) => {
      const recurring = date === '2024-03-01' ? -800 : 0;
      return { cost: 100 + wobble(i) + recurring, recurring };
    });
    expect(detectAnomalies(later).map((a) => a.date)).toEqual(['2024-03-01']);
  });

  it('leaves an account out of a service until it has a whole baseline, so its arrival is no anomaly', () => {
    const settled = new Map(
      Array.from({ length: 200 }, (_, i) => [
        addDays('2024-01-01', i),
        { cost: 100 + wobble(i), recurring: 0 },
      ]),
    );
    // A new account joins on day 100 and costs 300 a day in the same service: a step of +300.
    const newcomer = new Map(
      Array.from({ length: 100 }, (_, i) => [
        addDays('2024-01-01', 100 + i),
        { cost: 300 + wobble(i), recurring: 0 },
      ]),
    );
    const firstDay = new Map([['222222222222', addDays('2024-01-01', 100)]]);
    const last = addDays('2024-01-01', 199);
    const young = new Map([['222222222222', newcomer]]);
    expect(judgeSeries({ settled, young }, last, firstDay, 56)).toEqual([]);
    // Summed blindly, the arrival is flagged.
    const blind = [...settled].map(([date, d]) => ({ date, cost: d.cost + (newcomer.get(date)?.cost ?? 0) }));
    expect(detectAnomalies(blind).map((a) => a.date)).toContain(addDays('2024-01-01', 100));
    // Once settled, the newcomer's own spike still counts.
    newcomer.set(addDays('2024-01-01', 180), { cost: 2000, recurring: 0 });
    expect(judgeSeries({ settled, young }, last, firstDay, 56).map((a) => a.date)).toEqual([
      addDays('2024-01-01', 180),
    ]);
  });
});

describe('changes that last, open months, usage that starts late', () => {
  it('reports a lasting change once, on its first day', () => {
    const s = days(120, (i) => (i >= 80 ? 300 : 100) + wobble(i));
    const dates = detectAnomalies(s).map((a) => a.date);
    // Day 80, and not the weeks after it while the weekday medians catch up (at most one relapse).
    expect(dates[0]).toBe(s[80].date);
    expect(dates.length).toBeLessThanOrEqual(2);
  });

  it('does not judge recurring charges of the open month', () => {
    // The credit of every 1st is missing on the 1st of the newest month (AWS books it when the month closes).
    const s = Array.from({ length: 160 }, (_, i) => {
      const date = addDays('2024-01-01', i);
      const recurring = date.endsWith('-01') && date !== '2024-06-01' ? -300 : 0;
      return { date, cost: 100 + wobble(i) + recurring, recurring };
    });
    expect(detectAnomalies(s).map((a) => a.date)).toEqual(['2024-06-01']);
    expect(detectAnomalies(s, { openFrom: '2024-06-01' })).toEqual([]);
  });

  it('starts the usage history on the first day of usage, not on an earlier credit', () => {
    // A credit on Jan 1 and Feb 1; usage from Feb 10: its first four weeks are not judged against zero.
    const s = Array.from({ length: 100 }, (_, i) => {
      const date = addDays('2024-01-01', i);
      const recurring = date.endsWith('-01') ? -25 : 0;
      const usage = date >= '2024-02-10' ? 50 + wobble(i) : 0;
      return { date, cost: usage + recurring, recurring };
    });
    expect(detectAnomalies(s)).toEqual([]);
  });
});
