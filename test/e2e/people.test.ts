import { AxeBuilder } from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startOidcProvider, type TestProvider } from '../helpers/oidc-provider.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ensureWebBuilt, launchBrowser, signIn, signOut, type Browser } from './browser.js';

// People and access in Chromium: the Settings tabs for invitations (invite, copy the link, withdraw), sessions,
// API tokens (a read-only token shown once, revoked; a manager revoking another member's) and single sign-on (set against a real OpenID provider in
// this process, the secret never shown), the Members page inviting instead of asking for a password, and the
// sign-in page's single sign-on through that provider — at 1440×900 and 390×844, each tab without a serious axe
// violation and without sideways scrolling.

const SIZES = [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
] as const;

async function settingsTab(page: Page, t: TestServer, tab: string, heading: string): Promise<void> {
  await page.goto(`${t.url}/settings?tab=${tab}`);
  await page.getByRole('heading', { name: heading, level: 2 }).waitFor();
  await page.locator('#main [aria-busy="true"], #main .skeleton').first().waitFor({ state: 'detached' });
}

async function checkLayout(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const serious = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious).toEqual([]);
  const m = await page.evaluate<{ scrollWidth: number; innerWidth: number }>(
    `(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }))()`,
  );
  expect(m.scrollWidth).toBeLessThanOrEqual(m.innerWidth);
}

