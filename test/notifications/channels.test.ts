import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/notifications/channels/webhook-message.js';
import type { RaisedEvent } from '../../src/notifications/notification-types.js';
import { ENGINES } from '../helpers/stores.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startHttpReceiver, startSmtpCapture, type HttpReceiver, type SmtpCapture } from './receivers.js';

// Every channel against a real local endpoint: an SMTP server (smtp-server) and an HTTP receiver (node:http).

const SMTP_PASSWORD = 'smtp-pass-9f3c1d';
const SLACK_PATH = '/services/T000/B000/slack-secret-path-7d2e';
const TEAMS_PATH = '/workflows/teams-secret-path-5a1b';
const SIGNING_SECRET = 'whsec-0123456789abcdef';

interface ChannelBody {
  id: string;
  name: string;
  kind: string;
  config: Record<string, unknown>;
  hasSecret: boolean;
  lastError: string | null;
  lastSuccessAt: string | null;
}

function event(orgId: string, key: string, over: Partial<RaisedEvent> = {}): RaisedEvent {
  return {
    orgId,
    type: 'cost_anomaly',
    dedupeKey: key,
    match: { impact: 250 },
    message: {
      severity: 'warning',
      title: 'Amazon EC2 spend jumped',
      summary: 'EC2 cost 250 USD more than expected on 2024-03-14.',
      facts: [{ label: 'Impact', value: '$250.00' }],
      path: '/costs',
      data: { impact: 250 },
    },
    ...over,
  };
}

