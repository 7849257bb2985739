import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ENGINES } from '../helpers/stores.js';
import { startSmtpCapture, type SmtpCapture } from '../notifications/receivers.js';
import { addUser, signIn } from './api-support.js';

// Invitations end to end: the manager invites, the link arrives by e-mail through a real SMTP server in this
// process (or comes back in the answer when the organization has no e-mail channel), the invitee accepts with it.

const LINK = /https:\/\/cloudtally\.example\.test\/accept-invitation#(ct_inv_[\w-]+)/;

describe.each(ENGINES)('invitations on %s', (engine) => {
  let t: TestServer;
  let smtp: SmtpCapture;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    t = await startTestServer({ engine, config: { publicUrl: 'https://cloudtally.example.test' } });
    const channel = await t.request('/api/v1/notifications/channels', {
      method: 'POST',
      token: t.users.manager.token,
      body: {
        kind: 'email',
        name: 'org mail',
        config: {
          host: '127.0.0.1',
          port: smtp.port,
          security: 'none',
          from: 'cloudtally@a.test',
          to: ['ops@a.test'],
        },
      },
    });
    expect(channel.status, await channel.clone().text()).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  const invite = (body: unknown, token = t.users.manager.token) =>
    t.request('/api/v1/invitations', { method: 'POST', token, body });

  async function mailTo(address: string) {
    const mail = smtp.mails.find((m) =>
      (Array.isArray(m.to) ? m.to : [m.to]).some((to) => to?.text === address),
    );
    if (!mail) throw new Error(`no mail to ${address}`);
    return mail;
  }

  it('e-mails a one-time link that creates the account, signs the person in, and works only once', async () => {
    const res = await invite({ email: 'New.Person@a.test', role: 'engineer', manageCloudCredentials: true });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { delivery: string; link?: string; invitation: { id: string } };
    expect(body.delivery).toBe('email');
    expect(body.link).toBeUndefined();

    const mail = await mailTo('new.person@a.test');
    expect(mail.subject).toBe('You are invited to Org A on Cloudtally');
    expect(mail.from?.text).toBe('cloudtally@a.test');
    const token = LINK.exec(mail.text ?? '')?.[1];
    expect(token, mail.text).toBeDefined();
    // Only its hash is stored.
    const stored = await t.ctx.store.query<{ token_hash: string }>('SELECT token_hash FROM invitations');
    expect(JSON.stringify(stored)).not.toContain(token!);

    const lookup = await t.request('/api/v1/invitations/lookup', { method: 'POST', body: { token } });
    expect(await lookup.json()).toMatchObject({
      email: 'new.person@a.test',
      organization: 'Org A',
      role: 'engineer',
    });
    const pending = await t.request('/api/v1/invitations', { token: t.users.manager.token });
    expect(((await pending.json()) as { items: { id: string }[] }).items.map((i) => i.id)).toContain(
      body.invitation.id,
    );

    const weak = await t.request('/api/v1/invitations/accept', {
      method: 'POST',
      body: { token, password: 'short' },
    });
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as { error: { field: string } }).error.field).toBe('password');

    const accepted = await t.request('/api/v1/invitations/accept', {
      method: 'POST',
      headers: { 'user-agent': 'invitation-test' },
      body: { token, password: 'a-new-long-password', name: 'New Person' },
    });
    expect(accepted.status).toBe(200);
    const cookie = (accepted.headers.get('set-cookie') ?? '').split(';')[0];
    const me = await t.request('/api/v1/auth/me', { headers: { cookie } });
    expect(await me.json()).toMatchObject({
      user: { email: 'new.person@a.test', name: 'New Person' },
      organization: { id: t.users.manager.orgId },
      role: 'engineer',
      manageCloudCredentials: true,
    });
    // The password works for signing in later too.
    await signIn(t, { email: 'new.person@a.test', password: 'a-new-long-password' });

    const again = await t.request('/api/v1/invitations/accept', {
      method: 'POST',
      body: { token, password: 'a-new-long-password' },
    });
    expect(again.status).toBe(400);
    expect(await again.text()).toMatch(/used already/);
    const after = await t.request('/api/v1/invitations', { token: t.users.manager.token });
    expect(((await after.json()) as { items: { id: string }[] }).items.map((i) => i.id)).not.toContain(
      body.invitation.id,
    );

    const log = await t.ctx.store.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE object_id = $1 ORDER BY created_at`,
      [body.invitation.id],
    );
    expect(log.map((r) => r.action)).toEqual(['invitation.create', 'invitation.accept']);
  });

  it('answers the inviter the same whether or not the address has an account, and links the existing one', async () => {
    const existing = await addUser(t, { role: 'viewer', org: 'Org B', prefix: 'existing' });
    const fresh = `fresh-${Date.now()}@a.test`;
    const shape = async (email: string) => {
      const res = await invite({ email, role: 'viewer' });
      const b = (await res.json()) as Record<string, unknown> & { invitation: Record<string, unknown> };
      return {
        status: res.status,
        keys: Object.keys(b).sort(),
        invitationKeys: Object.keys(b.invitation).sort(),
        delivery: b.delivery,
      };
    };
    expect(await shape(existing.email)).toEqual(await shape(fresh));
    const auditRows = await t.ctx.store.query<{ details: string }>(
      `SELECT details FROM audit_log WHERE action = 'invitation.create' AND details LIKE $1`,
      [`%${existing.email}%`],
    );
    expect(Object.keys(JSON.parse(auditRows[0].details) as object).sort()).toEqual([
      'email',
      'manageCloudCredentials',
      'role',
    ]);

    // The existing account accepts with its own password (a wrong one is refused) and keeps its other organization.
    const token = LINK.exec((await mailTo(existing.email)).text ?? '')?.[1];
    const wrong = await t.request('/api/v1/invitations/accept', {
      method: 'POST',
      body: { token, password: 'not-the-password' },
    });
    expect(wrong.status).toBe(401);
    const ok = await t.request('/api/v1/invitations/accept', {
      method: 'POST',
      body: { token, password: existing.password },
    });
    expect(ok.status).toBe(200);
    const orgs = ((await ok.json()) as { organizations: { name: string }[] }).organizations.map(
      (o) => o.name,
    );
    expect(orgs.sort()).toEqual(['Org A', 'Org B']);
  });

  it('withdraws an invitation, refuses an expired link, and replaces an earlier invitation of the same address', async () => {
    const res = await invite({ email: 'withdrawn@a.test', role: 'viewer' });
    const { invitation } = (await res.json()) as { invitation: { id: string } };
    const token = LINK.exec((await mailTo('withdrawn@a.test')).text ?? '')?.[1];
    const del = await t.request(`/api/v1/invitations/${invitation.id}`, {
      method: 'DELETE',
      token: t.users.manager.token,
    });
    expect(del.status).toBe(204);
    const again = await t.request(`/api/v1/invitations/${invitation.id}`, {
      method: 'DELETE',
      token: t.users.manager.token,
    });
    expect(again.status).toBe(404);
    const refused = await t.request('/api/v1/invitations/accept', {
      method: 'POST',
      body: { token, password: 'a-new-long-password' },
    });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/withdrawn/);

    await invite({ email: 'expired@a.test', role: 'viewer' });
    const expiredToken = LINK.exec((await mailTo('expired@a.test')).text ?? '')?.[1];
    await t.ctx.store.execute('UPDATE invitations SET expires_at = $1 WHERE email = $2', [
      new Date(Date.now() - 1000),
      'expired@a.test',
    ]);
    const expired = await t.request('/api/v1/invitations/lookup', {
      method: 'POST',
      body: { token: expiredToken },
    });
    expect(expired.status).toBe(400);
    expect(await expired.text()).toMatch(/expired/);

    // A member of Org B cannot withdraw Org A's invitations.
    const first = (await (await invite({ email: 'twice@a.test', role: 'viewer' })).json()) as {
      invitation: { id: string };
    };
    const second = (await (await invite({ email: 'twice@a.test', role: 'engineer' })).json()) as {
      invitation: { id: string };
    };
    const list = (await (
      await t.request('/api/v1/invitations', { token: t.users.manager.token })
    ).json()) as {
      items: { id: string; email: string; role: string }[];
    };
    const twice = list.items.filter((i) => i.email === 'twice@a.test');
    expect(twice).toEqual([expect.objectContaining({ id: second.invitation.id, role: 'engineer' })]);
    const cross = await t.request(`/api/v1/invitations/${second.invitation.id}`, {
      method: 'DELETE',
      token: t.users.otherManager.token,
    });
    expect(cross.status).toBe(404);
    expect(first.invitation.id).not.toBe(second.invitation.id);
  });

  it('returns the link for copying when the organization has no e-mail channel', async () => {
    const res = await invite({ email: 'copied@b.test', role: 'viewer' }, t.users.otherManager.token);
    expect(res.status).toBe(201);
    const body = (await res.json()) as { delivery: string; link: string };
    expect(body.delivery).toBe('link');
    expect(body.link).toMatch(LINK);
    expect(smtp.mails.some((m) => m.text?.includes('copied@b.test'))).toBe(false);
  });

  it('refuses bad input naming the field', async () => {
    const bad = await invite({ email: 'not-an-address', role: 'viewer' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('email');
    const badRole = await invite({ email: 'x@a.test', role: 'owner' });
    expect(((await badRole.json()) as { error: { field: string } }).error.field).toBe('role');
    const member = await invite({ email: t.users.viewer.email, role: 'viewer' });
    expect(member.status).toBe(409);
    const unknown = await t.request('/api/v1/invitations/lookup', {
      method: 'POST',
      body: { token: 'ct_inv_nothing' },
    });
    expect(((await unknown.json()) as { error: { field: string } }).error.field).toBe('token');
  });
});
