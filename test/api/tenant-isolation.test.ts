/**
 * Tenant isolation: Org B's manager asks for Org A's objects and gets 404 for each, and B's lists never show them.
 *
 * HOW TO ADD YOUR OBJECT KIND: append to KINDS an entry that
 *   - `create(t)`: creates one object in Org A (through t.ctx services or as t.users.manager over the API) and
 *     returns its id;
 *   - `requests(id)`: every request that names the object (read, change, remove, act on it), each answered 404
 *     to Org B's manager; `via: 'session'` sends it with a signed-in browser session instead of a token;
 *   - `lists`: list endpoints that Org B's manager may read; their answers must not contain the id;
 *   - `intact(t, id)` (optional): true when the object is unchanged after B's attempts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/server.js';
import { startTestServer } from '../helpers/server.js';
import { addUser, signIn } from './api-support.js';
import { seedRecommendation } from '../recommendations/fixtures.js';
import { insertItems, makeItems } from '../costs/fixtures.js';

interface IsolationRequest {
  method: string;
  path: string;
  body?: unknown;
  via?: 'token' | 'session';
}

interface ObjectKind {
  name: string;
  create(t: TestServer): Promise<string>;
  requests(id: string): IsolationRequest[];
  lists: string[];
  intact?(t: TestServer, id: string): Promise<boolean>;
}

const KINDS: ObjectKind[] = [
  {
    name: 'member',
    create: async (t) => (await addUser(t, { role: 'engineer', prefix: 'isolated' })).userId,
    requests: (id) => [
      { method: 'PATCH', path: `/api/v1/members/${id}`, body: { role: 'viewer' } },
      { method: 'PATCH', path: `/api/v1/members/${id}`, body: { manageCloudCredentials: true } },
      { method: 'DELETE', path: `/api/v1/members/${id}` },
    ],
    lists: ['/api/v1/members', '/api/v1/audit-log'],
    intact: async (t, id) => {
      const rows = await t.ctx.store.query<{ role: string; manage_cloud_credentials: boolean }>(
        'SELECT role, manage_cloud_credentials FROM memberships WHERE user_id = $1',
        [id],
      );
      return rows.length === 1 && rows[0].role === 'engineer' && !rows[0].manage_cloud_credentials;
    },
  },
  {
    name: 'API token',
    create: async (t) => (await t.ctx.auth.createToken(t.users.engineer, 'isolated')).id,
    requests: (id) => [{ method: 'DELETE', path: `/api/v1/tokens/${id}` }],
    lists: ['/api/v1/tokens', '/api/v1/audit-log'],
    intact: async (t, id) => {
      const [row] = await t.ctx.store.query<{ revoked_at: Date | null }>(
        'SELECT revoked_at FROM api_tokens WHERE id = $1',
        [id],
      );
      return row !== undefined && row.revoked_at === null;
    },
  },
  {
    name: 'audit record',
    create: async (t) => {
      const [row] = await t.ctx.store.query<{ id: string }>(
        'SELECT id FROM audit_log WHERE org_id = $1 ORDER BY created_at DESC LIMIT 1',
        [t.users.manager.orgId],
      );
      return row.id;
    },
    // The audit log has no per-record route; its list is where a leak would show.
    requests: () => [],
    lists: ['/api/v1/audit-log'],
  },
  {
    name: 'organization',
    create: async (t) => t.users.manager.orgId,
    requests: (id) => [
      {
        method: 'POST',
        path: '/api/v1/auth/switch-organization',
        body: { organizationId: id },
        via: 'session',
      },
    ],
    lists: ['/api/v1/organizations'],
  },
  {
    name: 'resource',
    create: async (t) => (await seedRecommendation(t.ctx.store, t.users.manager.orgId)).resourceId,
    requests: (id) => [
      { method: 'GET', path: `/api/v1/resources/metrics?resourceId=${id}` },
      { method: 'GET', path: `/api/v1/resources/detail?resourceId=${id}` },
    ],
    lists: ['/api/v1/resources?includeGone=true'],
  },
  {
    name: 'inventory status',
    create: async (t) => (await seedRecommendation(t.ctx.store, t.users.manager.orgId)).cloudAccountId,
    requests: (id) => [{ method: 'GET', path: `/api/v1/cloud-accounts/${id}/inventory-status` }],
    lists: ['/api/v1/resources?includeGone=true'],
  },
  {
    name: 'recommendation',
    create: async (t) => (await seedRecommendation(t.ctx.store, t.users.manager.orgId)).recommendationId,
    requests: (id) => [
      { method: 'GET', path: `/api/v1/recommendations/${id}` },
      { method: 'POST', path: `/api/v1/recommendations/${id}/dismiss`, body: { reason: 'not mine' } },
      { method: 'POST', path: `/api/v1/recommendations/${id}/snooze`, body: { until: '2099-01-01' } },
      { method: 'POST', path: `/api/v1/recommendations/${id}/reopen` },
    ],
    lists: ['/api/v1/recommendations?state=all'],
    intact: async (t, id) =>
      (await t.ctx.store.query('SELECT 1 AS x FROM recommendation_states WHERE recommendation_id = $1', [id]))
        .length === 0,
  },
  {
    name: 'recommendation acted on (savings realized)',
    create: async (t) => {
      const { recommendationId } = await seedRecommendation(t.ctx.store, t.users.manager.orgId);
      await t.ctx.store.execute(
        `UPDATE recommendations SET status = 'closed', closed_reason = 'No longer applies: attached.', closed_at = $2
         WHERE id = $1`,
        [recommendationId, new Date()],
      );
      return recommendationId;
    },
    requests: (id) => [{ method: 'GET', path: `/api/v1/recommendations/${id}` }],
    lists: ['/api/v1/recommendations/realized'],
  },
  {
    name: 'cloud account',
    create: async (t) => {
      const m = t.users.manager;
      const { account } = await t.ctx.accounts.create(
        { orgId: m.orgId, userId: m.userId, actor: m.email },
        { name: 'isolated', type: 'linked', awsAccountId: '700000000001', payerAccountId: '123456789012' },
      );
      return account.id;
    },
    requests: (id) => [
      { method: 'GET', path: `/api/v1/cloud-accounts/${id}` },
      { method: 'PATCH', path: `/api/v1/cloud-accounts/${id}`, body: { name: 'taken over' } },
      { method: 'PATCH', path: `/api/v1/cloud-accounts/${id}`, body: { enabled: false } },
      { method: 'POST', path: `/api/v1/cloud-accounts/${id}/validate` },
      { method: 'GET', path: `/api/v1/cloud-accounts/${id}/members` },
      { method: 'DELETE', path: `/api/v1/cloud-accounts/${id}?confirm=true` },
    ],
    lists: ['/api/v1/cloud-accounts'],
    intact: async (t, id) => {
      const rows = await t.ctx.store.query<{ name: string; disabled: boolean }>(
        'SELECT name, disabled FROM cloud_accounts WHERE id = $1',
        [id],
      );
      return rows.length === 1 && rows[0].name === 'isolated' && !rows[0].disabled;
    },
  },
  {
    name: 'cost anomaly',
    create: async (t) => {
      const org = t.users.manager.orgId;
      const items = makeItems(org, '2024-01-01', 50);
      await insertItems(t.ctx.store, [
        ...items,
        { ...items[0], date: '2024-02-15', billed: 900, amortized: 900 },
      ]);
      await t.ctx.costs.recomputeAnomalies(org);
      const [anomaly] = await t.ctx.costs.listAnomalies(org);
      const mine = await (
        await t.request('/api/v1/costs/anomalies', { token: t.users.manager.token })
      ).text();
      expect(mine).toContain(anomaly.id);
      return anomaly.id;
    },
    requests: () => [],
    lists: ['/api/v1/costs/anomalies'],
  },
  {
    name: 'report schedule',
    create: async (t) => {
      const post = async (path: string, body: unknown) => {
        const res = await t.request(path, { method: 'POST', token: t.users.manager.token, body });
        expect(res.status, await res.clone().text()).toBe(201);
        return ((await res.json()) as { id: string }).id;
      };
      const viewId = await post('/api/v1/saved-views', {
        name: 'isolated report view',
        query: { range: { relative: 'last_month' } },
      });
      await post('/api/v1/notifications/channels', {
        kind: 'email',
        name: 'isolated report mail',
        config: { host: '127.0.0.1', port: 9, security: 'none', from: 'a@a.test', to: ['b@a.test'] },
      });
      return post('/api/v1/report-schedules', {
        kind: 'saved_view',
        viewId,
        frequency: 'monthly',
        dayOfMonth: 1,
        channel: 'isolated report mail',
      });
    },
    requests: (id) => [
      { method: 'GET', path: `/api/v1/report-schedules/${id}` },
      { method: 'PATCH', path: `/api/v1/report-schedules/${id}`, body: { recipients: ['b@b.test'] } },
      { method: 'POST', path: `/api/v1/report-schedules/${id}/send` },
      { method: 'DELETE', path: `/api/v1/report-schedules/${id}` },
    ],
    lists: ['/api/v1/report-schedules'],
    intact: async (t, id) => {
      const [row] = await t.ctx.store.query<{ recipients: string }>(
        'SELECT recipients FROM report_schedules WHERE id = $1',
        [id],
      );
      return row?.recipients === '[]';
    },
  },
];

describe('tenant isolation', () => {
  let t: TestServer;
  let sessionHeaders: Record<string, string>;

  beforeAll(async () => {
    t = await startTestServer();
    sessionHeaders = (await signIn(t, t.users.otherManager)).headers;
  });
  afterAll(async () => {
    await t?.close();
  });

  function asOrgB(r: IsolationRequest) {
    return r.via === 'session'
      ? t.request(r.path, { method: r.method, body: r.body, headers: sessionHeaders })
      : t.request(r.path, { method: r.method, body: r.body, token: t.users.otherManager.token });
  }

  it.each(KINDS.map((k) => [k.name, k] as const))(
    "Org B's manager cannot reach Org A's %s",
    async (_name, kind) => {
      const id = await kind.create(t);
      expect(id).toBeTruthy();
      for (const r of kind.requests(id)) {
        const res = await asOrgB(r);
        expect(res.status, `${r.method} ${r.path}`).toBe(404);
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('not_found');
      }
      for (const list of kind.lists) {
        const res = await t.request(list, { token: t.users.otherManager.token });
        expect(res.status, list).toBe(200);
        const text = await res.text();
        expect(JSON.parse(text)).toHaveProperty('items');
        expect(text, `${list} shows Org A's ${kind.name}`).not.toContain(id);
      }
      if (kind.intact) expect(await kind.intact(t, id)).toBe(true);
    },
  );

  it("lists Org A's objects to Org A's manager (the lists above are not simply empty)", async () => {
    const member = await addUser(t, { role: 'viewer', prefix: 'visible' });
    const members = await (await t.request('/api/v1/members', { token: t.users.manager.token })).text();
    expect(members).toContain(member.userId);
    const audit = await (await t.request('/api/v1/audit-log', { token: t.users.manager.token })).text();
    expect(audit).toContain(member.userId);
    const orgB = await (await t.request('/api/v1/members', { token: t.users.otherManager.token })).text();
    expect(orgB).toContain(t.users.otherManager.userId);
    expect(orgB).not.toContain(t.users.manager.userId);
  });
});

describe('a member of Org B tries to pull a member of Org A', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  type Member = Record<string, unknown> & { id: string; status: string; name: string | null };
  const add = (email: string, extra: Record<string, unknown> = {}) =>
    t.request('/api/v1/members', {
      method: 'POST',
      token: t.users.otherManager.token,
      body: { email, role: 'manager', ...extra },
    });
  const invite = (email: string) =>
    t.request('/api/v1/invitations', {
      method: 'POST',
      token: t.users.otherManager.token,
      body: { email, role: 'manager' },
    });

  it('cannot create an organization to pull people into, whatever its role', async () => {
    for (const role of ['viewer', 'engineer', 'manager'] as const) {
      const user =
        role === 'manager'
          ? t.users.otherManager
          : await addUser(t, { role, org: 'Org B', prefix: `b-${role}` });
      const res = await t.request('/api/v1/organizations', {
        method: 'POST',
        token: user.token,
        body: { name: `Trap of ${role}` },
      });
      expect(res.status, role).toBe(403);
    }
    const rows = await t.ctx.store.query("SELECT id FROM organizations WHERE name LIKE 'Trap of %'");
    expect(rows).toEqual([]);
  });

  it('cannot add an address at once, and is refused alike whether or not it has an account', async () => {
    const victim = t.users.viewer;
    const before = await t.ctx.store.query('SELECT count(*) AS n FROM memberships');
    const existing = await add(victim.email);
    const unknown = await add('never-seen@b.test');
    expect(existing.status).toBe(403);
    expect(unknown.status).toBe(403);
    const errorOf = async (r: Response) => ((await r.json()) as { error: unknown }).error;
    expect(await errorOf(existing)).toEqual(await errorOf(unknown));
    // A password typed for someone else is refused as an unknown field, before anything is looked up.
    const typed = await add(victim.email, { password: 'org-b-chosen-password' });
    expect(typed.status).toBe(400);
    expect(((await typed.json()) as { error: { field: string } }).error.field).toBe('password');
    expect(await t.ctx.store.query('SELECT count(*) AS n FROM memberships')).toEqual(before);
    expect(await t.ctx.store.query("SELECT id FROM users WHERE email = 'never-seen@b.test'")).toEqual([]);
  });

  it("gives Org B no hold on Org A's member: not their organization, default, session or audit events", async () => {
    const victim = t.users.viewer;
    const orgB = t.users.otherManager.orgId;
    // Org B invites the victim's address: until the victim accepts, that gives Org B nothing.
    expect((await invite(victim.email)).status).toBe(201);

    const wrong = await t.request('/api/v1/auth/login', {
      method: 'POST',
      body: { email: victim.email, password: 'not-the-password' },
    });
    expect(wrong.status).toBe(401);
    const session = await signIn(t, victim);
    const me = (await (await t.request('/api/v1/auth/me', { headers: session.headers })).json()) as {
      organization: { id: string };
      organizations: { id: string }[];
    };
    expect(me.organization.id).toBe(victim.orgId);
    expect(me.organizations.map((o) => o.id)).toEqual([victim.orgId]);
    const orgs = await (await t.request('/api/v1/organizations', { token: victim.token })).text();
    expect(orgs).not.toContain(orgB);
    const intoB = await t.request('/api/v1/auth/switch-organization', {
      method: 'POST',
      headers: session.headers,
      body: { organizationId: orgB },
    });
    expect(intoB.status).toBe(404);

    // Sign-in events about the victim go to Org A only.
    const bAudit = await (
      await t.request('/api/v1/audit-log?limit=500', { token: t.users.otherManager.token })
    ).text();
    const bRecords = (JSON.parse(bAudit) as { items: { action: string; actor: string }[] }).items;
    expect(bRecords.filter((r) => r.actor === victim.email)).toEqual([]);
    const aAudit = (await (
      await t.request('/api/v1/audit-log?limit=500', { token: t.users.manager.token })
    ).json()) as { items: { action: string; actor: string }[] };
    const mine = aAudit.items.filter((r) => r.actor === victim.email).map((r) => r.action);
    expect(mine).toEqual(expect.arrayContaining(['auth.login', 'auth.login_failed']));

    // Org B's members list does not hold the victim.
    const members = (await (
      await t.request('/api/v1/members', { token: t.users.otherManager.token })
    ).json()) as { items: Member[] };
    expect(members.items.find((m) => m.id === victim.userId)).toBeUndefined();
  });

  it('lets an instance administrator add an existing user at once, and allow members to create organizations', async () => {
    // Org A's manager is the instance's first user, hence its administrator.
    const admin = t.users.manager;
    const other = await addUser(t, { role: 'viewer', org: 'Org B', prefix: 'b-person' });
    const added = await t.request('/api/v1/members', {
      method: 'POST',
      token: admin.token,
      body: { email: other.email, role: 'viewer' },
    });
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({ id: other.userId, status: 'active' });

    const allow = await t.request('/api/v1/instance/settings', {
      method: 'PATCH',
      token: admin.token,
      body: { allowMemberOrganizations: true },
    });
    expect(await allow.json()).toEqual({ allowMemberOrganizations: true });
    const created = await t.request('/api/v1/organizations', {
      method: 'POST',
      token: other.token,
      body: { name: 'Allowed by the admin' },
    });
    expect(created.status).toBe(201);
    const refused = await t.request('/api/v1/instance/settings', {
      method: 'PATCH',
      token: t.users.otherManager.token,
      body: { allowMemberOrganizations: false },
    });
    expect(refused.status).toBe(403);
  });
});
