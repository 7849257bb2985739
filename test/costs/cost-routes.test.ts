import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CostAnswer } from '../../src/costs/cost-answer.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { insertItems, makeItems, sum, type FixtureItem } from './fixtures.js';

describe('cost routes', () => {
  let t: TestServer;
  let items: FixtureItem[];

  beforeAll(async () => {
    t = await startTestServer();
    items = makeItems(t.users.manager.orgId, '2024-01-01', 60);
    const spike = {
      ...items[5],
      date: '2024-02-25',
      resource: 'runaway',
      billed: 800,
      net: 800,
      amortized: 800,
      netAmortized: 800,
    };
    await insertItems(t.ctx.store, [...items, spike]);
    items.push(spike);
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = async <T>(path: string, token = t.users.viewer.token): Promise<T> => {
    const res = await t.request(path, { token });
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as T;
  };

  it('answers the contract query with currency, total and the grouped series; `to` is included', async () => {
    const a = await get<CostAnswer>(
      '/api/v1/costs?from=2024-01-01&to=2024-01-31&granularity=day&groupBy=service,account&basis=amortized',
    );
    expect(a.currency).toBe('USD');
    expect(a.toInclusive).toBe(true);
    expect(a.periods.at(-1)).toBe('2024-01-31');
    expect(a.total).toBeCloseTo(
      sum(items, 'amortized', (i) => i.date >= '2024-01-01' && i.date <= '2024-01-31'),
      6,
    );
    expect(a.groups[0].series).toHaveLength(31);
    expect(a.groupBy).toEqual(['service', 'account']);
  });

  it('takes repeated filter and exclude parameters', async () => {
    const q = new URLSearchParams({ from: '2024-01-01', to: '2024-02-29' });
    q.append('filter', 'service=AWS Lambda');
    q.append('filter', 'service=Tax');
    q.append('exclude', 'account=333333333333');
    const a = await get<CostAnswer>(`/api/v1/costs?${q.toString()}`);
    expect(a.total).toBeCloseTo(
      sum(items, 'billed', (i) => ['AWS Lambda', 'Tax'].includes(i.service) && i.account !== '333333333333'),
      6,
    );
  });

  it.each([
    ['groupBy=colour', 'groupBy'],
    ['groupBy=service,account,region', 'groupBy'],
    ['basis=blended', 'basis'],
    ['filter=service', 'filter'],
  ])('refuses %s with 400 naming the field', async (extra, field) => {
    const res = await t.request(`/api/v1/costs?from=2024-01-01&to=2024-01-31&${extra}`, {
      token: t.users.viewer.token,
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { field: string; message: string } };
    expect(body.error.field).toBe(field);
  });

  it('refuses a reversed range and a bad date, naming the field', async () => {
    const r1 = await t.request('/api/v1/costs?from=2024-02-01&to=2024-01-01', {
      token: t.users.viewer.token,
    });
    expect(((await r1.json()) as { error: { field: string } }).error.field).toBe('to');
    const r2 = await t.request('/api/v1/costs?from=2024-13-01&to=2024-12-31', {
      token: t.users.viewer.token,
    });
    expect(r2.status).toBe(400);
    expect(((await r2.json()) as { error: { field: string } }).error.field).toBe('from');
  });

  it('exports a query as CSV whose rows add up to the JSON total', async () => {
    const path = '/api/v1/costs/export?from=2024-01-01&to=2024-02-29&groupBy=account&granularity=month';
    const res = await t.request(path, { token: t.users.viewer.token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await res.text()).trim().split(/\r\n/);
    expect(lines[0]).toBe('period,account,label,cost,currency,basis');
    const csvTotal = lines.slice(1).reduce((s, l) => s + Number(l.split(',').at(-3)), 0);
    const json = await get<CostAnswer>(
      '/api/v1/costs?from=2024-01-01&to=2024-02-29&groupBy=account&granularity=month',
    );
    expect(csvTotal).toBeCloseTo(json.total, 5);
    const same = await t.request(`${path.replace('/export', '')}&format=csv`, {
      token: t.users.viewer.token,
    });
    expect(await same.text()).toBe(lines.join('\r\n') + '\r\n');
  });

  it("shows another organization nothing of this one's costs", async () => {
    const a = await get<CostAnswer>(
      '/api/v1/costs?from=2024-01-01&to=2024-02-29',
      t.users.otherManager.token,
    );
    expect(a.total).toBe(0);
    const anomalies = await get<{ items: unknown[] }>('/api/v1/costs/anomalies', t.users.otherManager.token);
    expect(anomalies.items).toEqual([]);
  });

  it('recomputes anomalies for engineers (not viewers) and lists them', async () => {
    const refused = await t.request('/api/v1/costs/anomalies/recompute', {
      method: 'POST',
      token: t.users.viewer.token,
    });
    expect(refused.status).toBe(403);
    const ok = await t.request('/api/v1/costs/anomalies/recompute', {
      method: 'POST',
      token: t.users.engineer.token,
    });
    expect(ok.status).toBe(200);
    const list = await get<{
      items: { date: string; dimension: string; drivers: { resourceId: string }[] }[];
    }>('/api/v1/costs/anomalies?dimension=service');
    expect(list.items[0]).toMatchObject({ date: '2024-02-25', dimension: 'service' });
    expect(list.items[0].drivers[0].resourceId).toBe('runaway');
    const csv = await t.request('/api/v1/costs/anomalies?format=csv', { token: t.users.viewer.token });
    expect((await csv.text()).split('\r\n')[1]).toContain('2024-02-25');
  });

  it('serves the summary, movers and forecast', async () => {
    const s = await get<{ monthToDate: { total: number } }>('/api/v1/costs/summary?asOf=2024-02-10');
    expect(s.monthToDate.total).toBeCloseTo(
      sum(items, 'billed', (i) => i.date >= '2024-02-01' && i.date <= '2024-02-10'),
      6,
    );
    const m = await get<{ dimensions: { dimension: string }[] }>(
      '/api/v1/costs/movers?from=2024-02-01&to=2024-02-29&compareFrom=2024-01-01&compareTo=2024-01-31',
    );
    expect(m.dimensions.map((d) => d.dimension)).toEqual(['service', 'account']);
    const f = await get<{ method: string; periods: { month: string }[] }>(
      '/api/v1/costs/forecast?asOf=2024-02-29&months=3',
    );
    expect(f.method).toMatch(/trend/);
    expect(f.periods.map((p) => p.month)).toEqual(['2024-02', '2024-03', '2024-04', '2024-05']);
    const bad = await t.request('/api/v1/costs/forecast?asOf=yesterday', { token: t.users.viewer.token });
    expect(bad.status).toBe(400);
  });

  it('exports line items in FOCUS columns as Parquet', async () => {
    const res = await t.request(
      '/api/v1/costs/line-items/export?from=2024-01-01&to=2024-01-02&format=parquet',
      {
        token: t.users.viewer.token,
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
  });

  it('documents that `to` is included', async () => {
    const doc = (await (await t.request('/api/docs')).json()) as {
      paths: Record<string, { get: { parameters: { name: string; description?: string }[] } }>;
    };
    const to = doc.paths['/api/v1/costs'].get.parameters.find((p) => p.name === 'to');
    expect(to?.description).toMatch(/included/);
  });
});
