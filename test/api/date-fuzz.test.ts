/**
 * No date can hang the server: random and extreme dates (year 9999 and 0000, 2000-02-30, empty, garbage,
 * reversed ranges, spans of centuries) on every date-taking route and MCP tool answer 2xx or 4xx, never 5xx,
 * while /api/v1/health keeps answering beside each of them. A request that looped (as year 9999 once did) would
 * starve the health check and run into the test's timeout. Generated from a fixed seed, so a failure repeats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, fromDayNumber, isoDate } from '../../src/lib/dates.js';
import { connectHttp, textOf, type Connected } from '../mcp/mcp-client.js';
import { insertItems, makeItems } from '../costs/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ENGINES } from '../helpers/stores.js';

/** mulberry32: a small seeded generator. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const today = isoDate(new Date());
const latest = addMonths(today, 60);

/** Dates that broke or nearly broke something once, and the edges of the window. */
const EXTREMES = [
  '9999-12-31',
  '9999-12-01',
  '0000-01-01',
  '0001-01-01',
  '1969-12-31',
  '1999-12-31',
  '2000-01-01',
  '2000-02-29',
  '2000-02-30',
  '2023-02-29',
  '2024-13-01',
  '2024-00-10',
  today,
  latest,
  addDays(latest, 1),
  '',
  ' ',
  'garbage',
  '2024-1-5',
  '2024-01-01T00:00:00Z',
  '+010000-01-01',
  '-000001-01-01',
  '2024-01-01\u0000',
  '%',
  '9'.repeat(300),
];

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)];
}

/** A date-like value: an extreme, any day of 0000–9999, or a day near today. */
function dateOf(rnd: () => number): string {
  const r = rnd();
  if (r < 0.4) return pick(rnd, EXTREMES);
  if (r < 0.7) return fromDayNumber(Math.floor(-719528 + rnd() * 3652059));
  return fromDayNumber(Math.floor(Date.now() / 86_400_000 - 4000 + rnd() * 6000));
}

type Query = Record<string, string | undefined>;

/** Every REST route that takes a date, with the parameters it takes. */
const ROUTES: { path: string; query: (rnd: () => number) => Query }[] = [
  {
    path: '/api/v1/costs',
    query: (rnd) => ({
      from: dateOf(rnd),
      to: dateOf(rnd),
      granularity: pick(rnd, ['day', 'month', undefined]),
      groupBy: pick(rnd, ['service', 'account,service', undefined]),
    }),
  },
  {
    path: '/api/v1/costs/export',
    query: (rnd) => ({ from: dateOf(rnd), to: dateOf(rnd), granularity: pick(rnd, ['day', 'month']) }),
  },
  { path: '/api/v1/costs/summary', query: (rnd) => ({ asOf: dateOf(rnd) }) },
  {
    path: '/api/v1/costs/movers',
    query: (rnd) => ({
      from: dateOf(rnd),
      to: dateOf(rnd),
      compareFrom: rnd() < 0.5 ? dateOf(rnd) : undefined,
      compareTo: rnd() < 0.5 ? dateOf(rnd) : undefined,
    }),
  },
  {
    path: '/api/v1/costs/forecast',
    query: (rnd) => ({ asOf: dateOf(rnd), months: String(Math.floor(rnd() * 13)) }),
  },
  { path: '/api/v1/costs/anomalies', query: (rnd) => ({ from: dateOf(rnd), to: dateOf(rnd) }) },
  { path: '/api/v1/costs/line-items/export', query: (rnd) => ({ from: dateOf(rnd), to: dateOf(rnd) }) },
  {
    path: '/api/v1/costs/dimensions/service/values',
    query: (rnd) => ({ from: dateOf(rnd), to: dateOf(rnd) }),
  },
  { path: '/api/v1/audit', query: (rnd) => ({ before: `${dateOf(rnd)}T00:00:00Z` }) },
  { path: '/api/v1/sync-runs', query: (rnd) => ({ before: `${dateOf(rnd)}T00:00:00Z` }) },
];

const CASES_PER_ROUTE = 30;

