/**
 * Every tool refuses an argument it does not know with an isError result naming it, instead of dropping it. The
 * tools are taken from the server's own list, so a tool added later is covered without editing this file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOLS } from '../../src/mcp/tools/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { connectHttp, textOf, type Connected } from './mcp-client.js';

let t: TestServer;
let manager: Connected;

beforeAll(async () => {
  t = await startTestServer();
  manager = await connectHttp(t.url, t.users.manager.token);
});

afterAll(async () => {
  await manager?.close();
  await t?.close();
});

const UNKNOWN = 'cloudtally_not_an_argument';

describe('MCP tools and arguments they do not know', () => {
  it('the server lists exactly the tools of src/mcp/tools, each advertising that no other argument is allowed', async () => {
    const { tools } = await manager.client.listTools();
    expect(tools.map((x) => x.name)).toEqual(TOOLS.map((x) => x.name));
    for (const tool of tools) expect(tool.inputSchema.additionalProperties, tool.name).toBe(false);
  });

  it('every tool answers an unknown argument with isError naming it and the arguments it takes', async () => {
    const { tools } = await manager.client.listTools();
    expect(tools.length).toBeGreaterThan(0);
    const syncsBefore = await t.ctx.store.query<{ n: number }>('SELECT count(*) AS n FROM sync_runs');
    for (const tool of tools) {
      const result = await manager.client.callTool({ name: tool.name, arguments: { [UNKNOWN]: 'x' } });
      const text = textOf(result);
      expect(result.isError, `${tool.name}: ${text}`).toBe(true);
      expect(text, tool.name).toContain(`unknown argument "${UNKNOWN}"`);
      const known = Object.keys(tool.inputSchema.properties ?? {});
      expect(text, tool.name).toContain(
        `${tool.name} takes ${known.length > 0 ? known.join(', ') : 'no arguments'}`,
      );
    }
    // Refused before it ran: the one tool that starts work started none.
    const syncsAfter = await t.ctx.store.query<{ n: number }>('SELECT count(*) AS n FROM sync_runs');
    expect(Number(syncsAfter[0].n)).toBe(Number(syncsBefore[0].n));
  });

  it('a tool with valid arguments plus a misspelt one is refused rather than answered without it', async () => {
    const result = await manager.client.callTool({
      name: 'query_costs',
      arguments: { from: '2024-01-01', to: '2024-01-31', group_by: ['service'] },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('unknown argument "group_by"');
  });

  it('a misspelt key inside a filter is refused too', async () => {
    const result = await manager.client.callTool({
      name: 'query_costs',
      arguments: {
        from: '2024-01-01',
        to: '2024-01-31',
        filters: [{ dimension: 'service', value: ['AmazonEC2'] }],
      },
    });
    const text = textOf(result);
    expect(result.isError, text).toBe(true);
    expect(text).toMatch(/Unrecognized key.*"value"/);
  });

  it('the tools still answer with only the arguments they know', async () => {
    const result = await manager.client.callTool({ name: 'list_cloud_accounts', arguments: {} });
    expect(result.isError, textOf(result)).toBeFalsy();
  });
});
