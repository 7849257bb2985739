import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StorageSharedKeyCredential } from '@azure/storage-blob';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  azureSmallScenario,
  generateAzureExports,
  startAzureSimulator,
  type AzureSimulator,
} from '../../sim/azure/index.js';
import { blobServiceClient } from '../../src/providers/azure/sdk/http-client.js';
import { startAzurite, TEST_TLS, type Azurite } from '../helpers/azurite.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ensureWebBuilt, launchBrowser, navigate, signIn, type Browser } from './browser.js';

/**
 * Connecting Azure through the web page, in Debian's Chromium against a real server, Azurite holding a Cost
 * Management export and the simulator's Entra ID: the setup step shows the role assignments, the az commands and
 * the Bicep template; each move puts the focus on the new step's heading; a wrong secret is refused with its fix and
 * nothing is saved; the right one passes the four checks, the first sync loads the export, and the Accounts page
 * lists the connection under Microsoft Azure.
 */
const SP = {
  tenantId: 'aaaaaaaa-0000-4000-8000-00000000000a',
  clientId: 'bbbbbbbb-0000-4000-8000-00000000000b',
  clientSecret: 'azureWebSecret~0123456789',
};

describe('Azure connect page against Azurite and the simulator', { timeout: 240_000 }, () => {
  let azurite: Azurite;
  let sim: AzureSimulator;
  let t: TestServer;
  let b: Browser;
  let page: Page;
  let genDir: string;
  const focused = () => page.evaluate<string>(`(document.activeElement?.textContent ?? '').trim()`);
  const accounts = async () => {
    const res = await t.request('/api/v1/cloud-accounts', { token: t.users.manager.token });
    return ((await res.json()) as { items: { provider: string; name: string }[] }).items;
  };

  beforeAll(async () => {
    ensureWebBuilt();
    [azurite, sim] = await Promise.all([
      startAzurite(),
      startAzureSimulator({ tls: { cert: TEST_TLS.cert, key: TEST_TLS.key }, principals: [SP] }),
    ]);
    genDir = mkdtempSync(path.join(tmpdir(), 'cloudtally-e2e-azure-'));
    const gen = await generateAzureExports(
      azureSmallScenario(),
      [{ name: 'focus-daily', dataset: 'focus', format: 'csv', mode: 'overwrite', directory: 'costs' }],
      { now: new Date(), dataDir: genDir },
    );
    const writer = blobServiceClient(
      azurite.blobUrl,
      new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey),
      { extraCaPem: azurite.caPem },
    ).getContainerClient('billing');
    await writer.create();
    for (const [name, local] of gen.blobs)
      await writer.getBlockBlobClient(name).uploadData(readFileSync(local));
    t = await startTestServer({ engine: 'duckdb', config: { azureCaFile: TEST_TLS.certFile } });
    await t.ctx.sync.start({ worker: true, scheduler: false });
    b = await launchBrowser();
    page = b.page;
  }, 180_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    await b
      ?.screenshot(`FAILED-azure-${ctx.task.name.replace(/\W+/g, '-').slice(0, 60)}`)
      .catch(() => undefined);
  });
  afterAll(async () => {
    await b?.close();
    await t?.close();
    await Promise.all([azurite?.close(), sim?.close()]);
    if (genDir) rmSync(genDir, { recursive: true, force: true });
  });

  it('shows the role assignments, az commands and Bicep, then moves the focus to the form', async () => {
    await signIn(page, t.url, t.users.manager.email, t.users.manager.password);
    await navigate(page, 'Accounts');
    await page.getByRole('link', { name: 'Connect Azure' }).first().click();
    await page.getByRole('heading', { name: 'Connect Azure' }).waitFor();
    const setup = page.locator('section[aria-labelledby="setup-title"]');
    for (const role of ['Cost Management Reader', 'Storage Blob Data Reader', 'Reader'])
      await setup.getByRole('cell', { name: role, exact: true }).waitFor();
    expect(await setup.innerText()).toContain('az role assignment create');
    expect(await setup.innerText()).toContain('cloudtally-reader.bicep');
    expect(await setup.innerText()).toContain("targetScope = 'subscription'");
    await b.screenshot('azure-connect-1-setup');
    await page.getByRole('button', { name: 'Continue to the connection' }).click();
    await page.getByRole('heading', { name: 'Connection details' }).waitFor();
    expect(await focused()).toBe('Connection details');
  });

  it('refuses a wrong secret with its fix, saves nothing, and focuses the Validation heading', async () => {
    await page.getByLabel(/^Name/).fill('Contoso');
    await page.getByLabel('Scope of the export').selectOption('billingAccount');
    await page.getByLabel(/^Billing account ID/).fill(azureSmallScenario().billingAccountId);
    await page.getByLabel(/^Directory \(tenant\) ID/).fill(SP.tenantId);
    await page.getByLabel(/^Application \(client\) ID/).fill(SP.clientId);
    await page.getByLabel(/^Client secret/).fill('not-the-secret-0000');
    await page.getByLabel(/^Container/).fill('billing');
    await page
      .getByLabel(/^Directory/, { exact: false })
      .last()
      .fill('costs');
    await page.getByLabel(/^Export name/).fill('focus-daily');
    await page.getByLabel('Export type').selectOption('focus');
    await page.getByText('Advanced: blob endpoint and sovereign clouds').click();
    await page.getByLabel(/^Blob endpoint/).fill(azurite.blobUrl);
    await page.getByLabel(/^Entra ID authority/).fill(sim.url);
    await page.getByRole('button', { name: 'Connect and validate' }).click();
    const refused = page.locator('.validation-steps li[data-state="fail"]');
    await refused.first().waitFor();
    const text = await refused.first().innerText();
    expect(text).toContain('azure_secret_invalid');
    expect(text).toContain('How to fix');
    expect(text).toContain('clientSecret');
    expect(await focused()).toBe('Validation');
    await b.screenshot('azure-connect-2-refused');
    expect(await accounts()).toEqual([]);
  });

  it('passes the four checks with the right secret and follows the first sync until healthy', async () => {
    await page.getByRole('button', { name: 'Change settings' }).click();
    expect(await page.getByLabel(/^Container/).inputValue()).toBe('billing');
    await page.getByLabel(/^Client secret/).fill(SP.clientSecret);
    await page.getByRole('button', { name: 'Connect and validate' }).click();
    await page.getByText('The connection works.').waitFor();
    for (const step of ['credentials', 'container', 'export', 'manifest'])
      expect(await page.locator(`li[data-step="${step}"]`).getAttribute('data-state')).toBe('pass');
    await b.screenshot('azure-connect-3-validated');
    await page.getByRole('button', { name: 'Continue to the first sync' }).click();
    expect(await focused()).toBe('First sync');
    await page.getByTestId('sync-status').locator('[data-state="healthy"]').waitFor({ timeout: 120_000 });
    await page.locator('li[data-stage="billing"][data-state="succeeded"]').waitFor();
    expect(await accounts()).toMatchObject([{ provider: 'azure', name: 'Contoso' }]);
    expect(JSON.stringify(await accounts())).not.toContain(SP.clientSecret);
    await page.getByRole('link', { name: 'Done' }).click();
    const azure = page.locator('section[data-provider="azure"]');
    await azure.getByRole('heading', { name: /Microsoft Azure/ }).waitFor();
    expect(await azure.locator('tr[data-account]', { hasText: 'Contoso' }).count()).toBe(1);
  });
});
