import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_MAP } from '../../src/lib/errors.js';
import { EXPORT, PAYER, startAccountsWorld, type AccountsWorld } from '../accounts/fixture.js';
import { BIN, runCli, scratchDir, type Scratch } from './cli-support.js';

/** The real CLI against a real server (over the accounts simulator): exit codes, messages and tables. */
describe('cloudtally output and exit codes', { timeout: 180_000 }, () => {
  let w: AccountsWorld;
  let scratch: Scratch;
  let payerId = '';

  beforeAll(async () => {
    scratch = scratchDir('cli-output');
    w = await startAccountsWorld('duckdb');
    const res = await w.api('/api/v1/cloud-accounts', {
      method: 'POST',
      body: {
        provider: 'aws',
        name: 'Acme Payer',
        type: 'assumed_role',
        awsAccountId: PAYER,
        roleName: 'CloudtallyReadOnly',
        ...EXPORT,
      },
    });
    expect(res.status).toBe(201);
    payerId = String(res.body.id);
    // A finished sync, so that the account has times to show.
    await w.t.ctx.sync.start({ worker: true, scheduler: false });
    const { run } = await w.t.ctx.sync.trigger({
      orgId: w.t.users.manager.orgId,
      accountId: payerId,
      trigger: 'manual',
    });
    await w.t.ctx.sync.waitForRun(w.t.users.manager.orgId, run.id);
  }, 120_000);
  afterAll(async () => {
    await w?.close();
    scratch?.remove();
  });

  const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
    runCli(args, {
      cwd: scratch.dir,
      env: { CLOUDTALLY_URL: w.t.url, CLOUDTALLY_TOKEN: w.t.users.manager.token, ...env },
    });

  it('ends quietly when the reader of its output has gone (`| head`)', async () => {
    const child = spawn(process.execPath, [BIN, 'accounts', 'setup', 'aws', '--json'], {
      cwd: scratch.dir,
      env: { ...process.env, CLOUDTALLY_URL: w.t.url, CLOUDTALLY_TOKEN: w.t.users.manager.token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The read end closes before the CLI writes a byte: every write it makes fails with EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('treats an unknown command or option as invalid input (exit 2), not as an internal error', async () => {
    const command = await cli(['acounts', 'list']);
    expect(command.code).toBe(ERROR_MAP.input.exit);
    expect(command.stderr).toMatch(/unknown command 'acounts'/);
    const option = await cli(['accounts', 'list', '--jsn']);
    expect(option.code).toBe(ERROR_MAP.input.exit);
    expect(option.stderr).toMatch(/unknown option '--jsn'/);
    expect((await cli(['--version'])).code).toBe(0);
  });

  it('exits 3 (not signed in) without a token, and says the token is invalid or revoked when it is', async () => {
    const missing = await cli(['accounts', 'list'], { CLOUDTALLY_TOKEN: undefined });
    expect(missing.code).toBe(ERROR_MAP.unauthenticated.exit);
    expect(missing.stderr).toMatch(/CLOUDTALLY_TOKEN/);
    const bad = await cli(['accounts', 'list'], { CLOUDTALLY_TOKEN: 'ct_not-a-real-token' });
    expect(bad.code).toBe(ERROR_MAP.unauthenticated.exit);
    expect(bad.stderr).toMatch(/token is invalid or revoked/);
    expect(bad.stderr).not.toMatch(/Sign in or send an API token/);
  });

  it('says an unknown account was not found once (exit 5)', async () => {
    const r = await cli(['accounts', 'show', 'ca_nope']);
    expect(r.code).toBe(ERROR_MAP.not_found.exit);
    expect(r.stderr).toMatch(/ca_nope was not found/);
    expect(r.stderr).not.toMatch(/not found was not found/);
  });

  // Each spawn of the CLI takes seconds on a loaded machine: a longer limit for the tests that spawn several.
  it(
    'shows an account by its name or AWS account ID, as the MCP tools take it',
    { timeout: 180_000 },
    async () => {
      for (const ref of ['acme payer', `${PAYER.slice(0, 4)}-${PAYER.slice(4, 8)}-${PAYER.slice(8)}`]) {
        const r = await cli(['accounts', 'show', ref, '--json']);
        expect(r.code, `${ref}: ${r.stderr}`).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({ id: payerId, name: 'Acme Payer' });
      }
      const none = await cli(['accounts', 'show', 'Nobody']);
      expect(none.code).toBe(ERROR_MAP.not_found.exit);
      expect(none.stderr).toMatch(
        /No cloud account matches "Nobody"\. Connected accounts: Acme Payer \(111111111111\)/,
      );
    },
  );

  it('prints tables with readable headers and times in the user’s time zone; --json stays raw', async () => {
    const json = await cli(['accounts', 'list', '--json']);
    const [item] = (JSON.parse(json.stdout) as { items: { status: { lastSyncAt: string } }[] }).items;
    expect(item.status.lastSyncAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    const table = await cli(['accounts', 'list'], { TZ: 'Asia/Tokyo' });
    expect(table.code).toBe(0);
    const [header, row] = table.stdout.split('\n');
    expect(header).toMatch(/^ID\s+Name\s+Type\s+AWS account ID\s+State\s+Last sync\s+Next sync\s+Members$/);
    expect(header).not.toMatch(/AWSACCOUNTID/);
    const tokyo = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Tokyo',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .format(new Date(item.status.lastSyncAt))
      .replace(',', '');
    expect(row).toContain(`${tokyo} GMT+9`);
  });
});
