import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  azureSmallScenario,
  generateAzureExports,
  startAzureSimulator,
  type AzureSimulator,
} from '../../sim/azure/index.js';
import { blobServiceClient } from '../../src/providers/azure/sdk/http-client.js';
import { ERROR_MAP } from '../../src/lib/errors.js';
import { startAzurite, TEST_TLS, type Azurite } from '../helpers/azurite.js';
import { runCli, scratchDir, startCliServer, type CliServer, type Scratch } from './cli-support.js';

// `cloudtally accounts connect azure` and `accounts edit` of an Azure connection, as processes against a
// `cloudtally serve` process, with Azurite (the real storage emulator) holding a Cost Management export and the
// simulator's Entra ID signing the service principal in. The client secret comes from standard input or
// AZURE_CLIENT_SECRET, never from a flag, and is never printed; the validation is printed step by step with its
// codes and fixes; `edit` takes the Azure fields of an Azure connection and refuses another provider's.

const SP = {
  tenantId: 'aaaaaaaa-0000-4000-8000-00000000000a',
  clientId: 'bbbbbbbb-0000-4000-8000-00000000000b',
  clientSecret: 'azureCliSecret~0123456789',
};

describe('cloudtally accounts connect azure and accounts edit', { timeout: 240_000 }, () => {
  let scratch: Scratch;
  let server: CliServer | undefined;
  let azurite: Azurite;
  let sim: AzureSimulator;
  let env: Record<string, string>;
  let genDir: string;

  const cli = (args: string[], options: { input?: string; env?: Record<string, string> } = {}) =>
    runCli(args, { cwd: scratch.dir, env: { ...env, ...options.env }, input: options.input });
  const connectArgs = (extra: string[] = []) => [
    ...['accounts', 'connect', 'azure', '--name', 'Contoso'],
    ...['--scope-type', 'billingAccount', '--scope-id', azureSmallScenario().billingAccountId],
    ...['--tenant-id', SP.tenantId, '--client-id', SP.clientId],
    ...['--blob-endpoint', azurite.blobUrl, '--container', 'billing', '--directory', 'costs'],
    ...['--export-name', 'focus-daily', '--export-format', 'focus', '--authority-host', sim.url],
    ...extra,
  ];

  beforeAll(async () => {
    scratch = scratchDir('azure');
    [azurite, sim] = await Promise.all([
      startAzurite(),
      startAzureSimulator({ tls: { cert: TEST_TLS.cert, key: TEST_TLS.key }, principals: [SP] }),
    ]);
    genDir = mkdtempSync(path.join(tmpdir(), 'cloudtally-cli-azure-gen-'));
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

    const dataDir = path.join(scratch.dir, 'data');
    const bootstrap = (args: string[]) => runCli(args, { cwd: scratch.dir });
    const user = await bootstrap([
      ...['users', 'create', '--data-dir', dataDir, '--org', 'Acme'],
      ...['--email', 'owner@acme.test', '--password', 'owner-password'],
    ]);
    expect(user.code, user.stderr).toBe(0);
    const token = await bootstrap([
      ...['tokens', 'create', '--data-dir', dataDir, '--email', 'owner@acme.test', '--name', 'azure'],
    ]);
    expect(token.code, token.stderr).toBe(0);
    server = await startCliServer(['--port', '0', '--data-dir', dataDir], {
      cwd: scratch.dir,
      env: { CLOUDTALLY_AZURE_CA_FILE: TEST_TLS.certFile },
    });
    env = { CLOUDTALLY_URL: server.url, CLOUDTALLY_TOKEN: token.stdout.trim() };
  }, 180_000);

  afterAll(async () => {
    const stopped = await server?.stop();
    if (stopped) expect(`${stopped.stdout}${stopped.stderr}`).not.toContain(SP.clientSecret);
    await Promise.all([azurite?.close(), sim?.close()]);
    scratch?.remove();
    if (genDir) rmSync(genDir, { recursive: true, force: true });
  });

  it('connects with the secret from standard input and prints each validation step with its code', async () => {
    const r = await cli(connectArgs(['--client-secret-stdin']), { input: `${SP.clientSecret}\n` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^connected Contoso \(\S+\)$/m);
    for (const [step, code] of [
      ['credentials', 'azure_signed_in'],
      ['container', 'azure_container_listed'],
      ['export', 'azure_export_found'],
      ['manifest', 'azure_manifest_ok'],
    ])
      expect(r.stdout).toMatch(new RegExp(`^✓ ${step}\\s+${code}\\s`, 'm'));
    expect(r.stdout).toContain('validation passed');
    expect(r.stdout + r.stderr).not.toContain(SP.clientSecret);

    const show = await cli(['accounts', 'show', 'Contoso']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^type\s+azure cost_export$/m);
    expect(show.stdout).toMatch(/^scope\s+\/providers\/Microsoft\.Billing\/billingAccounts\//m);
    expect(show.stdout).toMatch(
      /^export\s+focus-daily \(focus\) in https:\/\/127\.0\.0\.1:\d+\/\S+\/billing\/costs\/$/m,
    );
  });

  it('takes the secret from AZURE_CLIENT_SECRET and prints a failing step with its fix', async () => {
    const r = await cli(
      connectArgs([
        '--name',
        'Never ran',
        '--export-name',
        'never-ran',
        '--scope-type',
        'managementGroup',
        '--scope-id',
        'mg-never',
      ]),
      { env: { AZURE_CLIENT_SECRET: SP.clientSecret } },
    );
    expect(r.code, r.stderr).toBe(ERROR_MAP.connection.exit);
    expect(r.stdout).toMatch(/^✓ credentials\s+azure_signed_in/m);
    expect(r.stdout).toMatch(/^✗ export\s+azure_export_not_delivered\s/m);
    expect(r.stdout).toMatch(/^ {4}fix: .*Run now/m);
    expect(r.stdout).toMatch(/^- manifest\s+not_checked/m);
    expect(r.stdout).toContain('validation failed');
  });

  it('refuses a wrong secret with the code and the fix, and asks for the secret when none is given', async () => {
    const wrong = await cli(connectArgs(['--name', 'Wrong', '--client-secret-stdin']), {
      input: 'not-the-secret-0000',
    });
    expect(wrong.code).toBe(ERROR_MAP.connection.exit);
    expect(wrong.stderr).toContain('code: azure_secret_invalid (step credentials)');
    expect(wrong.stderr).toMatch(/clientSecret/);
    const none = await cli(connectArgs(['--name', 'No secret']));
    expect(none.code).toBe(ERROR_MAP.input.exit);
    expect(none.stderr).toMatch(/--client-secret-stdin|AZURE_CLIENT_SECRET/);
    const flag = await cli(connectArgs(['--client-secret', SP.clientSecret]));
    expect(flag.code).not.toBe(0);
    expect(flag.stderr).toMatch(/unknown option '--client-secret'/);
    const list = await cli(['accounts', 'list', '--json']);
    expect(
      (JSON.parse(list.stdout) as { items: { name: string }[] }).items.map((a) => a.name).sort(),
    ).toEqual(['Contoso', 'Never ran']);
  });

  it('edits an Azure connection with its own fields and refuses the fields of another provider', async () => {
    const edit = await cli(['accounts', 'edit', 'Never ran', '--export-name', 'focus-daily']);
    expect(edit.code, edit.stderr).toBe(0);
    expect(edit.stdout).toMatch(/^updated Never ran/m);
    expect(edit.stdout).toMatch(/^export\s+focus-daily \(focus\) in \S+\/billing\/costs\/$/m);
    const validate = await cli(['accounts', 'validate', 'Never ran']);
    expect(validate.code, validate.stdout).toBe(0);
    expect(validate.stdout).toMatch(/^✓ export\s+azure_export_found/m);

    const aws = await cli([
      'accounts',
      'edit',
      'Never ran',
      '--bucket',
      'cur-bucket',
      '--role-name',
      'Reader',
    ]);
    expect(aws.code).toBe(ERROR_MAP.input.exit);
    expect(aws.stderr).toContain('--bucket, --role-name are not a field of an Azure connection');
    expect(aws.stderr).toContain('--tenant-id');

    const secret = await cli(['accounts', 'edit', 'Never ran', '--client-secret-stdin'], {
      input: 'not-the-secret-0000',
    });
    expect(secret.code).toBe(ERROR_MAP.connection.exit);
    expect(secret.stderr).toContain('azure_secret_invalid');
    const bad = await cli(['accounts', 'edit', 'Never ran', '--tenant-id', 'contoso']);
    expect(bad.code).toBe(ERROR_MAP.input.exit);
    expect(bad.stderr).toContain('tenantId');
  });
});
