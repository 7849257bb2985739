/**
 * A rule change re-applied over 13 months of retained line items, on both engines: while the new version is
 * written, answers keep coming from the applied one; once applied, every month and cost basis of the assignment
 * sums exactly to the line items, and the changed rule's spend sits under its new value in each of the 13 months.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DimensionView } from '../../src/allocation/allocation-service.js';
import type { CostAnswer } from '../../src/costs/cost-answer.js';
import { toUnits } from '../../src/costs/exact-money.js';
import { insertItems, makeItems } from '../costs/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ENGINES } from '../helpers/stores.js';

const FROM = '2024-01-01';
const TO = '2025-01-31';
const DAYS = 397; // 2024 is a leap year: 366 + 31 days, 13 calendar months.

const definition = (lambda: Record<string, unknown>) => ({
  name: 'team',
  rules: [
    { name: 'lambda', conditions: [{ field: 'service', operator: 'in', values: ['AWS Lambda'] }], ...lambda },
    { name: 'team tag', valueFromTag: 'user:team' },
  ],
});

describe.each(ENGINES)('allocation re-applied over 13 months on %s', (engine) => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ engine });
    await insertItems(t.ctx.store, makeItems(t.users.manager.orgId, FROM, DAYS));
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await t.request(path, { method, token: t.users.manager.token, body });
    const text = await res.text();
    expect(res.status, `${method} ${path}: ${text}`).toBeLessThan(300);
    return JSON.parse(text) as T;
  }
  const applied = (version: number) =>
    vi.waitFor(
      async () =>
        expect((await call<DimensionView>('GET', '/api/v1/allocation/dimensions/team')).appliedVersion).toBe(
          version,
        ),
      { timeout: 120_000, interval: 100 },
    );
  const costs = (q: Record<string, string>) =>
    call<CostAnswer>(
      'GET',
      `/api/v1/costs?${new URLSearchParams({ from: FROM, to: TO, granularity: 'month', ...q })}`,
    );

  it('a rule change re-applies to every month, exactly, without blocking answers', async () => {
    await call(
      'POST',
      '/api/v1/allocation/dimensions',
      definition({ share: { method: 'fixed', percentages: { platform: 60, data: 40 } } }),
    );
    await applied(1);
    const before = await costs({ groupBy: 'allocation:team' });
    expect(before.periods).toHaveLength(13);

    const started = Date.now();
    await call('PUT', '/api/v1/allocation/dimensions/team', definition({ value: 'lambda-team' }));
    // Asked while (or just after) the new version is written: an answer, from an applied version.
    const during = await costs({ groupBy: 'allocation:team' });
    expect(during.total).toBe(before.total);
    expect([1, 2]).toContain(during.allocation?.version);
    await applied(2);
    const seconds = (Date.now() - started) / 1000;
    const [{ n }] = await t.ctx.store.query<{ n: number }>(
      'SELECT count(*) AS n FROM cost_line_items WHERE org_id = $1',
      [t.users.manager.orgId],
    );
    console.log(`re-applied 13 months (${Number(n)} line items) on ${engine} in ${seconds.toFixed(1)} s`);

    // Exact per month and basis: the assignment's DECIMAL sums equal the line items'.
    const org = t.users.manager.orgId;
    const month = `CAST(date_trunc('month', usage_date) AS VARCHAR)`;
    const cols = [
      ['billed_cost', 'billed_cost'],
      ['x_net_billed_cost', 'net_billed_cost'],
      ['effective_cost', 'effective_cost'],
      ['x_net_effective_cost', 'net_effective_cost'],
    ];
    const items = await t.ctx.store.query<Record<string, string>>(
      `SELECT ${month} AS m, ${cols.map(([c], i) => `CAST(SUM(${c}) AS VARCHAR) AS c${i}`).join(', ')}
       FROM cost_line_items WHERE org_id = $1 GROUP BY 1 ORDER BY 1`,
      [org],
    );
    const allocated = await t.ctx.store.query<Record<string, string>>(
      `SELECT ${month} AS m, ${cols.map(([, c], i) => `CAST(SUM(${c}) AS VARCHAR) AS c${i}`).join(', ')}
       FROM cost_allocations WHERE org_id = $1 AND dimension = 'team' AND version = 2 GROUP BY 1 ORDER BY 1`,
      [org],
    );
    expect(allocated.map((r) => r.m)).toEqual(items.map((r) => r.m));
    expect(items).toHaveLength(13);
    for (const [i, row] of allocated.entries())
      for (let c = 0; c < cols.length; c++)
        expect(toUnits(row[`c${c}`]), `${row.m} ${cols[c][0]}`).toBe(toUnits(items[i][`c${c}`]));

    // The changed rule in each of the 13 months: all Lambda spend under its new value, none shared any more.
    const lambda = await costs({ filter: 'service=AWS Lambda' });
    const moved = await costs({ filter: 'allocation:team=lambda-team' });
    expect(moved.allocation).toMatchObject({ version: 2, pending: false });
    expect(moved.series.map((p) => p.cost)).toEqual(lambda.series.map((p) => p.cost));
    expect(moved.series.every((p) => p.cost > 0)).toBe(true);
  });
});
