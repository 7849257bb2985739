import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunningDemo } from '../../src/cli/demo-command.js';
import { addDays, isoDate, monthStart } from '../../src/lib/dates.js';
import { ensureWebBuilt, launchBrowser, signIn, type Browser } from './browser.js';
import { startDemoWithData, type DemoData } from './demo.js';

/**
 * The cost explorer's dates on the demo, in Chromium: typing a date digit by digit asks the API nothing (a
 * half-typed year such as 0202 is a valid date to the field, not to the view); Enter applies the whole range once;
 * a range that cannot be asked is explained beside the fields and never sent; the full-month presets of saved views
 * are offered. Screenshot in test-results/screenshots/explorer-dates.png.
 */

async function settle(page: Page): Promise<void> {
  await page.locator('#main h1').first().waitFor();
  await page.waitForLoadState('networkidle');
  await page.locator('#main [aria-busy="true"], #main .skeleton').first().waitFor({ state: 'detached' });
}

describe("the cost explorer's typed dates and presets", { timeout: 600_000 }, () => {
  let data: DemoData;
  let demo: RunningDemo;
  let b: Browser;
  let page: Page;
  const asked: URL[] = [];

  beforeAll(async () => {
    ensureWebBuilt();
    data = await startDemoWithData('explorer');
    demo = data.demo;
    b = await launchBrowser();
    page = b.page;
    await page.setViewportSize({ width: 1440, height: 900 });
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname === '/api/v1/costs') asked.push(u);
    });
    await signIn(page, demo.url, demo.email, demo.password);
  }, 420_000);

  afterAll(async () => {
    await b?.close();
    await data?.stop();
  });

  it('asks nothing while a date is typed, and once on Enter', async () => {
    await page.goto(`${demo.url}/costs`);
    await settle(page);
    const before = asked.length;
    const from = page.getByLabel('From', { exact: true });
    await from.click();
    // The field's segments in en-US: month, day, year; each digit of the year makes a valid date on its own.
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.type('09012026', { delay: 60 });
    expect(await from.inputValue()).toBe('2026-09-01');
    await page.getByRole('button', { name: 'Apply dates' }).waitFor();
    expect(asked.length, 'no request while typing').toBe(before);
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('from')).toBe('2026-09-01');
    await settle(page);
    expect(asked.slice(before).map((u) => u.searchParams.get('from'))).toEqual(['2026-09-01']);
  });

  it('explains a range that cannot be asked and sends none of it', async () => {
    const before = asked.length;
    const to = page.getByLabel('To (included)');
    await to.fill('2026-08-01');
    const problem = page.getByRole('alert').filter({ hasText: 'From must not be after To.' });
    await problem.waitFor();
    await to.blur();
    expect(await page.getByRole('button', { name: 'Apply dates' }).isDisabled()).toBe(true);
    expect(asked.length).toBe(before);
    await b.screenshot('explorer-dates');
  });

  it('offers the full-month ranges of saved views', async () => {
    await page.getByLabel('Date range').selectOption({ label: 'Last 3 full months' });
    const today = isoDate(new Date());
    const end = addDays(monthStart(today), -1);
    await expect.poll(() => new URL(page.url()).searchParams.get('to')).toBe(end);
    const first = monthStart(addDays(monthStart(addDays(monthStart(end), -1)), -1));
    expect(new URL(page.url()).searchParams.get('from')).toBe(first);
    expect(new URL(page.url()).searchParams.get('granularity')).toBe('month');
  });
});
