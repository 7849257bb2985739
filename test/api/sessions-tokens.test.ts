import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ENGINES } from '../helpers/stores.js';
import { connectHttp, textOf } from '../mcp/mcp-client.js';
import { seedRecommendation } from '../recommendations/fixtures.js';
import { signIn } from './api-support.js';

describe.each(ENGINES)('sessions and tokens on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ engine });
  });
  afterAll(async () => {
    await t?.close();
  });

  type SessionItem = { id: string; current: boolean; userAgent: string | null };

  it('lists the caller’s own sessions and ends one, which signs that browser out', async () => {
    const laptop = await signIn(t, t.users.engineer);
    const phone = await signIn(t, t.users.engineer);
    await signIn(t, t.users.viewer);
    const list = await t.request('/api/v1/auth/sessions', { headers: laptop.headers });
    const items = ((await list.json()) as { items: SessionItem[] }).items;
    expect(items.length).toBeGreaterThanOrEqual(2);
    expect(items.filter((s) => s.current)).toHaveLength(1);
    // Another user's sessions are not there: each listed id is one of the engineer's.
    const viewerList = await t.request('/api/v1/auth/sessions', { token: t.users.viewer.token });
    const viewerIds = ((await viewerList.json()) as { items: SessionItem[] }).items.map((s) => s.id);
    expect(items.some((s) => viewerIds.includes(s.id))).toBe(false);

    const phoneId = (
      (await (await t.request('/api/v1/auth/sessions', { headers: phone.headers })).json()) as {
        items: SessionItem[];
      }
    ).items.find((s) => s.current)!.id;
    // The viewer cannot end the engineer's session.
    const foreign = await t.request(`/api/v1/auth/sessions/${phoneId}`, {
      method: 'DELETE',
      token: t.users.viewer.token,
    });
    expect(foreign.status).toBe(404);
    const ended = await t.request(`/api/v1/auth/sessions/${phoneId}`, {
      method: 'DELETE',
      headers: laptop.headers,
    });
    expect(ended.status).toBe(204);
    expect((await t.request('/api/v1/auth/me', { headers: phone.headers })).status).toBe(401);
    expect((await t.request('/api/v1/auth/me', { headers: laptop.headers })).status).toBe(200);
  });

  it("lets a manager list and revoke the organization's tokens, and no one else", async () => {
    const engineerToken = await t.ctx.auth.createToken(t.users.engineer, 'engineer ci');
    const list = await t.request('/api/v1/organization/tokens', { token: t.users.manager.token });
    const items = ((await list.json()) as { items: { id: string; owner: string }[] }).items;
    expect(items.find((i) => i.id === engineerToken.id)?.owner).toBe(t.users.engineer.email);
    expect(items.every((i) => i.owner.endsWith('@a.test'))).toBe(true);
    const other = await t.request('/api/v1/organization/tokens', { token: t.users.otherManager.token });
    const otherIds = ((await other.json()) as { items: { id: string }[] }).items.map((i) => i.id);
    expect(otherIds).not.toContain(engineerToken.id);
    const revoked = await t.request(`/api/v1/tokens/${engineerToken.id}`, {
      method: 'DELETE',
      token: t.users.manager.token,
    });
    expect(revoked.status).toBe(204);
    expect((await t.request('/api/v1/auth/me', { token: engineerToken.token })).status).toBe(401);
  });

  it('stops a token at its expiry', async () => {
    const created = await t.request('/api/v1/tokens', {
      method: 'POST',
      token: t.users.viewer.token,
      body: { name: 'a day', expiresInDays: 1 },
    });
    const body = (await created.json()) as { id: string; token: string; expiresAt: string };
    expect(new Date(body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect((await t.request('/api/v1/auth/me', { token: body.token })).status).toBe(200);
    await t.ctx.store.execute('UPDATE api_tokens SET expires_at = $1 WHERE id = $2', [
      new Date(Date.now() - 1000),
      body.id,
    ]);
    expect((await t.request('/api/v1/auth/me', { token: body.token })).status).toBe(401);
  });

  it('gives an MCP client with a read-only token the reading tools, and refuses dismissing and syncing', async () => {
    const created = await t.request('/api/v1/tokens', {
      method: 'POST',
      token: t.users.manager.token,
      body: { name: 'assistant', readOnly: true },
    });
    const { token, readOnly } = (await created.json()) as { token: string; readOnly: boolean };
    expect(readOnly).toBe(true);
    const rec = await seedRecommendation(t.ctx.store, t.users.manager.orgId);
    const mcp = await connectHttp(t.url, token);
    try {
      const listed = await mcp.client.callTool({ name: 'list_recommendations', arguments: {} });
      expect(listed.isError, textOf(listed)).toBeFalsy();
      expect(textOf(listed)).toContain(rec.recommendationId);
      const dismissed = await mcp.client.callTool({
        name: 'dismiss_recommendation',
        arguments: { id: rec.recommendationId, reason: 'not for a read-only token' },
      });
      expect(dismissed.isError).toBe(true);
      expect(textOf(dismissed)).toMatch(/read-only/);
      const synced = await mcp.client.callTool({
        name: 'sync_cloud_account',
        arguments: { account: rec.cloudAccountId },
      });
      expect(synced.isError).toBe(true);
      expect(textOf(synced)).toMatch(/read-only/);
    } finally {
      await mcp.close();
    }
    const state = await t.ctx.store.query<{ n: number }>(
      'SELECT count(*) AS n FROM recommendation_states WHERE recommendation_id = $1',
      [rec.recommendationId],
    );
    expect(Number(state[0].n)).toBe(0);
  });
});
