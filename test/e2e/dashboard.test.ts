import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  ensureWebBuilt,
  launchBrowser,
  navigate,
  SCREENSHOTS,
  signIn,
  signOut,
  type Browser,
} from './browser.js';

/**
 * The dashboard's must-show flow in Debian's Chromium against a real server and the AWS simulator: connect an
 * assumed-role payer through the wizard (wrong external ID first), watch its first sync, check the overview
 * and the cost explorer against the simulator's truth and the API, dismiss a recommendation, and see that a
 * Viewer gets no Connect button. Every page is photographed into test-results/screenshots.
 */

const PAYER = '111111111111';
const MEMBER = '222222222222';
const ROLE = 'CloudtallyReadOnly';
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** `$1,234.56` → 1234.56 */
function amount(text: string): number {
  return Number(text.replace(/[^0-9.-]/g, ''));
}

interface CostAnswer {
  total: number;
  currency: string;
  groups: { label: string; total: number }[];
}

// Generous limits: the whole suite shares two cores, and a browser waits on real syncs.
describe('web dashboard against the simulator', { timeout: 180_000 }, () => {
  let sim: Simulator;
  let t: TestServer;
  let b: Browser;
  let page: Page;
  let externalId = '';
  const savedEnv = { ...process.env };

  const api = async <T>(path: string, token = t.users.manager.token): Promise<T> => {
    const res = await t.request(path, { token });
    expect(res.status, `${path} answered ${res.status}`).toBe(200);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    ensureWebBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const f of readdirSync(SCREENSHOTS, { withFileTypes: true }))
      if (f.name.startsWith('FAILED-dashboard-')) rmSync(path.join(SCREENSHOTS, f.name));
    // Billing data up to today, so that "month to date" and "last 30 days" have data in the browser's calendar.
    sim = await startSimulator('small', { now: new Date() });
    // Cloudtally's own identity comes from the default credential chain, as on a real host.
    Object.assign(process.env, sim.env());
    const host = sim.scenario.host;
    t = await startTestServer({
      config: {
        awsEndpointUrl: sim.url,
        awsPrincipalArn: `arn:aws:iam::${host.accountId}:user/${host.userName}`,
      },
    });
    await t.ctx.sync.start({ worker: true, scheduler: false });
    b = await launchBrowser();
    page = b.page;
  });

  // The steps build on each other: after a failure the rest would only fail for the same reason.
  let failed = false;
  beforeEach((ctx) => {
    if (failed) ctx.skip();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    failed = true;
    await b
      ?.screenshot(`FAILED-dashboard-${ctx.task.name.replace(/\W+/g, '-').slice(0, 60)}`)
      .catch(() => undefined);
  });

  afterAll(async () => {
    await b?.close();
    await t?.close();
    await sim?.close();
    process.env = savedEnv;
  });

  it('signs in and shows the empty accounts page with the Connect button for a manager', async () => {
    await signIn(page, t.url, t.users.manager.email, t.users.manager.password);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await b.screenshot('overview-empty');
    await navigate(page, 'Accounts');
    await page.getByText('No cloud accounts yet').waitFor();
    expect(await page.getByRole('link', { name: 'Connect cloud account' }).count()).toBe(1);
    await b.screenshot('accounts-empty');
  });

  it('connects an assumed-role account through the wizard: wrong external ID first, then right', async () => {
    await page.getByRole('link', { name: 'Connect cloud account' }).click();
    const assumed = page.getByRole('radio', { name: /Assumed role/ });
    expect(await assumed.isChecked()).toBe(true);
    expect(await page.locator('.choice', { hasText: 'Assumed role' }).innerText()).toContain('Recommended');
    for (const name of ['Root / payer account', 'Linked (member) account', 'Cost Explorer source'])
      await page.getByText(name, { exact: true }).waitFor();
    await b.screenshot('connect-1-type');
    await page.getByRole('button', { name: 'Continue' }).click();

    // The role step: external ID, trust and permission policies with copy buttons, the CloudFormation template.
    const shown = page.getByTestId('external-id');
    await shown.waitFor();
    externalId = (await shown.innerText()).trim();
    const setup = await api<{ externalId: string }>('/api/v1/setup/aws');
    expect(externalId).toBe(setup.externalId);
    expect(await page.locator('.codeblock', { hasText: 'Trust policy' }).innerText()).toContain(externalId);
    await page.getByRole('button', { name: 'Copy trust policy' }).waitFor();
    await page.getByRole('button', { name: 'Copy permission policy' }).waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download CloudFormation template' }).click();
    const template = JSON.parse(await readFile((await (await download).path()) as string, 'utf8')) as {
      Resources: unknown;
    };
    expect(template.Resources).toBeTruthy();
    await b.screenshot('connect-2-role');
    await page.getByRole('button', { name: 'I have created the role' }).click();

    // The form checks each field with the API's rules as the user leaves it.
    const accountId = page.getByLabel('AWS account ID');
    await accountId.fill('1234');
    await page.getByLabel('Role name').click();
    await page.getByText('must be a 12-digit AWS account ID').waitFor();
    await b.screenshot('connect-3-inline-validation');
    await accountId.fill(PAYER);
    await page.getByLabel('Name', { exact: true }).fill('Acme payer');
    await page.getByLabel('Role name').fill(ROLE);
    await page.getByLabel('Export name').fill('small-cur2');
    await page.getByLabel('S3 bucket').fill('small-cur');
    await page.getByLabel('S3 prefix').fill('cur2');
    await page.getByLabel('Import all member accounts').check();
    expect(await page.getByText('must be a 12-digit AWS account ID').count()).toBe(0);
    await b.screenshot('connect-3-form');
    await page.getByRole('button', { name: 'Connect and validate' }).click();

    // The role in AWS still names another external ID: the failed step says what to fix.
    const failed = page.locator('.validation-steps li[data-state="fail"]');
    await failed.first().waitFor();
    const failure = await failed.first().innerText();
    expect(failure).toContain('How to fix');
    expect(failure).toContain('sts:ExternalId');
    await b.screenshot('connect-4-validation-failed');
    expect((await api<{ items: unknown[] }>('/api/v1/cloud-accounts')).items).toHaveLength(0);

    // The user fixes the trust policy in AWS, then validates again.
    sim.setRoleExternalId(`arn:aws:iam::${PAYER}:role/${ROLE}`, externalId);
    await page.getByRole('button', { name: 'Validate again' }).click();
    await page.getByText('The connection works.').waitFor();
    for (const step of ['credentials', 'identity', 'bucket', 'export'])
      expect(await page.locator(`li[data-step="${step}"]`).getAttribute('data-state')).toBe('pass');
    await b.screenshot('connect-5-validation-ok');
  });

  it('follows the first sync until the account is healthy', async () => {
    await page.getByRole('button', { name: 'Continue to the first sync' }).click();
    await page.getByRole('heading', { name: 'First sync' }).waitFor();
    await page.getByTestId('sync-status').locator('[data-state="healthy"]').waitFor({ timeout: 120_000 });
    await page.locator('li[data-stage="billing"][data-state="succeeded"]').waitFor();
    await b.screenshot('connect-6-first-sync');
    const [account] = (await api<{ items: { status: { state: string } }[] }>('/api/v1/cloud-accounts')).items;
    expect(account.status.state).toBe('healthy');
  });

  it('lists the payer with its discovered member accounts and connects one from there', async () => {
    await page.getByRole('link', { name: 'Done' }).click();
    const row = page.locator('tr[data-account]', { hasText: 'Acme payer' });
    await row.locator('[data-state="healthy"]').waitFor();
    expect(await row.innerText()).toMatch(/through/);
    const discovered = page.locator(`tr[data-discovered="${MEMBER}"]`);
    await discovered.waitFor();
    expect(await discovered.innerText()).toContain('Discovered, not connected');
    await b.screenshot('accounts');

    sim.setRoleExternalId(`arn:aws:iam::${MEMBER}:role/${ROLE}`, externalId);
    await discovered.getByRole('button', { name: /Connect/ }).click();
    expect(await page.getByLabel('AWS account ID').inputValue()).toBe(MEMBER);
    await page.getByRole('radio', { name: 'An IAM role Cloudtally assumes' }).check();
    await page.getByLabel('Role name').fill(ROLE);
    await page.getByRole('button', { name: 'Connect and validate' }).click();
    // The member's role may not describe load balancers: connected, with that step failed and what to fix.
    const discovery = page.locator('li[data-step="discovery"][data-state="fail"]');
    await discovery.waitFor();
    expect(await discovery.innerText()).toContain('elasticloadbalancing:DescribeLoadBalancers');
    const role = sim.world.roles.find((r) => r.arn === `arn:aws:iam::${MEMBER}:role/${ROLE}`);
    sim.addRole({
      accountId: MEMBER,
      name: ROLE,
      trust: { principals: role?.trustPrincipals ?? [], externalId },
      allow: [...(role?.allow ?? []), 'elasticloadbalancing:Describe*'],
    });
    await page.getByRole('button', { name: 'Validate again' }).click();
    await page.getByText('The connection works.').waitFor();
    await page.getByRole('button', { name: 'Continue to the first sync' }).click();
    await page.getByTestId('sync-status').locator('[data-state="healthy"]').waitFor({ timeout: 120_000 });
    await page.getByRole('link', { name: 'Done' }).click();
    await page.locator('tr.sub-row[data-account]').first().waitFor();
    expect(await page.locator(`tr[data-discovered="${MEMBER}"]`).count()).toBe(0);
    await b.screenshot('accounts-with-member');
  });

  it('shows the account detail: settings, diagnostics and the sync history with stages', async () => {
    await page.getByRole('link', { name: 'Acme payer' }).click();
    await page.getByRole('heading', { name: 'Acme payer' }).waitFor();
    await page.getByText('Connected to AWS account').waitFor();
    await b.screenshot('account-detail-status');
    await page.getByRole('tab', { name: 'Sync history' }).click();
    const runs = page.locator('tr[data-run]');
    await runs.first().waitFor();
    const before = await runs.count();
    await page.getByRole('button', { name: 'Sync Acme payer now' }).click();
    await expect.poll(() => runs.count(), { timeout: 60_000 }).toBe(before + 1);
    const run = runs.first();
    expect(await run.innerText()).toContain('Sync now');
    await run.locator('[data-state="succeeded"]').waitFor({ timeout: 60_000 });
    await run.getByRole('button', { name: 'Stages' }).click();
    await page.locator('li[data-stage="inventory"]').waitFor();
    await b.screenshot('account-detail-history');
    await page.getByRole('tab', { name: 'Settings' }).click();
    expect(await page.getByLabel('Role name').inputValue()).toBe(ROLE);
    await page.getByRole('button', { name: 'Remove…' }).click();
    await page.getByRole('dialog').getByText('This cannot be undone').waitFor();
    await b.screenshot('account-detail-remove-confirmation');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  });

  it('shows the overview with the month-to-date total of the bill and the daily chart', async () => {
    await navigate(page, 'Overview');
    const mtd = page.getByTestId('mtd-total');
    // The figure arrives with the summary request: on a busy machine that takes longer than expect.poll's 1 s.
    await expect.poll(() => mtd.innerText(), { timeout: 15_000 }).toMatch(/\d/);
    const summary = await api<{ monthToDate: { from: string; to: string; total: number } }>(
      '/api/v1/costs/summary',
    );
    expect(await mtd.innerText()).toBe(usd.format(summary.monthToDate.total));
    // The simulator's truth: every account of the payer's export (the payer imports all members).
    const rows = sim.truth.exports['small-cur2'].daily.filter(
      (r) => r.day >= summary.monthToDate.from && r.day <= summary.monthToDate.to,
    );
    const truth = rows.reduce((s, r) => s + r.billed, 0);
    // Truth rows are rounded to the cent each; the stored line items are not.
    expect(Math.abs(amount(await mtd.innerText()) - truth)).toBeLessThanOrEqual(0.005 * rows.length + 0.01);
    const chart = page.getByRole('img', { name: 'Daily cost of the last 30 days by service' });
    await chart.locator('.recharts-bar-rectangle').first().waitFor();
    expect(await chart.locator('.recharts-legend-item').count()).toBeGreaterThan(1);
    await page.getByTestId('open-savings').waitFor();
    await b.screenshot('overview');
  });

  it('groups the cost explorer by service with totals equal to the API, keeps the view in the URL, exports CSV', async () => {
    await navigate(page, 'Cost explorer');
    await page.getByLabel('Date range').selectOption({ label: 'Last 3 months' });
    await page.getByLabel('Group by').selectOption('service');
    const grand = page.locator('[data-grand-total]');
    await grand.waitFor();
    // The view reaches the address after the selects change; read it once it carries the grouping.
    const settle = { timeout: 15_000 };
    await expect.poll(() => new URL(page.url()).searchParams.get('groupBy'), settle).toBe('service');
    const params = new URL(page.url()).searchParams;
    expect(params.get('granularity')).toBe('month');
    const answer = await api<CostAnswer>(`/api/v1/costs?${params.toString()}&limit=50`);
    await expect.poll(() => grand.innerText(), settle).toBe(usd.format(answer.total));
    expect(answer.total).toBeGreaterThan(0);
    const table = page.getByRole('region', { name: 'Cost table' });
    for (const g of answer.groups.slice(0, 5)) {
      const row = table.locator('tbody tr', { hasText: g.label });
      await expect.poll(() => row.locator('[data-total]').innerText(), settle).toBe(usd.format(g.total));
    }
    await page
      .getByRole('img', { name: /Cost by service/i })
      .locator('.recharts-bar-rectangle')
      .first()
      .waitFor();
    await b.screenshot('cost-explorer');

    // A shared address opens the same view.
    await page.goto(page.url());
    await expect.poll(() => grand.innerText(), settle).toBe(usd.format(answer.total));

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const csv = (await readFile((await (await download).path()) as string, 'utf8')).trim().split('\n');
    const header = csv[0].split(',');
    const costColumn = header.indexOf('cost');
    expect(costColumn).toBeGreaterThan(0);
    const csvTotal = csv
      .slice(1)
      .reduce((s, line) => s + Number(line.split(',').at(costColumn - header.length)), 0);
    expect(Math.abs(csvTotal - answer.total)).toBeLessThan(0.01);
  });

  it('dismisses a recommendation with a reason', async () => {
    await navigate(page, 'Recommendations');
    const first = page.locator('tr[data-recommendation]').first();
    await first.waitFor();
    const id = (await first.getAttribute('data-recommendation')) as string;
    await b.screenshot('recommendations');
    await first.getByRole('button', { name: 'Dismiss' }).click();
    const dialog = page.getByRole('dialog', { name: 'Dismiss recommendation' });
    await dialog.getByRole('radio', { name: 'Not worth the effort' }).check();
    await dialog.getByLabel('Note (optional)').fill('browser test');
    await b.screenshot('recommendation-dismiss');
    await dialog.getByRole('button', { name: 'Dismiss' }).click();
    await page.locator(`tr[data-recommendation="${id}"]`).waitFor({ state: 'detached' });
    const rec = await api<{ state: string; stateReason: string }>(`/api/v1/recommendations/${id}`);
    expect(rec.state).toBe('dismissed');
    expect(rec.stateReason).toBe('Not worth the effort: browser test');
    await page.getByRole('button', { name: 'Dismissed' }).click();
    await page.locator(`tr[data-recommendation="${id}"]`).waitFor();
    await b.screenshot('recommendations-dismissed');
  });

  it('lists the resources with their cost and utilization', async () => {
    await navigate(page, 'Resources');
    await page.locator('tr[data-resource]').first().waitFor();
    const list = await api<{ total: number }>('/api/v1/resources?limit=1');
    expect(await page.getByTestId('resource-count').innerText()).toContain(`${list.total} resource`);
    await page.locator('svg.sparkline').first().waitFor();
    await b.screenshot('resources');
    await navigate(page, 'Settings');
    await page.getByRole('tab', { name: 'Cloud access & sync' }).click();
    await page.getByTestId('external-id').waitFor();
    await b.screenshot('settings-cloud-access');
  });

  it('shows a Viewer no Connect button and disables what the role may not do, with the reason', async () => {
    await signOut(page);
    await signIn(page, t.url, t.users.viewer.email, t.users.viewer.password);
    await navigate(page, 'Accounts');
    await page.locator('tr[data-account]').first().waitFor();
    expect(await page.getByRole('link', { name: /Connect/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Connect/ }).count()).toBe(0);
    const sync = page.getByRole('button', { name: /Sync .* now/ }).first();
    expect(await sync.isDisabled()).toBe(true);
    expect(await sync.getAttribute('title')).toContain('Engineer or Organization Manager');
    await b.screenshot('accounts-viewer');
    await navigate(page, 'Recommendations');
    const dismiss = page.locator('tr[data-recommendation]').first().getByRole('button', { name: 'Dismiss' });
    await dismiss.waitFor();
    expect(await dismiss.isDisabled()).toBe(true);
  });
});
