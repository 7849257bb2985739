import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { DuckDbStore } from '../../src/store/duckdb-store.js';
import { runCli, scratchDir, startCliServer, type CliServer, type Scratch } from '../cli/cli-support.js';
import { eventually } from './helpers.js';
import { payerBody, SMALL_MEMBER, SMALL_PAYER, simulatorEnv, trustOrganization } from './sim-support.js';

// A process killed in the middle of a stage loses nothing: real `cloudtally serve` processes over the embedded
// DuckDB file, SIGKILLed while the simulator holds their AWS calls open.

interface Run {
  id: string;
  state: string;
  stage: string | null;
  progress: { done?: number; total?: number; message?: string };
  stages: { name: string; state: string; counts: Record<string, number> }[];
  error: { code: string } | null;
}

const EMAIL = 'crash@a.test';
const PASSWORD = 'a-long-password-1';

describe('crash safety of sync runs (embedded engine, real server processes)', () => {
  let sim: Simulator;
  let scratch: Scratch;
  let dataDir: string;
  let env: Record<string, string>;
  let token: string;
  let server: CliServer | undefined;
  let payerId: string;
  let memberId: string;

  const api = async <T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
    const res = await fetch(server!.url + path, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const serve = async () => {
    server = await startCliServer(['--port', '0', '--data-dir', dataDir], { cwd: scratch.dir, env });
  };
  const latestRun = async (accountId: string) =>
    (await api<{ items: Run[] }>(`/api/v1/cloud-accounts/${accountId}/sync-runs?limit=1`)).items[0];
  const waitFinished = (runId: string) =>
    eventually(
      async () => {
        const run = await api<Run>(`/api/v1/sync-runs/${runId}`);
        return ['queued', 'running'].includes(run.state) ? undefined : run;
      },
      `run ${runId} to finish`,
      120_000,
    );
  /** Everything a run writes, read straight from the file of a stopped server. */
  const snapshot = async () => {
    const store = await DuckDbStore.open({ path: path.join(dataDir, 'cloudtally.duckdb') });
    try {
      return {
        lineItems: await store.query(
          `SELECT cloud_account_id, CAST(billing_period AS VARCHAR) AS p, count(*) AS n, sum(billed_cost) AS billed
           FROM cost_line_items GROUP BY ALL ORDER BY ALL`,
        ),
        daily: await store.query(
          `SELECT cloud_account_id, CAST(usage_date AS VARCHAR) AS d, sub_account_id, service_code, billed_cost
           FROM cost_daily ORDER BY ALL`,
        ),
        periods: await store.query(
          `SELECT cloud_account_id, CAST(billing_period AS VARCHAR) AS p, manifest_identity, row_count, state
           FROM billing_periods ORDER BY ALL`,
        ),
        resources: await store.query(
          `SELECT cloud_account_id, resource_type, resource_id, state, gone_at FROM resources ORDER BY ALL`,
        ),
        running: await store.query(`SELECT id FROM sync_runs WHERE state = 'running'`),
      };
    } finally {
      await store.close();
    }
  };
  const kill = async () => {
    const result = await server!.stop('SIGKILL');
    expect(result.signal).toBe('SIGKILL');
    server = undefined;
  };

  beforeAll(async () => {
    sim = await startSimulator('small', { now: new Date() });
    scratch = scratchDir('sync-crash');
    dataDir = path.join(scratch.dir, 'data');
    env = { ...simulatorEnv(sim), CLOUDTALLY_SCHEDULER: 'false', CLOUDTALLY_LOG_LEVEL: 'warn' };
    const created = await runCli(
      [
        'users',
        'create',
        '--data-dir',
        dataDir,
        '--org',
        'Acme',
        '--email',
        EMAIL,
        '--role',
        'manager',
      ].concat(['--password', PASSWORD]),
      { cwd: scratch.dir, env },
    );
    expect(created.code, created.stderr).toBe(0);
    const tokens = await runCli(
      ['tokens', 'create', '--data-dir', dataDir, '--email', EMAIL, '--name', 'crash'],
      {
        cwd: scratch.dir,
        env,
      },
    );
    expect(tokens.code, tokens.stderr).toBe(0);
    token = tokens.stdout.trim();

    await serve();
    const setup = await api<{ externalId: string }>('/api/v1/setup/aws');
    trustOrganization(sim, setup.externalId, [SMALL_PAYER.roleArn, SMALL_MEMBER.roleArn]);
    payerId = (await api<{ id: string }>('/api/v1/cloud-accounts', { method: 'POST', body: payerBody() })).id;
    memberId = (
      await api<{ id: string }>('/api/v1/cloud-accounts', {
        method: 'POST',
        body: {
          name: 'prod',
          provider: 'aws',
          type: 'linked',
          awsAccountId: SMALL_MEMBER.awsAccountId,
          roleName: SMALL_MEMBER.roleName,
          payerAccountId: SMALL_PAYER.awsAccountId,
        },
      })
    ).id;
    // The first syncs (on connect; the payer once more for the member's history) finish before the crashes.
    await eventually(
      async () => {
        const runs = [
          ...(await api<{ items: Run[] }>(`/api/v1/cloud-accounts/${payerId}/sync-runs`)).items,
          ...(await api<{ items: Run[] }>(`/api/v1/cloud-accounts/${memberId}/sync-runs`)).items,
        ];
        return runs.length >= 2 && runs.every((r) => r.state === 'succeeded');
      },
      'the first syncs',
      120_000,
    );
    await server!.stop('SIGTERM');
    server = undefined;
  });
  afterAll(async () => {
    if (server) await server.stop('SIGKILL');
    await sim?.close();
    scratch?.remove();
  });

  it('keeps the loaded bill when killed during a billing load; the run is interrupted and the next one succeeds', async () => {
    const before = await snapshot();
    expect(before.lineItems.length).toBeGreaterThan(0);
    // A new refresh of the current month makes the next run load it; slow S3 answers hold it in the load.
    const current = new Date().toISOString().slice(0, 7);
    await sim.restatePeriod(current);
    sim.injectFault({ service: 's3', operation: 'GetObject', kind: 'slow', delayMs: 2_000, count: 1_000 });

    await serve();
    const { id } = await api<Run>(`/api/v1/cloud-accounts/${payerId}/sync`, { method: 'POST' });
    await eventually(
      async () => {
        const run = await api<Run>(`/api/v1/sync-runs/${id}`);
        return run.stage === 'billing' && (run.progress.total ?? 0) > 0;
      },
      'the billing load to start downloading',
      60_000,
    );
    await kill();
    sim.clearFaults();

    const after = await snapshot();
    expect(after.running).toEqual([{ id }]);
    expect({ ...after, running: [] }).toEqual({ ...before, running: [] });

    await serve();
    const interrupted = await api<Run>(`/api/v1/sync-runs/${id}`);
    expect(interrupted.state).toBe('interrupted');
    expect(interrupted.error?.code).toBe('sync_interrupted');
    expect(interrupted.stages.find((s) => s.name === 'billing')?.state).toBe('interrupted');

    const next = await api<Run>(`/api/v1/cloud-accounts/${payerId}/sync`, { method: 'POST' });
    expect(next.id).not.toBe(id);
    const done = await waitFinished(next.id);
    expect(done.state).toBe('succeeded');
    expect(done.stages.find((s) => s.name === 'billing')?.counts.periodsLoaded).toBe(1);
    await server!.stop('SIGTERM');
    server = undefined;

    const reloaded = await snapshot();
    const restated = (s: typeof before) =>
      s.periods.filter((p) => String(p.p).startsWith(current)).map((p) => p.manifest_identity);
    expect(restated(reloaded)).not.toEqual(restated(before));
  });

  it('keeps the inventory when killed during inventory; the run is interrupted and the next one succeeds', async () => {
    const before = await snapshot();
    expect(before.resources.length).toBeGreaterThan(0);
    sim.injectFault({
      service: 'ec2',
      operation: 'DescribeVolumes',
      kind: 'slow',
      delayMs: 2_000,
      count: 1_000,
    });

    await serve();
    const volumeCalls = () => sim.calls()['ec2:DescribeVolumes'] ?? 0;
    const callsBefore = volumeCalls();
    const { id } = await api<Run>(`/api/v1/cloud-accounts/${memberId}/sync`, { method: 'POST' });
    await eventually(
      async () => (await api<Run>(`/api/v1/sync-runs/${id}`)).stage === 'inventory',
      'inventory to start',
      60_000,
    );
    // Killed while the inventory scan waits on a (slow) DescribeVolumes call the simulator has received.
    await eventually(
      async () => volumeCalls() > callsBefore,
      'the inventory scan to call DescribeVolumes',
      60_000,
    );
    await kill();
    sim.clearFaults();

    const after = await snapshot();
    expect(after.running).toEqual([{ id }]);
    expect(after.resources).toEqual(before.resources);
    expect(after.lineItems).toEqual(before.lineItems);

    await serve();
    expect((await api<Run>(`/api/v1/sync-runs/${id}`)).state).toBe('interrupted');
    const status = await api<{ state: string; nextSyncAt: string | null }>(
      `/api/v1/cloud-accounts/${memberId}/sync-status`,
    );
    // The account shows what it showed before the run; the interrupted run makes it due again.
    expect(status.state).toBe('healthy');
    expect(Date.parse(status.nextSyncAt!)).toBeLessThanOrEqual(Date.now());
    const next = await api<Run>(`/api/v1/cloud-accounts/${memberId}/sync`, { method: 'POST' });
    const done = await waitFinished(next.id);
    expect(done.state).toBe('succeeded');
    expect(done.stages.find((s) => s.name === 'inventory')?.state).toBe('succeeded');
    expect((await latestRun(memberId)).id).toBe(next.id);
  });

  it('`accounts sync ID --wait` on the data directory runs the sync itself, and says so when a server holds it', async () => {
    if (!server) await serve();
    const held = await runCli(['accounts', 'sync', memberId, '--wait', '--data-dir', dataDir], {
      cwd: scratch.dir,
      env,
    });
    expect(held.code).not.toBe(0);
    expect(held.stderr).toMatch(/held by another Cloudtally process/);
    await server!.stop('SIGTERM');
    server = undefined;

    const direct = await runCli(['accounts', 'sync', memberId, '--wait', '--data-dir', dataDir], {
      cwd: scratch.dir,
      env,
    });
    expect(direct.code, direct.stderr).toBe(0);
    expect(direct.stdout).toMatch(/^sync run run_\w+: succeeded$/m);
    expect(direct.stdout).toMatch(/^inventory\s+succeeded/m);
  });
});
