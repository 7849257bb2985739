import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunningDemo } from '../../src/cli/demo-command.js';
import { isoDate } from '../../src/lib/dates.js';
import { relativeRange } from '../../src/saved-views/relative-ranges.js';
import { ensureWebBuilt, launchBrowser, navigate, signIn, type Browser } from './browser.js';
import { demoApi, NO_SIDEWAYS_OVERFLOW, startDemoWithData, type DemoData } from './demo.js';

/**
 * Saved views on the demo, in Chromium: "Save view" in the cost explorer keeps its query with a relative range,
 * shared and pinned; the Overview shows the pinned view's total as the API runs it; the Saved views page unpins,
 * and deletes it. Drawn at 390×844 and 1440×900 without sideways overflow; screenshots go to
 * test-results/screenshots/saved-views-*.png.
 */

const SIZES = [
  ['phone', { width: 390, height: 844 }],
  ['desktop', { width: 1440, height: 900 }],
] as const;
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

interface View {
  id: string;
  name: string;
  pinned: boolean;
  visibility: string;
  query: { range: Record<string, string>; groupBy: string[]; granularity: string; basis: string };
}

async function settle(page: Page): Promise<void> {
  await page.locator('#main h1').first().waitFor();
  await page.waitForLoadState('networkidle');
  await page.locator('#main [aria-busy="true"], #main .skeleton').first().waitFor({ state: 'detached' });
}

describe('saved views in the dashboard', { timeout: 600_000 }, () => {
  let data: DemoData;
  let demo: RunningDemo;
  let b: Browser;
  let page: Page;
  const today = isoDate(new Date());
  const range = relativeRange('last_3_full_months').resolve(today);
  const NAME = 'Services, last 3 full months';
  const views = async () => (await demoApi<{ items: View[] }>(demo, '/api/v1/saved-views')).items;

  beforeAll(async () => {
    ensureWebBuilt();
    data = await startDemoWithData('saved-views');
    demo = data.demo;
    b = await launchBrowser();
    page = b.page;
    await page.setViewportSize(SIZES[1][1]);
    await signIn(page, demo.url, demo.email, demo.password);
  }, 420_000);

  afterAll(async () => {
    await b?.close();
    await data?.stop();
  });

  it('saves the explorer’s query with its range in words, shared and pinned', async () => {
    await page.goto(
      `${demo.url}/costs?from=${range.from}&to=${range.to}&granularity=month&groupBy=service&basis=amortized`,
    );
    await settle(page);
    await page.getByRole('button', { name: 'Save view' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save view' });
    await dialog.getByLabel('Name').fill(NAME);
    expect(await dialog.getByTestId('save-view-range').textContent()).toContain('Last 3 full months');
    await dialog.getByLabel(/^Share with the organization/).check();
    await dialog.getByLabel('Pin to the Overview').check();
    await b.screenshot('saved-views-save-dialog');
    await dialog.getByRole('button', { name: 'Save view' }).click();
    await page.getByTestId('view-saved').waitFor();
    const [v] = await views();
    expect(v).toMatchObject({
      name: NAME,
      visibility: 'organization',
      pinned: true,
      query: {
        range: { relative: 'last_3_full_months' },
        groupBy: ['service'],
        granularity: 'month',
        basis: 'amortized',
      },
    });
  });

  it('shows the pinned view on the Overview with the total the API runs it to', async () => {
    const [v] = await views();
    const run = await demoApi<{ from: string; to: string; answer: { total: number } }>(
      demo,
      `/api/v1/saved-views/${v.id}/run?limit=5`,
    );
    expect({ from: run.from, to: run.to }).toEqual(range);
    await navigate(page, 'Overview');
    await settle(page);
    const panel = page.getByTestId('pinned-view');
    await expect.poll(() => panel.count()).toBe(1);
    expect(await panel.getByRole('heading').textContent()).toBe(NAME);
    await expect
      .poll(() => panel.getByTestId('pinned-view-total').textContent())
      .toBe(usd.format(run.answer.total));
    await b.screenshot('saved-views-overview-pinned');
    // "Open" goes to the explorer with the view's query over today's dates.
    await panel.getByRole('link', { name: `Open ${NAME} in the cost explorer` }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/costs');
    const params = new URL(page.url()).searchParams;
    expect([params.get('from'), params.get('to'), params.get('basis')]).toEqual([
      range.from,
      range.to,
      'amortized',
    ]);
  });

  it('names the explorer’s columns in words and keeps a 12-month table’s Total in view on a phone', async () => {
    await page.setViewportSize(SIZES[0][1]);
    const year = relativeRange('last_12_full_months').resolve(today);
    await page.goto(`${demo.url}/costs?from=${year.from}&to=${year.to}&granularity=month&groupBy=usageType`);
    await settle(page);
    const table = page.locator('table.cost-table');
    expect((await table.locator('thead th').first().textContent())?.trim()).toMatch(/^Usage type/);
    const total = table.locator('[data-grand-total]');
    const box = await total.boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(SIZES[0][1].width);
    await b.screenshot('saved-views-explorer-12-months-phone');
  });

  for (const [kind, size] of SIZES) {
    it(`draws the saved views and the Overview at ${size.width}×${size.height} without sideways overflow`, async () => {
      await page.setViewportSize(size);
      for (const [name, href] of [
        ['list', '/saved-views'],
        ['overview', '/'],
      ]) {
        await page.goto(demo.url + href);
        await settle(page);
        expect(await page.evaluate<string[]>(NO_SIDEWAYS_OVERFLOW), `${href} at ${size.width} px`).toEqual(
          [],
        );
        await b.screenshot(`saved-views-${name}-${kind}`);
      }
    });
  }

  it('unpins and deletes a view on the Saved views page', async () => {
    await page.setViewportSize(SIZES[1][1]);
    await navigate(page, 'Saved views');
    await settle(page);
    const row = page.getByTestId('saved-view');
    await expect.poll(() => row.count()).toBe(1);
    await row.getByRole('button', { name: `Unpin ${NAME}` }).click();
    await row.getByRole('button', { name: `Pin ${NAME} to the Overview` }).waitFor();
    expect((await views())[0].pinned).toBe(false);
    await row.getByRole('button', { name: `Delete ${NAME}` }).click();
    await page
      .getByRole('dialog', { name: `Delete ${NAME}?` })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.getByText('No saved views yet').waitFor();
    expect(await views()).toEqual([]);
  });
});
