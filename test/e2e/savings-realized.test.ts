import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { daysAgo, insertAccount, insertDailyLines } from '../recommendations/fixtures.js';
import { ensureWebBuilt, launchBrowser, signIn, type Browser } from './browser.js';
import { NO_SIDEWAYS_OVERFLOW } from './demo.js';

/**
 * Savings realized on the Recommendations page, in Chromium: an instance resized 10 days before the bill's newest
 * day (2.37 a day before, 0.41 since) shows its monthly cost before and since and the saving observed, the total
 * is the API's, and the section fits a 390 px screen. Screenshots test-results/screenshots/savings-realized-*.png.
 */

describe('savings realized in the dashboard', { timeout: 180_000 }, () => {
  let t: TestServer;
  let b: Browser;

  beforeAll(async () => {
    ensureWebBuilt();
    t = await startTestServer();
    const orgId = t.users.manager.orgId;
    const aws = '123456789012';
    await insertAccount(t.ctx.store, { id: 'ca_realized', orgId, awsAccountId: aws });
    await insertDailyLines(t.ctx.store, {
      orgId,
      cloudAccountId: 'ca_realized',
      subAccountId: aws,
      resourceId: 'i-resized',
      days: 45,
      dailyCost: (i) => (i < 10 ? 0.41 : i === 10 ? 1 : 2.37),
    });
    await t.ctx.store.execute(
      `INSERT INTO recommendations (id, org_id, cloud_account_id, aws_account_id, region, rule, resource_id,
         resource_type, title, reason, evidence, action, monthly_savings, savings_basis, currency, status,
         closed_reason, closed_at, created_at, updated_at)
       VALUES ('rec_resized', $1, 'ca_realized', $2, 'us-east-1', 'oversized_instance', 'i-resized', 'ec2_instance',
         'Downsize i-resized', 'idle', '{}', 'Resize', 55, 'bill', 'USD', 'closed',
         'No longer applies: the instance is no longer oversized.', $3, $4, $4)`,
      [orgId, aws, daysAgo(10), daysAgo(60)],
    );
    b = await launchBrowser();
    await signIn(b.page, t.url, t.users.viewer.email, t.users.viewer.password);
  });
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  it('shows each recommendation acted on with the saving the bill shows since, and the total', async () => {
    const { page } = b;
    await page.setViewportSize({ width: 1440, height: 900 });
    const api = await t.request('/api/v1/recommendations/realized', { token: t.users.viewer.token });
    const body = (await api.json()) as { totalObservedMonthlySavings: number };
    expect(body.totalObservedMonthlySavings).toBe(58.8);
    await page.goto(`${t.url}/recommendations`);
    const section = page.getByTestId('savings-realized');
    const row = section.locator('tr[data-realized="rec_resized"]');
    await row.waitFor();
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[2]).toContain('$71.10');
    expect(cells[3]).toContain('$12.30');
    expect(cells[3]).toContain('9 days billed');
    expect(cells[4]).toContain('$58.80');
    expect(await section.getByTestId('realized-total').innerText()).toBe('$58.80');
    await b.screenshot('savings-realized-1440');
  });

  it('fits a 390 px screen', async () => {
    const { page } = b;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${t.url}/recommendations`);
    await page.getByTestId('savings-realized').locator('tr[data-realized="rec_resized"]').waitFor();
    expect(await page.evaluate<string[]>(NO_SIDEWAYS_OVERFLOW)).toEqual([]);
    await b.screenshot('savings-realized-390');
  });
});
