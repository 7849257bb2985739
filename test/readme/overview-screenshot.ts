/**
 * Makes docs/overview.png, the README's screenshot: signs in to a running demo (`npm run demo`) in Debian's
 * Chromium and captures the Overview page once its figures are drawn.
 *
 *   node --import tsx test/readme/overview-screenshot.ts .cloudtally-demo/demo-credentials.json
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT = path.join(ROOT, 'docs', 'overview.png');

const credentialsFile = process.argv[2] ?? path.join(ROOT, '.cloudtally-demo', 'demo-credentials.json');
const { url, email, password } = JSON.parse(readFileSync(credentialsFile, 'utf8')) as {
  url: string;
  email: string;
  password: string;
};

const profile = mkdtempSync(path.join(tmpdir(), 'cloudtally-shot-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  viewport: { width: 1280, height: 800 },
  locale: 'en-US',
  timezoneId: 'UTC',
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(60_000);
  await page.goto(url + '/');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  // The chart and the cards load beside the page: wait until the figures are drawn — the month-to-date total,
  // the chart's bars, and no card still showing a placeholder (the chart is not animated).
  await page.getByTestId('mtd-total').filter({ hasText: /\d/ }).waitFor();
  await page
    .getByRole('img', { name: 'Daily cost of the last 30 days by service' })
    .locator('.recharts-bar-rectangle')
    .first()
    .waitFor();
  await page.locator('.skeleton, [aria-busy="true"], .nav-progress').first().waitFor({ state: 'detached' });
  await page.screenshot({ path: OUT, type: 'png' });
  process.stdout.write(`${OUT} (${Math.round(statSync(OUT).size / 1024)} KB)\n`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
