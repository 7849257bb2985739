/**
 * Scheduled e-mail reports against a real SMTP server (smtp-server): a due showback schedule sends one e-mail whose
 * CSV equals the showback API's answer for that month to the cent, a saved view's CSV equals its run, each
 * occurrence is sent once however many runs (and, on PostgreSQL, processes) claim it, a removed saved view is
 * reported on its schedule without stopping the run, and bad input names the field.
 */
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DimensionView } from '../../src/allocation/allocation-service.js';
import type { ShowbackAnswer } from '../../src/allocation/showback.js';
import { createAppContext } from '../../src/app/context.js';
import type { Clock } from '../../src/lib/clock.js';
import { silentLog } from '../../src/lib/log.js';
import { runCli } from '../cli/cli-support.js';
import { insertItems, makeItems } from '../costs/fixtures.js';
import { startTestServer, type TestServer, type TestUser } from '../helpers/server.js';
import { ENGINES } from '../helpers/stores.js';
import { eventually } from '../sync/helpers.js';
import { startSmtpCapture, type SmtpCapture } from './receivers.js';

interface Schedule {
  id: string;
  title: string;
  nextDueAt: string;
  lastSentAt: string | null;
  lastError: string | null;
  cadence: string;
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

/** RFC 4180 lines of the simple kind these reports write (quoted fields with commas, doubled quotes). */
function parseCsv(text: string): string[][] {
  return text
    .split('\r\n')
    .filter(Boolean)
    .map((line) => {
      const out: string[] = [];
      let cur = '';
      let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const ch = line[i];
        if (quoted && ch === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (ch === '"') quoted = !quoted;
        else if (ch === ',' && !quoted) {
          out.push(cur);
          cur = '';
        } else cur += ch;
      }
      out.push(cur);
      return out;
    });
}

const cents = (n: number) => Math.round(n * 100);
/** Sums CSV amounts exactly (in millionths), then to the cent. */
const centsOfSum = (values: string[]) =>
  Math.round(values.reduce((sum, v) => sum + Math.round(Number(v) * 1e6), 0) / 1e4);

describe.each(ENGINES)('scheduled e-mail reports on %s', (engine) => {
  // 2024-03-04 is a Monday.
  const clock = movableClock('2024-03-04T10:00:00.000Z');
  let t: TestServer;
  let smtp: SmtpCapture;

  const call = async (path: string, method = 'GET', body?: unknown, user?: TestUser) =>
    t.request(path, { method, token: (user ?? t.users.manager).token, body });
  const json = async <T>(res: Response | Promise<Response>, status = 200): Promise<T> => {
    const r = await res;
    expect(r.status, await r.clone().text()).toBe(status);
    return (await r.json()) as T;
  };
  const schedule = (id: string) => json<Schedule>(call(`/api/v1/report-schedules/${id}`));
  const reportMails = () => smtp.mails.filter((m) => m.headers.get('x-cloudtally-event') === 'report');
  const attachment = (m: ParsedMail) => {
    expect(m.attachments).toHaveLength(1);
    expect(m.attachments[0].contentType).toBe('text/csv');
    return m.attachments[0];
  };

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    t = await startTestServer({
      engine,
      // The scheduled checks run once at start (nothing is due then); the test runs them itself after that.
      config: { notificationPollMs: 50, notificationCheckSeconds: 3600 },
      context: { clock },
    });
    await insertItems(t.ctx.store, makeItems(t.users.manager.orgId, '2023-12-01', 91));
    await json(
      call('/api/v1/allocation/dimensions', 'POST', {
        name: 'team',
        rules: [
          {
            name: 'tax by spend',
            conditions: [{ field: 'chargeCategory', operator: 'in', values: ['Tax'] }],
            share: { method: 'proportional' },
          },
          { name: 'team tag', valueFromTag: 'user:team' },
        ],
      }),
      201,
    );
    await vi.waitFor(
      async () =>
        expect((await json<DimensionView>(call('/api/v1/allocation/dimensions/team'))).appliedVersion).toBe(
          1,
        ),
      { timeout: 60_000, interval: 100 },
    );
    await json(
      call('/api/v1/notifications/channels', 'POST', {
        kind: 'email',
        name: 'reports mail',
        config: {
          host: '127.0.0.1',
          port: smtp.port,
          security: 'none',
          from: 'cloudtally@a.test',
          to: ['finops@a.test'],
        },
      }),
      201,
    );
    await json(
      call('/api/v1/notifications/channels', 'POST', {
        kind: 'slack',
        name: 'reports slack',
        url: 'http://127.0.0.1:9/x',
      }),
      201,
    );
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('names the field of bad input, and who may address whom', async () => {
    const bad = async (body: unknown, field: string, user?: TestUser) => {
      const res = await call('/api/v1/report-schedules', 'POST', body, user);
      const text = await res.text();
      expect(res.status, text).toBe(400);
      expect(text).toContain(field);
    };
    const base = {
      kind: 'showback',
      dimension: 'team',
      frequency: 'weekly',
      weekday: 'monday',
      channel: 'reports mail',
    };
    await bad({ ...base, kind: 'pdf' }, 'kind');
    await bad({ ...base, dimension: undefined }, 'dimension');
    await bad({ ...base, dimension: 'nope' }, 'dimension');
    await bad({ ...base, weekday: 'someday' }, 'weekday');
    await bad({ ...base, weekday: undefined }, 'weekday');
    await bad({ ...base, frequency: 'monthly', weekday: undefined, dayOfMonth: 31 }, 'dayOfMonth');
    await bad({ ...base, frequency: 'monthly', weekday: undefined }, 'dayOfMonth');
    await bad({ ...base, period: 'last_week' }, 'period');
    await bad({ ...base, channel: 'reports slack' }, 'channel');
    await bad({ ...base, channel: 'nope' }, 'channel');
    await bad({ ...base, recipients: ['not an address'] }, 'recipients.0');
    await bad(
      { kind: 'saved_view', frequency: 'weekly', weekday: 'monday', channel: 'reports mail' },
      'viewId',
    );
    await bad({ ...base, kind: 'saved_view', viewId: 'view_nope', dimension: undefined }, 'viewId');
    await bad({ ...base, colour: 'blue' }, 'colour');

    // A viewer may send a report to their own address, not to the channel's recipients or anyone else.
    const viewer = t.users.viewer;
    const refused = await call('/api/v1/report-schedules', 'POST', base, viewer);
    expect(refused.status).toBe(403);
    const own = await json<Schedule>(
      call('/api/v1/report-schedules', 'POST', { ...base, recipients: [viewer.email] }, viewer),
      201,
    );
    expect(own.cadence).toBe('weekly on Monday');
    expect(own.nextDueAt).toBe('2024-03-11T00:00:00.000Z');
    const other = await call(`/api/v1/report-schedules/${own.id}`, 'DELETE', undefined, t.users.engineer);
    expect(other.status).toBe(204);
  });

  let viewScheduleId = '';
  let viewId = '';

  it('sends a due saved view once, its CSV what the view’s run answers', async () => {
    const view = await json<{ id: string }>(
      call('/api/v1/saved-views', 'POST', {
        name: 'Spend by service, 3 months',
        query: { range: { relative: 'last_3_full_months' }, groupBy: ['service'] },
      }),
      201,
    );
    viewId = view.id;
    const s = await json<Schedule>(
      call('/api/v1/report-schedules', 'POST', {
        kind: 'saved_view',
        viewId,
        frequency: 'weekly',
        weekday: 'tuesday',
        channel: 'reports mail',
      }),
      201,
    );
    viewScheduleId = s.id;
    expect(s.title).toBe('Saved view “Spend by service, 3 months”');
    expect(s.nextDueAt).toBe('2024-03-05T00:00:00.000Z');

    const r = t.ctx.notifications.reports;
    expect(await r.runDue()).toBe(0);
    clock.set('2024-03-05T01:00:00.000Z');
    // Three runs at once: one claims it.
    const queued = await Promise.all([r.runDue(), r.runDue(), r.runDue()]);
    expect(queued.reduce((a, b) => a + b, 0)).toBe(1);
    await t.ctx.notifications.worker.drain();
    const mail = (await eventually(async () => reportMails()[0], 'the saved view report'))!;
    expect(mail.subject).toBe(
      '[Cloudtally] Saved view “Spend by service, 3 months”: 2023-12-01 to 2024-02-29',
    );
    expect((Array.isArray(mail.to) ? mail.to[0] : mail.to)?.text).toBe('finops@a.test');

    const file = attachment(mail);
    const api = await call(`/api/v1/saved-views/${viewId}/run?format=csv`);
    expect(file.filename).toBe(/filename="([^"]+)"/.exec(api.headers.get('content-disposition') ?? '')?.[1]);
    const csv = file.content.toString('utf8');
    expect(csv).toBe(await api.text());
    const run = await json<{
      answer: { total: number; groups: { label: string; series: { cost: number }[] }[] };
    }>(call(`/api/v1/saved-views/${viewId}/run`));
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(['period', 'service', 'label', 'cost', 'currency', 'basis']);
    const costCol = rows[0].indexOf('cost');
    expect(centsOfSum(rows.slice(1).map((row) => row[costCol]))).toBe(cents(run.answer.total));
    for (const g of run.answer.groups)
      expect(rows.filter((row) => row[2] === g.label).map((row) => Number(row[costCol]))).toEqual(
        g.series.map((p) => p.cost).filter((c) => c !== 0),
      );

    // Later runs, the same occurrence: nothing more.
    expect(await r.runDue()).toBe(0);
    expect(reportMails()).toHaveLength(1);
    const after = await schedule(viewScheduleId);
    expect(after.nextDueAt).toBe('2024-03-12T00:00:00.000Z');
    expect(after.lastSentAt).toBe('2024-03-05T01:00:00.000Z');
  });

  let showbackId = '';

  it('sends a due showback report once, its CSV the showback API’s answer for the month to the cent', async () => {
    const s = await json<Schedule>(
      call('/api/v1/report-schedules', 'POST', {
        kind: 'showback',
        dimension: 'team',
        period: 'last_full_month',
        basis: 'net',
        frequency: 'weekly',
        weekday: 'monday',
        channel: 'reports mail',
        recipients: ['owners@a.test', 'cfo@a.test'],
      }),
      201,
    );
    showbackId = s.id;
    expect(s.nextDueAt).toBe('2024-03-11T00:00:00.000Z');
    clock.set('2024-03-11T00:30:00.000Z');
    const r = t.ctx.notifications.reports;
    expect((await Promise.all([r.runDue(), r.runDue()])).reduce((a, b) => a + b, 0)).toBe(1);
    await t.ctx.notifications.worker.drain();
    const mail = (await eventually(async () => reportMails()[1], 'the showback report'))!;
    expect(mail.subject).toBe('[Cloudtally] Showback of team: 2024-02');
    const to = (Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((a) => a!.value.map((v) => v.address));
    expect(to.sort()).toEqual(['cfo@a.test', 'owners@a.test']);

    const file = attachment(mail);
    expect(file.filename).toBe('cloudtally-showback-team-2024-02-2024-02.csv');
    const query = new URLSearchParams({ from: '2024-02-01', to: '2024-02-29', basis: 'net' });
    const want = await json<ShowbackAnswer>(call(`/api/v1/allocation/dimensions/team/showback?${query}`));
    expect(want.rows.length).toBeGreaterThan(1);
    const rows = parseCsv(file.content.toString('utf8'));
    expect(rows[0]).toEqual([
      'month',
      'team',
      'direct',
      'shared',
      'total',
      'share_percent',
      'change',
      'change_percent',
      'currency',
    ]);
    expect(rows).toHaveLength(want.rows.length + 1);
    for (const [i, w] of want.rows.entries()) {
      const row = rows[i + 1];
      expect(row[0]).toBe(w.month);
      expect(row[1]).toBe(w.value);
      expect(cents(Number(row[2]))).toBe(cents(w.direct));
      expect(cents(Number(row[3]))).toBe(cents(w.shared));
      expect(cents(Number(row[4]))).toBe(cents(w.total));
      expect(Number(row[4])).toBe(w.total);
      expect(row[8]).toBe(want.currency);
    }
    expect(centsOfSum(rows.slice(1).map((row) => row[4]))).toBe(
      centsOfSum(want.rows.map((w) => String(w.total))),
    );
    expect(mail.text).toContain('Showback of team');

    expect(await r.runDue()).toBe(0);
    expect(reportMails()).toHaveLength(2);
    expect((await schedule(showbackId)).nextDueAt).toBe('2024-03-18T00:00:00.000Z');
  });

  it('reports a removed saved view on its schedule and keeps sending the others', async () => {
    const gone = await json<{ id: string }>(
      call('/api/v1/saved-views', 'POST', {
        name: 'Soon gone',
        query: { range: { relative: 'last_month' } },
      }),
      201,
    );
    const s = await json<Schedule>(
      call('/api/v1/report-schedules', 'POST', {
        kind: 'saved_view',
        viewId: gone.id,
        frequency: 'monthly',
        dayOfMonth: 12,
        channel: 'reports mail',
      }),
      201,
    );
    expect((await call(`/api/v1/saved-views/${gone.id}`, 'DELETE')).status).toBe(204);
    clock.set('2024-03-12T02:00:00.000Z');
    // The other saved view (weekly on Tuesday) is due too, and is sent.
    expect(await t.ctx.notifications.reports.runDue()).toBe(1);
    const after = await schedule(s.id);
    expect(after.lastError).toMatch(/saved view .* was removed/);
    expect(after.lastSentAt).toBeNull();
    expect(after.nextDueAt).toBe('2024-04-12T00:00:00.000Z');
    const sent = await call(`/api/v1/report-schedules/${s.id}/send`, 'POST');
    expect(await sent.json()).toMatchObject({ ok: false, error: expect.stringMatching(/was removed/) });
    await t.ctx.notifications.worker.drain();
    await eventually(async () => reportMails().length >= 3, 'the other saved view');
    expect(reportMails().filter((m) => m.subject?.includes('Soon gone'))).toHaveLength(0);
  });

  it('sends a report now on request, its due time kept', async () => {
    const before = await schedule(showbackId);
    const res = await json<{ ok: boolean; error: string | null }>(
      call(`/api/v1/report-schedules/${showbackId}/send`, 'POST'),
    );
    expect(res).toEqual({ ok: true, error: null });
    await eventually(async () => reportMails().length >= 4, 'the report sent now');
    expect((await schedule(showbackId)).nextDueAt).toBe(before.nextDueAt);
  });

  it('cloudtally reports schedule|list|send|unschedule, a mistake named by its option', async () => {
    const cli = (args: string[]) =>
      runCli(args, {
        cwd: process.cwd(),
        env: { CLOUDTALLY_URL: t.url, CLOUDTALLY_TOKEN: t.users.manager.token },
      });
    const made = await cli([
      'reports',
      'schedule',
      '--showback',
      'team',
      '--period',
      'month_to_date',
      '--monthly',
      '3',
      '--channel',
      'reports mail',
      '--to',
      'team-leads@a.test',
      '--json',
    ]);
    expect(made.code, made.stderr).toBe(0);
    const s = JSON.parse(made.stdout) as Schedule & { recipients: string[] };
    expect(s).toMatchObject({
      title: 'Showback of team',
      cadence: 'monthly on day 3',
      recipients: ['team-leads@a.test'],
    });
    const list = await cli(['reports', 'list']);
    expect(list.stdout).toContain(s.id);
    expect(list.stdout).toContain('monthly on day 3');
    const sent = await cli(['reports', 'send', s.id]);
    expect(sent.code, sent.stderr).toBe(0);
    const bad = await cli([
      'reports',
      'schedule',
      '--view',
      viewId,
      '--monthly',
      '31',
      '--channel',
      'reports mail',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--monthly must be a day of the month, 1 to 28/);
    const slack = await cli([
      'reports',
      'schedule',
      '--view',
      viewId,
      '--weekly',
      'friday',
      '--channel',
      'reports slack',
    ]);
    expect(slack.code).not.toBe(0);
    expect(slack.stderr).toMatch(/channel: "reports slack" is a slack channel/);
    const gone = await cli(['reports', 'unschedule', s.id]);
    expect(gone.code, gone.stderr).toBe(0);
    expect((await call(`/api/v1/report-schedules/${s.id}`)).status).toBe(404);
  });

  // DuckDB is embedded (one process holds the file): a second server process exists only on PostgreSQL. The test
  // is declared there only, rather than skipped, since a skipped test reads as a missing component.
  if (engine === 'postgres')
    it('of two server processes on the same database, one sends each due report', async () => {
      const store = await t.db.open();
      const other = await createAppContext(t.ctx.config, { log: silentLog, store, clock });
      try {
        // The showback (Mondays) and the saved view (Tuesdays) are both due.
        clock.set('2024-03-19T03:00:00.000Z');
        const runs = await Promise.all([
          t.ctx.notifications.reports.runDue(),
          other.notifications.reports.runDue(),
        ]);
        expect(runs.reduce((a, b) => a + b, 0)).toBe(2);
        expect(await other.notifications.reports.runDue()).toBe(0);
      } finally {
        await other.close();
      }
    });
});
