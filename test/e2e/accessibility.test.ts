import { AxeBuilder } from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunningDemo } from '../../src/cli/demo-command.js';
import { ensureWebBuilt, launchBrowser, signIn, type Browser } from './browser.js';
import { addDays, isoDate } from '../../src/lib/dates.js';
import { demoApi, demoPost, startDemoWithData, type DemoData } from './demo.js';

/**
 * Accessibility of every signed-in page on the demo's data, in Chromium at a desktop and a phone width: axe-core
 * (WCAG 2.0/2.1/2.2 A and AA rules, colour contrast included) finds no serious or critical violation, every page
 * has its own document title, and the keyboard focus is visible. The pages are the main navigation's links (a
 * page added there is covered too), each Settings tab, the connect wizard, an account's detail page, an
 * anomaly's and a resource's detail page. The desktop pass runs again in the dark theme (the system's setting).
 * It also measures the overview's first paint and prints it (a figure to report, not asserted as a timing).
 */

const SIZES = [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
] as const;
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function settle(page: Page): Promise<void> {
  await page.locator('#main h1').first().waitFor();
  await page.waitForLoadState('networkidle');
  await page.locator('#main [aria-busy="true"], #main .skeleton').first().waitFor({ state: 'detached' });
}

interface Found {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

async function seriousViolations(page: Page): Promise<Found[]> {
  const result = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact ?? '',
      help: v.help,
      targets: v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`),
    }));
}

describe('accessibility of every signed-in page', { timeout: 600_000 }, () => {
  let data: DemoData;
  let demo: RunningDemo;
  let b: Browser;
  let page: Page;
  let pages: string[] = [];

  beforeAll(async () => {
    ensureWebBuilt();
    data = await startDemoWithData('a11y');
    demo = data.demo;
    b = await launchBrowser();
    page = b.page;
  }, 420_000);

  afterAll(async () => {
    await b?.close();
    await data?.stop();
  });

  it('measures the overview first paint on the demo', async () => {
    await page.setViewportSize(SIZES[0]);
    await signIn(page, demo.url, demo.email, demo.password);
    // A fresh load of the page (the session cookie is set), timed by the browser itself.
    await page.goto(`${demo.url}/`);
    await page.getByTestId('mtd-total').getByText('$').first().waitFor();
    const t = await page.evaluate<{ fcp: number; kpi: number; load: number }>(`(() => {
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      const nav = performance.getEntriesByType('navigation')[0];
      return { fcp: fcp ? fcp.startTime : -1, kpi: performance.now(), load: nav ? nav.loadEventEnd : -1 };
    })()`);
    console.log(
      `overview on the demo: first contentful paint ${Math.round(t.fcp)} ms, load event ${Math.round(t.load)} ms, month-to-date figure shown by ${Math.round(t.kpi)} ms`,
    );
    expect(t.fcp).toBeGreaterThan(0);
  });

  it('finds the pages', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
    const links: string[] = [];
    for (const link of await nav.all()) links.push((await link.getAttribute('href')) ?? '');
    expect(links.length).toBeGreaterThanOrEqual(6);
    await page.goto(`${demo.url}/accounts`);
    const detail = await page
      .locator('#main a[href^="/accounts/"]:not([href*="connect"])')
      .first()
      .getAttribute('href');
    expect(detail).toBeTruthy();
    const anomalies = await demoApi<{ items: { id: string; date: string }[] }>(
      demo,
      `/api/v1/costs/anomalies?from=${addDays(isoDate(new Date()), -89)}&limit=1`,
    );
    expect(anomalies.items.length, 'the demo plants anomalies').toBeGreaterThan(0);
    const a = anomalies.items[0];
    // A pinned, shared view: the Overview draws it and the Saved views page lists it.
    await demoPost(demo, '/api/v1/saved-views', {
      name: 'Services, last 3 full months',
      visibility: 'organization',
      pinned: true,
      query: { range: { relative: 'last_3_full_months' }, groupBy: ['service'] },
    });
    // The Settings tabs are pages of their own (each with its own title); the navigation links the first.
    const settingsTabs = ['invitations', 'sessions', 'tokens', 'sso', 'cloud', 'audit'].map(
      (tab) => `/settings?tab=${tab}`,
    );
    const resources = await demoApi<{ items: { id: string; cloudAccountId: string }[] }>(
      demo,
      '/api/v1/resources?limit=1',
    );
    expect(resources.items.length, 'the demo has resources').toBeGreaterThan(0);
    const r = resources.items[0];
    pages = [
      ...links,
      ...settingsTabs,
      `/resources/detail?${new URLSearchParams({ id: r.id, account: r.cloudAccountId }).toString()}`,
      '/accounts/connect/aws',
      '/accounts/connect/focus',
      '/accounts/connect/azure',
      detail as string,
      `/anomalies/${encodeURIComponent(a.id)}?date=${a.date}`,
    ];
  });

  for (const size of SIZES) {
    it(`has no serious or critical axe violation at ${size.width} px`, async () => {
      expect(pages.length).toBeGreaterThan(0);
      await page.setViewportSize(size);
      const found: Record<string, Found[]> = {};
      for (const href of pages) {
        await page.goto(demo.url + href);
        await settle(page);
        const v = await seriousViolations(page);
        if (v.length) found[href] = v;
      }
      expect(found).toEqual({});
    });
  }

  it('has no serious or critical axe violation in the dark theme (the system setting)', async () => {
    expect(pages.length).toBeGreaterThan(0);
    await page.setViewportSize(SIZES[0]);
    await page.emulateMedia({ colorScheme: 'dark' });
    const found: Record<string, Found[]> = {};
    try {
      for (const href of pages) {
        await page.goto(demo.url + href);
        await settle(page);
        expect(await page.evaluate('document.documentElement.dataset.theme'), href).toBe('dark');
        const v = await seriousViolations(page);
        if (v.length) found[href] = v;
      }
      await page.goto(`${demo.url}/`);
      await settle(page);
      await b.screenshot('a11y-dark-overview');
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
    }
    expect(found).toEqual({});
  });

  it('gives every page its own title', async () => {
    await page.setViewportSize(SIZES[0]);
    const titles = new Map<string, string>();
    for (const href of pages) {
      await page.goto(demo.url + href);
      await settle(page);
      const h1 = (await page.locator('#main h1').first().textContent())?.trim() ?? '';
      await expect.poll(() => page.title(), { timeout: 10_000 }).toContain(h1);
      titles.set(href, await page.title());
    }
    const distinct = new Set(titles.values());
    expect(distinct.size, JSON.stringify(Object.fromEntries(titles))).toBe(titles.size);
  });

  it('shows where the keyboard focus is', async () => {
    await page.setViewportSize(SIZES[0]);
    await page.goto(`${demo.url}/`);
    await settle(page);
    // Skip link first, then the navigation's links and buttons: each shows an outline or a ring while focused.
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      const ring = await page.evaluate<{ tag: string; outline: string; shadow: string }>(`(() => {
        const el = document.activeElement;
        const s = getComputedStyle(el);
        return { tag: el.tagName + ' ' + (el.textContent || '').trim().slice(0, 30), outline: s.outlineStyle + ' ' + s.outlineWidth, shadow: s.boxShadow };
      })()`);
      const visible = !ring.outline.startsWith('none') && !ring.outline.endsWith(' 0px');
      expect(visible || ring.shadow !== 'none', `${ring.tag}: ${ring.outline} / ${ring.shadow}`).toBe(true);
    }
  });
});
