/**
 * CLI start-up benchmark: how long `cloudtally --version` and `cloudtally costs query --json` (against a running server
 * with a month of costs) take from spawn to exit, as a user runs them (`node bin/cloudtally.js`, the compiled
 * build). Each figure is the median of BENCH_CLI_RUNS runs and is also given as a ratio against a baseline measured
 * in the same run that does the same work without Cloudtally: `node -e` printing the version, and `node -e` fetching
 * the same endpoint with the same token and printing the JSON. The ratio is what stays comparable on a busy
 * machine; the absolute targets are the (< 0.3 s and < 0.8 s).
 *
 *   node --import tsx bench/cli/run.ts
 *   BENCH_CLI_RUNS=3 BENCH_CLI_TSX_RUNS=0 node --import tsx bench/cli/run.ts   # small
 *
 * BENCH_CLI_TSX_RUNS (default 2) also times the same commands run through tsx (the CLI before it was compiled),
 * printed for comparison.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isoDate, monthStart } from '../../src/costs/dates.js';
import { ensureCliBuild } from '../../scripts/cli-build.js';
import { insertItems, makeItems } from '../../test/costs/fixtures.js';
import { startTestServer } from '../../test/helpers/server.js';

const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 15);
const TSX_RUNS = Number(process.env.BENCH_CLI_TSX_RUNS ?? 2);
const VERSION_TARGET_S = 0.3;
const COSTS_TARGET_S = 0.8;
/** Cloudtally may add this much over the bare-Node baseline: loading its CLI, parsing flags, checking input. */
const VERSION_TARGET_RATIO = 3;
const COSTS_TARGET_RATIO = 2;

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/cloudtally.js');
const log = (msg: string) => process.stdout.write(`# ${msg}\n`);
function bench(name: string, value: string, target: string, met: boolean): void {
  process.stdout.write(`BENCH ${name} | ${value} | ${target} | ${met ? 'met' : 'not met'}\n`);
}

/** Seconds from spawn to exit; fails the benchmark if the command fails or prints something else. */
function timed(args: string[], env: NodeJS.ProcessEnv, check: (stdout: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`node ${args.join(' ')} exited ${code}: ${err}`));
      try {
        check(out);
      } catch (e) {
        return reject(e as Error);
      }
      resolve(seconds);
    });
  });
}

async function median(runs: number, once: () => Promise<number>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CLOUDTALLY_')) env[k] = v;
  return { ...env, ...extra };
}

if (!(await ensureCliBuild())) throw new Error('The compiled CLI could not be built (is esbuild installed?)');
const server = await startTestServer();
try {
  const manager = server.users.manager;
  const today = isoDate(new Date());
  const from = monthStart(today);
  const days = Number(today.slice(8, 10));
  await insertItems(server.ctx.store, makeItems(manager.orgId, from, days));
  log(`server ${server.url} with ${days} days of costs for one organization; ${RUNS} runs per figure`);

  const version = (out: string) => {
    if (out.trim() !== '0.1.0') throw new Error(`unexpected version output: ${out}`);
  };
  const costsJson = (out: string) => {
    const a = JSON.parse(out) as { total?: number; from?: string };
    if (typeof a.total !== 'number' || a.total <= 0 || a.from !== from)
      throw new Error(`unexpected costs answer: ${out.slice(0, 500)}`);
  };
  const apiEnv = cleanEnv({ CLOUDTALLY_URL: server.url, CLOUDTALLY_TOKEN: manager.token });
  const query = new URLSearchParams({ from, to: today, granularity: 'month', basis: 'billed', limit: '50' });
  const fetchScript = `const r = await fetch(process.env.CLOUDTALLY_URL + '/api/v1/costs?${query}', { headers: { authorization: 'Bearer ' + process.env.CLOUDTALLY_TOKEN } });
if (!r.ok) process.exit(1);
process.stdout.write(JSON.stringify(await r.json(), null, 2) + '\\n');`;

  const cli = {
    version: () => timed([BIN, '--version'], cleanEnv(), version),
    costs: () => timed([BIN, 'costs', 'query', '--json'], apiEnv, costsJson),
  };
  const baseline = {
    version: () => timed(['-e', "console.log('0.1.0')"], cleanEnv(), version),
    costs: () => timed(['--input-type=module', '-e', fetchScript], apiEnv, costsJson),
  };
  // One untimed round each, so that the first timed run does not also pay for a cold file cache.
  await cli.version();
  await cli.costs();
  await baseline.costs();

  const v = await median(RUNS, cli.version);
  const vBase = await median(RUNS, baseline.version);
  const c = await median(RUNS, cli.costs);
  const cBase = await median(RUNS, baseline.costs);
  if (TSX_RUNS > 0) {
    const tsxEnv = { CLOUDTALLY_TSX: '1' };
    const tv = await median(TSX_RUNS, () => timed([BIN, '--version'], cleanEnv(tsxEnv), version));
    const tc = await median(TSX_RUNS, () =>
      timed([BIN, 'costs', 'query', '--json'], { ...apiEnv, ...tsxEnv }, costsJson),
    );
    log(
      `through tsx (CLOUDTALLY_TSX=1, the CLI before it was compiled): --version ${tv.toFixed(2)} s, costs query --json ${tc.toFixed(2)} s`,
    );
  }
  log(
    `baselines: node -e printing the version ${vBase.toFixed(3)} s; node -e fetching /api/v1/costs ${cBase.toFixed(3)} s`,
  );

  bench('cli_version', `${v.toFixed(3)} s`, `< ${VERSION_TARGET_S} s`, v < VERSION_TARGET_S);
  bench(
    'cli_version_ratio',
    `${(v / vBase).toFixed(2)} x node -e`,
    `≤ ${VERSION_TARGET_RATIO} x`,
    v / vBase <= VERSION_TARGET_RATIO,
  );
  bench('cli_costs_json', `${c.toFixed(3)} s`, `< ${COSTS_TARGET_S} s`, c < COSTS_TARGET_S);
  bench(
    'cli_costs_json_ratio',
    `${(c / cBase).toFixed(2)} x node fetch`,
    `≤ ${COSTS_TARGET_RATIO} x`,
    c / cBase <= COSTS_TARGET_RATIO,
  );
} finally {
  await server.close();
}
