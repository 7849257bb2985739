/**
 * Many people at once, on the embedded engine: `cloudtally serve` as a process over the benchmark organization's
 * bill (bench/query/dataset.ts, BENCH_LOAD_ROWS line items over 13 months), and clients on this machine's
 * loopback replaying what the dashboard asks for — the overview, the cost explorer grouped by service, account,
 * resource and tag, recommendations and resources. Each client sends its next request when the last is answered.
 *
 * Rounds: one client (the baseline: the same requests, nobody else waiting), then each of BENCH_LOAD_CLIENTS
 * without a sync, then 20 clients while an account's sync loads a restated month again and again (the simulator,
 * BENCH_LOAD_SYNC_ROWS line items a month). Every round is bounded by BENCH_LOAD_SECONDS and by
 * BENCH_LOAD_MAX_REQUESTS. Prints throughput, p50/p95/p99, errors and the server's resident memory per round.
 *
 *   node --import tsx bench/load/run.ts
 *   BENCH_LOAD_ROWS=300000 BENCH_LOAD_SECONDS=5 node --import tsx bench/load/run.ts   # small
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator, type Simulator } from '../../sim/index.js';
import { createCostService } from '../../src/costs/cost-service.js';
import { addDays, monthStart } from '../../src/lib/dates.js';
import { silentLog } from '../../src/lib/log.js';
import { openStore } from '../../src/store/open-store.js';
import { BENCH_BUCKET, benchScenario } from '../ingest/scenario.js';
import { datasetDays, generate } from '../query/dataset.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(root, 'bin', 'cloudtally.js');
const ROWS = Number(process.env.BENCH_LOAD_ROWS ?? 10_000_000);
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 20);
const MAX_REQUESTS = Number(process.env.BENCH_LOAD_MAX_REQUESTS ?? 20_000);
const CLIENTS = (process.env.BENCH_LOAD_CLIENTS ?? '20,50').split(',').map(Number);
const SYNC_CLIENTS = CLIENTS[0];
const SYNC_ROWS = Number(process.env.BENCH_LOAD_SYNC_ROWS ?? 300_000);
/** Issue 22's targets on the embedded engine (20 clients). */
const TARGET_P95_MS = 500;
const TARGET_P95_SYNC_MS = 1500;

const log = (msg: string) => process.stdout.write(`# ${msg}\n`);
function bench(name: string, value: string, target: string, met: boolean): void {
  process.stdout.write(`BENCH ${name} | ${value} | ${target} | ${met ? 'met' : 'not met'}\n`);
}

interface Proc {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function launch(args: string[], env: NodeJS.ProcessEnv, cwd: string): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function cli(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  const p = launch(args, env, cwd);
  if ((await p.exited) !== 0) throw new Error(`cloudtally ${args.join(' ')} failed:\n${p.output()}`);
  return p.output();
}

async function waitForOutput(p: Proc, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  const until = Date.now() + 120_000;
  for (;;) {
    const m = pattern.exec(p.output());
    if (m) return m;
    if (p.child.exitCode !== null) throw new Error(`${what} exited:\n${p.output()}`);
    if (Date.now() > until) throw new Error(`${what} not ready in 2 minutes:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resident and peak resident memory of a process, from /proc (Linux). */
function memoryOf(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

/**
 * fetch, retried once when a kept-alive connection was closed by the server just as it was reused (as browsers
 * retry such a request): a reset before any answer is the connection's end, not the server's failure.
 */
async function fetchOnce(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code;
    if (code !== 'ECONNRESET' && code !== 'UND_ERR_SOCKET') throw err;
    return fetch(url, init);
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The dashboard's requests, as its pages send them (overview, explorer groupings, recommendations, resources). */
function dashboardRequests(today: string): string[] {
  const mtd = { from: monthStart(today), to: today };
  const last30 = { from: addDays(today, -30), to: addDays(today, -1) };
  const q = (p: string, params: Record<string, string | number>) =>
    `${p}?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
  return [
    q('/api/v1/costs/summary', { basis: 'billed' }),
    q('/api/v1/costs', { ...mtd, groupBy: 'service', granularity: 'day', limit: 6 }),
    q('/api/v1/costs', { ...mtd, groupBy: 'account', limit: 5 }),
    q('/api/v1/costs/anomalies', { limit: 5 }),
    q('/api/v1/costs/forecast', { basis: 'billed' }),
    q('/api/v1/costs', { ...last30, groupBy: 'service', granularity: 'day' }),
    q('/api/v1/costs', { ...last30, groupBy: 'account', granularity: 'day' }),
    q('/api/v1/costs', { ...last30, groupBy: 'resource', limit: 20 }),
    q('/api/v1/costs', { ...last30, groupBy: 'tag:user:team', granularity: 'day' }),
    q('/api/v1/recommendations', { state: 'open', limit: 50 }),
    q('/api/v1/resources', { limit: 50 }),
  ];
}

interface RoundResult {
  requests: number;
  errors: number;
  firstError?: string;
  seconds: number;
  latencies: number[];
}

/** `clients` loops, each sending the next request of the mix when the last is answered, until time or count ends. */
async function round(url: string, token: string, paths: string[], clients: number): Promise<RoundResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let sent = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  const client = async (n: number) => {
    for (let i = n; performance.now() < deadline && sent < MAX_REQUESTS; i++) {
      sent++;
      const p = paths[i % paths.length];
      const t = performance.now();
      try {
        const res = await fetchOnce(url + p, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(60_000),
        });
        await res.arrayBuffer();
        if (!res.ok) {
          errors++;
          firstError ??= `${p}: HTTP ${res.status}`;
        }
      } catch (err) {
        errors++;
        firstError ??= `${p}: ${err instanceof Error ? err.message : String(err)}`;
      }
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, n) => client(n)));
  return { requests: sent, errors, firstError, seconds: (performance.now() - started) / 1000, latencies };
}

