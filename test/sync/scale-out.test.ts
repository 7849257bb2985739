import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { createPostgresDatabase, type TestDatabase } from '../helpers/stores.js';
import { addSimulatedAccounts, connectAccounts, startCluster, type Cluster } from './cluster.js';
import { eventually } from './helpers.js';

// Server mode: one API process (`serve --no-worker`) and two `cloudtally worker` processes on PostgreSQL.

interface RunRow {
  id: string;
  cloud_account_id: string;
  trigger: string;
  state: string;
  worker_id: string | null;
  attempts: number;
  started_at: Date | null;
  finished_at: Date | null;
}

const ACCOUNTS = 20;

describe('sync scale-out on PostgreSQL (real API and worker processes)', () => {
  let sim: Simulator;
  let db: TestDatabase;
  let cluster: Cluster;
  let client: pg.Client;
  let accountIds: string[];

  const runsOf = async (trigger?: string) =>
    (
      await client.query<RunRow>(
        `SELECT id, cloud_account_id, trigger, state, worker_id, attempts, started_at, finished_at FROM sync_runs
         WHERE ($1::text IS NULL OR trigger = $1) ORDER BY cloud_account_id, queued_at`,
        [trigger ?? null],
      )
    ).rows;
  const allFinished = (trigger: string, n: number) =>
    eventually(
      async () => {
        const rows = await runsOf(trigger);
        return rows.length >= n && rows.every((r) => !['queued', 'running'].includes(r.state))
          ? rows
          : undefined;
      },
      `${n} ${trigger} runs to finish`,
      180_000,
    );

  beforeAll(async () => {
    sim = await startSimulator('small', { now: new Date() });
    db = await createPostgresDatabase();
    cluster = await startCluster({
      databaseUrl: db.databaseUrl!,
      sim,
      workers: 2,
      env: {
        CLOUDTALLY_SYNC_LEASE_SECONDS: '3',
        CLOUDTALLY_SYNC_POLL_MS: '100',
        CLOUDTALLY_MAX_CONCURRENT_SYNCS: '2',
      },
    });
    client = new pg.Client({ connectionString: db.databaseUrl });
    await client.connect();
    const { externalId } = await cluster.request<{ externalId: string }>('/api/v1/setup/aws');
    // Each simulated AWS call takes a while, as real ones do, so that both workers have work in flight.
    sim.injectFault({ service: 'ec2', kind: 'slow', delayMs: 40, count: 1_000_000 });
    accountIds = await connectAccounts(cluster, addSimulatedAccounts(sim, ACCOUNTS, externalId));
  });
  afterAll(async () => {
    await client?.end();
    await cluster?.close();
    await db?.destroy();
    await sim?.close();
  });

  it('syncs 20 accounts across two workers, each exactly once per trigger and never two at once', async () => {
    const connected = await allFinished('connected', ACCOUNTS);
    for (const id of accountIds) {
      await cluster.request(`/api/v1/cloud-accounts/${id}/sync`, { method: 'POST' });
    }
    const manual = await allFinished('manual', ACCOUNTS);

    for (const rows of [connected, manual]) {
      expect(rows.map((r) => r.cloud_account_id).sort()).toEqual([...accountIds].sort());
      expect(rows.every((r) => r.state === 'succeeded' && r.attempts === 1)).toBe(true);
    }
    const all = await runsOf();
    expect(all).toHaveLength(2 * ACCOUNTS);
    // Both workers took runs, and nothing else did.
    const workerIds = new Set(all.map((r) => r.worker_id));
    expect([...workerIds].sort()).toEqual(cluster.workers.map((w) => w.id).sort());
    // One account's runs never overlap.
    for (const id of accountIds) {
      const [a, b] = all.filter((r) => r.cloud_account_id === id);
      expect(b.started_at!.getTime()).toBeGreaterThanOrEqual(a.finished_at!.getTime());
    }
    const listed = await cluster.request<{ items: { id: string; status: { state: string } }[] }>(
      '/api/v1/cloud-accounts',
    );
    expect(
      listed.items.filter((a) => accountIds.includes(a.id)).every((a) => a.status.state === 'healthy'),
    ).toBe(true);
  });

  it("finishes a killed worker's run on the other worker once its lease expires", async () => {
    // Slow inventory calls keep the run on its first worker long enough to kill that worker mid-run.
    sim.clearFaults();
    sim.injectFault({
      service: 'ec2',
      operation: 'DescribeVolumes',
      kind: 'slow',
      delayMs: 3_000,
      count: 1_000,
    });
    const target = accountIds[0];
    const { id } = await cluster.request<{ id: string }>(`/api/v1/cloud-accounts/${target}/sync`, {
      method: 'POST',
    });
    const running = await eventually(
      async () => {
        const row = (await client.query<RunRow>(`SELECT * FROM sync_runs WHERE id = $1`, [id])).rows[0];
        return row.state === 'running' && row.worker_id ? row : undefined;
      },
      'the run to be claimed',
      60_000,
    );
    const victim = cluster.workers.find((w) => w.id === running.worker_id)!;
    const survivor = cluster.workers.find((w) => w !== victim)!;
    expect((await victim.stop('SIGKILL')).signal).toBe('SIGKILL');
    sim.clearFaults();

    const done = await eventually(
      async () => {
        const row = (await client.query<RunRow>(`SELECT * FROM sync_runs WHERE id = $1`, [id])).rows[0];
        return row.state === 'succeeded' ? row : undefined;
      },
      'the other worker to finish the run',
      120_000,
    );
    expect(done.worker_id).toBe(survivor.id);
    expect(done.attempts).toBe(2);
    const manualRuns = (await runsOf('manual')).filter((r) => r.cloud_account_id === target);
    expect(manualRuns.filter((r) => r.id === id)).toHaveLength(1);
    expect(manualRuns.every((r) => r.state === 'succeeded')).toBe(true);
  });
});