describe('people and access pages', { timeout: 240_000 }, () => {
  let t: TestServer;
  let idp: TestProvider;
  let b: Browser;
  beforeAll(async () => {
    ensureWebBuilt();
    t = await startTestServer();
    idp = await startOidcProvider([`${t.url}/api/v1/auth/sso/callback`]);
    b = await launchBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await t?.close();
    await idp?.close();
  });

  for (const size of SIZES) {
    it(`invites, lists sessions, makes a read-only token and sets single sign-on at ${size.width} px`, async () => {
      const { page } = b;
      // Signed in at the desktop width, where the navigation the helper waits for is shown.
      await page.setViewportSize(SIZES[0]);
      await signIn(page, t.url, t.users.manager.email, t.users.manager.password);
      await page.setViewportSize(size);

      // Members: inviting, not typing someone's password.
      await settingsTab(page, t, 'members', 'Members and roles');
      await page.getByRole('button', { name: 'Invite member' }).click();
      const members = page.getByRole('dialog', { name: 'Invite a member' });
      expect(await members.locator('input[type="password"]').count()).toBe(0);
      await members.getByRole('button', { name: 'Cancel' }).click();
      await checkLayout(page);

      // Invitations: the organization has no e-mail channel, so the one-time link is shown to copy.
      const invitee = `new-${size.width}@a.test`;
      await settingsTab(page, t, 'invitations', 'Invitations');
      await page.getByRole('button', { name: 'Invite member' }).click();
      const dialog = page.getByRole('dialog', { name: 'Invite a member' });
      await dialog.getByLabel('E-mail').fill(invitee);
      await dialog.getByLabel(/^Engineer/).check();
      await dialog.getByRole('button', { name: 'Send invitation' }).click();
      await dialog.waitFor({ state: 'detached' });
      const link = page.locator('pre, code').filter({ hasText: '/accept-invitation#' }).first();
      expect(await link.textContent()).toMatch(/\/accept-invitation#ct_inv_/);
      const row = page.getByRole('row').filter({ hasText: invitee });
      await row.waitFor();
      expect(await row.innerText()).toContain('Engineer');
      await checkLayout(page);
      await row.getByRole('button', { name: `Withdraw the invitation of ${invitee}` }).click();
      await page
        .getByRole('dialog', { name: 'Withdraw invitation' })
        .getByRole('button', { name: 'Withdraw' })
        .click();
      await row.waitFor({ state: 'detached' });

      // Sessions: this browser is listed and marked.
      await settingsTab(page, t, 'sessions', 'Your sessions');
      await page.getByRole('row').filter({ hasText: 'This browser' }).waitFor();
      await checkLayout(page);

      // Tokens: a read-only token, shown once, then revoked.
      await settingsTab(page, t, 'tokens', 'Your API tokens');
      await page.getByLabel('Token name').fill(`assistant-${size.width}`);
      await page.getByLabel(/^Read-only/).check();
      await page.getByRole('button', { name: 'Create token' }).click();
      await page.getByText('Copy it now: it is not shown again.').waitFor();
      // A manager's own tokens show in the organization's list too: this is the list of their own.
      const tokenRow = page
        .getByRole('region', { name: 'Your API tokens' })
        .getByRole('row')
        .filter({ hasText: `assistant-${size.width}` });
      expect(await tokenRow.innerText()).toContain('Read-only');
      await checkLayout(page);
      await tokenRow.getByRole('button', { name: 'Revoke' }).click();
      await page
        .getByRole('dialog', { name: 'Revoke token' })
        .getByRole('button', { name: 'Revoke' })
        .click();
      await tokenRow.getByText('Revoked').waitFor();

      // A manager sees every member's tokens and revokes another member's.
      const engineerToken = `eng-${size.width}`;
      const made = await t.request('/api/v1/tokens', {
        method: 'POST',
        token: t.users.engineer.token,
        body: { name: engineerToken },
      });
      expect(made.status).toBe(201);
      await settingsTab(page, t, 'tokens', 'The organization’s API tokens');
      const orgTokens = page.getByRole('region', { name: 'The organization’s API tokens' });
      const engineerRow = orgTokens.getByRole('row').filter({ hasText: engineerToken });
      expect(await engineerRow.innerText()).toContain(t.users.engineer.email);
      await checkLayout(page);
      await engineerRow
        .getByRole('button', { name: `Revoke ${t.users.engineer.email}’s token ${engineerToken}` })
        .click();
      await page
        .getByRole('dialog', { name: 'Revoke token' })
        .getByRole('button', { name: 'Revoke' })
        .click();
      await engineerRow.getByText('Revoked').waitFor();
      const used = await t.request('/api/v1/auth/me', {
        token: ((await made.json()) as { token: string }).token,
      });
      expect(used.status).toBe(401);

      // Single sign-on: saved against the real provider; the secret never comes back to the page.
      await settingsTab(page, t, 'sso', 'Single sign-on (OpenID Connect)');
      expect(
        await page.locator('pre, code').filter({ hasText: '/api/v1/auth/sso/callback' }).count(),
      ).toBeGreaterThan(0);
      await page.getByLabel('Issuer URL').fill(idp.issuer);
      await page.getByLabel('Client ID').fill(idp.clientId);
      const secretField = page.getByLabel(/^Client secret/);
      if (await secretField.evaluate((el) => (el as { required: boolean }).required))
        await secretField.fill(idp.clientSecret);
      await page.getByLabel('Scopes').fill('openid email profile groups');
      await page.getByLabel(/^Allowed e-mail domains/).fill('acme.test');
      await page.getByLabel(/^Default role/).selectOption('engineer');
      await page.getByLabel(/^Create members at their first sign-in/).check();
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Saved. The provider answered with its OpenID configuration.').waitFor();
      expect(await page.content()).not.toContain(idp.clientSecret);
      await checkLayout(page);
      await page.setViewportSize(SIZES[0]);
      await signOut(page);
    });
  }

  it('signs in with single sign-on from the sign-in page, and shows why a refused one failed', async () => {
    const { page } = b;
    await page.setViewportSize(SIZES[0]);
    const configured = await t.request('/api/v1/organization/sso', {
      method: 'PUT',
      token: t.users.manager.token,
      body: {
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        allowedDomains: ['acme.test'],
        defaultRole: 'engineer',
        justInTime: true,
      },
    });
    expect(configured.status).toBe(200);
    idp.nextLogin({ sub: 'browser-ana', email: 'ana@acme.test', name: 'Ana' });
    await page.goto(`${t.url}/`);
    await page.getByLabel('E-mail').fill('ana@acme.test');
    await page.getByRole('button', { name: 'Continue with single sign-on' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    const me = (await page.evaluate(`fetch('/api/v1/auth/me').then((r) => r.json())`)) as {
      user: { email: string };
      role: string;
    };
    expect(me.user.email).toBe('ana@acme.test');
    expect(me.role).toBe('engineer');
    // Signing out ends the provider's session too: the browser passes its sign-out page and comes back here.
    const atProvider = page.waitForRequest((r) => r.url().startsWith(`${idp.issuer}/`));
    const backHome = page.waitForRequest((r) => r.url() === `${t.url}/` && r.isNavigationRequest());
    await page.getByRole('button', { name: 'Sign out' }).click();
    await atProvider;
    await backHome;
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();

    // The same browser, cookies kept: the provider asks who signs in now instead of sending Ana back.
    idp.nextLogin({ sub: 'browser-bo', email: 'bo@acme.test', email_verified: false });
    await page.getByLabel('E-mail').fill('bo@acme.test');
    await page.getByRole('button', { name: 'Continue with single sign-on' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'The sign-in provider has not verified bo@acme.test.' })
      .waitFor();
    expect(new URL(page.url()).search).toBe('');
    await checkLayout(page);
  });
});
