import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunningDemo } from '../../src/cli/demo-command.js';
import { addDays, isoDate } from '../../src/lib/dates.js';
import { ensureWebBuilt, launchBrowser, navigate, signIn, type Browser } from './browser.js';
import { demoApi, demoPost, NO_SIDEWAYS_OVERFLOW, startDemoWithData, type DemoData } from './demo.js';

/**
 * The anomalies, forecast and movers pages on the demo's data (which plants cost spikes), in Chromium: the
 * figures are the API's, the filters narrow the list, an anomaly's detail shows the days around it and its
 * drivers, and acknowledging and commenting it is kept across a recompute. Every page is drawn at a phone
 * (390×844) and a desktop (1440×900) width without sideways overflow; screenshots go to
 * test-results/screenshots/insights-*.png.
 */

const SIZES = [
  ['phone', { width: 390, height: 844 }],
  ['desktop', { width: 1440, height: 900 }],
] as const;
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

interface Anomaly {
  id: string;
  dimension: string;
  key: string;
  label: string;
  date: string;
  actual: number;
  state: string;
  comment: string | null;
  drivers: { service: string | null; account: string | null }[];
}

async function settle(page: Page): Promise<void> {
  await page.locator('#main h1').first().waitFor();
  await page.waitForLoadState('networkidle');
  await page.locator('#main [aria-busy="true"], #main .skeleton').first().waitFor({ state: 'detached' });
}

