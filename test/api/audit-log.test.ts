import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ENGINES } from '../helpers/stores.js';

type AuditPage = {
  items: {
    id: string;
    actor: string;
    action: string;
    objectType: string;
    objectId: string | null;
    details: Record<string, unknown>;
  }[];
  nextCursor: string | null;
};

describe.each(ENGINES)('audit log on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ engine });
  });
  afterAll(async () => {
    await t?.close();
  });

  const read = async (query = '') => {
    const res = await t.request(`/api/v1/audit-log${query}`, { token: t.users.manager.token });
    expect(res.status).toBe(200);
    return (await res.json()) as AuditPage;
  };

  it('records who did what to which member and token', async () => {
    const m = t.users.manager;
    // An existing user (of another organization), added at once by the instance administrator (Org A's manager).
    await t.ctx.auth.createUser({
      org: 'Audit Other',
      email: 'audited@a.test',
      role: 'viewer',
      password: 'audited-password',
    });
    const added = await t.request('/api/v1/members', {
      method: 'POST',
      token: m.token,
      body: { email: 'audited@a.test', role: 'viewer' },
    });
    expect(added.status).toBe(201);
    const member = (await added.json()) as { id: string };
    await t.request(`/api/v1/members/${member.id}`, {
      method: 'PATCH',
      token: m.token,
      body: { role: 'engineer' },
    });
    const token = (await (
      await t.request('/api/v1/tokens', { method: 'POST', token: m.token, body: { name: 'audited' } })
    ).json()) as { id: string; token: string };
    await t.request(`/api/v1/tokens/${token.id}`, { method: 'DELETE', token: m.token });
    await t.request(`/api/v1/members/${member.id}`, { method: 'DELETE', token: m.token });

    const { items } = await read('?limit=20');
    const summary = items
      .filter((r) => r.objectId === member.id || r.objectId === token.id)
      .map((r) => `${r.actor} ${r.action} ${r.objectType}`)
      .reverse();
    expect(summary).toEqual([
      `${m.email} membership.create user`,
      `${m.email} membership.update user`,
      `${m.email} token.create api_token`,
      `${m.email} token.revoke api_token`,
      `${m.email} membership.remove user`,
    ]);
    expect(items.find((r) => r.action === 'membership.update' && r.objectId === member.id)?.details).toEqual({
      role: 'engineer',
    });
    expect(JSON.stringify(items)).not.toContain(token.token);
    expect(JSON.stringify(items)).not.toContain('audited-password');
  });

  it('pages through records of the same instant without skipping or repeating one', async () => {
    const at = new Date('2030-01-01T00:00:00.000Z');
    const ids = Array.from({ length: 7 }, (_, i) => `aud_same_${i}`);
    for (const id of ids) {
      await t.ctx.store.execute(
        `INSERT INTO audit_log (id, org_id, actor, action, object_type, details, created_at)
         VALUES ($1, $2, 'test', 'test.same_instant', 'thing', '{}', $3)`,
        [id, t.users.manager.orgId, at],
      );
    }
    const [total] = await t.ctx.store.query<{ n: number }>(
      'SELECT count(*) AS n FROM audit_log WHERE org_id = $1',
      [t.users.manager.orgId],
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: AuditPage = await read(`?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(Number(total.n));
    expect(seen.slice(0, 7)).toEqual([...ids].reverse());
  });

  it('refuses a cursor it did not hand out, naming the field', async () => {
    const res = await t.request('/api/v1/audit-log?cursor=not-a-cursor', { token: t.users.manager.token });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe('cursor');
  });
});
