/**
 * Showback through the command line (`cloudtally showback`, a separate process against a running server) and the
 * MCP tool `get_showback`: both answer what the REST route answers, and both name the problem with bad input.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DimensionView } from '../../src/allocation/allocation-service.js';
import type { ShowbackAnswer } from '../../src/allocation/showback.js';
import { insertItems, makeItems } from '../costs/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { connectHttp, ROOT, textOf, type Connected } from '../mcp/mcp-client.js';

const run = promisify(execFile);
const FROM = '2024-01-01';
const TO = '2024-02-29';

let t: TestServer;
let mcp: Connected;

function cli(args: string[]) {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('CLOUDTALLY_')) env[k] = v;
  return run(process.execPath, [path.join(ROOT, 'bin/cloudtally.js'), ...args], {
    cwd: ROOT,
    env: { ...env, CLOUDTALLY_URL: t.url, CLOUDTALLY_TOKEN: t.users.viewer.token },
  });
}

async function rest(query: Record<string, string>): Promise<Response> {
  return t.request(`/api/v1/allocation/dimensions/team/showback?${new URLSearchParams(query)}`, {
    token: t.users.viewer.token,
  });
}

beforeAll(async () => {
  t = await startTestServer();
  await insertItems(t.ctx.store, makeItems(t.users.manager.orgId, FROM, 60));
  const res = await t.request('/api/v1/allocation/dimensions', {
    method: 'POST',
    token: t.users.manager.token,
    body: {
      name: 'team',
      rules: [
        {
          name: 'tax by spend',
          conditions: [{ field: 'chargeCategory', operator: 'in', values: ['Tax'] }],
          share: { method: 'proportional' },
        },
        { name: 'team tag', valueFromTag: 'user:team' },
      ],
    },
  });
  expect(res.status).toBe(201);
  // Applied in the background: wait (bounded) for version 1.
  await vi.waitFor(
    async () => {
      const res = await t.request('/api/v1/allocation/dimensions/team', { token: t.users.viewer.token });
      expect(((await res.json()) as DimensionView).appliedVersion).toBe(1);
    },
    { timeout: 60_000, interval: 100 },
  );
  mcp = await connectHttp(t.url, t.users.viewer.token);
}, 120_000);

afterAll(async () => {
  await mcp?.close();
  await t?.close();
});

describe('showback from the CLI and MCP', () => {
  it('cloudtally showback --json and --csv print what the API answers', async () => {
    const want = (await (await rest({ from: FROM, to: TO, basis: 'net' })).json()) as ShowbackAnswer;
    expect(want.rows.length).toBeGreaterThan(2);
    expect(want.rows.some((r) => r.shared > 0)).toBe(true);
    const json = await cli(['showback', 'team', '--from', FROM, '--to', TO, '--basis', 'net', '--json']);
    expect(JSON.parse(json.stdout)).toEqual(want);
    const csv = await cli(['showback', 'team', '--from', FROM, '--to', TO, '--basis', 'net', '--csv']);
    expect(csv.stdout).toBe(await (await rest({ from: FROM, to: TO, basis: 'net', format: 'csv' })).text());
    const table = await cli(['showback', 'team', '--from', FROM, '--to', TO]);
    expect(table.stdout).toMatch(
      /^Showback of team from 2024-01 to 2024-02, billed cost in USD, rules version 1/,
    );
    for (const r of want.rows) expect(table.stdout).toContain(r.value);
  });

  it('cloudtally showback names a bad basis (exit code 2) and an unknown dimension', async () => {
    const bad = await cli(['showback', 'team', '--basis', 'gross']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(bad).toMatchObject({ code: 2 });
    expect((bad as { stderr: string }).stderr).toMatch(
      /--basis must be one of billed, net, amortized, net_amortized/,
    );
    const missing = await cli(['showback', 'nope']).catch((e: { code: number; stderr: string }) => e);
    expect((missing as { code: number }).code).not.toBe(0);
    expect((missing as { stderr: string }).stderr).toMatch(/nope/);
  });

  it('get_showback answers each month and value with its direct, shared and total cost', async () => {
    const want = (await (await rest({ from: FROM, to: TO })).json()) as ShowbackAnswer;
    const r = await mcp.client.callTool({
      name: 'get_showback',
      arguments: { dimension: 'team', from: FROM, to: TO },
    });
    const text = textOf(r);
    expect(r.isError, text).not.toBe(true);
    expect(text).toMatch(
      /^Showback of team from 2024-01 to 2024-02, billed cost in USD; rules version 1 as of /,
    );
    for (const row of want.rows) {
      const line = text.split('\n').find((l) => l.startsWith(`| ${row.month} | ${row.value} |`));
      expect(line, `${row.month} ${row.value}`).toBeDefined();
      expect(line).toContain(
        `${row.total.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} USD`,
      );
    }
  });

  it('get_showback lists the dimensions without one, and names an unknown one as an error', async () => {
    const list = await mcp.client.callTool({ name: 'get_showback', arguments: {} });
    expect(textOf(list)).toBe(
      'Allocation dimensions: team. Call get_showback with one of them as dimension.',
    );
    const unknown = await mcp.client.callTool({ name: 'get_showback', arguments: { dimension: 'teams' } });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/No allocation dimension named "teams"\. Allocation dimensions: team\./);
  });
});
