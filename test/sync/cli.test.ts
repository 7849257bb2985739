import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../src/lib/errors.js';
import { newId } from '../../src/lib/ids.js';
import { progressLine } from '../../src/cli/sync-commands.js';
import type { SyncService } from '../../src/sync/sync-service.js';
import type { StageName, StageRecord } from '../../src/sync/sync-types.js';
import { runCli, scratchDir, type Scratch } from '../cli/cli-support.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { fakeStages, syncServiceFor } from './helpers.js';

describe('sync commands', () => {
  let t: TestServer;
  let worker: SyncService;
  let scratch: Scratch;
  let healthy: string;
  let broken: string;

  const addAccount = async (name: string) => {
    const id = newId('acc');
    await t.ctx.store.execute(
      `INSERT INTO cloud_accounts (id, org_id, name, provider, type, aws_account_id, created_at, updated_at)
       VALUES ($1, $2, $3, 'aws', 'assumed_role', $4, $5, $5)`,
      [id, t.users.manager.orgId, name, String(400000000000 + Math.floor(Math.random() * 1e9)), new Date()],
    );
    return id;
  };
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, {
      cwd: scratch.dir,
      env: { CLOUDTALLY_URL: t.url, CLOUDTALLY_TOKEN: t.users.engineer.token, ...env },
    });

  beforeAll(async () => {
    t = await startTestServer();
    scratch = scratchDir('sync-cli');
    healthy = await addAccount('healthy');
    broken = await addAccount('broken');
    const { stages } = fakeStages({
      billing: async (ctx) => {
        ctx.progress({ done: 1, total: 1, message: '2026-11' });
        return { counts: { rows: 5 } };
      },
      metrics: async (ctx) => {
        if (ctx.account.name === 'broken') {
          throw new ConnectionError({
            code: 'cloudwatch_permission_missing',
            message: 'CloudWatch GetMetricData was denied.',
            remediation: 'Allow cloudwatch:GetMetricData in the role policy.',
          });
        }
        return {};
      },
    });
    worker = syncServiceFor(t.ctx.store, stages);
    await worker.start({ worker: true, scheduler: false });
  });
  afterAll(async () => {
    await worker?.stop(1_000);
    await t?.close();
    scratch?.remove();
  });

  it('`accounts sync ID --wait` follows the run through the server and exits 0 when it succeeded', async () => {
    const r = await cli(['accounts', 'sync', healthy, '--wait']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^sync run run_\w+: succeeded$/m);
    expect(r.stdout).toMatch(/^billing\s+succeeded\s+[\d.]+\s+rows=5/m);
    // Not a terminal: plain lines rather than a redrawn bar.
    expect(r.stderr).toMatch(/^sync run run_\w+ queued$/m);
    expect(r.stderr).not.toContain('\r');
  });

  it('exits with the connection code and says what to fix when a stage failed', async () => {
    const r = await cli(['accounts', 'sync', broken, '--wait']);
    expect(r.code).toBe(7);
    expect(r.stdout).toMatch(/^metrics\s+failed/m);
    expect(r.stderr).toContain('Sync partly failed: CloudWatch GetMetricData was denied.');
    expect(r.stderr).toContain('fix: Allow cloudwatch:GetMetricData in the role policy.');
  });

  it('queues without waiting, lists the runs, shows and cancels one', async () => {
    const queued = await cli(['accounts', 'sync', healthy, '--json']);
    expect(queued.code, queued.stderr).toBe(0);
    const run = JSON.parse(queued.stdout) as { id: string; joined: boolean };
    expect(run.joined).toBe(false);

    const listed = await cli(['accounts', 'sync-runs', healthy, '--json']);
    expect((JSON.parse(listed.stdout) as { items: { id: string }[] }).items.map((i) => i.id)).toContain(
      run.id,
    );

    const shown = await cli(['sync-runs', 'show', run.id, '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect((JSON.parse(shown.stdout) as { id: string }).id).toBe(run.id);

    const viewer = await cli(['sync-runs', 'cancel', run.id], { CLOUDTALLY_TOKEN: t.users.viewer.token });
    expect(viewer.code).toBe(4);
    const missing = await cli(['sync-runs', 'show', 'run_nope']);
    expect(missing.code).toBe(5);
  });

  it('refuses `cloudtally worker` without a PostgreSQL URL', async () => {
    const r = await runCli(['worker', '--data-dir', scratch.dir], { cwd: scratch.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--database-url');
  });
});

describe('progressLine', () => {
  const record = (name: StageName, state: StageRecord['state']): StageRecord => ({
    name,
    state,
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    tries: 0,
    counts: {},
    diagnostics: [],
  });
  const base = {
    id: 'run_1',
    cloudAccountId: 'acc_1',
    error: null,
  };

  it('fills the bar with finished stages plus the share of the current one', () => {
    const line = progressLine(
      {
        ...base,
        state: 'running',
        stage: 'billing',
        progress: { done: 1, total: 2, message: '2026-10' },
        stages: [
          record('validate', 'succeeded'),
          record('billing', 'running'),
          record('inventory', 'waiting'),
          record('metrics', 'waiting'),
          record('recommendations', 'waiting'),
        ],
      },
      10,
    );
    // 1.5 of 5 stages: 3 of 10 marks.
    expect(line).toBe('[###-------] 2/5 billing 1/2 2026-10');
  });

  it('shows a queued run as queued and a finished one as full', () => {
    expect(progressLine({ ...base, state: 'queued', stage: null, progress: {}, stages: [] }, 4)).toBe(
      '[----] queued',
    );
    expect(progressLine({ ...base, state: 'succeeded', stage: null, progress: {}, stages: [] }, 4)).toMatch(
      /^\[####\]/,
    );
  });
});