describe.each(ENGINES)('notification channels on %s', (engine) => {
  let t: TestServer;
  let smtp: SmtpCapture;
  let tls: SmtpCapture;
  let http: HttpReceiver;
  const post = async (path: string, body: unknown, token = t.users.manager.token) =>
    t.request(path, { method: 'POST', token, body });
  const createChannel = async (body: Record<string, unknown>): Promise<ChannelBody> => {
    const res = await post('/api/v1/notifications/channels', body);
    const json = (await res.json()) as ChannelBody;
    expect(res.status, JSON.stringify(json)).toBe(201);
    return json;
  };

  beforeAll(async () => {
    smtp = await startSmtpCapture({ auth: { user: 'alerts', pass: SMTP_PASSWORD } });
    tls = await startSmtpCapture({ secure: true });
    http = await startHttpReceiver();
    t = await startTestServer({
      engine,
      config: {
        publicUrl: 'https://cloudtally.example.test',
        notificationPollMs: 50,
        notificationRetryMs: 20,
        notificationMaxAttempts: 3,
      },
    });
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await tls?.close();
    await http?.close();
  });

  it('sends a test e-mail over STARTTLS with a login, in HTML and plain text; the password is never shown', async () => {
    const c = await createChannel({
      kind: 'email',
      name: 'ops mail',
      config: {
        host: '127.0.0.1',
        port: smtp.port,
        security: 'starttls',
        verifyCertificate: false,
        username: 'alerts',
        from: 'cloudtally@a.test',
        to: ['ops@a.test', 'finops@a.test'],
      },
      password: SMTP_PASSWORD,
    });
    expect(c).toMatchObject({ kind: 'email', hasSecret: true });
    expect(JSON.stringify(c)).not.toContain(SMTP_PASSWORD);
    const res = await post(`/api/v1/notifications/channels/${c.id}/test`, undefined);
    expect(await res.json()).toEqual({ ok: true, error: null });
    expect(smtp.logins).toEqual(['alerts']);
    const mail = smtp.mails.at(-1)!;
    expect(mail.subject).toBe('[Cloudtally] Test message for channel "ops mail"');
    expect(mail.from?.text).toBe('cloudtally@a.test');
    expect((Array.isArray(mail.to) ? mail.to[0] : mail.to)?.text).toBe('ops@a.test, finops@a.test');
    expect(mail.text).toContain('Open in Cloudtally: https://cloudtally.example.test/notifications');
    expect(mail.html).toContain('href="https://cloudtally.example.test/notifications"');
    const shown = (await (
      await t.request(`/api/v1/notifications/channels/${c.id}`, { token: t.users.viewer.token })
    ).json()) as ChannelBody;
    expect(shown.lastSuccessAt).not.toBeNull();
    expect(JSON.stringify(shown)).not.toContain(SMTP_PASSWORD);
  });

  it('reports a refused login as the test result and on the channel', async () => {
    const c = await createChannel({
      kind: 'email',
      name: 'wrong password',
      config: {
        host: '127.0.0.1',
        port: smtp.port,
        verifyCertificate: false,
        username: 'alerts',
        from: 'a@a.test',
        to: ['b@a.test'],
      },
      password: 'not-the-password',
    });
    const res = (await (await post(`/api/v1/notifications/channels/${c.id}/test`, undefined)).json()) as {
      ok: boolean;
      error: string;
    };
    expect(res.ok).toBe(false);
    expect(res.error).toContain('refused the login');
    const shown = (await (
      await t.request(`/api/v1/notifications/channels/${c.id}`, { token: t.users.manager.token })
    ).json()) as ChannelBody;
    expect(shown.lastError).toContain('refused the login');
    expect(t.logs()).not.toContain('not-the-password');
    // The test went through the outbox: given up at once, with the reason, in the delivery history.
    const history = (await (
      await t.request(`/api/v1/notifications/deliveries?channel=${c.id}`, { token: t.users.viewer.token })
    ).json()) as { items: { eventType: string; state: string; attempts: number; lastError: string }[] };
    expect(history.items).toHaveLength(1);
    expect(history.items[0]).toMatchObject({ eventType: 'test', state: 'failed', attempts: 1 });
    expect(history.items[0].lastError).toContain('refused the login');
  });

  it('records a sent test message in the delivery history, once', async () => {
    const c = await createChannel({
      kind: 'email',
      name: 'history mail',
      config: {
        host: '127.0.0.1',
        port: tls.port,
        security: 'tls',
        verifyCertificate: false,
        from: 'a@a.test',
        to: ['h@a.test'],
      },
    });
    const before = tls.mails.length;
    expect(await (await post(`/api/v1/notifications/channels/${c.id}/test`, undefined)).json()).toEqual({
      ok: true,
      error: null,
    });
    const history = (await (
      await t.request(`/api/v1/notifications/deliveries?channel=${c.id}`, { token: t.users.viewer.token })
    ).json()) as { items: { eventType: string; state: string; title: string; ruleId: string | null }[] };
    expect(history.items).toEqual([
      expect.objectContaining({
        eventType: 'test',
        state: 'sent',
        ruleId: null,
        title: 'Test message for channel "history mail"',
      }),
    ]);
    // The worker finds nothing left to send: the test mail went exactly once.
    await t.ctx.notifications.worker.drain();
    expect(tls.mails.length - before).toBe(1);
  });

  it('clears an e-mail channel’s SMTP user name and password with null', async () => {
    const c = await createChannel({
      kind: 'email',
      name: 'clearable mail',
      config: {
        host: '127.0.0.1',
        port: smtp.port,
        verifyCertificate: false,
        username: 'alerts',
        from: 'a@a.test',
        to: ['b@a.test'],
      },
      password: SMTP_PASSWORD,
    });
    expect(c).toMatchObject({ hasSecret: true, config: { username: 'alerts' } });
    const res = await t.request(`/api/v1/notifications/channels/${c.id}`, {
      method: 'PATCH',
      token: t.users.manager.token,
      body: { config: { username: null, port: tls.port, security: 'tls' }, password: null },
    });
    const changed = (await res.json()) as ChannelBody;
    expect(res.status, JSON.stringify(changed)).toBe(200);
    expect(changed.config).not.toHaveProperty('username');
    expect(changed).toMatchObject({ hasSecret: false, config: { port: tls.port, security: 'tls' } });
    // Without a user the channel sends without logging in.
    expect(await (await post(`/api/v1/notifications/channels/${c.id}/test`, undefined)).json()).toEqual({
      ok: true,
      error: null,
    });
    // A required setting cannot be cleared: the error names it.
    const bad = await t.request(`/api/v1/notifications/channels/${c.id}`, {
      method: 'PATCH',
      token: t.users.manager.token,
      body: { config: { host: null } },
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('host');
  });

  it('sends over implicit TLS', async () => {
    const before = tls.mails.length;
    const c = await createChannel({
      kind: 'email',
      name: 'tls mail',
      config: {
        host: '127.0.0.1',
        port: tls.port,
        security: 'tls',
        verifyCertificate: false,
        from: 'a@a.test',
        to: ['b@a.test'],
      },
    });
    expect(await (await post(`/api/v1/notifications/channels/${c.id}/test`, undefined)).json()).toEqual({
      ok: true,
      error: null,
    });
    expect(tls.mails.length - before).toBe(1);
  });

  it('posts a Block Kit message to Slack and an Adaptive Card to Teams; the webhook URLs are never shown', async () => {
    const slack = await createChannel({ kind: 'slack', name: 'slack', url: http.url + SLACK_PATH });
    const teams = await createChannel({ kind: 'teams', name: 'teams', url: http.url + TEAMS_PATH });
    expect(slack.config).toEqual({ url: `${http.url}/…` });
    await post(`/api/v1/notifications/channels/${slack.id}/test`, undefined);
    await post(`/api/v1/notifications/channels/${teams.id}/test`, undefined);
    const s = http.requests.find((r) => r.path === SLACK_PATH)!;
    expect(s.headers['content-type']).toBe('application/json');
    const blocks = (s.json as { text: string; blocks: { type: string; elements?: { url: string }[] }[] })
      .blocks;
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'actions']);
    expect(blocks[3].elements![0].url).toBe('https://cloudtally.example.test/notifications');
    const m = http.requests.find((r) => r.path === TEAMS_PATH)!.json as {
      type: string;
      attachments: {
        contentType: string;
        content: { type: string; version: string; body: { type: string }[]; actions: { type: string }[] };
      }[];
    };
    expect(m.type).toBe('message');
    expect(m.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(m.attachments[0].content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(m.attachments[0].content.body.map((b) => b.type)).toEqual(['TextBlock', 'TextBlock', 'FactSet']);
    expect(m.attachments[0].content.actions[0].type).toBe('Action.OpenUrl');
    const listed = JSON.stringify(
      await (await t.request('/api/v1/notifications/channels', { token: t.users.viewer.token })).json(),
    );
    for (const secret of [SLACK_PATH, TEAMS_PATH, SIGNING_SECRET, SMTP_PASSWORD]) {
      expect(listed).not.toContain(secret);
      expect(t.logs()).not.toContain(secret);
    }
  });

  it('signs generic webhooks with HMAC-SHA256 over the timestamp and the body', async () => {
    const c = await createChannel({
      kind: 'webhook',
      name: 'hook',
      config: { url: `${http.url}/hook` },
      secret: SIGNING_SECRET,
    });
    await post(`/api/v1/notifications/channels/${c.id}/test`, undefined);
    const r = http.requests.find((x) => x.path === '/hook')!;
    const headers = {
      timestamp: String(r.headers['x-cloudtally-timestamp']),
      signature: String(r.headers['x-cloudtally-signature']),
    };
    expect(headers.signature).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifySignature(SIGNING_SECRET, headers, r.body)).toBe(true);
    expect(verifySignature('another-secret-of-16', headers, r.body)).toBe(false);
    expect(verifySignature(SIGNING_SECRET, headers, r.body.replace('Test', 'Tost'))).toBe(false);
    // A replay an hour later is refused by the timestamp check.
    expect(verifySignature(SIGNING_SECRET, headers, r.body, Number(headers.timestamp) + 3600)).toBe(false);
    expect(r.json).toMatchObject({
      type: 'test',
      severity: 'info',
      link: 'https://cloudtally.example.test/notifications',
    });
    expect(r.headers['x-cloudtally-event']).toBe('test');
  });

  it('lets managers and engineers create channels and rules, viewers only read', async () => {
    const body = { kind: 'slack', name: 'viewer try', url: `${http.url}/x` };
    expect((await post('/api/v1/notifications/channels', body, t.users.viewer.token)).status).toBe(403);
    expect(
      (await post('/api/v1/notifications/channels', { ...body, name: 'eng' }, t.users.engineer.token)).status,
    ).toBe(201);
    const rule = {
      name: 'r',
      eventType: 'recommendation_new',
      params: { minMonthlySavings: 10 },
      channelIds: ['eng'],
    };
    expect((await post('/api/v1/alert-rules', rule, t.users.viewer.token)).status).toBe(403);
    expect((await post('/api/v1/alert-rules', rule, t.users.engineer.token)).status).toBe(201);
    expect((await t.request('/api/v1/alert-rules', { token: t.users.viewer.token })).status).toBe(200);
    // Another organization sees none of it.
    const other = (await (
      await t.request('/api/v1/alert-rules', { token: t.users.otherManager.token })
    ).json()) as { items: unknown[] };
    expect(other.items).toEqual([]);
  });

  it('names the field of bad input', async () => {
    const cases: [unknown, string][] = [
      [{ kind: 'email', name: 'x', config: { host: 'h', port: 25, from: 'a@a.test', to: [] } }, 'config.to'],
      [{ kind: 'webhook', name: 'x', config: { url: 'ftp://x' }, secret: SIGNING_SECRET }, 'config.url'],
      [{ kind: 'webhook', name: 'x', config: { url: 'http://x' }, secret: 'short' }, 'secret'],
      [{ kind: 'pager', name: 'x' }, 'kind'],
    ];
    for (const [body, field] of cases) {
      const res = await post('/api/v1/notifications/channels', body);
      const json = (await res.json()) as { error: { field: string } };
      expect(res.status).toBe(400);
      expect(json.error.field).toBe(field);
    }
    const rule = await post('/api/v1/alert-rules', {
      name: 'bad',
      eventType: 'billing_stale',
      params: { hours: 0 },
      channelIds: ['hook'],
    });
    expect(rule.status).toBe(400);
    expect(((await rule.json()) as { error: { field: string } }).error.field).toBe('params.hours');
    const unknown = await post('/api/v1/alert-rules', {
      name: 'bad',
      eventType: 'cost_anomaly',
      channelIds: ['nope'],
    });
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain(
      'no notification channel "nope"',
    );
  });

  it('delivers an event once per rule and channel, retrying 5xx answers with backoff', async () => {
    const hook = await createChannel({
      kind: 'webhook',
      name: 'retry hook',
      config: { url: `${http.url}/retry` },
      secret: SIGNING_SECRET,
    });
    await post('/api/v1/alert-rules', {
      name: 'anomalies',
      eventType: 'cost_anomaly',
      params: { minImpact: 100 },
      channelIds: [hook.id],
    });
    await post('/api/v1/alert-rules', {
      name: 'big anomalies',
      eventType: 'cost_anomaly',
      params: { minImpact: 1000 },
      channelIds: [hook.id],
    });
    http.statuses.push(503, 500);
    const orgId = t.users.manager.orgId;
    const n = t.ctx.notifications;
    expect(await n.raiseNow(event(orgId, 'anomaly:1'))).toBe(1);
    // The same event raised again (another evaluation, another process) queues nothing.
    expect(await n.raiseNow(event(orgId, 'anomaly:1'))).toBe(0);
    // Below every rule's minimum impact: recorded, sent nowhere.
    expect(await n.raiseNow(event(orgId, 'anomaly:2', { match: { impact: 50 } }))).toBe(0);
    n.start();
    await expect
      .poll(() => http.requests.filter((r) => r.path === '/retry').length, { timeout: 15_000 })
      .toBe(1);
    const [d] = await n.deliveries(orgId, hook.id);
    expect(d).toMatchObject({ state: 'sent', attempts: 3 });
    const r = http.requests.find((x) => x.path === '/retry')!;
    expect(r.json).toMatchObject({
      type: 'cost_anomaly',
      title: 'Amazon EC2 spend jumped',
      link: 'https://cloudtally.example.test/costs',
    });
    expect(r.headers['x-cloudtally-delivery']).toBe(d.id);
  });

  it('gives up after the bound and shows the failure on the channel', async () => {
    const closed = await startHttpReceiver();
    const url = closed.url;
    await closed.close();
    const hook = await createChannel({
      kind: 'webhook',
      name: 'dead hook',
      config: { url: `${url}/dead` },
      secret: SIGNING_SECRET,
    });
    await post('/api/v1/alert-rules', { name: 'dead', eventType: 'billing_stale', channelIds: [hook.id] });
    const orgId = t.users.manager.orgId;
    await t.ctx.notifications.raiseNow(event(orgId, 'stale:1', { type: 'billing_stale', match: {} }));
    await expect
      .poll(async () => (await t.ctx.notifications.deliveries(orgId, hook.id))[0]?.state, { timeout: 15_000 })
      .toBe('failed');
    const [d] = await t.ctx.notifications.deliveries(orgId, hook.id);
    expect(d.attempts).toBe(3);
    const shown = (await (
      await t.request(`/api/v1/notifications/channels/${hook.id}`, { token: t.users.viewer.token })
    ).json()) as ChannelBody;
    expect(shown.lastError).toMatch(/could not connect .*gave up after 3 attempts/);
  });
});
