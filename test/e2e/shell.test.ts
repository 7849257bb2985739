import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ensureWebBuilt, launchBrowser, signIn, signOut, type Browser } from './browser.js';

describe('dashboard shell: sign-in, organizations, settings', { timeout: 120_000 }, () => {
  let t: TestServer;
  let b: Browser;
  /** What Chromium reported as blocked by the Content-Security-Policy while the tests below used the app. */
  const cspViolations: string[] = [];
  beforeAll(async () => {
    ensureWebBuilt();
    t = await startTestServer();
    b = await launchBrowser();
    b.page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
  });
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  it('serves the app with long caching for assets, revalidation for index.html, gzip and a SPA fallback', async () => {
    const index = await fetch(`${t.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const etag = index.headers.get('etag');
    expect(etag).toBeTruthy();
    const html = await index.text();
    const again = await fetch(`${t.url}/`, { headers: { 'if-none-match': etag as string } });
    expect(again.status).toBe(304);

    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeTruthy();
    const js = await fetch(`${t.url}${asset}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-encoding')).toBe('gzip');
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect((await js.text()).length).toBeGreaterThan(1000);

    const deep = await fetch(`${t.url}/costs?groupBy=service`);
    expect(deep.headers.get('content-type')).toContain('text/html');
    expect(deep.headers.get('cache-control')).toBe('no-cache');
    expect((await fetch(`${t.url}/assets/gone-1234.js`)).status).toBe(404);
    expect((await fetch(`${t.url}/%E0%A4%A`)).status).toBe(200);
    const api = await fetch(`${t.url}/api/v1/nothing-here`);
    expect(api.headers.get('content-type')).toContain('application/json');
  });

  it("shows the API's message for a wrong password, then signs in", async () => {
    const { page } = b;
    await page.goto(`${t.url}/`);
    await page.getByLabel('E-mail').fill(t.users.manager.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const apiAnswer = await t.request('/api/v1/auth/login', {
      method: 'POST',
      body: { email: 'nobody@a.test', password: 'not-the-password' },
    });
    const { error } = (await apiAnswer.json()) as { error: { message: string } };
    expect(await alert.innerText()).toContain(error.message);
    await b.screenshot('sign-in-error');
    await page.getByLabel('Password').fill(t.users.manager.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(await page.locator('.org-name').innerText()).toBe('Org A');
  });

  it('lists members with roles and lets a manager create an API token shown once', async () => {
    const { page } = b;
    await page.goto(`${t.url}/settings`);
    const rows = page.locator('table tbody tr');
    await rows.first().waitFor();
    const text = await page.locator('table').innerText();
    for (const u of [t.users.manager, t.users.engineer, t.users.viewer]) expect(text).toContain(u.email);
    expect(text).not.toContain(t.users.otherManager.email);
    await b.screenshot('settings-members');

    await page.getByRole('tab', { name: 'API tokens' }).click();
    await page.getByLabel('Token name').fill('browser-token');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = await page.locator('.codeblock pre').innerText();
    const me = await t.request('/api/v1/auth/me', { token: shown.trim() });
    expect(me.status).toBe(200);
    await b.screenshot('settings-tokens');

    await page.getByRole('tab', { name: 'Audit log' }).click();
    await page.getByRole('cell', { name: 'token.create' }).first().waitFor();
    await b.screenshot('settings-audit');
  });

  it('is usable from the keyboard: skip link, arrow keys between tabs, Escape closes a dialog', async () => {
    const { page } = b;
    await page.goto(`${t.url}/settings`);
    await page.getByRole('tab', { name: 'Members' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    await page.getByRole('tab', { name: 'Members' }).focus();
    await page.keyboard.press('ArrowRight');
    const next = page.getByRole('tab', { name: 'Invitations' });
    await expect.poll(() => next.getAttribute('aria-selected')).toBe('true');
    expect(await next.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press('ArrowLeft');
    await page.getByRole('button', { name: 'Invite member' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Invite a member' });
    await dialog.waitFor();
    expect(await dialog.getByLabel('E-mail').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(
      true,
    );
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('switches organization for a member of two and reloads the data of the new one', async () => {
    const { page } = b;
    // The manager of Org A also joins Org B (as a viewer there).
    await t.ctx.auth.createUser({
      org: 'Org B',
      email: t.users.manager.email,
      role: 'viewer',
      password: t.users.manager.password,
    });
    await page.reload();
    const switcher = page.getByLabel('Organization');
    await switcher.waitFor();
    await page.goto(`${t.url}/settings`);
    await switcher.selectOption({ label: 'Org B' });
    await page.getByText('Organization Org B').waitFor();
    await page.getByRole('cell', { name: t.users.otherManager.email, exact: true }).waitFor();
    // A viewer in Org B: the manager-only controls are disabled with the reason.
    const add = page.getByRole('button', { name: 'Invite member' });
    expect(await add.isDisabled()).toBe(true);
    expect(await add.getAttribute('title')).toContain('Organization Manager');
    await b.screenshot('settings-org-switched');
    await switcher.selectOption({ label: 'Org A' });
    await page.getByText('Organization Org A').waitFor();
    await signOut(page);
    await signIn(page, t.url, t.users.viewer.email, t.users.viewer.password);
  });

  it("follows the system's light or dark setting, and a chosen theme wins and is remembered", async () => {
    const { page } = b;
    const theme = () => page.evaluate<string | undefined>('document.documentElement.dataset.theme');
    const stored = () => page.evaluate<string | null>("localStorage.getItem('cloudtally.theme')");
    const background = () =>
      page.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${t.url}/`);
    const toggle = page.getByLabel('Theme');
    await toggle.waitFor();
    expect(await toggle.inputValue()).toBe('system');
    expect(await theme()).toBe('light');
    const light = await background();
    // "System" follows a change of the setting while the page is open.
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(theme).toBe('dark');
    expect(await background()).not.toBe(light);
    // A chosen theme wins over the system's and is kept across a reload.
    await toggle.selectOption('light');
    await expect.poll(theme).toBe('light');
    expect(await stored()).toBe('light');
    await toggle.selectOption('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.reload();
    await page.getByLabel('Theme').waitFor();
    expect(await page.getByLabel('Theme').inputValue()).toBe('dark');
    expect(await theme()).toBe('dark');
    expect(await stored()).toBe('dark');
    await b.screenshot('theme-dark');
    await page.getByLabel('Theme').selectOption('system');
    await expect.poll(theme).toBe('light');
    expect(await stored()).toBeNull();
    expect(await background()).toBe(light);
  });

  it('ran every page above under its Content-Security-Policy without a violation', async () => {
    const index = await fetch(`${t.url}/`);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(cspViolations).toEqual([]);
  });
});
