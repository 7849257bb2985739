import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { seedRecommendation } from './fixtures.js';

describe('recommendations and resources over HTTP', () => {
  let t: TestServer;
  let a1: Awaited<ReturnType<typeof seedRecommendation>>;
  let a2: Awaited<ReturnType<typeof seedRecommendation>>;
  let b1: Awaited<ReturnType<typeof seedRecommendation>>;

  beforeAll(async () => {
    t = await startTestServer();
    a1 = await seedRecommendation(t.ctx.store, t.users.manager.orgId);
    a2 = await seedRecommendation(t.ctx.store, t.users.manager.orgId);
    b1 = await seedRecommendation(t.ctx.store, t.users.otherManager.orgId);
  });
  afterAll(async () => {
    await t?.close();
  });

  const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;
  type List = {
    items: { id: string; state: string; rule: string; awsAccountId: string; monthlySavings: number }[];
    total: number;
    totals: { monthlySavings: number; byRule: { rule: string; count: number }[]; byAccount: unknown[] };
  };

  it('lists the organization’s open recommendations with totals, and only its own', async () => {
    const res = await t.request('/api/v1/recommendations', { token: t.users.viewer.token });
    expect(res.status).toBe(200);
    const body = await json<List>(res);
    expect(body.items.map((i) => i.id).sort()).toEqual([a1.recommendationId, a2.recommendationId].sort());
    expect(body.items.map((i) => i.id)).not.toContain(b1.recommendationId);
    expect(body.totals).toMatchObject({
      monthlySavings: 1.6,
      byRule: [{ rule: 'unattached_volume', count: 2 }],
    });
    expect(body.totals.byAccount).toHaveLength(2);
    const one = await t.request(
      `/api/v1/recommendations?rule=unattached_volume&cloudAccountId=${a1.cloudAccountId}`,
      {
        token: t.users.viewer.token,
      },
    );
    expect((await json<List>(one)).items.map((i) => i.id)).toEqual([a1.recommendationId]);
    const bad = await t.request('/api/v1/recommendations?rule=nope', { token: t.users.viewer.token });
    expect(bad.status).toBe(400);
  });

  it('validates actions and names the field', async () => {
    const path = `/api/v1/recommendations/${a1.recommendationId}`;
    const cases: [string, unknown, string][] = [
      ['dismiss', { reason: '' }, 'reason'],
      ['dismiss', { reason: 'x', extra: 1 }, 'extra'],
      ['snooze', { until: '2001-01-01' }, 'until'],
      ['snooze', { until: 'not a date at all' }, 'until'],
    ];
    for (const [verb, body, field] of cases) {
      const res = await t.request(`${path}/${verb}`, { method: 'POST', token: t.users.engineer.token, body });
      expect(res.status, `${verb} ${JSON.stringify(body)}`).toBe(400);
      expect((await json<{ error: { field: string } }>(res)).error.field).toBe(field);
    }
  });

  it('dismisses, audits, and hides the dismissed one from the open list and its totals', async () => {
    const res = await t.request(`/api/v1/recommendations/${a1.recommendationId}/dismiss`, {
      method: 'POST',
      token: t.users.engineer.token,
      body: { reason: 'scratch disk of the build farm' },
    });
    expect(res.status).toBe(200);
    expect(await json<{ state: string }>(res)).toMatchObject({ state: 'dismissed' });
    const open = await json<List>(
      await t.request('/api/v1/recommendations', { token: t.users.viewer.token }),
    );
    expect(open.items.map((i) => i.id)).toEqual([a2.recommendationId]);
    expect(open.totals.monthlySavings).toBe(0.8);
    const dismissed = await json<List>(
      await t.request('/api/v1/recommendations?state=dismissed', { token: t.users.viewer.token }),
    );
    expect(dismissed.items.map((i) => i.id)).toEqual([a1.recommendationId]);
    const audit = await (await t.request('/api/v1/audit-log', { token: t.users.manager.token })).text();
    expect(audit).toContain('recommendation.dismiss');
    expect(audit).toContain(a1.recommendationId);
  });

  it('lists resources with filters and rejects a bad tag filter', async () => {
    const res = await t.request('/api/v1/resources?type=ebs_volume&state=available', {
      token: t.users.viewer.token,
    });
    expect(res.status).toBe(200);
    const body = await json<{ items: { id: string; cost: unknown }[]; total: number }>(res);
    expect(body.items.map((i) => i.id).sort()).toEqual([a1.resourceId, a2.resourceId].sort());
    expect(body.items[0].cost).toBeNull();
    const bad = await t.request('/api/v1/resources?tag=%3Dx', { token: t.users.viewer.token });
    expect(bad.status).toBe(400);
    expect((await json<{ error: { field: string } }>(bad)).error.field).toBe('tag');
  });

  it('shows the rule settings to members and lets managers change them, validated', async () => {
    const get = await t.request('/api/v1/recommendations/settings', { token: t.users.viewer.token });
    expect((await json<{ settings: Record<string, unknown> }>(get)).settings.old_snapshot).toEqual({
      enabled: true,
      minAgeDays: 90,
    });
    const bad = await t.request('/api/v1/recommendations/settings/old_snapshot', {
      method: 'PATCH',
      token: t.users.manager.token,
      body: { minAgeDays: -5 },
    });
    expect(bad.status).toBe(400);
    expect((await json<{ error: { field: string } }>(bad)).error.field).toBe(
      'settings.old_snapshot.minAgeDays',
    );
    const ok = await t.request('/api/v1/recommendations/settings/old_snapshot', {
      method: 'PATCH',
      token: t.users.manager.token,
      body: { minAgeDays: 180 },
    });
    expect(ok.status).toBe(200);
    expect(await json<{ overrides: unknown }>(ok)).toMatchObject({
      overrides: { old_snapshot: { minAgeDays: 180 } },
    });
  });
});
