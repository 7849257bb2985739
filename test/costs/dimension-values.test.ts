/**
 * Dimension lookups and filter warnings on both engines: the values of each dimension with their spend add up to
 * the period's total, tag keys and tag values are listed, and a filter value that matches nothing is answered
 * with a warning naming the closest known values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CostAnswer } from '../../src/costs/cost-answer.js';
import type { MoversAnswer } from '../../src/costs/cost-service.js';
import type { DimensionValuesAnswer } from '../../src/costs/dimension-values.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ENGINES } from '../helpers/stores.js';
import { insertItems, makeItems, sum, type FixtureItem } from './fixtures.js';

const FROM = '2024-01-01';
const TO = '2024-01-10';

describe.each(ENGINES)('dimension values on %s', (engine) => {
  let t: TestServer;
  let items: FixtureItem[];

  beforeAll(async () => {
    t = await startTestServer({ engine });
    items = makeItems(t.users.manager.orgId, FROM, 10);
    await insertItems(t.ctx.store, items);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function get<T>(path: string, query: Record<string, string>, status = 200): Promise<T> {
    const res = await t.request(`${path}?${new URLSearchParams(query)}`, { token: t.users.viewer.token });
    const text = await res.text();
    expect(res.status, `${path} ${text}`).toBe(status);
    return JSON.parse(text) as T;
  }
  const values = (dimension: string, query: Record<string, string> = {}) =>
    get<DimensionValuesAnswer>(`/api/v1/costs/dimensions/${encodeURIComponent(dimension)}/values`, {
      from: FROM,
      to: TO,
      ...query,
    });

  it('lists each dimension’s values with spend that adds up to the total, largest first', async () => {
    const total = sum(items, 'billed');
    for (const [dimension, count] of [
      ['services', 4],
      ['account', 3],
      ['regions', 3],
      ['usageTypes', 7],
    ] as const) {
      const a = await values(dimension);
      expect(a.count, dimension).toBe(count);
      expect(a.truncated).toBe(false);
      const costs = a.values.map((v) => v.cost);
      expect(costs).toEqual([...costs].sort((x, y) => y - x));
      expect(costs.reduce((s, c) => s + c, 0)).toBeCloseTo(total, 5);
    }
    const ec2 = (await values('service')).values.find((v) => v.value === 'Amazon Elastic Compute Cloud');
    expect(ec2?.cost).toBeCloseTo(
      sum(items, 'billed', (i) => i.service === 'Amazon Elastic Compute Cloud'),
      6,
    );
    const accounts = await values('accounts');
    expect(accounts.values.map((v) => v.label)).toContain('Production (111111111111)');
    const regions = await values('regions');
    expect(regions.values.find((v) => v.value === null)?.label).toBe('(none)');
  });

  it('searches, limits, and lists tag keys and the values of one key', async () => {
    const s3 = await values('service', { search: 'storage' });
    expect(s3.values.map((v) => v.value)).toEqual(['Amazon Simple Storage Service']);
    const one = await values('service', { limit: '1' });
    expect(one.values).toHaveLength(1);
    expect(one).toMatchObject({ count: 4, truncated: true });

    const keys = await values('tagKeys');
    expect(keys.values.map((v) => v.value).sort()).toEqual(['env', 'user:team']);
    expect(keys.values.find((v) => v.value === 'env')?.cost).toBeCloseTo(
      sum(items, 'billed', (i) => i.tags !== null),
      6,
    );
    const teams = await values('tag:user:team');
    expect(Object.fromEntries(teams.values.map((v) => [v.label, v.cost]))).toEqual({
      data: expect.closeTo(
        sum(items, 'billed', (i) => i.tags?.['user:team'] === 'data'),
        6,
      ) as number,
      platform: expect.closeTo(
        sum(items, 'billed', (i) => i.tags?.['user:team'] === 'platform'),
        6,
      ) as number,
      '(untagged)': expect.closeTo(
        sum(items, 'billed', (i) => i.tags === null),
        6,
      ) as number,
    });
  });

  it('refuses an unknown dimension and a bad limit, naming the field', async () => {
    const bad = await get<{ error: { field: string; message: string } }>(
      '/api/v1/costs/dimensions/colour/values',
      { from: FROM, to: TO },
      400,
    );
    expect(bad.error.field).toBe('dimension');
    expect(bad.error.message).toContain('unknown dimension "colour"');
    const limit = await get<{ error: { field: string } }>(
      '/api/v1/costs/dimensions/service/values',
      { from: FROM, to: TO, limit: '0' },
      400,
    );
    expect(limit.error.field).toBe('limit');
  });

  it('warns when a filter value matches nothing, with the closest known values', async () => {
    const a = await get<CostAnswer>('/api/v1/costs', {
      from: FROM,
      to: TO,
      filter: 'service=Amazon EC2',
    });
    expect(a.total).toBe(0);
    expect(a.warnings).toHaveLength(1);
    expect(a.warnings[0]).toMatchObject({ field: 'filter', dimension: 'service', value: 'Amazon EC2' });
    expect(a.warnings[0].closest[0]).toBe('Amazon Elastic Compute Cloud');
    expect(a.warnings[0].message).toContain('"Amazon EC2" matches no cost');

    const tag = await get<CostAnswer>('/api/v1/costs', {
      from: FROM,
      to: TO,
      filter: 'tag:user:team=platfrom',
      exclude: 'region=us-east-1',
    });
    expect(tag.warnings.map((w) => [w.field, w.value, w.closest[0]])).toEqual([
      ['filter', 'platfrom', 'platform'],
    ]);

    const fine = await get<CostAnswer>('/api/v1/costs', {
      from: FROM,
      to: TO,
      filter: 'service=Amazon Elastic Compute Cloud',
    });
    expect(fine.warnings).toEqual([]);
  });

  it('compares two periods by any dimension (the movers, for compare_costs)', async () => {
    const m = await get<MoversAnswer>('/api/v1/costs/movers', {
      from: '2024-01-06',
      to: '2024-01-10',
      compareFrom: FROM,
      compareTo: '2024-01-05',
      by: 'region,tag:user:team',
    });
    expect(m.dimensions.map((d) => d.dimension)).toEqual(['region', 'tag:user:team']);
    const within = (from: string, to: string) => (i: FixtureItem) => i.date >= from && i.date <= to;
    expect(m.current.total).toBeCloseTo(sum(items, 'billed', within('2024-01-06', TO)), 5);
    expect(m.previous.total).toBeCloseTo(sum(items, 'billed', within(FROM, '2024-01-05')), 5);
  });
});
