import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { runCli, scratchDir, startCliServer, type CliServer, type Scratch } from '../cli/cli-support.js';
import { createPostgresDatabase, ENGINES, type TestDatabase } from '../helpers/stores.js';
import { eventually } from '../sync/helpers.js';
import { payerBody, SMALL_PAYER, simulatorEnv, trustOrganization } from '../sync/sim-support.js';
import { startHttpReceiver, startSmtpCapture, type HttpReceiver, type SmtpCapture } from './receivers.js';

// The must-show of budget alerts: a budget on a simulated account crosses 80 % of actual spend and 100 % of the
// forecast after a billing load, and exactly one e-mail (the actual-spend rule) reaches a real SMTP server and
// one Slack-shaped webhook (the forecast rule) a local receiver — with the receivers down at first, the server
// SIGKILLed while the deliveries wait for their retry, and restarted: nothing lost, nothing sent twice.

const EMAIL = 'alerts@a.test';
const PASSWORD = 'a-long-password-1';

interface Run {
  id: string;
  state: string;
}
interface Delivery {
  id: string;
  state: string;
  attempts: number;
  channelId: string;
}

describe.each(ENGINES)('budget alerts end to end on %s (real server processes, kill -9)', (engine) => {
  let sim: Simulator;
  let scratch: Scratch;
  let pg: TestDatabase | undefined;
  let storeArgs: string[];
  let env: Record<string, string>;
  let token: string;
  let server: CliServer | undefined;
  let smtp: SmtpCapture | undefined;
  let slack: HttpReceiver | undefined;
  let smtpPort: number;
  let slackPort: number;
  let payerId: string;

  const api = async <T>(p: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
    const res = await fetch(server!.url + p, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${p}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const serve = async () => {
    server = await startCliServer(['--port', '0', ...storeArgs], { cwd: scratch.dir, env });
  };
  const syncAndWait = async () => {
    const run = await api<Run>(`/api/v1/cloud-accounts/${payerId}/sync`, { method: 'POST' });
    await expect
      .poll(async () => (await api<Run>(`/api/v1/sync-runs/${run.id}`)).state, {
        timeout: 120_000,
        interval: 250,
      })
      .toBe('succeeded');
  };
  const deliveries = async () => (await api<{ items: Delivery[] }>('/api/v1/notifications/deliveries')).items;

  beforeAll(async () => {
    sim = await startSimulator('small', { now: new Date() });
    scratch = scratchDir(`notify-${engine}`);
    if (engine === 'postgres') {
      pg = await createPostgresDatabase();
      storeArgs = ['--database-url', pg.databaseUrl!];
    } else {
      storeArgs = ['--data-dir', path.join(scratch.dir, 'data')];
    }
    env = {
      ...simulatorEnv(sim),
      CLOUDTALLY_SECRET_KEY: randomBytes(32).toString('base64'),
      CLOUDTALLY_SCHEDULER: 'false',
      CLOUDTALLY_LOG_LEVEL: 'warn',
      CLOUDTALLY_PUBLIC_URL: 'https://cost.example.test',
      CLOUDTALLY_NOTIFICATION_POLL_MS: '100',
      CLOUDTALLY_NOTIFICATION_RETRY_MS: '200',
      CLOUDTALLY_NOTIFICATION_MAX_ATTEMPTS: '50',
    };
    const created = await runCli(
      [
        'users',
        'create',
        ...storeArgs,
        '--org',
        'Acme',
        '--email',
        EMAIL,
        '--role',
        'manager',
        '--password',
        PASSWORD,
      ],
      { cwd: scratch.dir, env },
    );
    expect(created.code, created.stderr).toBe(0);
    const tokens = await runCli(['tokens', 'create', ...storeArgs, '--email', EMAIL, '--name', 'e2e'], {
      cwd: scratch.dir,
      env,
    });
    expect(tokens.code, tokens.stderr).toBe(0);
    token = tokens.stdout.trim();
    // The receivers start to learn their ports, then go down until after the crash.
    smtp = await startSmtpCapture();
    slack = await startHttpReceiver();
    smtpPort = smtp.port;
    slackPort = Number(new URL(slack.url).port);
    await smtp.close();
    await slack.close();
    smtp = undefined;
    slack = undefined;

    await serve();
    const setup = await api<{ externalId: string }>('/api/v1/setup/aws');
    trustOrganization(sim, setup.externalId, [SMALL_PAYER.roleArn]);
    payerId = (
      await api<{ id: string }>('/api/v1/cloud-accounts', {
        method: 'POST',
        body: { ...payerBody(), memberImport: 'all' },
      })
    ).id;
    await eventually(
      async () =>
        (await api<{ items: Run[] }>(`/api/v1/cloud-accounts/${payerId}/sync-runs`)).items[0]?.state ===
        'succeeded',
      'the first sync',
      120_000,
    );
  }, 300_000);

  afterAll(async () => {
    if (server) await server.stop('SIGKILL');
    await smtp?.close();
    await slack?.close();
    await sim?.close();
    await pg?.destroy();
    scratch?.remove();
  });

  it('sends one e-mail and one Slack message for the thresholds crossed, once, across kill -9 and restart', async () => {
    const mail = await api<{ id: string }>('/api/v1/notifications/channels', {
      method: 'POST',
      body: {
        kind: 'email',
        name: 'finops mail',
        config: {
          host: '127.0.0.1',
          port: smtpPort,
          security: 'none',
          from: 'cloudtally@a.test',
          to: ['finops@a.test'],
        },
      },
    });
    const chat = await api<{ id: string }>('/api/v1/notifications/channels', {
      method: 'POST',
      body: {
        kind: 'slack',
        name: 'finops slack',
        url: `http://127.0.0.1:${slackPort}/services/T1/B1/secret`,
      },
    });
    await api('/api/v1/alert-rules', {
      method: 'POST',
      body: {
        name: 'spend',
        eventType: 'budget_threshold',
        params: { kinds: ['actual'] },
        channelIds: [mail.id],
      },
    });
    await api('/api/v1/alert-rules', {
      method: 'POST',
      body: {
        name: 'forecast',
        eventType: 'budget_threshold',
        params: { kinds: ['forecast'] },
        channelIds: [chat.id],
      },
    });
    // A budget at 85 % of this month's spend so far: 80 % of actual is reached, and the forecast passes 100 %.
    const budget = await api<{ id: string; status: { spent: number; forecast: { total: number } } }>(
      '/api/v1/budgets',
      { method: 'POST', body: { name: 'Whole bill', amount: 1e9 } },
    );
    const amount = Math.round((budget.status.spent / 0.85) * 100) / 100;
    expect(budget.status.spent).toBeGreaterThan(0);
    const tight = await api<{ status: { state: string; forecast: { total: number } } }>(
      `/api/v1/budgets/${budget.id}`,
      { method: 'PATCH', body: { amount } },
    );
    expect(tight.status.forecast.total).toBeGreaterThan(amount);

    // A new refresh of the month: the billing load evaluates the budget and queues the two alerts.
    await sim.restatePeriod(new Date().toISOString().slice(0, 7));
    await syncAndWait();
    await expect
      .poll(async () => (await deliveries()).map((d) => d.attempts > 0 && d.state === 'pending'), {
        timeout: 30_000,
      })
      .toEqual([true, true]);

    // Killed while both deliveries wait for their next try; the receivers come back on the same ports.
    expect((await server!.stop('SIGKILL')).signal).toBe('SIGKILL');
    server = undefined;
    smtp = await startSmtpCapture({ port: smtpPort });
    slack = await startHttpReceiver(slackPort);
    await serve();
    await expect
      .poll(async () => (await deliveries()).map((d) => d.state), { timeout: 90_000 })
      .toEqual(['sent', 'sent']);
    expect(smtp.mails).toHaveLength(1);
    expect(slack.requests).toHaveLength(1);
    expect(smtp.mails[0].subject).toBe('[Cloudtally] Budget "Whole bill" has used 80 % of its amount');
    expect(smtp.mails[0].text).toContain(
      `Open in Cloudtally: https://cost.example.test/budgets?budget=${budget.id}`,
    );
    const blocks = (slack.requests[0].json as { blocks: { type: string; text?: { text: string } }[] }).blocks;
    expect(blocks[0]).toMatchObject({
      type: 'header',
      text: { text: 'Budget "Whole bill" is forecast to reach 100 % of its amount' },
    });
    expect(slack.requests[0].path).toBe('/services/T1/B1/secret');

    // Killed again after sending, restarted, another load and evaluation: nothing new is queued or sent.
    expect((await server!.stop('SIGKILL')).signal).toBe('SIGKILL');
    server = undefined;
    await serve();
    await sim.restatePeriod(new Date().toISOString().slice(0, 7));
    await syncAndWait();
    await api('/api/v1/budgets/evaluate', { method: 'POST' });
    const after = await deliveries();
    expect(after.map((d) => d.state)).toEqual(['sent', 'sent']);
    expect(smtp.mails).toHaveLength(1);
    expect(slack.requests).toHaveLength(1);
  }, 400_000);
});
