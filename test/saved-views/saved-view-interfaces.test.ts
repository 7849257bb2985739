/** Saved views through the REST API (the web's calls) and the MCP tools, over cost rows in the tables. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertItems, makeItems, SERVICES, sum, type FixtureItem } from '../costs/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { connectHttp, textOf, type Connected } from '../mcp/mcp-client.js';
import { money } from '../../src/mcp/tool-kit.js';

let t: TestServer;
let items: FixtureItem[];
let mcp: Connected;
const EC2 = SERVICES[0];
type View = {
  id: string;
  name: string;
  pinned: boolean;
  visibility: string;
  mine: boolean;
  canEdit: boolean;
};

beforeAll(async () => {
  t = await startTestServer();
  items = makeItems(t.users.manager.orgId, '2024-01-01', 60);
  await insertItems(t.ctx.store, items);
  mcp = await connectHttp(t.url, t.users.viewer.token);
});

afterAll(async () => {
  await mcp?.close();
  await t?.close();
});

const febEc2 = (i: FixtureItem) => i.service === EC2 && i.date.startsWith('2024-02');

describe('saved views API', () => {
  let shared: View;

  it('creates a view from an explorer query, shares and pins it, and runs it', async () => {
    const created = await t.request('/api/v1/saved-views', {
      method: 'POST',
      token: t.users.engineer.token,
      body: {
        name: 'EC2 in February',
        query: {
          range: { from: '2024-02-01', to: '2024-02-29' },
          granularity: 'day',
          groupBy: ['region'],
          filter: [`service=${EC2}`],
        },
      },
    });
    expect(created.status).toBe(201);
    shared = (await created.json()) as View;
    expect(shared).toMatchObject({ visibility: 'private', pinned: false, mine: true });
    expect(shared).not.toHaveProperty('orgId');
    // Private: the viewer does not see it.
    expect(
      (await t.request(`/api/v1/saved-views/${shared.id}`, { token: t.users.viewer.token })).status,
    ).toBe(404);
    const patched = await t.request(`/api/v1/saved-views/${shared.id}`, {
      method: 'PATCH',
      token: t.users.engineer.token,
      body: { visibility: 'organization', pinned: true },
    });
    expect(patched.status).toBe(200);
    const pinned = await t.request('/api/v1/saved-views?pinned=true', { token: t.users.viewer.token });
    const { items: list } = (await pinned.json()) as { items: View[] };
    expect(list.map((v) => [v.name, v.mine, v.canEdit])).toEqual([['EC2 in February', false, false]]);
    const run = await t.request(`/api/v1/saved-views/${shared.id}/run`, { token: t.users.viewer.token });
    expect(run.status).toBe(200);
    const r = (await run.json()) as {
      from: string;
      to: string;
      answer: { total: number; periods: string[] };
    };
    expect(r).toMatchObject({ from: '2024-02-01', to: '2024-02-29' });
    expect(r.answer.periods).toHaveLength(29);
    expect(r.answer.total).toBeCloseTo(sum(items, 'billed', febEc2), 6);
    const csv = await t.request(`/api/v1/saved-views/${shared.id}/run?format=csv`, {
      token: t.users.viewer.token,
    });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toContain(
      'cloudtally-EC2-in-February-2024-02-01-to-2024-02-29.csv',
    );
    expect((await csv.text()).split('\n').length).toBeGreaterThan(29);
  });

  it('answers bad input with 400 naming the field, others’ changes with 403, another org with 404', async () => {
    const bad = await t.request('/api/v1/saved-views', {
      method: 'POST',
      token: t.users.viewer.token,
      body: { name: 'x', query: { range: { relative: 'next_week' } } },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toMatch(/^query\.range/);
    const badFilter = await t.request('/api/v1/saved-views', {
      method: 'POST',
      token: t.users.viewer.token,
      body: { name: 'x', query: { range: { relative: 'last_month' }, filter: ['nonsense'] } },
    });
    expect(badFilter.status).toBe(400);
    expect(((await badFilter.json()) as { error: { field: string } }).error.field).toBe('query.filter');
    const notMine = await t.request(`/api/v1/saved-views/${shared.id}`, {
      method: 'DELETE',
      token: t.users.viewer.token,
    });
    expect(notMine.status).toBe(403);
    const other = await t.request(`/api/v1/saved-views/${shared.id}/run`, {
      token: t.users.otherManager.token,
    });
    expect(other.status).toBe(404);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await (await t.request('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/saved-views',
        '/api/v1/saved-views/{id}',
        '/api/v1/saved-views/{id}/run',
      ]),
    );
  });
});

describe('saved view MCP tools', () => {
  it('list_saved_views and run_saved_view answer with the figures of the API', async () => {
    const list = await mcp.client.callTool({ name: 'list_saved_views', arguments: {} });
    expect(list.isError).not.toBe(true);
    expect(textOf(list)).toMatch(/^1 saved view:/);
    expect(textOf(list)).toContain('EC2 in February');
    expect(textOf(list)).toContain('2024-02-01 to 2024-02-29');
    const run = await mcp.client.callTool({ name: 'run_saved_view', arguments: { view: 'ec2 in february' } });
    expect(run.isError).not.toBe(true);
    const total = sum(items, 'billed', febEc2);
    expect(textOf(run)).toContain(`Total: ${money(total)}.`);
    expect(textOf(run)).toContain('By region (2 groups, largest first)');
    const missing = await mcp.client.callTool({ name: 'run_saved_view', arguments: { view: 'nope' } });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toContain('Saved views: EC2 in February');
  });
});