function report(name: string, r: RoundResult, pid: number, p95Target?: number): void {
  const sorted = [...r.latencies].sort((a, b) => a - b);
  const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(sorted, p));
  const mem = memoryOf(pid);
  log(
    `${name}: ${r.requests} requests in ${r.seconds.toFixed(1)} s, ${(r.requests / r.seconds).toFixed(1)} req/s, ` +
      `p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, ${r.errors} errors` +
      `${r.firstError ? ` (first: ${r.firstError})` : ''}, server RSS ${mem.rssMiB.toFixed(0)} MiB (peak ${mem.peakMiB.toFixed(0)} MiB)`,
  );
  bench(`${name}_throughput`, `${(r.requests / r.seconds).toFixed(1)} req/s`, '-', r.errors === 0);
  bench(`${name}_p50`, `${p50.toFixed(0)} ms`, '-', r.errors === 0);
  if (p95Target === undefined) bench(`${name}_p95`, `${p95.toFixed(0)} ms`, '-', r.errors === 0);
  else bench(`${name}_p95`, `${p95.toFixed(0)} ms`, `< ${p95Target} ms`, r.errors === 0 && p95 < p95Target);
  bench(`${name}_p99`, `${p99.toFixed(0)} ms`, '-', r.errors === 0);
  bench(`${name}_errors`, `${r.errors} errors`, '0', r.errors === 0);
  bench(`${name}_server_peak_rss`, `${mem.peakMiB.toFixed(0)} MiB`, '< 1024 MiB', mem.peakMiB < 1024);
}

