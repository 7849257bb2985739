import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCostService, type CostService } from '../../src/costs/cost-service.js';
import { dataThrough, monthToDateSpans } from '../../src/costs/data-through.js';
import { silentLog } from '../../src/lib/log.js';
import type { Store } from '../../src/store/store.js';
import { chartDays } from '../../web/src/pages/overview/daily-chart.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../helpers/stores.js';
import { insertItems, makeItems, sum, type FixtureItem } from './fixtures.js';

/**
 * Billing runs about a day behind: on 2 December the newest data is for 1 December. Every comparison must cut
 * both sides at that day instead of setting one day of December against two days of November.
 */
const ORG = 'org_lag';
// An organization whose data stops at the end of November: on 2 December its month has no data yet.
const LATE_ORG = 'org_late';
const EMPTY_ORG = 'org_empty';
const clock = { now: () => new Date('2026-12-02T09:30:00Z') };

describe.each(ENGINES)('comparisons through the newest day with data on %s', (engine) => {
  let db: TestDatabase;
  let store: Store;
  let costs: CostService;
  let items: FixtureItem[];
  const between = (from: string, to: string) => (i: FixtureItem) => i.date >= from && i.date <= to;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    store = await db.open();
    // 1 October to 1 December 2026, every day.
    items = makeItems(ORG, '2026-10-01', 62);
    expect(items.at(-1)?.date).toBe('2026-12-01');
    const late = makeItems(LATE_ORG, '2026-10-01', 61, { cloudAccountId: 'ca_late' });
    await insertItems(store, [...items, ...late]);
    costs = createCostService({ store, clock, log: silentLog });
  });

  afterAll(async () => {
    await store?.close();
    await db?.destroy();
  });

  it('finds the newest day with data, on or before a given day, per organization and scope', async () => {
    expect(await dataThrough(store, ORG)).toBe('2026-12-01');
    expect(await dataThrough(store, ORG, { asOf: '2026-11-15' })).toBe('2026-11-15');
    expect(await dataThrough(store, LATE_ORG)).toBe('2026-11-30');
    expect(await dataThrough(store, EMPTY_ORG)).toBeNull();
    const lambda = [{ dimension: { kind: 'service' as const }, values: ['AWS Lambda'], exclude: false }];
    expect(await dataThrough(store, ORG, { filters: lambda })).toBe('2026-12-01');
    const nothing = [{ dimension: { kind: 'service' as const }, values: ['Amazon Bedrock'], exclude: false }];
    expect(await dataThrough(store, ORG, { filters: nothing })).toBeNull();
  });

  it('compares month to date on 2 December as 1 December against 1 November, and says so', async () => {
    const s = await costs.summary(ORG);
    expect(s.asOf).toBe('2026-12-02');
    expect(s.dataThrough).toBe('2026-12-01');
    expect(s.monthToDate).toMatchObject({ from: '2026-12-01', to: '2026-12-01' });
    expect(s.samePeriodLastMonth).toMatchObject({ from: '2026-11-01', to: '2026-11-01' });
    const dec1 = sum(items, 'billed', between('2026-12-01', '2026-12-01'));
    const nov1 = sum(items, 'billed', between('2026-11-01', '2026-11-01'));
    expect(s.monthToDate.total).toBeCloseTo(dec1, 6);
    expect(s.samePeriodLastMonth.total).toBeCloseTo(nov1, 6);
    expect(s.changePercent).toBeCloseTo(((dec1 - nov1) / nov1) * 100, 4);
    // One day against two would be about −50 %; the fixture's days differ by a few per cent only.
    expect(Math.abs(s.changePercent ?? 100)).toBeLessThan(15);
    expect(s.lastMonth).toMatchObject({ from: '2026-11-01', to: '2026-11-30' });
  });

  it('compares nothing while this month has no data yet', async () => {
    const s = await costs.summary(LATE_ORG);
    expect(s.dataThrough).toBe('2026-11-30');
    expect(s.monthToDate).toEqual({ from: '2026-12-01', to: '2026-11-30', total: 0 });
    expect(s.samePeriodLastMonth).toEqual({ from: '2026-11-01', to: '2026-10-31', total: 0 });
    expect(s.change).toBe(0);
    expect(s.changePercent).toBeNull();
    expect(s.lastMonth.total).toBeCloseTo(sum(items, 'billed', between('2026-11-01', '2026-11-30')), 6);
  });

  it('reports movers over the same days on both sides, not every service down by half', async () => {
    const m = await costs.movers(ORG);
    expect(m.dataThrough).toBe('2026-12-01');
    expect(m.current).toMatchObject({ from: '2026-12-01', to: '2026-12-01' });
    expect(m.previous).toMatchObject({ from: '2026-11-01', to: '2026-11-01' });
    // The fixture's 1 November and 1 December cost the same (its pattern repeats every five days), so nothing
    // moved; one day against two would list every service as a drop of about half.
    const dec1 = sum(items, 'billed', between('2026-12-01', '2026-12-01'));
    expect(m.current.total).toBeCloseTo(dec1, 6);
    expect(m.previous.total).toBeCloseTo(sum(items, 'billed', between('2026-11-01', '2026-11-01')), 6);
    expect(m.previous.total).toBeCloseTo(dec1, 6);
    for (const d of m.dimensions)
      expect({ [d.dimension]: [...d.increases, ...d.decreases] }).toEqual({ [d.dimension]: [] });
  });

  it('cuts an asked range at the newest day with data and compares the equal span before it', async () => {
    const m = await costs.movers(ORG, { from: '2026-11-20', to: '2026-12-02' });
    expect(m.current).toMatchObject({ from: '2026-11-20', to: '2026-12-01' });
    // Twelve days with data, against the twelve days before.
    expect(m.previous).toMatchObject({ from: '2026-11-08', to: '2026-11-19' });
    // An explicit comparison period is kept as asked.
    const asked = await costs.movers(ORG, {
      from: '2026-11-01',
      to: '2026-11-30',
      compareFrom: '2026-10-01',
      compareTo: '2026-10-31',
    });
    expect(asked.current).toMatchObject({ from: '2026-11-01', to: '2026-11-30' });
    expect(asked.previous).toMatchObject({ from: '2026-10-01', to: '2026-10-31' });
  });

  it('forecasts from the day after the newest day with data, fitting no empty days', async () => {
    const f = await costs.forecast(ORG);
    expect(f.dataThrough).toBe('2026-12-01');
    expect(f.lastDataDate).toBe('2026-12-01');
    expect(f.fittedOn?.to).toBe('2026-12-01');
    expect(f.daily[0].date).toBe('2026-12-02');
    const dec = f.periods[0];
    expect(dec.actual).toBeCloseTo(sum(items, 'billed', between('2026-12-01', '2026-12-01')), 6);
    // 30 days forecast at about the fixture's daily cost, not pulled down by a zero for today.
    const perDay = dec.actual;
    expect(dec.forecast / 30).toBeGreaterThan(perDay * 0.85);
  });

  it("leaves today out of the Overview's daily chart while it has no data", async () => {
    const a = await costs.queryText(ORG, {
      from: '2026-11-03',
      to: '2026-12-02',
      granularity: 'day',
      groupBy: 'service',
    });
    expect(a.dataThrough).toBe('2026-12-01');
    // The answer itself still lists the day (as zero); the chart must not draw it as spending nothing.
    expect(a.series.at(-1)).toEqual({ period: '2026-12-02', cost: 0 });
    const days = chartDays(a.periods, a.dataThrough);
    expect(days.shown.at(-1)).toBe('2026-12-01');
    expect(days.shown).toHaveLength(29);
    expect(days.pending).toEqual(['2026-12-02']);
    const none = await costs.queryText(EMPTY_ORG, {
      from: '2026-11-03',
      to: '2026-12-02',
      granularity: 'day',
    });
    expect(none.dataThrough).toBeNull();
    expect(chartDays(none.periods, none.dataThrough).shown).toEqual([]);
  });
});

describe('month-to-date spans', () => {
  it('cut the previous month at the same day of the month, clamped to its last day', () => {
    expect(monthToDateSpans('2026-12-02', '2026-12-01')).toEqual({
      current: { from: '2026-12-01', to: '2026-12-01' },
      previous: { from: '2026-11-01', to: '2026-11-01' },
    });
    expect(monthToDateSpans('2027-03-31', '2027-03-30')).toEqual({
      current: { from: '2027-03-01', to: '2027-03-30' },
      previous: { from: '2027-02-01', to: '2027-02-28' },
    });
    // Data newer than asOf does not count; no data at all compares the days asked.
    expect(monthToDateSpans('2026-12-05', '2026-12-20').current.to).toBe('2026-12-05');
    expect(monthToDateSpans('2026-12-05', null).previous).toEqual({ from: '2026-11-01', to: '2026-11-05' });
  });
});
