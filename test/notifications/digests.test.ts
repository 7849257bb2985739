import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext } from '../../src/app/context.js';
import { addDays, isoDate } from '../../src/lib/dates.js';
import { silentLog } from '../../src/lib/log.js';
import { verifySignature } from '../../src/notifications/channels/webhook-message.js';
import { money } from '../../src/notifications/events/money.js';
import { lastCompletePeriod } from '../../src/notifications/digests/digest-periods.js';
import { insertItems, makeItems, sum, type FixtureItem } from '../costs/fixtures.js';
import { ENGINES } from '../helpers/stores.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { eventually } from '../sync/helpers.js';
import { startHttpReceiver, startSmtpCapture, type HttpReceiver, type SmtpCapture } from './receivers.js';

// Digests against real local endpoints: an SMTP server (smtp-server) and an HTTP receiver (Slack-shaped and signed
// webhooks). Each subscription gets one digest per period, however often and by however many processes the
// scheduled run goes.

const SIGNING_SECRET = 'whsec-digest-0123456789';

interface Delivery {
  id: string;
  state: string;
  eventType: string;
  title: string;
  channelId: string;
}

describe.each(ENGINES)('notification digests on %s', (engine) => {
  let t: TestServer;
  let smtp: SmtpCapture;
  let http: HttpReceiver;
  let items: FixtureItem[];
  const channelIds: Record<string, string> = {};
  const today = isoDate(new Date());
  const weekly = lastCompletePeriod('weekly', new Date());
  const daily = lastCompletePeriod('daily', new Date());

  const call = async (path: string, method = 'GET', body?: unknown, token = t.users.manager.token) =>
    t.request(path, { method, token, body });
  const deliveries = async () =>
    ((await (await call('/api/v1/notifications/deliveries?limit=500')).json()) as { items: Delivery[] })
      .items;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    http = await startHttpReceiver();
    t = await startTestServer({
      engine,
      config: { publicUrl: 'https://cloudtally.example.test', notificationPollMs: 50 },
    });
    const orgId = t.users.manager.orgId;
    // Four weeks of costs through yesterday, so both the last week and the one before have data.
    items = makeItems(orgId, addDays(today, -28), 28);
    await insertItems(t.ctx.store, items);
    const channels = [
      {
        kind: 'email',
        name: 'digest mail',
        config: {
          host: '127.0.0.1',
          port: smtp.port,
          security: 'none',
          from: 'cloudtally@a.test',
          to: ['finops@a.test'],
        },
      },
      { kind: 'slack', name: 'digest slack', url: `${http.url}/services/T0/B0/digest` },
      { kind: 'webhook', name: 'digest hook', config: { url: `${http.url}/hook` }, secret: SIGNING_SECRET },
    ];
    for (const c of channels) {
      const res = await call('/api/v1/notifications/channels', 'POST', c);
      expect(res.status).toBe(201);
      channelIds[c.name] = ((await res.json()) as { id: string }).id;
    }
    // A budget far below the spend: over, and so at risk in the digest.
    const budget = await call('/api/v1/budgets', 'POST', { name: 'Everything', amount: 10 });
    expect(budget.status).toBe(201);
    // An alert of a type this version may not know yet, raised in last week: counted by its name.
    await t.ctx.notifications.outbox.insertEvent(t.ctx.store, {
      id: 'nev_future_type',
      orgId,
      type: 'contract_renewal' as never,
      dedupeKey: 'contract_renewal:test',
      message: {
        type: 'contract_renewal' as never,
        severity: 'info',
        title: 'A contract renews',
        summary: '',
        facts: [],
        link: '/',
        data: {},
      },
      createdAt: `${weekly.from}T12:00:00.000Z`,
    });
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await http?.close();
  });

  it('sends each subscribed channel its digest once, whatever runs it and how often', async () => {
    for (const [channel, frequency] of [
      ['digest mail', 'weekly'],
      ['digest slack', 'weekly'],
      ['digest hook', 'daily'],
    ]) {
      const res = await call('/api/v1/notifications/digests', 'POST', { channel, frequency });
      expect(res.status, await res.clone().text()).toBe(201);
    }
    const again = await call('/api/v1/notifications/digests', 'POST', {
      channel: 'digest hook',
      frequency: 'daily',
    });
    expect(again.status).toBe(409);

    // The scheduled run and two more at once: three digests queued in all.
    const n = t.ctx.notifications;
    const queued = await Promise.all([n.digests.runDue(), n.digests.runDue(), n.watch.runChecks()]);
    // Whichever run gets there first queues a digest; together exactly one each (no alert rules here).
    expect(queued.reduce((a, b) => a + b, 0)).toBe(3);
    await n.worker.drain();
    await eventually(async () => smtp.mails.length >= 1 && http.requests.length >= 2, 'the digests');
    const sent = await eventually(async () => {
      const d = (await deliveries()).filter((x) => x.eventType === 'digest');
      return d.length === 3 && d.every((x) => x.state === 'sent') ? d : undefined;
    }, 'three digest deliveries sent');
    expect(sent.map((d) => d.title).sort()).toEqual([
      `Daily digest: ${daily.from}`,
      `Weekly digest: ${weekly.from} to ${weekly.to}`,
      `Weekly digest: ${weekly.from} to ${weekly.to}`,
    ]);

    const inWeek = (i: FixtureItem) => i.date >= weekly.from && i.date <= weekly.to;
    const weekBefore = (i: FixtureItem) => i.date >= weekly.previous.from && i.date <= weekly.previous.to;
    const spend = sum(items, 'billed', inWeek);
    const before = sum(items, 'billed', weekBefore);

    const mail = smtp.mails[0]!;
    expect(mail.subject).toBe(`[Cloudtally] Weekly digest: ${weekly.from} to ${weekly.to}`);
    expect((Array.isArray(mail.to) ? mail.to[0] : mail.to)?.text).toBe('finops@a.test');
    expect(mail.text).toContain(`Spend of ${money(spend, 'USD')}`);
    expect(mail.text).toContain(`from ${money(before, 'USD')} the week before`);
    expect(mail.text).toMatch(/Budgets at risk\s+Everything: [\d.]+ % used/);
    expect(mail.text).toContain('contract renewal: 1');
    expect(mail.text).toContain('Open in Cloudtally: https://cloudtally.example.test/');
    expect(mail.html).toContain('Weekly digest');

    const slack = http.requests.find((r) => r.path.startsWith('/services/'))!;
    const blocks = (slack.json as { blocks: { type: string; text?: { text: string }; fields?: unknown[] }[] })
      .blocks;
    expect(blocks[0]).toMatchObject({
      type: 'header',
      text: { text: `Weekly digest: ${weekly.from} to ${weekly.to}` },
    });
    expect(blocks.find((b) => b.fields)?.fields?.length).toBeLessThanOrEqual(10);

    const hook = http.requests.find((r) => r.path === '/hook')!;
    expect(hook.headers['x-cloudtally-event']).toBe('digest');
    expect(
      verifySignature(
        SIGNING_SECRET,
        {
          timestamp: String(hook.headers['x-cloudtally-timestamp']),
          signature: String(hook.headers['x-cloudtally-signature']),
        },
        hook.body,
      ),
    ).toBe(true);
    const body = hook.json as {
      type: string;
      data: { from: string; to: string; spend: number; previousSpend: number };
    };
    expect(body.type).toBe('digest');
    expect(body.data).toMatchObject({ from: daily.from, to: daily.from });
    expect(body.data.spend).toBeCloseTo(
      sum(items, 'billed', (i) => i.date === daily.from),
      6,
    );
    expect(body.data.previousSpend).toBeCloseTo(
      sum(items, 'billed', (i) => i.date === daily.previous.from),
      6,
    );

    // Run again (a restart, the next tick): nothing more for the same periods.
    expect(await n.digests.runDue()).toBe(0);
    expect((await deliveries()).filter((x) => x.eventType === 'digest')).toHaveLength(3);
  });

  // DuckDB is embedded (one process holds the file): a second server process exists only on PostgreSQL. The test
  // is declared there only, rather than skipped, since a skipped test reads as a missing component.
  if (engine === 'postgres')
    it('a second server process on the same database sends no digest again', async () => {
      const store = await t.db.open();
      const other = await createAppContext(t.ctx.config, { log: silentLog, store });
      try {
        expect(await other.notifications.digests.runDue()).toBe(0);
      } finally {
        await other.close();
      }
      expect((await deliveries()).filter((x) => x.eventType === 'digest')).toHaveLength(3);
    });

  it('lets anyone opt in to a digest by e-mail for themselves, and only managers and engineers for a channel', async () => {
    const viewer = t.users.viewer;
    const denied = await call(
      '/api/v1/notifications/digests',
      'POST',
      { channel: 'digest slack', frequency: 'daily' },
      viewer.token,
    );
    expect(denied.status).toBe(403);
    const notMail = await call(
      '/api/v1/notifications/digests',
      'POST',
      { channel: 'digest slack', forMe: true },
      viewer.token,
    );
    expect(notMail.status).toBe(400);
    expect(
      ((await notMail.json()) as { error: { field?: string; message: string } }).error.message,
    ).toContain('forMe');
    const bad = await call('/api/v1/notifications/digests', 'POST', {
      channel: 'digest mail',
      frequency: 'hourly',
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('frequency');

    const mine = await call(
      '/api/v1/notifications/digests',
      'POST',
      { channel: 'digest mail', frequency: 'daily', forMe: true },
      viewer.token,
    );
    expect(mine.status).toBe(201);
    const sub = (await mine.json()) as { id: string; recipient: string; userId: string };
    expect(sub).toMatchObject({ recipient: viewer.email, userId: viewer.userId });

    const before = smtp.mails.length;
    expect(await t.ctx.notifications.digests.runDue()).toBe(1);
    await t.ctx.notifications.worker.drain();
    await eventually(async () => smtp.mails.length > before, 'the personal digest');
    const mail = smtp.mails.at(-1)!;
    expect(mail.subject).toBe(`[Cloudtally] Daily digest: ${daily.from}`);
    expect((Array.isArray(mail.to) ? mail.to[0] : mail.to)?.text).toBe(viewer.email);
    expect(mail.text).toContain('because you subscribed to this digest');

    const list = (await (
      await call('/api/v1/notifications/digests', 'GET', undefined, viewer.token)
    ).json()) as {
      items: { id: string; userId: string | null }[];
    };
    const channelWide = list.items.find((d) => d.userId === null)!;
    expect(
      (await call(`/api/v1/notifications/digests/${channelWide.id}`, 'DELETE', undefined, viewer.token))
        .status,
    ).toBe(403);
    expect(
      (await call(`/api/v1/notifications/digests/${sub.id}`, 'DELETE', undefined, viewer.token)).status,
    ).toBe(204);
  });

  it('stops a personal digest when its person leaves the organization', async () => {
    const engineer = t.users.engineer;
    const mine = await call(
      '/api/v1/notifications/digests',
      'POST',
      { channel: 'digest mail', frequency: 'weekly', forMe: true },
      engineer.token,
    );
    expect(mine.status).toBe(201);
    const { id } = (await mine.json()) as { id: string };
    expect((await call(`/api/v1/members/${engineer.userId}`, 'DELETE')).status).toBe(204);
    const before = smtp.mails.length;
    expect(await t.ctx.notifications.digests.runDue()).toBe(0);
    await t.ctx.notifications.worker.drain();
    expect(smtp.mails.length).toBe(before);
    const list = (await (await call('/api/v1/notifications/digests')).json()) as { items: { id: string }[] };
    expect(list.items.map((d) => d.id)).not.toContain(id);
  });

  it('drops a removed channel’s digests', async () => {
    expect((await call(`/api/v1/notifications/channels/${channelIds['digest hook']}`, 'DELETE')).status).toBe(
      204,
    );
    const list = (await (await call('/api/v1/notifications/digests')).json()) as {
      items: { channelId: string }[];
    };
    expect(list.items.map((d) => d.channelId)).not.toContain(channelIds['digest hook']);
  });
});
