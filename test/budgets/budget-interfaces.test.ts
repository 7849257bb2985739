/** Budgets through the REST API, the CLI (against the server) and the MCP tools, over cost rows in the tables. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertItems, makeItems, SERVICES, sum, type FixtureItem } from '../costs/fixtures.js';
import { runCli } from '../cli/cli-support.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { connectHttp, textOf, type Connected } from '../mcp/mcp-client.js';

let t: TestServer;
let items: FixtureItem[];
let mcp: Connected;
let dir: string;
const EC2 = SERVICES[0];

beforeAll(async () => {
  t = await startTestServer();
  items = makeItems(t.users.manager.orgId, '2024-01-01', 60);
  await insertItems(t.ctx.store, items);
  mcp = await connectHttp(t.url, t.users.viewer.token);
  dir = mkdtempSync(path.join(tmpdir(), 'cloudtally-budget-cli-'));
});

afterAll(async () => {
  await mcp?.close();
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Json = Record<string, unknown> & {
  status: Record<string, unknown> & { forecast: Record<string, number> };
};

describe('budgets API', () => {
  it('creates a budget and lists it with its status and forecast', async () => {
    const created = await t.request('/api/v1/budgets', {
      method: 'POST',
      token: t.users.engineer.token,
      body: { name: 'EC2 monthly', amount: 500, scope: { filter: [`service=${EC2}`] } },
    });
    expect(created.status).toBe(201);
    const b = (await created.json()) as Json & { id: string };
    expect(b).toMatchObject({ name: 'EC2 monthly', period: 'monthly', basis: 'billed', currency: 'USD' });
    expect(b).not.toHaveProperty('orgId');
    const list = await t.request('/api/v1/budgets', { token: t.users.viewer.token });
    expect(list.status).toBe(200);
    const { items: listed } = (await list.json()) as { items: Json[] };
    expect(listed).toHaveLength(1);
    const s = listed[0].status;
    // Data runs through 29 February 2024: February is the period, its spend the cost explorer's.
    expect(s).toMatchObject({
      asOf: '2024-02-29',
      period: { start: '2024-02-01', end: '2024-02-29' },
      // February's EC2 spend is above 500.
      state: 'over',
    });
    expect(s.spent).toBeCloseTo(
      sum(items, 'billed', (i) => i.service === EC2 && i.date.startsWith('2024-02')),
      6,
    );
    expect(s.forecast.total).toBe(s.spent);
    expect(Object.keys(s.forecast).sort()).toEqual(['lower', 'method', 'model', 'percent', 'total', 'upper']);
    const detail = await t.request(`/api/v1/budgets/${b.id}`, { token: t.users.viewer.token });
    const d = (await detail.json()) as { history: { start: string; spent: number }[] };
    expect(d.history.at(-1)).toMatchObject({ start: '2024-01-01' });
    expect(d.history.at(-1)!.spent).toBeCloseTo(
      sum(items, 'billed', (i) => i.service === EC2 && i.date.startsWith('2024-01')),
      6,
    );
  });

  it('answers bad input with 400 naming the field, a duplicate with 409, another org with 404', async () => {
    const bad = await t.request('/api/v1/budgets', {
      method: 'POST',
      token: t.users.engineer.token,
      body: { name: 'x', amount: 10, thresholds: [{ kind: 'sideways', percent: 10 }] },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('thresholds.0.kind');
    const badScope = await t.request('/api/v1/budgets', {
      method: 'POST',
      token: t.users.engineer.token,
      body: { name: 'x', amount: 10, scope: { filter: ['service'] } },
    });
    expect(badScope.status).toBe(400);
    expect(((await badScope.json()) as { error: { field: string } }).error.field).toBe('scope.filter');
    const dup = await t.request('/api/v1/budgets', {
      method: 'POST',
      token: t.users.manager.token,
      body: { name: 'EC2 monthly', amount: 10 },
    });
    expect(dup.status).toBe(409);
    const { items: mine } = (await (
      await t.request('/api/v1/budgets', { token: t.users.viewer.token })
    ).json()) as {
      items: { id: string }[];
    };
    const other = await t.request(`/api/v1/budgets/${mine[0].id}`, { token: t.users.otherManager.token });
    expect(other.status).toBe(404);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await (await t.request('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/budgets', '/api/v1/budgets/{id}', '/api/v1/budgets/evaluate']),
    );
  });
});

describe('cloudtally budgets (through the server)', () => {
  const run = (args: string[]) =>
    runCli(args, { cwd: dir, env: { CLOUDTALLY_URL: t.url, CLOUDTALLY_TOKEN: t.users.engineer.token } });

  // Each command starts a CLI process (a few seconds each on a busy machine).
  it('creates, lists, shows and deletes a budget', { timeout: 240_000 }, async () => {
    const created = await run([
      'budgets',
      'create',
      '--name',
      'Lambda',
      '--amount',
      '40',
      '--filter',
      'service=AWS Lambda',
      '--threshold',
      'actual:50',
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      name: 'Lambda',
      thresholds: [{ kind: 'actual', percent: 50 }],
    });
    const show = await run(['budgets', 'show', 'Lambda']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('threshold: actual 50% (20.00)');
    const badThreshold = await run([
      'budgets',
      'create',
      '--name',
      'y',
      '--amount',
      '5',
      '--threshold',
      '80',
    ]);
    expect(badThreshold.code).not.toBe(0);
    expect(badThreshold.stderr).toContain('--threshold "80" must be actual:PERCENT or forecast:PERCENT');
    const removed = await run(['budgets', 'delete', 'Lambda']);
    expect(removed.code, removed.stderr).toBe(0);
    const after = await run(['budgets', 'list', '--json']);
    expect(after.code, after.stderr).toBe(0);
    expect((JSON.parse(after.stdout) as { items: { name: string }[] }).items.map((b) => b.name)).toEqual([
      'EC2 monthly',
    ]);
  });
});

describe('budget MCP tools', () => {
  it('list_budgets and get_budget_status answer with the figures of the API', async () => {
    const list = await mcp.client.callTool({ name: 'list_budgets', arguments: {} });
    expect(list.isError).not.toBe(true);
    expect(textOf(list)).toMatch(/^1 budget; 1 at risk or over\./);
    expect(textOf(list)).toContain('EC2 monthly');
    const one = await mcp.client.callTool({
      name: 'get_budget_status',
      arguments: { budget: 'EC2 monthly' },
    });
    expect(one.isError).not.toBe(true);
    expect(textOf(one)).toMatch(
      /^EC2 monthly: monthly budget of 500\.00 USD on billed cost \(service=Amazon/,
    );
    expect(textOf(one)).toContain('80% of actual');
    expect(textOf(one)).toContain('Past periods:');
    const missing = await mcp.client.callTool({ name: 'get_budget_status', arguments: { budget: 'nope' } });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toContain('Budgets: EC2 monthly');
  });
});