describe.each(ENGINES)('dates on %s', (engine) => {
  let t: TestServer;
  let mcp: Connected;

  beforeAll(async () => {
    t = await startTestServer({ engine });
    await insertItems(t.ctx.store, makeItems(t.users.manager.orgId, addMonths(today, -2), 62));
    mcp = await connectHttp(t.url, t.users.viewer.token);
  });
  afterAll(async () => {
    await mcp?.close();
    await t?.close();
  });

  /** Sends a request beside a health check: both must answer, the request with 2xx or 4xx. */
  async function expectAnswer(path: string, query: Query, init: { method?: string; body?: unknown } = {}) {
    const q = new URLSearchParams(
      Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined),
    );
    const url = q.size ? `${path}?${q}` : path;
    const [res, health] = await Promise.all([
      t.request(url, { token: t.users.manager.token, ...init }),
      t.request('/api/v1/health'),
    ]);
    const body = await res.text();
    expect(health.status).toBe(200);
    expect([2, 4], `${init.method ?? 'GET'} ${url} → ${res.status} ${body.slice(0, 300)}`).toContain(
      Math.floor(res.status / 100),
    );
    return { status: res.status, body };
  }

  it.each([
    ['/api/v1/costs', { from: '9999-12-01', to: '9999-12-31' }, 'from'],
    ['/api/v1/costs', { from: '9999-12-01', to: '9999-12-31', granularity: 'day' }, 'from'],
    ['/api/v1/costs', { from: '2024-01-01', to: '0000-01-01' }, 'to'],
    ['/api/v1/costs', { from: '2000-02-30', to: '2024-01-01' }, 'from'],
    ['/api/v1/costs', { from: '', to: '2024-01-01' }, 'from'],
    ['/api/v1/costs/export', { from: '9999-12-01', to: '9999-12-31' }, 'from'],
    ['/api/v1/costs/forecast', { asOf: '9999-12-31' }, 'asOf'],
    ['/api/v1/costs/summary', { asOf: '9999-12-31' }, 'asOf'],
    [
      '/api/v1/costs/movers',
      { from: '2024-01-01', to: '2024-01-31', compareFrom: '0000-01-01', compareTo: '2024-01-01' },
      'compareFrom',
    ],
    ['/api/v1/costs/anomalies', { from: 'garbage' }, 'from'],
    ['/api/v1/costs/line-items/export', { from: '9999-12-01', to: '9999-12-31' }, 'from'],
  ] as const)('%s %j → 400 naming %s and the allowed range', async (path, query, field) => {
    const { status, body } = await expectAnswer(path, query);
    expect(status).toBe(400);
    const error = (JSON.parse(body) as { error: { field: string; message: string } }).error;
    expect(error.field).toBe(field);
    expect(error.message).toContain(
      `${field}: must be a calendar date YYYY-MM-DD from 2000-01-01 to ${latest}`,
    );
  });

  it('refuses reversed ranges and spans longer than the granularity allows', async () => {
    const reversed = await expectAnswer('/api/v1/costs', { from: '2024-03-02', to: '2024-03-01' });
    expect(reversed.body).toContain('to: 2024-03-01 is before from 2024-03-02');
    const days = await expectAnswer('/api/v1/costs', {
      from: '2020-01-01',
      to: '2024-01-01',
      granularity: 'day',
    });
    expect(days.status).toBe(400);
    expect(days.body).toContain('at most 1096 days');
    const months = await expectAnswer('/api/v1/costs', { from: '2000-01-01', to: '2024-01-01' });
    expect(months.status).toBe(400);
    expect(months.body).toContain('at most 240 months');
    const widest = await expectAnswer('/api/v1/costs', {
      from: addMonths(today, -36),
      to: addMonths(today, -1),
      granularity: 'day',
    });
    expect(widest.status).toBe(200);
  });

  it.each(ROUTES.map((r, i) => [r.path, r, i] as const))(
    '%s answers random and extreme dates with 2xx or 4xx while health answers',
    async (_path, route, i) => {
      const rnd = random(1000 + i);
      for (let n = 0; n < CASES_PER_ROUTE; n++) await expectAnswer(route.path, route.query(rnd));
    },
  );

  it('snoozing answers 2xx or 4xx whatever the date', async () => {
    const rnd = random(7);
    for (let n = 0; n < CASES_PER_ROUTE; n++)
      await expectAnswer(
        '/api/v1/recommendations/rec_missing/snooze',
        {},
        {
          method: 'POST',
          body: { until: dateOf(rnd) },
        },
      );
  });

  it('the MCP tools that take dates answer, with isError and the same message for a bad date', async () => {
    const rnd = random(11);
    const calls: { name: string; args: (r: () => number) => Record<string, unknown> }[] = [
      {
        name: 'query_costs',
        args: (r) => ({ from: dateOf(r), to: dateOf(r), granularity: pick(r, ['day', 'month']) }),
      },
      { name: 'get_cost_forecast', args: (r) => ({ asOf: dateOf(r) }) },
      { name: 'list_cost_anomalies', args: (r) => ({ from: dateOf(r), to: dateOf(r) }) },
    ];
    for (const call of calls) {
      for (let n = 0; n < 10; n++) {
        const [result, health] = await Promise.all([
          mcp.client.callTool({ name: call.name, arguments: call.args(rnd) }),
          t.request('/api/v1/health'),
        ]);
        expect(health.status).toBe(200);
        expect(textOf(result)).not.toMatch(/internal/i);
      }
    }
    const hang = await mcp.client.callTool({
      name: 'query_costs',
      arguments: { from: '9999-12-01', to: '9999-12-31' },
    });
    expect(hang.isError).toBe(true);
    expect(textOf(hang)).toContain(`from: must be a calendar date YYYY-MM-DD from 2000-01-01 to ${latest}`);
    const forecast = await mcp.client.callTool({
      name: 'get_cost_forecast',
      arguments: { asOf: '9999-12-31' },
    });
    expect(forecast.isError).toBe(true);
    expect(textOf(forecast)).toContain('asOf: must be a calendar date');
  });
});
