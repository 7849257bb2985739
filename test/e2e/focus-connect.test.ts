import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generateFocusExport } from '../../sim/gen/focus-export.js';
import { EXPORT, KEYS, PAYER, startAccountsWorld, type AccountsWorld } from '../accounts/fixture.js';
import { ensureWebBuilt, launchBrowser, navigate, signIn, type Browser } from './browser.js';

/**
 * Connecting a FOCUS export through the web page, in Debian's Chromium against a real server and the simulator's
 * S3: a field is checked as it is left, a wrong secret is refused with its fix and nothing is saved, the right key
 * passes the three steps, the first sync loads the export, and the Accounts page groups the export apart from the
 * AWS account under its provider.
 */
const BUCKET = 'acct-cur';
const now = new Date();
const FROM = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);

describe('FOCUS export connect page against the simulator', { timeout: 180_000 }, () => {
  let w: AccountsWorld;
  let b: Browser;
  let page: Page;

  beforeAll(async () => {
    ensureWebBuilt();
    w = await startAccountsWorld();
    await w.t.ctx.sync.start({ worker: true, scheduler: false });
    await generateFocusExport({
      from: FROM,
      months: 1,
      seed: 7,
      format: 'csv',
      dir: path.join(w.sim.dataDir, 'buckets', BUCKET, 'focus', 'data'),
    });
    b = await launchBrowser();
    page = b.page;
  }, 120_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    await b
      ?.screenshot(`FAILED-focus-${ctx.task.name.replace(/\W+/g, '-').slice(0, 60)}`)
      .catch(() => undefined);
  });
  afterAll(async () => {
    await b?.close();
    await w?.close();
  });

  it('checks a field as it is left, and refuses a wrong secret with its fix without saving', async () => {
    await signIn(page, w.t.url, w.t.users.manager.email, w.t.users.manager.password);
    await navigate(page, 'Accounts');
    await page.getByRole('link', { name: 'Connect a FOCUS export' }).first().click();
    await page.getByRole('heading', { name: 'Connect a FOCUS export' }).waitFor();
    await page.getByRole('radio', { name: /Other S3-compatible storage/ }).check();
    await page.getByLabel(/^Name/).fill('Multi-cloud FOCUS');
    await page.getByLabel(/^Endpoint/).fill(w.sim.url);
    await page.getByLabel(/^Bucket/).fill(`s3://${BUCKET}/focus`);
    await page.getByLabel(/^Prefix/).click();
    await page.getByText('must be the bucket name only, without s3:// or a path').waitFor();
    await page.getByLabel(/^Bucket/).fill(BUCKET);
    await page.getByLabel(/^Prefix/).fill('focus');
    await page.getByLabel(/^Access key ID/).fill(KEYS.payer.accessKeyId);
    await page.getByLabel(/^Secret access key/).fill('wrongSecret0000000000000000000000000000');
    expect(await page.getByText('must be the bucket name only').count()).toBe(0);
    await b.screenshot('focus-connect-1-form');
    await page.getByRole('button', { name: 'Connect and validate' }).click();

    const refused = page.locator('.validation-steps li[data-state="fail"]');
    await refused.first().waitFor();
    const text = await refused.first().innerText();
    expect(text).toContain('focus_key_rejected');
    expect(text).toContain('How to fix');
    expect(text).toContain('accessKeyId and secretAccessKey');
    await b.screenshot('focus-connect-2-refused');
    expect((await w.api('/api/v1/cloud-accounts')).body.items).toEqual([]);
  });

  it('passes access, files and header with the right key, then follows the first sync until healthy', async () => {
    await page.getByRole('button', { name: 'Change settings' }).click();
    expect(await page.getByLabel(/^Bucket/).inputValue()).toBe(BUCKET);
    expect(await page.getByLabel(/^Endpoint/).inputValue()).toBe(w.sim.url);
    await page.getByLabel(/^Secret access key/).fill(KEYS.payer.secretAccessKey);
    await page.getByRole('button', { name: 'Connect and validate' }).click();
    await page.getByText('The connection works.').waitFor();
    for (const step of ['access', 'files', 'header'])
      expect(await page.locator(`li[data-step="${step}"]`).getAttribute('data-state')).toBe('pass');
    expect(await page.locator('li[data-step="header"]').innerText()).toContain(
      'The files have the FOCUS columns',
    );
    await b.screenshot('focus-connect-3-validated');
    await page.getByRole('button', { name: 'Continue to the first sync' }).click();
    await page.getByTestId('sync-status').locator('[data-state="healthy"]').waitFor({ timeout: 120_000 });
    await page.locator('li[data-stage="billing"][data-state="succeeded"]').waitFor();
    await b.screenshot('focus-connect-4-first-sync');
    const items = (await w.api('/api/v1/cloud-accounts')).body.items as {
      provider: string;
      bucket: string;
    }[];
    expect(items).toMatchObject([{ provider: 'focus', bucket: BUCKET }]);
    expect(JSON.stringify(items)).not.toContain(KEYS.payer.secretAccessKey);
  });

  it('groups the Accounts page by provider', async () => {
    const aws = await w.api('/api/v1/cloud-accounts', {
      method: 'POST',
      body: { provider: 'aws', type: 'root', name: 'Payer', awsAccountId: PAYER, ...KEYS.payer, ...EXPORT },
    });
    expect(aws.status, JSON.stringify(aws.body)).toBe(201);
    await page.getByRole('link', { name: 'Done' }).click();
    const focus = page.locator('section[data-provider="focus"]');
    const amazon = page.locator('section[data-provider="aws"]');
    await focus.getByRole('heading', { name: /FOCUS exports/ }).waitFor();
    await amazon.getByRole('heading', { name: /Amazon Web Services/ }).waitFor();
    expect(await focus.locator('tr[data-account]').innerText()).toContain(`s3://${BUCKET}/focus`);
    expect(await amazon.locator('tr[data-account]', { hasText: 'Payer' }).count()).toBe(1);
    expect(await focus.locator('tr[data-account]', { hasText: 'Payer' }).count()).toBe(0);
    const order = await page
      .locator('section[data-provider]')
      .evaluateAll((s) => s.map((e) => e.getAttribute('data-provider')));
    expect(order).toEqual(['aws', 'focus']);
    await b.screenshot('focus-accounts-by-provider');
  });
});
