import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/lib/clock.js';
import { insertItems, makeItems, sum, type FixtureItem } from '../costs/fixtures.js';
import { ENGINES } from '../helpers/stores.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { eventually } from '../sync/helpers.js';
import { startSmtpCapture, type SmtpCapture } from '../notifications/receivers.js';

// Budgets are evaluated on the notification schedule as well as after billing loads. Here no load happens at all:
// the billing data of March is in place, and only the clock moves through it. The check schedule (every second,
// the product's own timer) evaluates the budget through "today"; the forecast threshold fires once the month's
// pace has risen, the actual one once the spend has reached it — each exactly once, however often the schedule
// runs, through the outbox to a real SMTP server.

interface Threshold {
  kind: string;
  percent: number;
  reached: boolean;
  firedAt: string | null;
}
interface BudgetAnswer {
  id: string;
  status: { asOf: string; spent: number; forecast: { total: number }; thresholds: Threshold[] };
}
interface Delivery {
  state: string;
  eventType: string;
  title: string;
}

/** A clock the test moves by hand. */
function movableClock(start: string): Clock & { set(iso: string): void } {
  let now = new Date(start);
  return {
    now: () => new Date(now),
    set(iso: string) {
      now = new Date(iso);
    },
  };
}

describe.each(ENGINES)('scheduled budget evaluation on %s', (engine) => {
  const clock = movableClock('2026-03-07T12:00:00.000Z');
  let t: TestServer;
  let smtp: SmtpCapture;
  let items: FixtureItem[];
  let amount: number;
  let budgetId: string;

  const call = async (path: string, method = 'GET', body?: unknown) =>
    t.request(path, { method, token: t.users.manager.token, body });
  const budget = async () => (await (await call(`/api/v1/budgets/${budgetId}`)).json()) as BudgetAnswer;
  const threshold = (b: BudgetAnswer, kind: string) => b.status.thresholds.find((x) => x.kind === kind)!;
  const deliveries = async () =>
    ((await (await call('/api/v1/notifications/deliveries?limit=100')).json()) as { items: Delivery[] })
      .items;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    t = await startTestServer({
      engine,
      config: { notificationPollMs: 50, notificationCheckSeconds: 1 },
      context: { clock },
    });
    const orgId = t.users.manager.orgId;
    // March's billing, loaded before the test begins: a first week at one pace, then thirteen days at three times it.
    items = [...makeItems(orgId, '2026-03-01', 7), ...makeItems(orgId, '2026-03-08', 13, { scale: 3 })];
    await insertItems(t.ctx.store, items);
    // Fifty of the first week's days: the first week's pace (31 of them) stays under it, the later pace does not.
    amount = Math.round((sum(items, 'billed', (i) => i.date <= '2026-03-07') / 7) * 50 * 100) / 100;
    const mail = await call('/api/v1/notifications/channels', 'POST', {
      kind: 'email',
      name: 'finops mail',
      config: {
        host: '127.0.0.1',
        port: smtp.port,
        security: 'none',
        from: 'cloudtally@a.test',
        to: ['finops@a.test'],
      },
    });
    expect(mail.status, await mail.clone().text()).toBe(201);
    const rule = await call('/api/v1/alert-rules', 'POST', {
      name: 'budgets',
      eventType: 'budget_threshold',
      channelIds: [((await mail.json()) as { id: string }).id],
    });
    expect(rule.status, await rule.clone().text()).toBe(201);
    const created = await call('/api/v1/budgets', 'POST', {
      name: 'March pace',
      amount,
      thresholds: [
        { kind: 'actual', percent: 80 },
        { kind: 'forecast', percent: 100 },
      ],
    });
    expect(created.status, await created.clone().text()).toBe(201);
    budgetId = ((await created.json()) as { id: string }).id;
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('fires the forecast and then the actual threshold as the clock moves, once each, with no new load', async () => {
    const n = t.ctx.notifications;
    // 7 March: a week at the first pace; the forecast is about 31 of its days, under the amount.
    const early = await budget();
    expect(early.status.asOf).toBe('2026-03-07');
    expect(threshold(early, 'forecast').reached).toBe(false);
    expect(threshold(early, 'actual').reached).toBe(false);
    expect(await n.watch.runChecks()).toBe(0);

    // The product's schedule from here on: the timer runs the checks every second.
    n.start();

    // 14 March: the second week ran at three times the pace; the forecast passes the amount.
    clock.set('2026-03-14T12:00:00.000Z');
    const forecastMail = await eventually(async () => smtp.mails[0], 'the forecast alert e-mail', 30_000);
    expect(forecastMail.subject).toBe(
      '[Cloudtally] Budget "March pace" is forecast to reach 100 % of its amount',
    );
    const mid = await budget();
    expect(mid.status.asOf).toBe('2026-03-14');
    expect(mid.status.forecast.total).toBeGreaterThan(amount);
    expect(threshold(mid, 'forecast').firedAt).not.toBeNull();
    expect(threshold(mid, 'actual')).toMatchObject({ reached: false, firedAt: null });
    expect(mid.status.spent).toBeCloseTo(
      sum(items, 'billed', (i) => i.date <= '2026-03-14'),
      6,
    );
    // More runs at the same moment, two of them at once, find nothing new to send.
    expect(await Promise.all([n.watch.runChecks(), n.watch.runChecks()])).toEqual([0, 0]);
    expect(await n.watch.runChecks()).toBe(0);

    // 20 March: the spend itself reaches 80 % of the amount.
    clock.set('2026-03-20T12:00:00.000Z');
    const spent20 = sum(items, 'billed', (i) => i.date <= '2026-03-20');
    expect(spent20).toBeGreaterThanOrEqual(amount * 0.8);
    const actualMail = await eventually(async () => smtp.mails[1], 'the actual-spend alert e-mail', 30_000);
    expect(actualMail.subject).toBe('[Cloudtally] Budget "March pace" has used 80 % of its amount');
    expect(actualMail.text).toContain('through 2026-03-20');
    const late = await budget();
    expect(late.status.spent).toBeCloseTo(spent20, 6);
    expect(threshold(late, 'actual').firedAt).not.toBeNull();
    // The forecast threshold keeps the moment it first fired.
    expect(threshold(late, 'forecast').firedAt).toBe(threshold(mid, 'forecast').firedAt);

    // The schedule keeps running (a day later, many runs): nothing more is sent.
    clock.set('2026-03-21T12:00:00.000Z');
    for (let i = 0; i < 3; i++) expect(await n.watch.runChecks()).toBe(0);
    await n.worker.drain();
    const sent = await eventually(async () => {
      const d = (await deliveries()).filter((x) => x.eventType === 'budget_threshold');
      return d.every((x) => x.state === 'sent') ? d : undefined;
    }, 'the budget deliveries sent');
    expect(sent.map((d) => d.title).sort()).toEqual([
      'Budget "March pace" has used 80 % of its amount',
      'Budget "March pace" is forecast to reach 100 % of its amount',
    ]);
    expect(smtp.mails).toHaveLength(2);
  });
});
