/** Every other tool, through the HTTP transport and the real routes, with data written into the tables. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { insertItems, makeItems } from '../costs/fixtures.js';
import { connectHttp, textOf, type Connected } from './mcp-client.js';

let t: TestServer;
let viewer: Connected;
let engineer: Connected;

beforeAll(async () => {
  t = await startTestServer();
  const org = t.users.manager.orgId;
  const items = makeItems(org, '2024-01-01', 60);
  await insertItems(t.ctx.store, [
    ...items,
    {
      ...items[3],
      date: '2024-02-20',
      resource: 'i-runaway',
      billed: 700,
      net: 700,
      amortized: 700,
      netAmortized: 700,
    },
  ]);
  await t.ctx.costs.recomputeAnomalies(org);
  const now = new Date();
  await t.ctx.store.execute(
    `INSERT INTO cloud_accounts (id, org_id, name, provider, type, aws_account_id, status_state, diagnostics, created_at, updated_at)
     VALUES ('ca_tools', $1, 'Payer', 'aws', 'assumed_role', '111111111111', 'failed', $2, $3, $3)`,
    [
      org,
      JSON.stringify([
        {
          code: 'role_not_trusted',
          message: 'The role does not trust Cloudtally.',
          remediation: 'Add the trust policy from get_aws_setup.',
        },
      ]),
      now,
    ],
  );
  for (const [id, rule, resource, savings] of [
    ['rec_1', 'unattached_volume', 'vol-1', 40.5],
    ['rec_2', 'idle_instance', 'i-idle', 120.25],
  ] as const) {
    await t.ctx.store.execute(
      `INSERT INTO recommendations (id, org_id, cloud_account_id, aws_account_id, region, rule, resource_id, resource_type, title, reason,
         evidence, action, monthly_savings, savings_basis, currency, status, created_at, updated_at)
       VALUES ($1, $2, 'ca_tools', '111111111111', 'us-east-1', $3, $4, 'x', 'title', 'reason', '{}', 'Delete it', $5, 'bill', 'USD', 'open', $6, $6)`,
      [id, org, rule, resource, savings, now],
    );
  }
  await t.ctx.store.execute(
    `INSERT INTO resources (org_id, cloud_account_id, aws_account_id, region, resource_type, resource_id, name, state, first_seen_at, last_seen_at)
     VALUES ($1, 'ca_tools', '111111111111', 'us-east-1', 'ebs_volume', 'vol-1', 'scratch', 'available', $2, $2)`,
    [org, now],
  );
  viewer = await connectHttp(t.url, t.users.viewer.token);
  engineer = await connectHttp(t.url, t.users.engineer.token);
});

afterAll(async () => {
  await viewer?.close();
  await engineer?.close();
  await t?.close();
});

async function call(c: Connected, name: string, args: Record<string, unknown> = {}) {
  const r = await c.client.callTool({ name, arguments: args });
  return { isError: r.isError === true, text: textOf(r) };
}

describe('MCP tools', () => {
  it('get_cloud_account finds an account by AWS ID and shows its diagnostics', async () => {
    const r = await call(viewer, 'get_cloud_account', { account: '1111-1111-1111' });
    expect(r.isError, r.text).toBe(false);
    expect(r.text).toMatch(/^Payer \(assumed_role, AWS 111111111111\) — status failed/);
    expect(r.text).toMatch(
      /role_not_trusted: The role does not trust Cloudtally\. Fix: Add the trust policy/,
    );
    const missing = await call(viewer, 'get_cloud_account', { account: '999999999999' });
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/No cloud account matches "999999999999".*Payer \(111111111111\)/);
  });

  it('list_recommendations starts with the total of possible savings', async () => {
    const r = await call(viewer, 'list_recommendations');
    expect(r.isError, r.text).toBe(false);
    expect(r.text.split('\n')[0]).toBe(
      'Possible savings: 160.75 USD per month across 2 open recommendations.',
    );
    expect(r.text.indexOf('i-idle')).toBeLessThan(r.text.indexOf('vol-1'));
  });

  it('dismiss_recommendation is refused to a Viewer and done for an Engineer', async () => {
    const refused = await call(viewer, 'dismiss_recommendation', { id: 'rec_1', reason: 'kept on purpose' });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/403/);
    const done = await call(engineer, 'dismiss_recommendation', { id: 'rec_1', reason: 'kept on purpose' });
    expect(done.isError, done.text).toBe(false);
    expect(done.text).toMatch(/Dismissed unattached_volume for vol-1.*state is now dismissed/);
    const after = await call(viewer, 'list_recommendations');
    expect(after.text.split('\n')[0]).toBe(
      'Possible savings: 120.25 USD per month across 1 open recommendations.',
    );
    const unknown = await call(engineer, 'dismiss_recommendation', { id: 'rec_nope', reason: 'x' });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toMatch(/404/);
  });

  it('list_resources lists the inventory', async () => {
    const r = await call(viewer, 'list_resources', { type: 'ebs_volume' });
    expect(r.isError, r.text).toBe(false);
    expect(r.text).toMatch(/^1 resource match/);
    expect(r.text).toMatch(/\| ebs_volume \| vol-1 \| scratch \| available \| 111111111111 \| us-east-1 \|/);
  });

  it("get_aws_setup shows the organization's external ID and the policies", async () => {
    const r = await call(viewer, 'get_aws_setup', { bucket: 'acme-billing' });
    expect(r.isError, r.text).toBe(false);
    const [org] = await t.ctx.store.query<{ external_id: string }>(
      'SELECT external_id FROM organizations WHERE id = $1',
      [t.users.manager.orgId],
    );
    expect(r.text).toContain(`External ID: ${org.external_id}`);
    expect(r.text).toMatch(/Trust policy:/);
    expect(r.text).toMatch(/acme-billing/);
    expect(r.text).toMatch(/CloudFormation template/);
  });

  it('get_dimension_values and get_tag_values list values with their spend', async () => {
    const services = await call(viewer, 'get_dimension_values', {
      dimension: 'service',
      from: '2024-01-01',
      to: '2024-01-31',
      search: 'compute',
    });
    expect(services.isError, services.text).toBe(false);
    expect(services.text).toMatch(/^1 values of service containing "compute"/);
    expect(services.text).toMatch(
      /\| Amazon Elastic Compute Cloud \| Amazon Elastic Compute Cloud \| [\d,.]+ USD \|/,
    );
    const keys = await call(viewer, 'get_tag_values', { from: '2024-01-01', to: '2024-01-31' });
    expect(keys.text).toMatch(/^2 tag keys/);
    expect(keys.text).toMatch(/\| user:team \|/);
    const teams = await call(viewer, 'get_tag_values', {
      key: 'user:team',
      from: '2024-01-01',
      to: '2024-01-31',
    });
    expect(teams.text).toMatch(/\| platform \| platform \|/);
    expect(teams.text).toMatch(/\(untagged\)/);
  });

  it('compare_costs names the drivers of the change by the dimensions asked', async () => {
    const r = await call(viewer, 'compare_costs', {
      from: '2024-02-01',
      to: '2024-02-29',
      compareFrom: '2024-01-01',
      compareTo: '2024-01-31',
      by: ['service', 'region'],
    });
    expect(r.isError, r.text).toBe(false);
    expect(r.text).toMatch(
      /^2024-02-01 to 2024-02-29: [\d,.]+ USD; 2024-01-01 to 2024-01-31: [\d,.]+ USD; change/,
    );
    expect(r.text).toContain('Drivers by service:');
    expect(r.text).toContain('Drivers by region:');
    const bad = await call(viewer, 'compare_costs', { by: ['colour'] });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/by: unknown dimension "colour"/);
  });

  it('query_costs passes on the warning for a filter value that matches nothing', async () => {
    const r = await call(viewer, 'query_costs', {
      from: '2024-01-01',
      to: '2024-01-31',
      filters: [{ dimension: 'service', values: ['Amazon EC2'] }],
    });
    expect(r.text).toContain('Warning: filter: service "Amazon EC2" matches no cost');
    expect(r.text).toContain('"Amazon Elastic Compute Cloud"');
  });

  it('get_cost_forecast states the method and the months', async () => {
    const r = await call(viewer, 'get_cost_forecast', { asOf: '2024-02-29', months: 2 });
    expect(r.isError, r.text).toBe(false);
    expect(r.text).toMatch(/^End of 2024-02: [\d,.]+ USD expected \(80% range/);
    expect(r.text).toMatch(/Method: Least-squares fit on the last \d+ days/);
    expect(r.text).toMatch(/\| 2024-04 \|/);
  });

  it('query_costs says which day the data runs through when the range goes past it', async () => {
    const r = await call(viewer, 'query_costs', { from: '2024-02-20', to: '2024-03-05', granularity: 'day' });
    expect(r.isError, r.text).toBe(false);
    expect(r.text).toMatch(/^Data through 2024-02-29: the days after it have no billing data yet/m);
    const complete = await call(viewer, 'query_costs', { from: '2024-02-01', to: '2024-02-29' });
    expect(complete.text).not.toMatch(/Data through/);
    const f = await call(viewer, 'get_cost_forecast', { asOf: '2024-03-05', months: 0 });
    expect(f.text).toMatch(/actual cost through 2024-02-29, forecast after it/);
  });

  it('list_cost_anomalies shows the spike and what drove it', async () => {
    const r = await call(viewer, 'list_cost_anomalies', { dimension: 'service' });
    expect(r.isError, r.text).toBe(false);
    expect(r.text).toMatch(/\| 2024-02-20 \| service Amazon Elastic Compute Cloud \|/);
    expect(r.text).toMatch(/i-runaway/);
  });
});
