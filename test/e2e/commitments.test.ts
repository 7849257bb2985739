import { AxeBuilder } from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDemo } from '../../src/cli/demo-command.js';
import { ensureWebBuilt, launchBrowser, signIn, type Browser } from './browser.js';
import { demoApi, NO_SIDEWAYS_OVERFLOW, startDemoWithData, type DemoData } from './demo.js';

// The Commitments page on the demo: a partly used savings plan, a reserved instance that ends within 60 days, and
// the on-demand usage no commitment covers — at a desktop and a phone width, with no serious axe violation.

interface Item {
  id: string;
  kind: string;
  daysLeft: number | null;
  month: { utilization: number } | null;
}

describe('commitments page', { timeout: 420_000 }, () => {
  let data: DemoData;
  let demo: RunningDemo;
  let b: Browser;
  beforeAll(async () => {
    ensureWebBuilt();
    data = await startDemoWithData('commitments');
    demo = data.demo;
    b = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await b?.close();
    await data?.stop();
  });

  it('shows the partly used savings plan, the reservation ending soon and the coverage gap', async () => {
    const { items } = await demoApi<{ items: Item[] }>(demo, '/api/v1/commitments');
    const partly = items.find((c) => c.kind === 'savings_plan' && c.month && c.month.utilization < 100);
    const ending = items.find((c) => c.kind === 'reservation' && c.daysLeft !== null && c.daysLeft <= 60);
    expect(partly, JSON.stringify(items)).toBeDefined();
    expect(ending?.daysLeft).toBeLessThanOrEqual(60);
    const { page } = b;
    await signIn(page, demo.url, demo.email, demo.password);
    for (const size of [
      { width: 1440, height: 900 },
      { width: 390, height: 844 },
    ]) {
      await page.setViewportSize(size);
      await page.goto(`${demo.url}/commitments`);
      await page.getByRole('heading', { name: 'Commitments', level: 1 }).waitFor();
      const table = page.getByTestId('commitment-table');
      await table.waitFor();
      const planRow = page.locator(`tr[data-commitment="${partly!.id}"]`);
      expect(await planRow.innerText()).toContain(`${partly!.month!.utilization.toFixed(1)} %`);
      expect(await page.locator(`tr[data-commitment="${ending!.id}"]`).innerText()).toContain(
        `Expiring · ${ending!.daysLeft} days`,
      );
      await page.getByTestId('utilization-chart').getByRole('img').first().waitFor();
      const gap = page
        .getByTestId('coverage-chart')
        .getByRole('img', { name: /% covered, \$[\d,.]+ on demand/ });
      await gap.first().waitFor();
      const gapLabels = await gap.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
      expect(gapLabels.some((l) => !/\$0\.00 on demand/.test(l))).toBe(true);
      expect(await page.getByTestId('kpi-expiring').innerText()).not.toBe('0');
      await page.locator('#main [aria-busy="true"]').first().waitFor({ state: 'detached' });
      expect(await page.title()).toContain('Commitments');
      expect(await page.evaluate(NO_SIDEWAYS_OVERFLOW)).toEqual([]);
      const axe = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
        .analyze();
      const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      await b.screenshot(`commitments-${size.width}`);
    }
  });
});
