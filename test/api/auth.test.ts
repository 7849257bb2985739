import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('sign-in, sessions and tokens', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('signs in with a session cookie, needs the CSRF header for mutations, and signs out', async () => {
    const { email, password } = t.users.manager;
    const res = await t.request('/api/v1/auth/login', { method: 'POST', body: { email, password } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      user: { email: string };
      organizations: { name: string }[];
      csrfToken: string;
    };
    expect(body.user.email).toBe(email);
    expect(body.organizations.map((o) => o.name)).toEqual(['Org A']);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/ct_session=.+HttpOnly.*SameSite=Strict/i);
    const session = cookie.split(';')[0];

    const me = await t.request('/api/v1/auth/me', { headers: { cookie: session } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { role: string }).role).toBe('manager');

    const noCsrf = await t.request('/api/v1/tokens', {
      method: 'POST',
      body: { name: 'x' },
      headers: { cookie: session },
    });
    expect(noCsrf.status).toBe(403);
    const withCsrf = await t.request('/api/v1/tokens', {
      method: 'POST',
      body: { name: 'x' },
      headers: { cookie: session, 'x-csrf-token': body.csrfToken },
    });
    expect(withCsrf.status).toBe(201);

    const out = await t.request('/api/v1/auth/logout', {
      method: 'POST',
      headers: { cookie: session, 'x-csrf-token': body.csrfToken },
    });
    expect(out.status).toBe(204);
    expect((await t.request('/api/v1/auth/me', { headers: { cookie: session } })).status).toBe(401);
  });

  it('refuses a wrong password with 401 and rate-limits repeated failures', async () => {
    const email = t.users.viewer.email;
    for (let i = 0; i < 5; i++) {
      const res = await t.request('/api/v1/auth/login', {
        method: 'POST',
        body: { email, password: 'wrong-password!' },
      });
      expect(res.status).toBe(401);
    }
    const limited = await t.request('/api/v1/auth/login', {
      method: 'POST',
      body: { email, password: t.users.viewer.password },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeTruthy();
  });

  it('refuses a common password for a new member, naming the field and why', async () => {
    // A new member chooses their password when they accept the invitation; nobody types it for them.
    const invited = await t.request('/api/v1/invitations', {
      method: 'POST',
      token: t.users.manager.token,
      body: { email: 'common-password@a.test', role: 'viewer' },
    });
    expect(invited.status).toBe(201);
    const { link } = (await invited.json()) as { link: string };
    const token = link.slice(link.indexOf('#') + 1);
    for (const password of ['qwertyuiop', 'Password2024!']) {
      const res = await t.request('/api/v1/invitations/accept', {
        method: 'POST',
        body: { token, password },
      });
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { field: string; message: string } };
      expect(error.field).toBe('password');
      expect(error.message).toMatch(/most commonly used/);
    }
    const rows = await t.ctx.store.query("SELECT id FROM users WHERE email = 'common-password@a.test'");
    expect(rows).toEqual([]);
  });

  it('adds a member at once only for an instance administrator, and never with a typed password', async () => {
    const typed = await t.request('/api/v1/members', {
      method: 'POST',
      token: t.users.manager.token,
      body: { email: 'typed@a.test', role: 'viewer', password: 'a-typed-password' },
    });
    expect(typed.status).toBe(400);
    expect(((await typed.json()) as { error: { field?: string } }).error.field).toBe('password');
    // Org B's manager is no instance administrator: invitations are the way in.
    const byManager = await t.request('/api/v1/members', {
      method: 'POST',
      token: t.users.otherManager.token,
      body: { email: t.users.viewer.email, role: 'viewer' },
    });
    expect(byManager.status).toBe(403);
    expect(((await byManager.json()) as { error: { message: string } }).error.message).toContain(
      '/api/v1/invitations',
    );
    const unknown = await t.request('/api/v1/members', {
      method: 'POST',
      token: t.users.manager.token,
      body: { email: 'nobody-here@a.test', role: 'viewer' },
    });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { field?: string } }).error.field).toBe('email');
    const rows = await t.ctx.store.query(
      "SELECT id FROM users WHERE email IN ('typed@a.test', 'nobody-here@a.test')",
    );
    expect(rows).toEqual([]);
  });

  it('creates a token shown once, stores only its hash, and stops accepting it once revoked', async () => {
    const res = await t.request('/api/v1/tokens', {
      method: 'POST',
      token: t.users.engineer.token,
      body: { name: 'ci' },
    });
    expect(res.status).toBe(201);
    const { id, token } = (await res.json()) as { id: string; token: string };
    const rows = await t.ctx.store.query<{ token_hash: string }>(
      'SELECT token_hash FROM api_tokens WHERE id = $1',
      [id],
    );
    expect(rows[0].token_hash).not.toContain(token);
    expect((await t.request('/api/v1/auth/me', { token })).status).toBe(200);
    const listed = (await (await t.request('/api/v1/tokens', { token })).json()) as {
      items: { id: string; lastUsedAt: string | null }[];
    };
    expect(listed.items.find((x) => x.id === id)?.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(token);
    expect((await t.request(`/api/v1/tokens/${id}`, { method: 'DELETE', token })).status).toBe(204);
    expect((await t.request('/api/v1/auth/me', { token })).status).toBe(401);
  });

  it('serves many parallel requests of one token (last use is recorded without write conflicts)', async () => {
    const created = await t.request('/api/v1/tokens', {
      method: 'POST',
      token: t.users.manager.token,
      body: { name: 'parallel' },
    });
    const { token } = (await created.json()) as { token: string };
    const statuses = await Promise.all(
      Array.from({ length: 24 }, () => t.request('/api/v1/auth/me', { token }).then((r) => r.status)),
    );
    expect(statuses).toEqual(Array.from({ length: 24 }, () => 200));
  });
});
