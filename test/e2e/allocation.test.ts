import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DimensionView } from '../../src/allocation/allocation-service.js';
import { addMonths, isoDate, monthStart } from '../../src/lib/dates.js';
import { insertItems, makeItems } from '../costs/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ensureWebBuilt, launchBrowser, navigate, signIn, type Browser } from './browser.js';

// The Allocation page: a dimension's rules and shared-cost splits, a change previewed before it is saved, the
// showback table and its CSV export (the API's CSV, byte for byte), the AWS cost categories and tag coverage; at a
// desktop and a phone width.

const SIZES = [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
];

describe('allocation page', { timeout: 240_000 }, () => {
  let t: TestServer;
  let b: Browser;
  const from = addMonths(monthStart(isoDate(new Date())), -1);

  beforeAll(async () => {
    ensureWebBuilt();
    t = await startTestServer();
    const org = t.users.manager.orgId;
    await insertItems(t.ctx.store, makeItems(org, from, 40));
    // Cost categories as a CUR load stores them, on one account's lines.
    await t.ctx.store.execute(
      `UPDATE cost_line_items SET x_cost_categories = '{"CostCenter":"product"}' WHERE org_id = $1 AND sub_account_id = '222222222222'`,
      [org],
    );
    const res = await t.request('/api/v1/allocation/dimensions', {
      method: 'POST',
      token: t.users.manager.token,
      body: {
        name: 'team',
        rules: [
          {
            name: 'shared lambda',
            conditions: [{ field: 'service', operator: 'in', values: ['AWS Lambda'] }],
            share: { method: 'fixed', percentages: { platform: 70, data: 30 } },
          },
          { name: 'team tag', valueFromTag: 'user:team' },
        ],
      },
    });
    expect(res.status).toBe(201);
    await vi.waitFor(
      async () => {
        const r = await t.request('/api/v1/allocation/dimensions/team', { token: t.users.viewer.token });
        expect(((await r.json()) as DimensionView).appliedVersion).toBe(1);
      },
      { timeout: 60_000, interval: 100 },
    );
    b = await launchBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  it('shows rules, splits, showback with its CSV, cost categories and coverage; previews a change', async () => {
    const { page } = b;
    await page.setViewportSize(SIZES[0]);
    await signIn(page, t.url, t.users.manager.email, t.users.manager.password);
    await navigate(page, 'Allocation');
    await page.getByRole('heading', { name: 'Allocation', level: 1 }).waitFor();
    expect(await page.title()).toBe('Allocation · Cloudtally');

    const rules = page.getByTestId('rules-table');
    await rules.waitFor();
    expect(await rules.locator('tbody tr').count()).toBe(2);
    expect(await page.getByTestId('shared-splits').innerText()).toContain(
      'Rule 1 (shared lambda): split by fixed shares: platform 70%, data 30%',
    );
    await page.getByTestId('dimension-status').filter({ hasText: 'Applied, version 1 of 1' }).waitFor();

    // Showback: the rows the API answers, and the CSV the API writes.
    const api = (await (
      await t.request('/api/v1/allocation/dimensions/team/showback', { token: t.users.viewer.token })
    ).json()) as { rows: { month: string; value: string }[] };
    const showback = page.getByTestId('showback-table');
    await showback.waitFor();
    expect(await showback.locator('tbody tr').count()).toBe(api.rows.length);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path()) as string, 'utf8');
    const want = await (
      await t.request('/api/v1/allocation/dimensions/team/showback?format=csv', {
        token: t.users.viewer.token,
      })
    ).text();
    expect(csv).toBe(want);
    expect(download.suggestedFilename()).toMatch(/^cloudtally-showback-team-.*\.csv$/);

    // Cost categories and coverage.
    const cats = page.getByTestId('cost-categories');
    await cats.getByRole('link', { name: 'CostCenter' }).waitFor();
    await cats.getByText(/product \$/).waitFor();
    const coverage = page.getByTestId('coverage-table');
    await coverage.waitFor();
    expect(await coverage.locator('thead').textContent()).toContain('Allocated (team)');

    // A change previewed before it is saved: all Lambda spend to one value moves the split spend.
    const editor = page.getByLabel('Definition (JSON)');
    const def = JSON.parse(await editor.inputValue()) as { rules: Record<string, unknown>[] };
    def.rules[0] = { ...def.rules[0], share: undefined, value: 'platform' };
    await editor.fill(JSON.stringify(def));
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByTestId('preview');
    await preview.waitFor();
    expect(await preview.innerText()).toMatch(/would change value/);
    expect(await preview.locator('tbody tr').count()).toBeGreaterThan(0);

    // Saved: the editor is mounted anew for version 2, and the message stays until the next edit.
    await page.getByRole('button', { name: 'Save' }).click();
    await page
      .getByTestId('dimension-status')
      .filter({ hasText: /version \d of 2/ })
      .waitFor();
    const saved = page.getByRole('status').filter({ hasText: 'Saved team' });
    await saved.waitFor();
    const stored = JSON.parse(await editor.inputValue()) as { rules: Record<string, unknown>[] };
    expect(stored.rules[0]).toMatchObject({ value: 'platform' });
    await editor.fill(JSON.stringify({ ...stored, description: 'edited' }));
    await saved.waitFor({ state: 'detached' });

    // Bad JSON is named, and nothing is sent.
    await editor.fill('{ not json');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').filter({ hasText: 'The definition is not JSON' }).waitFor();
    await b.screenshot('allocation-1440');

    await page.setViewportSize(SIZES[1]);
    await page.reload();
    await page.getByTestId('showback-table').waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await b.screenshot('allocation-390');
  });

  it('a viewer sees the page with Save disabled', async () => {
    const { page } = b;
    await page.setViewportSize(SIZES[0]);
    await page.context().clearCookies();
    await signIn(page, t.url, t.users.viewer.email, t.users.viewer.password);
    await page.goto(`${t.url}/allocation?dimension=team`);
    await page.getByTestId('rules-table').waitFor();
    expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
  });
});
