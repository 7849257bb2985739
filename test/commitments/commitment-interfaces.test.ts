/**
 * Commitments through the REST API, the CLI (against the server) and the MCP tools, over a small bill with a
 * savings plan and a reserved instance in the tables (fixtures.ts states its figures).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli-support.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { connectHttp, textOf, type Connected } from '../mcp/mcp-client.js';
import { insertCommitmentBill, RI_ARN, SP_ARN } from './fixtures.js';

let t: TestServer;
let mcp: Connected;
let dir: string;

beforeAll(async () => {
  t = await startTestServer();
  await insertCommitmentBill(t.ctx.store, t.users.manager.orgId, new Date());
  mcp = await connectHttp(t.url, t.users.viewer.token);
  dir = mkdtempSync(path.join(tmpdir(), 'cloudtally-commitments-cli-'));
});
afterAll(async () => {
  await mcp?.close();
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function get<T>(path: string, token = t.users.viewer.token): Promise<{ status: number; body: T }> {
  const res = await t.request(path, { token });
  return { status: res.status, body: (await res.json()) as T };
}

type Item = Record<string, unknown> & { id: string; month: Record<string, unknown> | null };

describe('commitments API', () => {
  it('lists each commitment with its terms and the figures of the month, to the cent', async () => {
    const { status, body } = await get<{ period: string; items: Item[] }>(
      '/api/v1/commitments?period=2025-05',
    );
    expect(status).toBe(200);
    expect(body.period).toBe('2025-05');
    const sp = body.items.find((c) => c.id === SP_ARN)!;
    const ri = body.items.find((c) => c.id === RI_ARN)!;
    expect(sp).toMatchObject({
      kind: 'savings_plan',
      type: 'ComputeSavingsPlans',
      awsAccountId: '111111111111',
      hourlyCommitment: 1,
      termYears: 3,
      paymentOption: 'No Upfront',
      state: 'active',
      source: 'bill',
    });
    expect(sp.month).toMatchObject({
      committed: 744,
      used: 446.4,
      unused: 297.6,
      utilization: 60,
      onDemandEquivalent: 620,
      netSavings: -124,
    });
    expect(ri).toMatchObject({
      kind: 'reservation',
      type: 'EC2',
      region: 'us-east-1',
      instanceType: 'm5.large',
      count: 2,
      termYears: 1,
      recurringHourlyFee: 0.05,
      state: 'expiring',
      daysLeft: 45,
    });
    expect(ri.month).toMatchObject({
      committed: 74.4,
      used: 55.8,
      unused: 18.6,
      utilization: 75,
      purchasedHours: 1488,
      usedHours: 1116,
      onDemandEquivalent: 107.14,
      netSavings: 32.74,
    });
    const only = await get<{ items: Item[] }>('/api/v1/commitments?period=2025-05&kind=reservation');
    expect(only.body.items.map((c) => c.id)).toEqual([RI_ARN]);
  });

  it('utilization per month with the total of the month', async () => {
    const { status, body } = await get<{ items: Item[]; totals: Record<string, unknown>[] }>(
      '/api/v1/commitments/utilization?from=2025-04&to=2025-06',
    );
    expect(status).toBe(200);
    expect(body.items).toHaveLength(2);
    expect(body.totals).toEqual([
      {
        period: '2025-05',
        currency: 'USD',
        committed: 818.4,
        used: 502.2,
        unused: 316.2,
        utilization: 61.36,
        onDemandEquivalent: 727.14,
        amortized: 818.4,
        netSavings: -91.26,
      },
    ]);
    const one = await get<{ items: Item[] }>(
      `/api/v1/commitments/utilization?from=2025-05&to=2025-05&commitmentId=${encodeURIComponent(SP_ARN)}`,
    );
    expect(one.body.items).toHaveLength(1);
  });

  it('daily utilization: each day of the month, a reserved instance’s unused cost from its purchased hours', async () => {
    const { status, body } = await get<{
      granularity: string;
      items: Array<Record<string, unknown> & { commitmentId: string; period: string }>;
      totals: Array<Record<string, unknown> & { period: string }>;
    }>(`/api/v1/commitments/utilization?from=2025-05&to=2025-05&granularity=daily`);
    expect(status).toBe(200);
    expect(body.granularity).toBe('daily');
    const ri = body.items.filter((d) => d.commitmentId === RI_ARN);
    const sp = body.items.filter((d) => d.commitmentId === SP_ARN);
    expect(ri).toHaveLength(31);
    expect(sp).toHaveLength(31);
    expect(ri[0]).toMatchObject({
      period: '2025-05-01',
      committed: 2.4,
      used: 1.8,
      unused: 0.6,
      utilization: 75,
      purchasedHours: 48,
      usedHours: 36,
    });
    expect(sp[30]).toMatchObject({
      period: '2025-05-31',
      committed: 24,
      used: 14.4,
      unused: 9.6,
      utilization: 60,
    });
    expect(body.totals).toHaveLength(31);
    expect(body.totals[0]).toMatchObject({ committed: 26.4, used: 16.2, unused: 10.2, utilization: 61.36 });
    const bad = await get<{ error: { field?: string } }>(
      '/api/v1/commitments/utilization?from=2025-01&to=2025-05&granularity=daily',
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/from/);
    const wrong = await get('/api/v1/commitments/utilization?granularity=hourly');
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.body)).toMatch(/granularity/);
  });

  it('coverage by family and the coverage gap', async () => {
    const { status, body } = await get<{
      items: Record<string, unknown>[];
      totals: Record<string, unknown>[];
    }>('/api/v1/commitments/coverage?from=2025-05&to=2025-05&groupBy=account,family');
    expect(status).toBe(200);
    expect(body.items).toEqual([
      {
        period: '2025-05',
        service: '',
        awsAccountId: '222222222222',
        region: '',
        instanceFamily: 'm5',
        covered: 727.14,
        onDemand: 155,
        total: 882.14,
        coverage: 82.43,
        currency: 'USD',
      },
    ]);
    expect(body.totals[0]).toMatchObject({ covered: 727.14, onDemand: 155, coverage: 82.43 });
  });

  it('expirations within 60 days, with the savings at stake', async () => {
    const { body } = await get<{ days: number; items: (Item & { monthlySavingsAtStake: number })[] }>(
      '/api/v1/commitments/expiring?days=60',
    );
    expect(body.days).toBe(60);
    expect(body.items.map((c) => c.id)).toEqual([RI_ARN]);
    const none = await get<{ items: Item[] }>('/api/v1/commitments/expiring?days=30');
    expect(none.body.items).toEqual([]);
  });

  it('refuses bad input with the field named, and shows another organization nothing', async () => {
    for (const [path, field] of [
      ['/api/v1/commitments?period=May', 'period'],
      ['/api/v1/commitments/utilization?from=2025-06&to=2025-05', 'from'],
      ['/api/v1/commitments/coverage?groupBy=az', 'groupBy'],
      ['/api/v1/commitments/expiring?days=0', 'days'],
    ]) {
      const res = await get<{ error: { field?: string } }>(path);
      expect(res.status, path).toBe(400);
      expect(JSON.stringify(res.body), path).toContain(field);
    }
    const other = await get<{ items: Item[] }>(
      '/api/v1/commitments?period=2025-05',
      t.users.otherManager.token,
    );
    expect(other.body.items).toEqual([]);
  });
});

describe('cloudtally commitments (through the server)', () => {
  const run = (args: string[]) =>
    runCli(args, { cwd: dir, env: { CLOUDTALLY_URL: t.url, CLOUDTALLY_TOKEN: t.users.viewer.token } });

  // Each command starts a CLI process (a few seconds each on a busy machine).
  it(
    'lists, shows utilization, coverage and what expires, and refuses a bad month',
    { timeout: 240_000 },
    async () => {
      const list = await run(['commitments', '--period', '2025-05']);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toContain('Figures of 2025-05');
      expect(list.stdout).toMatch(/ComputeSavingsPlans .*744\.00 .*60% .*297\.60 .*-124\.00/);
      expect(list.stdout).toMatch(/EC2 RI 2x m5\.large .*75% .*18\.60 .*32\.74/);
      const json = await run([
        'commitments',
        'utilization',
        '--from',
        '2025-05',
        '--to',
        '2025-05',
        '--json',
      ]);
      expect(JSON.parse(json.stdout).totals[0]).toMatchObject({ committed: 818.4, utilization: 61.36 });
      const daily = await run(['commitments', 'utilization', '--to', '2025-05', '--daily']);
      expect(daily.code, daily.stderr).toBe(0);
      expect(daily.stdout).toMatch(/2025-05-01 .*26\.40 .*16\.20 .*10\.20 .*61\.36%/);
      expect(daily.stdout).toMatch(/2025-05-31 /);
      const coverage = await run([
        'commitments',
        'coverage',
        '--from',
        '2025-05',
        '--to',
        '2025-05',
        '--by',
        'family',
      ]);
      expect(coverage.stdout).toMatch(/2025-05 .*m5 .*727\.14 .*155\.00 .*82\.43%/);
      const expiring = await run(['commitments', 'expiring', '--days', '60']);
      expect(expiring.stdout).toContain(RI_ARN);
      expect(expiring.stdout).not.toContain(SP_ARN);
      const bad = await run(['commitments', 'utilization', '--from', '2025-13']);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('from');
    },
  );
});

describe('commitments MCP tools', () => {
  it('list_commitments, get_commitment_utilization and get_commitment_coverage answer from the bill', async () => {
    const list = textOf(
      await mcp.client.callTool({ name: 'list_commitments', arguments: { period: '2025-05' } }),
    );
    expect(list).toMatch(/^2 commitments; figures of 2025-05; unused commitment 316\.20 USD\./);
    expect(list).toContain(RI_ARN);
    const soon = textOf(
      await mcp.client.callTool({ name: 'list_commitments', arguments: { expiringWithinDays: 60 } }),
    );
    expect(soon).toContain(RI_ARN);
    expect(soon).not.toContain(SP_ARN);
    const use = textOf(
      await mcp.client.callTool({
        name: 'get_commitment_utilization',
        arguments: { from: '2025-05', to: '2025-05' },
      }),
    );
    expect(use).toMatch(/2025-05 .*818\.40 USD .*502\.20 USD .*316\.20 USD .*61\.36%/);
    const cov = textOf(
      await mcp.client.callTool({
        name: 'get_commitment_coverage',
        arguments: { from: '2025-05', to: '2025-05', groupBy: ['region'] },
      }),
    );
    expect(cov).toContain('2025-05: 82.43% covered');
    expect(cov).toMatch(/us-east-1 .*727\.14 USD .*155\.00 USD/);
    const daily = textOf(
      await mcp.client.callTool({
        name: 'get_commitment_utilization',
        arguments: { to: '2025-05', daily: true, commitment: RI_ARN },
      }),
    );
    expect(daily).toMatch(/\| day \|/);
    expect(daily).toMatch(/2025-05-01 .*2\.40 USD .*1\.80 USD .*0\.60 USD .*75%/);
    expect(daily).toContain('2025-05-31');
    const bad = await mcp.client.callTool({ name: 'get_commitment_utilization', arguments: { from: 'May' } });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toContain('from');
  });
});
