import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { verifySignature } from '../../src/notifications/channels/webhook-message.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startHttpReceiver, type HttpReceiver } from '../notifications/receivers.js';
import { ensureWebBuilt, launchBrowser, navigate, signIn, type Browser } from './browser.js';

// The Notifications page in Chromium: a webhook channel created in the form, its test message received by a real
// local HTTP receiver (signed, linking back to this page), a failing test's error shown, a rule routing anomalies
// to the channel, the delivery that rule queued in the history, edit and delete; the secret never reaches the
// page. At 390×844 and 1440×900 the page does not scroll sideways.

const SECRET = 'whsec-browser-3c9e4f1a2b';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };

const WIDTHS = `(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }))()`;

async function noSidewaysScroll(page: Page): Promise<void> {
  const m = await page.evaluate<{ scrollWidth: number; innerWidth: number }>(WIDTHS);
  expect(m.scrollWidth, `page ${m.scrollWidth}px wide in a ${m.innerWidth}px window`).toBeLessThanOrEqual(
    m.innerWidth,
  );
}

describe('notifications page', { timeout: 180_000 }, () => {
  let t: TestServer;
  let b: Browser;
  let http: HttpReceiver;
  beforeAll(async () => {
    ensureWebBuilt();
    http = await startHttpReceiver();
    t = await startTestServer({ config: { notificationPollMs: 50, notificationRetryMs: 20 } });
    b = await launchBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await t?.close();
    await http?.close();
  });

  it('creates a webhook channel, sends a test message to a real receiver, routes a rule and shows deliveries', async () => {
    const { page } = b;
    await page.setViewportSize(DESKTOP);
    await signIn(page, t.url, t.users.manager.email, t.users.manager.password);
    await navigate(page, 'Notifications');
    await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    await page.getByText('No channels yet').waitFor();

    // A webhook channel through the form.
    await page.getByRole('button', { name: 'Add channel' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add channel' });
    await dialog.getByLabel('Kind').selectOption('webhook');
    await dialog.getByLabel('Name').fill('ops-hook');
    await dialog.getByLabel('Webhook URL').fill(`${http.url}/hook`);
    await dialog.getByLabel('Signing secret').fill(SECRET);
    await dialog.getByRole('button', { name: 'Add channel' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.locator('tr[data-channel="ops-hook"]');
    await row.waitFor();
    expect(await row.innerText()).toContain(`${http.url}/hook`);

    // Send test: the receiver gets a signed request that links to this page, and the page says it went.
    await page.getByRole('button', { name: 'Send test message to ops-hook' }).click();
    await row.getByRole('status').filter({ hasText: 'Test message sent' }).waitFor();
    expect(http.requests).toHaveLength(1);
    const req = http.requests[0]!;
    expect(req.path).toBe('/hook');
    expect(req.headers['x-cloudtally-event']).toBe('test');
    const signed = verifySignature(
      SECRET,
      {
        timestamp: String(req.headers['x-cloudtally-timestamp']),
        signature: String(req.headers['x-cloudtally-signature']),
      },
      req.body,
    );
    expect(signed).toBe(true);
    const link = new URL((req.json as { link: string }).link);
    expect(link.pathname).toBe('/notifications');
    await row.getByText(/Delivered/).waitFor();

    // A receiver that refuses: the test's error is shown on the row.
    http.statuses.push(400);
    await page.getByRole('button', { name: 'Send test message to ops-hook' }).click();
    await row.getByRole('status').filter({ hasText: 'Test failed' }).waitFor();
    expect(await row.getByRole('status').innerText()).toMatch(/400/);

    // Edit: the secret field starts empty (write-only); a new name is saved without touching it.
    await page.getByRole('button', { name: 'Edit ops-hook' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit channel ops-hook' });
    expect(await edit.getByLabel('Signing secret').inputValue()).toBe('');
    await edit.getByLabel('Name').fill('ops-webhook');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await page.locator('tr[data-channel="ops-webhook"]').waitFor();

    // A rule: anomalies of at least 100 to the channel.
    await page.getByRole('button', { name: 'Add rule' }).click();
    const ruleDialog = page.getByRole('dialog', { name: 'Add alert rule' });
    await ruleDialog.getByLabel('Name').fill('big-anomalies');
    await ruleDialog.getByLabel('Event').selectOption('cost_anomaly');
    await ruleDialog.getByLabel('Least cost impact').fill('100');
    await ruleDialog.getByLabel('ops-webhook').check();
    await ruleDialog.getByRole('button', { name: 'Add rule' }).click();
    await ruleDialog.waitFor({ state: 'detached' });
    const ruleRow = page.locator('tr[data-rule="big-anomalies"]');
    await ruleRow.waitFor();
    expect(await ruleRow.innerText()).toMatch(/New cost anomaly[\s\S]*impact ≥ 100[\s\S]*ops-webhook/);
    const rules = (await (
      await t.request('/api/v1/alert-rules', { token: t.users.manager.token })
    ).json()) as { items: { name: string; params: Record<string, unknown> }[] };
    expect(rules.items.find((r) => r.name === 'big-anomalies')?.params).toEqual({ minImpact: 100 });

    // An anomaly the rule lets through is delivered, and the history shows it.
    const n = t.ctx.notifications;
    const queued = await n.raiseNow({
      orgId: t.users.manager.orgId,
      type: 'cost_anomaly',
      dedupeKey: 'anomaly:browser',
      match: { impact: 420 },
      message: {
        severity: 'warning',
        title: 'Amazon S3 spend jumped',
        summary: 'S3 cost 420 USD more than expected.',
        facts: [],
        path: '/costs',
        data: { impact: 420 },
      },
    });
    expect(queued).toBe(1);
    n.start();
    await expect.poll(() => http.requests.length, { timeout: 30_000 }).toBe(2);
    await page.getByRole('button', { name: 'Refresh' }).click();
    const delivered = page.locator('section[aria-labelledby="deliveries-title"] tbody tr');
    await delivered.filter({ hasText: 'Amazon S3 spend jumped' }).filter({ hasText: 'Sent' }).waitFor();

    // The secret is nowhere on the page.
    expect(await page.content()).not.toContain(SECRET);

    await noSidewaysScroll(page);
    await b.screenshot('notifications-desktop');
    await page.setViewportSize(PHONE);
    await page.reload();
    await page.locator('tr[data-channel="ops-webhook"]').waitFor();
    await noSidewaysScroll(page);
    await b.screenshot('notifications-phone');
    await page.getByRole('button', { name: 'Add channel' }).click();
    await page.getByRole('dialog', { name: 'Add channel' }).waitFor();
    await noSidewaysScroll(page);
    await page.keyboard.press('Escape');
    await page.setViewportSize(DESKTOP);

    // Delete: the channel goes, and so does its place in the rule.
    await page.getByRole('button', { name: 'Delete ops-webhook' }).click();
    await page
      .getByRole('dialog', { name: 'Delete channel' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.locator('tr[data-channel="ops-webhook"]').waitFor({ state: 'detached' });
    await page.getByText('No channels yet').waitFor();
  });

  it('shows a viewer the channels with the changing actions disabled', async () => {
    await t.request('/api/v1/notifications/channels', {
      method: 'POST',
      token: t.users.manager.token,
      body: { kind: 'slack', name: 'team-slack', url: `${http.url}/services/T0/B0/secret-path` },
    });
    const { page } = b;
    await page.context().clearCookies();
    await signIn(page, t.url, t.users.viewer.email, t.users.viewer.password);
    await page.goto(`${t.url}/notifications`);
    const row = page.locator('tr[data-channel="team-slack"]');
    await row.waitFor();
    expect(await row.innerText()).not.toContain('secret-path');
    expect(await page.getByRole('button', { name: 'Send test message to team-slack' }).isDisabled()).toBe(
      true,
    );
    expect(await page.getByRole('button', { name: 'Add channel' }).isDisabled()).toBe(true);
  });
  it('lets anyone take their own digest by e-mail and a manager subscribe a channel; lists and removes them', async () => {
    const post = async (body: unknown) =>
      t.request('/api/v1/notifications/channels', { method: 'POST', token: t.users.manager.token, body });
    await post({
      kind: 'email',
      name: 'finops-mail',
      config: { host: '127.0.0.1', port: 2525, security: 'none', from: 'ct@a.test', to: ['finops@a.test'] },
    });
    await post({ kind: 'slack', name: 'digest-slack', url: `${http.url}/services/T0/B0/digest` });
    const listed = async () =>
      (
        (await (
          await t.request('/api/v1/notifications/digests', { token: t.users.manager.token })
        ).json()) as {
          items: { id: string; userId: string | null; recipient: string | null; frequency: string }[];
        }
      ).items;
    const { page } = b;
    await page.setViewportSize(DESKTOP);
    await page.context().clearCookies();
    await signIn(page, t.url, t.users.manager.email, t.users.manager.password);
    await page.goto(`${t.url}/notifications`);
    const panel = page.locator('section[aria-labelledby="digests-title"]');
    await panel.getByText('No digests yet').waitFor();

    // The manager's own daily digest, through the e-mail channel.
    const mine = panel.getByRole('form', { name: `Your own digest, to ${t.users.manager.email}` });
    await mine.getByLabel('Mail server (e-mail channel)').selectOption({ label: 'finops-mail' });
    await mine.getByLabel('Frequency').selectOption('daily');
    await mine.getByRole('button', { name: 'Subscribe me' }).click();
    await panel
      .getByRole('row')
      .filter({ hasText: `You (${t.users.manager.email})` })
      .waitFor();
    // A channel's weekly digest: the Slack channel.
    const channel = panel.getByRole('form', { name: "A channel's digest" });
    await channel.getByLabel('Channel').selectOption({ label: 'digest-slack' });
    await channel.getByRole('button', { name: 'Subscribe channel' }).click();
    const slackRow = panel.getByRole('row').filter({ hasText: 'Channel digest-slack' });
    await slackRow.waitFor();
    expect(await slackRow.innerText()).toContain('Weekly');
    expect(
      (await listed()).map((d) => ({ user: d.userId, recipient: d.recipient, frequency: d.frequency })),
    ).toEqual(
      expect.arrayContaining([
        { user: t.users.manager.userId, recipient: t.users.manager.email, frequency: 'daily' },
        { user: null, recipient: null, frequency: 'weekly' },
      ]),
    );
    // The same subscription again is refused, with the reason shown.
    await channel.getByRole('button', { name: 'Subscribe channel' }).click();
    await panel.getByText('"digest-slack" already gets the weekly digest.').waitFor();
    await noSidewaysScroll(page);
    await page.setViewportSize(PHONE);
    await slackRow.waitFor();
    await noSidewaysScroll(page);
    await page.setViewportSize(DESKTOP);

    // Removed: the channel's digest goes, the personal one stays.
    await panel.getByRole('button', { name: 'Remove the weekly digest to Channel digest-slack' }).click();
    await page.getByRole('dialog', { name: 'Remove digest' }).getByRole('button', { name: 'Remove' }).click();
    await slackRow.waitFor({ state: 'detached' });
    expect((await listed()).map((d) => d.recipient)).toEqual([t.users.manager.email]);

    // A viewer takes a digest for themselves only: no channel form, and no way to remove the manager's.
    await page.context().clearCookies();
    await signIn(page, t.url, t.users.viewer.email, t.users.viewer.password);
    await page.goto(`${t.url}/notifications`);
    await panel.getByRole('row').filter({ hasText: t.users.manager.email }).waitFor();
    expect(await panel.getByRole('form', { name: "A channel's digest" }).count()).toBe(0);
    expect(await panel.getByRole('button', { name: /^Remove/ }).count()).toBe(0);
    const viewers = panel.getByRole('form', { name: `Your own digest, to ${t.users.viewer.email}` });
    await viewers.getByRole('button', { name: 'Subscribe me' }).click();
    const own = panel.getByRole('row').filter({ hasText: `You (${t.users.viewer.email})` });
    await own.waitFor();
    expect(await own.innerText()).toContain('Weekly');
    await panel
      .getByRole('button', { name: `Remove the weekly digest to You (${t.users.viewer.email})` })
      .click();
    await page.getByRole('dialog', { name: 'Remove digest' }).getByRole('button', { name: 'Remove' }).click();
    await own.waitFor({ state: 'detached' });
    expect((await listed()).map((d) => d.recipient)).toEqual([t.users.manager.email]);
  });
});
