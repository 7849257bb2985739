import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { expireSession, signIn } from './api-support.js';

type Me = {
  organization: { id: string; name: string };
  organizations: { id: string; name: string; role: string }[];
  role: string;
  via: string;
};

describe('sessions and organizations', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lets a member of two organizations switch between them with the right role in each', async () => {
    // Org A's viewer is made a manager of Org B by an instance-level action (`users create` on the database):
    // Org B's manager alone cannot pull in someone with an account (see tenant-isolation.test.ts).
    await t.ctx.auth.createUser({ org: 'Org B', email: t.users.viewer.email, role: 'manager', password: '' });

    const session = await signIn(t, t.users.viewer);
    const me = async () => {
      const res = await t.request('/api/v1/auth/me', { headers: session.headers });
      expect(res.status).toBe(200);
      return (await res.json()) as Me;
    };
    const first = await me();
    expect(first.organizations.map((o) => `${o.name}:${o.role}`).sort()).toEqual([
      'Org A:viewer',
      'Org B:manager',
    ]);
    const orgB = first.organizations.find((o) => o.name === 'Org B');
    const orgA = first.organizations.find((o) => o.name === 'Org A');
    if (!orgA || !orgB) throw new Error('both organizations are listed');

    // Start in Org A (sign-in picks one) so that the switch is visible.
    if (first.organization.id !== orgA.id) {
      const back = await t.request('/api/v1/auth/switch-organization', {
        method: 'POST',
        headers: session.headers,
        body: { organizationId: orgA.id },
      });
      expect(back.status).toBe(204);
    }
    expect((await me()).role).toBe('viewer');
    const refused = await t.request('/api/v1/audit-log', { headers: session.headers });
    expect(refused.status).toBe(403);

    const switched = await t.request('/api/v1/auth/switch-organization', {
      method: 'POST',
      headers: session.headers,
      body: { organizationId: orgB.id },
    });
    expect(switched.status).toBe(204);
    const now = await me();
    expect(now.organization.name).toBe('Org B');
    expect(now.role).toBe('manager');
    const members = (await (await t.request('/api/v1/members', { headers: session.headers })).json()) as {
      items: { email: string }[];
    };
    expect(members.items.map((m) => m.email)).toContain(t.users.otherManager.email);
    expect(members.items.map((m) => m.email)).not.toContain(t.users.manager.email);
    const audit = await t.request('/api/v1/audit-log', { headers: session.headers });
    expect(audit.status).toBe(200);
    const records = (await audit.json()) as { items: { action: string; actor: string }[] };
    expect(records.items).toContainEqual(
      expect.objectContaining({ action: 'auth.switch_organization', actor: t.users.viewer.email }),
    );

    // Removed from Org B, the session carries on in Org A with the role held there.
    const removed = await t.request(`/api/v1/members/${t.users.viewer.userId}`, {
      method: 'DELETE',
      token: t.users.otherManager.token,
    });
    expect(removed.status).toBe(204);
    const after = await me();
    expect(after.organization.name).toBe('Org A');
    expect(after.role).toBe('viewer');
    expect(after.organizations.map((o) => o.name)).toEqual(['Org A']);
    expect((await t.request('/api/v1/audit-log', { headers: session.headers })).status).toBe(403);
  });

  it('signs in to the organization the user last used, else the one joined first, never by name order', async () => {
    const email = 'two-orgs@a.test';
    const password = 'two-orgs-password';
    // Joined "Zulu" first; "Alpha" comes first by name and is joined later.
    const zulu = await t.ctx.auth.createUser({ org: 'Zulu', email, role: 'viewer', password });
    const alpha = await t.ctx.auth.createUser({ org: 'Alpha', email, role: 'engineer', password });
    const landing = async () => {
      const session = await signIn(t, { email, password });
      const res = await t.request('/api/v1/auth/me', { headers: session.headers });
      return { session, me: (await res.json()) as Me };
    };
    const first = await landing();
    expect(first.me.organization.id).toBe(zulu.organization.id);

    const switched = await t.request('/api/v1/auth/switch-organization', {
      method: 'POST',
      headers: first.session.headers,
      body: { organizationId: alpha.organization.id },
    });
    expect(switched.status).toBe(204);
    expect((await landing()).me.organization.id).toBe(alpha.organization.id);
    const [row] = await t.ctx.store.query<{ last_org_id: string }>(
      'SELECT last_org_id FROM users WHERE email = $1',
      [email],
    );
    expect(row.last_org_id).toBe(alpha.organization.id);
  });

  it('answers 401 once the session has expired', async () => {
    const session = await signIn(t, t.users.engineer);
    expect((await t.request('/api/v1/auth/me', { headers: session.headers })).status).toBe(200);
    await expireSession(t, session);
    const res = await t.request('/api/v1/auth/me', { headers: session.headers });
    expect(res.status).toBe(401);
    const mutation = await t.request('/api/v1/tokens', {
      method: 'POST',
      headers: session.headers,
      body: { name: 'late' },
    });
    expect(mutation.status).toBe(401);
  });

  it('refuses a session mutation without its CSRF header, yet signs in again over a live cookie', async () => {
    const session = await signIn(t, t.users.engineer);
    const forged = await t.request('/api/v1/auth/logout', {
      method: 'POST',
      headers: { cookie: session.cookie, 'x-csrf-token': 'guessed' },
    });
    expect(forged.status).toBe(403);
    expect((await t.request('/api/v1/auth/me', { headers: { cookie: session.cookie } })).status).toBe(200);
    const again = await t.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { cookie: session.cookie },
      body: { email: t.users.engineer.email, password: t.users.engineer.password },
    });
    expect(again.status).toBe(200);
  });

  it('records sign-in, failed sign-in and sign-out in the audit log', async () => {
    const wrong = await t.request('/api/v1/auth/login', {
      method: 'POST',
      body: { email: t.users.engineer.email, password: 'not-the-password' },
    });
    expect(wrong.status).toBe(401);
    const session = await signIn(t, t.users.engineer);
    expect(
      (await t.request('/api/v1/auth/logout', { method: 'POST', headers: session.headers })).status,
    ).toBe(204);
    expect((await t.request('/api/v1/auth/me', { headers: session.headers })).status).toBe(401);
    const audit = (await (
      await t.request('/api/v1/audit-log?limit=500', { token: t.users.manager.token })
    ).json()) as { items: { action: string; actor: string }[] };
    const mine = audit.items.filter((r) => r.actor === t.users.engineer.email).map((r) => r.action);
    expect(mine).toEqual(expect.arrayContaining(['auth.login', 'auth.login_failed', 'auth.logout']));
  });

  it('clears the per-account lockout count after a successful sign-in', async () => {
    const user = t.users.manager;
    const fail = () =>
      t.request('/api/v1/auth/login', {
        method: 'POST',
        body: { email: user.email, password: 'wrong-password' },
      });
    for (let i = 0; i < 4; i++) expect((await fail()).status).toBe(401);
    await signIn(t, user);
    // Four more failures would pass the limit of five had the earlier four still counted.
    for (let i = 0; i < 4; i++) expect((await fail()).status).toBe(401);
    await signIn(t, user);
  });
});

describe('sign-in rate limit per address', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stops an address that guesses across many accounts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await t.request('/api/v1/auth/login', {
        method: 'POST',
        body: { email: `nobody-${i}@a.test`, password: 'guess-guess' },
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
    // Even the right password is refused from that address for now.
    const right = await t.request('/api/v1/auth/login', {
      method: 'POST',
      body: { email: t.users.manager.email, password: t.users.manager.password },
    });
    expect(right.status).toBe(429);
  });
});
