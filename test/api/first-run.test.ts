import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeRegistry } from '../../src/api/route-kit.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('first run: no organization yet', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ seedUsers: false });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers health, and 503 with the bootstrap command on every other route', async () => {
    expect(routeRegistry.length).toBeGreaterThan(5);
    const health = await t.request('/api/v1/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const wrong: string[] = [];
    for (const route of routeRegistry) {
      if (route.path === '/api/v1/health') continue;
      const path = route.path.replace(/:(\w+)/g, 'x');
      const res = await t.request(path, {
        method: route.method,
        body: route.method === 'GET' ? undefined : {},
      });
      const body = (await res.json()) as { error?: { code: string; message: string } };
      if (res.status !== 503 || !body.error?.message.includes('cloudtally users create --org')) {
        wrong.push(`${route.method} ${route.path}: ${res.status} ${JSON.stringify(body)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect((await t.request('/api/v1/no-such-route')).status).toBe(503);
  });

  it('opens once the first user (and organization) exists', async () => {
    const password = 'first-user-password';
    const created = await t.ctx.auth.createUser({
      org: 'First',
      email: 'first@example.test',
      role: 'manager',
      password,
    });
    expect(created.createdOrganization).toBe(true);
    const login = await t.request('/api/v1/auth/login', {
      method: 'POST',
      body: { email: 'first@example.test', password },
    });
    expect(login.status).toBe(200);
    const body = (await login.json()) as { organizations: { name: string; role: string }[] };
    expect(body.organizations).toEqual([expect.objectContaining({ name: 'First', role: 'manager' })]);
  });
});