describe('anomalies, forecast and movers pages', { timeout: 600_000 }, () => {
  let data: DemoData;
  let demo: RunningDemo;
  let b: Browser;
  let page: Page;
  let anomalies: Anomaly[] = [];
  const today = isoDate(new Date());
  const from = addDays(today, -89);

  beforeAll(async () => {
    ensureWebBuilt();
    data = await startDemoWithData('insights');
    demo = data.demo;
    await vi.waitFor(
      async () => {
        const list = await demoApi<{ items: Anomaly[] }>(
          demo,
          `/api/v1/costs/anomalies?from=${from}&to=${today}&limit=500`,
        );
        if (!list.items.length) throw new Error('no anomalies computed yet');
        anomalies = list.items;
      },
      { timeout: 120_000, interval: 1000 },
    );
    b = await launchBrowser();
    page = b.page;
    await page.setViewportSize(SIZES[1][1]);
    await signIn(page, demo.url, demo.email, demo.password);
  }, 420_000);

  afterAll(async () => {
    await b?.close();
    await data?.stop();
  });

  it('lists the anomalies of the last 90 days as the API does, and filters them', async () => {
    await navigate(page, 'Anomalies');
    await settle(page);
    const rows = page.getByTestId('anomaly-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(anomalies.length);
    await b.screenshot('insights-anomalies');

    // A service filter keeps the service's own anomalies and those whose drivers are of it.
    const service = anomalies.find((a) => a.dimension === 'service') as Anomaly;
    await page.getByRole('combobox', { name: /^Service/ }).selectOption(service.key);
    const expected = anomalies.filter((a) =>
      a.dimension === 'service' ? a.key === service.key : a.drivers.some((d) => d.service === service.key),
    );
    await expect.poll(() => rows.count()).toBe(expected.length);
    expect(new URL(page.url()).searchParams.get('service')).toBe(service.key);

    // Nobody has acknowledged anything yet: the status filter explains the empty list.
    await page.getByRole('combobox', { name: /^Status/ }).selectOption('acknowledged');
    await page.getByText(/matches these filters|stayed within their usual range/).waitFor();
    expect(await rows.count()).toBe(0);
  });

  it('opens an anomaly with its chart and drivers, and keeps its acknowledgement and comment across a recompute', async () => {
    const a = anomalies.find((x) => x.drivers.length > 0) ?? anomalies[0];
    await page.goto(`${demo.url}/anomalies`);
    await settle(page);
    await page.locator(`tr[data-anomaly="${a.id}"] a`).click();
    // The list's heading stays until the detail page has loaded: wait for the detail's own.
    await page.locator('#main h1', { hasText: a.label }).waitFor();
    await settle(page);
    expect(await page.locator('#main h1').textContent()).toContain(a.label);
    expect(await page.getByTestId('anomaly-actual').textContent()).toBe(usd.format(a.actual));
    await page.locator('#main .recharts-wrapper').first().waitFor();
    if (a.drivers.length) {
      expect(await page.getByTestId('anomaly-drivers').locator('tbody tr').count()).toBe(a.drivers.length);
    }
    expect(await page.title()).toContain(a.label);

    await page.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Acknowledged' }).click();
    await page.getByRole('status').filter({ hasText: 'Acknowledged saved.' }).waitFor();
    await page.getByLabel('Comment').fill('Thumbnail backlog re-run; capped since.');
    await page.getByRole('button', { name: 'Save comment' }).click();
    await page.getByRole('status').filter({ hasText: 'Comment saved.' }).waitFor();
    await page.getByTestId('anomaly-changed-by').getByText('last changed by you').waitFor();
    await b.screenshot('insights-anomaly-detail');

    await demoPost(demo, '/api/v1/costs/anomalies/recompute');
    const after = await demoApi<{ items: Anomaly[] }>(
      demo,
      `/api/v1/costs/anomalies?from=${a.date}&to=${a.date}&limit=500`,
    );
    const same = after.items.find((x) => x.dimension === a.dimension && x.key === a.key);
    expect(same?.state).toBe('acknowledged');
    expect(same?.comment).toBe('Thumbnail backlog re-run; capped since.');

    await page.goto(`${demo.url}/anomalies?state=acknowledged`);
    await settle(page);
    const row = page.getByTestId('anomaly-table').locator('tbody tr');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getByTestId('anomaly-state').textContent()).toBe('Acknowledged');
  });

  it('links the overview card to the anomalies', async () => {
    await page.goto(`${demo.url}/`);
    await settle(page);
    const card = page.locator('section[aria-labelledby="anomalies-title"]');
    await card.getByRole('link', { name: 'All anomalies' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/anomalies');
  });

  it("shows the API's forecast with its interval and method, in total and by service", async () => {
    const f = await demoApi<{ method: string; periods: { total: number; lower: number; upper: number }[] }>(
      demo,
      '/api/v1/costs/forecast?basis=billed&months=3',
    );
    await navigate(page, 'Forecast');
    await settle(page);
    await expect
      .poll(() => page.getByTestId('forecast-month').textContent())
      .toBe(usd.format(f.periods[0].total));
    expect(await page.getByTestId('forecast-table').locator('tbody tr').count()).toBe(4);
    expect(await page.getByTestId('forecast-method').textContent()).toContain(f.method);
    expect(await page.locator('#main').textContent()).toContain(
      `80% range ${usd.format(f.periods[0].lower)} – ${usd.format(f.periods[0].upper)}`,
    );
    await b.screenshot('insights-forecast');

    await page.getByRole('combobox', { name: /^By/ }).selectOption('service');
    const split = page.getByTestId('forecast-split').locator('tbody tr');
    await split.first().waitFor();
    expect(await split.count()).toBeGreaterThan(1);
    await b.screenshot('insights-forecast-by-service');
  });

  it("shows the API's movers between two periods, by service and by account", async () => {
    const m = await demoApi<{
      current: { total: number };
      previous: { total: number };
      dimensions: { increases: { label: string }[]; decreases: { label: string }[] }[];
    }>(demo, '/api/v1/costs/movers?by=account&basis=billed&limit=10&' + lastMonthQuery(today));
    await navigate(page, 'Movers');
    await settle(page);
    await page.getByRole('combobox', { name: /^Periods/ }).selectOption('lm');
    await page.getByRole('combobox', { name: /^By/ }).selectOption('account');
    await expect
      .poll(() => page.getByTestId('movers-current').textContent())
      .toBe(usd.format(m.current.total));
    expect(await page.getByTestId('movers-previous').textContent()).toBe(usd.format(m.previous.total));
    const shown = await page.getByTestId('movers').locator('tbody tr td:first-child').allTextContents();
    const listed = [...m.dimensions[0].increases, ...m.dimensions[0].decreases].map((x) => x.label);
    expect(shown).toEqual(listed);
    await b.screenshot('insights-movers');
  });

  for (const [kind, size] of SIZES) {
    it(`draws the pages at ${size.width}×${size.height} without sideways overflow`, async () => {
      await page.setViewportSize(size);
      const a = anomalies[0];
      for (const [name, href] of [
        ['anomalies', '/anomalies'],
        ['anomaly-detail', `/anomalies/${encodeURIComponent(a.id)}?date=${a.date}`],
        ['forecast', '/forecast?by=service'],
        ['movers', '/movers'],
      ]) {
        await page.goto(demo.url + href);
        await settle(page);
        expect(await page.evaluate<string[]>(NO_SIDEWAYS_OVERFLOW), `${href} at ${size.width} px`).toEqual(
          [],
        );
        await b.screenshot(`insights-${kind}-${name}`);
      }
    });
  }
});

/** from/to/compareFrom/compareTo of "last month against the month before". */
function lastMonthQuery(today: string): string {
  const first = `${today.slice(0, 7)}-01`;
  const lmEnd = addDays(first, -1);
  const lmStart = `${lmEnd.slice(0, 7)}-01`;
  const pmEnd = addDays(lmStart, -1);
  const pmStart = `${pmEnd.slice(0, 7)}-01`;
  return `from=${lmStart}&to=${lmEnd}&compareFrom=${pmStart}&compareTo=${pmEnd}`;
}
