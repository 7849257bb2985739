import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCostService, type CostService } from '../../src/costs/cost-service.js';
import { parseCostQuery } from '../../src/costs/cost-query.js';
import { DuckDbStore } from '../../src/store/duckdb-store.js';
import { silentLog } from '../../src/lib/log.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../helpers/stores.js';
import { ACCOUNTS, insertItems, makeItems, SERVICES, sum, type FixtureItem } from './fixtures.js';

const ORG = 'org_a';
const OTHER_ORG = 'org_b';
const clock = { now: () => new Date('2024-03-10T12:00:00Z') };

describe.each(ENGINES)('cost service on %s', (engine) => {
  let db: TestDatabase;
  let store: Store;
  let costs: CostService;
  let items: FixtureItem[];

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    store = await db.open();
    items = makeItems(ORG, '2024-01-01', 70);
    const eur = {
      ...items[0],
      currency: 'EUR',
      billed: 50,
      net: 50,
      amortized: 50,
      netAmortized: 50,
      date: '2024-01-05',
    };
    const other = makeItems(OTHER_ORG, '2024-01-01', 70, { scale: 100, cloudAccountId: 'ca_other' });
    await insertItems(store, [...items, eur, ...other]);
    await store.execute(
      `INSERT INTO cloud_accounts (id, org_id, name, provider, type, aws_account_id, created_at, updated_at)
       VALUES ('ca_payer', $1, 'Prod (connected)', 'aws', 'root', '111111111111', $2, $2)`,
      [ORG, new Date()],
    );
    costs = createCostService({ store, clock, log: silentLog });
  });

  afterAll(async () => {
    await store?.close();
    await db?.destroy();
  });

  const inRange = (from: string, to: string) => (i: FixtureItem) =>
    i.date >= from && i.date <= to && i.currency === 'USD';

  it.each([
    ['billed', 'billed'],
    ['net', 'net'],
    ['amortized', 'amortized'],
    ['net_amortized', 'netAmortized'],
  ] as const)('totals and daily series match the line items for basis %s', async (basis, field) => {
    const a = await costs.queryText(ORG, { from: '2024-01-01', to: '2024-01-31', granularity: 'day', basis });
    expect(a.currency).toBe('USD');
    expect(a.total).toBeCloseTo(sum(items, field, inRange('2024-01-01', '2024-01-31')), 6);
    expect(a.periods).toHaveLength(31);
    for (const p of a.series) expect(p.cost).toBeCloseTo(sum(items, field, inRange(p.period, p.period)), 6);
    expect(a.source).toBe('cost_daily');
  });

  it('groups by service and account, labelled with the account name', async () => {
    const a = await costs.queryText(ORG, {
      from: '2024-01-01',
      to: '2024-02-29',
      groupBy: 'service,account',
    });
    expect(a.periods).toEqual(['2024-01', '2024-02']);
    expect(a.groupCount).toBe(SERVICES.length * ACCOUNTS.length + 1);
    for (const g of a.groups) {
      const expected = sum(
        items,
        'billed',
        (i) =>
          inRange('2024-01-01', '2024-02-29')(i) &&
          i.service === g.key.service &&
          i.account === g.key.account,
      );
      expect(g.total).toBeCloseTo(expected, 6);
      expect(g.series[0].cost + g.series[1].cost).toBeCloseTo(g.total, 6);
    }
    const labels = a.groups.map((g) => g.label);
    expect(labels).toContain('AWS Lambda / Prod (connected) (111111111111)');
    expect(labels).toContain('AWS Lambda / Staging (222222222222)');
    // Largest first.
    expect(a.groups.map((g) => g.total)).toEqual([...a.groups.map((g) => g.total)].sort((x, y) => y - x));
  });

  it('groups by a tag with untagged as its own group, from the line items', async () => {
    const a = await costs.queryText(ORG, { from: '2024-02-01', to: '2024-02-29', groupBy: 'tag:user:team' });
    expect(a.source).toBe('cost_line_items');
    const byKey = Object.fromEntries(a.groups.map((g) => [String(g.key['tag:user:team']), g]));
    expect(Object.keys(byKey).sort()).toEqual(['data', 'null', 'platform']);
    expect(byKey.null.label).toBe('(untagged)');
    const r = inRange('2024-02-01', '2024-02-29');
    expect(byKey.platform.total).toBeCloseTo(
      sum(items, 'billed', (i) => r(i) && i.tags?.['user:team'] === 'platform'),
      6,
    );
    expect(byKey.null.total).toBeCloseTo(
      sum(items, 'billed', (i) => r(i) && !i.tags),
      6,
    );
    expect(a.total).toBeCloseTo(sum(items, 'billed', r), 6);
  });

  it('filters with include and exclude lists, and on untagged rows', async () => {
    const a = await costs.queryText(ORG, {
      from: '2024-01-01',
      to: '2024-03-10',
      filter: ['service=AWS Lambda', 'service=Amazon Simple Storage Service'],
      exclude: ['region=eu-west-1'],
      basis: 'amortized',
    });
    const r = inRange('2024-01-01', '2024-03-10');
    expect(a.total).toBeCloseTo(
      sum(
        items,
        'amortized',
        (i) =>
          r(i) &&
          ['AWS Lambda', 'Amazon Simple Storage Service'].includes(i.service) &&
          i.region !== 'eu-west-1',
      ),
      6,
    );
    const untagged = await costs.queryText(ORG, {
      from: '2024-01-01',
      to: '2024-01-31',
      filter: ['tag:user:team='],
      groupBy: 'usageType',
    });
    expect(untagged.total).toBeCloseTo(
      sum(items, 'billed', (i) => inRange('2024-01-01', '2024-01-31')(i) && !i.tags),
      6,
    );
    const noRegion = await costs.queryText(ORG, {
      from: '2024-01-01',
      to: '2024-01-31',
      filter: ['region='],
    });
    expect(noRegion.total).toBeCloseTo(
      sum(items, 'billed', (i) => inRange('2024-01-01', '2024-01-31')(i) && i.region === null),
      6,
    );
  });

  it('folds groups past the limit into one other group so that totals still add up', async () => {
    const a = await costs.queryText(ORG, {
      from: '2024-01-01',
      to: '2024-01-31',
      groupBy: 'resource',
      limit: 3,
    });
    expect(a.truncated).toBe(true);
    expect(a.groups).toHaveLength(4);
    const other = a.groups.at(-1);
    expect(other?.other?.groups).toBe(a.groupCount - 3);
    expect(other?.key).toEqual({ resource: null });
    expect(a.groups.reduce((s, g) => s + g.total, 0)).toBeCloseTo(a.total, 6);
    expect(a.total).toBeCloseTo(sum(items, 'billed', inRange('2024-01-01', '2024-01-31')), 6);
    // Across months and days, every period of the folded answer still adds up.
    for (const granularity of ['month', 'day'] as const) {
      const spread = await costs.queryText(ORG, {
        from: '2024-01-20',
        to: '2024-02-10',
        groupBy: 'resource,account',
        granularity,
        limit: 5,
      });
      for (const [i, p] of spread.series.entries()) {
        const inPeriod = (it: FixtureItem) =>
          it.currency === 'USD' &&
          it.date >= '2024-01-20' &&
          it.date <= '2024-02-10' &&
          it.date.startsWith(p.period);
        expect(p.cost).toBeCloseTo(sum(items, 'billed', inPeriod), 6);
        expect(spread.groups.reduce((s, g) => s + g.series[i].cost, 0)).toBeCloseTo(p.cost, 6);
      }
      const first = spread.groups[0];
      expect(first.total).toBeCloseTo(
        sum(
          items,
          'billed',
          (it) =>
            it.resource === first.key.resource &&
            it.account === first.key.account &&
            inRange('2024-01-20', '2024-02-10')(it),
        ),
        6,
      );
    }
    const noId = await costs.queryText(ORG, {
      from: '2024-01-01',
      to: '2024-01-31',
      groupBy: 'resource',
      limit: 1000,
    });
    expect(noId.groups.find((g) => g.key.resource === null)?.label).toBe('(no resource ID)');
  });

  it('never mixes currencies: answers in one and lists the others', async () => {
    const usd = await costs.queryText(ORG, { from: '2024-01-01', to: '2024-01-31' });
    expect(usd.currency).toBe('USD');
    expect(usd.otherCurrencies).toEqual([{ currency: 'EUR', total: 50 }]);
    expect(usd.total).toBeCloseTo(sum(items, 'billed', inRange('2024-01-01', '2024-01-31')), 6);
    const eur = await costs.queryText(ORG, {
      from: '2024-01-01',
      to: '2024-01-31',
      currency: 'EUR',
      groupBy: 'service',
    });
    expect(eur).toMatchObject({ currency: 'EUR', total: 50 });
    // Asked for EUR, the USD rows are the ones left out.
    expect(eur.otherCurrencies).toEqual([{ currency: 'USD', total: usd.total }]);
  });

  it("keeps organizations apart: another organization's costs never count", async () => {
    const a = await costs.queryText(OTHER_ORG, { from: '2024-01-01', to: '2024-01-31', groupBy: 'account' });
    const mine = await costs.queryText(ORG, { from: '2024-01-01', to: '2024-01-31', groupBy: 'account' });
    expect(a.total).toBeCloseTo(mine.total * 100, 2);
    // Org B has no connected account named "Prod (connected)".
    expect(a.groups.map((g) => g.label)).not.toContain('Prod (connected) (111111111111)');
  });

  it('compares month to date with the same days of last month', async () => {
    const s = await costs.summary(ORG);
    expect(s.monthToDate).toEqual({ from: '2024-03-01', to: '2024-03-10', total: expect.any(Number) });
    expect(s.monthToDate.total).toBeCloseTo(sum(items, 'billed', inRange('2024-03-01', '2024-03-10')), 6);
    expect(s.samePeriodLastMonth.from).toBe('2024-02-01');
    expect(s.samePeriodLastMonth.to).toBe('2024-02-10');
    expect(s.samePeriodLastMonth.total).toBeCloseTo(
      sum(items, 'billed', inRange('2024-02-01', '2024-02-10')),
      6,
    );
    expect(s.lastMonth.total).toBeCloseTo(sum(items, 'billed', inRange('2024-02-01', '2024-02-29')), 6);
    expect(s.change).toBeCloseTo(s.monthToDate.total - s.samePeriodLastMonth.total, 6);
  });

  it('lists top movers by service and by account between two periods', async () => {
    const m = await costs.movers(ORG, {
      from: '2024-02-01',
      to: '2024-02-29',
      compareFrom: '2024-01-01',
      compareTo: '2024-01-31',
    });
    expect(m.dimensions.map((d) => d.dimension)).toEqual(['service', 'account']);
    const svc = m.dimensions[0];
    // February is shorter than January, so every service cost less.
    expect(svc.increases).toEqual([]);
    expect(svc.decreases.length).toBeGreaterThan(0);
    const top = svc.decreases[0];
    const cur = sum(items, 'billed', (i) => inRange('2024-02-01', '2024-02-29')(i) && i.service === top.key);
    const prev = sum(items, 'billed', (i) => inRange('2024-01-01', '2024-01-31')(i) && i.service === top.key);
    expect(top.current).toBeCloseTo(cur, 6);
    expect(top.previous).toBeCloseTo(prev, 6);
    expect(top.change).toBeCloseTo(cur - prev, 6);
    for (const d of svc.decreases.slice(1)) expect(d.change).toBeGreaterThanOrEqual(top.change);
  });

  it('forecasts the rest of the month and three more months, stating the method', async () => {
    const f = await costs.forecast(ORG, { asOf: '2024-03-10' });
    expect(f.model).toBe('trend+weekday');
    expect(f.method).toMatch(/linear trend plus a day-of-week effect/);
    expect(f.lastDataDate).toBe('2024-03-10');
    expect(f.periods.map((p) => p.month)).toEqual(['2024-03', '2024-04', '2024-05', '2024-06']);
    const march = f.periods[0];
    expect(march.actual).toBeCloseTo(sum(items, 'billed', inRange('2024-03-01', '2024-03-10')), 6);
    expect(march.total).toBeCloseTo(march.actual + march.forecast, 6);
    // The fixture's days cost about the same: 21 more March days forecast near 21 average days.
    const perDay = march.actual / 10;
    expect(march.forecast / 21).toBeGreaterThan(perDay * 0.8);
    expect(march.forecast / 21).toBeLessThan(perDay * 1.2);
    for (const p of f.periods) {
      expect(p.lower).toBeLessThanOrEqual(p.total);
      expect(p.upper).toBeGreaterThanOrEqual(p.total);
    }
    expect(f.daily[0].date).toBe('2024-03-11');
    expect(f.daily.at(-1)?.date).toBe('2024-06-30');
  });

  it('finds an injected spike, stores it, and names the line items that drove it', async () => {
    const spike: FixtureItem = {
      ...items.find((i) => i.service === 'AWS Lambda' && i.account === '222222222222')!,
      date: '2024-02-20',
      resource: 'fn-runaway',
      billed: 900,
      net: 900,
      amortized: 900,
      netAmortized: 900,
    };
    const probe = await createTestDatabase(engine);
    const s2 = await probe.open();
    try {
      await insertItems(s2, [...items, spike]);
      const svc = createCostService({ store: s2, clock, log: silentLog });
      const result = await svc.recomputeAnomalies(ORG);
      expect(result.anomalies).toBeGreaterThan(0);
      const list = await svc.listAnomalies(ORG, { from: '2024-02-20', to: '2024-02-20' });
      const byDim = Object.fromEntries(list.map((a) => [a.dimension, a]));
      expect(byDim.service).toMatchObject({
        key: 'AWS Lambda',
        date: '2024-02-20',
        direction: 'increase',
        currency: 'USD',
      });
      expect(byDim.account).toMatchObject({ key: '222222222222', label: 'Staging (222222222222)' });
      expect(byDim.service.drivers[0]).toMatchObject({ resourceId: 'fn-runaway', cost: 900 });
      expect(byDim.service.change).toBeCloseTo(byDim.service.actual - byDim.service.expected, 6);
      // Nothing else in the regular fixture is anomalous.
      expect((await svc.listAnomalies(ORG)).every((a) => a.date === '2024-02-20')).toBe(true);
      // Recomputing (here for one connection) keeps the same rows; another organization sees none of them.
      const before = (await svc.listAnomalies(ORG)).map((a) => a.id).sort();
      const again = await svc.recomputeAnomalies(ORG, 'ca_payer');
      expect(again.anomalies).toBe(result.anomalies);
      expect((await svc.listAnomalies(ORG)).map((a) => a.id).sort()).toEqual(before);
      expect(await svc.listAnomalies(OTHER_ORG)).toEqual([]);
    } finally {
      await s2.close();
      await probe.destroy();
    }
  });

  it.each(['csv', 'parquet'] as const)('exports line items in FOCUS columns as %s', async (format) => {
    const out = await costs.exportLineItems(ORG, {
      from: '2024-01-01',
      to: '2024-01-03',
      format,
      filters: parseCostQuery(
        { from: '2024-01-01', to: '2024-01-03', filter: ['service=AWS Lambda'] },
        '2024-06-01',
      ).filters,
    });
    try {
      const duck = await DuckDbStore.open({ path: ':memory:', connections: 1 });
      try {
        const reader =
          format === 'csv' ? `read_csv('${out.path}', header = true)` : `read_parquet('${out.path}')`;
        const [r] = await duck.query<{ n: number; billed: number; services: number }>(
          `SELECT COUNT(*) AS n, SUM(CAST("BilledCost" AS DOUBLE)) AS billed, COUNT(DISTINCT "ServiceName") AS services FROM ${reader}`,
        );
        const expected = items.filter(
          (i) => inRange('2024-01-01', '2024-01-03')(i) && i.service === 'AWS Lambda',
        );
        expect(Number(r.n)).toBe(expected.length);
        expect(Number(r.billed)).toBeCloseTo(sum(expected, 'billed'), 6);
        expect(Number(r.services)).toBe(1);
      } finally {
        await duck.close();
      }
      if (format === 'csv') {
        const header = readFileSync(out.path, 'utf8').split(/\r?\n/)[0];
        expect(header).toContain('BilledCost');
        expect(header).toContain('EffectiveCost');
        expect(header).toContain('SubAccountId');
        expect(header).toContain('ChargePeriodStart');
      }
    } finally {
      out.cleanup();
    }
  });
});
