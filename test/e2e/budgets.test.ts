import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ensureWebBuilt, launchBrowser, signIn, type Browser } from './browser.js';

// The Budgets page: a card per budget with its progress bar and the actual/forecast chart against the amount,
// and the budget a notification links to (`/budgets?budget=ID`) marked.

describe('budgets page', { timeout: 120_000 }, () => {
  let t: TestServer;
  let b: Browser;
  beforeAll(async () => {
    ensureWebBuilt();
    t = await startTestServer();
    b = await launchBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  it('shows each budget with a progress bar and a chart, and marks the one a link names', async () => {
    const post = (body: unknown) =>
      t.request('/api/v1/budgets', { method: 'POST', token: t.users.manager.token, body });
    const ec2 = (await (await post({ name: 'EC2', amount: 5000 })).json()) as { id: string };
    expect(
      (await post({ name: 'Data', amount: 1200, thresholds: [{ kind: 'actual', percent: 50 }] })).status,
    ).toBe(201);
    const { page } = b;
    await signIn(page, t.url, t.users.viewer.email, t.users.viewer.password);
    await page.goto(`${t.url}/budgets?budget=${ec2.id}`);
    const cards = page.locator('section.budget-card');
    await cards.first().waitFor();
    expect(await cards.count()).toBe(2);
    expect(await page.getByRole('progressbar', { name: 'EC2 used' }).getAttribute('aria-valuenow')).toBe('0');
    expect(await page.locator(`section[data-budget="${ec2.id}"]`).getAttribute('class')).toContain(
      'selected',
    );
    const chart = page.getByRole('img', { name: /Spent \$0\.00, forecast \$0\.00, amount \$5,000\.00/ });
    await chart.waitFor();
    expect(await page.locator('section[aria-label="Data"]').innerText()).toContain(
      '50 % of actual spend ($600.00): not reached',
    );
    await b.screenshot('budgets');
  });
});
