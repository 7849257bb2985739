import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { signIn } from './api-support.js';

/**
 * A secret stored through the vault in a server run, and the credentials of the run (passwords, API tokens,
 * session tokens, the master key), appear in no log line and no response, whatever the requests do with them.
 */
describe('secrets never reach a log or a response', () => {
  let t: TestServer;
  const secret = `wJalrXUtnFEMI/K7MDENG/${randomBytes(12).toString('hex')}`;
  const responses: string[] = [];

  beforeAll(async () => {
    t = await startTestServer({ config: { logLevel: 'trace' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function record(res: Promise<Response>): Promise<Response> {
    const r = await res;
    const text = await r.clone().text();
    responses.push(`${r.status} ${JSON.stringify([...r.headers])} ${text}`);
    return r;
  }

  it('keeps a vault secret, passwords and tokens out of logs and answers', async () => {
    const owner = {
      orgId: t.users.manager.orgId,
      ownerType: 'cloud_account',
      ownerId: 'ca_logs',
      name: 'secretAccessKey',
    };
    const id = await t.ctx.store.transaction((tx) => t.ctx.vault.put(tx, owner, secret));
    expect(await t.ctx.vault.get(id, owner.orgId)).toBe(secret);
    const stored = await t.ctx.store.query('SELECT * FROM secrets WHERE id = $1', [id]);
    expect(JSON.stringify(stored)).not.toContain(secret);
    // Decrypting under another organization fails without echoing the value.
    const refused = await t.ctx.vault.get(id, t.users.otherManager.orgId).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).not.toContain(secret);

    // The secret as a password, a bearer token, a cookie, a body field, malformed JSON and an unknown field.
    await record(
      t.request('/api/v1/auth/login', {
        method: 'POST',
        body: { email: t.users.manager.email, password: secret },
      }),
    );
    await record(t.request('/api/v1/auth/me', { token: secret }));
    await record(t.request('/api/v1/auth/me', { headers: { cookie: `ct_session=${secret}` } }));
    await record(
      t.request('/api/v1/invitations/accept', {
        method: 'POST',
        body: { token: 'ct_inv_not-a-real-one', password: secret },
      }),
    );
    await record(
      t.request('/api/v1/tokens', {
        method: 'POST',
        token: t.users.manager.token,
        body: `{"name": "${secret}`,
      }),
    );
    await record(
      t.request('/api/v1/tokens', {
        method: 'POST',
        token: t.users.manager.token,
        body: { name: 'x', secretAccessKey: secret },
      }),
    );
    await record(
      t.request('/api/v1/members', {
        method: 'POST',
        token: t.users.manager.token,
        body: { email: 'short@a.test', role: 'viewer', password: secret.slice(0, 9) },
      }),
    );

    // A full session round trip and a token creation: their credentials must stay out of the log too.
    const session = await signIn(t, t.users.engineer);
    await record(t.request('/api/v1/auth/me', { headers: session.headers }));
    const created = await record(
      t.request('/api/v1/tokens', { method: 'POST', headers: session.headers, body: { name: 'logs' } }),
    );
    const { token } = (await created.json()) as { token: string };
    await record(t.request('/api/v1/tokens', { token }));
    await record(t.request('/api/v1/auth/logout', { method: 'POST', headers: session.headers }));

    const logs = t.logs();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).toContain('"msg":"request"');
    const sessionToken = session.cookie.split('=')[1];
    const credentials: Record<string, string> = {
      'vault secret': secret,
      'short password': secret.slice(0, 9),
      'engineer password': t.users.engineer.password,
      'manager password': t.users.manager.password,
      'API token': token,
      'seeded API token': t.users.manager.token,
      'session token': sessionToken,
      'CSRF token': session.csrfToken,
      'master key': t.ctx.config.secretKey ?? '',
    };
    for (const [what, value] of Object.entries(credentials)) {
      expect(value.length, what).toBeGreaterThan(8);
      expect(logs.includes(value), `${what} in the log`).toBe(false);
    }
    const answers = responses.join('\n');
    for (const what of [
      'vault secret',
      'short password',
      'manager password',
      'master key',
      'session token',
    ]) {
      expect(answers.includes(credentials[what]), `${what} in a response`).toBe(false);
    }
  });
});
