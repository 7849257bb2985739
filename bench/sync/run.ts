/**
 * Sync scale-out benchmark. Server mode as operators run it: one `cloudtally serve --no-worker` and 1, then 2,
 * `cloudtally worker` processes on PostgreSQL, against the simulator with a per-call AWS latency. Each round
 * connects BENCH_SYNC_ACCOUNTS member accounts (their first syncs run and are not timed), then triggers a sync of
 * every account at once and times until all have finished. Prints both wall times and their ratio.
 *
 *   node --import tsx bench/sync/run.ts
 *   BENCH_SYNC_ACCOUNTS=10 BENCH_SYNC_LATENCY_MS=20 node --import tsx bench/sync/run.ts   # small
 *
 * BENCH_SYNC_CONCURRENCY is the runs each worker works on at once (default 2).
 */
import pg from 'pg';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { withPostgresDatabase } from '../../test/helpers/stores.js';
import { addSimulatedAccounts, connectAccounts, startCluster } from '../../test/sync/cluster.js';

const ACCOUNTS = Number(process.env.BENCH_SYNC_ACCOUNTS ?? 50);
const LATENCY_MS = Number(process.env.BENCH_SYNC_LATENCY_MS ?? 50);
const CONCURRENCY = Number(process.env.BENCH_SYNC_CONCURRENCY ?? 2);
const ADMIN_PG_URL = process.env.CLOUDTALLY_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** One worker must sync an account in under 2 s on average; two workers must do the same work ≥ 1.5× faster. */
const TARGET_SECONDS = (ACCOUNTS * 2) / CONCURRENCY;
const TARGET_RATIO = 1.5;

const log = (msg: string) => process.stdout.write(`# ${msg}\n`);
function bench(name: string, value: string, target: string, met: boolean): void {
  process.stdout.write(`BENCH ${name} | ${value} | ${target} | ${met ? 'met' : 'not met'}\n`);
}

/** AWS answers in tens of milliseconds; the simulator answers at once unless told to wait. */
function addLatency(sim: Simulator): void {
  if (LATENCY_MS <= 0) return;
  for (const service of ['sts', 'ec2', 'elasticloadbalancing', 'monitoring', 'organizations', 'iam']) {
    sim.injectFault({ service, kind: 'slow', delayMs: LATENCY_MS, count: 10_000_000 });
  }
}

async function round(
  sim: Simulator,
  workers: number,
  firstAccount: number,
): Promise<{ seconds: number; ok: boolean }> {
  return withPostgresDatabase(
    { adminUrl: ADMIN_PG_URL, prefix: 'cloudtally_bench_sync' },
    async (databaseUrl) => {
      const cluster = await startCluster({
        databaseUrl,
        sim,
        workers,
        env: { CLOUDTALLY_MAX_CONCURRENT_SYNCS: String(CONCURRENCY), CLOUDTALLY_SYNC_POLL_MS: '100' },
      });
      const db = new pg.Client({ connectionString: databaseUrl });
      await db.connect();
      try {
        const { externalId } = await cluster.request<{ externalId: string }>('/api/v1/setup/aws');
        const ids = await connectAccounts(
          cluster,
          addSimulatedAccounts(sim, ACCOUNTS, externalId, firstAccount),
        );
        const finished = async (trigger: string) => {
          for (;;) {
            const { rows } = await db.query<{ open: number; done: number }>(
              `SELECT count(*) FILTER (WHERE state IN ('queued', 'running'))::int AS open,
                    count(*) FILTER (WHERE state = 'succeeded')::int AS done
             FROM sync_runs WHERE trigger = $1`,
              [trigger],
            );
            if (rows[0].open === 0) return rows[0].done;
            await new Promise((r) => setTimeout(r, 50));
          }
        };
        await finished('connected');
        log(
          `${workers} worker(s): ${ACCOUNTS} accounts connected and synced once; timing a sync of all of them`,
        );
        const started = process.hrtime.bigint();
        await Promise.all(
          ids.map((id) => cluster.request(`/api/v1/cloud-accounts/${id}/sync`, { method: 'POST' })),
        );
        const done = await finished('manual');
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const { rows } = await db.query<{ worker_id: string; n: number }>(
          `SELECT worker_id, count(*)::int AS n FROM sync_runs WHERE trigger = 'manual' GROUP BY worker_id ORDER BY worker_id`,
        );
        log(
          `${workers} worker(s): ${seconds.toFixed(2)} s; runs per worker: ${rows.map((r) => r.n).join(', ')}`,
        );
        return { seconds, ok: done === ACCOUNTS };
      } finally {
        await db.end();
        await cluster.close();
      }
    },
  );
}

const sim = await startSimulator('small', { now: new Date() });
try {
  addLatency(sim);
  log(`${ACCOUNTS} accounts, ${LATENCY_MS} ms per AWS call, ${CONCURRENCY} runs at once per worker`);
  const one = await round(sim, 1, 600_000_000_000);
  const two = await round(sim, 2, 700_000_000_000);
  const ratio = one.seconds / two.seconds;
  bench(
    `sync_${ACCOUNTS}_accounts_1_worker`,
    `${one.seconds.toFixed(2)} s`,
    `≤ ${TARGET_SECONDS} s`,
    one.ok && one.seconds <= TARGET_SECONDS,
  );
  bench(
    `sync_${ACCOUNTS}_accounts_2_workers`,
    `${two.seconds.toFixed(2)} s`,
    `≤ ${TARGET_SECONDS / 2} s`,
    two.ok && two.seconds <= TARGET_SECONDS / 2,
  );
  bench(
    'sync_scale_out_ratio',
    `${ratio.toFixed(2)} x`,
    `≥ ${TARGET_RATIO} x`,
    one.ok && two.ok && ratio >= TARGET_RATIO,
  );
} finally {
  await sim.close();
}
