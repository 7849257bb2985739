import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Files outside web/src that the bundle includes (the API's own rules, so that the browser applies the same). */
const SHARED_SOURCES = [
  'web/index.html',
  'src/auth/permissions.ts',
  'src/accounts/account-schemas.ts',
  'src/providers/aws/connection/aws-schemas.ts',
  'src/providers/focus/connection/focus-schemas.ts',
  'src/providers/aws/sdk/regions.ts',
  'src/providers/aws/sdk/arns.ts',
  'src/lib/errors.ts',
];

function isFresh(): boolean {
  const index = path.join(ROOT, 'web', 'dist', 'index.html');
  const sources = Math.max(
    newestMtime(path.join(ROOT, 'web', 'src')),
    ...SHARED_SOURCES.map((f) => statSync(path.join(ROOT, f)).mtimeMs),
  );
  return existsSync(index) && statSync(index).mtimeMs >= sources;
}

/**
 * Builds web/dist when it is missing or older than its sources (scripts/test.js builds it for `npm test`).
 * Test files run in parallel processes, so one builds under a lock while the others wait for it.
 */
export function ensureWebBuilt(): void {
  if (isFresh()) return;
  const lock = path.join(ROOT, '.tmp', 'web-build.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`${lock} is held for two minutes; remove it if no build runs`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (!isFresh()) build();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function build(): void {
  const r = spawnSync(
    'node_modules/.bin/vite',
    ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) throw new Error('vite build of web/ failed');
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Writes test-results/screenshots/NAME.png of the whole page. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Debian's Chromium through playwright-core, with a fresh profile; never a downloaded browser. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      'Browser tests need /usr/bin/chromium: apt-get install -y chromium (npm test installs it)',
    );
  }
  const profile = await mkdtemp(path.join(os.tmpdir(), 'cloudtally-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1366, height: 860 },
    timezoneId: 'America/New_York',
    locale: 'en-US',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // The suite runs beside others on two cores; waits are for states, so a long limit only costs time on failure.
  page.setDefaultTimeout(60_000);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    context,
    page,
    async screenshot(name) {
      const file = path.join(SCREENSHOTS, `${name}.png`);
      // From the top, so that the sticky sidebar sits where a person sees it.
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in through the form and waits for the signed-in layout. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(baseUrl + '/');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

/** Follows a link of the main navigation (page content may have links of the same name). */
export async function navigate(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
}
