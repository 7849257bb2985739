import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunningDemo } from '../../src/cli/demo-command.js';
import { startDemoWithData, type DemoData } from './demo.js';
import { ensureWebBuilt, launchBrowser, signIn, type Browser } from './browser.js';

/**
 * Every signed-in page on a phone (390×844) and a desktop (1440×900) against the demo's 13 months of data: the
 * page never scrolls sideways, on the phone the content takes the whole width, and the menu button opens the
 * navigation, which closes on following a link and on Escape. The pages are the main navigation's links (so
 * that a page added there is covered too) plus the connect wizard and an account's detail page. Screenshots go
 * to test-results/screenshots/phone-*.png and desktop-*.png.
 */

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };

interface Layout {
  scrollWidth: number;
  innerWidth: number;
  mainWidth: number;
  /** Elements inside the main content whose right edge passes the viewport while not inside a scroller. */
  overflowing: string[];
  charts: number[];
}

/** Measures the page as it is drawn now (run in the page; the server's TypeScript has no DOM types). */
const MEASURE = `(() => {
  const main = document.getElementById('main');
  const scrolls = (el) => {
    for (let e = el; e && e !== main; e = e.parentElement) {
      const { overflowX } = getComputedStyle(e);
      if (overflowX === 'auto' || overflowX === 'scroll' || overflowX === 'hidden') return true;
    }
    return false;
  };
  const overflowing = [];
  for (const el of main ? main.querySelectorAll('*') : []) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > window.innerWidth + 1 && !scrolls(el.parentElement)) {
      overflowing.push(el.tagName.toLowerCase() + '.' + el.getAttribute('class') + ' (' + Math.round(r.right) + ' px)');
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    mainWidth: main ? main.getBoundingClientRect().width : 0,
    overflowing: overflowing.slice(0, 5),
    charts: Array.from(document.querySelectorAll('.recharts-wrapper')).map((c) => c.getBoundingClientRect().width),
  };
})()`;

function measure(page: Page): Promise<Layout> {
  return page.evaluate<Layout>(MEASURE);
}

function slug(href: string): string {
  return (
    href
      .replace(/^\//, '')
      .replace(/^accounts\/(?!connect)[^/]+$/, 'account-detail')
      .replace(/\W+/g, '-') || 'overview'
  );
}

describe('every signed-in page at phone and desktop widths', { timeout: 300_000 }, () => {
  let demo: RunningDemo;
  let running: DemoData | undefined;
  let b: Browser;
  let page: Page;
  let pages: string[] = [];
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    ensureWebBuilt();
    // The first sync loads the demo's months of billing; the pages are measured with their data in.
    running = await startDemoWithData('responsive');
    demo = running.demo;
    b = await launchBrowser();
    page = b.page;
  }, 300_000);

  afterAll(async () => {
    await b?.close();
    await running?.stop();
    process.env = savedEnv;
  });

  it('finds the pages in the main navigation', async () => {
    await page.setViewportSize(DESKTOP);
    await signIn(page, demo.url, demo.email, demo.password);
    const nav = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
    const links: string[] = [];
    for (const link of await nav.all()) links.push((await link.getAttribute('href')) ?? '');
    expect(links.length).toBeGreaterThanOrEqual(6);
    await page.goto(`${demo.url}/accounts`);
    const account = page.locator('#main a[href^="/accounts/"]:not([href*="connect"])').first();
    const detail = await account.getAttribute('href');
    expect(detail).toBeTruthy();
    pages = [...links, '/accounts/connect/aws', '/accounts/connect/azure', detail as string];
  });

  for (const [kind, size] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    it(`draws every page at ${size.width}×${size.height} without sideways overflow`, async () => {
      expect(pages.length).toBeGreaterThan(0);
      await page.setViewportSize(size);
      for (const href of pages) {
        await page.goto(demo.url + href);
        await page.locator('#main h1').first().waitFor();
        // The panels load beside the page: measured once the requests have settled.
        await page.waitForLoadState('networkidle');
        await page
          .locator('#main [aria-busy="true"], #main .skeleton')
          .first()
          .waitFor({ state: 'detached' });
        const m = await measure(page);
        const where = `${href} at ${size.width} px`;
        expect(m.scrollWidth, `${where}: the page scrolls sideways`).toBeLessThanOrEqual(m.innerWidth);
        expect(m.overflowing, `${where}: elements past the right edge`).toEqual([]);
        if (kind === 'phone') {
          expect(m.mainWidth, `${where}: the content's width`).toBeGreaterThanOrEqual(0.9 * m.innerWidth);
        }
        for (const w of m.charts) {
          expect(w, `${where}: a chart's width`).toBeGreaterThan(0.5 * Math.min(m.mainWidth, 600));
          expect(w, `${where}: a chart's width`).toBeLessThanOrEqual(m.innerWidth);
        }
        await b.screenshot(`${kind}-${slug(href)}`);
      }
    });
  }

  it('opens the menu on a phone, follows a link, and closes on navigation and on Escape', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${demo.url}/`);
    await page.locator('#main h1').first().waitFor();
    const button = page.getByRole('button', { name: 'Menu' });
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    expect(await nav.isVisible()).toBe(false);

    await button.click();
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    await nav.waitFor();
    await b.screenshot('phone-menu-open');
    await nav.getByRole('link', { name: 'Accounts', exact: true }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/accounts');
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    await nav.waitFor({ state: 'hidden' });

    await button.click();
    await nav.waitFor();
    await page.keyboard.press('Escape');
    await nav.waitFor({ state: 'hidden' });
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    expect(await button.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
  });

  it('shows the whole sidebar on a desktop without a menu button', async () => {
    await page.setViewportSize(DESKTOP);
    await page.goto(`${demo.url}/`);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(await page.getByRole('button', { name: 'Menu' }).isVisible()).toBe(false);
  });
});