async function main(): Promise<void> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'cloudtally-bench-load-'));
  const dataDir = path.join(cwd, 'data');
  const today = new Date().toISOString().slice(0, 10);
  let sim: Simulator | undefined;
  let server: Proc | undefined;
  try {
    const t0 = Date.now();
    // The simulator's month is last month (within the retention), its clock on that month's last day.
    const simMonth = monthStart(addDays(monthStart(today), -1));
    sim = await startSimulator(benchScenario(SYNC_ROWS, ['parquet']), {
      now: new Date(`${addDays(monthStart(today), -1)}T12:00:00Z`),
    });
    log(
      `simulator with a ${SYNC_ROWS.toLocaleString('en-US')}-row month ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CLOUDTALLY_')) env[k] = v;
    delete env.AWS_ENDPOINT_URL;
    Object.assign(env, {
      CLOUDTALLY_DATA_DIR: dataDir,
      CLOUDTALLY_SECRET_KEY: randomBytes(32).toString('base64'),
      CLOUDTALLY_AWS_ENDPOINT_URL: sim.url,
      CLOUDTALLY_LOG_LEVEL: 'warn',
      CLOUDTALLY_SCHEDULER: 'false',
      AWS_ACCESS_KEY_ID: sim.hostCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sim.hostCredentials.secretAccessKey,
      AWS_REGION: 'us-east-1',
    });
    const email = 'load@bench.test';
    await cli(
      [
        'users',
        'create',
        '--org',
        'Load',
        '--email',
        email,
        '--role',
        'manager',
        '--password',
        'a-long-password',
      ],
      env,
      cwd,
    );
    const token = (await cli(['tokens', 'create', '--email', email, '--name', 'load'], env, cwd))
      .trim()
      .split('\n')
      .pop()!;

    // The bill goes straight into the data directory before the server opens it (one process holds DuckDB).
    const store = await openStore({ dataDir });
    try {
      const [{ id: orgId }] = await store.query<{ id: string }>('SELECT id FROM organizations');
      await generate(store, { orgId, rows: ROWS, asOf: today, log });
      const t = Date.now();
      const costs = createCostService({ store, clock: { now: () => new Date() }, log: silentLog });
      await costs.recomputeAnomalies(orgId);
      log(`anomalies computed in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    } finally {
      await store.close();
    }
    const { firstDay, lastDay } = datasetDays(today);
    log(`${ROWS.toLocaleString('en-US')} line items, ${firstDay} to ${lastDay}`);

    server = launch(['serve', '--port', '0'], env, cwd);
    const url = (
      await waitForOutput(server, /listening on (http:\/\/127\.0\.0\.1:\d+)/, 'cloudtally serve')
    )[1];
    const pid = server.child.pid!;
    const api = async <T>(p: string, method = 'GET', body?: unknown): Promise<T> => {
      const res = await fetchOnce(url + p, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
      return JSON.parse(text) as T;
    };

    // An account whose sync loads the simulator's month: connected (and synced once) before any round.
    const { externalId } = await api<{ externalId: string }>('/api/v1/setup/aws');
    const payer = sim.scenario.organization.payerAccountId;
    sim.addRole({
      accountId: payer,
      name: 'CloudtallyLoad',
      trust: {
        principals: [`arn:aws:iam::${sim.scenario.host.accountId}:user/${sim.scenario.host.userName}`],
        externalId,
      },
      allow: [
        's3:*',
        'ce:*',
        'organizations:*',
        'ec2:Describe*',
        'elasticloadbalancing:Describe*',
        'cloudwatch:Get*',
        'sts:GetCallerIdentity',
        'iam:SimulatePrincipalPolicy',
      ],
      buckets: ['*'],
    });
    const account = await api<{ id: string }>('/api/v1/cloud-accounts', 'POST', {
      provider: 'aws',
      name: 'Load payer',
      type: 'assumed_role',
      awsAccountId: payer,
      roleName: 'CloudtallyLoad',
      exportType: 'cur2',
      exportName: 'bench-parquet',
      bucket: BENCH_BUCKET,
      prefix: 'bench',
      exportRegion: 'us-east-1',
    });
    const syncOnce = async (): Promise<number> => {
      const t = Date.now();
      const run = await api<{ id: string }>(`/api/v1/cloud-accounts/${account.id}/sync`, 'POST');
      for (;;) {
        const r = await api<{ state: string; error: { message: string } | null }>(
          `/api/v1/sync-runs/${run.id}`,
        );
        if (r.state === 'succeeded') return Date.now() - t;
        if (!['queued', 'running'].includes(r.state))
          throw new Error(`sync ${r.state}: ${r.error?.message ?? ''}`);
        await new Promise((res) => setTimeout(res, 100));
      }
    };
    log(`first sync of the simulator's account: ${((await syncOnce()) / 1000).toFixed(1)} s`);

    const paths = dashboardRequests(today);
    for (const p of paths) await api(p); // warm-up: every request once
    report('load_1_client', await round(url, token, paths, 1), pid);
    for (const clients of CLIENTS) {
      report(
        `load_${clients}_clients`,
        await round(url, token, paths, clients),
        pid,
        clients === 20 ? TARGET_P95_MS : undefined,
      );
    }

    // The same clients while the month is restated and loaded again, over and over.
    const period = simMonth.slice(0, 7);
    let syncing = true;
    const syncs: number[] = [];
    const syncLoop = (async () => {
      while (syncing) {
        await sim!.restatePeriod(period);
        syncs.push(await syncOnce());
      }
    })();
    const during = await round(url, token, paths, SYNC_CLIENTS);
    syncing = false;
    await syncLoop;
    log(`syncs during the round: ${syncs.length}, ${syncs.map((s) => (s / 1000).toFixed(1)).join(', ')} s`);
    report(
      `load_${SYNC_CLIENTS}_clients_with_sync`,
      during,
      pid,
      SYNC_CLIENTS === 20 ? TARGET_P95_SYNC_MS : undefined,
    );
  } catch (err) {
    if (server && server.child.exitCode !== null) {
      log(`the server exited (code ${server.child.exitCode}):\n${server.output().slice(-4000)}`);
    }
    throw err;
  } finally {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await sim?.close();
    rmSync(cwd, { recursive: true, force: true });
  }
}

await main();
