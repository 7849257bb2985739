/**
 * Allocation rules on both engines: a dimension with tag normalization, a proportional, an even-less fixed and a
 * plain rule is applied in the background; per month and basis its values sum exactly to the period's total (no
 * unit lost or created by the shared split), grouping and filtering by it agree, a change shows its effect in the
 * preview and re-applies while answers keep the applied version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DimensionView } from '../../src/allocation/allocation-service.js';
import type { PreviewAnswer } from '../../src/allocation/allocation-preview.js';
import type { ShowbackAnswer } from '../../src/allocation/showback.js';
import type { CoverageAnswer } from '../../src/allocation/tag-coverage.js';
import type { CostAnswer } from '../../src/costs/cost-answer.js';
import { COST_BASES } from '../../src/costs/cost-query.js';
import { toUnits } from '../../src/costs/exact-money.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ENGINES } from '../helpers/stores.js';
import { insertItems, makeItems, sum, type FixtureItem } from '../costs/fixtures.js';

const FROM = '2024-01-20';
const TO = '2024-02-10';

const TEAM = {
  name: 'team',
  defaultValue: 'Unallocated',
  tagAliases: { 'user:team': ['Team'] },
  valueAliases: { platform: ['PLATFORM', 'Platform'] },
  rules: [
    {
      name: 'tax by spend',
      conditions: [{ field: 'chargeCategory', operator: 'in', values: ['Tax'] }],
      share: { method: 'proportional' },
    },
    {
      name: 'shared lambda',
      conditions: [
        { field: 'service', operator: 'in', values: ['AWS Lambda'] },
        { field: 'resource', operator: 'missing' },
      ],
      share: { method: 'fixed', percentages: { platform: 70, data: 30 } },
    },
    {
      name: 'data account',
      conditions: [{ field: 'account', operator: 'in', values: ['333333333333'] }],
      value: 'analytics',
    },
    { name: 'team tag', valueFromTag: 'user:team' },
    {
      name: 'storage left untagged',
      conditions: [
        { field: 'tag', key: 'user:team', operator: 'missing' },
        { field: 'resource', operator: 'matches', values: ['res-?-1-*'] },
      ],
      share: { method: 'even', values: ['platform', 'data'] },
    },
  ],
};

describe.each(ENGINES)('allocation rules on %s', (engine) => {
  let t: TestServer;
  let items: FixtureItem[];

  beforeAll(async () => {
    t = await startTestServer({ engine });
    items = makeItems(t.users.manager.orgId, FROM, 22).map((i, n) =>
      // Variant spellings of the key and the value, which the dimension normalizes.
      i.tags?.['user:team'] === 'platform' && n % 3 === 0 ? { ...i, tags: { Team: 'PLATFORM' } } : i,
    );
    await insertItems(t.ctx.store, items);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function call<T>(method: string, path: string, body?: unknown, status = 200): Promise<T> {
    const res = await t.request(path, { method, token: t.users.manager.token, body });
    const text = await res.text();
    expect(res.status, `${method} ${path}: ${text}`).toBe(status);
    return (text ? JSON.parse(text) : null) as T;
  }
  const costs = (query: Record<string, string>) =>
    call<CostAnswer>('GET', `/api/v1/costs?${new URLSearchParams({ from: FROM, to: TO, ...query })}`);
  const applied = (version: number) =>
    expect
      .poll(
        async () => (await call<DimensionView>('GET', '/api/v1/allocation/dimensions/team')).appliedVersion,
        {
          timeout: 60_000,
          interval: 100,
        },
      )
      .toBe(version);

  it('applies the rules; per month and basis the values sum exactly to the total', async () => {
    const created = await call<DimensionView>('POST', '/api/v1/allocation/dimensions', TEAM, 201);
    expect(created).toMatchObject({ name: 'team', version: 1 });
    await applied(1);

    // Exact: the DECIMAL sums of the assignment equal those of the line items, month by month, for every basis.
    const columns = [
      ['billed_cost', 'billed_cost'],
      ['x_net_billed_cost', 'net_billed_cost'],
      ['effective_cost', 'effective_cost'],
      ['x_net_effective_cost', 'net_effective_cost'],
    ];
    const org = t.users.manager.orgId;
    const month = `CAST(date_trunc('month', usage_date) AS VARCHAR)`;
    const lineItems = await t.ctx.store.query<Record<string, string>>(
      `SELECT ${month} AS m, ${columns.map(([li], i) => `CAST(SUM(${li}) AS VARCHAR) AS c${i}`).join(', ')}
       FROM cost_line_items WHERE org_id = $1 GROUP BY 1 ORDER BY 1`,
      [org],
    );
    const allocated = await t.ctx.store.query<Record<string, string>>(
      `SELECT ${month} AS m, ${columns.map(([, a], i) => `CAST(SUM(${a}) AS VARCHAR) AS c${i}`).join(', ')}
       FROM cost_allocations WHERE org_id = $1 AND dimension = 'team' AND version = 1 GROUP BY 1 ORDER BY 1`,
      [org],
    );
    expect(allocated.length).toBe(2);
    const units = (s: string | undefined) => toUnits(s);
    for (const [i, row] of allocated.entries())
      for (let c = 0; c < columns.length; c++)
        expect(units(row[`c${c}`]), `${row.m} ${columns[c][0]}`).toBe(units(lineItems[i][`c${c}`]));
    const markers = await t.ctx.store.query(
      `SELECT value FROM cost_allocations WHERE org_id = $1 AND substr(value, 1, 8) = '__share:'`,
      [org],
    );
    expect(markers).toEqual([]);

    for (const basis of COST_BASES) {
      const all = await costs({ basis });
      const grouped = await costs({ basis, groupBy: 'allocation:team' });
      expect(grouped.source).toBe('cost_allocations');
      expect(grouped.total, basis).toBe(all.total);
      expect(grouped.allocation).toMatchObject({ dimension: 'team', version: 1, pending: false });
      const values = grouped.groups.map((g) => g.key['allocation:team']).sort();
      expect(values).toEqual(['Unallocated', 'analytics', 'data', 'platform']);
      expect(grouped.groups.reduce((s, g) => s + g.total, 0)).toBeCloseTo(all.total, 5);
    }
  });

  it('assigns each rule’s spend where it says, with the normalized tag and the shares', async () => {
    const byTeam = Object.fromEntries(
      (await costs({ groupBy: 'allocation:team', granularity: 'month' })).groups.map((g) => [
        g.label,
        g.total,
      ]),
    );
    const analyticsDirect = sum(
      items,
      'billed',
      (i) =>
        i.account === '333333333333' &&
        !(i.service === 'AWS Lambda' && i.resource === null) &&
        i.chargeCategory !== 'Tax',
    );
    // Analytics gets its account's direct spend plus a share of the tax (proportional), nothing of the fixed split.
    expect(byTeam.analytics).toBeGreaterThan(analyticsDirect);
    const tax = sum(items, 'billed', (i) => i.chargeCategory === 'Tax');
    expect(byTeam.analytics).toBeLessThan(analyticsDirect + tax);
    // Key and value variants normalized: Team=PLATFORM counts as user:team=platform.
    await call(
      'POST',
      '/api/v1/allocation/dimensions',
      {
        name: 'owner',
        defaultValue: 'nobody',
        tagAliases: TEAM.tagAliases,
        valueAliases: TEAM.valueAliases,
        rules: [{ valueFromTag: 'user:team' }],
      },
      201,
    );
    await expect
      .poll(async () => (await call<DimensionView>('GET', '/api/v1/allocation/dimensions/owner')).status, {
        timeout: 60_000,
        interval: 100,
      })
      .toBe('applied');
    const owners = Object.fromEntries(
      (await costs({ groupBy: 'allocation:owner' })).groups.map((g) => [g.label, g.total]),
    );
    const team = (i: FixtureItem) => i.tags?.['user:team'] ?? i.tags?.Team?.toLowerCase() ?? 'nobody';
    expect(items.some((i) => i.tags?.Team === 'PLATFORM')).toBe(true);
    for (const v of ['platform', 'data', 'nobody'])
      expect(owners[v], v).toBeCloseTo(
        sum(items, 'billed', (i) => team(i) === v),
        6,
      );
    await call('DELETE', '/api/v1/allocation/dimensions/owner', undefined, 204);

    const filtered = await costs({ filter: 'allocation:team=analytics' });
    expect(filtered.total).toBeCloseTo(byTeam.analytics, 6);
    // Two filters: the allocation and a rollup dimension together.
    const lambda = await costs({ filter: 'allocation:team=data', groupBy: 'service' });
    expect(lambda.groups.map((g) => g.label)).toContain('AWS Lambda');
  });

  it('previews a change, then re-applies it while answers keep the applied version', async () => {
    const changed = {
      ...TEAM,
      rules: TEAM.rules.map((r) => (r.name === 'data account' ? { ...r, value: 'data' } : r)),
    };
    const preview = await call<PreviewAnswer>('POST', '/api/v1/allocation/preview', {
      definition: changed,
      from: FROM,
      to: TO,
    });
    const moved = sum(
      items,
      'billed',
      (i) =>
        i.account === '333333333333' &&
        i.chargeCategory !== 'Tax' &&
        !(i.service === 'AWS Lambda' && i.resource === null),
    );
    expect(preview.moved).toBeCloseTo(moved, 5);
    expect(preview.moves).toEqual([
      { from: 'analytics', to: 'data', cost: expect.closeTo(moved, 5) as number },
    ]);

    const put = await call<DimensionView>('PUT', '/api/v1/allocation/dimensions/team', changed);
    expect(put.version).toBe(2);
    const during = await costs({ groupBy: 'allocation:team' });
    expect([1, 2]).toContain(during.allocation?.version);
    await applied(2);
    const after = await costs({ groupBy: 'allocation:team' });
    expect(after.allocation).toMatchObject({ version: 2, pending: false });
    expect(after.groups.map((g) => g.key['allocation:team'])).not.toContain('analytics');
    const rows = await t.ctx.store.query<{ v: number }>(
      `SELECT DISTINCT version AS v FROM cost_allocations WHERE org_id = $1`,
      [t.users.manager.orgId],
    );
    expect(rows.map((r) => Number(r.v))).toEqual([2]);
  });

  it('shows back each value per month: direct plus shared, share of the month, change, and as CSV', async () => {
    const s = await call<ShowbackAnswer>(
      'GET',
      `/api/v1/allocation/dimensions/team/showback?${new URLSearchParams({ from: FROM, to: TO })}`,
    );
    expect(s).toMatchObject({
      dimension: 'team',
      version: 2,
      from: '2024-01',
      to: '2024-02',
      currency: 'USD',
    });
    const monthly = await costs({ groupBy: 'allocation:team', granularity: 'month' });
    for (const [i, month] of ['2024-01', '2024-02'].entries()) {
      const rows = s.rows.filter((r) => r.month === month);
      expect(rows.reduce((t, r) => t + r.total, 0)).toBeCloseTo(monthly.series[i].cost, 5);
      expect(rows.reduce((t, r) => t + (r.share ?? 0), 0)).toBeCloseTo(100, 3);
      for (const r of rows) expect(r.direct + r.shared).toBeCloseTo(r.total, 6);
      for (const g of monthly.groups)
        expect(rows.find((r) => r.value === g.key['allocation:team'])?.total).toBeCloseTo(
          g.series[i].cost,
          6,
        );
    }
    const platform = s.rows.filter((r) => r.value === 'platform');
    expect(platform[0].change).toBe(platform[0].total);
    expect(platform[1].change).toBeCloseTo(platform[1].total - platform[0].total, 5);
    expect(platform[0].shared).toBeGreaterThan(0);
    const res = await t.request(
      `/api/v1/allocation/dimensions/team/showback?${new URLSearchParams({ from: FROM, to: TO, format: 'csv' })}`,
      { token: t.users.viewer.token },
    );
    const csv = (await res.text()).trim().split('\r\n');
    expect(csv[0]).toBe('month,team,direct,shared,total,share_percent,change,change_percent,currency');
    expect(csv).toHaveLength(s.rows.length + 1);
  });

  it('reports tag coverage per account and the largest untagged resources', async () => {
    const c = await call<CoverageAnswer>(
      'GET',
      `/api/v1/allocation/coverage?${new URLSearchParams({ from: FROM, to: TO, keys: 'user:team,env', allocation: 'team', limit: '3' })}`,
    );
    expect(c.total).toBeCloseTo(sum(items, 'billed'), 5);
    const prod = c.rows.find((r) => r.value === '111111111111');
    const mine = (i: FixtureItem) => i.account === '111111111111';
    expect(prod?.total).toBeCloseTo(sum(items, 'billed', mine), 6);
    expect(prod?.tags['user:team'].cost).toBeCloseTo(
      sum(items, 'billed', (i) => mine(i) && i.tags?.['user:team'] !== undefined),
      6,
    );
    expect(prod?.tags.env.cost).toBeCloseTo(
      sum(items, 'billed', (i) => mine(i) && i.tags !== null && 'env' in i.tags),
      6,
    );
    expect(prod?.allocated?.percent).toBeGreaterThan(0);
    expect(c.untaggedResources).toHaveLength(3);
    const costs3 = c.untaggedResources.map((r) => r.cost);
    expect(costs3).toEqual([...costs3].sort((a, b) => b - a));
    const top = c.untaggedResources[0];
    expect(top.missing).toContain('env');
    expect(top.cost).toBeCloseTo(
      sum(items, 'billed', (i) => i.resource === top.resource),
      6,
    );
    const bad = await call<{ error: { field: string } }>(
      'GET',
      `/api/v1/allocation/coverage?${new URLSearchParams({ from: FROM, to: TO, keys: ' , ' })}`,
      undefined,
      400,
    );
    expect(bad.error.field).toBe('keys');
  });

  it('refuses unknown dimensions and bad definitions, naming the field', async () => {
    const unknown = await call<{ error: { field: string; message: string } }>(
      'GET',
      `/api/v1/costs?${new URLSearchParams({ from: FROM, to: TO, groupBy: 'allocation:product' })}`,
      undefined,
      400,
    );
    expect(unknown.error.field).toBe('groupBy');
    expect(unknown.error.message).toContain('no allocation dimension named "product"');
    const mixed = await call<{ error: { message: string } }>(
      'GET',
      `/api/v1/costs?${new URLSearchParams({ from: FROM, to: TO, groupBy: 'allocation:team,tag:env' })}`,
      undefined,
      400,
    );
    expect(mixed.error.message).toContain('combines with account, service, region and chargeCategory');
    const bad = await call<{ error: { field: string; message: string } }>(
      'POST',
      '/api/v1/allocation/dimensions',
      { name: 'product', rules: [{ share: { method: 'fixed', percentages: { a: 60, b: 30 } } }] },
      400,
    );
    expect(bad.error.field).toBe('rules.0.share.percentages');
    expect(bad.error.message).toContain('must sum to 100');
    const twice = await call<{ error: { message: string } }>(
      'POST',
      '/api/v1/allocation/dimensions',
      TEAM,
      409,
    );
    expect(twice.error.message).toContain('team exists');
  });
});
