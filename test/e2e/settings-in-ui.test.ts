import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunningDemo } from '../../src/cli/demo-command.js';
import { ensureWebBuilt, launchBrowser, signIn, type Browser } from './browser.js';
import { demoApi, NO_SIDEWAYS_OVERFLOW, startDemoWithData, type DemoData } from './demo.js';

/**
 * Settings that were API- or CLI-only, in the dashboard on the demo, in Chromium: a rule's thresholds changed on
 * the Recommendations page are what the API then answers (and a bad value is refused naming the field); the cost
 * explorer downloads the view's line items in FOCUS columns as CSV and as Parquet; an account's own sync schedule
 * is set (a bad interval named at its field) and given back to the organization's. Screenshots in
 * test-results/screenshots/settings-*.png at 390×844 and 1440×900.
 */

async function settle(page: Page): Promise<void> {
  await page.locator('#main h1').first().waitFor();
  await page.waitForLoadState('networkidle');
  await page.locator('#main [aria-busy="true"], #main .skeleton').first().waitFor({ state: 'detached' });
}

describe('settings reachable in the dashboard', { timeout: 600_000 }, () => {
  let data: DemoData;
  let demo: RunningDemo;
  let b: Browser;
  let page: Page;

  beforeAll(async () => {
    ensureWebBuilt();
    data = await startDemoWithData('settings-ui');
    demo = data.demo;
    b = await launchBrowser();
    page = b.page;
    await page.setViewportSize({ width: 1440, height: 900 });
    await signIn(page, demo.url, demo.email, demo.password);
  }, 420_000);

  afterAll(async () => {
    await b?.close();
    await data?.stop();
  });

  it("changes a rule's thresholds as the API then answers, and names a bad value", async () => {
    await page.goto(`${demo.url}/recommendations`);
    await settle(page);
    await page.getByTestId('rule-thresholds').locator('summary').click();
    const form = page.locator('form[data-rule-settings="old_snapshot"]');
    await form.getByLabel('Min age days').fill('120');
    await form.getByRole('button', { name: /^Save/ }).click();
    await form.getByText('Saved. The next sync applies them.').waitFor();
    const s = await demoApi<{ settings: Record<string, Record<string, unknown>> }>(
      demo,
      '/api/v1/recommendations/settings',
    );
    expect(s.settings.old_snapshot.minAgeDays).toBe(120);
    await b.screenshot('settings-rule-thresholds');

    const idle = page.locator('form[data-rule-settings="idle_instance"]');
    await idle.getByLabel('Days').fill('99');
    await idle.getByRole('button', { name: /^Save/ }).click();
    await idle.getByRole('alert').filter({ hasText: 'days' }).waitFor();
  });

  it("downloads the view's line items as FOCUS CSV and Parquet", async () => {
    await page.goto(`${demo.url}/costs`);
    await settle(page);
    const panel = page.locator('section[aria-labelledby="line-items-title"]');
    const csvDownload = page.waitForEvent('download');
    await panel.getByRole('button', { name: 'Download CSV' }).click();
    const csv = await readFile((await (await csvDownload).path()) as string, 'utf8');
    const header = csv.slice(0, csv.indexOf('\n')).split(',');
    expect(header).toEqual(expect.arrayContaining(['BilledCost', 'ChargePeriodStart', 'ServiceName']));
    expect(csv.trim().split('\n').length).toBeGreaterThan(1);
    const parquetDownload = page.waitForEvent('download');
    await panel.getByRole('button', { name: 'Download Parquet' }).click();
    const parquet = await readFile((await (await parquetDownload).path()) as string);
    expect(parquet.subarray(0, 4).toString()).toBe('PAR1');
  });

  it("sets an account's own sync schedule, names a bad interval at its field, and follows the organization again", async () => {
    const { items } = await demoApi<{ items: { id: string; name: string }[] }>(
      demo,
      '/api/v1/cloud-accounts',
    );
    const account = items[0];
    await page.goto(`${demo.url}/accounts/${account.id}?tab=settings`);
    await settle(page);
    const form = page.getByRole('form', { name: 'Sync schedule' });
    await form.getByLabel('Its own interval').check();
    const every = form.getByLabel('Sync every');
    await every.fill('3');
    await form.getByLabel('Unit').selectOption('minutes');
    await form.getByRole('button', { name: 'Save schedule' }).click();
    await expect
      .poll(async () => (await every.getAttribute('aria-invalid')) === 'true' && (await every.isVisible()))
      .toBe(true);
    await form.getByRole('alert').filter({ hasText: 'Choose from 5 minutes to 7 days' }).waitFor();

    await every.fill('2');
    await form.getByLabel('Unit').selectOption('hours');
    await form.getByRole('button', { name: 'Save schedule' }).click();
    await form.getByText('Saved. The next scheduled sync moved to match.').waitFor();
    expect(await every.getAttribute('aria-invalid')).toBeNull();
    const own = await demoApi<{ syncIntervalMinutes: number | null }>(
      demo,
      `/api/v1/cloud-accounts/${account.id}`,
    );
    expect(own.syncIntervalMinutes).toBe(120);
    await page.getByText('Now every 2 h.').waitFor();
    await b.screenshot('settings-sync-schedule');

    await form.getByLabel(/^Follow the organization/).check();
    await form.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByText('Now following the organization.').waitFor();
    const back = await demoApi<{ syncIntervalMinutes: number | null }>(
      demo,
      `/api/v1/cloud-accounts/${account.id}`,
    );
    expect(back.syncIntervalMinutes).toBeNull();
  });

  for (const size of [
    { width: 390, height: 844 },
    { width: 1440, height: 900 },
  ]) {
    it(`draws both at ${size.width}×${size.height} without sideways overflow`, async () => {
      await page.setViewportSize(size);
      const { items } = await demoApi<{ items: { id: string }[] }>(demo, '/api/v1/cloud-accounts');
      for (const [name, href] of [
        ['recommendations', '/recommendations'],
        ['explorer', '/costs'],
        ['account', `/accounts/${items[0].id}?tab=settings`],
      ]) {
        await page.goto(demo.url + href);
        await settle(page);
        if (name === 'recommendations') await page.getByTestId('rule-thresholds').locator('summary').click();
        expect(await page.evaluate<string[]>(NO_SIDEWAYS_OVERFLOW), `${href} at ${size.width} px`).toEqual(
          [],
        );
        await b.screenshot(`settings-${size.width}-${name}`);
      }
    });
  }
});
