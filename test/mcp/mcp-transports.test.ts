import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CostAnswer } from '../../src/costs/cost-answer.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { insertItems, makeItems } from '../costs/fixtures.js';
import {
  connectHttp,
  connectStdio,
  textOf,
  totalOf,
  type Connected,
  type TransportKind,
} from './mcp-client.js';

const TOOL_NAMES = [
  'list_cloud_accounts',
  'get_cloud_account',
  'sync_cloud_account',
  'query_costs',
  'get_dimension_values',
  'get_tag_values',
  'compare_costs',
  'get_showback',
  'get_cost_forecast',
  'list_cost_anomalies',
  'list_recommendations',
  'dismiss_recommendation',
  'list_resources',
  'list_budgets',
  'get_budget_status',
  'list_saved_views',
  'run_saved_view',
  'list_commitments',
  'get_commitment_utilization',
  'get_commitment_coverage',
  'get_aws_setup',
];

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
  await insertItems(t.ctx.store, makeItems(t.users.manager.orgId, '2024-01-01', 45));
  const now = new Date();
  for (const [id, name, aws, state] of [
    ['ca_mcp_payer', 'Payer', '111111111111', 'healthy'],
    ['ca_mcp_member', 'Member', '222222222222', 'failed'],
  ] as const) {
    await t.ctx.store.execute(
      `INSERT INTO cloud_accounts (id, org_id, name, provider, type, aws_account_id, status_state, last_sync_at, data_freshness, created_at, updated_at)
       VALUES ($1, $2, $3, 'aws', 'root', $4, $5, $6, '2024-02-14', $6, $6)`,
      [id, t.users.manager.orgId, name, aws, state, now],
    );
  }
});

afterAll(async () => {
  await t?.close();
});

const connectors: Record<TransportKind, (token: string) => Promise<Connected>> = {
  http: (token) => connectHttp(t.url, token),
  stdio: (token) =>
    connectStdio([], { CLOUDTALLY_URL: t.url, CLOUDTALLY_TOKEN: token, CLOUDTALLY_LOG_LEVEL: 'warn' }),
};

describe.each(['http', 'stdio'] as const)('MCP over %s with the SDK client', (kind) => {
  let viewer: Connected;
  beforeAll(async () => {
    viewer = await connectors[kind](t.users.viewer.token);
  });
  afterAll(async () => {
    await viewer?.close();
  });

  it('lists every tool with a description, arguments and annotations', async () => {
    const { tools } = await viewer.client.listTools();
    expect(tools.map((x) => x.name)).toEqual(TOOL_NAMES);
    for (const tool of tools) {
      expect(tool.description?.length).toBeGreaterThan(60);
      expect(tool.inputSchema.type).toBe('object');
      expect(typeof tool.annotations?.readOnlyHint).toBe('boolean');
    }
    const byName = Object.fromEntries(tools.map((x) => [x.name, x]));
    expect(byName.query_costs.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(byName.sync_cloud_account.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
    });
    expect(byName.dismiss_recommendation.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
    });
    expect(Object.keys(byName.query_costs.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(['from', 'to', 'groupBy', 'filters', 'basis']),
    );
  });

  it('lists the connected accounts with their status', async () => {
    const result = await viewer.client.callTool({ name: 'list_cloud_accounts', arguments: {} });
    const text = textOf(result);
    expect(result.isError, text).toBeFalsy();
    expect(text).toMatch(/2 cloud accounts/);
    expect(text).toMatch(/\| Payer \| root \| 111111111111 \| healthy \|/);
    expect(text).toMatch(/\| Member \| root \| 222222222222 \| failed \|/);
  });

  it('answers a cost query whose totals match the REST answer', async () => {
    const result = await viewer.client.callTool({
      name: 'query_costs',
      arguments: {
        from: '2024-01-01',
        to: '2024-01-31',
        groupBy: ['service'],
        filters: [{ dimension: 'account', values: ['111111111111', '222222222222'] }],
        basis: 'amortized',
      },
    });
    const text = textOf(result);
    expect(result.isError, text).toBeFalsy();
    const rest = (await (
      await t.request(
        '/api/v1/costs?from=2024-01-01&to=2024-01-31&groupBy=service&basis=amortized&filter=account%3D111111111111&filter=account%3D222222222222',
        { token: t.users.viewer.token },
      )
    ).json()) as CostAnswer;
    expect(rest.total).toBeGreaterThan(0);
    expect(totalOf(text)).toBeCloseTo(rest.total, 2);
    for (const g of rest.groups) expect(text).toContain(`| ${g.label} |`);
  });

  it("refuses a Viewer's sync_cloud_account with an isError result saying which role is needed", async () => {
    const result = await viewer.client.callTool({
      name: 'sync_cloud_account',
      arguments: { account: 'ca_mcp_payer' },
    });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(/403/);
    expect(text).toMatch(/Engineer or Organization Manager/);
  });

  it('reports bad arguments as an isError result that says what to change', async () => {
    const result = await viewer.client.callTool({
      name: 'query_costs',
      arguments: { from: '2024-03-01', to: '2024-02-01' },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/to: 2024-02-01 is before from 2024-03-01/);
  });
});

describe('MCP over HTTP: authentication', () => {
  it('refuses /mcp without a valid token', async () => {
    const init = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
    };
    const anonymous = await t.request('/mcp', {
      method: 'POST',
      body: init,
      headers: { accept: 'application/json, text/event-stream' },
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/Bearer/);
    const bogus = await t.request('/mcp', {
      method: 'POST',
      token: 'ct_not_a_token',
      body: init,
      headers: { accept: 'application/json, text/event-stream' },
    });
    expect(bogus.status).toBe(401);
  });

  it("bounds tools by the token's organization", async () => {
    const other = await connectHttp(t.url, t.users.otherManager.token);
    try {
      const costs = textOf(
        await other.client.callTool({
          name: 'query_costs',
          arguments: { from: '2024-01-01', to: '2024-01-31' },
        }),
      );
      expect(costs).toMatch(/Total: 0\.00 USD/);
      const accounts = textOf(await other.client.callTool({ name: 'list_cloud_accounts', arguments: {} }));
      expect(accounts).not.toMatch(/111111111111/);
    } finally {
      await other.close();
    }
  });
});
