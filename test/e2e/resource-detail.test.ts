import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunningDemo } from '../../src/cli/demo-command.js';
import { ensureWebBuilt, launchBrowser, navigate, signIn, type Browser } from './browser.js';
import { demoApi, NO_SIDEWAYS_OVERFLOW, startDemoWithData, type DemoData } from './demo.js';

/**
 * A resource's detail page on the demo's data, in Chromium: opened from the Resources list, it shows the API's
 * billed and amortized cost over the bill's last 30 days (the list's figure too), the daily cost chart, its lines
 * by kind, its tags and usage metrics, the recommendations made on it, and for a resource that cost nothing, why.
 * Drawn at 390×844 and 1440×900 without sideways overflow; screenshots in test-results/screenshots/resource-*.png.
 */

const SIZES = [
  ['phone', { width: 390, height: 844 }],
  ['desktop', { width: 1440, height: 900 }],
] as const;
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

interface Resource {
  id: string;
  name: string | null;
  cloudAccountId: string;
  tags: Record<string, string>;
  cost: { billed: number } | null;
}
interface Detail {
  resource: Resource;
  bill: { billed: number; effective: number; history: unknown[] } | null;
  zeroReason: string | null;
}

async function settle(page: Page): Promise<void> {
  await page.locator('#main h1').first().waitFor();
  await page.waitForLoadState('networkidle');
  await page.locator('#main [aria-busy="true"], #main .skeleton').first().waitFor({ state: 'detached' });
}

const detailPath = (r: Resource) =>
  `/resources/detail?${new URLSearchParams({ id: r.id, account: r.cloudAccountId }).toString()}`;
const apiDetail = (demo: RunningDemo, r: Resource) =>
  demoApi<Detail>(
    demo,
    `/api/v1/resources/detail?${new URLSearchParams({ resourceId: r.id, cloudAccountId: r.cloudAccountId }).toString()}`,
  );

describe('resource detail page', { timeout: 600_000 }, () => {
  let data: DemoData;
  let demo: RunningDemo;
  let b: Browser;
  let page: Page;
  let resources: Resource[] = [];

  beforeAll(async () => {
    ensureWebBuilt();
    data = await startDemoWithData('resource');
    demo = data.demo;
    resources = (await demoApi<{ items: Resource[] }>(demo, '/api/v1/resources?limit=1000')).items;
    b = await launchBrowser();
    page = b.page;
    await page.setViewportSize(SIZES[1][1]);
    await signIn(page, demo.url, demo.email, demo.password);
  }, 420_000);

  afterAll(async () => {
    await b?.close();
    await data?.stop();
  });

  it("opens from the list and shows the API's cost, chart, lines and tags", async () => {
    const top = resources[0];
    expect(top.cost?.billed, 'the demo bills its resources').toBeGreaterThan(0);
    const d = await apiDetail(demo, top);
    expect(d.bill?.billed).toBe(top.cost?.billed);
    expect(d.zeroReason).toBeNull();
    await navigate(page, 'Resources');
    await settle(page);
    await page.locator(`tr[data-resource="${top.id}"] a`).first().click();
    await page.locator('#main h1', { hasText: top.name ?? top.id }).waitFor();
    await settle(page);
    expect(await page.getByTestId('resource-billed').textContent()).toBe(usd.format(top.cost?.billed ?? 0));
    expect(await page.getByTestId('resource-amortized').textContent()).toBe(
      usd.format(d.bill?.effective ?? 0),
    );
    await page.locator('#main .recharts-wrapper').first().waitFor();
    expect(await page.getByTestId('resource-line-types').locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('zero-reason').count()).toBe(0);
    const tagKeys = Object.keys(top.tags);
    if (tagKeys.length) {
      expect(await page.getByTestId('resource-tags').textContent()).toContain(tagKeys[0]);
    }
    expect(await page.title()).toContain(top.name ?? top.id);
    await b.screenshot('resource-detail');
  });

  it('says why a resource cost nothing', async () => {
    let zero: { r: Resource; d: Detail } | undefined;
    for (const r of resources.filter((x) => !x.cost || x.cost.billed === 0).slice(0, 40)) {
      const d = await apiDetail(demo, r);
      if (d.zeroReason) {
        zero = { r, d };
        if (d.zeroReason === 'covered_by_commitment') break;
      }
    }
    expect(zero, 'the demo has resources that cost nothing').toBeDefined();
    const { r, d } = zero as { r: Resource; d: Detail };
    await page.goto(demo.url + detailPath(r));
    await settle(page);
    const notice = page.getByTestId('zero-reason');
    expect(await notice.getAttribute('data-reason')).toBe(d.zeroReason);
    expect(await notice.textContent()).toMatch(/^Why \$0\.00: /);
    await b.screenshot('resource-detail-zero');
  });

  it('lists the recommendations made on the resource', async () => {
    const recs = await demoApi<{ items: { resourceId: string; title: string }[] }>(
      demo,
      '/api/v1/recommendations?limit=100',
    );
    const rec = recs.items.find((x) => resources.some((r) => r.id === x.resourceId));
    expect(rec, 'the demo has recommendations on inventoried resources').toBeDefined();
    const r = resources.find((x) => x.id === rec?.resourceId) as Resource;
    await page.goto(demo.url + detailPath(r));
    await settle(page);
    expect(await page.getByTestId('resource-recommendations').textContent()).toContain(rec?.title);
  });

  it('answers 404 for an unknown resource, naming it', async () => {
    const res = await fetch(`${demo.url}/api/v1/resources/detail?resourceId=i-doesnotexist`, {
      headers: { authorization: `Bearer ${demo.token}` },
    });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('i-doesnotexist');
    await page.goto(`${demo.url}/resources/detail?id=i-doesnotexist`);
    await page.getByRole('alert').filter({ hasText: 'i-doesnotexist' }).waitFor();
  });

  for (const [kind, size] of SIZES) {
    it(`draws at ${size.width}×${size.height} without sideways overflow`, async () => {
      await page.setViewportSize(size);
      await page.goto(demo.url + detailPath(resources[0]));
      await settle(page);
      expect(await page.evaluate<string[]>(NO_SIDEWAYS_OVERFLOW)).toEqual([]);
      await b.screenshot(`resource-${kind}-detail`);
    });
  }
});
