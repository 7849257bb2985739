/**
 * No query can hold the server: a statement of an API read that runs past `queryTimeoutMs` is stopped (an interrupt
 * on DuckDB, statement_timeout on PostgreSQL), the request answers 503 with a message that says what to do, and the
 * server goes on answering. The slow statement is a test route's; it would run for hours if nothing stopped it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteRegistrar } from '../../src/api/route-kit.js';
import { insertItems, makeItems } from '../costs/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ENGINES } from '../helpers/stores.js';

const BUDGET_MS = 300;

/** Endless on each engine unless stopped: a lazy cross join of ranges, and a sleep of an hour. */
const SLOW_SQL = {
  duckdb: 'SELECT count(*) AS n FROM range(1000000000) a, range(1000000000) b',
  postgres: 'SELECT pg_sleep(3600) AS n',
};

describe.each(ENGINES)('query budget on %s', (engine) => {
  let t: TestServer;
  const slowRoute: RouteRegistrar = (app, ctx) => {
    app.get('/api/v1/test/slow', async (c) => c.json(await ctx.store.query(SLOW_SQL[engine])));
  };

  beforeAll(async () => {
    t = await startTestServer({ engine, config: { queryTimeoutMs: BUDGET_MS }, extraRoutes: [slowRoute] });
    await insertItems(t.ctx.store, makeItems(t.users.manager.orgId, '2024-01-01', 5));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stops a statement past the budget with 503, and the server stays healthy', async () => {
    // More slow requests at once than the store has connections: each must give its connection back.
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => t.request('/api/v1/test/slow', { token: t.users.viewer.token })),
    );
    for (const res of answers) {
      expect(res.status).toBe(503);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('unavailable');
      expect(body.error.message).toContain(
        `longer than this server allows (${BUDGET_MS} ms, the setting queryTimeoutMs)`,
      );
    }
    const health = await t.request('/api/v1/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', engine });
    // The connections that ran the stopped statements answer the next ones, within the budget and without it.
    for (let i = 0; i < 8; i++) {
      const res = await t.request('/api/v1/costs?from=2024-01-01&to=2024-01-05&groupBy=service', {
        token: t.users.viewer.token,
      });
      expect(res.status).toBe(200);
    }
    const [row] = await t.ctx.store.query<{ n: number }>('SELECT count(*) AS n FROM cost_line_items');
    expect(row.n).toBeGreaterThan(0);
  });

  // Only PostgreSQL has a sleep that outlasts the budget and then ends (pg_sleep); on DuckDB a query that is
  // slow enough is either machine-dependent or never ends, so this case is defined for PostgreSQL alone rather
  // than skipped on DuckDB (CI refuses skipped tests).
  if (engine === 'postgres')
    it('does not bound work outside a read request', async () => {
      // Background work (loads, migrations) runs outside any request and takes as long as it needs.
      const rows = await t.ctx.store.query(`SELECT pg_sleep(${(BUDGET_MS * 2) / 1000}) AS slept`);
      expect(rows).toHaveLength(1);
    });
});
