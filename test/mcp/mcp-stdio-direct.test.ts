/** `cloudtally mcp` without a server: it opens the data directory itself, still bound by a token's role. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext } from '../../src/app/context.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLog } from '../../src/lib/log.js';
import { insertItems, makeItems, sum, type FixtureItem } from '../costs/fixtures.js';
import { connectStdio, textOf, totalOf } from './mcp-client.js';

describe('cloudtally mcp on the data directory', () => {
  let dataDir: string;
  let items: FixtureItem[];
  let viewerToken: string;
  const open = () =>
    createAppContext(loadConfig({ dataDir, scheduler: false, logLevel: 'silent' }, {}), { log: silentLog });

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'cloudtally-mcp-'));
    const ctx = await open();
    try {
      const m = await ctx.auth.createUser({
        org: 'Acme',
        email: 'm@acme.test',
        role: 'manager',
        password: 'a-long-password',
      });
      await ctx.auth.createUser({
        org: 'Acme',
        email: 'v@acme.test',
        role: 'viewer',
        password: 'a-long-password',
      });
      viewerToken = (await ctx.auth.createTokenForEmail('v@acme.test', 'assistant')).token;
      items = makeItems(m.organization.id, '2024-01-01', 35);
      await insertItems(ctx.store, items);
    } finally {
      await ctx.close();
    }
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  const janTotal = () => sum(items, 'billed', (i) => i.date >= '2024-01-01' && i.date <= '2024-01-31');

  it('answers with CLOUDTALLY_TOKEN, and the Viewer role still bounds it', async () => {
    const c = await connectStdio(['--data-dir', dataDir], {
      CLOUDTALLY_TOKEN: viewerToken,
      CLOUDTALLY_LOG_LEVEL: 'warn',
    });
    try {
      const costs = await c.client.callTool({
        name: 'query_costs',
        arguments: { from: '2024-01-01', to: '2024-01-31' },
      });
      expect(costs.isError, textOf(costs)).toBeFalsy();
      expect(totalOf(textOf(costs))).toBeCloseTo(janTotal(), 2);
      const sync = await c.client.callTool({
        name: 'sync_cloud_account',
        arguments: { account: 'ca_anything' },
      });
      expect(sync.isError).toBe(true);
      expect(textOf(sync)).toMatch(/403/);
    } finally {
      await c.close();
    }
  });

  it('acts as a user with --email and revokes the session token when the client goes away', async () => {
    const c = await connectStdio(['--data-dir', dataDir, '--email', 'v@acme.test'], {
      CLOUDTALLY_LOG_LEVEL: 'warn',
    });
    try {
      const costs = await c.client.callTool({
        name: 'query_costs',
        arguments: { from: '2024-01-01', to: '2024-01-31' },
      });
      expect(totalOf(textOf(costs))).toBeCloseTo(janTotal(), 2);
    } finally {
      await c.close();
    }
    // close() returns once the process has exited, so the DuckDB file it held is free to open here.
    const ctx = await open();
    let tokens: { revoked_at: Date | null }[];
    try {
      tokens = await ctx.store.query("SELECT revoked_at FROM api_tokens WHERE name = 'MCP stdio session'");
    } finally {
      await ctx.close();
    }
    expect(tokens).toHaveLength(1);
    expect(tokens[0].revoked_at).not.toBeNull();
  });

  it('refuses to start without a token or a user', async () => {
    await expect(connectStdio(['--data-dir', dataDir], { CLOUDTALLY_LOG_LEVEL: 'warn' })).rejects.toThrow();
  });
});
