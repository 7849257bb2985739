import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext } from '../../src/app/context.js';
import { loadConfig } from '../../src/config/config.js';
import type { CostAnswer } from '../../src/costs/cost-answer.js';
import { silentLog } from '../../src/lib/log.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ROOT } from '../mcp/mcp-client.js';
import { insertItems, makeItems, sum, type FixtureItem } from './fixtures.js';

const run = promisify(execFile);

function cli(args: string[], env: Record<string, string> = {}) {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('CLOUDTALLY_')) clean[k] = v;
  return run(process.execPath, [path.join(ROOT, 'bin/cloudtally.js'), ...args], {
    cwd: ROOT,
    env: { ...clean, ...env },
  });
}

const JAN = (i: FixtureItem) => i.date >= '2024-01-01' && i.date <= '2024-01-31';

describe('cloudtally costs', () => {
  let dataDir: string;
  let items: FixtureItem[];
  let t: TestServer;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'cloudtally-cli-'));
    const ctx = await createAppContext(loadConfig({ dataDir, scheduler: false, logLevel: 'silent' }, {}), {
      log: silentLog,
    });
    try {
      const { organization } = await ctx.auth.createUser({
        org: 'Acme',
        email: 'a@acme.test',
        role: 'manager',
        password: 'a-long-password',
      });
      items = makeItems(organization.id, '2024-01-01', 40);
      await insertItems(ctx.store, items);
    } finally {
      await ctx.close();
    }
    t = await startTestServer();
    await insertItems(t.ctx.store, makeItems(t.users.manager.orgId, '2024-01-01', 40));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads the data directory: --group-by service,account --basis amortized --json', async () => {
    const { stdout } = await cli([
      'costs',
      '--data-dir',
      dataDir,
      '--from',
      '2024-01-01',
      '--to',
      '2024-01-31',
      '--group-by',
      'service,account',
      '--basis',
      'amortized',
      '--json',
    ]);
    const a = JSON.parse(stdout) as CostAnswer;
    expect(a.basis).toBe('amortized');
    expect(a.groupBy).toEqual(['service', 'account']);
    expect(a.total).toBeCloseTo(sum(items, 'amortized', JAN), 6);
  });

  it('costs values lists a dimension’s values with their spend, from the data directory and the server', async () => {
    const { stdout } = await cli([
      'costs',
      'values',
      'service',
      '--data-dir',
      dataDir,
      '--from',
      '2024-01-01',
      '--to',
      '2024-01-31',
      '--search',
      'lambda',
      '--json',
    ]);
    const a = JSON.parse(stdout) as { values: { value: string; cost: number }[] };
    expect(a.values.map((v) => v.value)).toEqual(['AWS Lambda']);
    expect(a.values[0].cost).toBeCloseTo(
      sum(items, 'billed', (i) => JAN(i) && i.service === 'AWS Lambda'),
      6,
    );
    const table = await cli(
      ['costs', 'values', 'tag:user:team', '--from', '2024-01-01', '--to', '2024-01-31'],
      {
        CLOUDTALLY_URL: t.url,
        CLOUDTALLY_TOKEN: t.users.viewer.token,
      },
    );
    expect(table.stdout).toMatch(/^3 values of tag:user:team/);
    expect(table.stdout).toContain('(untagged)');
  });

  it('prints CSV and a table', async () => {
    const csv = await cli([
      'costs',
      '--data-dir',
      dataDir,
      '--from',
      '2024-01-01',
      '--to',
      '2024-01-31',
      '--group-by',
      'account',
      '--csv',
    ]);
    const lines = csv.stdout.trim().split(/\r\n/);
    expect(lines[0]).toBe('period,account,label,cost,currency,basis');
    expect(lines.slice(1).reduce((s, l) => s + Number(l.split(',').at(-3)), 0)).toBeCloseTo(
      sum(items, 'billed', JAN),
      5,
    );
    const table = await cli([
      'costs',
      '--data-dir',
      dataDir,
      '--from',
      '2024-01-01',
      '--to',
      '2024-01-31',
      '--group-by',
      'service',
    ]);
    expect(table.stdout).toMatch(
      new RegExp(
        `^Total ${sum(items, 'billed', JAN).toFixed(2)} USD \\(billed, 2024-01-01 to 2024-01-31 inclusive`,
      ),
    );
    expect(table.stdout).toMatch(/AWS Lambda/);
  });

  it('says in the summary which day the data runs through, in JSON and in one line of text', async () => {
    // The fixture ends on 9 February 2024, long before today: this month has no data, and the answer says so.
    const json = JSON.parse((await cli(['costs', 'summary', '--data-dir', dataDir, '--json'])).stdout) as {
      dataThrough: string | null;
      monthToDate: { total: number };
      changePercent: number | null;
    };
    expect(json.dataThrough).toBe('2024-02-09');
    expect(json.monthToDate.total).toBe(0);
    expect(json.changePercent).toBeNull();
    const text = await cli(['costs', 'summary', '--data-dir', dataDir]);
    expect(text.stdout).toMatch(/^data through 2024-02-09$/m);
  });

  it('goes through the server with CLOUDTALLY_URL and CLOUDTALLY_TOKEN, with the same answer as the API', async () => {
    const env = { CLOUDTALLY_URL: t.url, CLOUDTALLY_TOKEN: t.users.viewer.token };
    const { stdout } = await cli(
      [
        'costs',
        '--from',
        '2024-01-01',
        '--to',
        '2024-01-31',
        '--group-by',
        'service',
        '--filter',
        'region=us-east-1',
        '--json',
      ],
      env,
    );
    const viaCli = JSON.parse(stdout) as CostAnswer;
    const viaApi = (await (
      await t.request(
        '/api/v1/costs?from=2024-01-01&to=2024-01-31&groupBy=service&filter=region%3Dus-east-1',
        { token: t.users.viewer.token },
      )
    ).json()) as CostAnswer;
    expect(viaCli).toEqual(viaApi);
    const forecast = await cli(['costs', 'forecast', '--basis', 'amortized', '--json'], env);
    expect((JSON.parse(forecast.stdout) as { basis: string }).basis).toBe('amortized');
  });

  it('exits with the input error code and names the problem', async () => {
    const err = await cli([
      'costs',
      '--data-dir',
      dataDir,
      '--from',
      '2024-02-01',
      '--to',
      '2024-01-01',
    ]).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 2 });
    expect((err as { stderr: string }).stderr).toMatch(/to: 2024-01-01 is before from 2024-02-01/);
  });
});
